//! Passwords set by their owner or confirmed by the one acting: a user changing their own
//! password (the current one required, their other sessions ended), and head office proving it
//! is still at the keyboard (`admin_password`) before a sensitive change to an account. Either
//! change is told to the user by WhatsApp, from the same transaction.

use crate::actor::Actor;
use crate::clock::Clock;
use crate::error::{DomainError, FieldErrors};
use crate::master::users::check_password;
use crate::notify::{self, PasswordChangedBy};
use sqlx::PgConnection;

/// The field of the acting user's own password on head office's account forms.
pub const ADMIN_PASSWORD_FIELD: &str = "admin_password";

/// The stored hash of an active user, row-locked so two changes cannot interleave.
async fn own_hash(conn: &mut PgConnection, user_id: i64) -> Result<String, DomainError> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1 AND active FOR UPDATE")
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(DomainError::NotFound { entity: "pengguna" })
}

/// Checks that `password` is the actor's own (a 422 on `admin_password` when it is not): asked
/// before head office resets a password or creates or changes a FINANCE or PUSAT account, so a
/// session left open on a shared computer cannot hand out the keys of the company.
pub async fn confirm_actor(
    conn: &mut PgConnection,
    actor: &Actor,
    password: &str,
) -> Result<(), DomainError> {
    if password.is_empty() {
        return Err(DomainError::field(
            ADMIN_PASSWORD_FIELD,
            "isi kata sandi Anda sendiri untuk mengonfirmasi",
        ));
    }
    let hash = own_hash(conn, actor.user_id).await?;
    if !super::password::verify(password, &hash) {
        return Err(DomainError::field(
            ADMIN_PASSWORD_FIELD,
            "kata sandi Anda salah",
        ));
    }
    Ok(())
}

/// The user `actor` changes their own password: `current` must be right and `new` valid and
/// different. Every other session of the user (browsers and API tokens) is revoked; the one in
/// use (`keep_session`) stays. Returns how many sessions were ended.
pub async fn change_own(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    actor: &Actor,
    keep_session: i64,
    current: &str,
    new: &str,
) -> Result<u64, DomainError> {
    let hash = own_hash(conn, actor.user_id).await?;
    let mut errors = FieldErrors::new();
    if current.is_empty() {
        errors.insert("current_password".into(), "wajib diisi".into());
    } else if !super::password::verify(current, &hash) {
        errors.insert(
            "current_password".into(),
            "kata sandi saat ini salah".into(),
        );
    }
    check_password(&mut errors, "new_password", new);
    if !errors.contains_key("new_password") && new == current {
        errors.insert(
            "new_password".into(),
            "harus berbeda dari kata sandi saat ini".into(),
        );
    }
    crate::master::finish(errors)?;
    let new_hash = super::password::hash(new)
        .map_err(|e| DomainError::Database(sqlx::Error::Protocol(e.to_string())))?;
    let now = clock.now();
    sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
        .bind(actor.user_id)
        .bind(&new_hash)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    let ended = sqlx::query(
        "UPDATE sessions SET revoked_at = $3
         WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL",
    )
    .bind(actor.user_id)
    .bind(keep_session)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    notify::password_changed(conn, clock, actor.user_id, PasswordChangedBy::Owner)
        .await
        .map_err(notify_error)?;
    Ok(ended)
}

/// A notification that cannot be written fails the change with it: the user must hear of it.
pub(crate) fn notify_error(e: notify::NotifyError) -> DomainError {
    match e {
        notify::NotifyError::Domain(d) => d,
        notify::NotifyError::Template(t) => {
            DomainError::Database(sqlx::Error::Protocol(format!("WhatsApp template: {t}")))
        }
    }
}
