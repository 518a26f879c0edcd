//! Reading invoices and their payments, only what the actor may see.

use super::{Invoice, InvoiceStatus, Payment};
use crate::actor::Actor;
use crate::error::DomainError;
use crate::role::Role;
use chrono::NaiveDate;
use sqlx::{AssertSqlSafe, PgConnection, Postgres, QueryBuilder};

const COLUMNS: &str = "i.id, i.number, i.purchase_order_id, p.number AS purchase_order_number, i.stokis_id,
    s.name AS stokis_name, i.issue_date, i.due_date, i.total, i.paid, (i.total - i.paid) AS balance, i.status,
    i.paid_at, i.created_at
    FROM invoices i JOIN purchase_orders p ON p.id = i.purchase_order_id JOIN stokis s ON s.id = i.stokis_id";

/// A stokis sees its own invoices; finance and pusat see all.
pub(crate) fn can_see(actor: &Actor, stokis_id: i64) -> bool {
    match actor.role {
        Role::Stokis => actor.stokis_id == Some(stokis_id),
        Role::Finance | Role::Pusat => true,
        Role::Mitra | Role::Gudang => false,
    }
}

pub(crate) async fn load(conn: &mut PgConnection, id: i64) -> Result<Invoice, DomainError> {
    sqlx::query_as(AssertSqlSafe(format!("SELECT {COLUMNS} WHERE i.id = $1")))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(DomainError::NotFound { entity: "invoice" })
}

pub async fn get(conn: &mut PgConnection, actor: &Actor, id: i64) -> Result<Invoice, DomainError> {
    let invoice = load(conn, id).await?;
    if !can_see(actor, invoice.stokis_id) {
        return Err(DomainError::NotFound { entity: "invoice" });
    }
    Ok(invoice)
}

pub async fn payments(
    conn: &mut PgConnection,
    actor: &Actor,
    invoice_id: i64,
) -> Result<Vec<Payment>, DomainError> {
    get(conn, actor, invoice_id).await?;
    Ok(sqlx::query_as(
        "SELECT id, invoice_id, amount, paid_on, method, reference, recorded_by, created_at
         FROM payments WHERE invoice_id = $1 ORDER BY paid_on, id",
    )
    .bind(invoice_id)
    .fetch_all(conn)
    .await?)
}

#[derive(Debug, Clone, Default)]
pub struct InvoiceFilter {
    pub status: Option<InvoiceStatus>,
    pub stokis_id: Option<i64>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
    pub page: u32,
    pub per_page: u32,
}

pub async fn list(
    conn: &mut PgConnection,
    actor: &Actor,
    filter: &InvoiceFilter,
) -> Result<(Vec<Invoice>, i64), DomainError> {
    if matches!(actor.role, Role::Mitra | Role::Gudang) {
        return Ok((Vec::new(), 0));
    }
    let per_page = filter.per_page.clamp(1, 100) as i64;
    let page = filter.page.max(1) as i64;
    let scope = |qb: &mut QueryBuilder<Postgres>| {
        qb.push(" WHERE true");
        if actor.role == Role::Stokis {
            qb.push(" AND i.stokis_id = ")
                .push_bind(actor.stokis_id.unwrap_or(-1));
        }
        if let Some(s) = filter.status {
            qb.push(" AND i.status = ").push_bind(s.as_str());
        }
        if let Some(id) = filter.stokis_id {
            qb.push(" AND i.stokis_id = ").push_bind(id);
        }
        if let Some(d) = filter.due_from {
            qb.push(" AND i.due_date >= ").push_bind(d);
        }
        if let Some(d) = filter.due_to {
            qb.push(" AND i.due_date <= ").push_bind(d);
        }
    };
    let (rows, total) = crate::listing::page(
        &mut *conn,
        "SELECT count(*) FROM invoices i JOIN purchase_orders p ON p.id = i.purchase_order_id JOIN stokis s ON s.id = i.stokis_id",
        &format!("SELECT {COLUMNS}"),
        scope,
        "i.issue_date DESC, i.id DESC",
        per_page,
        (page - 1) * per_page,
    )
    .await?;
    Ok((rows, total))
}
