//! Reading and repairing the queues as operators see them (the admin "Jobs" page and
//! `GET /api/v1/admin/jobs`): counts per queue and state, failed jobs with their error, the
//! consumers alive, putting a failed job back, purging finished ones, and whether a live job
//! already carries a given payload key.
//!
//! apalis-postgres's states: `Pending` (waiting, or scheduled when `run_at` is ahead),
//! `Queued`/`Running` (taken by a worker), `Done`, `Failed` (retried while
//! `attempts < max_attempts`) and `Killed`. Ages use the database clock, as apalis does. Who
//! may see or do any of this is the domain's rule (`domain::ops`), not this module's.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sqlx::PgConnection;

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

/// Counts for each of `queues`, in that order.
pub async fn queue_stats(
    conn: &mut PgConnection,
    queues: &[&str],
) -> Result<Vec<QueueStats>, sqlx::Error> {
    let queues: Vec<String> = queues.iter().map(|q| (*q).to_owned()).collect();
    sqlx::query_as(
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
    .await
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

/// Failed for good: killed, or failed with no attempts left.
const FAILED: &str = "(status = 'Killed' OR (status = 'Failed' AND attempts >= max_attempts))";

/// Failed jobs, newest first, optionally of one queue (`limit` from `offset`); and how many
/// there are.
pub async fn failed_jobs(
    conn: &mut PgConnection,
    queue: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<FailedJob>, i64), sqlx::Error> {
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
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await?;
    let jobs = rows
        .into_iter()
        .map(|r| FailedJob {
            // A payload that is not JSON (a hand-edited row) is still shown, as text.
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

/// What [`retry_failed`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Retry {
    /// Back in its queue; workers are woken on commit.
    Queued,
    /// The job exists but has not failed for good (waiting, running, done, or retrying).
    NotFailed,
    NotFound,
}

/// Puts a failed job back in its queue with its attempts reset, on the caller's transaction,
/// and wakes the queue's workers (see [`crate::wake`]) so it runs within a second of the
/// commit.
pub async fn retry_failed(conn: &mut PgConnection, job_id: &str) -> Result<Retry, sqlx::Error> {
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
        return Ok(if exists {
            Retry::NotFailed
        } else {
            Retry::NotFound
        });
    };
    crate::wake::workers(conn, &queue, job_id).await?;
    Ok(Retry::Queued)
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
    within_secs: i64,
) -> Result<Vec<WorkerInfo>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, worker_type AS queue, last_seen, started_at FROM apalis.workers
         WHERE last_seen > now() - make_interval(secs => $1::double precision)
         ORDER BY last_seen DESC, id",
    )
    .bind(within_secs as f64)
    .fetch_all(conn)
    .await
}

/// Deletes jobs that finished successfully more than `keep` ago, at most `limit` per call, so
/// `apalis.jobs` does not grow without end (the workers call this every minute). Failed jobs
/// stay until someone retries them. Returns the number deleted.
pub async fn purge_done(
    conn: &mut PgConnection,
    keep: Duration,
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

/// Live: waiting, scheduled, taken, or failed with attempts left. A job in any of these states
/// will still run; a done, killed or spent one will not.
const LIVE: &str = "(status IN ('Pending', 'Queued', 'Running')
                     OR (status = 'Failed' AND attempts < max_attempts))";

/// True when `queue` has a live job whose payload's `key` is `value` (as text): "is a job for
/// this record still on its way", e.g. the invoice run of a date.
pub async fn live_job_exists(
    conn: &mut PgConnection,
    queue: &str,
    key: &str,
    value: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT EXISTS (
             SELECT 1 FROM apalis.jobs
             WHERE job_type = $1 AND {LIVE}
               AND convert_from(job, 'UTF8')::jsonb ->> $2 = $3)"
    )))
    .bind(queue)
    .bind(key)
    .bind(value)
    .fetch_one(conn)
    .await
}

/// The payload `key` of every live job of `queue` (as text, without repeats): for a caller
/// that looks for records whose job went missing among many (the WhatsApp sweeper). The live
/// jobs of a queue are few (at most a day's backlog), so one read beats a join.
pub async fn live_job_keys(
    conn: &mut PgConnection,
    queue: &str,
    key: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT DISTINCT convert_from(job, 'UTF8')::jsonb ->> $2 AS k FROM apalis.jobs
         WHERE job_type = $1 AND {LIVE} AND convert_from(job, 'UTF8')::jsonb ->> $2 IS NOT NULL"
    )))
    .bind(queue)
    .bind(key)
    .fetch_all(conn)
    .await
}
