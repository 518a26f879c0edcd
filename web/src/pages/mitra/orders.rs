//! A mitra's orders: the new-order form and placing it, the list, one order with its history,
//! and the two things a mitra does to an order (cancel while pending, confirm delivery).

use domain::history::{self, Entity};
use domain::order::{self, NewOrder, OrderAction, OrderFilter, OrderStatus};
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
    let (user, state) = pages::who(depot, Role::Mitra)?;
    let filter = OrderFilter {
        status: query::choice(req, "status"),
        search: query::text(req, "q"),
        page: query::page(req),
        per_page: PER_PAGE,
        ..OrderFilter::default()
    };
    let mut conn = state.pool.acquire().await?;
    let (orders, total) = order::list(&mut conn, &user.actor, &filter).await?;
    drop(conn);
    let filters = Filters::new()
        .set("status", filter.status.map(|s| s.as_str()))
        .set("q", filter.search.as_deref());
    let mut ctx = Context::new();
    ctx.insert("orders", &orders);
    ctx.insert("statuses", OrderStatus::ALL);
    ctx.insert("status", &filter.status);
    ctx.insert("q", &filter.search);
    ctx.insert(
        "pager",
        &Pager::new("/orders", &filters, filter.page, PER_PAGE, total),
    );
    outcome::render(req, depot, res, StatusCode::OK, "mitra/orders.html", ctx)
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
    let supplier = catalogue::supplier_name(&mut conn, &user.actor).await?;
    drop(conn);
    let mut ctx = line_form::context(items, entered, "Stok stokis", "Kirim pesanan");
    ctx.insert("supplier", &supplier);
    outcome::render(req, depot, res, status, "mitra/order_new.html", ctx)
}

/// `/orders/new` (`?product=<id>` starts with one of that product).
#[handler]
pub async fn new_form(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let (user, state) = pages::who(depot, Role::Mitra)?;
    let entered = Entered::starting(req);
    render_form(req, depot, res, &user, &state, StatusCode::OK, entered).await
}

/// `POST /orders`: places the order, or shows the form again with the messages and what was
/// entered (nothing is written then).
#[handler]
pub async fn create(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let (user, state) = pages::who(depot, Role::Mitra)?;
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
    let input = NewOrder {
        items: lines.lines.clone(),
        note: entered.note.clone(),
        idempotency_key: entered.idempotency_key(),
    };
    let mut tx = state.pool.begin().await?;
    match order::place(&mut tx, &user.actor, &*state.clock, input).await {
        Ok(placed) => {
            tx.commit().await?;
            let message = if placed.created {
                format!(
                    "Pesanan {} terkirim ke stokis. Total {}.",
                    placed.order.number,
                    domain::money::format_rupiah(placed.order.total)
                )
            } else {
                format!("Pesanan {} sudah tercatat sebelumnya.", placed.order.number)
            };
            outcome::done(res, &message, &format!("/orders/{}", placed.order.id));
            Ok(())
        }
        Err(e) => {
            drop(tx);
            let (status, entered) = line_form::refused(&lines, entered, e)?;
            render_form(req, depot, res, &user, &state, status, entered).await
        }
    }
}

/// The order page; `refused` is the message of an action that was just refused.
async fn render_order(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    user: &CurrentUser,
    state: &AppState,
    id: i64,
    refused: Option<(StatusCode, String)>,
) -> Result<(), WebError> {
    let mut conn = state.pool.acquire().await?;
    let order = order::get(&mut conn, &user.actor, id).await?;
    let stokis = related::stokis_of_order(&mut conn, &user.actor, id).await?;
    let history = history::of(&mut conn, Entity::Order, id).await?;
    drop(conn);
    let (status, message) = match refused {
        Some((s, m)) => (s, Some(m)),
        None => (StatusCode::OK, None),
    };
    let mut ctx = Context::new();
    ctx.insert("can_cancel", &(order.status == OrderStatus::Pending));
    ctx.insert("can_deliver", &(order.status == OrderStatus::Shipped));
    ctx.insert("order", &order);
    ctx.insert("stokis", &stokis);
    ctx.insert("history", &history);
    ctx.insert("message", &message);
    outcome::render(req, depot, res, status, "mitra/order.html", ctx)
}

#[handler]
pub async fn show(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let (user, state) = pages::who(depot, Role::Mitra)?;
    let id = query::id_param(req)?;
    render_order(req, depot, res, &user, &state, id, None).await
}

async fn act(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    action: OrderAction,
) -> Result<(), WebError> {
    let (user, state) = pages::who(depot, Role::Mitra)?;
    let id = query::id_param(req)?;
    let mut tx = state.pool.begin().await?;
    match order::apply(&mut tx, &user.actor, &*state.clock, id, action, None).await {
        Ok(order) => {
            tx.commit().await?;
            let message = match action {
                OrderAction::Cancel => format!("Pesanan {} dibatalkan.", order.number),
                _ => format!(
                    "Terima kasih! Pesanan {} tercatat sudah diterima.",
                    order.number
                ),
            };
            outcome::done(res, &message, &format!("/orders/{id}"));
            Ok(())
        }
        Err(e) => {
            drop(tx);
            if let Some(reached) = outcome::order_reached(action)
                && outcome::is_wrong_state(&e)
            {
                let mut conn = state.pool.acquire().await?;
                let now = order::get(&mut conn, &user.actor, id).await?;
                drop(conn);
                if now.status == reached {
                    let what = format!("Pesanan {}", now.number);
                    outcome::already(res, &what, now.status.label(), &format!("/orders/{id}"));
                    return Ok(());
                }
            }
            match outcome::refusal(&e) {
                Some(refused) => {
                    render_order(req, depot, res, &user, &state, id, Some(refused)).await
                }
                None => Err(e.into()),
            }
        }
    }
}

#[handler]
pub async fn cancel(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    act(req, depot, res, OrderAction::Cancel).await
}

#[handler]
pub async fn deliver(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    act(req, depot, res, OrderAction::Deliver).await
}
