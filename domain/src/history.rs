//! The `status_history` ledger: one row per transition, with who made it and why.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgConnection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Order,
    PurchaseOrder,
    Invoice,
}

impl Entity {
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Order => "ORDER",
            Entity::PurchaseOrder => "PURCHASE_ORDER",
            Entity::Invoice => "INVOICE",
        }
    }
}

/// Records one transition; `from` is `None` for the creation of the record, `actor` is `None`
/// for the system (the daily run).
pub async fn record(
    conn: &mut PgConnection,
    entity: Entity,
    entity_id: i64,
    from: Option<&str>,
    to: &str,
    actor: Option<i64>,
    note: Option<&str>,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO status_history (entity, entity_id, from_status, to_status, actor_id, note, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(entity.as_str())
    .bind(entity_id)
    .bind(from)
    .bind(to)
    .bind(actor)
    .bind(note)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// One line of a record's history, for detail pages and the API.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct HistoryEntry {
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

pub async fn of(
    conn: &mut PgConnection,
    entity: Entity,
    entity_id: i64,
) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    sqlx::query_as(
        "SELECT h.from_status, h.to_status, h.actor_id, u.name AS actor_name, h.note, h.at
         FROM status_history h LEFT JOIN users u ON u.id = h.actor_id
         WHERE h.entity = $1 AND h.entity_id = $2
         ORDER BY h.at, h.id",
    )
    .bind(entity.as_str())
    .bind(entity_id)
    .fetch_all(conn)
    .await
}
