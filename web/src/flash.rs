//! One-shot messages across a redirect ("Pesanan dibuat"): [`set`] before redirecting, and the
//! next rendered page ([`crate::render::page`]) shows it once and clears it.
//!
//! The message travels in a short-lived host-only cookie, base64url-encoded so any text fits a
//! cookie value; pages show it escaped like any other value.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use salvo::http::cookie::{Cookie, SameSite};
use salvo::{Request, Response};
use serde::Serialize;

pub const FLASH_COOKIE: &str = "dfresto_flash";

/// Longer messages are cut: a cookie holds about 4 KB.
const MAX_MESSAGE: usize = 1000;

/// A message for the next page: `kind` is `success` or `error` (anything else is shown as
/// `info`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flash {
    pub kind: String,
    pub message: String,
}

fn normalize_kind(kind: &str) -> &'static str {
    match kind {
        "success" => "success",
        "error" => "error",
        _ => "info",
    }
}

/// Shows `message` on the next page this browser renders.
pub fn set(res: &mut Response, kind: &str, message: impl Into<String>) {
    let message: String = message.into().chars().take(MAX_MESSAGE).collect();
    let raw = format!("{}\n{message}", normalize_kind(kind));
    res.add_cookie(
        Cookie::build((FLASH_COOKIE, URL_SAFE_NO_PAD.encode(raw)))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .max_age(salvo::http::cookie::time::Duration::minutes(5))
            .build(),
    );
}

/// The pending message, if any, removing it so it shows once.
pub fn take(req: &Request, res: &mut Response) -> Option<Flash> {
    let cookie = req.cookie(FLASH_COOKIE)?;
    let decoded = URL_SAFE_NO_PAD.decode(cookie.value()).ok();
    res.remove_cookie_with(Cookie::build((FLASH_COOKIE, "")).path("/").build());
    let text = String::from_utf8(decoded?).ok()?;
    let (kind, message) = text.split_once('\n')?;
    Some(Flash {
        kind: normalize_kind(kind).to_owned(),
        message: message.to_owned(),
    })
}
