//! How long ended sessions and login attempts are kept: both tables grow with every login
//! (every API client's bearer token is a session), and nothing reads old rows except a person
//! looking into a break-in, for whom 90 days of attempts is the useful window.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;

/// Sessions that expired or were revoked longer ago than this are deleted.
pub fn sessions_kept() -> Duration {
    Duration::days(30)
}

/// Login attempts older than this are deleted (throttling looks at the last 15 minutes).
pub fn attempts_kept() -> Duration {
    Duration::days(90)
}

/// Deletes up to `limit` ended sessions and up to `limit` old login attempts; returns how many
/// of each. Called by the worker's sweeper; a backlog goes in a few passes.
pub async fn prune(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<(u64, u64), sqlx::Error> {
    let sessions = sqlx::query(
        "DELETE FROM sessions WHERE id IN (
             SELECT id FROM sessions
             WHERE expires_at < $1 OR revoked_at < $1
             LIMIT $2)",
    )
    .bind(now - sessions_kept())
    .bind(limit)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let attempts = sqlx::query(
        "DELETE FROM login_attempts WHERE id IN (
             SELECT id FROM login_attempts WHERE at < $1 ORDER BY at LIMIT $2)",
    )
    .bind(now - attempts_kept())
    .bind(limit)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok((sessions, attempts))
}
