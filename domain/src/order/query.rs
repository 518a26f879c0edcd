//! Reading orders: one with its items, or a filtered page, only what the actor may see.

use super::{ORDER_COLUMNS, Order, OrderStatus, items};
use crate::actor::Actor;
use crate::error::DomainError;
use crate::listing::like_pattern;
use crate::role::Role;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{AssertSqlSafe, PgConnection, Postgres, QueryBuilder};

/// Mitra see their own orders, stokis the orders sent to them, head-office staff all.
pub(crate) fn can_see(actor: &Actor, mitra_id: i64, stokis_id: i64) -> bool {
    match actor.role {
        Role::Mitra => actor.mitra_id == Some(mitra_id),
        Role::Stokis => actor.stokis_id == Some(stokis_id),
        Role::Pusat | Role::Finance | Role::Gudang => true,
    }
}

/// Loads an order with its items, without any visibility check (callers check).
pub(crate) async fn load(conn: &mut PgConnection, id: i64) -> Result<Order, DomainError> {
    let mut order: Order = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {ORDER_COLUMNS} FROM orders o WHERE o.id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(DomainError::NotFound { entity: "order" })?;
    order.items = items(conn, id).await?;
    Ok(order)
}

/// One order as the actor may see it; another mitra's or stokis's order is "not found".
pub async fn get(conn: &mut PgConnection, actor: &Actor, id: i64) -> Result<Order, DomainError> {
    let order = load(conn, id).await?;
    if !can_see(actor, order.mitra_id, order.stokis_id) {
        return Err(DomainError::NotFound { entity: "order" });
    }
    Ok(order)
}

#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    pub mitra_id: Option<i64>,
    pub stokis_id: Option<i64>,
    /// Matches the order number or the mitra's name.
    pub search: Option<String>,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OrderListItem {
    pub id: i64,
    pub number: String,
    pub status: OrderStatus,
    pub mitra_id: i64,
    pub mitra_name: String,
    pub stokis_id: i64,
    pub stokis_name: String,
    pub total: i64,
    pub created_at: DateTime<Utc>,
}

/// A page of orders, newest first, and the total count for the filter.
pub async fn list(
    conn: &mut PgConnection,
    actor: &Actor,
    filter: &OrderFilter,
) -> Result<(Vec<OrderListItem>, i64), DomainError> {
    let per_page = filter.per_page.clamp(1, 100) as i64;
    let page = filter.page.max(1) as i64;
    let scope = |qb: &mut QueryBuilder<Postgres>| {
        qb.push(" WHERE true");
        match actor.role {
            Role::Mitra => {
                qb.push(" AND o.mitra_id = ")
                    .push_bind(actor.mitra_id.unwrap_or(-1));
            }
            Role::Stokis => {
                qb.push(" AND o.stokis_id = ")
                    .push_bind(actor.stokis_id.unwrap_or(-1));
            }
            _ => {}
        }
        if let Some(s) = filter.status {
            qb.push(" AND o.status = ").push_bind(s.as_str());
        }
        if let Some(id) = filter.mitra_id {
            qb.push(" AND o.mitra_id = ").push_bind(id);
        }
        if let Some(id) = filter.stokis_id {
            qb.push(" AND o.stokis_id = ").push_bind(id);
        }
        if let Some(pattern) = filter.search.as_deref().and_then(like_pattern) {
            qb.push(" AND (o.number ILIKE ").push_bind(pattern.clone());
            qb.push(" OR m.name ILIKE ").push_bind(pattern).push(")");
        }
    };
    let (rows, total) = crate::listing::page(
        &mut *conn,
        "SELECT count(*) FROM orders o JOIN mitra m ON m.id = o.mitra_id",
        "SELECT o.id, o.number, o.status, o.mitra_id, m.name AS mitra_name, o.stokis_id, s.name AS stokis_name, o.total, o.created_at
         FROM orders o JOIN mitra m ON m.id = o.mitra_id JOIN stokis s ON s.id = o.stokis_id",
        scope,
        "o.created_at DESC, o.id DESC",
        per_page,
        (page - 1) * per_page,
    )
    .await?;
    Ok((rows, total))
}
