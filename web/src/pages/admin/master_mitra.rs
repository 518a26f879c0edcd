//! PUSAT: mitra — the list (search, stokis and active filters), new and edit forms including
//! which stokis serves the mitra. A refused form comes back with its messages and what was
//! typed (422).

use domain::master::Paging;
use domain::master::mitra::{self, MitraFilter, MitraInput};
use domain::{FieldErrors, Role};
use salvo::{Depot, Request, Response, handler};
use tera::Context;

use super::{
    PER_PAGE, done, finish_save, form_checked, form_context, form_text, path_id, query_bool,
    query_id,
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
    let stokis_id = query_id(req, "stokis");
    let filter = MitraFilter {
        search: search.clone(),
        stokis_id,
        active,
    };
    let mut conn = state.pool.acquire().await?;
    let (rows, total) = mitra::list(
        &mut conn,
        &filter,
        Paging {
            page,
            per_page: PER_PAGE,
        },
    )
    .await?;
    let stokis_options = domain::master::stokis::options(&mut conn).await?;
    drop(conn);
    let path = "/mitra";
    let filters = Filters::new()
        .set("q", search.clone())
        .set("active", active.map(u8::from))
        .set("stokis", stokis_id);
    let mut ctx = Context::new();
    ctx.insert("pager", &Pager::new(path, &filters, page, PER_PAGE, total));
    ctx.insert("rows", &rows);
    ctx.insert("q", &search.unwrap_or_default());
    ctx.insert("active", &active.map(u8::from));
    ctx.insert("stokis", &stokis_id);
    ctx.insert("stokis_options", &stokis_options);
    render::page(req, depot, res, "admin/mitra.html", ctx)
}

async fn read_form(req: &mut Request) -> MitraInput {
    MitraInput {
        code: form_text(req, "code").await,
        name: form_text(req, "name").await,
        owner_name: form_text(req, "owner_name").await,
        phone: form_text(req, "phone").await,
        city: form_text(req, "city").await,
        address: form_text(req, "address").await,
        stokis_id: form_text(req, "stokis_id").await,
        active: form_checked(req, "active").await,
    }
}

async fn render_form(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    id: Option<i64>,
    form: &MitraInput,
    errors: &FieldErrors,
) -> Result<(), WebError> {
    let state = state::of(depot)?.clone();
    let mut conn = state.pool.acquire().await?;
    let stokis_options = domain::master::stokis::options(&mut conn).await?;
    drop(conn);
    let mut ctx = form_context(res, id, form, errors);
    ctx.insert("stokis_options", &stokis_options);
    render::page(req, depot, res, "admin/mitra_form.html", ctx)
}

#[handler]
pub async fn new_form(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    auth::require_role(depot, WHO)?;
    let form = MitraInput {
        active: true,
        ..MitraInput::default()
    };
    render_form(req, depot, res, None, &form, &FieldErrors::new()).await
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
    let row = mitra::get(&mut conn, id).await?;
    drop(conn);
    render_form(
        req,
        depot,
        res,
        Some(id),
        &MitraInput::from_row(&row),
        &FieldErrors::new(),
    )
    .await
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
    let result = mitra::create(&mut tx, &actor, &*state.clock, &form).await;
    match finish_save(tx, result).await? {
        Ok(_) => done(
            res,
            format!("Mitra {} ditambahkan.", form.name.trim()),
            "/mitra",
        ),
        Err(errors) => render_form(req, depot, res, None, &form, &errors).await?,
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
    let result = mitra::update(&mut tx, &actor, &*state.clock, id, &form).await;
    match finish_save(tx, result).await? {
        Ok(_) => done(
            res,
            format!("Mitra {} disimpan.", form.name.trim()),
            "/mitra",
        ),
        Err(errors) => render_form(req, depot, res, Some(id), &form, &errors).await?,
    }
    Ok(())
}
