//! Step 1 of the invoice run: UNPAID invoices past their due date become OVERDUE, with a
//! history row by the system.

use super::NotifyError;
use crate::clock::{format_date_id, month_abbr_id};
use crate::history::Entity;
use crate::transition::{self, By, InvoiceAction, InvoiceStatus};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

/// Step 1: UNPAID and past due → OVERDUE, each with a history row by the system.
///
/// One statement for all of them: the update feeds the history insert, so marking half a
/// million invoices costs about what the bare `UPDATE` costs, not a million round trips. The
/// state machine still decides: the one transition it allows here is applied to every row. The
/// note reads like `format_date_id` (the month names are bound, not repeated in SQL).
pub(super) async fn mark_overdue(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    as_of: NaiveDate,
    run_date: NaiveDate,
) -> Result<i32, NotifyError> {
    let from = InvoiceStatus::Unpaid;
    let Ok(to) = transition::invoice(from, InvoiceAction::MarkOverdue, By::System) else {
        return Ok(0);
    };
    let months: Vec<&str> = (1..=12).map(month_abbr_id).collect();
    let marked = sqlx::query(
        "WITH marked AS (
             UPDATE invoices SET status = $3, updated_at = $4
             WHERE status = $2 AND due_date < $1
             RETURNING id, due_date)
         INSERT INTO status_history (entity, entity_id, from_status, to_status, actor_id, note, at)
         SELECT $5, id, $2, $3, NULL,
                'jatuh tempo ' || extract(day FROM due_date)::int || ' '
                    || ($6::text[])[extract(month FROM due_date)::int] || ' '
                    || extract(year FROM due_date)::int
                    || ' terlewati (run harian ' || $7 || ')',
                $4
         FROM marked ORDER BY id",
    )
    .bind(as_of)
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(now)
    .bind(Entity::Invoice.as_str())
    .bind(months)
    .bind(format_date_id(run_date))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(i32::try_from(marked).unwrap_or(i32::MAX))
}
