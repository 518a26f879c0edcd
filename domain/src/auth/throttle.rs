//! The login throttle's rules and its admission step: an attempt is counted (a `login_attempts`
//! row with `success` NULL) *before* its password is checked, under per-address and
//! per-username locks, so parallel guesses see each other and no more are checked than allowed.
//!
//! Rules (see docs/architecture.md, "Login throttle"):
//! - **per address**: 5 failed attempts within 15 minutes block the address for every username
//!   until the oldest of them leaves the window (this also covers the per (username, address)
//!   pair);
//! - **per username across addresses**: no block, a growing delay instead: from the 5th failure
//!   since the username's last successful login (within 24 hours) the next attempt must wait
//!   30 s, doubling per further failure up to 15 minutes, counted from the last failure;
//! - a browser (known-device cookie) or an address that logged in successfully as the user within
//!   30 days is exempt from the username delay, so someone else's guessing cannot keep staff out;
//!   such a browser is not held by the address block either: it has its own quota of 5 failures
//!   per 15 minutes for that username.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use sqlx::{Connection, PgConnection};

use crate::clock::Clock;

/// Failures allowed within [`WINDOW`] per client address.
pub const MAX_FAILURES: i64 = 5;
pub const WINDOW: Duration = Duration::minutes(15);

/// Failures of one username (since its last success) before its attempts are spaced out.
pub const USER_FREE_FAILURES: i64 = 5;
/// How far back a username's failures count for the delay.
pub const USER_WINDOW: Duration = Duration::hours(24);
/// The delay after [`USER_FREE_FAILURES`] failures; doubles per further failure.
pub const USER_FIRST_DELAY: Duration = Duration::seconds(30);
/// The longest delay between two attempts for one username.
pub const USER_MAX_DELAY: Duration = Duration::minutes(15);

/// How long a successful login keeps its address and browser "known" for that user.
pub const KNOWN_FOR: Duration = Duration::days(30);

/// An attempt still being checked after this long is counted as a failure (its process died).
const STALE_PENDING: Duration = Duration::minutes(1);
/// How long an attempt waits for others from its address still being checked before it is
/// refused; their outcome decides whether it may go on.
const ADMIT_WAIT: std::time::Duration = std::time::Duration::from_secs(10);
const ADMIT_POLL: std::time::Duration = std::time::Duration::from_millis(25);

/// The verdict on one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// May be checked.
    Admit,
    /// Refused; may try again after this long.
    Refuse(Duration),
    /// The address's quota is taken by attempts still being checked: wait for their outcome.
    Busy,
}

/// Who is trying, as the throttle sees it.
#[derive(Debug, Clone, Copy)]
pub struct Key<'a> {
    /// Normalised username, cut to the column's bound.
    pub username: &'a str,
    pub ip: &'a str,
    /// SHA-256 hex of the browser's known-device cookie, if it sent one.
    pub device: Option<&'a str>,
}

/// The stored form of a known-device cookie value.
pub fn device_hash(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

/// Counts the attempt before it is checked: returns the id of its pending `login_attempts` row,
/// or (`Err`) how long to wait. Each try runs in its own short transaction holding the address's and then
/// the username's advisory lock (always in that order), so the verdict and the row are one step.
pub async fn admit(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    key: &Key<'_>,
) -> Result<Result<i64, Duration>, sqlx::Error> {
    let started = std::time::Instant::now();
    loop {
        match admit_once(conn, key, clock.now()).await? {
            Ok(id) => return Ok(Ok(id)),
            Err(Verdict::Refuse(wait)) => return Ok(Err(wait)),
            Err(_) if started.elapsed() >= ADMIT_WAIT => return Ok(Err(Duration::seconds(1))),
            Err(_) => tokio::time::sleep(ADMIT_POLL).await,
        }
    }
}

async fn admit_once(
    conn: &mut PgConnection,
    key: &Key<'_>,
    now: DateTime<Utc>,
) -> Result<Result<i64, Verdict>, sqlx::Error> {
    let mut tx = conn.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('login-ip:' || $1, 0))")
        .bind(key.ip)
        .execute(&mut *tx)
        .await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('login:' || $1, 0))")
        .bind(key.username)
        .execute(&mut *tx)
        .await?;
    let verdict = judge(&mut tx, key, now).await?;
    let out = if verdict == Verdict::Admit {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO login_attempts (username, ip, success, at, device)
             VALUES ($1, $2, NULL, $3, $4) RETURNING id",
        )
        .bind(key.username)
        .bind(key.ip)
        .bind(now)
        .bind(key.device)
        .fetch_one(&mut *tx)
        .await?;
        Ok(id)
    } else {
        Err(verdict)
    };
    tx.commit().await?;
    Ok(out)
}

