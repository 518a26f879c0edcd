//! Stokis as head office keeps them: contact details, credit limit (≥ 0) and payment terms
//! (days from shipment to due date). A new limit applies to the next PO approval; new terms to
//! the next invoice.

use super::{
    Paging, code, finish, is_unique_violation, optional_phone, require_pusat, rupiah, text, whole,
};
use crate::actor::Actor;
use crate::clock::Clock;
use crate::error::{DomainError, FieldErrors};
use crate::listing::like_pattern;
use serde::Serialize;
use sqlx::{PgConnection, Postgres, QueryBuilder};

/// Longest payment terms the schema allows.
pub const MAX_TERMS_DAYS: i64 = 365;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StokisRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub city: String,
    pub address: String,
    pub phone: Option<String>,
    pub credit_limit: i64,
    pub payment_terms_days: i32,
    pub active: bool,
    pub mitra_count: i64,
}

const COLUMNS: &str = "s.id, s.code, s.name, s.city, s.address, s.phone, s.credit_limit, s.payment_terms_days, s.active,
    (SELECT count(*) FROM mitra m WHERE m.stokis_id = s.id) AS mitra_count";

#[derive(Debug, Clone, Default)]
pub struct StokisFilter {
    /// Matches code, name or city.
    pub search: Option<String>,
    pub active: Option<bool>,
}

pub async fn list(
    conn: &mut PgConnection,
    filter: &StokisFilter,
    paging: Paging,
) -> Result<(Vec<StokisRow>, i64), DomainError> {
    let scope = |qb: &mut QueryBuilder<Postgres>| {
        qb.push(" WHERE true");
        if let Some(a) = filter.active {
            qb.push(" AND s.active = ").push_bind(a);
        }
        if let Some(p) = filter.search.as_deref().and_then(like_pattern) {
            qb.push(" AND (s.code ILIKE ").push_bind(p.clone());
            qb.push(" OR s.name ILIKE ").push_bind(p.clone());
            qb.push(" OR s.city ILIKE ").push_bind(p).push(")");
        }
    };
    let (rows, total) = crate::listing::page(
        &mut *conn,
        "SELECT count(*) FROM stokis s",
        &format!("SELECT {COLUMNS} FROM stokis s"),
        scope,
        "s.code, s.id",
        paging.limit(),
        paging.offset(),
    )
    .await?;
    Ok((rows, total))
}

pub async fn get(conn: &mut PgConnection, id: i64) -> Result<StokisRow, DomainError> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM stokis s WHERE s.id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(DomainError::NotFound { entity: "stokis" })
}

/// Every stokis as (id, code, name), for pickers (a few hundred rows).
pub async fn options(conn: &mut PgConnection) -> Result<Vec<StokisOption>, DomainError> {
    Ok(
        sqlx::query_as("SELECT id, code, name, active FROM stokis ORDER BY name, id")
            .fetch_all(conn)
            .await?,
    )
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StokisOption {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub active: bool,
}

/// What the stokis form sends, as typed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StokisInput {
    pub code: String,
    pub name: String,
    pub city: String,
    pub address: String,
    pub phone: String,
    pub credit_limit: String,
    pub payment_terms_days: String,
    pub active: bool,
}

impl StokisInput {
    pub fn from_row(s: &StokisRow) -> StokisInput {
        StokisInput {
            code: s.code.clone(),
            name: s.name.clone(),
            city: s.city.clone(),
            address: s.address.clone(),
            phone: s.phone.clone().unwrap_or_default(),
            credit_limit: s.credit_limit.to_string(),
            payment_terms_days: s.payment_terms_days.to_string(),
            active: s.active,
        }
    }
}

struct Valid {
    code: String,
    name: String,
    city: String,
    address: String,
    phone: Option<String>,
    credit_limit: i64,
    terms: i32,
    active: bool,
}

fn validate(input: &StokisInput) -> Result<Valid, DomainError> {
    let mut errors = FieldErrors::new();
    let terms = whole(
        &mut errors,
        "payment_terms_days",
        &input.payment_terms_days,
        0,
        MAX_TERMS_DAYS,
    );
    let valid = Valid {
        code: code(&mut errors, "code", &input.code, 2, 20),
        name: text(&mut errors, "name", &input.name, true, 200),
        city: text(&mut errors, "city", &input.city, true, 100),
        address: text(&mut errors, "address", &input.address, false, 500),
        phone: optional_phone(&mut errors, "phone", &input.phone),
        credit_limit: rupiah(&mut errors, "credit_limit", &input.credit_limit),
        terms: i32::try_from(terms).unwrap_or_default(),
        active: input.active,
    };
    finish(errors)?;
    Ok(valid)
}

fn code_taken(e: sqlx::Error) -> DomainError {
    if is_unique_violation(&e, "stokis_code_key") {
        DomainError::field("code", "kode ini sudah dipakai stokis lain")
    } else {
        DomainError::Database(e)
    }
}

pub async fn create(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    input: &StokisInput,
) -> Result<i64, DomainError> {
    require_pusat(actor)?;
    let v = validate(input)?;
    let id = sqlx::query_scalar(
        "INSERT INTO stokis (code, name, city, address, phone, credit_limit, payment_terms_days, active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(&v.code)
    .bind(&v.name)
    .bind(&v.city)
    .bind(&v.address)
    .bind(&v.phone)
    .bind(v.credit_limit)
    .bind(v.terms)
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
    input: &StokisInput,
) -> Result<(), DomainError> {
    require_pusat(actor)?;
    let v = validate(input)?;
    let done = sqlx::query(
        "UPDATE stokis SET code = $2, name = $3, city = $4, address = $5, phone = $6, credit_limit = $7,
                payment_terms_days = $8, active = $9, updated_at = $10
         WHERE id = $1",
    )
    .bind(id)
    .bind(&v.code)
    .bind(&v.name)
    .bind(&v.city)
    .bind(&v.address)
    .bind(&v.phone)
    .bind(v.credit_limit)
    .bind(v.terms)
    .bind(v.active)
    .bind(clock.now())
    .execute(&mut *conn)
    .await
    .map_err(code_taken)?;
    if done.rows_affected() == 0 {
        return Err(DomainError::NotFound { entity: "stokis" });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> StokisInput {
        StokisInput {
            code: "stk900".into(),
            name: "Stokis Baru".into(),
            city: "Bogor".into(),
            address: String::new(),
            phone: "0812-3456-7890".into(),
            credit_limit: "25.000.000".into(),
            payment_terms_days: "14".into(),
            active: true,
        }
    }

    #[test]
    fn a_good_form_is_normalised() {
        let v = validate(&input()).unwrap();
        assert_eq!(v.code, "STK900");
        assert_eq!(v.phone.as_deref(), Some("6281234567890"));
        assert_eq!((v.credit_limit, v.terms), (25_000_000, 14));
    }

    #[test]
    fn a_negative_limit_or_bad_terms_are_refused_per_field() {
        let mut bad = input();
        bad.credit_limit = "-1.000".into();
        bad.payment_terms_days = "366".into();
        bad.phone = "12345".into();
        let Err(DomainError::Validation(f)) = validate(&bad) else {
            panic!("expected a validation error");
        };
        assert_eq!(f["credit_limit"], "jumlah tidak boleh negatif");
        assert_eq!(f["payment_terms_days"], "maksimal 365");
        assert!(f.contains_key("phone"));
    }
}
