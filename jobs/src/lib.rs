//! The queue contract between the web tier, the domain and the workers: job payloads, queue
//! names, per-job policy, and `enqueue` on the caller's own transaction. No business logic.
//!
//! Jobs are rows in apalis-postgres's `apalis.jobs` table, so enqueuing inside the business
//! transaction makes the job exist exactly when the business change does.

pub mod claim;
pub mod inspect;
pub mod wake;

use apalis_core::task::builder::TaskBuilder;
use chrono::{DateTime, NaiveDate, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use std::sync::atomic::{AtomicBool, Ordering};

/// Queue names; each is consumed by its own worker pool with its own concurrency.
pub mod queue {
    /// Business events, expanded into WhatsApp log rows and send jobs.
    pub const NOTIFICATIONS: &str = "notifications";
    /// One job per WhatsApp message, paced by the shared rate limiter.
    pub const WHATSAPP: &str = "whatsapp";
    /// The daily invoice run.
    pub const INVOICES: &str = "invoices";
    /// PDF and Excel report rendering.
    pub const REPORTS: &str = "reports";
    pub const ALL: [&str; 4] = [NOTIFICATIONS, WHATSAPP, INVOICES, REPORTS];
}

/// A job payload and its policy.
pub trait Job: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The queue the job goes to.
    const QUEUE: &'static str;
    /// Attempts before the job is marked failed.
    const MAX_ATTEMPTS: usize;
}

/// A business event that people are told about on WhatsApp.
///
/// The event carries only ids: the notification job reads the record when it runs, renders the
/// texts and writes one `whatsapp_logs` row per recipient, each with a unique dedup key, so a
/// retried job never produces a second message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Notification {
    OrderCreated {
        order_id: i64,
    },
    OrderRejected {
        order_id: i64,
    },
    OrderShipped {
        order_id: i64,
    },
    PurchaseOrderApproved {
        purchase_order_id: i64,
    },
    PurchaseOrderRejected {
        purchase_order_id: i64,
    },
    PurchaseOrderShipped {
        purchase_order_id: i64,
    },
    InvoiceCreated {
        invoice_id: i64,
    },
    /// A requested report has been rendered: its requester is told where to download it.
    ReportReady {
        report_run_id: i64,
    },
}

impl Job for Notification {
    const QUEUE: &'static str = queue::NOTIFICATIONS;
    const MAX_ATTEMPTS: usize = 10;
}

/// Send one WhatsApp message whose text is already in `whatsapp_logs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendWhatsapp {
    pub log_id: i64,
}

impl Job for SendWhatsapp {
    const QUEUE: &'static str = queue::WHATSAPP;
    // Retries with backoff are handled by the worker's own layer; the database-level attempts
    // only cover a worker dying mid-job.
    const MAX_ATTEMPTS: usize = 25;
}

/// The daily invoice run for one business date (Asia/Jakarta).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceRun {
    pub date: NaiveDate,
    pub triggered_by: Option<i64>,
}

impl Job for InvoiceRun {
    const QUEUE: &'static str = queue::INVOICES;
    const MAX_ATTEMPTS: usize = 5;
}

/// Render one requested report into a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderReport {
    pub report_run_id: i64,
}

impl Job for RenderReport {
    const QUEUE: &'static str = queue::REPORTS;
    const MAX_ATTEMPTS: usize = 3;
}

/// Render one printable document (faktur, surat jalan) into its `documents` row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderDocument {
    pub document_id: i64,
}

impl Job for RenderDocument {
    const QUEUE: &'static str = queue::REPORTS;
    const MAX_ATTEMPTS: usize = 3;
}

/// What a `reports` job asks for: the queue carries both kinds of rendering, told apart by
/// their field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Render {
    Report(RenderReport),
    Document(RenderDocument),
}

#[derive(Debug, thiserror::Error)]
pub enum EnqueueError {
    #[error("cannot encode job: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("cannot insert job: {0}")]
    Insert(String),
}

/// Set by [`skip_enqueue_for_bench`]; never in production.
static SKIP_FOR_BENCH: AtomicBool = AtomicBool::new(false);

