//! `/api/v1/orders`: a mitra places orders with the stokis that serves it; the stokis confirms,
//! rejects (with a reason) and ships them (its stock goes down); the mitra confirms receipt or
//! cancels while pending. Everyone sees only their own: another mitra's or stokis's order is
//! "not found"; a transition the caller's role never makes is "forbidden".

use chrono::{DateTime, Utc};
use domain::history::Entity;
use domain::order::{self, OrderAction, OrderFilter, OrderStatus};
use salvo::Writer as _;
use salvo::oapi::{BasicType, Object, Parameter, ToSchema, endpoint};
use salvo::writing::Json;
use salvo::{Depot, Router};
use serde::Serialize;

use super::body::ApiJson;
use super::caller::Caller;
use super::history::HistoryEntry;
use super::idempotency::{IdempotencyKey, Saved};
use super::lines::{Line, NewLines, ReasonBody};
use super::pagination::{Paging, list_of};
use super::query::{
    MAX_SEARCH_CHARS, Query, QueryParams, QueryReader, choice_param, int_param, text_param,
};
use super::record_id::RecordId;
use crate::error::WebError;
use crate::state;

pub fn router() -> Router {
    Router::with_path("orders")
        .get(list_orders)
        .post(create_order)
        .push(
            Router::with_path("{id}")
                .get(get_order)
                .push(Router::with_path("confirm").post(confirm_order))
                .push(Router::with_path("reject").post(reject_order))
                .push(Router::with_path("ship").post(ship_order))
                .push(Router::with_path("receive").post(receive_order))
                .push(Router::with_path("cancel").post(cancel_order)),
        )
}

fn status_codes() -> Vec<&'static str> {
    OrderStatus::ALL.iter().map(|s| s.as_str()).collect()
}

fn order_status_schema() -> Object {
    Object::with_type(BasicType::String)
        .enum_values(status_codes())
        .description("PENDING → CONFIRMED → SHIPPED → DELIVERED; PENDING → CANCELLED | REJECTED")
}

/// An order from a mitra to its stokis, with its lines.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "Order"))]
pub struct Order {
    pub id: i64,
    /// `ORD-YYMMDD-NNNNNN`
    pub number: String,
    #[salvo(schema(schema_with = order_status_schema))]
    pub status: String,
    pub mitra_id: i64,
    pub stokis_id: i64,
    /// Rupiah.
    pub total: i64,
    pub note: String,
    pub reject_reason: Option<String>,
    pub items: Vec<Line>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Every transition so far, oldest first (in single-order answers, not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryEntry>>,
}

impl Order {
    fn new(o: order::Order, history: Option<Vec<domain::history::HistoryEntry>>) -> Order {
        Order {
            id: o.id,
            number: o.number,
            status: o.status.as_str().to_owned(),
            mitra_id: o.mitra_id,
            stokis_id: o.stokis_id,
            total: o.total,
            note: o.note,
            reject_reason: o.reject_reason,
            items: o.items.into_iter().map(Line::from).collect(),
            created_at: o.created_at,
            updated_at: o.updated_at,
            history: history.map(|h| h.into_iter().map(HistoryEntry::from).collect()),
        }
    }
}

/// An order as listed: the parties by name, and its lines.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "OrderSummary"))]
pub struct OrderSummary {
    pub id: i64,
    pub number: String,
    #[salvo(schema(schema_with = order_status_schema))]
    pub status: String,
    pub mitra_id: i64,
    pub mitra_name: String,
    pub stokis_id: i64,
    pub stokis_name: String,
    pub total: i64,
    pub items: Vec<Line>,
    pub created_at: DateTime<Utc>,
}

list_of!(
    #[salvo(schema(name = "OrderList"))]
    OrderList,
    OrderSummary
);

/// `GET /orders` parameters.
#[derive(Debug, Default)]
pub struct OrderQuery {
    pub status: Option<OrderStatus>,
    pub mitra_id: Option<i64>,
    pub stokis_id: Option<i64>,
    pub search: Option<String>,
    pub paging: Paging,
}

impl QueryParams for OrderQuery {
    fn read(q: &mut QueryReader<'_>) -> Self {
        OrderQuery {
            status: q.choice("status", &status_codes()),
            mitra_id: q.int("mitra_id", 1, i64::MAX),
            stokis_id: q.int("stokis_id", 1, i64::MAX),
            search: q.text("search", MAX_SEARCH_CHARS),
            paging: Paging::read(q),
        }
    }

    fn document() -> Vec<Parameter> {
        let mut params = vec![
            choice_param("status", "Only orders in this status.", &status_codes()),
            int_param("mitra_id", "Only this mitra's orders.", 1, i64::MAX),
            int_param("stokis_id", "Only orders to this stokis.", 1, i64::MAX),
            text_param(
                "search",
                "Part of the order number or the mitra's name.",
                MAX_SEARCH_CHARS,
            ),
        ];
        params.extend(Paging::document());
        params
    }
}

/// List orders
///
/// Newest first. A mitra sees its own orders, a stokis the orders sent to it, head-office staff
/// all of them.
#[endpoint(
    tags("orders"),
    operation_id = "list_orders",
    status_codes(200, 401, 403, 422, 500)
)]
pub async fn list_orders(
    caller: Caller,
    query: Query<OrderQuery>,
    depot: &mut Depot,
) -> Result<Json<OrderList>, WebError> {
    let state = state::of(depot)?.clone();
    let q = query.0;
    let filter = OrderFilter {
        status: q.status,
        mitra_id: q.mitra_id,
        stokis_id: q.stokis_id,
        search: q.search,
        page: q.paging.page,
        per_page: q.paging.per_page,
    };
    let mut conn = state.pool.acquire().await?;
    let (rows, total) = order::list(&mut conn, &caller.actor, &filter).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut lines = domain::line_items::of_orders(&mut conn, &ids).await?;
    let items = rows
        .into_iter()
        .map(|r| OrderSummary {
            items: lines
                .remove(&r.id)
                .unwrap_or_default()
                .into_iter()
                .map(Line::from)
                .collect(),
            id: r.id,
            number: r.number,
            status: r.status.as_str().to_owned(),
            mitra_id: r.mitra_id,
            mitra_name: r.mitra_name,
            stokis_id: r.stokis_id,
            stokis_name: r.stokis_name,
            total: r.total,
            created_at: r.created_at,
        })
        .collect();
    Ok(Json(OrderList::new(items, q.paging, total)))
}

