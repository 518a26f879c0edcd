//! What operators see and do about the job queues (the admin "Jobs" page and
//! `GET /api/v1/admin/jobs`): counts per queue and state, the age of the oldest waiting job,
//! failed jobs with their error, retrying a failed job, and retrying a failed WhatsApp message.
//!
//! It reads apalis-postgres's `apalis.jobs` and `apalis.workers` directly: their states are
//! `Pending` (waiting, or scheduled when `run_at` is ahead), `Queued`/`Running` (taken by a
//! worker), `Done`, `Failed` (retried while `attempts < max_attempts`) and `Killed`. Ages use
//! the database clock, as apalis does.

use crate::actor::Actor;
use crate::clock::Clock;
use crate::error::DomainError;
use crate::role::Role;
use crate::whatsapp::{self, WhatsappLog};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgConnection;

/// Head-office staff who run the system: pusat and finance.
pub fn can_operate(actor: &Actor) -> bool {
    matches!(actor.role, Role::Pusat | Role::Finance)
}

fn require_operator(actor: &Actor) -> Result<(), DomainError> {
    if can_operate(actor) {
        Ok(())
    } else {
        Err(DomainError::Forbidden(
            "hanya pusat dan finance yang bisa melihat antrean job".into(),
        ))
    }
}

/// One queue's counts.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct QueueStats {
    pub queue: String,
    /// Due and not yet taken by a worker.
    pub waiting: i64,
    /// Pending with a later start (a message held for the next send window, a backoff).
    pub scheduled: i64,
    /// Taken by a worker (fetched or running).
    pub running: i64,
    /// Failed, with attempts left: taken again when its retry time comes.
    pub retrying: i64,
    /// Failed for good (no attempts left, or killed): listed with their error, can be retried.
    pub failed: i64,
    pub done: i64,
    /// Seconds the oldest due job (a retry only once its backoff is over) has been waiting
    /// (`None` when nothing waits).
    pub oldest_waiting_secs: Option<i64>,
}

/// Counts for every queue of [`jobs::queue::ALL`], in that order.
pub async fn queue_stats(
    conn: &mut PgConnection,
    actor: &Actor,
) -> Result<Vec<QueueStats>, DomainError> {
    require_operator(actor)?;
    let queues: Vec<String> = jobs::queue::ALL.iter().map(|q| (*q).to_owned()).collect();
    Ok(sqlx::query_as(
        "SELECT q.queue,
                count(j.id) FILTER (WHERE j.status = 'Pending' AND j.run_at <= now()) AS waiting,
                count(j.id) FILTER (WHERE j.status = 'Pending' AND j.run_at > now()) AS scheduled,
                count(j.id) FILTER (WHERE j.status IN ('Queued', 'Running')) AS running,
                count(j.id) FILTER (WHERE j.status = 'Failed' AND j.attempts < j.max_attempts) AS retrying,
                count(j.id) FILTER (WHERE j.status = 'Killed'
                                       OR (j.status = 'Failed' AND j.attempts >= j.max_attempts)) AS failed,
                count(j.id) FILTER (WHERE j.status = 'Done') AS done,
                floor(extract(epoch FROM now() - min(j.run_at) FILTER (
                    WHERE j.run_at <= now()
                      AND (j.status = 'Pending'
                           OR (j.status = 'Failed' AND j.attempts < j.max_attempts)))))::bigint
                    AS oldest_waiting_secs
         FROM unnest($1::text[]) WITH ORDINALITY AS q(queue, pos)
         LEFT JOIN apalis.jobs j ON j.job_type = q.queue
         GROUP BY q.queue, q.pos
         ORDER BY q.pos",
    )
    .bind(queues)
    .fetch_all(conn)
    .await?)
}

