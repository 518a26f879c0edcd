//! What the central warehouse (GUDANG) looks at: stock on hand against what approved POs will
//! take, the queue of approved POs with a stock check, and the check of one PO line by line.
//! Read-only; shipping itself is `purchase_order::apply(.., PoAction::Ship, ..)`, which takes
//! the stock under lock and refuses a shortfall whatever these pages showed.

use crate::error::DomainError;
use crate::listing::like_pattern;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, Postgres, QueryBuilder};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StockRow {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub active: bool,
    pub on_hand: i64,
    /// Units on approved POs not yet shipped.
    pub committed: i64,
    /// `on_hand - committed`; negative means the approved POs cannot all be shipped.
    pub free: i64,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default)]
pub struct StockFilter {
    /// Matches SKU or name.
    pub search: Option<String>,
    /// Only products whose approved POs need more than is on hand.
    pub short_only: bool,
    pub page: u32,
    pub per_page: u32,
}

/// Warehouse stock per product with what approved POs have committed.
pub async fn stock(
    conn: &mut PgConnection,
    filter: &StockFilter,
) -> Result<(Vec<StockRow>, i64), DomainError> {
    let per_page = i64::from(filter.per_page.clamp(1, 100));
    let page = i64::from(filter.page.max(1));
    let base = "WITH committed AS (
            SELECT it.product_id, sum(it.qty)::bigint AS qty
            FROM purchase_orders po JOIN purchase_order_items it ON it.purchase_order_id = po.id
            WHERE po.status = 'APPROVED' GROUP BY it.product_id
        ), rows AS (
            SELECT p.id AS product_id, p.sku, p.name, p.unit, p.active,
                   COALESCE(w.qty, 0) AS on_hand, COALESCE(c.qty, 0) AS committed,
                   COALESCE(w.qty, 0) - COALESCE(c.qty, 0) AS free, w.updated_at
            FROM products p LEFT JOIN warehouse_stock w ON w.product_id = p.id
                 LEFT JOIN committed c ON c.product_id = p.id
        )";
    let scope = |qb: &mut QueryBuilder<Postgres>| {
        qb.push(" WHERE (active OR on_hand > 0 OR committed > 0)");
        if filter.short_only {
            qb.push(" AND free < 0");
        }
        if let Some(p) = filter.search.as_deref().and_then(like_pattern) {
            qb.push(" AND (sku ILIKE ").push_bind(p.clone());
            qb.push(" OR name ILIKE ").push_bind(p).push(")");
        }
    };
    let (rows, total) = crate::listing::page(
        &mut *conn,
        &format!("{base} SELECT count(*) FROM rows"),
        &format!("{base} SELECT * FROM rows"),
        scope,
        "(free < 0) DESC, name, product_id",
        per_page,
        (page - 1) * per_page,
    )
    .await?;
    Ok((rows, total))
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ShipQueueRow {
    pub id: i64,
    pub number: String,
    pub stokis_id: i64,
    pub stokis_code: String,
    pub stokis_name: String,
    pub stokis_city: String,
    pub total: i64,
    pub lines: i64,
    pub units: i64,
    /// Lines whose quantity is more than the warehouse has on hand now.
    pub short_lines: i64,
    pub approved_at: Option<DateTime<Utc>>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// `APPROVED` (to ship) or `SHIPPED` (shipped, awaiting or after receipt).
    pub shipped: bool,
    /// Matches PO number or stokis code/name.
    pub search: Option<String>,
    pub page: u32,
    pub per_page: u32,
}

/// Approved POs to ship (oldest approval first), or shipped ones (newest first), each with its
/// line count and, for those to ship, how many lines the warehouse cannot cover.
pub async fn queue(
    conn: &mut PgConnection,
    filter: &QueueFilter,
) -> Result<(Vec<ShipQueueRow>, i64), DomainError> {
    let per_page = i64::from(filter.per_page.clamp(1, 100));
    let page = i64::from(filter.page.max(1));
    let scope = |qb: &mut QueryBuilder<Postgres>| {
        if filter.shipped {
            qb.push(" WHERE po.status IN ('SHIPPED', 'RECEIVED')");
        } else {
            qb.push(" WHERE po.status = 'APPROVED'");
        }
        if let Some(p) = filter.search.as_deref().and_then(like_pattern) {
            qb.push(" AND (po.number ILIKE ").push_bind(p.clone());
            qb.push(" OR s.code ILIKE ").push_bind(p.clone());
            qb.push(" OR s.name ILIKE ").push_bind(p).push(")");
        }
    };
    let mut count = QueryBuilder::new(
        "SELECT count(*) FROM purchase_orders po JOIN stokis s ON s.id = po.stokis_id",
    );
    scope(&mut count);
    let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;
    // Page first, then count lines for the page only.
    let (inner_order, order) = if filter.shipped {
        (
            " ORDER BY po.shipped_at DESC NULLS LAST, po.id DESC",
            " ORDER BY shipped_at DESC NULLS LAST, id DESC",
        )
    } else {
        (
            " ORDER BY po.approved_at NULLS LAST, po.id",
            " ORDER BY approved_at NULLS LAST, id",
        )
    };
    let mut qb = QueryBuilder::new(
        "SELECT po.id, po.number, po.stokis_id, po.stokis_code, po.stokis_name, po.stokis_city,
                po.total, li.lines, li.units, li.short_lines, po.approved_at, po.shipped_at, po.created_at
         FROM (SELECT po.id, po.number, po.stokis_id, s.code AS stokis_code, s.name AS stokis_name,
                      s.city AS stokis_city, po.total, po.status, po.approved_at, po.shipped_at, po.created_at
               FROM purchase_orders po JOIN stokis s ON s.id = po.stokis_id",
    );
    scope(&mut qb);
    qb.push(inner_order);
    qb.push(" LIMIT ")
        .push_bind(per_page)
        .push(" OFFSET ")
        .push_bind((page - 1) * per_page);
    qb.push(
        ") po CROSS JOIN LATERAL (
             SELECT count(*) AS lines, COALESCE(sum(it.qty), 0)::bigint AS units,
                    count(*) FILTER (WHERE po.status = 'APPROVED' AND it.qty > COALESCE(w.qty, 0)) AS short_lines
             FROM purchase_order_items it LEFT JOIN warehouse_stock w ON w.product_id = it.product_id
             WHERE it.purchase_order_id = po.id
         ) li",
    );
    qb.push(order);
    let rows = qb.build_query_as().fetch_all(&mut *conn).await?;
    Ok((rows, total))
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct LineCheck {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub qty: i64,
    pub on_hand: i64,
    /// Units missing to ship this line (0 when covered).
    pub short: i64,
}

/// Each line of a PO against warehouse stock on hand now.
pub async fn check_po(
    conn: &mut PgConnection,
    purchase_order_id: i64,
) -> Result<Vec<LineCheck>, DomainError> {
    Ok(sqlx::query_as(
        "SELECT it.product_id, p.sku, p.name, p.unit, it.qty::bigint AS qty,
                COALESCE(w.qty, 0) AS on_hand, GREATEST(it.qty - COALESCE(w.qty, 0), 0)::bigint AS short
         FROM purchase_order_items it JOIN products p ON p.id = it.product_id
              LEFT JOIN warehouse_stock w ON w.product_id = it.product_id
         WHERE it.purchase_order_id = $1
         ORDER BY p.name",
    )
    .bind(purchase_order_id)
    .fetch_all(conn)
    .await?)
}
