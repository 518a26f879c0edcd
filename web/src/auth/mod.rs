//! Who is making a request: the session hoop (cookie `dfresto_session` or `Authorization:
//! Bearer`), [`CurrentUser`] in the depot, the login-required and CSRF hoops, and the role
//! checks handlers call ([`current_user`], [`require_role`]).
//!
//! Every request re-checks its session against the portal it arrives on: a session belongs to
//! the portal it was opened on, and its user's role must still be one that portal allows.

use std::net::IpAddr;

use domain::auth::session::{self, Session, SessionKind};
use domain::{Actor, Portal, Role};
use salvo::http::Method;
use salvo::http::cookie::{Cookie, SameSite};
use salvo::http::header::AUTHORIZATION;
use salvo::{Depot, FlowCtrl, Request, Response, handler};

use crate::error::{self, WebError};
use crate::host;
use crate::state::{self, AppState};

/// The session cookie: host-only (no `Domain`), so a mitra session never reaches another portal.
pub const SESSION_COOKIE: &str = "dfresto_session";
/// The form field every POST form carries.
pub const CSRF_FIELD: &str = "csrf_token";
/// The header a script using the cookie session sends the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The logged-in user of this request, put in the depot by the session hoop.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub actor: Actor,
    pub username: String,
    pub name: String,
    pub session_id: i64,
    /// The session's CSRF token, for the forms of the page being rendered.
    pub csrf_token: String,
    /// Authenticated by `Authorization: Bearer` (no cookie, no CSRF check).
    pub via_bearer: bool,
}

impl CurrentUser {
    pub fn role(&self) -> Role {
        self.actor.role
    }

    fn from_session(s: Session) -> CurrentUser {
        CurrentUser {
            via_bearer: s.kind == SessionKind::Bearer,
            actor: s.actor,
            username: s.username,
            name: s.name,
            session_id: s.session_id,
            csrf_token: s.csrf_token,
        }
    }
}

/// Why a bearer token was refused, kept for the answer (a bad cookie is simply ignored).
#[derive(Debug, Clone)]
enum BearerRefused {
    /// Unknown, revoked or expired: 401.
    Invalid,
    /// A live token of another portal: 403 naming the right one.
    OtherPortal(String),
}

impl BearerRefused {
    fn error(&self) -> WebError {
        match self {
            BearerRefused::Invalid => WebError::Unauthorized(
                "Token tidak valid, sudah keluar, atau kedaluwarsa. Silakan login lagi.".to_owned(),
            ),
            BearerRefused::OtherPortal(m) => WebError::Forbidden(m.clone()),
        }
    }
}

const NOT_LOGGED_IN: &str = "Silakan masuk terlebih dahulu.";

/// The logged-in user, or `Unauthorized` (a page redirects to `/login`, the API answers 401).
pub fn current_user(depot: &Depot) -> Result<&CurrentUser, WebError> {
    if let Ok(user) = depot.get_typed::<CurrentUser>() {
        return Ok(user);
    }
    if let Ok(refused) = depot.get_typed::<BearerRefused>() {
        return Err(refused.error());
    }
    Err(WebError::Unauthorized(NOT_LOGGED_IN.to_owned()))
}

/// The logged-in user if their role is one of `roles`; otherwise 403 naming who may.
pub fn require_role<'a>(depot: &'a Depot, roles: &[Role]) -> Result<&'a CurrentUser, WebError> {
    let user = current_user(depot)?;
    if roles.contains(&user.actor.role) {
        return Ok(user);
    }
    Err(WebError::Forbidden(format!(
        "Halaman atau aksi ini hanya untuk {}.",
        role_list(roles)
    )))
}

/// `FINANCE`, `PUSAT atau FINANCE`, `PUSAT, FINANCE atau GUDANG`.
fn role_list(roles: &[Role]) -> String {
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    match names.split_last() {
        None => "peran tertentu".to_owned(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} atau {last}", rest.join(", ")),
    }
}

/// The token of `Authorization: Bearer <token>`, if that header is there at all (`Some("")`
/// for a malformed one, so it is refused rather than ignored).
fn bearer_token(req: &Request) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?;
    let text = value.to_str().unwrap_or_default().trim();
    let token = match text.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => "",
    };
    Some(token.to_owned())
}

