//! `/api/v1/invoices`: the invoice of each shipped purchase order, and the payments finance
//! records against it (partial payments lower the balance; the one that clears it marks the
//! invoice PAID; never more than the balance). A stokis sees its own invoices, finance and
//! pusat all; mitra and gudang have none.

use chrono::{DateTime, NaiveDate, Utc};
use domain::Role;
use domain::invoice::{self, InvoiceFilter, InvoiceStatus, NewPayment, PaymentMethod};
use salvo::http::StatusCode;
use salvo::oapi::{
    self, BasicType, Components, Content, EndpointOutRegister, Object, Operation, Parameter,
    ToSchema, endpoint,
};
use salvo::writing::Json;
use salvo::{Depot, Request, Response, Router, Writer, async_trait};
use serde::{Deserialize, Serialize};

use super::body::ApiJson;
use super::caller::Caller;
use super::pagination::{Paging, list_of};
use super::query::{Query, QueryParams, QueryReader, choice_param, date_param, int_param};
use super::record_id::RecordId;
use crate::error::WebError;
use crate::state;

pub fn router() -> Router {
    Router::with_path("invoices").get(list_invoices).push(
        Router::with_path("{id}")
            .get(get_invoice)
            .push(Router::with_path("payments").post(record_payment)),
    )
}

const WHO: &str = "stokis, finance dan pusat";
const ROLES: &[Role] = &[Role::Stokis, Role::Finance, Role::Pusat];

fn status_codes() -> Vec<&'static str> {
    InvoiceStatus::ALL.iter().map(|s| s.as_str()).collect()
}

fn invoice_status_schema() -> Object {
    Object::with_type(BasicType::String)
        .enum_values(status_codes())
        .description("UNPAID → PAID; UNPAID → OVERDUE (set by the daily run) → PAID")
}

fn method_codes() -> Vec<&'static str> {
    PaymentMethod::ALL.iter().map(|m| m.as_str()).collect()
}

fn method_schema() -> Object {
    Object::with_type(BasicType::String).enum_values(method_codes())
}

/// An invoice: one per shipped purchase order.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "Invoice"))]
pub struct Invoice {
    pub id: i64,
    /// `INV/YYYY/MM/NNNN`, gapless per month.
    pub number: String,
    pub purchase_order_id: i64,
    pub purchase_order_number: String,
    pub stokis_id: i64,
    pub stokis_name: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    /// Rupiah.
    pub total: i64,
    /// Sum of the payments, Rupiah.
    pub paid: i64,
    /// total − paid, Rupiah.
    pub balance: i64,
    #[salvo(schema(schema_with = invoice_status_schema))]
    pub status: String,
    /// Days past the due date today (Asia/Jakarta) while a balance is open; 0 otherwise.
    pub days_overdue: i64,
    pub paid_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The payments, oldest first (in single-invoice answers, not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payments: Option<Vec<Payment>>,
}

impl Invoice {
    fn new(i: invoice::Invoice, today: NaiveDate, payments: Option<Vec<invoice::Payment>>) -> Self {
        Invoice {
            days_overdue: i.days_overdue(today),
            id: i.id,
            number: i.number,
            purchase_order_id: i.purchase_order_id,
            purchase_order_number: i.purchase_order_number,
            stokis_id: i.stokis_id,
            stokis_name: i.stokis_name,
            issue_date: i.issue_date,
            due_date: i.due_date,
            total: i.total,
            paid: i.paid,
            balance: i.balance,
            status: i.status.as_str().to_owned(),
            paid_at: i.paid_at,
            created_at: i.created_at,
            payments: payments.map(|p| p.into_iter().map(Payment::from).collect()),
        }
    }
}

/// A payment against an invoice.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "Payment"))]
pub struct Payment {
    pub id: i64,
    /// Rupiah.
    pub amount: i64,
    pub paid_on: NaiveDate,
    #[salvo(schema(schema_with = method_schema))]
    pub method: String,
    pub reference: String,
    /// The finance user who recorded it.
    pub recorded_by: i64,
    pub created_at: DateTime<Utc>,
}

impl From<invoice::Payment> for Payment {
    fn from(p: invoice::Payment) -> Self {
        Payment {
            id: p.id,
            amount: p.amount,
            paid_on: p.paid_on,
            method: p.method,
            reference: p.reference,
            recorded_by: p.recorded_by,
            created_at: p.created_at,
        }
    }
}

list_of!(
    #[salvo(schema(name = "InvoiceList"))]
    InvoiceList,
    Invoice
);

/// How the money came.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[salvo(schema(name = "PaymentMethod"))]
pub enum Method {
    Transfer,
    Cash,
    Giro,
    Other,
}

impl From<Method> for PaymentMethod {
    fn from(m: Method) -> Self {
        match m {
            Method::Transfer => PaymentMethod::Transfer,
            Method::Cash => PaymentMethod::Cash,
            Method::Giro => PaymentMethod::Giro,
            Method::Other => PaymentMethod::Other,
        }
    }
}

/// The body of a payment.
#[derive(Debug, Deserialize, ToSchema)]
#[salvo(schema(name = "NewPayment"))]
pub struct PaymentBody {
    /// Rupiah, 1 up to the invoice's balance.
    pub amount: i64,
    /// When the money came (not in the future, not before the invoice); today if left out.
    #[serde(default)]
    pub paid_on: Option<NaiveDate>,
    pub method: Method,
    /// Bank reference, giro number…; up to 200 characters.
    #[serde(default)]
    pub reference: String,
}

/// `GET /invoices` parameters.
#[derive(Debug, Default)]
pub struct InvoiceQuery {
    pub status: Option<InvoiceStatus>,
    pub stokis_id: Option<i64>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
    pub paging: Paging,
}

impl QueryParams for InvoiceQuery {
    fn read(q: &mut QueryReader<'_>) -> Self {
        InvoiceQuery {
            status: q.choice("status", &status_codes()),
            stokis_id: q.int("stokis_id", 1, i64::MAX),
            due_from: q.date("due_from"),
            due_to: q.date("due_to"),
            paging: Paging::read(q),
        }
    }

