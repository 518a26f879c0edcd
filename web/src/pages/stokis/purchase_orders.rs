//! The stokis's purchase orders to head office: the new-PO form (every product with the
//! stokis's stock and reorder level) and submitting it, the list, one PO with its history and
//! invoice, and the stokis's actions on it (cancel while submitted, receive when shipped).

use domain::history::{self, Entity};
use domain::purchase_order::{self, NewPurchaseOrder, PoAction, PoFilter, PoStatus};
use domain::read::related;
use domain::{Role, catalogue};
use salvo::http::StatusCode;
use salvo::{Depot, Request, Response, handler};
use tera::Context;

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::pages::line_form::{self, Entered};
use crate::pages::pager::{Filters, PER_PAGE, Pager};
use crate::pages::{self, outcome, query};
use crate::state::AppState;

#[handler]
pub async fn list(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let (user, state) = pages::who(depot, Role::Stokis)?;
    let filter = PoFilter {
        status: query::choice(req, "status"),
        search: query::text(req, "q"),
        page: query::page(req),
        per_page: PER_PAGE,
        ..PoFilter::default()
    };
    let mut conn = state.pool.acquire().await?;
    let (pos, total) = purchase_order::list(&mut conn, &user.actor, &filter).await?;
    drop(conn);
    let filters = Filters::new()
        .set("status", filter.status.map(|s| s.as_str()))
        .set("q", filter.search.as_deref());
    let mut ctx = Context::new();
    ctx.insert("purchase_orders", &pos);
    ctx.insert("statuses", PoStatus::ALL);
    ctx.insert("status", &filter.status);
    ctx.insert("q", &filter.search);
    ctx.insert(
        "pager",
        &Pager::new("/purchase-orders", &filters, filter.page, PER_PAGE, total),
    );
    outcome::render(
        req,
        depot,
        res,
        StatusCode::OK,
        "stokis/purchase_orders.html",
        ctx,
    )
}

async fn render_form(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    user: &CurrentUser,
    state: &AppState,
    status: StatusCode,
    entered: Entered,
) -> Result<(), WebError> {
    let mut conn = state.pool.acquire().await?;
    let items = catalogue::for_form(&mut conn, &user.actor).await?;
    let credit = match user.actor.stokis_id {
        Some(id) => Some(purchase_order::position(&mut conn, id, state.clock.today()).await?),
        None => None,
    };
    drop(conn);
    let mut ctx = line_form::context(items, entered, "Stok Anda", "Ajukan PO");
    ctx.insert("credit_remaining", &credit.as_ref().map(|c| c.remaining()));
    ctx.insert("credit", &credit);
    outcome::render(
        req,
        depot,
        res,
        status,
        "stokis/purchase_order_new.html",
        ctx,
    )
}

/// `/purchase-orders/new` (`?product=<id>` starts with one line of that product; `?low=1`
/// fills every product below its reorder level up to twice that level).
#[handler]
pub async fn new_form(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let (user, state) = pages::who(depot, Role::Stokis)?;
    let mut entered = Entered::starting(req);
    if query::flag(req, "low") {
        let mut conn = state.pool.acquire().await?;
        let items = catalogue::for_form(&mut conn, &user.actor).await?;
        drop(conn);
        for item in items.iter().filter(|i| i.stock < i.min_qty) {
            entered.values.insert(
                format!("{}{}", line_form::QTY_PREFIX, item.id),
                (item.min_qty * 2 - item.stock).to_string(),
            );
        }
    }
    render_form(req, depot, res, &user, &state, StatusCode::OK, entered).await
}

/// `POST /purchase-orders`: submits the PO, or shows the form again with the messages and what
/// was entered (nothing is written then).
#[handler]
pub async fn create(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let (user, state) = pages::who(depot, Role::Stokis)?;
    let (lines, entered) = line_form::read(req).await?;
    if !entered.errors.is_empty() {
        return render_form(
            req,
            depot,
            res,
            &user,
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            entered,
        )
        .await;
    }
    let input = NewPurchaseOrder {
        items: lines.lines.clone(),
        note: entered.note.clone(),
        idempotency_key: entered.idempotency_key(),
    };
    let mut tx = state.pool.begin().await?;
    match purchase_order::submit(&mut tx, &user.actor, &*state.clock, input).await {
        Ok(submitted) => {
            tx.commit().await?;
            let po = submitted.purchase_order;
            let message = if submitted.created {
                format!(
                    "{} diajukan ke pusat ({}). Menunggu persetujuan Finance.",
                    po.number,
                    domain::money::format_rupiah(po.total)
                )
            } else {
                format!("{} sudah tercatat sebelumnya.", po.number)
            };
            outcome::done(res, &message, &format!("/purchase-orders/{}", po.id));
            Ok(())
        }
        Err(e) => {
            drop(tx);
            let (status, entered) = line_form::refused(&lines, entered, e)?;
            render_form(req, depot, res, &user, &state, status, entered).await
        }
    }
}

async fn render_po(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    user: &CurrentUser,
    state: &AppState,
    id: i64,
    refused: Option<(StatusCode, String)>,
) -> Result<(), WebError> {
    let mut conn = state.pool.acquire().await?;
    let po = purchase_order::get(&mut conn, &user.actor, id).await?;
    let invoice = related::invoice_of_purchase_order(&mut conn, &user.actor, id).await?;
    let history = history::of(&mut conn, Entity::PurchaseOrder, id).await?;
    drop(conn);
    let (status, message) = match refused {
        Some((s, m)) => (s, Some(m)),
        None => (StatusCode::OK, None),
    };
    let mut ctx = Context::new();
    ctx.insert("can_cancel", &(po.status == PoStatus::Submitted));
    ctx.insert("can_receive", &(po.status == PoStatus::Shipped));
    ctx.insert("po", &po);
    ctx.insert("invoice", &invoice);
    ctx.insert("history", &history);
    ctx.insert("message", &message);
    outcome::render(req, depot, res, status, "stokis/purchase_order.html", ctx)
}

#[handler]
pub async fn show(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let (user, state) = pages::who(depot, Role::Stokis)?;
    let id = query::id_param(req)?;
    render_po(req, depot, res, &user, &state, id, None).await
}

async fn act(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    action: PoAction,
) -> Result<(), WebError> {
    let (user, state) = pages::who(depot, Role::Stokis)?;
    let id = query::id_param(req)?;
    let mut tx = state.pool.begin().await?;
    match purchase_order::apply(&mut tx, &user.actor, &*state.clock, id, action, None).await {
        Ok(po) => {
            tx.commit().await?;
            let message = match action {
                PoAction::Cancel => format!("{} dibatalkan.", po.number),
                _ => format!("PO {} diterima; stok Anda sudah bertambah.", po.number),
            };
            outcome::done(res, &message, &format!("/purchase-orders/{id}"));
            Ok(())
        }
        Err(e) => {
            drop(tx);
            match outcome::refusal(&e) {
                Some(refused) => render_po(req, depot, res, &user, &state, id, Some(refused)).await,
                None => Err(e.into()),
            }
        }
    }
}

#[handler]
pub async fn receive(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    act(req, depot, res, PoAction::Receive).await
}

#[handler]
pub async fn cancel(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    act(req, depot, res, PoAction::Cancel).await
}