/// A job that failed for good.
#[derive(Debug, Clone, Serialize)]
pub struct FailedJob {
    pub id: String,
    pub queue: String,
    /// The job's payload (e.g. `{"log_id": 42}`).
    pub payload: serde_json::Value,
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    /// The error of the last attempt.
    pub error: Option<String>,
    pub run_at: DateTime<Utc>,
    pub failed_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct FailedRow {
    id: String,
    job_type: String,
    job: Vec<u8>,
    status: String,
    attempts: i32,
    max_attempts: i32,
    error: Option<String>,
    run_at: DateTime<Utc>,
    done_at: Option<DateTime<Utc>>,
}

const FAILED: &str = "(status = 'Killed' OR (status = 'Failed' AND attempts >= max_attempts))";

/// Failed jobs, newest first, optionally of one queue; and how many there are.
pub async fn failed_jobs(
    conn: &mut PgConnection,
    actor: &Actor,
    queue: Option<&str>,
    page: u32,
    per_page: u32,
) -> Result<(Vec<FailedJob>, i64), DomainError> {
    require_operator(actor)?;
    let per_page = i64::from(match per_page {
        0 => 20,
        n => n.min(100),
    });
    let page = i64::from(page.max(1));
    let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) FROM apalis.jobs WHERE {FAILED} AND ($1::text IS NULL OR job_type = $1)"
    )))
    .bind(queue)
    .fetch_one(&mut *conn)
    .await?;
    let rows: Vec<FailedRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT id, job_type, job, status, attempts, max_attempts,
                COALESCE(last_result ->> 'Err', last_result::text) AS error, run_at, done_at
         FROM apalis.jobs WHERE {FAILED} AND ($1::text IS NULL OR job_type = $1)
         ORDER BY done_at DESC NULLS LAST, id DESC LIMIT $2 OFFSET $3"
    )))
    .bind(queue)
    .bind(per_page)
    .bind((page - 1) * per_page)
    .fetch_all(&mut *conn)
    .await?;
    let jobs = rows
        .into_iter()
        .map(|r| FailedJob {
            payload: serde_json::from_slice(&r.job).unwrap_or_else(|_| {
                serde_json::Value::String(String::from_utf8_lossy(&r.job).into_owned())
            }),
            id: r.id,
            queue: r.job_type,
            status: r.status,
            attempts: r.attempts,
            max_attempts: r.max_attempts,
            error: r.error,
            run_at: r.run_at,
            failed_at: r.done_at,
        })
        .collect();
    Ok((jobs, total))
}

/// Puts a failed job back in its queue with its attempts reset (the retry button), on the
/// caller's transaction. Workers are woken as for a new job, so it runs within a second of the
/// commit.
pub async fn retry_job(
    conn: &mut PgConnection,
    actor: &Actor,
    job_id: &str,
) -> Result<(), DomainError> {
    require_operator(actor)?;
    let queue: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "UPDATE apalis.jobs SET status = 'Pending', attempts = 0, run_at = now(), lock_by = NULL,
                lock_at = NULL, done_at = NULL
         WHERE id = $1 AND {FAILED} RETURNING job_type"
    )))
    .bind(job_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(queue) = queue else {
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM apalis.jobs WHERE id = $1)")
                .bind(job_id)
                .fetch_one(&mut *conn)
                .await?;
        return Err(if exists {
            DomainError::InvalidTransition {
                action: "mengulang job",
                from: "tidak gagal".into(),
            }
        } else {
            DomainError::NotFound { entity: "job" }
        });
    };
    // The same notification apalis's insert trigger sends; delivered on commit.
    sqlx::query("SELECT pg_notify('apalis::job::insert', json_build_object('job_type', $1::text, 'id', $2::text)::text)")
        .bind(queue)
        .bind(job_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Re-queues a FAILED WhatsApp message (see [`whatsapp::retry`]).
pub async fn retry_message(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    log_id: i64,
) -> Result<WhatsappLog, DomainError> {
    whatsapp::retry(conn, actor, clock, log_id).await
}

/// A worker process's consumer of one queue, as apalis registers it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct WorkerInfo {
    pub id: String,
    pub queue: String,
    pub last_seen: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
}

/// Consumers seen in the last `within_secs` seconds, newest heartbeat first.
pub async fn workers(
    conn: &mut PgConnection,
    actor: &Actor,
    within_secs: i64,
) -> Result<Vec<WorkerInfo>, DomainError> {
    require_operator(actor)?;
    Ok(sqlx::query_as(
        "SELECT id, worker_type AS queue, last_seen, started_at FROM apalis.workers
         WHERE last_seen > now() - make_interval(secs => $1::double precision)
         ORDER BY last_seen DESC, id",
    )
    .bind(within_secs as f64)
    .fetch_all(conn)
    .await?)
}

/// Deletes jobs that finished successfully more than `keep` ago, at most `limit` per call, so
/// `apalis.jobs` does not grow without end (the workers call this every minute). Failed jobs
/// stay until someone retries them. Returns the number deleted.
pub async fn purge_done_jobs(
    conn: &mut PgConnection,
    keep: chrono::Duration,
    limit: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "DELETE FROM apalis.jobs WHERE id IN (
             SELECT id FROM apalis.jobs
             WHERE status = 'Done' AND done_at < now() - make_interval(secs => $1::double precision)
             LIMIT $2)",
    )
    .bind(keep.num_seconds() as f64)
    .bind(limit)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
