//! Issuing the invoice for a shipped purchase order: gapless number, due date from the
//! stokis's payment terms counted from the ship date (Asia/Jakarta).

use crate::clock::Clock;
use crate::error::DomainError;
use crate::history::{self, Entity};
use crate::numbering;
use chrono::Duration;
use sqlx::PgConnection;

/// Issues the invoice on the caller's transaction (the shipping one) and returns its id.
pub async fn issue(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    purchase_order_id: i64,
    stokis_id: i64,
    total: i64,
) -> Result<i64, DomainError> {
    let terms: i32 = sqlx::query_scalar("SELECT payment_terms_days FROM stokis WHERE id = $1")
        .bind(stokis_id)
        .fetch_one(&mut *conn)
        .await?;
    let issue_date = clock.today();
    let due_date = issue_date + Duration::days(i64::from(terms));
    let number = numbering::next_invoice_number(conn, issue_date).await?;
    let now = clock.now();
    // A zero-total PO (free goods) is settled the moment it is invoiced.
    let (status, paid_at) = if total == 0 {
        ("PAID", Some(now))
    } else {
        ("UNPAID", None)
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO invoices (number, purchase_order_id, stokis_id, issue_date, due_date, total, status, paid_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(&number)
    .bind(purchase_order_id)
    .bind(stokis_id)
    .bind(issue_date)
    .bind(due_date)
    .bind(total)
    .bind(status)
    .bind(paid_at)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    history::record(conn, Entity::Invoice, id, None, status, None, None, now).await?;
    Ok(id)
}