    fn document() -> Vec<Parameter> {
        let mut params = vec![
            choice_param("status", "Only invoices in this status.", &status_codes()),
            int_param("stokis_id", "Only this stokis's invoices.", 1, i64::MAX),
            date_param("due_from", "Due on or after this date (YYYY-MM-DD)."),
            date_param("due_to", "Due on or before this date (YYYY-MM-DD)."),
        ];
        params.extend(Paging::document());
        params
    }
}

/// List invoices
///
/// Newest first (by issue date).
#[endpoint(
    tags("invoices"),
    operation_id = "list_invoices",
    status_codes(200, 401, 403, 422, 500)
)]
pub async fn list_invoices(
    caller: Caller,
    query: Query<InvoiceQuery>,
    depot: &mut Depot,
) -> Result<Json<InvoiceList>, WebError> {
    caller.require(ROLES, WHO)?;
    let state = state::of(depot)?.clone();
    let q = query.0;
    let filter = InvoiceFilter {
        status: q.status,
        stokis_id: q.stokis_id,
        due_from: q.due_from,
        due_to: q.due_to,
        page: q.paging.page,
        per_page: q.paging.per_page,
    };
    let mut conn = state.pool.acquire().await?;
    let (rows, total) = invoice::list(&mut conn, &caller.actor, &filter).await?;
    let today = state.clock.today();
    let items = rows
        .into_iter()
        .map(|i| Invoice::new(i, today, None))
        .collect();
    Ok(Json(InvoiceList::new(items, q.paging, total)))
}

/// One invoice, with its payments
#[endpoint(
    tags("invoices"),
    operation_id = "get_invoice",
    status_codes(200, 401, 403, 404, 500)
)]
pub async fn get_invoice(
    caller: Caller,
    id: RecordId,
    depot: &mut Depot,
) -> Result<Json<Invoice>, WebError> {
    caller.require(ROLES, WHO)?;
    let state = state::of(depot)?.clone();
    let mut conn = state.pool.acquire().await?;
    let found = invoice::get(&mut conn, &caller.actor, id.0).await?;
    let payments = invoice::payments(&mut conn, &caller.actor, id.0).await?;
    Ok(Json(Invoice::new(
        found,
        state.clock.today(),
        Some(payments),
    )))
}

/// The invoice after a payment was recorded (201).
#[derive(Debug)]
pub struct PaymentRecorded(pub Invoice);

#[async_trait]
impl Writer for PaymentRecorded {
    async fn write(self, _req: &mut Request, _depot: &mut Depot, res: &mut Response) {
        res.status_code(StatusCode::CREATED);
        res.render(Json(self.0));
    }
}

impl EndpointOutRegister for PaymentRecorded {
    fn register(components: &mut Components, operation: &mut Operation) {
        operation.responses.insert(
            "201",
            oapi::Response::new("Recorded: the invoice with its new balance and all payments")
                .add_content(
                    "application/json",
                    Content::new(Invoice::to_schema(components)),
                ),
        );
    }
}

/// Record a payment (finance)
///
/// Partial payments lower the balance; the payment that clears it marks the invoice PAID. An
/// amount over the balance is refused (422).
#[endpoint(
    tags("invoices"),
    operation_id = "record_payment",
    status_codes(201, 401, 403, 404, 409, 422, 500)
)]
pub async fn record_payment(
    caller: Caller,
    id: RecordId,
    body: ApiJson<PaymentBody>,
    depot: &mut Depot,
) -> Result<PaymentRecorded, WebError> {
    let state = state::of(depot)?.clone();
    let body = body.into_inner();
    let input = NewPayment {
        amount: body.amount,
        paid_on: body.paid_on.unwrap_or_else(|| state.clock.today()),
        method: body.method.into(),
        reference: body.reference,
    };
    let mut tx = state.pool.begin().await?;
    let updated =
        invoice::record_payment(&mut tx, &caller.actor, &*state.clock, id.0, input).await?;
    let payments = invoice::payments(&mut tx, &caller.actor, id.0).await?;
    tx.commit().await?;
    Ok(PaymentRecorded(Invoice::new(
        updated,
        state.clock.today(),
        Some(payments),
    )))
}
