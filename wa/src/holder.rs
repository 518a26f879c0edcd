//! The one connection holder: of all the workers sharing a database, only the one holding a
//! PostgreSQL advisory lock keyed by the link session may run the WhatsApp client. Two clients on
//! the same credentials knock each other off (`conflict replaced`, then forced unlinks), so
//! this is not an optimisation but what keeps the number linked.
//!
//! The lock is a session-level `pg_try_advisory_lock` taken on a dedicated `PgConnection`
//! (never one from a pool: a pooled connection goes back to the pool and with it the lock, or
//! is reused by a query that knows nothing about it). The [`Lease`] keeps that connection for its
//! whole life and pings it; PostgreSQL drops the lock the moment the connection ends, so a
//! holder killed with `kill -9` frees the session at once, and a holder whose connection was
//! terminated or timed out finds out at its next ping and must stop its client
//! ([`Lease::lost`]). Workers without the lock try again every [`Holder::retry`].

use std::time::Duration;

use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

/// The first key of the two-key advisory lock: `WA` in ASCII, so these locks are told apart
/// from the project's other advisory locks (which use the one-key form) in `pg_locks`.
const LOCK_CLASS: i32 = 0x5741;

/// How a worker competes for a link session.
#[derive(Debug, Clone)]
pub struct Holder {
    options: PgConnectOptions,
    session_id: String,
    retry: Duration,
    ping: Duration,
}

impl Holder {
    /// Competes for `session_id` with connections made from `options` (typically
    /// `pool.connect_options()`). Defaults: a retry every 5 s, a ping every 5 s; with the
    /// server noticing a vanished machine in about 20 s (see [`Holder::try_take`]), another
    /// worker takes over well within 30 s.
    pub fn new(options: PgConnectOptions, session_id: impl Into<String>) -> Holder {
        Holder {
            options,
            session_id: session_id.into(),
            retry: Duration::from_secs(5),
            ping: Duration::from_secs(5),
        }
    }

    /// How long a worker without the lock waits before trying again.
    pub fn with_retry(mut self, retry: Duration) -> Holder {
        self.retry = retry;
        self
    }

    /// How often the holder checks that its connection (and so its lock) is still there.
    pub fn with_ping(mut self, ping: Duration) -> Holder {
        self.ping = ping;
        self
    }

    pub fn session_id(&self) -> &str {
        &self.session_id
    }

    pub fn retry(&self) -> Duration {
        self.retry
    }

    /// One attempt: the lease if this worker now holds the session, `None` if another does.
    ///
    /// The connection asks the server for TCP keepalives every few seconds: a holder whose
    /// machine vanished (no FIN, no RST) would otherwise keep the lock until the kernel's
    /// default keepalive, two hours later.
    pub async fn try_take(&self) -> Result<Option<Lease>, sqlx::Error> {
        let options = self
            .options
            .clone()
            .application_name("dfresto-wa-holder")
            .options([
                ("tcp_keepalives_idle", "10"),
                ("tcp_keepalives_interval", "3"),
                ("tcp_keepalives_count", "3"),
            ]);
        let mut conn = PgConnection::connect_with(&options).await?;
        let (taken,): (bool,) =
            sqlx::query_as("SELECT pg_try_advisory_lock($1, hashtext('dfresto-wa:' || $2))")
                .bind(LOCK_CLASS)
                .bind(&self.session_id)
                .fetch_one(&mut conn)
                .await?;
        if !taken {
            // Closing ends the session; there is nothing to unlock.
            let _ = conn.close().await;
            return Ok(None);
        }
        let (lost_tx, lost_rx) = watch::channel(None);
        let (release_tx, release_rx) = oneshot::channel();
        let task = tokio::spawn(keep(conn, self.ping, lost_tx, release_rx));
        tracing::info!(session = %self.session_id, "holding the WhatsApp session");
        Ok(Some(Lease {
            session_id: self.session_id.clone(),
            lost: lost_rx,
            release: Some(release_tx),
            task: Some(task),
        }))
    }

    /// Tries every [`Holder::retry`] until this worker holds the session; `None` once `stop`
    /// turns true. A database that cannot be reached is one more failed attempt, logged.
    pub async fn take(&self, stop: &mut watch::Receiver<bool>) -> Option<Lease> {
        let mut waiting_logged = false;
        loop {
            if *stop.borrow() {
                return None;
            }
            match self.try_take().await {
                Ok(Some(lease)) => return Some(lease),
                Ok(None) => {
                    if !waiting_logged {
                        tracing::info!(
                            session = %self.session_id,
                            "another worker holds the WhatsApp session; waiting to take over"
                        );
                        waiting_logged = true;
                    }
                }
                Err(e) => {
                    tracing::warn!(session = %self.session_id, error = %e, "cannot try the WhatsApp session lock");
                }
            }
            tokio::select! {
                () = tokio::time::sleep(self.retry) => {}
                _ = stop.wait_for(|s| *s) => return None,
            }
        }
    }
}

/// Holding the session. Dropping it (or [`Lease::release`]) closes the connection and so frees
/// the lock.
#[derive(Debug)]
pub struct Lease {
    session_id: String,
    /// `Some(reason)` once the connection, and with it the lock, is gone.
    lost: watch::Receiver<Option<String>>,
    release: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Lease {
    pub fn session_id(&self) -> &str {
        &self.session_id
    }

    /// Why the lock was lost, if it was: from then on another worker may hold the session.
    pub fn lost_reason(&self) -> Option<String> {
        self.lost.borrow().clone()
    }

    /// Resolves once the lock is lost, with the reason. The client must stop at once.
    pub async fn lost(&mut self) -> String {
        match self.lost.wait_for(Option::is_some).await {
            Ok(reason) => reason.clone().unwrap_or_default(),
            // The keeper ended without saying why: treat as lost, never as still held.
            Err(_) => "the session lock's keeper stopped".to_owned(),
        }
    }

    /// Unlocks and closes the connection, waiting until it is done.
    pub async fn release(mut self) {
        if let Some(tx) = self.release.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        // The keeper sees the channel closed and closes the connection; if the runtime is going
        // away, the connection's socket is dropped with it, which frees the lock just as well.
        self.release.take();
    }
}

/// Owns the lock's connection: pings it until it fails or the lease is released.
async fn keep(
    mut conn: PgConnection,
    ping: Duration,
    lost: watch::Sender<Option<String>>,
    mut release: oneshot::Receiver<()>,
) {
    let mut tick = tokio::time::interval(ping);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tokio::select! {
            _ = &mut release => {
                // Closing the session frees the lock; no explicit unlock needed.
                let _ = conn.close().await;
                return;
            }
            _ = tick.tick() => {
                // A ping the network swallows must not hold us forever: past the interval the
                // lock is as good as lost (the server will drop it when it notices).
                let reason = match tokio::time::timeout(ping.max(Duration::from_secs(1)), conn.ping()).await {
                    Ok(Ok(())) => continue,
                    Ok(Err(e)) => format!("the session lock's connection failed: {e}"),
                    Err(_) => "the session lock's connection stopped answering".to_owned(),
                };
                tracing::warn!(%reason, "lost the WhatsApp session lock");
                let _ = lost.send(Some(reason));
                return;
            }
        }
    }
}
