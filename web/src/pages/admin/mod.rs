//! The admin portal's logged-in pages (`admin.<base>`), for head office's three roles:
//! FINANCE (PO approvals, invoices and payments, aging), GUDANG (shipping approved POs, warehouse
//! stock) and PUSAT (the overview and master data). Every handler checks the role with
//! `auth::require_role` and then lets the domain check again; handlers parse, call the domain,
//! and render. Lists use the portals' shared pager (`pages::pager`); shared here: the role sets,
//! form reading and the endings of actions.

mod aging;
mod approvals;
mod dashboard;
mod imports;
mod invoices;
mod master_mitra;
mod master_products;
mod master_stokis;
mod master_users;
mod ops;
mod purchase_orders;
mod reports;
mod shipping;

use domain::{DomainError, FieldErrors, Role};
use salvo::http::StatusCode;
use salvo::writing::Redirect;
use salvo::{Request, Response, Router};
use serde::Serialize;
use sqlx::{Postgres, Transaction};
use tera::Context;

use crate::auth;
use crate::error::WebError;
use crate::flash;
use crate::pages::{outcome, pager, query};

/// Everyone on this portal.
pub(crate) const STAFF: &[Role] = &[Role::Pusat, Role::Finance, Role::Gudang];
/// Rows per page of every list.
pub(crate) const PER_PAGE: u32 = pager::PER_PAGE;

/// The routes of this portal's pages, mounted behind the admin host filter (and the auth hoops).
pub fn router() -> Router {
    Router::new()
        .push(Router::with_path("dashboard").get(dashboard::show))
        // FINANCE
        .push(Router::with_path("approvals").get(approvals::queue))
        .push(Router::with_path("purchase-orders/{id:num}/approve").post(approvals::approve))
        .push(Router::with_path("purchase-orders/{id:num}/reject").post(approvals::reject))
        .push(Router::with_path("invoices").get(invoices::list))
        .push(Router::with_path("invoices/export").get(invoices::export))
        .push(Router::with_path("invoices/{id:num}").get(invoices::show))
        .push(Router::with_path("invoices/{id:num}/payments").post(invoices::record_payment))
        .push(Router::with_path("invoices/{id:num}/pdf").get(super::document::invoice_pdf))
        .push(Router::with_path("aging").get(aging::show))
        .push(Router::with_path("aging/export").get(aging::export))
        // FINANCE and PUSAT: reports (schedules: FINANCE)
        .push(
            Router::with_path("reports")
                .get(reports::show)
                .post(reports::request),
        )
        .push(Router::with_path("reports/{id:num}/retry").post(reports::retry))
        .push(Router::with_path("reports/{id:num}/file").get(reports::file))
        .push(Router::with_path("report-schedules").post(reports::create_schedule))
        .push(Router::with_path("report-schedules/{id:num}/pause").post(reports::pause_schedule))
        .push(Router::with_path("report-schedules/{id:num}/resume").post(reports::resume_schedule))
        .push(Router::with_path("report-schedules/{id:num}/delete").post(reports::delete_schedule))
        // GUDANG
        .push(Router::with_path("shipping").get(shipping::to_ship))
        .push(Router::with_path("shipped").get(shipping::shipped_list))
        .push(Router::with_path("purchase-orders/{id:num}/ship").post(shipping::ship))
        .push(Router::with_path("warehouse-stock").get(shipping::warehouse_stock))
        // every admin role
        .push(Router::with_path("purchase-orders").get(purchase_orders::list))
        .push(Router::with_path("purchase-orders/{id:num}").get(purchase_orders::show))
        .push(
            Router::with_path("purchase-orders/{id:num}/delivery-note")
                .get(super::document::delivery_note_pdf),
        )
        // PUSAT: master data
        .push(
            Router::with_path("products")
                .get(master_products::list)
                .post(master_products::create),
        )
        .push(Router::with_path("products/new").get(master_products::new_form))
        .push(
            Router::with_path("products/{id:num}")
                .get(master_products::edit_form)
                .post(master_products::update),
        )
        .push(
            Router::with_path("stokis")
                .get(master_stokis::list)
                .post(master_stokis::create),
        )
        .push(Router::with_path("stokis/new").get(master_stokis::new_form))
        .push(
            Router::with_path("stokis/{id:num}")
                .get(master_stokis::edit_form)
                .post(master_stokis::update),
        )
        .push(
            Router::with_path("mitra")
                .get(master_mitra::list)
                .post(master_mitra::create),
        )
        .push(Router::with_path("mitra/new").get(master_mitra::new_form))
        .push(
            Router::with_path("mitra/{id:num}")
                .get(master_mitra::edit_form)
                .post(master_mitra::update),
        )
        .push(
            Router::with_path("users")
                .get(master_users::list)
                .post(master_users::create),
        )
        .push(Router::with_path("users/new").get(master_users::new_form))
        .push(Router::with_path("users/{id:num}").get(master_users::show))
        .push(Router::with_path("users/{id:num}/deactivate").post(master_users::deactivate))
        .push(Router::with_path("users/{id:num}/activate").post(master_users::activate))
        .push(Router::with_path("users/{id:num}/password").post(master_users::reset_password))
        // PUSAT (master data) and FINANCE (bank statements): spreadsheet imports
        .push(
            Router::with_path("imports")
                .get(imports::show)
                .post(imports::upload_file),
        )
        .push(Router::with_path("imports/template/{kind}").get(imports::template))
        .push(Router::with_path("imports/{id:num}").get(imports::show_import))
        .push(Router::with_path("imports/{id:num}/commit").post(imports::apply))
        .push(Router::with_path("imports/{id:num}/columns").post(imports::pick_columns))
        // PUSAT and FINANCE: job queues, WhatsApp log and budget, the daily invoice run
        .push(ops::router())
}

