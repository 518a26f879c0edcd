//! `/dashboard`: this month's figures for head office, and each role's open work (POs to
//! approve for finance, POs to ship for gudang, master data shortcuts for pusat).

use salvo::{Depot, Request, Response, handler};
use tera::Context;

use super::STAFF;
use crate::auth;
use crate::error::WebError;
use crate::render;
use crate::state;

#[handler]
pub async fn show(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let role = auth::require_role(depot, STAFF)?.actor.role;
    let state = state::of(depot)?;
    let mut conn = state.pool.acquire().await?;
    let overview = domain::read::dashboard_admin::overview(&mut conn, state.clock.today()).await?;
    drop(conn);
    let mut ctx = Context::new();
    ctx.insert("overview", &overview);
    ctx.insert("role", role.as_str());
    render::page(req, depot, res, "admin/dashboard.html", ctx)
}
