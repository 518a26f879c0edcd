//! Taking due jobs of a queue straight from `apalis.jobs` and settling them, on the caller's
//! transaction: for a consumer that runs many jobs in one transaction (the notifications
//! batches), where apalis runs each job in its own. The rows keep apalis's meaning, so apalis
//! consumers of the same queue, the retry buttons and the jobs page see nothing different.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;

/// A due job, locked by the caller's transaction until it ends.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub id: String,
    /// The payload as enqueued (JSON).
    pub job: Vec<u8>,
    /// Attempts before this one.
    pub attempts: i32,
}

/// Locks up to `limit` due jobs of `queue` (pending, or failed with attempts left and their
/// retry time come), in apalis's order; jobs other transactions hold are skipped, so
/// concurrent consumers share the queue. Due by the database clock or the caller's `now`,
/// whichever is later: a worker passes its clock (the same time, give or take the hosts'
/// drift), a test passes the clock it set ahead, and the jobs due by then run.
pub async fn due(
    conn: &mut PgConnection,
    queue: &str,
    limit: i64,
    now: DateTime<Utc>,
) -> Result<Vec<Claimed>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, job, attempts FROM apalis.jobs
         WHERE job_type = $1
           AND (status = 'Pending' OR (status = 'Failed' AND attempts < max_attempts))
           AND run_at <= GREATEST(now(), $3)
         ORDER BY priority DESC, run_at, id
         LIMIT $2
         FOR UPDATE SKIP LOCKED",
    )
    .bind(queue)
    .bind(limit)
    .bind(now)
    .fetch_all(conn)
    .await
}

/// True when `queue` has a job due (the cheap look a watching consumer takes between batches).
pub async fn any_due(conn: &mut PgConnection, queue: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM apalis.jobs
         WHERE job_type = $1
           AND (status = 'Pending' OR (status = 'Failed' AND attempts < max_attempts))
           AND run_at <= now())",
    )
    .bind(queue)
    .fetch_one(conn)
    .await
}

/// Locks one job again by id, if it is still due (a retry of a batch, one job at a time).
pub async fn one(conn: &mut PgConnection, id: &str) -> Result<Option<Claimed>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, job, attempts FROM apalis.jobs
         WHERE id = $1
           AND (status = 'Pending' OR (status = 'Failed' AND attempts < max_attempts))
         FOR UPDATE SKIP LOCKED",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// Marks the jobs done, as apalis records a successful attempt.
pub async fn done(conn: &mut PgConnection, ids: &[String]) -> Result<(), sqlx::Error> {
    if ids.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "UPDATE apalis.jobs SET status = 'Done', attempts = attempts + 1,
                last_result = '{\"Ok\": null}'::jsonb, done_at = now(), lock_at = now()
         WHERE id = ANY($1)",
    )
    .bind(ids)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks a job's attempt failed with `error`; it is due again after [`backoff`], until its
/// attempts run out and it waits for someone to press retry.
pub async fn failed(conn: &mut PgConnection, id: &str, error: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE apalis.jobs SET status = 'Failed', attempts = attempts + 1,
                last_result = jsonb_build_object('Err', $2::text), done_at = now(), lock_at = now(),
                run_at = now() + make_interval(secs => $3 * power(2, least(attempts, 30)))
         WHERE id = $1",
    )
    .bind(id)
    .bind(error)
    .bind(backoff_base().num_seconds() as f64)
    .execute(conn)
    .await?;
    Ok(())
}

/// The first retry waits this long; each next one twice as long as the one before (capped by
/// the attempts: the 10 attempts of a notification span about an hour and a half).
pub fn backoff_base() -> Duration {
    Duration::seconds(5)
}
