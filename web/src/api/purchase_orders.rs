//! `/api/v1/purchase-orders`: a stokis submits purchase orders to head office; finance approves
//! them under credit control (over the limit only with a recorded override reason) or rejects
//! them; gudang ships them (warehouse stock goes down, the invoice is issued); the stokis
//! receives them (its stock goes up) or cancels while submitted. Mitra have no purchase orders.

use chrono::{DateTime, Utc};
use domain::Role;
use domain::history::Entity;
use domain::purchase_order::{self as po, PoAction, PoFilter, PoStatus};
use salvo::Writer as _;
use salvo::oapi::{BasicType, Object, Parameter, ToSchema, endpoint};
use salvo::writing::Json;
use salvo::{Depot, Router};
use serde::{Deserialize, Serialize};

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
    Router::with_path("purchase-orders")
        .get(list_purchase_orders)
        .post(create_purchase_order)
        .push(
            Router::with_path("{id}")
                .get(get_purchase_order)
                .push(Router::with_path("approve").post(approve_purchase_order))
                .push(Router::with_path("reject").post(reject_purchase_order))
                .push(Router::with_path("ship").post(ship_purchase_order))
                .push(Router::with_path("receive").post(receive_purchase_order))
                .push(Router::with_path("cancel").post(cancel_purchase_order)),
        )
}

const WHO: &str = "stokis dan staf kantor pusat";
const ROLES: &[Role] = &[Role::Stokis, Role::Pusat, Role::Finance, Role::Gudang];

fn status_codes() -> Vec<&'static str> {
    PoStatus::ALL.iter().map(|s| s.as_str()).collect()
}

fn po_status_schema() -> Object {
    Object::with_type(BasicType::String)
        .enum_values(status_codes())
        .description("SUBMITTED → APPROVED → SHIPPED → RECEIVED; SUBMITTED → REJECTED | CANCELLED")
}

/// A purchase order from a stokis to head office, with its lines.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "PurchaseOrder"))]
pub struct PurchaseOrder {
    pub id: i64,
    /// `PO-YYMMDD-NNNNNN`
    pub number: String,
    #[salvo(schema(schema_with = po_status_schema))]
    pub status: String,
    pub stokis_id: i64,
    /// Rupiah, at the price to stokis.
    pub total: i64,
    pub note: String,
    pub reject_reason: Option<String>,
    /// Set when finance approved over the credit limit or despite a long-overdue invoice.
    pub credit_override_reason: Option<String>,
    pub items: Vec<Line>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub approved_at: Option<DateTime<Utc>>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub received_at: Option<DateTime<Utc>>,
    /// Every transition so far, oldest first (in single-record answers, not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryEntry>>,
}

impl PurchaseOrder {
    fn new(
        p: po::PurchaseOrder,
        history: Option<Vec<domain::history::HistoryEntry>>,
    ) -> PurchaseOrder {
        PurchaseOrder {
            id: p.id,
            number: p.number,
            status: p.status.as_str().to_owned(),
            stokis_id: p.stokis_id,
            total: p.total,
            note: p.note,
            reject_reason: p.reject_reason,
            credit_override_reason: p.credit_override_reason,
            items: p.items.into_iter().map(Line::from).collect(),
            created_at: p.created_at,
            updated_at: p.updated_at,
            approved_at: p.approved_at,
            shipped_at: p.shipped_at,
            received_at: p.received_at,
            history: history.map(|h| h.into_iter().map(HistoryEntry::from).collect()),
        }
    }
}

/// A purchase order as listed: the stokis by name, and its lines.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "PurchaseOrderSummary"))]
pub struct PurchaseOrderSummary {
    pub id: i64,
    pub number: String,
    #[salvo(schema(schema_with = po_status_schema))]
    pub status: String,
    pub stokis_id: i64,
    pub stokis_name: String,
    pub total: i64,
    pub items: Vec<Line>,
    pub created_at: DateTime<Utc>,
}

list_of!(
    #[salvo(schema(name = "PurchaseOrderList"))]
    PurchaseOrderList,
    PurchaseOrderSummary
);

