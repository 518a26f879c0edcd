//! PUSAT: stokis — the list (search, active filter), new and edit forms with the credit limit
//! (never below zero) and payment terms. A refused form comes back with its messages and what
//! was typed (422).

use domain::master::Paging;
use domain::master::stokis::{self, StokisFilter, StokisInput};
use domain::{FieldErrors, Role};
use salvo::{Depot, Request, Response, handler};
use tera::Context;

use super::{
    PER_PAGE, done, finish_save, form_checked, form_context, form_text, path_id, query_bool,
};
use crate::auth;
use crate::error::WebError;
use crate::pages::pager::{Filters, Pager};
use crate::pages::query;
use crate::render;
use crate::state;

const WHO: &[Role] = &[Role::Pusat];

#[handler]
pub async fn list(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    auth::require_role(depot, WHO)?;
    let state = state::of(depot)?.clone();
    let search = query::text(req, "q");
    let active = query_bool(req, "active");
    let page = query::page(req);
    let filter = StokisFilter {
        search: search.clone(),
        active,
    };
    let mut conn = state.pool.acquire().await?;
    let (rows, total) = stokis::list(
        &mut conn,
        &filter,
        Paging {
            page,
            per_page: PER_PAGE,
        },
    )
    .await?;
    drop(conn);
    let path = "/stokis";
    let filters = Filters::new()
        .set("q", search.clone())
        .set("active", active.map(u8::from));
    let mut ctx = Context::new();
    ctx.insert("pager", &Pager::new(path, &filters, page, PER_PAGE, total));
    ctx.insert("rows", &rows);
    ctx.insert("q", &search.unwrap_or_default());
    ctx.insert("active", &active.map(u8::from));
    render::page(req, depot, res, "admin/stokis.html", ctx)
}

async fn read_form(req: &mut Request) -> StokisInput {
    StokisInput {
        code: form_text(req, "code").await,
        name: form_text(req, "name").await,
        city: form_text(req, "city").await,
        address: form_text(req, "address").await,
        phone: form_text(req, "phone").await,
        credit_limit: form_text(req, "credit_limit").await,
        payment_terms_days: form_text(req, "payment_terms_days").await,
        active: form_checked(req, "active").await,
    }
}

fn render_form(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    id: Option<i64>,
    form: &StokisInput,
    errors: &FieldErrors,
) -> Result<(), WebError> {
    let ctx = form_context(res, id, form, errors);
    render::page(req, depot, res, "admin/stokis_form.html", ctx)
}

#[handler]
pub async fn new_form(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    auth::require_role(depot, WHO)?;
    let form = StokisInput {
        active: true,
        credit_limit: "0".into(),
        payment_terms_days: "14".into(),
        ..StokisInput::default()
    };
    render_form(req, depot, res, None, &form, &FieldErrors::new())
}

#[handler]
pub async fn edit_form(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    auth::require_role(depot, WHO)?;
    let state = state::of(depot)?.clone();
    let id = path_id(req)?;
    let mut conn = state.pool.acquire().await?;
    let row = stokis::get(&mut conn, id).await?;
    drop(conn);
    render_form(
        req,
        depot,
        res,
        Some(id),
        &StokisInput::from_row(&row),
        &FieldErrors::new(),
    )
}

#[handler]
pub async fn create(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, WHO)?.actor.clone();
    let state = state::of(depot)?.clone();
    let form = read_form(req).await;
    let mut tx = state.pool.begin().await?;
    let result = stokis::create(&mut tx, &actor, &*state.clock, &form).await;
    match finish_save(tx, result).await? {
        Ok(_) => done(
            res,
            format!("Stokis {} ditambahkan.", form.name.trim()),
            "/stokis",
        ),
        Err(errors) => render_form(req, depot, res, None, &form, &errors)?,
    }
    Ok(())
}

#[handler]
pub async fn update(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, WHO)?.actor.clone();
    let state = state::of(depot)?.clone();
    let id = path_id(req)?;
    let form = read_form(req).await;
    let mut tx = state.pool.begin().await?;
    let result = stokis::update(&mut tx, &actor, &*state.clock, id, &form).await;
    match finish_save(tx, result).await? {
        Ok(_) => done(
            res,
            format!("Stokis {} disimpan.", form.name.trim()),
            "/stokis",
        ),
        Err(errors) => render_form(req, depot, res, Some(id), &form, &errors)?,
    }
    Ok(())
}
