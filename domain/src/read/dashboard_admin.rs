//! The head-office overview: this month's figures (Asia/Jakarta calendar month up to now) —
//! mitra orders, purchase orders, invoices issued, payments received — and what stands open
//! today: overdue balance, POs waiting for approval or shipping. One round trip, each figure an
//! indexed range or status scan.

use crate::clock::{format_month_id, jakarta_start_of_day};
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;
use sqlx::PgConnection;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Figures {
    /// Orders placed this month, not cancelled or rejected.
    pub orders_count: i64,
    pub orders_value: i64,
    /// POs submitted this month, not cancelled or rejected.
    pub po_count: i64,
    pub po_value: i64,
    pub invoices_count: i64,
    pub invoices_value: i64,
    pub payments_count: i64,
    pub payments_value: i64,
    /// Balance of invoices past their due date as of today, and how many.
    pub overdue_balance: i64,
    pub overdue_count: i64,
    /// Every unpaid balance, due or not.
    pub outstanding_balance: i64,
    pub po_waiting_approval: i64,
    pub po_waiting_approval_value: i64,
    pub po_to_ship: i64,
    pub po_to_ship_value: i64,
    pub active_stokis: i64,
    pub active_mitra: i64,
    pub active_products: i64,
    pub active_users: i64,
    /// Unpaid invoices, due or not.
    pub outstanding_count: i64,
    /// Products whose approved, unshipped POs need more than the warehouse holds.
    pub short_products: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    /// `November 2026`.
    pub month: String,
    pub month_start: NaiveDate,
    pub today: NaiveDate,
    pub figures: Figures,
}

/// The first day of `today`'s month and of the next.
pub fn month_bounds(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let start = today.with_day(1).unwrap_or(today);
    let next = start.checked_add_months(Months::new(1)).unwrap_or(start);
    (start, next)
}

pub async fn overview(conn: &mut PgConnection, today: NaiveDate) -> Result<Overview, sqlx::Error> {
    let (start, next) = month_bounds(today);
    let (from, to) = (jakarta_start_of_day(start), jakarta_start_of_day(next));
    let figures: Figures = sqlx::query_as(
        "SELECT o.orders_count, o.orders_value, po.po_count, po.po_value,
                inv.invoices_count, inv.invoices_value, pay.payments_count, pay.payments_value,
                od.overdue_balance, od.overdue_count, op.outstanding_balance,
                q.po_waiting_approval, q.po_waiting_approval_value, q.po_to_ship, q.po_to_ship_value,
                (SELECT count(*) FROM stokis WHERE active) AS active_stokis,
                (SELECT count(*) FROM mitra WHERE active) AS active_mitra,
                (SELECT count(*) FROM products WHERE active) AS active_products,
                (SELECT count(*) FROM users WHERE active) AS active_users,
                op.outstanding_count,
                (SELECT count(*) FROM (
                     SELECT it.product_id, sum(it.qty) AS qty
                     FROM purchase_orders p JOIN purchase_order_items it ON it.purchase_order_id = p.id
                     WHERE p.status = 'APPROVED' GROUP BY it.product_id
                 ) c LEFT JOIN warehouse_stock w ON w.product_id = c.product_id
                 WHERE c.qty > COALESCE(w.qty, 0)) AS short_products
         FROM (SELECT count(*) AS orders_count, COALESCE(sum(total), 0)::bigint AS orders_value
               FROM orders WHERE created_at >= $1 AND created_at < $2
                 AND status NOT IN ('CANCELLED', 'REJECTED')) o,
              (SELECT count(*) AS po_count, COALESCE(sum(total), 0)::bigint AS po_value
               FROM purchase_orders WHERE created_at >= $1 AND created_at < $2
                 AND status NOT IN ('CANCELLED', 'REJECTED')) po,
              (SELECT count(*) AS invoices_count, COALESCE(sum(total), 0)::bigint AS invoices_value
               FROM invoices WHERE issue_date >= $3 AND issue_date < $4) inv,
              (SELECT count(*) AS payments_count, COALESCE(sum(amount), 0)::bigint AS payments_value
               FROM payments WHERE paid_on >= $3 AND paid_on < $4) pay,
              (SELECT COALESCE(sum(total - paid), 0)::bigint AS overdue_balance, count(*) AS overdue_count
               FROM invoices WHERE status <> 'PAID' AND due_date < $5) od,
              (SELECT COALESCE(sum(total - paid), 0)::bigint AS outstanding_balance, count(*) AS outstanding_count
               FROM invoices WHERE status <> 'PAID') op,
              (SELECT count(*) FILTER (WHERE status = 'SUBMITTED') AS po_waiting_approval,
                      COALESCE(sum(total) FILTER (WHERE status = 'SUBMITTED'), 0)::bigint AS po_waiting_approval_value,
                      count(*) FILTER (WHERE status = 'APPROVED') AS po_to_ship,
                      COALESCE(sum(total) FILTER (WHERE status = 'APPROVED'), 0)::bigint AS po_to_ship_value
               FROM purchase_orders WHERE status IN ('SUBMITTED', 'APPROVED')) q",
    )
    .bind(from)
    .bind(to)
    .bind(start)
    .bind(next)
    .bind(today)
    .fetch_one(conn)
    .await?;
    Ok(Overview {
        month: format_month_id(start.year(), start.month()),
        month_start: start,
        today,
        figures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_bounds_cover_the_calendar_month() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            month_bounds(d(2026, 11, 28)),
            (d(2026, 11, 1), d(2026, 12, 1))
        );
        assert_eq!(
            month_bounds(d(2026, 12, 31)),
            (d(2026, 12, 1), d(2027, 1, 1))
        );
    }
}