/// The throttle's verdict on an attempt now, from the attempts recorded so far.
pub async fn judge(
    conn: &mut PgConnection,
    key: &Key<'_>,
    now: DateTime<Utc>,
) -> Result<Verdict, sqlx::Error> {
    // A browser that logged in as this user: its own quota (per username and browser) instead
    // of the address's, so others failing from the same address cannot keep it out.
    let known_device: bool = match key.device {
        Some(device) => {
            sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM login_attempts
                                 WHERE username = $1 AND device = $2 AND success
                                   AND at > $3 AND at <= $4)",
            )
            .bind(key.username)
            .bind(device)
            .bind(now - KNOWN_FOR)
            .bind(now)
            .fetch_one(&mut *conn)
            .await?
        }
        None => false,
    };
    // Failures and attempts still being checked, newest first. Bounded: admission keeps them at
    // MAX_FAILURES or fewer.
    let rows: Vec<(DateTime<Utc>, Option<bool>)> = if known_device {
        sqlx::query_as(
            "SELECT at, success FROM login_attempts
              WHERE username = $1 AND device = $2 AND success IS NOT TRUE
                AND at > $3 AND at <= $4
              ORDER BY at DESC LIMIT 100",
        )
        .bind(key.username)
        .bind(key.device)
    } else {
        sqlx::query_as(
            "SELECT at, success FROM login_attempts
              WHERE ip = $1 AND success IS NOT TRUE AND at > $2 AND at <= $3
              ORDER BY at DESC LIMIT 100",
        )
        .bind(key.ip)
    }
    .bind(now - WINDOW)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    let failures: Vec<DateTime<Utc>> = rows
        .iter()
        .filter(|(at, success)| *success == Some(false) || *at <= now - STALE_PENDING)
        .map(|(at, _)| *at)
        .collect();
    if let Some(oldest) = nth_newest(&failures, MAX_FAILURES) {
        return Ok(Verdict::Refuse(oldest + WINDOW - now));
    }
    if i64::try_from(rows.len()).unwrap_or(i64::MAX) >= MAX_FAILURES {
        return Ok(Verdict::Busy);
    }
    if known_device {
        return Ok(Verdict::Admit);
    }

    // Username: a delay, unless this browser or address is one the user logged in from.
    let known: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM login_attempts
                         WHERE username = $1 AND success AND at > $2 AND at <= $3
                           AND (ip = $4 OR device = $5))",
    )
    .bind(key.username)
    .bind(now - KNOWN_FOR)
    .bind(now)
    .bind(key.ip)
    .bind(key.device)
    .fetch_one(&mut *conn)
    .await?;
    if known {
        return Ok(Verdict::Admit);
    }
    // Attempts still being checked count as failures here: the delay is about spacing them.
    let (count, last): (i64, Option<DateTime<Utc>>) = sqlx::query_as(
        "SELECT count(*), max(at) FROM login_attempts
          WHERE username = $1 AND success IS NOT TRUE AND at > $2 AND at <= $3
            AND at > COALESCE((SELECT max(at) FROM login_attempts
                                WHERE username = $1 AND success AND at <= $3), '-infinity')",
    )
    .bind(key.username)
    .bind(now - USER_WINDOW)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    if let (Some(delay), Some(last)) = (user_delay(count), last)
        && now < last + delay
    {
        return Ok(Verdict::Refuse(last + delay - now));
    }
    Ok(Verdict::Admit)
}

/// The `n`-th newest of `ats` (newest first), 1-based.
fn nth_newest(ats: &[DateTime<Utc>], n: i64) -> Option<DateTime<Utc>> {
    usize::try_from(n - 1)
        .ok()
        .and_then(|i| ats.get(i))
        .copied()
}

/// The wait between attempts for a username with `failures` failures since its last success.
pub fn user_delay(failures: i64) -> Option<Duration> {
    let over = failures - USER_FREE_FAILURES;
    if over < 0 {
        return None;
    }
    let factor = 1_i64.checked_shl(u32::try_from(over.min(20)).unwrap_or(20));
    let delay = factor
        .and_then(|f| USER_FIRST_DELAY.checked_mul(i32::try_from(f).unwrap_or(i32::MAX)))
        .unwrap_or(USER_MAX_DELAY);
    Some(delay.min(USER_MAX_DELAY))
}

/// Settles a checked attempt: `Some(true)` success, `Some(false)` failure, `None` not counted
/// at all (right password but the account cannot log in here).
pub async fn settle(
    conn: &mut PgConnection,
    id: i64,
    outcome: Option<bool>,
) -> Result<(), sqlx::Error> {
    match outcome {
        Some(success) => {
            sqlx::query("UPDATE login_attempts SET success = $2 WHERE id = $1")
                .bind(id)
                .bind(success)
                .execute(&mut *conn)
                .await?;
        }
        None => {
            sqlx::query("DELETE FROM login_attempts WHERE id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// Failed attempts for a username since its previous successful login, told to the user when
/// they next log in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailuresSince {
    pub count: i64,
    /// The addresses they came from, most failures first (at most 5).
    pub addresses: Vec<String>,
}

/// The failures since the username's last success before `now`, if any.
pub async fn failures_since_last_success(
    conn: &mut PgConnection,
    username: &str,
    now: DateTime<Utc>,
) -> Result<Option<FailuresSince>, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT ip, count(*) FROM login_attempts
          WHERE username = $1 AND success = false AND at <= $2
            AND at > COALESCE((SELECT max(at) FROM login_attempts
                                WHERE username = $1 AND success AND at <= $2), '-infinity')
          GROUP BY ip ORDER BY count(*) DESC, ip",
    )
    .bind(username)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    let count = rows.iter().map(|(_, n)| n).sum();
    if count == 0 {
        return Ok(None);
    }
    Ok(Some(FailuresSince {
        count,
        addresses: rows.into_iter().take(5).map(|(ip, _)| ip).collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_username_delay_grows_and_is_capped() {
        assert_eq!(user_delay(4), None);
        assert_eq!(user_delay(5), Some(Duration::seconds(30)));
        assert_eq!(user_delay(6), Some(Duration::minutes(1)));
        assert_eq!(user_delay(8), Some(Duration::minutes(4)));
        assert_eq!(user_delay(10), Some(Duration::minutes(15)));
        assert_eq!(user_delay(1000), Some(Duration::minutes(15)));
    }
}
