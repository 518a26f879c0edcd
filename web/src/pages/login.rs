//! The login page of each portal: a form posting username, password and a CSRF token to
//! `/login` (the handler of that POST, and sessions, come with the portals issue).
//!
//! The CSRF token is a double-submit token: a random value in a host-only, `HttpOnly`,
//! `SameSite=Lax` cookie, repeated in the form's hidden field; the POST handler must see both
//! and compare them. It needs no session, which a login form by definition has not got yet.

use rand::Rng;
use salvo::http::cookie::{Cookie, SameSite};
use salvo::http::header::{CACHE_CONTROL, HeaderValue};
use salvo::{Depot, Request, Response, handler};

use crate::error::WebError;
use crate::host;
use crate::render;
use crate::server;

/// The cookie holding the CSRF token (host-only: no `Domain` attribute).
pub const CSRF_COOKIE: &str = "dfresto_csrf";
/// The form field carrying the same token.
pub const CSRF_FIELD: &str = "csrf_token";

/// The request's CSRF token, reusing the cookie's so several open tabs keep working, or a new one
/// set as a cookie on the response.
pub fn csrf_token(req: &Request, res: &mut Response, cookie_secure: bool) -> String {
    if let Some(c) = req.cookie(CSRF_COOKIE)
        && is_token(c.value())
    {
        return c.value().to_owned();
    }
    let bytes: [u8; 32] = rand::rng().random();
    let token = hex::encode(bytes);
    res.add_cookie(
        Cookie::build((CSRF_COOKIE, token.clone()))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(cookie_secure)
            .build(),
    );
    token
}

fn is_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[handler]
pub async fn login_page(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let state = server::state(depot)?;
    // The portal router only lets portal hosts through; anything else is a routing bug.
    let Some(_portal) = host::portal_of(req) else {
        return Err(WebError::not_found());
    };
    let mut ctx = render::base_context(req, state);
    ctx.insert("csrf_field", CSRF_FIELD);
    ctx.insert(
        "csrf_token",
        &csrf_token(req, res, state.config.cookie_secure),
    );
    ctx.insert("username", "");
    ctx.insert("error", &Option::<String>::None);
    // The page carries a token: never from a shared cache.
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    render::page(res, state, "login.html", &ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_64_hex_characters() {
        assert!(is_token(&"a".repeat(64)));
        assert!(!is_token(&"a".repeat(63)));
        assert!(!is_token(&"g".repeat(64)));
        assert!(!is_token("<script>"));
    }
}
