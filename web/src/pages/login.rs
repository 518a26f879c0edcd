//! The login page of each portal, its form POST (throttle, credentials, portal check, session
//! cookie), and logout.
//!
//! The login form's CSRF token is a double-submit token: a random value in a host-only,
//! `HttpOnly`, `SameSite=Lax` cookie, repeated in the form's hidden field; the POST must carry
//! both, equal. It needs no session, which a login form by definition has not got yet. Once
//! logged in, forms carry the session's own token instead (`auth::check_csrf`).

use domain::auth::login::{self, Attempt, LoginError};
use domain::auth::session::{self, SessionKind};
use domain::auth::throttle::{self, FailuresSince};
use rand::Rng;
use salvo::http::StatusCode;
use salvo::http::cookie::{Cookie, SameSite};
use salvo::http::header::{CACHE_CONTROL, HeaderValue, RETRY_AFTER, USER_AGENT};
use salvo::writing::Redirect;
use salvo::{Depot, Request, Response, handler};
use serde::Deserialize;

use crate::auth::{self, CurrentUser};
use crate::error::WebError;
use crate::host;
use crate::render;
use crate::state::{self, AppState};

/// The cookie holding the CSRF token (host-only: no `Domain` attribute).
pub const CSRF_COOKIE: &str = "dfresto_csrf";
/// The form field carrying the same token.
pub const CSRF_FIELD: &str = "csrf_token";

/// The known-device cookie: a random token a browser keeps for [`throttle::KNOWN_FOR`]; a
/// successful login stores its hash, and a browser that logged in as a user recently is not
/// slowed by other people's failed attempts on that username.
pub const DEVICE_COOKIE: &str = "dfresto_device";

/// Where a login lands when it was not sent from a page.
pub const AFTER_LOGIN: &str = "/dashboard";

/// The request's CSRF token, reusing the cookie's so several open tabs keep working, or a new one
/// set as a cookie on the response.
pub fn csrf_token(req: &Request, res: &mut Response, cookie_secure: bool) -> String {
    if let Some(c) = req.cookie(CSRF_COOKIE)
        && is_token(c.value())
    {
        return c.value().to_owned();
    }
    let token = new_token();
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

fn new_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex::encode(bytes)
}

/// What a user is told after logging in when someone failed to log in as them meanwhile.
pub fn failures_message(f: &FailuresSince) -> String {
    format!(
        "Ada {} percobaan login gagal ke akun Anda sejak login terakhir, dari alamat {}. \
         Jika itu bukan Anda, hubungi pusat D'Fresto.",
        f.count,
        f.addresses.join(", ")
    )
}

fn is_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// What the login page shows besides the form.
#[derive(Debug, Default)]
struct LoginView<'a> {
    username: &'a str,
    next: Option<&'a str>,
    error: Option<String>,
    /// A link to the right portal when the user came to the wrong one.
    error_link: Option<String>,
}

fn render_login(
    req: &mut Request,
    res: &mut Response,
    state: &AppState,
    status: StatusCode,
    view: LoginView<'_>,
) -> Result<(), WebError> {
    let mut ctx = render::base_context(req, state);
    ctx.insert("csrf_field", CSRF_FIELD);
    ctx.insert(
        "csrf_token",
        &csrf_token(req, res, state.config.cookie_secure),
    );
    ctx.insert("username", view.username);
    ctx.insert("next", &view.next);
    ctx.insert("error", &view.error);
    ctx.insert("error_link", &view.error_link);
    ctx.insert("flash", &crate::flash::take(req, res));
    res.status_code(status);
    // The page carries a token: never from a shared cache.
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    render::template(res, state, "login.html", &ctx)
}

