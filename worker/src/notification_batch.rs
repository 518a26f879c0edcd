//! The notifications queue, consumed in batches: up to `WORKER_BATCH_NOTIFICATIONS` events
//! expanded in one transaction (their messages, all their send jobs in one insert, the jobs
//! marked done), instead of one transaction and one apalis acknowledgement per event.
//!
//! Why not apalis here: every transaction that inserts a job fires apalis's `NOTIFY` trigger,
//! and PostgreSQL serialises the commits of notifying transactions behind one lock held through
//! the WAL flush. One commit per event capped the queue at one event per fsync (~700–1,000/s on
//! the bench machine, whatever the concurrency); a batch of 100 pays that once. The expansion
//! and the job's `Done` are now one commit, so a crash can neither lose a message nor write it
//! twice (a re-run finds the rows by their dedup keys anyway). The other queues stay on apalis:
//! their jobs are slow (a WhatsApp send, the daily run), not many.
//!
//! A batch that fails is rolled back and its events are run one per transaction, so one bad
//! event (an unreadable payload, a record that breaks a constraint) fails alone, with its error
//! and an exponential backoff, as an apalis job would.

use crate::handlers::{InFlight, Services};
use domain::notify::{self, Expanded};
use jobs::Notification;
use jobs::claim;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// How often the queue is watched for due jobs: the longest a new event waits before its
/// messages are written (a busy queue is drained batch after batch without waiting).
const WATCH: Duration = Duration::from_millis(200);

/// Without a wake-up, a consumer still looks this often on its own.
const POLL: Duration = Duration::from_secs(1);

/// What one batch did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BatchOutcome {
    /// Jobs taken from the queue.
    pub taken: usize,
    /// The jobs that failed, with their errors (they run again after their backoff).
    pub failed: Vec<FailedAttempt>,
}

/// A job whose attempt failed: its id and the error recorded on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedAttempt {
    pub job_id: String,
    pub error: String,
}

/// Takes up to `size` due notification jobs and expands them in one transaction.
pub async fn run_batch(svc: &Services, size: i64) -> Result<BatchOutcome, sqlx::Error> {
    let mut tx = svc.pool.begin().await?;
    let claimed = claim::due(&mut tx, jobs::queue::NOTIFICATIONS, size, svc.clock.now()).await?;
    if claimed.is_empty() {
        return Ok(BatchOutcome::default());
    }
    let _running = InFlight::enter(&svc.in_flight);
    let mut out = Expanded::default();
    let mut done = Vec::with_capacity(claimed.len());
    let mut unreadable = Vec::new();
    let mut error = None;
    for job in &claimed {
        match jobs::read_payload::<Notification>(&job.job) {
            Ok(event) => {
                match notify::write_messages(&mut tx, svc.clock.as_ref(), &svc.links, &event).await
                {
                    Ok(written) => {
                        out.merge(written);
                        done.push(job.id.clone());
                    }
                    Err(e) => {
                        error = Some(format!("{e}"));
                        break;
                    }
                }
            }
            Err(e) => unreadable.push((job.id.clone(), e)),
        }
    }
    let taken = claimed.len();
    let committed = match error {
        Some(e) => {
            // Before the jobs are run one by one: they stay locked until the rollback is done.
            let _ = tx.rollback().await;
            Err(e)
        }
        None => finish(tx, &out, &done, &unreadable).await,
    };
    match committed {
        Ok(()) => {
            tracing::debug!(
                taken,
                messages = out.pending.len() + out.failed.len(),
                "notification batch expanded"
            );
            let failed = unreadable
                .into_iter()
                .map(|(job_id, error)| FailedAttempt { job_id, error })
                .collect();
            Ok(BatchOutcome { taken, failed })
        }
        Err(e) => {
            tracing::warn!(
                taken = claimed.len(),
                error = %e,
                "notification batch failed; running its jobs one by one"
            );
            let mut failed = Vec::new();
            for job in &claimed {
                if let Some(error) = run_one(svc, &job.id).await {
                    failed.push(FailedAttempt {
                        job_id: job.id.clone(),
                        error,
                    });
                }
            }
            Ok(BatchOutcome {
                taken: claimed.len(),
                failed,
            })
        }
    }
}

