//! The security headers on every response, set by the app itself (nginx may add its own, but a
//! deployment without it must not lose them): a Content-Security-Policy whose only allowed
//! inline scripts are those carrying this response's nonce, Permissions-Policy,
//! Cross-Origin-Opener-Policy and the older nosniff / frame / referrer headers; and
//! `Cache-Control: no-store` on the API's JSON answers (they hold one user's data).

use rand::Rng;
use salvo::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderName, HeaderValue};
use salvo::{Depot, FlowCtrl, Request, Response, handler};

/// This response's CSP nonce, in the request's extensions for the page context
/// (`csp_nonce`; templates write `<script nonce="{{ csp_nonce }}">`).
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

/// The nonce of this request (empty outside a request that passed [`security_headers`]).
pub fn nonce_of(req: &Request) -> String {
    req.extensions()
        .get::<CspNonce>()
        .map(|n| n.0.clone())
        .unwrap_or_default()
}

/// The policy: everything from this origin only, scripts only from it or with the nonce (no
/// inline event handlers), no plugins, no framing, no `<base>` tricks.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
         base-uri 'self'; frame-ancestors 'none'"
    )
}

/// Features no page uses, switched off for the page and anything it could embed.
pub const PERMISSIONS_POLICY: &str =
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=()";

#[handler]
pub async fn security_headers(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    ctrl: &mut FlowCtrl,
) {
    let bytes: [u8; 16] = rand::rng().random();
    // Hex, not base64: Tera would escape a `/` of base64 in the page (harmless to browsers, but
    // the nonce is then not the same text in the header and the page).
    let nonce = hex::encode(bytes);
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let is_api = req.uri().path().starts_with("/api/");
    ctrl.call_next(req, depot, res).await;

    let headers = res.headers_mut();
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
        ("permissions-policy", PERMISSIONS_POLICY),
        ("cross-origin-opener-policy", "same-origin"),
    ] {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    if let Ok(csp) = HeaderValue::from_str(&content_security_policy(&nonce)) {
        headers.insert(HeaderName::from_static("content-security-policy"), csp);
    }
    // No content type yet: an error the catcher turns into the JSON error body after this.
    let is_json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("application/json"));
    if is_api && is_json {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}
