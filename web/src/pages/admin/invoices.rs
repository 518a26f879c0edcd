//! FINANCE (and PUSAT, read-only): invoices filtered by standing (open, late, not yet due,
//! paid), stokis, due-date range and number; an invoice with its payments and history; and
//! recording a payment (amount, date, method, reference) — more than the balance, a future
//! date or an unreadable amount is refused on its field with the entered values kept.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::history::{self, Entity};
use domain::invoice::{self, NewPayment, PaymentMethod};
use domain::read::invoice_search::{self, InvoiceSearch, Standing};
use domain::{FieldErrors, Money, Role};
use salvo::http::StatusCode;
use salvo::{Depot, Request, Response, handler};
use serde::Serialize;
use tera::Context;

use super::{PER_PAGE, done, field_errors, form_text, path_id, query_id};
use crate::auth;
use crate::error::WebError;
use crate::pages::pager::{Filters, Pager};
use crate::pages::query;
use crate::render;
use crate::state;

const READERS: &[Role] = &[Role::Finance, Role::Pusat];

#[derive(Debug, Serialize)]
struct Choice {
    value: &'static str,
    label: &'static str,
}

const METHODS: [(PaymentMethod, &str); 4] = [
    (PaymentMethod::Transfer, "Transfer bank"),
    (PaymentMethod::Cash, "Tunai"),
    (PaymentMethod::Giro, "Giro"),
    (PaymentMethod::Other, "Lainnya"),
];

/// The list's filters as the query string gives them, and the same as link parameters.
fn read_search(req: &Request) -> (InvoiceSearch, Filters) {
    let standing = Standing::parse(&query::text(req, "status").unwrap_or_default());
    let search = InvoiceSearch {
        standing,
        stokis_id: query_id(req, "stokis"),
        due_from: query::date(req, "due_from"),
        due_to: query::date(req, "due_to"),
        number: query::text(req, "q"),
        page: query::page(req),
        per_page: PER_PAGE,
    };
    let filters = Filters::new()
        .set("status", Some(standing.as_str()))
        .set("stokis", search.stokis_id)
        .set("due_from", search.due_from)
        .set("due_to", search.due_to)
        .set("q", search.number.clone());
    (search, filters)
}

#[handler]
pub async fn list(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, READERS)?.actor.clone();
    let state = state::of(depot)?.clone();
    let (search, filters) = read_search(req);
    let (standing, stokis_id, due_from, due_to, page) = (
        search.standing,
        search.stokis_id,
        search.due_from,
        search.due_to,
        search.page,
    );
    let number = search.number.clone();
    let mut conn = state.pool.acquire().await?;
    let (rows, total) =
        invoice_search::search(&mut conn, &actor, state.clock.today(), &search).await?;
    let stokis = domain::master::stokis::options(&mut conn).await?;
    drop(conn);
    let path = "/invoices";
    let standings: Vec<Choice> = Standing::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str(),
            label: s.label(),
        })
        .collect();
    let mut ctx = Context::new();
    ctx.insert("pager", &Pager::new(path, &filters, page, PER_PAGE, total));
    ctx.insert("rows", &rows);
    ctx.insert("standings", &standings);
    ctx.insert("status", standing.as_str());
    ctx.insert("stokis_options", &stokis);
    ctx.insert("stokis", &stokis_id);
    ctx.insert(
        "due_from",
        &due_from.map(|d| d.to_string()).unwrap_or_default(),
    );
    ctx.insert("due_to", &due_to.map(|d| d.to_string()).unwrap_or_default());
    ctx.insert("q", &number.unwrap_or_default());
    ctx.insert("export_href", &filters.href("/invoices/export", 1));
    render::page(req, depot, res, "admin/invoices.html", ctx)
}

/// `Unduh Excel`: every invoice the list's filters match (all pages), as the list shows them.
#[handler]
pub async fn export(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, READERS)?.actor.clone();
    let state = state::of(depot)?.clone();
    let (mut search, _) = read_search(req);
    search.page = 1;
    search.per_page = domain::report::export::MAX_ROWS;
    let today = state.clock.today();
    let mut conn = state.pool.acquire().await?;
    let (rows, _) = invoice_search::search(&mut conn, &actor, today, &search).await?;
    let stokis_name = match search.stokis_id {
        Some(id) => domain::master::stokis::options(&mut conn)
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .map(|s| s.name),
        None => None,
    };
    drop(conn);
    let mut described = vec![format!("Status: {}", search.standing.label())];
    if let Some(name) = stokis_name {
        described.push(format!("Stokis: {name}"));
    }
    match (search.due_from, search.due_to) {
        (None, None) => {}
        (from, to) => described.push(format!(
            "Jatuh tempo: {} – {}",
            from.map(domain::clock::format_date_id).unwrap_or_default(),
            to.map(domain::clock::format_date_id).unwrap_or_default()
        )),
    }
    if let Some(q) = &search.number {
        described.push(format!("Nomor: {q}"));
    }
    let doc = domain::report::export::invoices(&rows, described, today, state.clock.now());
    crate::download::xlsx(res, &doc)
}

