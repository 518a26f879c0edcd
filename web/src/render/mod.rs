//! Page rendering: the context every page shares (site, portal, links; for logged-in pages also
//! user, CSRF token, menu, flash), rendering a template or a logged-in page, and the error pages.
//! Loading the templates is `templates`, their filters `filters`, the portal menu `menu`, how
//! each portal is named `portals`; their items are re-exported here (`render::load`, …).
//!
//! Tera autoescapes every `.html` template, so values put in a context are always shown as text,
//! never as markup.

mod filters;
mod menu;
mod portals;
mod templates;

use domain::{Portal, Role};
use salvo::http::StatusCode;
use salvo::http::header::{CACHE_CONTROL, HeaderValue};
use salvo::writing::Text;
use salvo::{Depot, Request, Response};
use serde::Serialize;
use tera::Context;

use crate::auth;
use crate::error::WebError;
use crate::flash;
use crate::host::{self, Site};
use crate::state::{self, AppState};

pub use filters::status_label;
pub use menu::{NavItem, nav_for};
pub use portals::{PortalInfo, portal_info};
pub use templates::{TemplateError, Templates, error_chain, load};

/// What every page's layout needs: the site it is on and the links between sites.
pub fn base_context(req: &mut Request, state: &AppState) -> Context {
    let site = host::site_of(req, &state.sites);
    let mut ctx = Context::new();
    let portals: Vec<PortalInfo> = Portal::ALL
        .into_iter()
        .map(|p| portal_info(p, state.sites.href(req, Some(p))))
        .collect();
    let apex_href = state.sites.href(req, None);
    let current = site
        .portal()
        .map(|p| portal_info(p, state.sites.href(req, Some(p))));
    ctx.insert(
        "site",
        match site {
            Site::Apex => "apex",
            Site::Portal(p) => p.as_str(),
            Site::Unknown => "unknown",
        },
    );
    ctx.insert(
        "home_href",
        &current.as_ref().map_or(&apex_href, |p| &p.href),
    );
    ctx.insert("portal", &current);
    ctx.insert("portals", &portals);
    ctx.insert("apex_href", &apex_href);
    ctx.insert("css_version", &state.templates.css_version);
    ctx.insert("csp_nonce", &crate::security_headers::nonce_of(req));
    ctx
}

/// Renders a template as the response body, with exactly the context given (pages without a
/// login: landing, login; logged-in pages use [`page`]).
pub fn template(
    res: &mut Response,
    state: &AppState,
    name: &str,
    ctx: &Context,
) -> Result<(), WebError> {
    let html = state.templates.tera.render(name, ctx)?;
    res.render(Text::Html(html));
    Ok(())
}

/// The logged-in user as templates see it (`user.username`, `user.name`, `user.role`).
#[derive(Debug, Clone, Serialize)]
pub struct UserView {
    pub username: String,
    pub name: String,
    pub role: &'static str,
    /// `Mitra`, `Stokis`, `Pusat`, `Finance`, `Gudang`.
    pub role_label: &'static str,
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Mitra => "Mitra",
        Role::Stokis => "Stokis",
        Role::Pusat => "Pusat",
        Role::Finance => "Finance",
        Role::Gudang => "Gudang",
    }
}

/// Renders a logged-in page: `ctx` plus the site context ([`base_context`]), `user`,
/// `csrf_token` (and `csrf_field`), `nav`, `flash` (shown once), `now_wib`. Values in `ctx`
/// win over these. Sent `Cache-Control: no-store`: the page holds the user's data and token.
pub fn page(
    req: &mut Request,
    depot: &Depot,
    res: &mut Response,
    name: &str,
    ctx: Context,
) -> Result<(), WebError> {
    let state = state::of(depot)?;
    let user = auth::current_user(depot)?;
    let mut full = base_context(req, state);
    full.insert(
        "user",
        &UserView {
            username: user.username.clone(),
            name: user.name.clone(),
            role: user.actor.role.as_str(),
            role_label: role_label(user.actor.role),
        },
    );
    full.insert("csrf_token", &user.csrf_token);
    full.insert("csrf_field", auth::CSRF_FIELD);
    full.insert("nav", &nav_for(user.actor.role, req.uri().path()));
    full.insert("flash", &flash::take(req, res));
    full.insert("now_wib", &domain::clock::format_wib(state.clock.now()));
    full.extend(ctx);
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    template(res, state, name, &full)
}

/// The error page for `status`; falls back to plain text if the templates themselves fail, so
/// an error is always answered.
pub fn error_page(
    req: &mut Request,
    depot: &Depot,
    res: &mut Response,
    status: StatusCode,
    message: &str,
) {
    res.status_code(status);
    let Ok(state) = state::of(depot) else {
        res.render(Text::Plain(format!("{status}: {message}")));
        return;
    };
    let mut ctx = base_context(req, state);
    let name = if status == StatusCode::NOT_FOUND {
        "404.html"
    } else {
        "error.html"
    };
    ctx.insert("status", &status.as_u16());
    ctx.insert("message", message);
    match state.templates.tera.render(name, &ctx) {
        Ok(html) => res.render(Text::Html(html)),
        Err(e) => {
            tracing::error!("rendering {name} failed: {}", error_chain(&e));
            res.render(Text::Plain(format!("{status}: {message}")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped() {
        let t = load(&crate::config::default_templates_dir()).unwrap();
        let mut ctx = Context::new();
        ctx.insert("site", "apex");
        ctx.insert("portal", &Option::<PortalInfo>::None);
        ctx.insert("portals", &Vec::<PortalInfo>::new());
        ctx.insert("apex_href", "//localhost/");
        ctx.insert("home_href", "//localhost/");
        ctx.insert("css_version", "0");
        ctx.insert("status", &500);
        ctx.insert("message", "<script>alert(1)</script>");
        let html = t.tera.render("error.html", &ctx).unwrap();
        assert!(!html.contains("<script>alert(1)"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }
}
