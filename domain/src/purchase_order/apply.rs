//! Moving a purchase order through its states. Approval runs credit control; shipping takes
//! warehouse stock and issues the invoice; receipt puts the goods into the stokis's stock.

use super::query::{can_see, load};
use super::{PoAction, PoStatus, PurchaseOrder, credit};
use crate::actor::Actor;
use crate::clock::Clock;
use crate::error::DomainError;
use crate::history::{self, Entity};
use crate::input::check_reason;
use crate::invoice;
use crate::stock::{self, Location, Reason};
use crate::transition::{self, Refusal};
use jobs::Notification;
use sqlx::{AssertSqlSafe, PgConnection};

struct Locked {
    stokis_id: i64,
    status: PoStatus,
    total: i64,
}

async fn lock_and_check(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
    action: PoAction,
) -> Result<(Locked, PoStatus), DomainError> {
    let row: Option<(i64, PoStatus, i64)> = sqlx::query_as(
        "SELECT stokis_id, status, total FROM purchase_orders WHERE id = $1 FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let (stokis_id, status, total) = row.ok_or(DomainError::NotFound { entity: "PO" })?;
    if !can_see(actor, stokis_id) {
        return Err(DomainError::NotFound { entity: "PO" });
    }
    match transition::purchase_order(status, action, actor.role) {
        Ok(to) => Ok((
            Locked {
                stokis_id,
                status,
                total,
            },
            to,
        )),
        Err(Refusal::WrongRole) => Err(DomainError::Forbidden(format!(
            "peran {} tidak bisa {}",
            actor.role,
            action.verb()
        ))),
        Err(Refusal::WrongState) => Err(DomainError::InvalidTransition {
            action: action.verb(),
            from: status.label().into(),
        }),
    }
}

/// Finance approves a PO. Over the credit limit, or with an invoice more than 30 days late,
/// approval needs an override reason, which is recorded on the PO and in its history.
pub async fn approve(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    id: i64,
    override_reason: Option<&str>,
) -> Result<PurchaseOrder, DomainError> {
    let (po, to) = lock_and_check(conn, actor, id, PoAction::Approve).await?;
    // Lock the stokis row so two approvals for one stokis cannot both fit under the same limit.
    sqlx::query("SELECT id FROM stokis WHERE id = $1 FOR UPDATE")
        .bind(po.stokis_id)
        .execute(&mut *conn)
        .await?;
    let position = credit::position(conn, po.stokis_id, clock.today()).await?;
    let override_reason = match position.blocks(po.total) {
        None => None,
        Some(why) => match override_reason.map(str::trim).filter(|r| !r.is_empty()) {
            None => {
                return Err(DomainError::CreditBlocked(format!(
                    "PO tidak bisa disetujui: {why}"
                )));
            }
            Some(reason) => Some(check_reason("override_reason", Some(reason))?),
        },
    };
    let now = clock.now();
    sqlx::query(
        "UPDATE purchase_orders SET status = $2, approved_by = $3, approved_at = $4, updated_at = $4,
                credit_override_reason = $5 WHERE id = $1",
    )
    .bind(id)
    .bind(to.as_str())
    .bind(actor.user_id)
    .bind(now)
    .bind(override_reason.as_deref())
    .execute(&mut *conn)
    .await?;
    let note = override_reason
        .as_deref()
        .map(|r| format!("override kredit: {r}"));
    history::record(
        conn,
        Entity::PurchaseOrder,
        id,
        Some(po.status.as_str()),
        to.as_str(),
        Some(actor.user_id),
        note.as_deref(),
        now,
    )
    .await?;
    jobs::enqueue(
        conn,
        &[Notification::PurchaseOrderApproved {
            purchase_order_id: id,
        }],
    )
    .await?;
    load(conn, id).await
}

/// Every other PO action: reject (with reason), cancel, ship, receive.
pub async fn apply(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    id: i64,
    action: PoAction,
    reason: Option<&str>,
) -> Result<PurchaseOrder, DomainError> {
    if action == PoAction::Approve {
        return approve(conn, actor, clock, id, reason).await;
    }
    let (po, to) = lock_and_check(conn, actor, id, action).await?;
    let reason = match action {
        PoAction::Reject => Some(check_reason("reason", reason)?),
        _ => None,
    };
    let now = clock.now();
    let items: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT product_id, qty::bigint FROM purchase_order_items WHERE purchase_order_id = $1",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;

    let mut events = Vec::new();
    let update = match action {
        PoAction::Reject => "status = $2, reject_reason = $3, closed_at = $4",
        PoAction::Cancel => "status = $2, closed_at = $4",
        PoAction::Ship => {
            stock::take(
                conn,
                Location::Warehouse,
                &items,
                Reason::PoShipped {
                    purchase_order_id: id,
                },
                actor.user_id,
                now,
            )
            .await?;
            "status = $2, shipped_at = $4, shipped_by = $5"
        }
        PoAction::Receive => {
            stock::add(
                conn,
                Location::Stokis(po.stokis_id),
                &items,
                Reason::PoReceived {
                    purchase_order_id: id,
                },
                actor.user_id,
                now,
            )
            .await?;
            "status = $2, received_at = $4"
        }
        // handed to `approve` at the top of this function
        PoAction::Approve => unreachable!("approve is handled by approve()"),
    };
    sqlx::query(AssertSqlSafe(format!(
        "UPDATE purchase_orders SET {update}, updated_at = $4 WHERE id = $1"
    )))
    .bind(id)
    .bind(to.as_str())
    .bind(reason.as_deref())
    .bind(now)
    .bind(actor.user_id)
    .execute(&mut *conn)
    .await?;
    history::record(
        conn,
        Entity::PurchaseOrder,
        id,
        Some(po.status.as_str()),
        to.as_str(),
        Some(actor.user_id),
        reason.as_deref(),
        now,
    )
    .await?;
    match action {
        PoAction::Reject => events.push(Notification::PurchaseOrderRejected {
            purchase_order_id: id,
        }),
        PoAction::Ship => {
            let invoice_id = invoice::issue(conn, clock, id, po.stokis_id, po.total).await?;
            events.push(Notification::PurchaseOrderShipped {
                purchase_order_id: id,
            });
            events.push(Notification::InvoiceCreated { invoice_id });
        }
        _ => {}
    }
    jobs::enqueue(conn, &events).await?;
    load(conn, id).await
}
