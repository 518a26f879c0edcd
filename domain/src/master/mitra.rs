//! Mitra (franchise outlets) and the stokis that serves each: listing, creating and editing.
//! Moving a mitra to another stokis changes where its next orders go; orders already placed stay
//! with the stokis they were sent to.

use super::{Paging, code, finish, is_unique_violation, optional_phone, require_pusat, text};
use crate::actor::Actor;
use crate::clock::Clock;
use crate::error::{DomainError, FieldErrors};
use crate::listing::like_pattern;
use serde::Serialize;
use sqlx::{PgConnection, Postgres, QueryBuilder};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MitraRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub owner_name: String,
    pub phone: Option<String>,
    pub city: String,
    pub address: String,
    pub stokis_id: i64,
    pub stokis_code: String,
    pub stokis_name: String,
    pub active: bool,
}

const COLUMNS: &str = "m.id, m.code, m.name, m.owner_name, m.phone, m.city, m.address, m.stokis_id,
    s.code AS stokis_code, s.name AS stokis_name, m.active
    FROM mitra m JOIN stokis s ON s.id = m.stokis_id";

#[derive(Debug, Clone, Default)]
pub struct MitraFilter {
    /// Matches code, name, owner or city.
    pub search: Option<String>,
    pub stokis_id: Option<i64>,
    pub active: Option<bool>,
}

pub async fn list(
    conn: &mut PgConnection,
    filter: &MitraFilter,
    paging: Paging,
) -> Result<(Vec<MitraRow>, i64), DomainError> {
    let scope = |qb: &mut QueryBuilder<Postgres>| {
        qb.push(" WHERE true");
        if let Some(id) = filter.stokis_id {
            qb.push(" AND m.stokis_id = ").push_bind(id);
        }
        if let Some(a) = filter.active {
            qb.push(" AND m.active = ").push_bind(a);
        }
        if let Some(p) = filter.search.as_deref().and_then(like_pattern) {
            qb.push(" AND (m.code ILIKE ").push_bind(p.clone());
            qb.push(" OR m.name ILIKE ").push_bind(p.clone());
            qb.push(" OR m.owner_name ILIKE ").push_bind(p.clone());
            qb.push(" OR m.city ILIKE ").push_bind(p).push(")");
        }
    };
    let (rows, total) = crate::listing::page(
        &mut *conn,
        "SELECT count(*) FROM mitra m",
        &format!("SELECT {COLUMNS}"),
        scope,
        "m.code, m.id",
        paging.limit(),
        paging.offset(),
    )
    .await?;
    Ok((rows, total))
}

pub async fn get(conn: &mut PgConnection, id: i64) -> Result<MitraRow, DomainError> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} WHERE m.id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(DomainError::NotFound { entity: "mitra" })
}

/// What the mitra form sends, as typed; `stokis_id` is the picked stokis.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MitraInput {
    pub code: String,
    pub name: String,
    pub owner_name: String,
    pub phone: String,
    pub city: String,
    pub address: String,
    pub stokis_id: String,
    pub active: bool,
}

impl MitraInput {
    pub fn from_row(m: &MitraRow) -> MitraInput {
        MitraInput {
            code: m.code.clone(),
            name: m.name.clone(),
            owner_name: m.owner_name.clone(),
            phone: m.phone.clone().unwrap_or_default(),
            city: m.city.clone(),
            address: m.address.clone(),
            stokis_id: m.stokis_id.to_string(),
            active: m.active,
        }
    }
}

struct Valid {
    code: String,
    name: String,
    owner_name: String,
    phone: Option<String>,
    city: String,
    address: String,
    stokis_id: i64,
    active: bool,
}

async fn validate(conn: &mut PgConnection, input: &MitraInput) -> Result<Valid, DomainError> {
    let mut errors = FieldErrors::new();
    let stokis_id = match input.stokis_id.trim().parse::<i64>() {
        Ok(id) => {
            let active: Option<bool> =
                sqlx::query_scalar("SELECT active FROM stokis WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?;
            match active {
                Some(true) => id,
                Some(false) => {
                    errors.insert("stokis_id".into(), "stokis ini tidak aktif".into());
                    id
                }
                None => {
                    errors.insert("stokis_id".into(), "stokis tidak ditemukan".into());
                    0
                }
            }
        }
        Err(_) => {
            errors.insert("stokis_id".into(), "pilih stokis".into());
            0
        }
    };
    let valid = Valid {
        code: code(&mut errors, "code", &input.code, 2, 20),
        name: text(&mut errors, "name", &input.name, true, 200),
        owner_name: text(&mut errors, "owner_name", &input.owner_name, false, 200),
        phone: optional_phone(&mut errors, "phone", &input.phone),
        city: text(&mut errors, "city", &input.city, true, 100),
        address: text(&mut errors, "address", &input.address, false, 500),
        stokis_id,
        active: input.active,
    };
    finish(errors)?;
    Ok(valid)
}

fn code_taken(e: sqlx::Error) -> DomainError {
    if is_unique_violation(&e, "mitra_code_key") {
        DomainError::field("code", "kode ini sudah dipakai mitra lain")
    } else {
        DomainError::Database(e)
    }
}

pub async fn create(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    input: &MitraInput,
) -> Result<i64, DomainError> {
    require_pusat(actor)?;
    let v = validate(conn, input).await?;
    let id = sqlx::query_scalar(
        "INSERT INTO mitra (code, name, owner_name, phone, city, address, stokis_id, active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(&v.code)
    .bind(&v.name)
    .bind(&v.owner_name)
    .bind(&v.phone)
    .bind(&v.city)
    .bind(&v.address)
    .bind(v.stokis_id)
    .bind(v.active)
    .bind(clock.now())
    .fetch_one(&mut *conn)
    .await
    .map_err(code_taken)?;
    Ok(id)
}

pub async fn update(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    id: i64,
    input: &MitraInput,
) -> Result<(), DomainError> {
    require_pusat(actor)?;
    let v = validate(conn, input).await?;
    let done = sqlx::query(
        "UPDATE mitra SET code = $2, name = $3, owner_name = $4, phone = $5, city = $6, address = $7,
                stokis_id = $8, active = $9, updated_at = $10
         WHERE id = $1",
    )
    .bind(id)
    .bind(&v.code)
    .bind(&v.name)
    .bind(&v.owner_name)
    .bind(&v.phone)
    .bind(&v.city)
    .bind(&v.address)
    .bind(v.stokis_id)
    .bind(v.active)
    .bind(clock.now())
    .execute(&mut *conn)
    .await
    .map_err(code_taken)?;
    if done.rows_affected() == 0 {
        return Err(DomainError::NotFound { entity: "mitra" });
    }
    Ok(())
}
