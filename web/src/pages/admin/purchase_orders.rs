//! Purchase orders for every admin role: the list (status filter, search) and the detail page
//! with items, status history, the invoice once shipped, and the panel of the role's next step —
//! finance's approve/reject forms with the stokis's credit position, gudang's stock check and
//! ship button. Refused actions come back here with their message and the entered values.

use std::collections::BTreeMap;

use domain::history::{self, Entity};
use domain::purchase_order::{self, PoFilter, PoStatus};
use domain::{FieldErrors, Role};
use salvo::http::StatusCode;
use salvo::{Depot, Request, Response, handler};
use serde::Serialize;
use tera::Context;

use super::{PER_PAGE, STAFF, path_id, query_id};
use crate::auth;
use crate::error::WebError;
use crate::pages::pager::{Filters, Pager};
use crate::pages::query;
use crate::render;
use crate::state;

#[derive(Debug, Serialize)]
struct StatusOption {
    value: &'static str,
    label: &'static str,
}

const STATUSES: [PoStatus; 6] = [
    PoStatus::Submitted,
    PoStatus::Approved,
    PoStatus::Shipped,
    PoStatus::Received,
    PoStatus::Rejected,
    PoStatus::Cancelled,
];

#[handler]
pub async fn list(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, STAFF)?.actor.clone();
    let state = state::of(depot)?.clone();
    let status_text = query::text(req, "status");
    let status = status_text
        .as_deref()
        .and_then(|s| s.parse::<PoStatus>().ok());
    let search = query::text(req, "q");
    let stokis_id = query_id(req, "stokis");
    let page = query::page(req);
    let filter = PoFilter {
        status,
        stokis_id,
        search: search.clone(),
        page,
        per_page: PER_PAGE,
        oldest_first: false,
    };
    let mut conn = state.pool.acquire().await?;
    let (rows, total) = purchase_order::list(&mut conn, &actor, &filter).await?;
    drop(conn);
    let path = "/purchase-orders";
    let filters = Filters::new()
        .set("status", status.map(|s| s.as_str()))
        .set("q", search.clone())
        .set("stokis", stokis_id);
    let mut ctx = Context::new();
    ctx.insert("rows", &rows);
    ctx.insert("pager", &Pager::new(path, &filters, page, PER_PAGE, total));
    ctx.insert("status", status.map(|s| s.as_str()).unwrap_or(""));
    ctx.insert("q", &search.unwrap_or_default());
    ctx.insert("stokis", &stokis_id);
    let options: Vec<StatusOption> = STATUSES
        .iter()
        .map(|s| StatusOption {
            value: s.as_str(),
            label: s.label(),
        })
        .collect();
    ctx.insert("statuses", &options);
    render::page(req, depot, res, "admin/purchase_orders.html", ctx)
}

#[handler]
pub async fn show(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    auth::require_role(depot, STAFF)?;
    let id = path_id(req)?;
    render_detail(req, depot, res, id, None).await
}

/// An action on the PO that was refused, shown on the detail page with what was typed.
#[derive(Debug, Default)]
pub(super) struct Problem {
    pub status: Option<StatusCode>,
    pub message: String,
    pub errors: FieldErrors,
    /// Which form it came from: `approve`, `reject`, `ship`.
    pub form: &'static str,
    pub values: BTreeMap<&'static str, String>,
}

impl Problem {
    /// The problem for a refused action, or the error itself when the page can't help
    /// (not found, forbidden, internal).
    pub(super) fn from_error(
        err: WebError,
        form: &'static str,
        values: BTreeMap<&'static str, String>,
    ) -> Result<Problem, WebError> {
        match err {
            WebError::Validation { message, fields } => Ok(Problem {
                status: Some(StatusCode::UNPROCESSABLE_ENTITY),
                message,
                errors: fields,
                form,
                values,
            }),
            e @ WebError::Conflict { .. } => Ok(Problem {
                status: Some(e.status()),
                message: e.public_message(),
                errors: FieldErrors::new(),
                form,
                values,
            }),
            other => Err(other),
        }
    }
}

/// The detail page; with `problem`, answered with its status so a refused action is not a 200.
pub(super) async fn render_detail(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    id: i64,
    problem: Option<Problem>,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, STAFF)?.actor.clone();
    let state = state::of(depot)?.clone();
    let today = state.clock.today();
    let mut conn = state.pool.acquire().await?;
    let po = purchase_order::get(&mut conn, &actor, id).await?;
    let stokis = domain::master::stokis::get(&mut conn, po.stokis_id).await?;
    let history = history::of(&mut conn, Entity::PurchaseOrder, id).await?;
    let invoice = if matches!(actor.role, Role::Finance | Role::Pusat) {
        domain::read::invoice_search::of_purchase_order(&mut conn, id).await?
    } else {
        None
    };
    let mut ctx = Context::new();
    if actor.role == Role::Finance && po.status == PoStatus::Submitted {
        let credit = purchase_order::position(&mut conn, po.stokis_id, today).await?;
        ctx.insert("blocked", &credit.blocks(po.total));
        ctx.insert(
            "remaining_after",
            &credit.remaining().saturating_sub(po.total),
        );
        ctx.insert("credit", &credit);
    }
    if actor.role == Role::Gudang && po.status == PoStatus::Approved {
        let check = domain::warehouse::check_po(&mut conn, id).await?;
        let short = check.iter().filter(|l| l.short > 0).count();
        ctx.insert("stock_check", &check);
        ctx.insert("short_lines", &short);
    }
    drop(conn);
    ctx.insert("po", &po);
    ctx.insert("stokis", &stokis);
    ctx.insert("history", &history);
    ctx.insert("invoice", &invoice);
    ctx.insert("role", actor.role.as_str());
    let (errors, values, form, message) = match problem {
        Some(p) => {
            if let Some(status) = p.status {
                res.status_code(status);
            }
            (p.errors, p.values, p.form, Some(p.message))
        }
        None => (FieldErrors::new(), BTreeMap::new(), "", None),
    };
    ctx.insert("errors", &errors);
    ctx.insert("values", &values);
    ctx.insert("problem_form", form);
    ctx.insert("problem", &message);
    render::page(req, depot, res, "admin/purchase_order.html", ctx)
}
