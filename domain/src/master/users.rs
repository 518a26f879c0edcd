//! User accounts as head office manages them: creating one (argon2id hash, linked to its mitra or
//! stokis by code), deactivating and re-activating, and resetting a password. Deactivating or
//! resetting revokes the user's sessions at once, so a lost phone or a departed employee is
//! locked out on their next request, not when the session would have expired. Resetting a
//! password, and creating or changing a FINANCE or PUSAT account, needs the actor's own
//! password again (`admin_password`); the user is told of a reset by WhatsApp.

use super::{Paging, finish, is_unique_violation, optional_phone, require_pusat, text};
use crate::actor::Actor;
use crate::auth::password_change::{confirm_actor, notify_error};
use crate::clock::Clock;
use crate::error::{DomainError, FieldErrors};
use crate::listing::like_pattern;
use crate::notify::{self, PasswordChangedBy};
use crate::role::Role;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, Postgres, QueryBuilder};

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub role: String,
    pub phone: Option<String>,
    pub mitra_id: Option<i64>,
    pub stokis_id: Option<i64>,
    /// The code and name of the mitra or stokis the user belongs to, if any.
    pub link_code: Option<String>,
    pub link_name: Option<String>,
    pub active: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "u.id, u.username, u.name, u.role, u.phone, u.mitra_id, u.stokis_id,
    COALESCE(m.code, s.code) AS link_code, COALESCE(m.name, s.name) AS link_name,
    u.active, u.last_login_at, u.created_at
    FROM users u LEFT JOIN mitra m ON m.id = u.mitra_id LEFT JOIN stokis s ON s.id = u.stokis_id";

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Matches username or name.
    pub search: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
}

pub async fn list(
    conn: &mut PgConnection,
    filter: &UserFilter,
    paging: Paging,
) -> Result<(Vec<UserRow>, i64), DomainError> {
    let scope = |qb: &mut QueryBuilder<Postgres>| {
        qb.push(" WHERE true");
        if let Some(r) = filter.role {
            qb.push(" AND u.role = ").push_bind(r.as_str());
        }
        if let Some(a) = filter.active {
            qb.push(" AND u.active = ").push_bind(a);
        }
        if let Some(p) = filter.search.as_deref().and_then(like_pattern) {
            qb.push(" AND (u.username ILIKE ").push_bind(p.clone());
            qb.push(" OR u.name ILIKE ").push_bind(p).push(")");
        }
    };
    let (rows, total) = crate::listing::page(
        &mut *conn,
        "SELECT count(*) FROM users u",
        &format!("SELECT {COLUMNS}"),
        scope,
        "u.username",
        paging.limit(),
        paging.offset(),
    )
    .await?;
    Ok((rows, total))
}

pub async fn get(conn: &mut PgConnection, id: i64) -> Result<UserRow, DomainError> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} WHERE u.id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(DomainError::NotFound { entity: "pengguna" })
}

/// What the new-user form sends, as typed. `link_code` is the mitra code for a MITRA user or
/// the stokis code for a STOKIS user (ignored for staff).
#[derive(Debug, Clone, Default, Serialize)]
pub struct NewUserInput {
    pub username: String,
    pub name: String,
    pub role: String,
    pub phone: String,
    pub link_code: String,
    /// Never echoed back into a form.
    #[serde(skip)]
    pub password: String,
    /// The acting pusat user's own password: required for a FINANCE or PUSAT account.
    #[serde(skip)]
    pub admin_password: String,
}

/// Accounts that can approve credit, record payments or manage users: creating or changing one
/// needs the acting user's own password again.
fn is_sensitive(role: Role) -> bool {
    matches!(role, Role::Finance | Role::Pusat)
}

/// [`confirm_actor`] with its field message added to `errors` (other failures returned).
async fn confirm_into(
    conn: &mut PgConnection,
    actor: &Actor,
    errors: &mut FieldErrors,
    admin_password: &str,
) -> Result<(), DomainError> {
    match confirm_actor(conn, actor, admin_password).await {
        Ok(()) => Ok(()),
        Err(DomainError::Validation(e)) => {
            errors.extend(e);
            Ok(())
        }
        Err(e) => Err(e),
    }
}

pub(crate) fn check_password(errors: &mut FieldErrors, field: &str, password: &str) {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        errors.insert(
            field.into(),
            format!("minimal {MIN_PASSWORD_CHARS} karakter"),
        );
    } else if n > MAX_PASSWORD_CHARS {
        errors.insert(
            field.into(),
            format!("maksimal {MAX_PASSWORD_CHARS} karakter"),
        );
    }
}

fn check_username(errors: &mut FieldErrors, value: &str) -> String {
    let value = value.trim().to_ascii_lowercase();
    if value.is_empty() {
        errors.insert("username".into(), "wajib diisi".into());
    } else if !value
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b))
    {
        errors.insert(
            "username".into(),
            "hanya huruf kecil, angka, titik, garis bawah dan tanda hubung".into(),
        );
    } else if !(3..=40).contains(&value.len()) {
        errors.insert("username".into(), "panjang 3–40 karakter".into());
    }
    value
}

fn hash_password(password: &str) -> Result<String, DomainError> {
    crate::auth::password::hash(password)
        .map_err(|e| DomainError::Database(sqlx::Error::Protocol(e.to_string())))
}

