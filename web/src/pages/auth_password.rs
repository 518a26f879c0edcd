//! `/password` on every portal: the logged-in user changes their own password (the current one
//! required); their other sessions end and they are told by WhatsApp (`domain::auth::password_change`).

use domain::FieldErrors;
use domain::auth::password_change;
use salvo::{Depot, Request, Response, handler};
use tera::Context;

use crate::auth;
use crate::error::WebError;
use crate::pages::admin::{done, finish_save, form_text};
use crate::render;
use crate::state;

fn render_form(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    errors: &FieldErrors,
) -> Result<(), WebError> {
    if !errors.is_empty() {
        res.status_code(salvo::http::StatusCode::UNPROCESSABLE_ENTITY);
    }
    let mut ctx = Context::new();
    ctx.insert("errors", errors);
    render::page(req, depot, res, "auth_password.html", ctx)
}

#[handler]
pub async fn form(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    auth::current_user(depot)?;
    render_form(req, depot, res, &FieldErrors::new())
}

#[handler]
pub async fn submit(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let user = auth::current_user(depot)?;
    let (actor, session_id) = (user.actor.clone(), user.session_id);
    let state = state::of(depot)?.clone();
    let current = form_text(req, "current_password").await;
    let new = form_text(req, "new_password").await;
    let mut tx = state.pool.begin().await?;
    let result =
        password_change::change_own(&mut tx, &*state.clock, &actor, session_id, &current, &new)
            .await;
    match finish_save(tx, result).await? {
        Ok(_) => done(
            res,
            "Kata sandi diganti. Sesi Anda di perangkat lain sudah diakhiri.",
            "/password",
        ),
        Err(errors) => render_form(req, depot, res, &errors)?,
    }
    Ok(())
}
