//! Reading a page's request: `?page=`, the list filters of the query string (free text, a choice
//! from a fixed set, a date, a flag), and the numeric `{id}` of a detail path. Anything that
//! does not read is treated as not given, never as an error.

use salvo::Request;

use crate::error::WebError;
use crate::pages::pager::MAX_PAGE;

/// Search boxes and other free text in a query string are cut to this many characters.
const MAX_QUERY_CHARS: usize = 100;

/// `?page=`: a positive number, anything else is page 1.
pub fn page(req: &Request) -> u32 {
    req.query::<String>("page")
        .and_then(|p| p.trim().parse::<u32>().ok())
        .filter(|p| *p >= 1)
        .map_or(1, |p| p.min(MAX_PAGE))
}

/// A trimmed, non-empty text parameter of the query string, cut to a sane length.
pub fn text(req: &Request, key: &str) -> Option<String> {
    req.query::<String>(key)
        .map(|v| v.trim().chars().take(MAX_QUERY_CHARS).collect::<String>())
        .filter(|v| !v.is_empty())
}

/// A parameter that must be one of a fixed set (a status); an unknown value is ignored, as if
/// the filter were not set.
pub fn choice<T: std::str::FromStr>(req: &Request, key: &str) -> Option<T> {
    text(req, key).and_then(|v| v.parse().ok())
}

/// A `YYYY-MM-DD` parameter (what `<input type=date>` sends); anything else is ignored.
pub fn date(req: &Request, key: &str) -> Option<chrono::NaiveDate> {
    text(req, key).and_then(|v| chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok())
}

/// A checkbox-style flag: present with `1`, `on` or `true`.
pub fn flag(req: &Request, key: &str) -> bool {
    text(req, key).is_some_and(|v| matches!(v.as_str(), "1" | "on" | "true"))
}

/// The numeric `{id}` of a detail path; anything else is a page that does not exist.
pub fn id_param(req: &Request) -> Result<i64, WebError> {
    req.param::<String>("id")
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|id| *id > 0)
        .ok_or_else(WebError::not_found)
}
