//! Reading purchase orders: one with its items, or a filtered page, only what the actor may see.

use super::{PoItem, PoStatus, PurchaseOrder};
use crate::actor::Actor;
use crate::error::DomainError;
use crate::listing::like_pattern;
use crate::role::Role;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, Postgres, QueryBuilder};

/// A stokis sees its own POs; head-office staff see all; mitra none.
pub(crate) fn can_see(actor: &Actor, stokis_id: i64) -> bool {
    match actor.role {
        Role::Stokis => actor.stokis_id == Some(stokis_id),
        Role::Pusat | Role::Finance | Role::Gudang => true,
        Role::Mitra => false,
    }
}

pub(crate) async fn load(conn: &mut PgConnection, id: i64) -> Result<PurchaseOrder, DomainError> {
    let mut po: PurchaseOrder = sqlx::query_as(
        "SELECT id, number, stokis_id, status, total, note, reject_reason, credit_override_reason, created_by,
                created_at, updated_at, approved_at, shipped_at, received_at
         FROM purchase_orders WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(DomainError::NotFound { entity: "PO" })?;
    po.items = sqlx::query_as::<_, PoItem>(
        "SELECT i.product_id, p.sku, p.name, p.unit, i.qty, i.unit_price, i.subtotal
         FROM purchase_order_items i JOIN products p ON p.id = i.product_id
         WHERE i.purchase_order_id = $1 ORDER BY p.name",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(po)
}

pub async fn get(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
) -> Result<PurchaseOrder, DomainError> {
    let po = load(conn, id).await?;
    if !can_see(actor, po.stokis_id) {
        return Err(DomainError::NotFound { entity: "PO" });
    }
    Ok(po)
}

#[derive(Debug, Clone, Default)]
pub struct PoFilter {
    pub status: Option<PoStatus>,
    pub stokis_id: Option<i64>,
    pub search: Option<String>,
    pub page: u32,
    pub per_page: u32,
    /// Oldest first (work queues) instead of newest first.
    pub oldest_first: bool,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PoListItem {
    pub id: i64,
    pub number: String,
    pub status: PoStatus,
    pub stokis_id: i64,
    pub stokis_name: String,
    pub total: i64,
    pub created_at: DateTime<Utc>,
}

pub async fn list(
    conn: &mut PgConnection,
    actor: &Actor,
    filter: &PoFilter,
) -> Result<(Vec<PoListItem>, i64), DomainError> {
    if actor.role == Role::Mitra {
        return Ok((Vec::new(), 0));
    }
    let per_page = filter.per_page.clamp(1, 100) as i64;
    let page = filter.page.max(1) as i64;
    let scope = |qb: &mut QueryBuilder<Postgres>| {
        qb.push(" WHERE true");
        if actor.role == Role::Stokis {
            qb.push(" AND p.stokis_id = ")
                .push_bind(actor.stokis_id.unwrap_or(-1));
        }
        if let Some(s) = filter.status {
            qb.push(" AND p.status = ").push_bind(s.as_str());
        }
        if let Some(id) = filter.stokis_id {
            qb.push(" AND p.stokis_id = ").push_bind(id);
        }
        if let Some(pattern) = filter.search.as_deref().and_then(like_pattern) {
            qb.push(" AND (p.number ILIKE ").push_bind(pattern.clone());
            qb.push(" OR s.name ILIKE ").push_bind(pattern).push(")");
        }
    };
    let dir = if filter.oldest_first { "ASC" } else { "DESC" };
    let (rows, total) = crate::listing::page(
        &mut *conn,
        "SELECT count(*) FROM purchase_orders p JOIN stokis s ON s.id = p.stokis_id",
        "SELECT p.id, p.number, p.status, p.stokis_id, s.name AS stokis_name, p.total, p.created_at
         FROM purchase_orders p JOIN stokis s ON s.id = p.stokis_id",
        scope,
        &format!("p.created_at {dir}, p.id {dir}"),
        per_page,
        (page - 1) * per_page,
    )
    .await?;
    Ok((rows, total))
}
