//! Orders from the stokis's mitra: the incoming list, one order with its mitra, its history and
//! whether the stock covers it, and the stokis's actions (confirm, reject with a reason, ship).

use domain::history::{self, Entity};
use domain::order::{self, OrderAction, OrderFilter, OrderItem, OrderStatus};
use domain::read::{related, stock_view};
use domain::{DomainError, FieldErrors, Role};
use salvo::http::StatusCode;
use salvo::{Depot, Request, Response, handler};
use serde::Serialize;
use tera::Context;

use crate::auth::CurrentUser;
use crate::error::WebError;
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
    outcome::render(req, depot, res, StatusCode::OK, "stokis/orders.html", ctx)
}

/// An order line with what the stokis holds of it.
#[derive(Debug, Serialize)]
struct CheckedItem {
    #[serde(flatten)]
    item: OrderItem,
    on_hand: i64,
    short: bool,
}

/// What the order page shows again after a refused action or a bad rejection reason.
#[derive(Default)]
struct Shown {
    status: Option<StatusCode>,
    message: Option<String>,
    errors: FieldErrors,
    reason: String,
}

async fn render_order(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    user: &CurrentUser,
    state: &AppState,
    id: i64,
    shown: Shown,
) -> Result<(), WebError> {
    let mut conn = state.pool.acquire().await?;
    let order = order::get(&mut conn, &user.actor, id).await?;
    let mitra = related::mitra_of_order(&mut conn, &user.actor, id).await?;
    let history = history::of(&mut conn, Entity::Order, id).await?;
    let ids: Vec<i64> = order.items.iter().map(|i| i.product_id).collect();
    let on_hand = stock_view::on_hand(&mut conn, order.stokis_id, &ids).await?;
    drop(conn);
    let items: Vec<CheckedItem> = order
        .items
        .iter()
        .map(|item| {
            let have = on_hand
                .iter()
                .find(|(p, _)| *p == item.product_id)
                .map_or(0, |(_, q)| *q);
            CheckedItem {
                item: item.clone(),
                on_hand: have,
                short: have < i64::from(item.qty),
            }
        })
        .collect();
    let stock_ok = items.iter().all(|i| !i.short);
    let open = matches!(order.status, OrderStatus::Pending | OrderStatus::Confirmed);
    let mut ctx = Context::new();
    ctx.insert("can_confirm", &(order.status == OrderStatus::Pending));
    ctx.insert("can_reject", &(order.status == OrderStatus::Pending));
    ctx.insert("can_ship", &(order.status == OrderStatus::Confirmed));
    ctx.insert("show_stock", &open);
    ctx.insert("stock_ok", &stock_ok);
    ctx.insert("items", &items);
    ctx.insert("order", &order);
    ctx.insert("mitra", &mitra);
    ctx.insert("history", &history);
    ctx.insert("message", &shown.message);
    ctx.insert("errors", &outcome::field_messages(shown.errors));
    ctx.insert("reason", &shown.reason);
    ctx.insert("reason_max", &domain::input::MAX_NOTE_CHARS);
    let status = shown.status.unwrap_or(StatusCode::OK);
    outcome::render(req, depot, res, status, "stokis/order.html", ctx)
}

#[handler]
pub async fn show(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let (user, state) = pages::who(depot, Role::Stokis)?;
    let id = query::id_param(req)?;
    render_order(req, depot, res, &user, &state, id, Shown::default()).await
}

async fn act(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    action: OrderAction,
) -> Result<(), WebError> {
    let (user, state) = pages::who(depot, Role::Stokis)?;
    let id = query::id_param(req)?;
    let reason = if action == OrderAction::Reject {
        let form = req
            .form_data()
            .await
            .map_err(|_| WebError::BadRequest("Formulir tidak dapat dibaca".to_owned()))?;
        Some(form.fields.get("reason").cloned().unwrap_or_default())
    } else {
        None
    };
    let mut tx = state.pool.begin().await?;
    let result = order::apply(
        &mut tx,
        &user.actor,
        &*state.clock,
        id,
        action,
        reason.as_deref(),
    )
    .await;
    match result {
        Ok(order) => {
            tx.commit().await?;
            let message = match action {
                OrderAction::Confirm => format!(
                    "Pesanan {} dikonfirmasi. Kirim setelah barang siap.",
                    order.number
                ),
                OrderAction::Reject => format!("Pesanan {} ditolak.", order.number),
                _ => format!(
                    "Pesanan {} dikirim; stok sudah dikurangi dan mitra diberi tahu.",
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
            let Some((status, message)) = outcome::refusal(&e) else {
                return Err(e.into());
            };
            let shown = match e {
                DomainError::Validation(errors) => Shown {
                    status: Some(status),
                    message: None,
                    errors,
                    reason: reason.unwrap_or_default(),
                },
                _ => Shown {
                    status: Some(status),
                    message: Some(message),
                    errors: FieldErrors::new(),
                    reason: reason.unwrap_or_default(),
                },
            };
            render_order(req, depot, res, &user, &state, id, shown).await
        }
    }
}

#[handler]
pub async fn confirm(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    act(req, depot, res, OrderAction::Confirm).await
}

#[handler]
pub async fn reject(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    act(req, depot, res, OrderAction::Reject).await
}

#[handler]
pub async fn ship(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    act(req, depot, res, OrderAction::Ship).await
}