/// `GET /login[?next=/path]`; a user already logged in here goes on to the dashboard.
#[handler]
pub async fn login_page(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let state = state::of(depot)?.clone();
    // The portal router only lets portal hosts through; anything else is a routing bug.
    if host::portal_of(req).is_none() {
        return Err(WebError::not_found());
    }
    let next: Option<String> = req
        .query::<String>("next")
        .filter(|n| auth::safe_next(n).is_some());
    if depot.get_typed::<CurrentUser>().is_ok() {
        res.render(Redirect::found(next.as_deref().unwrap_or(AFTER_LOGIN)));
        return Ok(());
    }
    render_login(
        req,
        res,
        &state,
        StatusCode::OK,
        LoginView {
            next: next.as_deref(),
            ..LoginView::default()
        },
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LoginForm {
    username: String,
    password: String,
    csrf_token: String,
    next: String,
}

/// `POST /login`: on success a new session cookie and a redirect to `next` or `/dashboard`;
/// otherwise the form again with the reason (401 wrong credentials, 403 another portal's
/// account or an expired form, 429 throttled).
#[handler]
pub async fn login_submit(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let state = state::of(depot)?.clone();
    let Some(portal) = host::portal_of(req) else {
        return Err(WebError::not_found());
    };
    let form: LoginForm = req
        .parse_form()
        .await
        .map_err(|_| WebError::BadRequest("Formulir login tidak terbaca.".to_owned()))?;
    let next = auth::safe_next(form.next.trim()).map(str::to_owned);
    let username = login::normalize_username(&form.username);
    let username: String = username.chars().take(64).collect();

    let cookie_token = req
        .cookie(CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if !is_token(&cookie_token) || !auth::same_token(&cookie_token, form.csrf_token.trim()) {
        return render_login(
            req,
            res,
            &state,
            StatusCode::FORBIDDEN,
            LoginView {
                username: &username,
                next: next.as_deref(),
                error: Some("Formulir login sudah kedaluwarsa. Silakan coba lagi.".to_owned()),
                error_link: None,
            },
        );
    }

    let ip = auth::client_ip(req, &state);
    let user_agent = req
        .headers()
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let device = req
        .cookie(DEVICE_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| is_token(v))
        .unwrap_or_else(new_token);
    let mut conn = state.pool.acquire().await?;
    let outcome = login::log_in(
        &mut conn,
        &*state.clock,
        &Attempt {
            username: &username,
            password: &form.password,
            ip: &ip,
            user_agent: user_agent.as_deref(),
            device: Some(&device),
            portal,
            kind: SessionKind::Cookie,
            ttl: chrono::Duration::hours(i64::from(state.config.session_ttl_hours)),
        },
    )
    .await;
    let refused = match outcome {
        Ok(logged_in) => {
            // A new login replaces the session this browser had here (no fixation, no leftovers).
            if let Ok(old) = depot.get_typed::<CurrentUser>()
                && !old.via_bearer
            {
                session::revoke(&mut conn, old.session_id, state.clock.now()).await?;
            }
            auth::set_session_cookie(
                res,
                &logged_in.token,
                state.config.session_ttl_hours,
                state.config.cookie_secure,
            );
            res.add_cookie(
                Cookie::build((DEVICE_COOKIE, device))
                    .path("/")
                    .http_only(true)
                    .same_site(SameSite::Lax)
                    .secure(state.config.cookie_secure)
                    .max_age(salvo::http::cookie::time::Duration::days(
                        throttle::KNOWN_FOR.num_days(),
                    ))
                    .build(),
            );
            if let Some(failures) = &logged_in.failures {
                crate::flash::set(res, "info", failures_message(failures));
            }
            tracing::info!(
                user = %logged_in.session.username,
                portal = portal.as_str(),
                "login"
            );
            res.render(Redirect::other(next.as_deref().unwrap_or(AFTER_LOGIN)));
            return Ok(());
        }
        Err(e) => e,
    };
    drop(conn);
    let (status, error_link) = match &refused {
        LoginError::Throttled { retry_after } => {
            res.headers_mut().insert(
                RETRY_AFTER,
                HeaderValue::from(retry_after.num_seconds().max(1)),
            );
            (StatusCode::TOO_MANY_REQUESTS, None)
        }
        LoginError::BadCredentials => (StatusCode::UNAUTHORIZED, None),
        LoginError::Inactive => (StatusCode::FORBIDDEN, None),
        LoginError::WrongPortal { portal, .. } => (
            StatusCode::FORBIDDEN,
            Some(auth::portal_url(req, &state, *portal, "/login")),
        ),
        LoginError::Database(e) => return Err(WebError::internal(format!("login: {e}"))),
        LoginError::Internal(e) => return Err(WebError::internal(format!("login: {e}"))),
    };
    // With a link, the page prints it after the message (": http://…/login").
    let message = refused.to_string();
    render_login(
        req,
        res,
        &state,
        status,
        LoginView {
            username: &username,
            next: next.as_deref(),
            error: Some(message),
            error_link,
        },
    )
}

/// `POST /logout` (behind the CSRF check): revokes the session, drops the cookie, back to the
/// login page.
#[handler]
pub async fn logout(depot: &mut Depot, res: &mut Response) -> Result<(), WebError> {
    let state = state::of(depot)?.clone();
    if let Ok(user) = depot.get_typed::<CurrentUser>() {
        let mut conn = state.pool.acquire().await?;
        session::revoke(&mut conn, user.session_id, state.clock.now()).await?;
        tracing::info!(user = %user.username, "logout");
    }
    auth::clear_session_cookie(res, state.config.cookie_secure);
    crate::flash::set(res, "success", "Anda sudah keluar.");
    res.render(Redirect::other("/login"));
    Ok(())
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