#[handler]
pub async fn show(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    auth::require_role(depot, READERS)?;
    let id = path_id(req)?;
    render_detail(req, depot, res, id, None).await
}

/// The payment form as typed, and what was wrong with it.
#[derive(Debug, Default)]
struct PaymentProblem {
    status: Option<StatusCode>,
    message: Option<String>,
    errors: FieldErrors,
    values: BTreeMap<&'static str, String>,
}

async fn render_detail(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    id: i64,
    problem: Option<PaymentProblem>,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, READERS)?.actor.clone();
    let state = state::of(depot)?.clone();
    let today = state.clock.today();
    let mut conn = state.pool.acquire().await?;
    let inv = invoice::get(&mut conn, &actor, id).await?;
    let payments = invoice::payments(&mut conn, &actor, id).await?;
    let history = history::of(&mut conn, Entity::Invoice, id).await?;
    drop(conn);
    let problem = problem.unwrap_or_default();
    if let Some(status) = problem.status {
        res.status_code(status);
    }
    let mut values = problem.values;
    values.entry("paid_on").or_insert_with(|| today.to_string());
    values
        .entry("amount")
        .or_insert_with(|| inv.balance.to_string());
    values
        .entry("method")
        .or_insert_with(|| "TRANSFER".to_owned());
    let methods: Vec<Choice> = METHODS
        .iter()
        .map(|(m, label)| Choice {
            value: m.as_str(),
            label,
        })
        .collect();
    let mut ctx = Context::new();
    ctx.insert("days_late", &inv.days_overdue(today));
    ctx.insert("invoice", &inv);
    ctx.insert("payments", &payments);
    ctx.insert("history", &history);
    ctx.insert("methods", &methods);
    ctx.insert("can_pay", &(actor.role == Role::Finance && inv.balance > 0));
    ctx.insert("today", &today.to_string());
    ctx.insert("errors", &problem.errors);
    ctx.insert("values", &values);
    ctx.insert("problem", &problem.message);
    render::page(req, depot, res, "admin/invoice.html", ctx)
}

#[handler]
pub async fn record_payment(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, &[Role::Finance])?.actor.clone();
    let state = state::of(depot)?.clone();
    let id = path_id(req)?;
    let values: BTreeMap<&'static str, String> = BTreeMap::from([
        ("amount", form_text(req, "amount").await),
        ("paid_on", form_text(req, "paid_on").await),
        ("method", form_text(req, "method").await),
        ("reference", form_text(req, "reference").await),
    ]);
    let field = |k: &str| values.get(k).map(String::as_str).unwrap_or_default();

    let mut errors = FieldErrors::new();
    let amount = match field("amount").parse::<Money>() {
        Ok(m) => m.rupiah(),
        Err(e) => {
            errors.insert("amount".into(), e.to_string());
            0
        }
    };
    let paid_on = match NaiveDate::parse_from_str(field("paid_on").trim(), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.insert("paid_on".into(), "isi tanggal bayar".into());
            None
        }
    };
    let method = match field("method").parse::<PaymentMethod>() {
        Ok(m) => Some(m),
        Err(_) => {
            errors.insert("method".into(), "pilih cara bayar".into());
            None
        }
    };
    let (Some(paid_on), Some(method), true) = (paid_on, method, errors.is_empty()) else {
        let problem = PaymentProblem {
            status: Some(StatusCode::UNPROCESSABLE_ENTITY),
            message: Some("Data pembayaran belum benar".into()),
            errors,
            values,
        };
        return render_detail(req, depot, res, id, Some(problem)).await;
    };
    let input = NewPayment {
        amount,
        paid_on,
        method,
        reference: field("reference").to_owned(),
    };
    let mut tx = state.pool.begin().await?;
    match invoice::record_payment(&mut tx, &actor, &*state.clock, id, input).await {
        Ok(inv) => {
            tx.commit().await?;
            let message = if inv.balance == 0 {
                format!("Pembayaran dicatat; invoice {} lunas.", inv.number)
            } else {
                format!(
                    "Pembayaran dicatat; sisa tagihan {} {}.",
                    inv.number,
                    domain::money::format_rupiah(inv.balance)
                )
            };
            done(res, message, &format!("/invoices/{id}"));
            Ok(())
        }
        Err(e) => {
            tx.rollback().await?;
            let err = WebError::from(e);
            let problem = match (&err, field_errors(&err)) {
                (_, Some(fields)) => PaymentProblem {
                    status: Some(err.status()),
                    message: Some(err.public_message()),
                    errors: fields.clone(),
                    values,
                },
                (WebError::Conflict { .. }, None) => PaymentProblem {
                    status: Some(err.status()),
                    message: Some(err.public_message()),
                    errors: FieldErrors::new(),
                    values,
                },
                _ => return Err(err),
            };
            render_detail(req, depot, res, id, Some(problem)).await
        }
    }
}
