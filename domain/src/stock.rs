//! Stock on hand at the warehouse and at each stokis, changed only together with a
//! `stock_movements` row that says why.

use crate::error::DomainError;
use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, PgConnection};

/// Where stock is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Warehouse,
    Stokis(i64),
}

/// Why stock changed (the `stock_movements.reason` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    OrderShipped { order_id: i64 },
    PoShipped { purchase_order_id: i64 },
    PoReceived { purchase_order_id: i64 },
}

impl Reason {
    fn code(self) -> &'static str {
        match self {
            Reason::OrderShipped { .. } => "ORDER_SHIPPED",
            Reason::PoShipped { .. } => "PO_SHIPPED",
            Reason::PoReceived { .. } => "PO_RECEIVED",
        }
    }
    fn order_id(self) -> Option<i64> {
        match self {
            Reason::OrderShipped { order_id } => Some(order_id),
            _ => None,
        }
    }
    fn purchase_order_id(self) -> Option<i64> {
        match self {
            Reason::PoShipped { purchase_order_id } | Reason::PoReceived { purchase_order_id } => {
                Some(purchase_order_id)
            }
            _ => None,
        }
    }
}

/// Removes `lines` (product, qty) from a location, or fails with the first product short.
/// Rows are locked in product order so two concurrent shipments cannot deadlock.
pub async fn take(
    conn: &mut PgConnection,
    location: Location,
    lines: &[(i64, i64)],
    reason: Reason,
    actor: i64,
    at: DateTime<Utc>,
) -> Result<(), DomainError> {
    let mut lines = lines.to_vec();
    lines.sort_unstable();
    let ids: Vec<i64> = lines.iter().map(|l| l.0).collect();
    let on_hand: Vec<(i64, i64, String)> = match location {
        Location::Warehouse => {
            sqlx::query_as(
                "SELECT s.product_id, s.qty, p.name FROM warehouse_stock s JOIN products p ON p.id = s.product_id
                 WHERE s.product_id = ANY($1) ORDER BY s.product_id FOR UPDATE OF s",
            )
            .bind(&ids)
            .fetch_all(&mut *conn)
            .await?
        }
        Location::Stokis(stokis_id) => {
            sqlx::query_as(
                "SELECT s.product_id, s.qty, p.name FROM stokis_stock s JOIN products p ON p.id = s.product_id
                 WHERE s.stokis_id = $1 AND s.product_id = ANY($2) ORDER BY s.product_id FOR UPDATE OF s",
            )
            .bind(stokis_id)
            .bind(&ids)
            .fetch_all(&mut *conn)
            .await?
        }
    };
    for &(product_id, qty) in &lines {
        let found = on_hand.iter().find(|r| r.0 == product_id);
        let available = found.map(|r| r.1).unwrap_or(0);
        if available < qty {
            let product = match found {
                Some(r) => r.2.clone(),
                None => product_name(conn, product_id).await?,
            };
            return Err(DomainError::InsufficientStock {
                product,
                available,
                requested: qty,
            });
        }
    }
    let deltas: Vec<i64> = lines.iter().map(|l| -l.1).collect();
    apply(conn, location, &ids, &deltas, reason, actor, at).await
}

/// Adds `lines` to a location, creating the stock row when the product is new there.
pub async fn add(
    conn: &mut PgConnection,
    location: Location,
    lines: &[(i64, i64)],
    reason: Reason,
    actor: i64,
    at: DateTime<Utc>,
) -> Result<(), DomainError> {
    let mut lines = lines.to_vec();
    lines.sort_unstable();
    let ids: Vec<i64> = lines.iter().map(|l| l.0).collect();
    let deltas: Vec<i64> = lines.iter().map(|l| l.1).collect();
    match location {
        Location::Warehouse => {
            sqlx::query(
                "INSERT INTO warehouse_stock (product_id, qty)
                 SELECT * FROM UNNEST($1::bigint[], $2::bigint[]) ON CONFLICT (product_id) DO NOTHING",
            )
            .bind(&ids)
            .bind(vec![0i64; ids.len()])
            .execute(&mut *conn)
            .await?;
        }
        Location::Stokis(stokis_id) => {
            sqlx::query(
                "INSERT INTO stokis_stock (stokis_id, product_id, qty)
                 SELECT $1, p, 0 FROM UNNEST($2::bigint[]) AS p ON CONFLICT (stokis_id, product_id) DO NOTHING",
            )
            .bind(stokis_id)
            .bind(&ids)
            .execute(&mut *conn)
            .await?;
        }
    }
    apply(conn, location, &ids, &deltas, reason, actor, at).await
}

async fn apply(
    conn: &mut PgConnection,
    location: Location,
    ids: &[i64],
    deltas: &[i64],
    reason: Reason,
    actor: i64,
    at: DateTime<Utc>,
) -> Result<(), DomainError> {
    // One statement updates the balances and writes the ledger rows from the new balances.
    let (table_update, loc, stokis_id) = match location {
        Location::Warehouse => (
            "UPDATE warehouse_stock s SET qty = s.qty + d.delta, updated_at = $3
             FROM UNNEST($1::bigint[], $2::bigint[]) AS d(product_id, delta)
             WHERE s.product_id = d.product_id
             RETURNING s.product_id, d.delta, s.qty",
            "WAREHOUSE",
            None,
        ),
        Location::Stokis(id) => (
            "UPDATE stokis_stock s SET qty = s.qty + d.delta, updated_at = $3
             FROM UNNEST($1::bigint[], $2::bigint[]) AS d(product_id, delta)
             WHERE s.product_id = d.product_id AND s.stokis_id = $4
             RETURNING s.product_id, d.delta, s.qty",
            "STOKIS",
            Some(id),
        ),
    };
    let sql = format!(
        "WITH changed AS ({table_update})
         INSERT INTO stock_movements (location, stokis_id, product_id, delta, balance_after, reason,
                                      order_id, purchase_order_id, created_by, created_at)
         SELECT $5, $6, product_id, delta, qty, $7, $8, $9, $10, $3 FROM changed"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(ids)
        .bind(deltas)
        .bind(at)
        .bind(stokis_id.unwrap_or_default())
        .bind(loc)
        .bind(stokis_id)
        .bind(reason.code())
        .bind(reason.order_id())
        .bind(reason.purchase_order_id())
        .bind(actor)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if rows != ids.len() as u64 {
        return Err(DomainError::Conflict(
            "stok berubah saat diproses; coba lagi".into(),
        ));
    }
    Ok(())
}

async fn product_name(conn: &mut PgConnection, product_id: i64) -> Result<String, DomainError> {
    let name: Option<String> = sqlx::query_scalar("SELECT name FROM products WHERE id = $1")
        .bind(product_id)
        .fetch_optional(conn)
        .await?;
    Ok(name.unwrap_or_else(|| format!("produk #{product_id}")))
}
