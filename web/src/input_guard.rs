//! The edge check every request passes before any handler: text that no field may hold is
//! refused once, here, instead of reaching PostgreSQL (which answers a NUL byte with an error,
//! a 500) or being stored (a BEL byte in a payment reference). Also where a request body is
//! read, bounded in size and in time.
//!
//! - Query parameters (every page and endpoint): no control character at all, at most
//!   [`MAX_QUERY_CHARS`] characters.
//! - Form bodies of the pages: read within [`MAX_FORM_BYTES`] (413 with a message otherwise) and
//!   the body timeout (408); each field without control characters except `\t \n \r` in the
//!   multi-line fields ([`is_multiline`]), at most [`MAX_TEXT_CHARS`]; refused with the usual
//!   flash and redirect back.
//! - Multipart bodies (uploads) are left to their endpoint, which knows its size limit.
//! - API bodies other than multipart: read within the JSON limit (422 on `body`, the API's
//!   documented answer) and the body timeout here; the JSON extractor (`api::body`) checks every string in them with [`text_problem`].
//!
//! Lone surrogates and other bytes that are not UTF-8 are refused too: a percent-encoded query
//! or form value must decode to UTF-8 (salvo would quietly turn them into U+FFFD), and
//! serde_json refuses an unpaired `\ud800` escape (422).

use std::time::Duration;

use domain::FieldErrors;
use salvo::http::header::REFERER;
use salvo::http::{Method, ParseError, StatusCode};
use salvo::writing::Redirect;
use salvo::{Depot, FlowCtrl, Request, Response, Writer, handler};

use crate::api::body::MAX_BODY_BYTES;
use crate::error::{self, WebError};
use crate::flash;
use crate::state;

/// A page form's largest body (salvo's default): the longest order form is a few KB.
pub const MAX_FORM_BYTES: usize = 64 * 1024;
/// The longest text value of a form field or JSON string: the longest legitimate one (an
/// address, a note) is far shorter; a 100 KB string is refused, not stored.
pub const MAX_TEXT_CHARS: usize = 10_000;
/// The longest query parameter (search boxes, filters, cursors).
pub const MAX_QUERY_CHARS: usize = 1_000;

/// Field names (the last part of a JSON path) whose text may span lines; so may any
/// `…_reason` and `…_note` (the textareas and their API fields).
const MULTILINE_FIELDS: &[&str] = &[
    "address",
    "description",
    "message",
    "note",
    "notes",
    "reason",
    "text",
];

/// Whether the field `name` (a form field, or a JSON path like `items[0].note`) is multi-line.
pub fn is_multiline(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    let last = last.split('[').next().unwrap_or(last);
    MULTILINE_FIELDS.contains(&last) || last.ends_with("_reason") || last.ends_with("_note")
}

/// What is wrong with `value` as the text of a field, in words for people; `None` when fine.
pub fn text_problem(value: &str, multiline: bool, max_chars: usize) -> Option<String> {
    if value
        .chars()
        .any(|c| c.is_control() && !(multiline && matches!(c, '\t' | '\n' | '\r')))
    {
        return Some(if multiline {
            "berisi karakter kontrol yang tidak diizinkan".to_owned()
        } else {
            "berisi karakter kontrol (atau baris baru) yang tidak diizinkan".to_owned()
        });
    }
    if value.chars().nth(max_chars).is_some() {
        return Some(format!("terlalu panjang (maksimal {max_chars} karakter)"));
    }
    None
}

fn is_form(req: &Request) -> bool {
    req.content_type().is_some_and(|m| {
        m.essence_str() == "application/x-www-form-urlencoded" || m.type_() == "multipart"
    })
}

fn is_multipart(req: &Request) -> bool {
    req.content_type().is_some_and(|m| m.type_() == "multipart")
}

fn has_body(req: &Request) -> bool {
    !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
}

fn too_large(limit: usize) -> WebError {
    WebError::Refused {
        status: StatusCode::PAYLOAD_TOO_LARGE,
        code: "payload_too_large",
        message: format!(
            "Isi permintaan terlalu besar (maksimal {} KB).",
            limit / 1024
        ),
    }
}

