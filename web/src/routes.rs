//! The router: health probes and the stylesheet on every host, the landing page on the apex, and
//! on the portal hosts the login, each portal's pages and the JSON API, behind the session,
//! login and CSRF checks.

use std::sync::Arc;

use domain::Portal;
use salvo::Router;

use crate::host::{SiteFilter, SiteMatch, SiteResolver};
use crate::{auth, health, pages};

/// Routes: health and the stylesheet on every host; the landing page on the apex; each
/// portal's pages (and later its API) on the portal hosts. Anything else matches nothing and
/// gets the 404 page.
pub fn router(sites: &Arc<SiteResolver>) -> Router {
    Router::new()
        // HEAD too: some load balancers probe with it.
        .push(
            Router::with_path("healthz")
                .get(health::healthz)
                .head(health::healthz),
        )
        .push(
            Router::with_path("readyz")
                .get(health::readyz)
                .head(health::readyz),
        )
        .push(Router::with_path("static/app.css").get(pages::app_css))
        .push(Router::with_path("static/forms.js").get(pages::forms_js))
        .push(
            Router::with_filter(SiteFilter::new(sites.clone(), SiteMatch::Apex))
                .get(pages::landing::landing),
        )
        .push(portal_router(sites))
}

/// The routes of the three portals; which portal a request is on comes from
/// `host::portal_of(req)`.
///
/// Every portal request first passes `auth::load_session` (the session of this portal, its role
/// re-checked, into the depot). The API and each portal's pages then need a login
/// (`auth::require_login`: redirect to `/login?next=…`, or 401) and, for state-changing
/// requests of a cookie session, the session's CSRF token (`auth::check_csrf`: 403).
fn portal_router(sites: &Arc<SiteResolver>) -> Router {
    let only = |portal| SiteFilter::new(sites.clone(), SiteMatch::Only(portal));
    let logged_in = |router: Router| router.hoop(auth::require_login).hoop(auth::check_csrf);
    Router::with_filter(SiteFilter::new(sites.clone(), SiteMatch::AnyPortal))
        .hoop(crate::api::imports::upload_limit)
        .hoop(auth::load_session)
        .get(pages::portal_home)
        .push(
            Router::with_path("login")
                .get(pages::login::login_page)
                .post(pages::login::login_submit),
        )
        .push(
            Router::with_path("logout")
                .hoop(auth::check_csrf)
                .post(pages::login::logout),
        )
        .push(logged_in(
            Router::with_path("password")
                .get(pages::auth_password::form)
                .post(pages::auth_password::submit),
        ))
        .push(logged_in(crate::api::router()))
        .push(logged_in(Router::with_filter(only(Portal::Mitra))).push(pages::mitra::router()))
        .push(logged_in(Router::with_filter(only(Portal::Stokis))).push(pages::stokis::router()))
        .push(logged_in(Router::with_filter(only(Portal::Admin))).push(pages::admin::router()))
}