/// `GET /purchase-orders` parameters.
#[derive(Debug, Default)]
pub struct PoQuery {
    pub status: Option<PoStatus>,
    pub stokis_id: Option<i64>,
    pub search: Option<String>,
    pub paging: Paging,
}

impl QueryParams for PoQuery {
    fn read(q: &mut QueryReader<'_>) -> Self {
        PoQuery {
            status: q.choice("status", &status_codes()),
            stokis_id: q.int("stokis_id", 1, i64::MAX),
            search: q.text("search", MAX_SEARCH_CHARS),
            paging: Paging::read(q),
        }
    }

    fn document() -> Vec<Parameter> {
        let mut params = vec![
            choice_param(
                "status",
                "Only purchase orders in this status.",
                &status_codes(),
            ),
            int_param(
                "stokis_id",
                "Only this stokis's purchase orders.",
                1,
                i64::MAX,
            ),
            text_param(
                "search",
                "Part of the PO number or the stokis's name.",
                MAX_SEARCH_CHARS,
            ),
        ];
        params.extend(Paging::document());
        params
    }
}

/// The body of an approval.
#[derive(Debug, Deserialize, ToSchema)]
#[salvo(schema(name = "Approval"))]
pub struct ApproveBody {
    /// Required only when the PO takes the stokis over its credit limit, or the stokis has an
    /// invoice more than 30 days overdue; recorded on the PO and in its history.
    #[serde(default)]
    pub override_reason: Option<String>,
}

/// List purchase orders
///
/// Newest first. A stokis sees its own, head-office staff all of them.
#[endpoint(
    tags("purchase-orders"),
    operation_id = "list_purchase_orders",
    status_codes(200, 401, 403, 422, 500)
)]
pub async fn list_purchase_orders(
    caller: Caller,
    query: Query<PoQuery>,
    depot: &mut Depot,
) -> Result<Json<PurchaseOrderList>, WebError> {
    caller.require(ROLES, WHO)?;
    let state = state::of(depot)?.clone();
    let q = query.0;
    let filter = PoFilter {
        status: q.status,
        stokis_id: q.stokis_id,
        search: q.search,
        page: q.paging.page,
        per_page: q.paging.per_page,
        oldest_first: false,
    };
    let mut conn = state.pool.acquire().await?;
    let (rows, total) = po::list(&mut conn, &caller.actor, &filter).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut lines = domain::line_items::of_purchase_orders(&mut conn, &ids).await?;
    let items = rows
        .into_iter()
        .map(|r| PurchaseOrderSummary {
            items: lines
                .remove(&r.id)
                .unwrap_or_default()
                .into_iter()
                .map(Line::from)
                .collect(),
            id: r.id,
            number: r.number,
            status: r.status.as_str().to_owned(),
            stokis_id: r.stokis_id,
            stokis_name: r.stokis_name,
            total: r.total,
            created_at: r.created_at,
        })
        .collect();
    Ok(Json(PurchaseOrderList::new(items, q.paging, total)))
}

/// Submit a purchase order (stokis)
///
/// Prices come from the price list (price to stokis). Send an `Idempotency-Key` to retry safely.
#[endpoint(
    tags("purchase-orders"),
    operation_id = "create_purchase_order",
    status_codes(200, 201, 401, 403, 409, 422, 500)
)]
pub async fn create_purchase_order(
    caller: Caller,
    idempotency_key: IdempotencyKey,
    body: ApiJson<NewLines>,
    depot: &mut Depot,
) -> Result<Saved<PurchaseOrder>, WebError> {
    let state = state::of(depot)?.clone();
    let body = body.into_inner();
    let input = po::NewPurchaseOrder {
        items: body.items.into_iter().map(Into::into).collect(),
        note: body.note,
        idempotency_key: idempotency_key.0,
    };
    let mut tx = state.pool.begin().await?;
    let submitted = po::submit(&mut tx, &caller.actor, &*state.clock, input).await?;
    let id = submitted.purchase_order.id;
    let history = domain::history::of(&mut tx, Entity::PurchaseOrder, id).await?;
    tx.commit().await?;
    Ok(Saved {
        record: PurchaseOrder::new(submitted.purchase_order, Some(history)),
        created: submitted.created,
    })
}

