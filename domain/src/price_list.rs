//! The product price list as the JSON API serves it: both prices of every product, a page at a
//! time, searchable. Which price a caller is shown, and that buyers only ever see active
//! products, is [`crate::catalogue::PriceView`]'s rule.

use crate::listing::like_pattern;
use serde::Serialize;
use sqlx::{PgConnection, Postgres, QueryBuilder};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PriceListItem {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub category: String,
    pub unit: String,
    pub price_to_mitra: i64,
    pub price_to_stokis: i64,
    pub active: bool,
}

#[derive(Debug, Clone, Default)]
pub struct PriceListFilter {
    /// Matches the SKU or the name.
    pub search: Option<String>,
    /// Head-office staff see discontinued products too; buyers never do.
    pub include_inactive: bool,
    pub page: u32,
    pub per_page: u32,
}

/// A page of products in catalogue order (by name), and the total for the filter.
pub async fn list(
    conn: &mut PgConnection,
    filter: &PriceListFilter,
) -> Result<(Vec<PriceListItem>, i64), sqlx::Error> {
    let per_page = i64::from(filter.per_page.clamp(1, 100));
    let page = i64::from(filter.page.max(1));
    let scope = |qb: &mut QueryBuilder<Postgres>| {
        qb.push(" WHERE true");
        if !filter.include_inactive {
            qb.push(" AND active");
        }
        if let Some(pattern) = filter.search.as_deref().and_then(like_pattern) {
            qb.push(" AND (sku ILIKE ").push_bind(pattern.clone());
            qb.push(" OR name ILIKE ").push_bind(pattern).push(")");
        }
    };
    let (rows, total) = crate::listing::page(
        &mut *conn,
        "SELECT count(*) FROM products",
        "SELECT id, sku, name, category, unit, price_to_mitra, price_to_stokis, active FROM products",
        scope,
        "name, id",
        per_page,
        (page - 1) * per_page,
    )
    .await?;
    Ok((rows, total))
}
