//! The stokis's invoices from head office: the list with due dates, balances and lateness
//! (computed from due dates and payments), filterable by status and due date, and one invoice
//! with its payments and history.

use domain::Role;
use domain::history::{self, Entity};
use domain::invoice::{self, Invoice, InvoiceFilter, InvoiceStatus};
use salvo::http::StatusCode;
use salvo::{Depot, Request, Response, handler};
use serde::Serialize;
use tera::Context;

use crate::error::WebError;
use crate::pages::pager::{Filters, PER_PAGE, Pager};
use crate::pages::{self, outcome, query};

/// An invoice with how late it is today.
#[derive(Debug, Serialize)]
struct InvoiceRow {
    #[serde(flatten)]
    invoice: Invoice,
    days_overdue: i64,
    /// Days until due (0 when due today or already late or paid).
    days_left: i64,
}

fn row(invoice: Invoice, today: chrono::NaiveDate) -> InvoiceRow {
    let days_overdue = invoice.days_overdue(today);
    let days_left = if invoice.balance > 0 {
        (invoice.due_date - today).num_days().max(0)
    } else {
        0
    };
    InvoiceRow {
        invoice,
        days_overdue,
        days_left,
    }
}

#[handler]
pub async fn list(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let (user, state) = pages::who(depot, Role::Stokis)?;
    let today = state.clock.today();
    let filter = InvoiceFilter {
        status: query::choice(req, "status"),
        due_from: query::date(req, "due_from"),
        due_to: query::date(req, "due_to"),
        page: query::page(req),
        per_page: PER_PAGE,
        ..InvoiceFilter::default()
    };
    let mut conn = state.pool.acquire().await?;
    let (invoices, total) = invoice::list(&mut conn, &user.actor, &filter).await?;
    let summary = domain::read::dashboard::invoice_summary(&mut conn, &user.actor, today).await?;
    drop(conn);
    let rows: Vec<InvoiceRow> = invoices.into_iter().map(|i| row(i, today)).collect();
    let filters = Filters::new()
        .set("status", filter.status.map(|s| s.as_str()))
        .set("due_from", filter.due_from)
        .set("due_to", filter.due_to);
    let mut ctx = Context::new();
    ctx.insert("invoices", &rows);
    ctx.insert("summary", &summary);
    ctx.insert("statuses", InvoiceStatus::ALL);
    ctx.insert("status", &filter.status);
    ctx.insert("due_from", &filter.due_from);
    ctx.insert("due_to", &filter.due_to);
    ctx.insert(
        "pager",
        &Pager::new("/invoices", &filters, filter.page, PER_PAGE, total),
    );
    outcome::render(req, depot, res, StatusCode::OK, "stokis/invoices.html", ctx)
}

#[handler]
pub async fn show(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let (user, state) = pages::who(depot, Role::Stokis)?;
    let id = query::id_param(req)?;
    let mut conn = state.pool.acquire().await?;
    let invoice = invoice::get(&mut conn, &user.actor, id).await?;
    let payments = invoice::payments(&mut conn, &user.actor, id).await?;
    let history = history::of(&mut conn, Entity::Invoice, id).await?;
    drop(conn);
    let mut ctx = Context::new();
    ctx.insert("inv", &row(invoice, state.clock.today()));
    ctx.insert("payments", &payments);
    ctx.insert("history", &history);
    outcome::render(req, depot, res, StatusCode::OK, "stokis/invoice.html", ctx)
}
