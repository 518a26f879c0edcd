//! PUSAT: user accounts — the list (search, role and active filters), creating a user (linked
//! to its mitra or stokis by code), and on a user's page deactivating / re-activating and
//! resetting the password (both log the user out everywhere).

use domain::master::Paging;
use domain::master::users::{self, NewUserInput, UserFilter};
use domain::{FieldErrors, Role};
use salvo::http::StatusCode;
use salvo::{Depot, Request, Response, handler};
use serde::Serialize;
use tera::Context;

use super::{PER_PAGE, done, finish_save, form_context, form_text, path_id, query_bool, refused};
use crate::auth;
use crate::error::WebError;
use crate::pages::pager::{Filters, Pager};
use crate::pages::query;
use crate::render;
use crate::state;

const WHO: &[Role] = &[Role::Pusat];

#[derive(Debug, Serialize)]
struct RoleOption {
    value: &'static str,
    label: &'static str,
}

fn role_options() -> Vec<RoleOption> {
    [
        (Role::Mitra, "Mitra"),
        (Role::Stokis, "Stokis"),
        (Role::Pusat, "Pusat"),
        (Role::Finance, "Finance"),
        (Role::Gudang, "Gudang"),
    ]
    .into_iter()
    .map(|(r, label)| RoleOption {
        value: r.as_str(),
        label,
    })
    .collect()
}

#[handler]
pub async fn list(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    auth::require_role(depot, WHO)?;
    let state = state::of(depot)?.clone();
    let search = query::text(req, "q");
    let role = query::text(req, "role").and_then(|r| r.parse::<Role>().ok());
    let active = query_bool(req, "active");
    let page = query::page(req);
    let filter = UserFilter {
        search: search.clone(),
        role,
        active,
    };
    let mut conn = state.pool.acquire().await?;
    let (rows, total) = users::list(
        &mut conn,
        &filter,
        Paging {
            page,
            per_page: PER_PAGE,
        },
    )
    .await?;
    drop(conn);
    let path = "/users";
    let filters = Filters::new()
        .set("q", search.clone())
        .set("role", role.map(Role::as_str))
        .set("active", active.map(u8::from));
    let mut ctx = Context::new();
    ctx.insert("pager", &Pager::new(path, &filters, page, PER_PAGE, total));
    ctx.insert("rows", &rows);
    ctx.insert("q", &search.unwrap_or_default());
    ctx.insert("role", role.map(Role::as_str).unwrap_or(""));
    ctx.insert("active", &active.map(u8::from));
    ctx.insert("roles", &role_options());
    render::page(req, depot, res, "admin/users.html", ctx)
}

fn render_new(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    form: &NewUserInput,
    errors: &FieldErrors,
) -> Result<(), WebError> {
    let mut ctx = form_context(res, None, form, errors);
    ctx.insert("roles", &role_options());
    render::page(req, depot, res, "admin/user_new.html", ctx)
}

#[handler]
pub async fn new_form(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    auth::require_role(depot, WHO)?;
    render_new(
        req,
        depot,
        res,
        &NewUserInput::default(),
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
    let form = NewUserInput {
        username: form_text(req, "username").await,
        name: form_text(req, "name").await,
        role: form_text(req, "role").await,
        phone: form_text(req, "phone").await,
        link_code: form_text(req, "link_code").await,
        password: form_text(req, "password").await,
        admin_password: form_text(req, "admin_password").await,
    };
    let mut tx = state.pool.begin().await?;
    let result = users::create(&mut tx, &actor, &*state.clock, &form).await;
    match finish_save(tx, result).await? {
        Ok(id) => done(
            res,
            format!("Pengguna {} dibuat.", form.username.trim().to_lowercase()),
            &format!("/users/{id}"),
        ),
        Err(errors) => render_new(req, depot, res, &form, &errors)?,
    }
    Ok(())
}

async fn render_show(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    id: i64,
    errors: &FieldErrors,
) -> Result<(), WebError> {
    let me = auth::require_role(depot, WHO)?.actor.user_id;
    let state = state::of(depot)?.clone();
    let mut conn = state.pool.acquire().await?;
    let user = users::get(&mut conn, id).await?;
    drop(conn);
    if !errors.is_empty() {
        res.status_code(StatusCode::UNPROCESSABLE_ENTITY);
    }
    let mut ctx = Context::new();
    ctx.insert("u", &user);
    ctx.insert("is_me", &(me == id));
    ctx.insert("errors", errors);
    render::page(req, depot, res, "admin/user.html", ctx)
}

#[handler]
pub async fn show(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    auth::require_role(depot, WHO)?;
    let id = path_id(req)?;
    render_show(req, depot, res, id, &FieldErrors::new()).await
}

async fn set_active(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    active: bool,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, WHO)?.actor.clone();
    let state = state::of(depot)?.clone();
    let id = path_id(req)?;
    let to = format!("/users/{id}");
    let admin_password = form_text(req, "admin_password").await;
    let mut tx = state.pool.begin().await?;
    match users::set_active(&mut tx, &actor, &*state.clock, id, active, &admin_password).await {
        Ok(()) => {
            tx.commit().await?;
            let message = if active {
                "Akun diaktifkan kembali."
            } else {
                "Akun dinonaktifkan; semua sesinya sudah diakhiri."
            };
            done(res, message, &to);
            Ok(())
        }
        Err(domain::DomainError::Forbidden(m)) => {
            tx.rollback().await?;
            refused(res, m, &to);
            Ok(())
        }
        Err(domain::DomainError::Validation(errors)) => {
            tx.rollback().await?;
            let message = errors
                .get(domain::auth::password_change::ADMIN_PASSWORD_FIELD)
                .map_or("Isian belum benar.".to_owned(), |m| {
                    format!("Konfirmasi gagal: {m}.")
                });
            refused(res, message, &to);
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

#[handler]
pub async fn deactivate(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    set_active(req, depot, res, false).await
}

#[handler]
pub async fn activate(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    set_active(req, depot, res, true).await
}

#[handler]
pub async fn reset_password(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, WHO)?.actor.clone();
    let state = state::of(depot)?.clone();
    let id = path_id(req)?;
    let password = form_text(req, "password").await;
    let admin_password = form_text(req, "admin_password").await;
    let mut tx = state.pool.begin().await?;
    let result = users::reset_password(
        &mut tx,
        &actor,
        &*state.clock,
        id,
        &password,
        &admin_password,
    )
    .await;
    match finish_save(tx, result).await? {
        Ok(()) => done(
            res,
            "Kata sandi diganti; pengguna harus masuk lagi dengan kata sandi baru dan diberi tahu lewat WhatsApp.",
            &format!("/users/{id}"),
        ),
        Err(errors) => render_show(req, depot, res, id, &errors).await?,
    }
    Ok(())
}
