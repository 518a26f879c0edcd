//! Server-rendered pages: those that need no login (the apex landing page, each portal's login
//! page, the portal home redirect, the stylesheet, the forms script) and, per portal, the logged-in pages
//! (`mitra/`, `stokis/`, `admin/`). 404 and error pages: `render::error_page`.
//!
//! What the logged-in pages share: `who` (here: the user of a one-role page and the state),
//! reading the request (`query`), a list's pager (`pager`), how a request ends (`outcome`), and
//! the quantity forms of new orders and POs (`line_form`).

pub mod admin;
pub mod auth_password;
pub mod document;
pub mod landing;
pub mod line_form;
pub mod login;
pub mod mitra;
pub mod outcome;
pub mod pager;
pub mod query;
pub mod stokis;

use std::sync::Arc;

use domain::Role;
use salvo::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use salvo::writing::{Redirect, Text};
use salvo::{Depot, Response, handler};

use crate::auth::{self, CurrentUser};
use crate::error::WebError;
use crate::state::{self, AppState};

/// The user of a page only `role` may open, and the application state (both owned, so the
/// handler can go on using the depot).
pub fn who(depot: &Depot, role: Role) -> Result<(CurrentUser, Arc<AppState>), WebError> {
    let user = auth::require_role(depot, &[role])?.clone();
    let state = state::of(depot)?.clone();
    Ok((user, state))
}

/// `/` on a portal: the dashboard when logged in here, else the login page.
#[handler]
pub async fn portal_home(depot: &mut Depot, res: &mut Response) {
    let to = if crate::auth::current_user(depot).is_ok() {
        login::AFTER_LOGIN
    } else {
        "/login"
    };
    res.render(Redirect::found(to));
}

/// `/static/app.css`, loaded with the templates at start-up. Pages link it with `?v=<hash>`, so
/// it may be cached for long.
#[handler]
pub async fn app_css(depot: &mut Depot, res: &mut Response) -> Result<(), WebError> {
    let state = state::of(depot)?;
    res.headers_mut().insert(
        CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    res.render(Text::Css(state.templates.css.clone()));
    Ok(())
}

/// The script every page loads for its forms (Enter moves between quantities, questions before
/// irreversible actions, the sending state), built into the binary.
const FORMS_SCRIPT: &str = include_str!("../../../templates/web/static/forms.js");

/// `/static/forms.js` on every host.
#[handler]
pub async fn forms_js(res: &mut Response) {
    res.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    // Short: a new release's script should reach open pages soon.
    res.headers_mut().insert(
        CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    res.render(FORMS_SCRIPT);
}
