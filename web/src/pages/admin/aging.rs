//! FINANCE (and PUSAT): the aging summary as of a date (today by default) — per stokis, the
//! balance not yet due and 1–30, 31–60, 61–90, more than 90 days past due, with totals.

use domain::Role;
use domain::read::aging;
use salvo::{Depot, Request, Response, handler};
use tera::Context;

use super::PER_PAGE;
use crate::auth;
use crate::error::WebError;
use crate::pages::pager::{Filters, Pager};
use crate::pages::query;
use crate::render;
use crate::state;

#[handler]
pub async fn show(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    auth::require_role(depot, &[Role::Finance, Role::Pusat])?;
    let state = state::of(depot)?.clone();
    let today = state.clock.today();
    // A future date would show balances that do not exist yet.
    let as_of = query::date(req, "as_of")
        .filter(|d| *d <= today)
        .unwrap_or(today);
    let search = query::text(req, "q");
    let page = query::page(req);
    let mut conn = state.pool.acquire().await?;
    let all = aging::by_stokis(&mut conn, as_of, search.as_deref()).await?;
    drop(conn);
    let totals = aging::totals(&all);
    let total = all.len() as i64;
    let start = ((page - 1) as usize).saturating_mul(PER_PAGE as usize);
    let rows: Vec<_> = all
        .into_iter()
        .skip(start)
        .take(PER_PAGE as usize)
        .collect();
    let path = "/aging";
    let filters = Filters::new()
        .set("as_of", (as_of != today).then_some(as_of))
        .set("q", search.clone());
    let mut ctx = Context::new();
    ctx.insert("pager", &Pager::new(path, &filters, page, PER_PAGE, total));
    ctx.insert("rows", &rows);
    ctx.insert("totals", &totals);
    ctx.insert("as_of", &as_of.to_string());
    ctx.insert("is_today", &(as_of == today));
    ctx.insert("today", &today.to_string());
    ctx.insert("q", &search.unwrap_or_default());
    ctx.insert("export_href", &filters.href("/aging/export", 1));
    render::page(req, depot, res, "admin/aging.html", ctx)
}

/// `Unduh Excel`: every stokis of the summary (all pages) as of the same date and search.
#[handler]
pub async fn export(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    auth::require_role(depot, &[Role::Finance, Role::Pusat])?;
    let state = state::of(depot)?.clone();
    let today = state.clock.today();
    let as_of = query::date(req, "as_of")
        .filter(|d| *d <= today)
        .unwrap_or(today);
    let search = query::text(req, "q");
    let mut conn = state.pool.acquire().await?;
    let rows = aging::by_stokis(&mut conn, as_of, search.as_deref()).await?;
    drop(conn);
    let totals = aging::totals(&rows);
    let doc =
        domain::report::export::aging(&rows, &totals, as_of, search.as_deref(), state.clock.now());
    crate::download::xlsx(res, &doc)
}
