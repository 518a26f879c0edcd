//! `/dashboard` for a stokis: new mitra orders, orders to ship, low stock, open invoices and
//! their balance, and the credit left for new purchase orders.

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
    let (user, state) = pages::who(depot, Role::Stokis)?;
    let mut conn = state.pool.acquire().await?;
    let dashboard =
        domain::read::dashboard::stokis(&mut conn, &user.actor, state.clock.today()).await?;
    drop(conn);
    let mut ctx = Context::new();
    ctx.insert("d", &dashboard);
    ctx.insert(
        "max_days_overdue",
        &domain::purchase_order::credit::MAX_DAYS_OVERDUE,
    );
    outcome::render(
        req,
        depot,
        res,
        StatusCode::OK,
        "stokis/dashboard.html",
        ctx,
    )
}
