//! `/dashboard` for a mitra: its stokis, open orders, this month's spend, recent orders.

use domain::Role;
use salvo::http::StatusCode;
use salvo::{Depot, Request, Response, handler};
use tera::Context;

use crate::error::WebError;
use crate::pages::{self, outcome};

#[handler]
pub async fn show(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let (user, state) = pages::who(depot, Role::Mitra)?;
    let mut conn = state.pool.acquire().await?;
    let dashboard =
        domain::read::dashboard::mitra(&mut conn, &user.actor, state.clock.today()).await?;
    drop(conn);
    let mut ctx = Context::new();
    ctx.insert("d", &dashboard);
    outcome::render(req, depot, res, StatusCode::OK, "mitra/dashboard.html", ctx)
}