fn too_slow(timeout: Duration) -> WebError {
    WebError::Refused {
        status: StatusCode::REQUEST_TIMEOUT,
        code: "request_timeout",
        message: format!(
            "Isi permintaan tidak selesai terkirim dalam {} detik.",
            timeout.as_secs()
        ),
    }
}

fn read_error(e: &ParseError) -> WebError {
    WebError::BadRequest(format!("Isi permintaan tidak bisa dibaca: {e}"))
}

#[handler]
pub async fn input_guard(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    ctrl: &mut FlowCtrl,
) {
    let timeout = state::of(depot).map_or(Duration::from_secs(15), |s| {
        Duration::from_secs(s.config.body_read_timeout_secs)
    });
    if let Err(refused) = check(req, timeout).await {
        ctrl.skip_rest();
        match refused {
            Refusal::Error(e) => e.write(req, depot, res).await,
            Refusal::Form(fields) => refuse_form(req, res, &fields),
        }
    }
}

enum Refusal {
    Error(WebError),
    /// A page form with bad fields: flash and back.
    Form(FieldErrors),
}

/// The names of the `a=b&c=d` pairs whose name or value does not percent-decode to UTF-8.
fn not_utf8(encoded: &[u8]) -> Vec<String> {
    encoded
        .split(|b| *b == b'&')
        .filter(|pair| {
            pair.split(|b| *b == b'=')
                .any(|part| std::str::from_utf8(&percent_decode(part)).is_err())
        })
        .map(|pair| {
            let name = pair.split(|b| *b == b'=').next().unwrap_or_default();
            param_name(&String::from_utf8_lossy(&percent_decode(name)))
        })
        .collect()
}

