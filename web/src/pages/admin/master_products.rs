//! PUSAT: products and their prices — the list (search, active filter), the new-product form
//! and the edit form. A refused form comes back with its messages and what was typed (422).

use domain::master::Paging;
use domain::master::products::{self, ProductFilter, ProductInput};
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
    let filter = ProductFilter {
        search: search.clone(),
        active,
    };
    let mut conn = state.pool.acquire().await?;
    let (rows, total) = products::list(
        &mut conn,
        &filter,
        Paging {
            page,
            per_page: PER_PAGE,
        },
    )
    .await?;
    drop(conn);
    let path = "/products";
    let filters = Filters::new()
        .set("q", search.clone())
        .set("active", active.map(u8::from));
    let mut ctx = Context::new();
    ctx.insert("pager", &Pager::new(path, &filters, page, PER_PAGE, total));
    ctx.insert("rows", &rows);
    ctx.insert("q", &search.unwrap_or_default());
    ctx.insert("active", &active.map(u8::from));
    render::page(req, depot, res, "admin/products.html", ctx)
}

async fn read_form(req: &mut Request) -> ProductInput {
    ProductInput {
        sku: form_text(req, "sku").await,
        name: form_text(req, "name").await,
        category: form_text(req, "category").await,
        unit: form_text(req, "unit").await,
        price_to_mitra: form_text(req, "price_to_mitra").await,
        price_to_stokis: form_text(req, "price_to_stokis").await,
        active: form_checked(req, "active").await,
    }
}

fn render_form(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    id: Option<i64>,
    form: &ProductInput,
    errors: &FieldErrors,
) -> Result<(), WebError> {
    let ctx = form_context(res, id, form, errors);
    render::page(req, depot, res, "admin/product_form.html", ctx)
}

#[handler]
pub async fn new_form(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    auth::require_role(depot, WHO)?;
    let form = ProductInput {
        active: true,
        ..ProductInput::default()
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
    let row = products::get(&mut conn, id).await?;
    drop(conn);
    render_form(
        req,
        depot,
        res,
        Some(id),
        &ProductInput::from_row(&row),
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
    let result = products::create(&mut tx, &actor, &*state.clock, &form).await;
    match finish_save(tx, result).await? {
        Ok(_) => done(
            res,
            format!("Produk {} ditambahkan.", form.name.trim()),
            "/products",
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
    let result = products::update(&mut tx, &actor, &*state.clock, id, &form).await;
    match finish_save(tx, result).await? {
        Ok(_) => done(
            res,
            format!("Produk {} disimpan.", form.name.trim()),
            "/products",
        ),
        Err(errors) => render_form(req, depot, res, Some(id), &form, &errors)?,
    }
    Ok(())
}