/// One purchase order, with its lines and history
#[endpoint(
    tags("purchase-orders"),
    operation_id = "get_purchase_order",
    status_codes(200, 401, 403, 404, 500)
)]
pub async fn get_purchase_order(
    caller: Caller,
    id: RecordId,
    depot: &mut Depot,
) -> Result<Json<PurchaseOrder>, WebError> {
    caller.require(ROLES, WHO)?;
    let state = state::of(depot)?.clone();
    let mut conn = state.pool.acquire().await?;
    let p = po::get(&mut conn, &caller.actor, id.0).await?;
    let history = domain::history::of(&mut conn, Entity::PurchaseOrder, p.id).await?;
    Ok(Json(PurchaseOrder::new(p, Some(history))))
}

async fn transition(
    depot: &Depot,
    caller: &Caller,
    id: RecordId,
    action: PoAction,
    reason: Option<&str>,
) -> Result<Json<PurchaseOrder>, WebError> {
    caller.require(ROLES, WHO)?;
    let state = state::of(depot)?.clone();
    let mut tx = state.pool.begin().await?;
    let p = po::apply(&mut tx, &caller.actor, &*state.clock, id.0, action, reason).await?;
    let history = domain::history::of(&mut tx, Entity::PurchaseOrder, p.id).await?;
    tx.commit().await?;
    Ok(Json(PurchaseOrder::new(p, Some(history))))
}

/// Approve a submitted purchase order (finance)
///
/// Refused with `credit_blocked` (409) when it takes the stokis over its credit limit or the
/// stokis has an invoice more than 30 days overdue, unless `override_reason` is given.
#[endpoint(
    tags("purchase-orders"),
    operation_id = "approve_purchase_order",
    status_codes(200, 401, 403, 404, 409, 422, 500)
)]
pub async fn approve_purchase_order(
    caller: Caller,
    id: RecordId,
    body: ApiJson<ApproveBody>,
    depot: &mut Depot,
) -> Result<Json<PurchaseOrder>, WebError> {
    let reason = body.into_inner().override_reason;
    transition(depot, &caller, id, PoAction::Approve, reason.as_deref()).await
}

/// Reject a submitted purchase order with a reason (finance)
#[endpoint(
    tags("purchase-orders"),
    operation_id = "reject_purchase_order",
    status_codes(200, 401, 403, 404, 409, 422, 500)
)]
pub async fn reject_purchase_order(
    caller: Caller,
    id: RecordId,
    body: ApiJson<ReasonBody>,
    depot: &mut Depot,
) -> Result<Json<PurchaseOrder>, WebError> {
    transition(depot, &caller, id, PoAction::Reject, Some(&body.reason)).await
}

/// Ship an approved purchase order (gudang)
///
/// Warehouse stock goes down and the invoice is issued, due after the stokis's payment terms.
#[endpoint(
    tags("purchase-orders"),
    operation_id = "ship_purchase_order",
    status_codes(200, 401, 403, 404, 409, 500)
)]
pub async fn ship_purchase_order(
    caller: Caller,
    id: RecordId,
    depot: &mut Depot,
) -> Result<Json<PurchaseOrder>, WebError> {
    transition(depot, &caller, id, PoAction::Ship, None).await
}

/// Receive a shipped purchase order (stokis; its stock goes up)
#[endpoint(
    tags("purchase-orders"),
    operation_id = "receive_purchase_order",
    status_codes(200, 401, 403, 404, 409, 500)
)]
pub async fn receive_purchase_order(
    caller: Caller,
    id: RecordId,
    depot: &mut Depot,
) -> Result<Json<PurchaseOrder>, WebError> {
    transition(depot, &caller, id, PoAction::Receive, None).await
}

/// Cancel a submitted purchase order (stokis)
#[endpoint(
    tags("purchase-orders"),
    operation_id = "cancel_purchase_order",
    status_codes(200, 401, 403, 404, 409, 500)
)]
pub async fn cancel_purchase_order(
    caller: Caller,
    id: RecordId,
    depot: &mut Depot,
) -> Result<Json<PurchaseOrder>, WebError> {
    transition(depot, &caller, id, PoAction::Cancel, None).await
}
