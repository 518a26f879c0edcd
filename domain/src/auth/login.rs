//! Logging in: the throttle (`throttle.rs`: per address, and a growing delay per username), the
//! credential check, the portal check, and opening the session — for the login form and the
//! API's `POST /auth/login` alike.
//!
//! Order matters: the throttle is checked before the password is looked at (a throttled guess
//! learns nothing), and the portal only after the password matched (a wrong portal is no hint
//! that a username exists).

use chrono::Duration;
use sqlx::{Connection, PgConnection};
use std::sync::OnceLock;
use tokio::sync::Semaphore;

use crate::auth::password;
use crate::auth::session::{self, Created, NewSession, Session, SessionKind};
use crate::auth::throttle::{self, FailuresSince};
use crate::clock::Clock;
use crate::role::{Portal, Role};

/// Longer inputs are refused without hashing them (the form allows 64 and 256).
const MAX_USERNAME: usize = 64;
const MAX_PASSWORD: usize = 1024;

/// One login attempt.
#[derive(Debug, Clone)]
pub struct Attempt<'a> {
    pub username: &'a str,
    pub password: &'a str,
    /// The client's address as the web tier determined it (behind a trusted proxy, the
    /// forwarded one).
    pub ip: &'a str,
    pub user_agent: Option<&'a str>,
    /// The browser's known-device cookie value, if any (stored hashed with the attempt; a browser
    /// that logged in as the user recently is not slowed by others' failures).
    pub device: Option<&'a str>,
    /// The portal the attempt was made on.
    pub portal: Portal,
    pub kind: SessionKind,
    pub ttl: Duration,
}

/// A successful login: the new session's token (for the cookie or the API answer) and the
/// session as later requests will see it.
#[derive(Debug, Clone)]
pub struct LoggedIn {
    pub token: String,
    pub session: Session,
    /// Failed attempts for this username since its previous login, to tell the user.
    pub failures: Option<FailuresSince>,
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("Terlalu banyak percobaan login. Coba lagi dalam {} menit.", minutes(*retry_after))]
    Throttled { retry_after: Duration },
    #[error("Nama pengguna atau kata sandi salah.")]
    BadCredentials,
    #[error("Akun ini sudah dinonaktifkan. Hubungi pusat D'Fresto.")]
    Inactive,
    /// The password matched, but this role logs in on another portal.
    #[error("Akun {} masuk lewat portal {}", role_word(*role), portal_word(*portal))]
    WrongPortal { role: Role, portal: Portal },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("login failed: {0}")]
    Internal(String),
}

impl LoginError {
    /// Whole minutes until a throttled client may try again (at least 1).
    pub fn retry_after_minutes(&self) -> Option<i64> {
        match self {
            LoginError::Throttled { retry_after } => Some(minutes(*retry_after)),
            _ => None,
        }
    }
}

fn minutes(d: Duration) -> i64 {
    let secs = d.num_seconds().max(1);
    (secs + 59) / 60
}

/// How a role is named in messages: `mitra`, `stokis`, `pusat`, `finance`, `gudang`.
pub fn role_word(role: Role) -> &'static str {
    match role {
        Role::Mitra => "mitra",
        Role::Stokis => "stokis",
        Role::Pusat => "pusat",
        Role::Finance => "finance",
        Role::Gudang => "gudang",
    }
}

/// How a portal is named in messages: `Mitra`, `Stokis`, `Admin`.
pub fn portal_word(portal: Portal) -> &'static str {
    match portal {
        Portal::Mitra => "Mitra",
        Portal::Stokis => "Stokis",
        Portal::Admin => "Admin",
    }
}

/// Usernames are stored lower-case; people type them any way.
pub fn normalize_username(username: &str) -> String {
    username.trim().to_lowercase()
}

type UserRow = (i64, String, bool, String);

/// Checks the throttle and the credentials, records the attempt, and opens a session.
///
/// The attempt is counted before its password is checked ([`throttle::admit`]) and settled
/// afterwards, so parallel guesses from one address cannot slip past the count. No transaction
/// is held while the password hash is computed.
pub async fn log_in(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    attempt: &Attempt<'_>,
) -> Result<LoggedIn, LoginError> {
    let username = normalize_username(attempt.username);
    // Bounded: the column is free text and this is written for anyone who types anything.
    let recorded: String = username.chars().take(MAX_USERNAME).collect();
    let device = attempt.device.map(throttle::device_hash);
    let key = throttle::Key {
        username: &recorded,
        ip: attempt.ip,
        device: device.as_deref(),
    };
    let id = match throttle::admit(conn, clock, &key).await? {
        Ok(id) => id,
        Err(retry_after) => return Err(LoginError::Throttled { retry_after }),
    };
    let checked = check(conn, clock, attempt, &username, id).await;
    if let Err(e) = &checked
        && matches!(e, LoginError::Database(_) | LoginError::Internal(_))
    {
        // Not the caller's failure: the pending row must not count against them.
        if let Err(e) = throttle::settle(conn, id, None).await {
            tracing::warn!(error = %e, "login: pending attempt not removed");
        }
    }
    checked
}

