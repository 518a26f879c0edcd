//! GUDANG: approved POs to ship with a warehouse stock check (a PO with a short line cannot be
//! shipped: the button is off, and the domain refuses anyway), shipping one (which takes
//! warehouse stock and issues the invoice), shipped POs, and warehouse stock.

use std::collections::BTreeMap;

use domain::Role;
use domain::purchase_order::{PoAction, PoStatus};
use domain::warehouse::{self, QueueFilter, StockFilter};
use salvo::{Depot, Request, Response, handler};
use tera::Context;

use super::purchase_orders::{Problem, render_detail};
use super::{PER_PAGE, back_to, done, path_id, query_bool};
use crate::auth;
use crate::error::WebError;
use crate::pages::pager::{Filters, Pager};
use crate::pages::{outcome, query};
use crate::render;
use crate::state;

async fn queue_page(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    shipped: bool,
) -> Result<(), WebError> {
    let state = state::of(depot)?.clone();
    let search = query::text(req, "q");
    let page = query::page(req);
    let filter = QueueFilter {
        shipped,
        search: search.clone(),
        page,
        per_page: PER_PAGE,
    };
    let mut conn = state.pool.acquire().await?;
    let (rows, total) = warehouse::queue(&mut conn, &filter).await?;
    drop(conn);
    let path = if shipped { "/shipped" } else { "/shipping" };
    let filters = Filters::new().set("q", search.clone());
    let mut ctx = Context::new();
    ctx.insert("pager", &Pager::new(path, &filters, page, PER_PAGE, total));
    ctx.insert("rows", &rows);
    ctx.insert("q", &search.unwrap_or_default());
    ctx.insert("shipped", &shipped);
    ctx.insert("back", &filters.href(path, page));
    render::page(req, depot, res, "admin/shipping.html", ctx)
}

#[handler]
pub async fn to_ship(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    auth::require_role(depot, &[Role::Gudang])?;
    queue_page(req, depot, res, false).await
}

#[handler]
pub async fn shipped_list(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    auth::require_role(depot, &[Role::Gudang, Role::Pusat])?;
    queue_page(req, depot, res, true).await
}

#[handler]
pub async fn ship(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, &[Role::Gudang])?.actor.clone();
    let state = state::of(depot)?.clone();
    let id = path_id(req)?;
    let back = back_to(req, &format!("/purchase-orders/{id}")).await;
    let mut tx = state.pool.begin().await?;
    match domain::purchase_order::apply(&mut tx, &actor, &*state.clock, id, PoAction::Ship, None)
        .await
    {
        Ok(po) => {
            tx.commit().await?;
            done(
                res,
                format!("PO {} dikirim; invoice sudah diterbitkan.", po.number),
                &back,
            );
            Ok(())
        }
        Err(e) => {
            tx.rollback().await?;
            if outcome::is_wrong_state(&e) {
                let mut conn = state.pool.acquire().await?;
                let now = domain::purchase_order::get(&mut conn, &actor, id).await?;
                drop(conn);
                if now.status == PoStatus::Shipped {
                    let what = format!("PO {}", now.number);
                    outcome::already(res, &what, now.status.label(), &back);
                    return Ok(());
                }
            }
            let problem = Problem::from_error(e.into(), "ship", BTreeMap::new())?;
            render_detail(req, depot, res, id, Some(problem)).await
        }
    }
}

#[handler]
pub async fn warehouse_stock(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    auth::require_role(depot, &[Role::Gudang, Role::Pusat])?;
    let state = state::of(depot)?.clone();
    let search = query::text(req, "q");
    let short_only = query_bool(req, "short") == Some(true);
    let page = query::page(req);
    let filter = StockFilter {
        search: search.clone(),
        short_only,
        page,
        per_page: PER_PAGE,
    };
    let mut conn = state.pool.acquire().await?;
    let (rows, total) = warehouse::stock(&mut conn, &filter).await?;
    drop(conn);
    let path = "/warehouse-stock";
    let filters = Filters::new()
        .set("q", search.clone())
        .set("short", short_only.then_some(1));
    let mut ctx = Context::new();
    ctx.insert("pager", &Pager::new(path, &filters, page, PER_PAGE, total));
    ctx.insert("rows", &rows);
    ctx.insert("q", &search.unwrap_or_default());
    ctx.insert("short", &short_only);
    render::page(req, depot, res, "admin/warehouse_stock.html", ctx)
}
