//! Restarting a failed queue consumer, under a fresh name, but not in a tight loop.

use std::sync::atomic::Ordering;
use std::time::Duration;

/// apalis keys heartbeats and locks by consumer name, and the registration of a name stays
/// locked by the connection that made it: a restarted consumer takes a fresh name. Jobs the
/// failed one had fetched are re-queued once its heartbeats stop.
pub(super) fn consumer_name(base: &str, restarts: usize) -> String {
    if restarts == 0 {
        base.to_owned()
    } else {
        format!("{base}:r{restarts}")
    }
}

/// Restarts a failed queue consumer (a dropped database connection, say), but not in a tight
/// loop: after `MAX` failures within `WINDOW` the worker stops, exits non-zero, and its
/// supervisor (systemd `Restart=on-failure`) starts it again after a pause.
#[derive(Default)]
pub(super) struct Restarts {
    recent: std::sync::Mutex<std::collections::VecDeque<std::time::Instant>>,
    pub failed: std::sync::atomic::AtomicBool,
    pub gave_up: tokio::sync::Notify,
}

impl Restarts {
    const MAX: usize = 5;
    const WINDOW: Duration = Duration::from_secs(60);

    pub fn allow(&self, consumer: &str, error: &apalis_core::error::WorkerError) -> bool {
        let now = std::time::Instant::now();
        let mut recent = self
            .recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        recent.retain(|t| now.duration_since(*t) < Self::WINDOW);
        recent.push_back(now);
        if recent.len() > Self::MAX {
            tracing::error!(consumer, %error, "queue consumer failed {} times within a minute; giving up", recent.len());
            self.failed.store(true, Ordering::SeqCst);
            self.gave_up.notify_one();
            return false;
        }
        tracing::error!(consumer, %error, "queue consumer stopped with an error; restarting it");
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_consumer_failing_over_and_over_is_given_up() {
        let restarts = Restarts::default();
        let error = apalis_core::error::WorkerError::PanicError("test".into());
        for _ in 0..Restarts::MAX {
            assert!(restarts.allow("q", &error));
        }
        assert!(!restarts.allow("q", &error));
        assert!(restarts.failed.load(Ordering::SeqCst));
        assert_eq!(consumer_name("h:1:whatsapp", 0), "h:1:whatsapp");
        assert_eq!(consumer_name("h:1:whatsapp", 2), "h:1:whatsapp:r2");
    }
}