/// Loads the session of the request, if any and if valid on this portal, into the depot as
/// [`CurrentUser`]. Never refuses by itself: pages that need a login use [`require_login`],
/// handlers call [`current_user`] / [`require_role`].
#[handler]
pub async fn load_session(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    ctrl: &mut FlowCtrl,
) -> Result<(), WebError> {
    let state = state::of(depot)?.clone();
    let Some(portal) = host::portal_of(req) else {
        ctrl.call_next(req, depot, res).await;
        return Ok(());
    };
    let (token, via_bearer) = match bearer_token(req) {
        Some(t) => (t, true),
        None => match req.cookie(SESSION_COOKIE) {
            Some(c) => (c.value().to_owned(), false),
            None => {
                ctrl.call_next(req, depot, res).await;
                return Ok(());
            }
        },
    };
    let now = state.clock.now();
    let mut conn = state.pool.acquire().await?;
    let found = session::find(&mut conn, &token, now).await?;
    let wanted = if via_bearer {
        SessionKind::Bearer
    } else {
        SessionKind::Cookie
    };
    match found {
        Some(s) if s.kind == wanted && s.portal == portal && portal.allows(s.actor.role) => {
            if let Err(e) = session::touch(&mut conn, &s, now).await {
                // Losing one last_seen write must not fail the request.
                tracing::warn!(
                    session_id = s.session_id,
                    "updating last_seen_at failed: {e}"
                );
            }
            drop(conn);
            depot.insert_typed(CurrentUser::from_session(s));
        }
        Some(s) if via_bearer && s.kind == wanted => {
            drop(conn);
            let right = s.actor.role.portal();
            depot.insert_typed(BearerRefused::OtherPortal(format!(
                "Token ini untuk portal {}; gunakan {}",
                domain::auth::login::portal_word(right),
                portal_url(req, &state, right, "/api/v1")
            )));
        }
        _ => {
            drop(conn);
            if via_bearer {
                depot.insert_typed(BearerRefused::Invalid);
            } else {
                // A dead cookie: forget it so the browser stops sending it.
                clear_session_cookie(res, state.config.cookie_secure);
            }
        }
    }
    ctrl.call_next(req, depot, res).await;
    Ok(())
}

/// Pages and API routes below it need a login: pages redirect to `/login?next=…`, the API
/// answers 401 (or 403 for another portal's token). `POST /api/v1/auth/login` passes.
#[handler]
pub async fn require_login(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    ctrl: &mut FlowCtrl,
) -> Result<(), WebError> {
    if depot.get_typed::<CurrentUser>().is_err() && !is_public(req) {
        return current_user(depot).map(|_| ());
    }
    ctrl.call_next(req, depot, res).await;
    Ok(())
}

/// Paths under a [`require_login`] hoop that anyone may call: the API login, and the OpenAPI
/// document (should it be mounted inside the API router).
pub const PUBLIC_PATHS: &[&str] = &["/api/v1/auth/login", "/api/openapi.json"];

fn is_public(req: &Request) -> bool {
    let path = req.uri().path();
    let path = path.strip_suffix('/').unwrap_or(path);
    PUBLIC_PATHS.contains(&path)
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses a state-changing request of a cookie session without the session's CSRF token in
/// the form field `csrf_token` or the `X-CSRF-Token` header (403, nothing runs). Bearer
/// requests and requests without a session pass (the latter are refused by
/// [`require_login`] or the handler).
#[handler]
pub async fn check_csrf(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    ctrl: &mut FlowCtrl,
) -> Result<(), WebError> {
    if !is_safe_method(req.method())
        && let Ok(user) = depot.get_typed::<CurrentUser>()
        && !user.via_bearer
    {
        let expected = user.csrf_token.clone();
        let sent = sent_csrf_token(req).await;
        if !sent.as_deref().is_some_and(|t| same_token(t, &expected)) {
            return Err(csrf_refused());
        }
    }
    ctrl.call_next(req, depot, res).await;
    Ok(())
}

/// The 403 for a missing or wrong CSRF token.
pub fn csrf_refused() -> WebError {
    WebError::Forbidden(
        "Formulir sudah kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.".to_owned(),
    )
}

/// The token the client sent: the header, or the form field of a form body (read once and
/// cached by salvo, so the handler can still parse the form).
async fn sent_csrf_token(req: &mut Request) -> Option<String> {
    if let Some(v) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return Some(v.to_owned());
    }
    let is_form = req.content_type().is_some_and(|m| {
        m.essence_str() == "application/x-www-form-urlencoded" || m.type_() == "multipart"
    });
    if !is_form {
        return None;
    }
    let form = req.form_data().await.ok()?;
    form.fields.get(CSRF_FIELD).cloned()
}

