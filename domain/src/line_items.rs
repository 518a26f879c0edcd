//! The lines of many orders or purchase orders at once, so a list page carries each record's
//! items with one query instead of one per record.

use std::collections::HashMap;

use sqlx::PgConnection;

use crate::order::OrderItem;
use crate::purchase_order::PoItem;

#[derive(sqlx::FromRow)]
struct OrderLine {
    order_id: i64,
    #[sqlx(flatten)]
    item: OrderItem,
}

#[derive(sqlx::FromRow)]
struct PoLine {
    purchase_order_id: i64,
    #[sqlx(flatten)]
    item: PoItem,
}

/// The items of each of the given orders (callers pass ids they may already see).
pub async fn of_orders(
    conn: &mut PgConnection,
    order_ids: &[i64],
) -> Result<HashMap<i64, Vec<OrderItem>>, sqlx::Error> {
    let rows: Vec<OrderLine> = sqlx::query_as(
        "SELECT i.order_id, i.product_id, p.sku, p.name, p.unit, i.qty, i.unit_price, i.subtotal
         FROM order_items i JOIN products p ON p.id = i.product_id
         WHERE i.order_id = ANY($1) ORDER BY i.order_id, p.name",
    )
    .bind(order_ids)
    .fetch_all(conn)
    .await?;
    let mut by_order: HashMap<i64, Vec<OrderItem>> = HashMap::new();
    for row in rows {
        by_order.entry(row.order_id).or_default().push(row.item);
    }
    Ok(by_order)
}

/// The items of each of the given purchase orders.
pub async fn of_purchase_orders(
    conn: &mut PgConnection,
    purchase_order_ids: &[i64],
) -> Result<HashMap<i64, Vec<PoItem>>, sqlx::Error> {
    let rows: Vec<PoLine> = sqlx::query_as(
        "SELECT i.purchase_order_id, i.product_id, p.sku, p.name, p.unit, i.qty, i.unit_price, i.subtotal
         FROM purchase_order_items i JOIN products p ON p.id = i.product_id
         WHERE i.purchase_order_id = ANY($1) ORDER BY i.purchase_order_id, p.name",
    )
    .bind(purchase_order_ids)
    .fetch_all(conn)
    .await?;
    let mut by_po: HashMap<i64, Vec<PoItem>> = HashMap::new();
    for row in rows {
        by_po
            .entry(row.purchase_order_id)
            .or_default()
            .push(row.item);
    }
    Ok(by_po)
}
