//! Records shown beside another on a detail page: the other party of an order (the mitra for
//! its stokis, the stokis for its mitra) and the invoice of a purchase order. Each checks that
//! the actor may see the record it hangs off.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::PgConnection;

use crate::actor::Actor;
use crate::error::DomainError;
use crate::role::Role;
use crate::transition::InvoiceStatus;

/// Who is on the other side: name, place and how to reach them.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Party {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// The owner (mitra) or empty (stokis).
    pub contact: String,
    pub phone: Option<String>,
    pub city: String,
    pub address: String,
}

#[derive(sqlx::FromRow)]
struct OrderParty {
    order_mitra_id: i64,
    order_stokis_id: i64,
    #[sqlx(flatten)]
    party: Party,
}

/// The mitra an order comes from, for the stokis it is sent to (or head office).
pub async fn mitra_of_order(
    conn: &mut PgConnection,
    actor: &Actor,
    order_id: i64,
) -> Result<Party, DomainError> {
    let row: Option<OrderParty> = sqlx::query_as(
        "SELECT o.mitra_id AS order_mitra_id, o.stokis_id AS order_stokis_id, m.id, m.code, m.name,
                m.owner_name AS contact, m.phone, m.city, m.address
         FROM orders o JOIN mitra m ON m.id = o.mitra_id WHERE o.id = $1",
    )
    .bind(order_id)
    .fetch_optional(&mut *conn)
    .await?;
    visible_party(actor, row)
}

/// The stokis an order is sent to, for the mitra that placed it (or head office).
pub async fn stokis_of_order(
    conn: &mut PgConnection,
    actor: &Actor,
    order_id: i64,
) -> Result<Party, DomainError> {
    let row: Option<OrderParty> = sqlx::query_as(
        "SELECT o.mitra_id AS order_mitra_id, o.stokis_id AS order_stokis_id, s.id, s.code, s.name,
                '' AS contact, s.phone, s.city, s.address
         FROM orders o JOIN stokis s ON s.id = o.stokis_id WHERE o.id = $1",
    )
    .bind(order_id)
    .fetch_optional(&mut *conn)
    .await?;
    visible_party(actor, row)
}

fn visible_party(actor: &Actor, row: Option<OrderParty>) -> Result<Party, DomainError> {
    match row {
        Some(r) if may_see_order(actor, r.order_mitra_id, r.order_stokis_id) => Ok(r.party),
        _ => Err(DomainError::NotFound { entity: "order" }),
    }
}

fn may_see_order(actor: &Actor, mitra_id: i64, stokis_id: i64) -> bool {
    match actor.role {
        Role::Mitra => actor.mitra_id == Some(mitra_id),
        Role::Stokis => actor.stokis_id == Some(stokis_id),
        Role::Pusat | Role::Finance | Role::Gudang => true,
    }
}

/// The invoice issued for a purchase order, as a link on the PO's page.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct InvoiceLink {
    pub id: i64,
    pub number: String,
    pub status: InvoiceStatus,
    pub due_date: NaiveDate,
    pub total: i64,
    pub balance: i64,
}

#[derive(sqlx::FromRow)]
struct PoInvoice {
    stokis_id: i64,
    #[sqlx(flatten)]
    link: InvoiceLink,
}

/// The invoice of a purchase order, when it has been shipped; `None` before that, or when the
/// actor may not see invoices (a stokis sees its own; finance and pusat all).
pub async fn invoice_of_purchase_order(
    conn: &mut PgConnection,
    actor: &Actor,
    purchase_order_id: i64,
) -> Result<Option<InvoiceLink>, DomainError> {
    let row: Option<PoInvoice> = sqlx::query_as(
        "SELECT stokis_id, id, number, status, due_date, total, (total - paid) AS balance
         FROM invoices WHERE purchase_order_id = $1",
    )
    .bind(purchase_order_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.and_then(|PoInvoice { stokis_id, link }| {
        let visible = match actor.role {
            Role::Stokis => actor.stokis_id == Some(stokis_id),
            Role::Finance | Role::Pusat => true,
            Role::Mitra | Role::Gudang => false,
        };
        visible.then_some(link)
    }))
}
