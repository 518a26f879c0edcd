//! The stokis's stock page: each product on hand with its reorder level, what mitra orders
//! still claim (pending and confirmed, not yet shipped), and what purchase orders will bring
//! (submitted, approved or shipped, not yet received); plus the on-hand check for shipping one
//! order.

use crate::listing::like_pattern;
use serde::Serialize;
use sqlx::{PgConnection, Postgres, QueryBuilder};

use crate::actor::Actor;
use crate::error::DomainError;
use crate::role::Role;

#[derive(Debug, Clone, Default)]
pub struct StockFilter {
    /// Matches the name or SKU.
    pub search: Option<String>,
    pub category: Option<String>,
    /// Only products below their reorder level.
    pub low_only: bool,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StockRow {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub category: String,
    pub unit: String,
    pub active: bool,
    pub qty: i64,
    pub min_qty: i64,
    /// Units in this stokis's pending and confirmed orders.
    pub reserved: i64,
    /// Units in this stokis's purchase orders not yet received.
    pub incoming: i64,
    /// `qty < min_qty`.
    pub low: bool,
}

#[derive(Debug, Clone, Default, Serialize, sqlx::FromRow)]
pub struct StockSummary {
    pub products: i64,
    pub low: i64,
    pub out_of_stock: i64,
    /// Units on hand valued at the price the stokis paid head office (current price list).
    pub value: i64,
}

fn own_stokis(actor: &Actor) -> Result<i64, DomainError> {
    match (actor.role, actor.stokis_id) {
        (Role::Stokis, Some(id)) => Ok(id),
        _ => Err(DomainError::Forbidden(
            "halaman stok hanya untuk stokis".into(),
        )),
    }
}

/// Products shown: every active product, and retired ones still on hand.
fn from_stock(qb: &mut QueryBuilder<Postgres>, stokis_id: i64) {
    qb.push(" FROM products p LEFT JOIN stokis_stock s ON s.product_id = p.id AND s.stokis_id = ")
        .push_bind(stokis_id);
}

const SHOWN: &str = " WHERE (p.active OR COALESCE(s.qty, 0) > 0)";

fn scope(qb: &mut QueryBuilder<Postgres>, filter: &StockFilter) {
    if let Some(pattern) = filter.search.as_deref().and_then(like_pattern) {
        qb.push(" AND (p.name ILIKE ").push_bind(pattern.clone());
        qb.push(" OR p.sku ILIKE ").push_bind(pattern).push(")");
    }
    if let Some(c) = filter
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        qb.push(" AND p.category = ").push_bind(c.to_owned());
    }
    if filter.low_only {
        qb.push(" AND COALESCE(s.qty, 0) < COALESCE(s.min_qty, 0)");
    }
}

/// A page of the actor's stock, low items first then by category and name, and the count
/// matching the filter.
pub async fn list(
    conn: &mut PgConnection,
    actor: &Actor,
    filter: &StockFilter,
) -> Result<(Vec<StockRow>, i64), DomainError> {
    let stokis_id = own_stokis(actor)?;
    let per_page = i64::from(filter.per_page.clamp(1, 100));
    let page = i64::from(filter.page.max(1));

    let mut count = QueryBuilder::new("SELECT count(*)");
    from_stock(&mut count, stokis_id);
    count.push(SHOWN);
    scope(&mut count, filter);
    let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;

    let mut qb = QueryBuilder::new(
        "WITH reserved AS (
             SELECT i.product_id, sum(i.qty)::bigint AS qty
             FROM orders o JOIN order_items i ON i.order_id = o.id
             WHERE o.status IN ('PENDING', 'CONFIRMED') AND o.stokis_id = ",
    );
    qb.push_bind(stokis_id).push(
        " GROUP BY i.product_id),
         incoming AS (
             SELECT i.product_id, sum(i.qty)::bigint AS qty
             FROM purchase_orders po JOIN purchase_order_items i ON i.purchase_order_id = po.id
             WHERE po.status IN ('SUBMITTED', 'APPROVED', 'SHIPPED') AND po.stokis_id = ",
    );
    qb.push_bind(stokis_id).push(
        " GROUP BY i.product_id)
         SELECT p.id AS product_id, p.sku, p.name, p.category, p.unit, p.active,
                COALESCE(s.qty, 0)::bigint AS qty, COALESCE(s.min_qty, 0)::bigint AS min_qty,
                COALESCE(r.qty, 0)::bigint AS reserved, COALESCE(n.qty, 0)::bigint AS incoming,
                (COALESCE(s.qty, 0) < COALESCE(s.min_qty, 0)) AS low",
    );
    from_stock(&mut qb, stokis_id);
    qb.push(
        " LEFT JOIN reserved r ON r.product_id = p.id
          LEFT JOIN incoming n ON n.product_id = p.id",
    );
    qb.push(SHOWN);
    scope(&mut qb, filter);
    qb.push(" ORDER BY (COALESCE(s.qty, 0) < COALESCE(s.min_qty, 0)) DESC, p.category, p.name, p.id LIMIT ")
        .push_bind(per_page)
        .push(" OFFSET ")
        .push_bind((page - 1) * per_page);
    let rows = qb.build_query_as().fetch_all(&mut *conn).await?;
    Ok((rows, total))
}

/// Totals for the head of the stock page.
pub async fn summary(conn: &mut PgConnection, actor: &Actor) -> Result<StockSummary, DomainError> {
    let stokis_id = own_stokis(actor)?;
    Ok(sqlx::query_as(
        "SELECT count(*) AS products,
                count(*) FILTER (WHERE COALESCE(s.qty, 0) < COALESCE(s.min_qty, 0)) AS low,
                count(*) FILTER (WHERE COALESCE(s.qty, 0) = 0) AS out_of_stock,
                COALESCE(sum(COALESCE(s.qty, 0) * p.price_to_stokis), 0)::bigint AS value
         FROM products p
         LEFT JOIN stokis_stock s ON s.product_id = p.id AND s.stokis_id = $1
         WHERE (p.active OR COALESCE(s.qty, 0) > 0)",
    )
    .bind(stokis_id)
    .fetch_one(conn)
    .await?)
}

/// Units on hand at the stokis for each product id asked (missing products: 0), to show
/// before shipping an order whether the stock covers it.
pub async fn on_hand(
    conn: &mut PgConnection,
    stokis_id: i64,
    product_ids: &[i64],
) -> Result<Vec<(i64, i64)>, DomainError> {
    Ok(sqlx::query_as(
        "SELECT id, COALESCE((SELECT qty FROM stokis_stock s WHERE s.stokis_id = $1 AND s.product_id = p.id), 0)::bigint
         FROM unnest($2::bigint[]) AS p(id)",
    )
    .bind(stokis_id)
    .bind(product_ids)
    .fetch_all(conn)
    .await?)
}
