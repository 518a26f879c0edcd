//! Products and their two prices (to mitra, to stokis): listing, creating and editing them.
//! A price below zero, a duplicate SKU or a blank name is refused on its field.

use super::{Paging, code, finish, is_unique_violation, require_pusat, rupiah, text};
use crate::actor::Actor;
use crate::clock::Clock;
use crate::error::{DomainError, FieldErrors};
use crate::listing::like_pattern;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, Postgres, QueryBuilder};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ProductRow {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub category: String,
    pub unit: String,
    pub price_to_mitra: i64,
    pub price_to_stokis: i64,
    pub active: bool,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    /// Matches SKU or name.
    pub search: Option<String>,
    pub active: Option<bool>,
}

pub async fn list(
    conn: &mut PgConnection,
    filter: &ProductFilter,
    paging: Paging,
) -> Result<(Vec<ProductRow>, i64), DomainError> {
    let scope = |qb: &mut QueryBuilder<Postgres>| {
        qb.push(" WHERE true");
        if let Some(a) = filter.active {
            qb.push(" AND active = ").push_bind(a);
        }
        if let Some(p) = filter.search.as_deref().and_then(like_pattern) {
            qb.push(" AND (sku ILIKE ").push_bind(p.clone());
            qb.push(" OR name ILIKE ").push_bind(p).push(")");
        }
    };
    let (rows, total) = crate::listing::page(
        &mut *conn,
        "SELECT count(*) FROM products",
        "SELECT id, sku, name, category, unit, price_to_mitra, price_to_stokis, active, updated_at FROM products",
        scope,
        "active DESC, name, id",
        paging.limit(),
        paging.offset(),
    )
    .await?;
    Ok((rows, total))
}

pub async fn get(conn: &mut PgConnection, id: i64) -> Result<ProductRow, DomainError> {
    sqlx::query_as(
        "SELECT id, sku, name, category, unit, price_to_mitra, price_to_stokis, active, updated_at
         FROM products WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(DomainError::NotFound { entity: "produk" })
}

/// What the product form sends, as typed (prices as text: `48.000`, `Rp 48.000`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProductInput {
    pub sku: String,
    pub name: String,
    pub category: String,
    pub unit: String,
    pub price_to_mitra: String,
    pub price_to_stokis: String,
    pub active: bool,
}

impl ProductInput {
    /// The form of an existing product, for editing.
    pub fn from_row(p: &ProductRow) -> ProductInput {
        ProductInput {
            sku: p.sku.clone(),
            name: p.name.clone(),
            category: p.category.clone(),
            unit: p.unit.clone(),
            price_to_mitra: p.price_to_mitra.to_string(),
            price_to_stokis: p.price_to_stokis.to_string(),
            active: p.active,
        }
    }
}

struct Valid {
    sku: String,
    name: String,
    category: String,
    unit: String,
    price_to_mitra: i64,
    price_to_stokis: i64,
    active: bool,
}

fn validate(input: &ProductInput) -> Result<Valid, DomainError> {
    let mut errors = FieldErrors::new();
    let valid = Valid {
        sku: code(&mut errors, "sku", &input.sku, 2, 30),
        name: text(&mut errors, "name", &input.name, true, 200),
        category: text(&mut errors, "category", &input.category, false, 100),
        unit: text(&mut errors, "unit", &input.unit, true, 30),
        price_to_mitra: rupiah(&mut errors, "price_to_mitra", &input.price_to_mitra),
        price_to_stokis: rupiah(&mut errors, "price_to_stokis", &input.price_to_stokis),
        active: input.active,
    };
    finish(errors)?;
    Ok(valid)
}

fn sku_taken(e: sqlx::Error) -> DomainError {
    if is_unique_violation(&e, "products_sku_key") {
        DomainError::field("sku", "SKU ini sudah dipakai produk lain")
    } else {
        DomainError::Database(e)
    }
}

/// Adds a product (with an empty warehouse stock row, so it appears in the warehouse list).
pub async fn create(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    input: &ProductInput,
) -> Result<i64, DomainError> {
    require_pusat(actor)?;
    let v = validate(input)?;
    let now = clock.now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO products (sku, name, category, unit, price_to_mitra, price_to_stokis, active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(&v.sku)
    .bind(&v.name)
    .bind(&v.category)
    .bind(&v.unit)
    .bind(v.price_to_mitra)
    .bind(v.price_to_stokis)
    .bind(v.active)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(sku_taken)?;
    sqlx::query("INSERT INTO warehouse_stock (product_id, qty, updated_at) VALUES ($1, 0, $2)")
        .bind(id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(id)
}

/// Changes a product. Prices apply to orders placed from now on; existing orders keep theirs.
pub async fn update(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    id: i64,
    input: &ProductInput,
) -> Result<(), DomainError> {
    require_pusat(actor)?;
    let v = validate(input)?;
    let done = sqlx::query(
        "UPDATE products SET sku = $2, name = $3, category = $4, unit = $5, price_to_mitra = $6,
                price_to_stokis = $7, active = $8, updated_at = $9
         WHERE id = $1",
    )
    .bind(id)
    .bind(&v.sku)
    .bind(&v.name)
    .bind(&v.category)
    .bind(&v.unit)
    .bind(v.price_to_mitra)
    .bind(v.price_to_stokis)
    .bind(v.active)
    .bind(clock.now())
    .execute(&mut *conn)
    .await
    .map_err(sku_taken)?;
    if done.rows_affected() == 0 {
        return Err(DomainError::NotFound { entity: "produk" });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ProductInput {
        ProductInput {
            sku: "aym-002".into(),
            name: " Ayam Paha ".into(),
            category: "Daging".into(),
            unit: "pak".into(),
            price_to_mitra: "Rp 55.000".into(),
            price_to_stokis: "48000".into(),
            active: true,
        }
    }

    #[test]
    fn a_good_form_is_normalised() {
        let v = validate(&input()).unwrap();
        assert_eq!(v.sku, "AYM-002");
        assert_eq!(v.name, "Ayam Paha");
        assert_eq!((v.price_to_mitra, v.price_to_stokis), (55_000, 48_000));
    }

    #[test]
    fn negative_prices_and_blank_names_are_refused_per_field() {
        let mut bad = input();
        bad.price_to_stokis = "-1".into();
        bad.name = "  ".into();
        let Err(DomainError::Validation(f)) = validate(&bad) else {
            panic!("expected a validation error");
        };
        assert_eq!(f["price_to_stokis"], "jumlah tidak boleh negatif");
        assert_eq!(f["name"], "wajib diisi");
        assert!(!f.contains_key("price_to_mitra"));
    }
}