fn percent_decode(part: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(part.len());
    let mut i = 0;
    while i < part.len() {
        match part[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < part.len() => match (hex(part[i + 1]), hex(part[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

const NOT_UTF8: &str = "bukan teks yang sah (UTF-8)";

async fn check(req: &mut Request, timeout: Duration) -> Result<(), Refusal> {
    let is_api = error::is_api(req);
    let mut fields = FieldErrors::new();
    for name in not_utf8(req.uri().query().unwrap_or_default().as_bytes()) {
        fields.insert(name, format!("nilai {NOT_UTF8}"));
    }
    for (key, value) in req.queries().iter() {
        for (what, text) in [("nama parameter", key), ("nilai", value)] {
            if let Some(problem) = text_problem(text, false, MAX_QUERY_CHARS) {
                fields.insert(param_name(key), format!("{what} {problem}"));
            }
        }
    }
    if !fields.is_empty() {
        return Err(Refusal::Error(WebError::Validation {
            message: "Parameter pencarian belum benar".to_owned(),
            fields,
        }));
    }
    if !has_body(req) {
        return Ok(());
    }
    if is_api {
        // Multipart uploads are read by their own endpoint, with its own limit.
        if !is_multipart(req) {
            match tokio::time::timeout(timeout, req.payload_with_max_size(MAX_BODY_BYTES)).await {
                Err(_) => return Err(Refusal::Error(too_slow(timeout))),
                Ok(Err(ParseError::PayloadTooLarge)) => {
                    // The API's documented answer: 422 on the field `body`.
                    let mut fields = FieldErrors::new();
                    fields.insert(
                        crate::api::body::BODY_FIELD.to_owned(),
                        format!(
                            "isi permintaan terlalu besar (maksimal {} KB)",
                            MAX_BODY_BYTES / 1024
                        ),
                    );
                    return Err(Refusal::Error(WebError::Validation {
                        message: "Data yang dikirim belum benar".to_owned(),
                        fields,
                    }));
                }
                Ok(Err(e)) => return Err(Refusal::Error(read_error(&e))),
                Ok(Ok(_)) => {}
            }
        }
        return Ok(());
    }
    // Multipart uploads are read by their own handler, with its own limit (no page has one yet).
    if !is_form(req) || is_multipart(req) {
        return Ok(());
    }
    {
        match tokio::time::timeout(timeout, req.payload_with_max_size(MAX_FORM_BYTES)).await {
            Err(_) => return Err(Refusal::Error(too_slow(timeout))),
            Ok(Err(ParseError::PayloadTooLarge)) => {
                return Err(Refusal::Error(too_large(MAX_FORM_BYTES)));
            }
            Ok(Err(e)) => return Err(Refusal::Error(read_error(&e))),
            Ok(Ok(bytes)) => {
                for name in not_utf8(bytes) {
                    fields.insert(name, NOT_UTF8.to_owned());
                }
            }
        }
        if !fields.is_empty() {
            return Err(Refusal::Form(fields));
        }
    }
    let form = match tokio::time::timeout(timeout, req.form_data_max_size(MAX_FORM_BYTES)).await {
        Err(_) => return Err(Refusal::Error(too_slow(timeout))),
        Ok(Err(ParseError::PayloadTooLarge)) => {
            return Err(Refusal::Error(too_large(MAX_FORM_BYTES)));
        }
        Ok(Err(e)) => return Err(Refusal::Error(read_error(&e))),
        Ok(Ok(form)) => form,
    };
    for (key, value) in form.fields.iter() {
        if let Some(problem) = text_problem(key, false, 200)
            .or_else(|| text_problem(value, is_multiline(key), MAX_TEXT_CHARS))
        {
            fields.insert(param_name(key), problem);
        }
    }
    if fields.is_empty() {
        Ok(())
    } else {
        Err(Refusal::Form(fields))
    }
}

/// A parameter's name as reported back: printable, bounded.
fn param_name(key: &str) -> String {
    let clean: String = key.chars().filter(|c| !c.is_control()).take(64).collect();
    if clean.is_empty() {
        "query".to_owned()
    } else {
        clean
    }
}

/// The usual refusal of a page form: the message as a flash, and back to the page the form was
/// on (its `Referer` on this host), or the portal's home.
fn refuse_form(req: &Request, res: &mut Response, fields: &FieldErrors) {
    let list: Vec<String> = fields.iter().map(|(f, m)| format!("{f} {m}")).collect();
    flash::set(
        res,
        "error",
        format!("Isian belum benar: {}.", list.join("; ")),
    );
    res.render(Redirect::other(back_to(req)));
}

fn back_to(req: &Request) -> String {
    let host = req.uri().host().map(str::to_owned).or_else(|| {
        req.headers()
            .get(salvo::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_owned)
    });
    req.headers()
        .get(REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.parse::<salvo::http::uri::Uri>().ok())
        .filter(|u| {
            u.authority().map(|a| a.as_str().to_owned()) == host
                || u.host().map(str::to_owned) == host
        })
        .map(|u| {
            u.path_and_query()
                .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned())
        })
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .unwrap_or_else(|| "/".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_except_line_breaks_in_multi_line_fields() {
        assert_eq!(text_problem("Budi", false, 10), None);
        assert!(text_problem("a\0b", false, 10).is_some());
        assert!(text_problem("a\u{7}b", true, 10).is_some());
        assert!(text_problem("a\u{85}b", true, 10).is_some());
        assert!(text_problem("a\nb", false, 10).is_some());
        assert_eq!(text_problem("a\r\n\tb", true, 10), None);
        assert!(text_problem(&"x".repeat(11), false, 10).is_some());
        assert_eq!(text_problem(&"é".repeat(10), false, 10), None);
        assert!(is_multiline("items[2].note"));
        assert!(is_multiline("reason"));
        assert!(is_multiline("credit_override_reason"));
        assert!(!is_multiline("reference"));
        assert!(not_utf8(b"q=caf%C3%A9&page=2").is_empty());
        assert_eq!(not_utf8(b"page=1&q=a%ED%A0%80b"), vec!["q".to_owned()]);
        assert_eq!(percent_decode(b"a+b%2"), b"a b%2");
    }
}