/// The `{id}` of the path (the route only matches digits; a huge number is simply not found).
pub(crate) fn path_id(req: &Request) -> Result<i64, WebError> {
    query::id_param(req)
}

/// A numeric id filter (`?stokis=12`).
pub(crate) fn query_id(req: &Request, key: &str) -> Option<i64> {
    query::text(req, key).and_then(|s| s.parse::<i64>().ok())
}

/// `?active=1|0` → `Some(true|false)`, otherwise `None` (both).
pub(crate) fn query_bool(req: &Request, key: &str) -> Option<bool> {
    match query::text(req, key).as_deref() {
        Some("1") => Some(true),
        Some("0") => Some(false),
        _ => None,
    }
}

/// A form field as typed (empty when absent). The CSRF hoop has already read and cached the
/// form, so this does not touch the body again.
pub(crate) async fn form_text(req: &mut Request, key: &str) -> String {
    req.form::<String>(key).await.unwrap_or_default()
}

/// A checkbox: present (any value) means ticked.
pub(crate) async fn form_checked(req: &mut Request, key: &str) -> bool {
    req.form::<String>(key).await.is_some()
}

/// After a successful action: a message on the next page, and a 303 to it.
pub(crate) fn done(res: &mut Response, message: impl Into<String>, to: &str) {
    outcome::done(res, &message.into(), to);
}

/// After a refused action that has no form to show again: the message, and back to `to`.
pub(crate) fn refused(res: &mut Response, message: impl Into<String>, to: &str) {
    flash::set(res, "error", message);
    res.render(Redirect::other(to));
}

/// A `back` form field that stays on this site, or `fallback`.
pub(crate) async fn back_to(req: &mut Request, fallback: &str) -> String {
    let back = form_text(req, "back").await;
    auth::safe_next(back.trim())
        .map(str::to_owned)
        .unwrap_or_else(|| fallback.to_owned())
}

/// The end of a form's save: commits and hands back what the domain returned, or rolls back and
/// hands back the field messages to show the form again with; any other error is the error
/// page's.
pub(crate) async fn finish_save<T>(
    tx: Transaction<'static, Postgres>,
    result: Result<T, DomainError>,
) -> Result<Result<T, FieldErrors>, WebError> {
    match result {
        Ok(value) => {
            tx.commit().await?;
            Ok(Ok(value))
        }
        Err(e) => {
            tx.rollback().await?;
            let err = WebError::from(e);
            match field_errors(&err) {
                Some(errors) => Ok(Err(errors.clone())),
                None => Err(err),
            }
        }
    }
}

/// The context of a master-data form (`id` is `None` on the new form). A form that comes back
/// with messages answers 422, so a refused save is told apart from a fresh form.
pub(crate) fn form_context(
    res: &mut Response,
    id: Option<i64>,
    form: &impl Serialize,
    errors: &FieldErrors,
) -> Context {
    if !errors.is_empty() {
        res.status_code(StatusCode::UNPROCESSABLE_ENTITY);
    }
    let mut ctx = Context::new();
    ctx.insert("id", &id);
    ctx.insert("form", form);
    ctx.insert("errors", errors);
    ctx
}

/// The per-field messages of a validation error, or `None` for any other error.
pub(crate) fn field_errors(e: &WebError) -> Option<&FieldErrors> {
    match e {
        WebError::Validation { fields, .. } => Some(fields),
        _ => None,
    }
}
