//! Which request an `Idempotency-Key` belongs to: the first body a user sent with a key to an
//! endpoint is bound to it, so the key reused with another body can be refused rather than
//! answered with the first record as if it were the same request.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::PgConnection;

/// A request body's fingerprint: SHA-256 (hex) of the body as canonical JSON (keys sorted, no
/// spacing) when it is JSON, so the same request with other spacing or key order is the same.
pub fn fingerprint(body: &[u8]) -> String {
    let canonical = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| serde_json::to_vec(&v).ok())
        .unwrap_or_else(|| body.to_vec());
    format!("{:x}", Sha256::digest(&canonical))
}

/// Binds `key` (of `user_id`, on the endpoint `scope`) to `fingerprint` if it is new; returns
/// whether the key is bound to this fingerprint (false: it was first used with another body).
/// One statement, so two concurrent first uses bind exactly one fingerprint.
pub async fn bind(
    conn: &mut PgConnection,
    user_id: i64,
    scope: &str,
    key: &str,
    fingerprint: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "INSERT INTO idempotency_fingerprints (user_id, scope, key, fingerprint, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
    )
    .bind(user_id)
    .bind(scope)
    .bind(key)
    .bind(fingerprint)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let bound: String = sqlx::query_scalar(
        "SELECT fingerprint FROM idempotency_fingerprints
          WHERE user_id = $1 AND scope = $2 AND key = $3",
    )
    .bind(user_id)
    .bind(scope)
    .bind(key)
    .fetch_one(&mut *conn)
    .await?;
    Ok(bound == fingerprint)
}