/// The sends of the batch in one insert, the jobs' outcomes, one commit.
async fn finish(
    mut tx: sqlx::Transaction<'_, sqlx::Postgres>,
    out: &Expanded,
    done: &[String],
    unreadable: &[(String, String)],
) -> Result<(), String> {
    out.enqueue_sends(&mut tx)
        .await
        .map_err(|e| e.to_string())?;
    claim::done(&mut tx, done)
        .await
        .map_err(|e| e.to_string())?;
    for (id, e) in unreadable {
        tracing::warn!(queue = "notifications", task_id = %id, error = %e, "job failed");
        claim::failed(&mut tx, id, e)
            .await
            .map_err(|e| e.to_string())?;
    }
    tx.commit().await.map_err(|e| e.to_string())
}

/// One job in a transaction of its own; its error when it failed (and was marked so).
async fn run_one(svc: &Services, id: &str) -> Option<String> {
    let attempt = async {
        let mut tx = svc.pool.begin().await.map_err(|e| e.to_string())?;
        let Some(job) = claim::one(&mut tx, id).await.map_err(|e| e.to_string())? else {
            return Ok(()); // taken by another consumer meanwhile
        };
        let event: Notification = jobs::read_payload(&job.job)?;
        notify::expand(&mut tx, svc.clock.as_ref(), &svc.links, &event)
            .await
            .map_err(|e| e.to_string())?;
        claim::done(&mut tx, &[job.id])
            .await
            .map_err(|e| e.to_string())?;
        tx.commit().await.map_err(|e| e.to_string())
    }
    .await;
    let Err(error) = attempt else {
        return None;
    };
    tracing::warn!(queue = "notifications", task_id = %id, %error, "job failed");
    let marked = async {
        let mut conn = svc.pool.acquire().await?;
        claim::failed(&mut conn, id, &error).await
    }
    .await;
    if let Err(e) = marked {
        // The job stays due and is taken again by the next batch.
        tracing::warn!(task_id = %id, error = %e, "could not record the failed job");
    }
    Some(error)
}

/// One consumer: batches back to back while they come full, then waits for a wake-up, the poll
/// interval or shutdown. Returns once `stop` is set and the batch in hand is committed.
pub async fn consume(
    svc: Arc<Services>,
    size: usize,
    wake: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) {
    let size = i64::try_from(size).unwrap_or(100);
    loop {
        if *stop.borrow() {
            return;
        }
        let full = match run_batch(&svc, size).await {
            Ok(outcome) => outcome.taken as i64 >= size,
            Err(e) => {
                tracing::warn!(error = %e, "taking notification jobs failed; trying again shortly");
                false
            }
        };
        if full {
            continue;
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(POLL) => {}
            () = crate::until_set(&mut stop) => return,
        }
    }
}

/// Wakes the consumers when notification jobs are due. The business transactions that enqueue
/// them send no `NOTIFY` (see `jobs::QUIET_NOTIFICATIONS`: it would make their commits take
/// turns), so the queue is watched: one indexed `EXISTS` every [`WATCH`] per process.
pub async fn watch_queue(pool: PgPool, wakes: Vec<Arc<Notify>>, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(WATCH);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = crate::until_set(&mut stop) => return,
        }
        let due = async {
            let mut conn = pool.acquire().await?;
            claim::any_due(&mut conn, jobs::queue::NOTIFICATIONS).await
        }
        .await;
        match due {
            Ok(true) => {
                for w in &wakes {
                    w.notify_one();
                }
            }
            Ok(false) => {}
            // The consumers still look on their own every POLL.
            Err(e) => tracing::debug!(error = %e, "watching the notifications queue failed"),
        }
    }
}
