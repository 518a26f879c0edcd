//! The D'Fresto worker: runs the jobs the web tier enqueues in its business transactions —
//! notifications, rate-limited WhatsApp sends, the daily invoice run — on any number of
//! processes sharing one PostgreSQL database. The business rules live in `domain`; this crate
//! owns the process (queues, concurrency, cron, shutdown), the handlers, and the WhatsApp
//! transports behind the [`messenger::Messenger`] trait.
//!
//! A library as well as the `dfresto-worker` binary, so tests drive the same code.

pub mod config;
pub mod handlers;
pub mod messenger;
pub mod notification_batch;
pub mod report_timing;
pub mod reports;
pub mod runtime;
pub mod send;
pub mod session;

pub use config::WorkerConfig;

/// Resolves once `flag` is true (or its sender is gone). Returns nothing, so no borrow of the
/// channel is held across the caller's next await (that borrow is not `Send`).
pub(crate) async fn until_set(flag: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = flag.wait_for(|set| *set).await.map(|_| ());
}
pub use runtime::{Exit, run};