/// Creates a user; returns its id.
pub async fn create(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    input: &NewUserInput,
) -> Result<i64, DomainError> {
    require_pusat(actor)?;
    let mut errors = FieldErrors::new();
    let username = check_username(&mut errors, &input.username);
    let name = text(&mut errors, "name", &input.name, true, 200);
    let phone = optional_phone(&mut errors, "phone", &input.phone);
    check_password(&mut errors, "password", &input.password);
    let role = input.role.trim().parse::<Role>().ok();
    if role.is_none() {
        errors.insert("role".into(), "pilih peran".into());
    }
    let link = input.link_code.trim().to_ascii_uppercase();
    let (mut mitra_id, mut stokis_id) = (None, None);
    match role {
        Some(Role::Mitra) => {
            mitra_id = linked(conn, &mut errors, "mitra", &link).await?;
        }
        Some(Role::Stokis) => {
            stokis_id = linked(conn, &mut errors, "stokis", &link).await?;
        }
        _ => {}
    }
    if role.is_some_and(is_sensitive) {
        confirm_into(conn, actor, &mut errors, &input.admin_password).await?;
    }
    finish(errors)?;
    let role = role.unwrap_or(Role::Pusat);
    let hash = hash_password(&input.password)?;
    let now = clock.now();
    sqlx::query_scalar(
        "INSERT INTO users (username, password_hash, role, name, phone, mitra_id, stokis_id, active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, $8) RETURNING id",
    )
    .bind(&username)
    .bind(&hash)
    .bind(role.as_str())
    .bind(&name)
    .bind(&phone)
    .bind(mitra_id)
    .bind(stokis_id)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e, "users_username_key") {
            DomainError::field("username", "nama pengguna ini sudah dipakai")
        } else {
            DomainError::Database(e)
        }
    })
}

/// The id of the active mitra or stokis with `code`, or a message on `link_code`.
async fn linked(
    conn: &mut PgConnection,
    errors: &mut FieldErrors,
    table: &str,
    code: &str,
) -> Result<Option<i64>, DomainError> {
    if code.is_empty() {
        errors.insert("link_code".into(), format!("isi kode {table}"));
        return Ok(None);
    }
    let sql = match table {
        "mitra" => "SELECT id, active FROM mitra WHERE code = $1",
        _ => "SELECT id, active FROM stokis WHERE code = $1",
    };
    let row: Option<(i64, bool)> = sqlx::query_as(sql)
        .bind(code)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some((id, true)) => Ok(Some(id)),
        Some((_, false)) => {
            errors.insert("link_code".into(), format!("{table} {code} tidak aktif"));
            Ok(None)
        }
        None => {
            errors.insert(
                "link_code".into(),
                format!("{table} dengan kode {code} tidak ditemukan"),
            );
            Ok(None)
        }
    }
}

/// Revokes every live session of the user; returns how many.
async fn revoke_sessions(
    conn: &mut PgConnection,
    user_id: i64,
    at: DateTime<Utc>,
) -> Result<u64, DomainError> {
    Ok(
        sqlx::query(
            "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
        )
        .bind(user_id)
        .bind(at)
        .execute(conn)
        .await?
        .rows_affected(),
    )
}

/// Turns a user's account off (and logs them out everywhere) or back on.
pub async fn set_active(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    id: i64,
    active: bool,
    admin_password: &str,
) -> Result<(), DomainError> {
    require_pusat(actor)?;
    if !active && id == actor.user_id {
        return Err(DomainError::Forbidden(
            "Anda tidak bisa menonaktifkan akun Anda sendiri".into(),
        ));
    }
    let role: Option<String> = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let role = role.ok_or(DomainError::NotFound { entity: "pengguna" })?;
    if role.parse::<Role>().is_ok_and(is_sensitive) {
        confirm_actor(conn, actor, admin_password).await?;
    }
    let now = clock.now();
    let done = sqlx::query("UPDATE users SET active = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(active)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(DomainError::NotFound { entity: "pengguna" });
    }
    if !active {
        revoke_sessions(conn, id, now).await?;
    }
    Ok(())
}

/// Sets a new password chosen by head office and logs the user out everywhere.
pub async fn reset_password(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    id: i64,
    password: &str,
    admin_password: &str,
) -> Result<(), DomainError> {
    require_pusat(actor)?;
    let mut errors = FieldErrors::new();
    check_password(&mut errors, "password", password);
    confirm_into(conn, actor, &mut errors, admin_password).await?;
    finish(errors)?;
    let hash = hash_password(password)?;
    let now = clock.now();
    let done = sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(&hash)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(DomainError::NotFound { entity: "pengguna" });
    }
    revoke_sessions(conn, id, now).await?;
    notify::password_changed(conn, clock, id, PasswordChangedBy::HeadOffice)
        .await
        .map_err(notify_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lower_cased_and_checked() {
        let mut e = FieldErrors::new();
        assert_eq!(check_username(&mut e, " Budi.S "), "budi.s");
        assert!(e.is_empty());
        check_username(&mut e, "a b");
        assert!(e.contains_key("username"));
        let mut e = FieldErrors::new();
        check_username(&mut e, "ab");
        assert!(e.contains_key("username"));
    }

    #[test]
    fn short_passwords_are_refused() {
        let mut e = FieldErrors::new();
        check_password(&mut e, "password", "1234567");
        assert_eq!(e["password"], "minimal 8 karakter");
        let mut e = FieldErrors::new();
        check_password(&mut e, "password", "12345678");
        assert!(e.is_empty());
    }
}
