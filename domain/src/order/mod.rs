//! Orders from a mitra to the stokis that serves it: placing them, moving them through their
//! states, and reading them back for the people allowed to see them.

mod apply;
pub(crate) mod place;
pub(crate) mod query;

pub use crate::transition::{OrderAction, OrderStatus};
pub use apply::apply;
pub use place::{NewOrder, Placed, place};
pub use query::{OrderFilter, OrderListItem, get, list};

use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Order {
    pub id: i64,
    pub number: String,
    pub mitra_id: i64,
    pub stokis_id: i64,
    pub status: OrderStatus,
    pub total: i64,
    pub note: String,
    pub reject_reason: Option<String>,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[sqlx(skip)]
    pub items: Vec<OrderItem>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OrderItem {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub qty: i32,
    pub unit_price: i64,
    pub subtotal: i64,
}

pub(crate) const ORDER_COLUMNS: &str = "o.id, o.number, o.mitra_id, o.stokis_id, o.status, o.total, o.note, o.reject_reason, o.created_by, o.created_at, o.updated_at";

pub(crate) async fn items(
    conn: &mut sqlx::PgConnection,
    order_id: i64,
) -> Result<Vec<OrderItem>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.product_id, p.sku, p.name, p.unit, i.qty, i.unit_price, i.subtotal
         FROM order_items i JOIN products p ON p.id = i.product_id
         WHERE i.order_id = $1 ORDER BY p.name",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await
}
