//! FINANCE: the PO approval queue with each stokis's outstanding balance, committed POs and
//! credit limit; approving (over the limit or with a long-overdue invoice only with an override
//! reason, which is recorded) and rejecting with a reason.

use std::collections::BTreeMap;

use domain::Role;
use domain::purchase_order::PoStatus;
use domain::read::approval_queue::{self, QueueFilter};
use salvo::{Depot, Request, Response, handler};
use tera::Context;

use super::purchase_orders::{Problem, render_detail};
use super::{PER_PAGE, back_to, done, form_text, path_id, query_id};
use crate::auth;
use crate::error::WebError;
use crate::pages::pager::{Filters, Pager};
use crate::pages::{outcome, query};
use crate::render;
use crate::state;

#[handler]
pub async fn queue(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    auth::require_role(depot, &[Role::Finance])?;
    let state = state::of(depot)?.clone();
    let search = query::text(req, "q");
    let stokis_id = query_id(req, "stokis");
    let page = query::page(req);
    let filter = QueueFilter {
        search: search.clone(),
        stokis_id,
        page,
        per_page: PER_PAGE,
    };
    let mut conn = state.pool.acquire().await?;
    let (rows, total) = approval_queue::queue(&mut conn, state.clock.today(), &filter).await?;
    drop(conn);
    let path = "/approvals";
    let filters = Filters::new()
        .set("q", search.clone())
        .set("stokis", stokis_id);
    let mut ctx = Context::new();
    ctx.insert("pager", &Pager::new(path, &filters, page, PER_PAGE, total));
    ctx.insert("rows", &rows);
    ctx.insert("q", &search.unwrap_or_default());
    ctx.insert("back", &filters.href(path, page));
    render::page(req, depot, res, "admin/approvals.html", ctx)
}

#[handler]
pub async fn approve(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, &[Role::Finance])?.actor.clone();
    let state = state::of(depot)?.clone();
    let id = path_id(req)?;
    let reason = form_text(req, "override_reason").await;
    let back = back_to(req, &format!("/purchase-orders/{id}")).await;
    let override_reason = Some(reason.trim()).filter(|r| !r.is_empty());
    let mut tx = state.pool.begin().await?;
    match domain::purchase_order::approve(&mut tx, &actor, &*state.clock, id, override_reason).await
    {
        Ok(po) => {
            tx.commit().await?;
            let how = if po.credit_override_reason.is_some() {
                " dengan override kredit"
            } else {
                ""
            };
            done(res, format!("{} disetujui{how}.", po.number), &back);
            Ok(())
        }
        Err(e) => {
            tx.rollback().await?;
            if outcome::is_wrong_state(&e) {
                let mut conn = state.pool.acquire().await?;
                let now = domain::purchase_order::get(&mut conn, &actor, id).await?;
                drop(conn);
                if now.status == PoStatus::Approved {
                    let what = format!("PO {}", now.number);
                    outcome::already(res, &what, now.status.label(), &back);
                    return Ok(());
                }
            }
            let values = BTreeMap::from([("override_reason", reason)]);
            let problem = Problem::from_error(e.into(), "approve", values)?;
            render_detail(req, depot, res, id, Some(problem)).await
        }
    }
}

#[handler]
pub async fn reject(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, &[Role::Finance])?.actor.clone();
    let state = state::of(depot)?.clone();
    let id = path_id(req)?;
    let reason = form_text(req, "reason").await;
    let back = back_to(req, &format!("/purchase-orders/{id}")).await;
    let mut tx = state.pool.begin().await?;
    match domain::purchase_order::apply(
        &mut tx,
        &actor,
        &*state.clock,
        id,
        domain::purchase_order::PoAction::Reject,
        Some(&reason),
    )
    .await
    {
        Ok(po) => {
            tx.commit().await?;
            done(res, format!("{} ditolak.", po.number), &back);
            Ok(())
        }
        Err(e) => {
            tx.rollback().await?;
            let values = BTreeMap::from([("reason", reason)]);
            let problem = Problem::from_error(e.into(), "reject", values)?;
            render_detail(req, depot, res, id, Some(problem)).await
        }
    }
}
