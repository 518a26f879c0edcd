//! Data for the operations tests (jobs, WhatsApp log, invoice runs): a job that failed for
//! good, WhatsApp log rows in any state, and the queue as the tests read it.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::sync::atomic::{AtomicU32, Ordering};

/// A notifications job that failed for good with `error`; returns its id.
pub async fn failed_job(pool: &PgPool, error: &str) -> String {
    let mut tx = pool.begin().await.unwrap();
    jobs::enqueue(
        &mut tx,
        &[jobs::Notification::OrderCreated { order_id: 987_654 }],
    )
    .await
    .unwrap();
    let id: String = sqlx::query_scalar(
        "UPDATE apalis.jobs SET status = 'Failed', attempts = max_attempts,
                last_result = jsonb_build_object('Err', $1::text), done_at = now()
         WHERE job_type = 'notifications' AND status = 'Pending' RETURNING id",
    )
    .bind(error)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

/// (status, attempts) of a job.
pub async fn job_state(pool: &PgPool, id: &str) -> (String, i32) {
    sqlx::query_as("SELECT status, attempts FROM apalis.jobs WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The payloads of the jobs of `queue` still to run.
pub async fn pending_jobs(pool: &PgPool, queue: &str) -> Vec<serde_json::Value> {
    let rows: Vec<Vec<u8>> = sqlx::query_scalar(
        "SELECT job FROM apalis.jobs WHERE job_type = $1 AND status = 'Pending' ORDER BY run_at, id",
    )
    .bind(queue)
    .fetch_all(pool)
    .await
    .unwrap();
    rows.iter()
        .map(|b| serde_json::from_slice(b).unwrap())
        .collect()
}

/// A WhatsApp log row.
pub struct Log<'a> {
    pub phone: &'a str,
    pub message: &'a str,
    /// `PENDING`, `SENT` or `FAILED`.
    pub status: &'a str,
    /// `ORDER`, `INVOICE`, `REMINDER`, `MANUAL`.
    pub kind: &'a str,
    pub stokis_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// Writes `log` (a stokis message when it names a stokis, else a manual one); returns its id.
pub async fn insert_log(pool: &PgPool, log: Log<'_>) -> i64 {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let recipient = if log.stokis_id.is_some() {
        "stokis"
    } else {
        "manual"
    };
    sqlx::query_scalar(
        "INSERT INTO whatsapp_logs (phone, message, status, type, event, recipient, stokis_id,
                                    dedup_key, attempts, last_error, scheduled_for, sent_at,
                                    created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'test', $5, $6, $7,
                 CASE WHEN $3 = 'PENDING' THEN 0 ELSE 1 END,
                 CASE WHEN $3 = 'FAILED' THEN 'nomor tidak terdaftar di WhatsApp' END,
                 $8, CASE WHEN $3 = 'SENT' THEN $8 END, $8, $8)
         RETURNING id",
    )
    .bind(log.phone)
    .bind(log.message)
    .bind(log.status)
    .bind(log.kind)
    .bind(recipient)
    .bind(log.stokis_id)
    .bind(format!("ops-test:{}:{n}", std::process::id()))
    .bind(log.created_at)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// (status, attempts, last_error) of a log row.
pub async fn log_state(pool: &PgPool, id: i64) -> (String, i32, Option<String>) {
    sqlx::query_as("SELECT status, attempts, last_error FROM whatsapp_logs WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}
