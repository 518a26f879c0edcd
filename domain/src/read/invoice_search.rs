//! Finding invoices for head office (finance, pusat): by state computed from due date and
//! balance (open, late, paid), stokis, due-date range and number, a page at a time, with the
//! days each is past due. The stored OVERDUE flag is only the daily run's bookkeeping; "late"
//! here is `due_date < today` with a balance, so the list never disagrees with the aging page.

use crate::actor::Actor;
use crate::error::DomainError;
use crate::invoice::InvoiceStatus;
use crate::listing::like_pattern;
use crate::role::Role;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::{PgConnection, Postgres, QueryBuilder};

/// Which invoices, by what is owed as of today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Standing {
    #[default]
    All,
    /// A balance remains (due or not).
    Open,
    /// A balance remains and the due date has passed.
    Late,
    /// A balance remains and the due date has not passed.
    NotDue,
    Paid,
}

impl Standing {
    pub const ALL: [Standing; 5] = [
        Standing::All,
        Standing::Open,
        Standing::Late,
        Standing::NotDue,
        Standing::Paid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Standing::All => "",
            Standing::Open => "open",
            Standing::Late => "late",
            Standing::NotDue => "not_due",
            Standing::Paid => "paid",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Standing::All => "Semua",
            Standing::Open => "Belum lunas",
            Standing::Late => "Lewat jatuh tempo",
            Standing::NotDue => "Belum jatuh tempo",
            Standing::Paid => "Lunas",
        }
    }

    /// From a query parameter; anything unknown is "all".
    pub fn parse(s: &str) -> Standing {
        Standing::ALL
            .into_iter()
            .find(|x| x.as_str() == s.trim())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Default)]
pub struct InvoiceSearch {
    pub standing: Standing,
    pub stokis_id: Option<i64>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
    /// Part of the invoice or PO number.
    pub number: Option<String>,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct InvoiceLine {
    pub id: i64,
    pub number: String,
    pub purchase_order_id: i64,
    pub purchase_order_number: String,
    pub stokis_id: i64,
    pub stokis_code: String,
    pub stokis_name: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub total: i64,
    pub paid: i64,
    pub balance: i64,
    pub status: InvoiceStatus,
    /// Days past due as of today; 0 when paid or not yet due.
    pub days_late: i64,
    pub paid_at: Option<DateTime<Utc>>,
}

/// A page of invoices and the number matching; finance and pusat only (others see none).
pub async fn search(
    conn: &mut PgConnection,
    actor: &Actor,
    today: NaiveDate,
    q: &InvoiceSearch,
) -> Result<(Vec<InvoiceLine>, i64), DomainError> {
    if !matches!(actor.role, Role::Finance | Role::Pusat) {
        return Ok((Vec::new(), 0));
    }
    let per_page = i64::from(q.per_page.clamp(1, 100));
    let page = i64::from(q.page.max(1));
    let scope = |qb: &mut QueryBuilder<Postgres>| {
        qb.push(" WHERE true");
        match q.standing {
            Standing::All => {}
            Standing::Open => {
                qb.push(" AND i.status <> 'PAID'");
            }
            Standing::Late => {
                qb.push(" AND i.status <> 'PAID' AND i.due_date < ")
                    .push_bind(today);
            }
            Standing::NotDue => {
                qb.push(" AND i.status <> 'PAID' AND i.due_date >= ")
                    .push_bind(today);
            }
            Standing::Paid => {
                qb.push(" AND i.status = 'PAID'");
            }
        }
        if let Some(id) = q.stokis_id {
            qb.push(" AND i.stokis_id = ").push_bind(id);
        }
        if let Some(d) = q.due_from {
            qb.push(" AND i.due_date >= ").push_bind(d);
        }
        if let Some(d) = q.due_to {
            qb.push(" AND i.due_date <= ").push_bind(d);
        }
        if let Some(p) = q.number.as_deref().and_then(like_pattern) {
            qb.push(" AND (i.number ILIKE ").push_bind(p.clone());
            qb.push(" OR p.number ILIKE ").push_bind(p).push(")");
        }
    };
    let from = " FROM invoices i JOIN purchase_orders p ON p.id = i.purchase_order_id JOIN stokis s ON s.id = i.stokis_id";
    // The joins never change the count (foreign keys); the PO is only needed to search its number.
    let count_from = if q.number.as_deref().is_some_and(|n| !n.trim().is_empty()) {
        " FROM invoices i JOIN purchase_orders p ON p.id = i.purchase_order_id"
    } else {
        " FROM invoices i"
    };
    let mut count = QueryBuilder::new(format!("SELECT count(*){count_from}"));
    scope(&mut count);
    let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;
    let mut qb = QueryBuilder::new(
        "SELECT i.id, i.number, i.purchase_order_id, p.number AS purchase_order_number, i.stokis_id,
                s.code AS stokis_code, s.name AS stokis_name, i.issue_date, i.due_date, i.total, i.paid,
                (i.total - i.paid) AS balance, i.status,
                CASE WHEN i.status <> 'PAID' THEN GREATEST(",
    );
    qb.push_bind(today);
    qb.push("::date - i.due_date, 0) ELSE 0 END::bigint AS days_late, i.paid_at");
    qb.push(from);
    scope(&mut qb);
    // Open invoices are worked oldest due first; "all" and "paid" read like a ledger, newest first.
    let order = match q.standing {
        Standing::Open | Standing::Late | Standing::NotDue => " ORDER BY i.due_date, i.id",
        Standing::All | Standing::Paid => " ORDER BY i.issue_date DESC, i.id DESC",
    };
    qb.push(order);
    qb.push(" LIMIT ").push_bind(per_page);
    qb.push(" OFFSET ").push_bind((page - 1) * per_page);
    let rows = qb.build_query_as().fetch_all(&mut *conn).await?;
    Ok((rows, total))
}

/// The invoice issued for a purchase order, if it has been shipped.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct InvoiceRef {
    pub id: i64,
    pub number: String,
    pub status: InvoiceStatus,
    pub total: i64,
    pub paid: i64,
    pub due_date: NaiveDate,
}

pub async fn of_purchase_order(
    conn: &mut PgConnection,
    purchase_order_id: i64,
) -> Result<Option<InvoiceRef>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, number, status, total, paid, due_date FROM invoices WHERE purchase_order_id = $1",
    )
    .bind(purchase_order_id)
    .fetch_optional(conn)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standing_round_trips_and_defaults_to_all() {
        for s in Standing::ALL {
            assert_eq!(Standing::parse(s.as_str()), s);
        }
        assert_eq!(Standing::parse("<script>"), Standing::All);
    }
}