/// BENCH ONLY: from now on [`enqueue`] and [`enqueue_at`] insert nothing in this process, so
/// `make bench` can measure what the job row costs a business transaction. Without job rows
/// nobody is notified and no daily run happens, so it is loud in the logs; `switch` names the
/// setting that turned it on (the processes' config reads it).
pub fn skip_enqueue_for_bench(switch: &str) {
    SKIP_FOR_BENCH.store(true, Ordering::SeqCst);
    tracing::warn!(
        "WARNING: {switch} — jobs are NOT enqueued (no notifications, no invoice runs). This is \
         a benchmark-only setting: unset it outside `make bench`."
    );
}

fn bench_skip_enqueue() -> bool {
    SKIP_FOR_BENCH.load(Ordering::Relaxed)
}

/// Enqueues jobs on the caller's connection: inside the caller's transaction when it has one.
pub async fn enqueue<J: Job>(conn: &mut PgConnection, jobs: &[J]) -> Result<(), EnqueueError> {
    if jobs.is_empty() || bench_skip_enqueue() {
        return Ok(());
    }
    let mut tasks = Vec::with_capacity(jobs.len());
    for job in jobs {
        let bytes = serde_json::to_vec(job)?;
        tasks.push(
            TaskBuilder::new(bytes)
                .max_attempts(J::MAX_ATTEMPTS)
                .build(),
        );
    }
    apalis_postgres::queries::push_tasks(conn, J::QUEUE, tasks)
        .await
        .map_err(|e| EnqueueError::Insert(e.to_string()))
}

/// Enqueues jobs that become runnable at `run_at` (a send held for the next rate-limit window,
/// a retry after backoff), on the caller's connection like [`enqueue`]. A time in the past runs
/// at once.
pub async fn enqueue_at<J: Job>(
    conn: &mut PgConnection,
    jobs: &[J],
    run_at: DateTime<Utc>,
) -> Result<(), EnqueueError> {
    if jobs.is_empty() || bench_skip_enqueue() {
        return Ok(());
    }
    // apalis stores whole seconds; round up so the job never runs before `run_at`.
    let secs = run_at.timestamp() + i64::from(run_at.timestamp_subsec_nanos() > 0);
    let secs = u64::try_from(secs).unwrap_or(0);
    let mut tasks = Vec::with_capacity(jobs.len());
    for job in jobs {
        let bytes = serde_json::to_vec(job)?;
        tasks.push(
            TaskBuilder::new(bytes)
                .max_attempts(J::MAX_ATTEMPTS)
                .run_at_timestamp(secs)
                .build(),
        );
    }
    apalis_postgres::queries::push_tasks(conn, J::QUEUE, tasks)
        .await
        .map_err(|e| EnqueueError::Insert(e.to_string()))
}

/// A stored payload (JSON bytes, as `apalis.jobs.job` holds it) read as `J`; the error names the
/// payload, for the jobs page: a payload this version cannot read (a new event from a newer web
/// tier during a rolling deploy, a hand-edited row) fails that one job, not its consumer.
pub fn read_payload<J: DeserializeOwned>(payload: &[u8]) -> Result<J, String> {
    serde_json::from_slice(payload).map_err(|e| {
        format!(
            "cannot read the job payload {}: {e}",
            String::from_utf8_lossy(payload)
        )
    })
}

/// Creates the job queue's tables (part of `migrate`), then quiets apalis's insert trigger for
/// the notifications queue ([`wake::quiet_notifications_sql`]). Both steps are idempotent.
pub async fn setup(pool: &sqlx::PgPool) -> Result<(), EnqueueError> {
    apalis_postgres::PostgresStorage::<()>::setup(pool)
        .await
        .map_err(|e| EnqueueError::Insert(e.to_string()))?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(wake::quiet_notifications_sql()))
        .execute(pool)
        .await
        .map_err(|e| EnqueueError::Insert(e.to_string()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_serialise_with_their_event_name() {
        let json = serde_json::to_value(Notification::OrderCreated { order_id: 7 }).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"event": "order_created", "order_id": 7})
        );
        let back: Notification = serde_json::from_value(json).unwrap();
        assert_eq!(back, Notification::OrderCreated { order_id: 7 });
    }
}
