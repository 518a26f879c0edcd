//! Moving an order through its states: confirm, reject, ship (stokis stock goes down),
//! deliver, cancel — each with its history row and notifications in the caller's transaction.

use super::query::{can_see, load};
use super::{Order, OrderAction, OrderStatus};
use crate::actor::Actor;
use crate::clock::Clock;
use crate::error::DomainError;
use crate::history::{self, Entity};
use crate::input::check_reason;
use crate::stock::{self, Location, Reason};
use crate::transition::{self, Refusal};
use jobs::Notification;
use sqlx::{AssertSqlSafe, PgConnection};

/// Applies `action` to the order; `reason` is required for a rejection.
pub async fn apply(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    order_id: i64,
    action: OrderAction,
    reason: Option<&str>,
) -> Result<Order, DomainError> {
    let row: Option<(i64, i64, OrderStatus)> =
        sqlx::query_as("SELECT mitra_id, stokis_id, status FROM orders WHERE id = $1 FOR UPDATE")
            .bind(order_id)
            .fetch_optional(&mut *conn)
            .await?;
    let (mitra_id, stokis_id, from) = row.ok_or(DomainError::NotFound { entity: "order" })?;
    if !can_see(actor, mitra_id, stokis_id) {
        return Err(DomainError::NotFound { entity: "order" });
    }
    let to = match transition::order(from, action, actor.role) {
        Ok(to) => to,
        Err(Refusal::WrongRole) => {
            return Err(DomainError::Forbidden(format!(
                "peran {} tidak bisa {}",
                actor.role,
                action.verb()
            )));
        }
        Err(Refusal::WrongState) => {
            return Err(DomainError::InvalidTransition {
                action: action.verb(),
                from: from.label().into(),
            });
        }
    };
    let reason = match action {
        OrderAction::Reject => Some(check_reason("reason", reason)?),
        _ => None,
    };
    let now = clock.now();

    if action == OrderAction::Ship {
        let lines: Vec<(i64, i64)> =
            sqlx::query_as("SELECT product_id, qty::bigint FROM order_items WHERE order_id = $1")
                .bind(order_id)
                .fetch_all(&mut *conn)
                .await?;
        stock::take(
            conn,
            Location::Stokis(stokis_id),
            &lines,
            Reason::OrderShipped { order_id },
            actor.user_id,
            now,
        )
        .await?;
    }

    let stamp = match to {
        OrderStatus::Confirmed => "confirmed_at",
        OrderStatus::Shipped => "shipped_at",
        OrderStatus::Delivered => "delivered_at",
        OrderStatus::Cancelled | OrderStatus::Rejected => "closed_at",
        OrderStatus::Pending => "updated_at",
    };
    sqlx::query(AssertSqlSafe(format!(
        "UPDATE orders SET status = $2, reject_reason = $3, updated_at = $4, {stamp} = $4 WHERE id = $1"
    )))
    .bind(order_id)
    .bind(to.as_str())
    .bind(reason.as_deref())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    history::record(
        conn,
        Entity::Order,
        order_id,
        Some(from.as_str()),
        to.as_str(),
        Some(actor.user_id),
        reason.as_deref(),
        now,
    )
    .await?;

    let event = match to {
        OrderStatus::Shipped => Some(Notification::OrderShipped { order_id }),
        OrderStatus::Rejected => Some(Notification::OrderRejected { order_id }),
        _ => None,
    };
    if let Some(event) = event {
        jobs::enqueue(conn, &[event]).await?;
    }
    load(conn, order_id).await
}
