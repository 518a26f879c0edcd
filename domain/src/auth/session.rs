//! Login sessions in the `sessions` table, shared by browser cookies and API bearer tokens:
//! creating one, finding the live session of a token, `last_seen_at`, and revoking.
//!
//! A token is 32 random bytes, base64url without padding; only its SHA-256 is stored, so a
//! leaked database does not hand out working sessions.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;

use crate::actor::Actor;
use crate::role::{Portal, Role};

/// How often `last_seen_at` is written at most: every request writing it would turn each page
/// view into a database write.
pub const TOUCH_EVERY: Duration = Duration::minutes(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// A browser session in the `dfresto_session` cookie; forms need its CSRF token.
    Cookie,
    /// An API token sent as `Authorization: Bearer`.
    Bearer,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Cookie => "COOKIE",
            SessionKind::Bearer => "BEARER",
        }
    }
}

/// A fresh random token: 32 bytes, base64url without padding (43 characters).
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored for a token.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// A token as clients send it; anything else is not looked up at all.
pub fn looks_like_token(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Who opens a session, and from where.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub user_id: i64,
    pub portal: Portal,
    pub kind: SessionKind,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub ttl: Duration,
}

/// A session just created; `token` exists only here and in the client's hands.
#[derive(Debug, Clone)]
pub struct Created {
    pub session_id: i64,
    pub token: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// Stores a new session and returns its token.
pub async fn create(
    conn: &mut PgConnection,
    new: &NewSession<'_>,
    now: DateTime<Utc>,
) -> Result<Created, sqlx::Error> {
    let token = new_token();
    let csrf_token = new_token();
    let expires_at = now + new.ttl;
    // User agents can be long; only the start helps anyone reading the table.
    let user_agent = new
        .user_agent
        .map(|ua| ua.chars().take(300).collect::<String>());
    let session_id: i64 = sqlx::query_scalar(
        "INSERT INTO sessions (token_hash, user_id, portal, kind, csrf_token, ip, user_agent,
                               created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)
         RETURNING id",
    )
    .bind(token_hash(&token).as_slice())
    .bind(new.user_id)
    .bind(new.portal.as_str())
    .bind(new.kind.as_str())
    .bind(&csrf_token)
    .bind(new.ip)
    .bind(user_agent)
    .bind(now)
    .bind(expires_at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Created {
        session_id,
        token,
        csrf_token,
        expires_at,
    })
}

/// A live session and the user it belongs to.
#[derive(Debug, Clone)]
pub struct Session {
    pub session_id: i64,
    pub portal: Portal,
    pub kind: SessionKind,
    pub csrf_token: String,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub actor: Actor,
    pub username: String,
    pub name: String,
}

type SessionRow = (
    i64,
    String,
    String,
    String,
    DateTime<Utc>,
    DateTime<Utc>,
    i64,
    String,
    Option<i64>,
    Option<i64>,
    String,
    String,
);

/// The session of `token` if it is live: not revoked, not expired at `now`, its user active.
/// A deactivated user's sessions therefore stop working at once, revoked or not.
pub async fn find(
    conn: &mut PgConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<Session>, sqlx::Error> {
    if !looks_like_token(token) {
        return Ok(None);
    }
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT s.id, s.portal, s.kind, s.csrf_token, s.last_seen_at, s.expires_at,
                u.id, u.role, u.mitra_id, u.stokis_id, u.username, u.name
           FROM sessions s
           JOIN users u ON u.id = s.user_id
          WHERE s.token_hash = $1
            AND s.revoked_at IS NULL
            AND s.expires_at > $2
            AND u.active",
    )
    .bind(token_hash(token).as_slice())
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((
        session_id,
        portal,
        kind,
        csrf_token,
        last_seen_at,
        expires_at,
        user_id,
        role,
        mitra_id,
        stokis_id,
        username,
        name,
    )) = row
    else {
        return Ok(None);
    };
    // The schema's CHECKs keep these valid; a row that is not is treated as no session.
    let (Some(portal), Ok(role)) = (Portal::from_label(&portal), role.parse::<Role>()) else {
        tracing::warn!(session_id, "session row with an unknown portal or role");
        return Ok(None);
    };
    let kind = if kind == SessionKind::Bearer.as_str() {
        SessionKind::Bearer
    } else {
        SessionKind::Cookie
    };
    Ok(Some(Session {
        session_id,
        portal,
        kind,
        csrf_token,
        last_seen_at,
        expires_at,
        actor: Actor {
            user_id,
            role,
            mitra_id,
            stokis_id,
        },
        username,
        name,
    }))
}

/// Records activity, at most once per [`TOUCH_EVERY`]; returns whether it wrote.
pub async fn touch(
    conn: &mut PgConnection,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    if now - session.last_seen_at < TOUCH_EVERY {
        return Ok(false);
    }
    // The condition again in SQL: concurrent requests of one session write once.
    let done = sqlx::query(
        "UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at <= $2 - interval '1 minute'",
    )
    .bind(session.session_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Ends one session (logout); a second call changes nothing.
pub async fn revoke(
    conn: &mut PgConnection,
    session_id: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
        .bind(session_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Ends every session of a user: when pusat deactivates them or resets their password.
pub async fn revoke_all_for_user(
    conn: &mut PgConnection,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
    )
    .bind(user_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_base64url_characters_and_differ() {
        let a = new_token();
        let b = new_token();
        assert!(looks_like_token(&a), "{a}");
        assert_ne!(a, b);
        assert!(!looks_like_token("short"));
        assert!(!looks_like_token(&format!("{}=", &a[..42])));
        assert_eq!(token_hash(&a).len(), 32);
        assert_ne!(token_hash(&a), token_hash(&b));
    }
}