/// Place an order (mitra)
///
/// Prices come from the price list (price to mitra); the stokis must hold the stock now (it is
/// taken when the stokis ships). Send an `Idempotency-Key` to retry safely.
#[endpoint(
    tags("orders"),
    operation_id = "create_order",
    status_codes(200, 201, 401, 403, 409, 422, 500)
)]
pub async fn create_order(
    caller: Caller,
    idempotency_key: IdempotencyKey,
    body: ApiJson<NewLines>,
    depot: &mut Depot,
) -> Result<Saved<Order>, WebError> {
    let state = state::of(depot)?.clone();
    let body = body.into_inner();
    let input = order::NewOrder {
        items: body.items.into_iter().map(Into::into).collect(),
        note: body.note,
        idempotency_key: idempotency_key.0,
    };
    let mut tx = state.pool.begin().await?;
    let placed = order::place(&mut tx, &caller.actor, &*state.clock, input).await?;
    let history = domain::history::of(&mut tx, Entity::Order, placed.order.id).await?;
    tx.commit().await?;
    Ok(Saved {
        record: Order::new(placed.order, Some(history)),
        created: placed.created,
    })
}

/// One order, with its lines and history
#[endpoint(
    tags("orders"),
    operation_id = "get_order",
    status_codes(200, 401, 403, 404, 500)
)]
pub async fn get_order(
    caller: Caller,
    id: RecordId,
    depot: &mut Depot,
) -> Result<Json<Order>, WebError> {
    let state = state::of(depot)?.clone();
    let mut conn = state.pool.acquire().await?;
    let o = order::get(&mut conn, &caller.actor, id.0).await?;
    let history = domain::history::of(&mut conn, Entity::Order, o.id).await?;
    Ok(Json(Order::new(o, Some(history))))
}

async fn transition(
    depot: &Depot,
    caller: &Caller,
    id: RecordId,
    action: OrderAction,
    reason: Option<&str>,
) -> Result<Json<Order>, WebError> {
    let state = state::of(depot)?.clone();
    let mut tx = state.pool.begin().await?;
    let o = order::apply(&mut tx, &caller.actor, &*state.clock, id.0, action, reason).await?;
    let history = domain::history::of(&mut tx, Entity::Order, o.id).await?;
    tx.commit().await?;
    Ok(Json(Order::new(o, Some(history))))
}

/// Confirm a pending order (stokis)
#[endpoint(
    tags("orders"),
    operation_id = "confirm_order",
    status_codes(200, 401, 403, 404, 409, 500)
)]
pub async fn confirm_order(
    caller: Caller,
    id: RecordId,
    depot: &mut Depot,
) -> Result<Json<Order>, WebError> {
    transition(depot, &caller, id, OrderAction::Confirm, None).await
}

/// Reject a pending order with a reason (stokis)
#[endpoint(
    tags("orders"),
    operation_id = "reject_order",
    status_codes(200, 401, 403, 404, 409, 422, 500)
)]
pub async fn reject_order(
    caller: Caller,
    id: RecordId,
    body: ApiJson<ReasonBody>,
    depot: &mut Depot,
) -> Result<Json<Order>, WebError> {
    transition(depot, &caller, id, OrderAction::Reject, Some(&body.reason)).await
}

/// Ship a confirmed order (stokis; its stock goes down)
#[endpoint(
    tags("orders"),
    operation_id = "ship_order",
    status_codes(200, 401, 403, 404, 409, 500)
)]
pub async fn ship_order(
    caller: Caller,
    id: RecordId,
    depot: &mut Depot,
) -> Result<Json<Order>, WebError> {
    transition(depot, &caller, id, OrderAction::Ship, None).await
}

/// Confirm receipt of a shipped order (mitra)
#[endpoint(
    tags("orders"),
    operation_id = "receive_order",
    status_codes(200, 401, 403, 404, 409, 500)
)]
pub async fn receive_order(
    caller: Caller,
    id: RecordId,
    depot: &mut Depot,
) -> Result<Json<Order>, WebError> {
    transition(depot, &caller, id, OrderAction::Deliver, None).await
}

/// Cancel a pending order (mitra)
#[endpoint(
    tags("orders"),
    operation_id = "cancel_order",
    status_codes(200, 401, 403, 404, 409, 500)
)]
pub async fn cancel_order(
    caller: Caller,
    id: RecordId,
    depot: &mut Depot,
) -> Result<Json<Order>, WebError> {
    transition(depot, &caller, id, OrderAction::Cancel, None).await
}