async fn check(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    attempt: &Attempt<'_>,
    username: &str,
    id: i64,
) -> Result<LoggedIn, LoginError> {
    let user: Option<UserRow> = if username.len() > MAX_USERNAME
        || attempt.password.len() > MAX_PASSWORD
        || attempt.password.is_empty()
    {
        None
    } else {
        sqlx::query_as("SELECT id, password_hash, active, role FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&mut *conn)
            .await?
    };
    let matched = match &user {
        Some((_, phc, _, _)) => verify(attempt.password, phc).await?,
        None => {
            verify_nothing(attempt.password).await?;
            false
        }
    };
    let Some((user_id, _, active, role)) = user.filter(|_| matched) else {
        throttle::settle(conn, id, Some(false)).await?;
        return Err(LoginError::BadCredentials);
    };
    if !active {
        throttle::settle(conn, id, None).await?;
        return Err(LoginError::Inactive);
    }
    let role: Role = role.parse().map_err(LoginError::Internal)?;
    if !attempt.portal.allows(role) {
        // Refused before any session exists; the password was right, so no failure is counted.
        throttle::settle(conn, id, None).await?;
        return Err(LoginError::WrongPortal {
            role,
            portal: role.portal(),
        });
    }

    let now = clock.now();
    let mut tx = conn.begin().await?;
    let failures = throttle::failures_since_last_success(&mut tx, username, now).await?;
    let created = session::create(
        &mut tx,
        &NewSession {
            user_id,
            portal: attempt.portal,
            kind: attempt.kind,
            ip: Some(attempt.ip),
            user_agent: attempt.user_agent,
            ttl: attempt.ttl,
        },
        now,
    )
    .await?;
    let Created { token, .. } = &created;
    let Some(session) = session::find(&mut tx, token, now).await? else {
        return Err(LoginError::Internal(
            "the new session cannot be read back".into(),
        ));
    };
    throttle::settle(&mut tx, id, Some(true)).await?;
    sqlx::query("UPDATE users SET last_login_at = $2 WHERE id = $1")
        .bind(user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(LoggedIn {
        token: created.token,
        session,
        failures,
    })
}

/// Password verifications running at once, one per core. Each takes argon2id's 19 MiB and a
/// core for tens of milliseconds: more at once finish none sooner, and a burst of logins (a
/// shift starting, someone guessing passwords) took memory without bound — the web tier grew
/// to 600 MB over 3,000 logins in `make bench`. Logins beyond that wait their turn here.
fn hashing_slots() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| {
        Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZero::get))
    })
}

/// Runs one argon2 computation off the async workers, within [`hashing_slots`].
async fn hashing<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, LoginError> {
    let _slot = hashing_slots()
        .acquire()
        .await
        .map_err(|e| LoginError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| LoginError::Internal(e.to_string()))
}

async fn verify(password: &str, phc: &str) -> Result<bool, LoginError> {
    let (password, phc) = (password.to_owned(), phc.to_owned());
    hashing(move || password::verify(&password, &phc)).await
}

async fn verify_nothing(password: &str) -> Result<(), LoginError> {
    let password = password.to_owned();
    hashing(move || password::verify_nothing(&password)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_minutes_round_up() {
        let e = LoginError::Throttled {
            retry_after: Duration::seconds(61),
        };
        assert_eq!(e.retry_after_minutes(), Some(2));
        assert_eq!(
            e.to_string(),
            "Terlalu banyak percobaan login. Coba lagi dalam 2 menit."
        );
        assert_eq!(minutes(Duration::seconds(0)), 1);
        assert_eq!(minutes(Duration::minutes(15)), 15);
    }

    #[test]
    fn wrong_portal_names_the_right_one() {
        let e = LoginError::WrongPortal {
            role: Role::Mitra,
            portal: Portal::Mitra,
        };
        assert_eq!(e.to_string(), "Akun mitra masuk lewat portal Mitra");
        assert_eq!(normalize_username("  Mitra0001 "), "mitra0001");
    }
}