/// Constant-time comparison: the time taken says nothing about how much of a guess matched.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The session cookie for a new login.
pub fn set_session_cookie(res: &mut Response, token: &str, ttl_hours: u32, secure: bool) {
    res.add_cookie(
        Cookie::build((SESSION_COOKIE, token.to_owned()))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(secure)
            .max_age(salvo::http::cookie::time::Duration::hours(i64::from(
                ttl_hours,
            )))
            .build(),
    );
}

/// Tells the browser to drop the session cookie.
pub fn clear_session_cookie(res: &mut Response, secure: bool) {
    res.remove_cookie_with(
        Cookie::build((SESSION_COOKIE, ""))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(secure)
            .build(),
    );
}

/// The client's address for throttling: the peer, or behind a trusted proxy the address it
/// forwarded (`X-Real-IP`, else the last `X-Forwarded-For` entry, which the proxy appended).
pub fn client_ip(req: &Request, state: &AppState) -> String {
    let peer = req.remote_addr().ip();
    if let Some(p) = peer
        && state.sites.is_trusted(p)
    {
        let forwarded = req
            .headers()
            .get("x-real-ip")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<IpAddr>().ok())
            .or_else(|| {
                req.headers()
                    .get_all("x-forwarded-for")
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(|v| v.split(','))
                    .next_back()
                    .and_then(|v| v.trim().parse::<IpAddr>().ok())
            });
        if let Some(ip) = forwarded {
            return ip.to_canonical().to_string();
        }
    }
    peer.map_or_else(|| "unknown".to_owned(), |ip| ip.to_canonical().to_string())
}

/// An absolute URL on another portal (`http://mitra.localhost:8080/login`), for messages that
/// send people there. The scheme follows `COOKIE_SECURE` (set exactly when served over HTTPS).
pub fn portal_url(req: &Request, state: &AppState, portal: Portal, path: &str) -> String {
    let scheme = if state.config.cookie_secure {
        "https:"
    } else {
        "http:"
    };
    let href = state.sites.href(req, Some(portal));
    format!("{scheme}{}{path}", href.trim_end_matches('/'))
}

/// A `next` target that stays on this host: a path starting with one `/`, no scheme, no
/// backslash or control characters. Anything else is dropped.
pub fn safe_next(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && next.len() <= 512
        && !next.contains('\\')
        && !next.chars().any(|c| c.is_control() || c == ' ')
        && !next.starts_with("/login")
        && !next.starts_with("/logout");
    ok.then_some(next)
}

/// `/login?next=<path>` for a page that needs a login, keeping where the user was going.
pub fn login_redirect_target(req: &Request) -> String {
    if !is_safe_method(req.method()) || error::is_api(req) {
        return "/login".to_owned();
    }
    let path = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
    match safe_next(path) {
        Some(p) if p != "/" => format!("/login?next={}", percent_encode(p)),
        _ => "/login".to_owned(),
    }
}

/// Percent-encodes everything but unreserved characters and `/`.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_host() {
        assert_eq!(safe_next("/orders/5?page=2"), Some("/orders/5?page=2"));
        for bad in [
            "https://evil.com/",
            "//evil.com",
            "/\\evil.com",
            "evil.com",
            "",
            "/login",
            "/a\nb",
            "javascript:alert(1)",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "abcd"));
        assert!(!same_token("", "a"));
    }

    #[test]
    fn role_lists_read_naturally() {
        assert_eq!(role_list(&[Role::Finance]), "FINANCE");
        assert_eq!(
            role_list(&[Role::Pusat, Role::Finance]),
            "PUSAT atau FINANCE"
        );
        assert_eq!(
            role_list(&[Role::Pusat, Role::Finance, Role::Gudang]),
            "PUSAT, FINANCE atau GUDANG"
        );
    }

    #[test]
    fn encoding_keeps_paths_readable() {
        assert_eq!(percent_encode("/orders/5?page=2"), "/orders/5%3Fpage%3D2");
    }
}
