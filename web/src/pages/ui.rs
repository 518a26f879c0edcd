//! Helpers the logged-in portal pages share: reading list filters and `?page=` from the query
//! string, building pager links that keep the filters, reading the quantity-per-product forms
//! (new order, new PO; the rest of those forms is `line_form`) and putting the domain's
//! per-line errors back on their fields, and the post/redirect/get ending of every action.

use std::collections::BTreeMap;
use std::sync::Arc;

use domain::input::Line;
use domain::{DomainError, FieldErrors, Role};
use salvo::http::StatusCode;
use salvo::writing::Redirect;
use salvo::{Depot, Request, Response};
use serde::Serialize;
use tera::Context;

use crate::auth::{self, CurrentUser};
use crate::error::WebError;
use crate::server::{self, AppState};
use crate::{flash, render};

/// The user of a page only `role` may open, and the application state (both owned, so the
/// handler can go on using the depot).
pub fn who(depot: &Depot, role: Role) -> Result<(CurrentUser, Arc<AppState>), WebError> {
    let user = auth::require_role(depot, &[role])?.clone();
    let state = server::state(depot)?.clone();
    Ok((user, state))
}

/// Renders a logged-in page with `status` (200 for a normal page, 422/409/403 for a form or an
/// action shown again with its message).
pub fn render(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    status: StatusCode,
    name: &str,
    ctx: Context,
) -> Result<(), WebError> {
    res.status_code(status);
    render::page(req, depot, res, name, ctx)
}

/// Rows per page on every list.
pub const PER_PAGE: u32 = 20;
/// Far beyond any real list; keeps OFFSET arithmetic and links small.
const MAX_PAGE: u32 = 100_000;
/// Search boxes and other free text in a query string are cut to this many characters.
const MAX_QUERY_CHARS: usize = 100;
/// Field name prefix of the quantity inputs: `qty_<product id>`.
pub const QTY_PREFIX: &str = "qty_";

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

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The filters of a list, in the order they appear in links.
#[derive(Debug, Clone, Default)]
pub struct Filters(Vec<(&'static str, String)>);

impl Filters {
    pub fn new() -> Filters {
        Filters::default()
    }

    /// Adds a filter when it is set.
    pub fn set(mut self, key: &'static str, value: Option<impl ToString>) -> Filters {
        if let Some(v) = value {
            let v = v.to_string();
            if !v.is_empty() {
                self.0.push((key, v));
            }
        }
        self
    }

    /// `path?k=v&…&page=N` (page left out when it is 1).
    pub fn href(&self, path: &str, page: u32) -> String {
        let mut parts: Vec<String> = self
            .0
            .iter()
            .map(|(k, v)| format!("{k}={}", percent_encode(v)))
            .collect();
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        if parts.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{}", parts.join("&"))
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One entry of the page links: a number, or a gap (`…`) when `number` is `None`.
#[derive(Debug, Clone, Serialize)]
pub struct PageLink {
    pub number: Option<u32>,
    pub href: String,
    pub current: bool,
}

/// Everything a list's pager shows: where we are, how many there are, and links that keep the
/// list's filters.
#[derive(Debug, Clone, Serialize)]
pub struct Pager {
    pub page: u32,
    pub pages: u32,
    pub total: i64,
    /// 1-based position of the first and last row shown (0 and 0 when the list is empty).
    pub from: i64,
    pub to: i64,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    pub links: Vec<PageLink>,
    /// Whether any filter is set (the empty-list message then says to loosen them).
    pub filtered: bool,
}

impl Pager {
    pub fn new(path: &str, filters: &Filters, page: u32, per_page: u32, total: i64) -> Pager {
        let per = i64::from(per_page.max(1));
        let pages = u32::try_from(((total.max(0) + per - 1) / per).max(1)).unwrap_or(MAX_PAGE);
        let shown_page = page.min(pages);
        let from = if total == 0 {
            0
        } else {
            (i64::from(page) - 1) * per + 1
        };
        let to = (i64::from(page) * per).min(total.max(0));
        // First, last, and two either side of the current page; gaps become "…".
        let mut numbers: Vec<u32> = vec![1, pages];
        numbers.extend(shown_page.saturating_sub(2).max(1)..=(shown_page + 2).min(pages));
        numbers.sort_unstable();
        numbers.dedup();
        let mut links = Vec::with_capacity(numbers.len() + 2);
        let mut previous = 0;
        for n in numbers {
            if previous != 0 && n != previous + 1 {
                links.push(PageLink {
                    number: None,
                    href: String::new(),
                    current: false,
                });
            }
            links.push(PageLink {
                number: Some(n),
                href: filters.href(path, n),
                current: n == page,
            });
            previous = n;
        }
        Pager {
            page,
            pages,
            total,
            // A page past the end shows nothing: 0–0, not a range that does not exist.
            from: if from > total { 0 } else { from },
            to: if from > total { 0 } else { to },
            prev_href: (page > 1).then(|| filters.href(path, (page - 1).min(pages))),
            next_href: (page < pages).then(|| filters.href(path, page + 1)),
            links,
            filtered: !filters.is_empty(),
        }
    }
}

/// A quantity-per-product form as submitted: the lines to send to the domain, what was typed
/// in each field (to show it again), and the fields that could not be read.
#[derive(Debug, Default)]
pub struct LineForm {
    pub lines: Vec<Line>,
    /// Field name (`qty_<id>`) → the text entered, for re-rendering the form.
    pub values: BTreeMap<String, String>,
    pub errors: FieldErrors,
    /// The field name of each line, so the domain's `items[i]` errors land on their field.
    fields: Vec<String>,
}

impl LineForm {
    /// Reads every `qty_<product id>` field. An empty field is a product not ordered; anything
    /// typed is sent on (so `0` and negative numbers get the domain's message), except text that
    /// is not a whole number, which is refused here on its field.
    pub fn read<'a>(fields: impl Iterator<Item = (&'a String, &'a String)>) -> LineForm {
        let mut form = LineForm::default();
        let mut entered: Vec<(i64, String, String)> = Vec::new();
        for (name, value) in fields {
            let Some(suffix) = name.strip_prefix(QTY_PREFIX) else {
                continue;
            };
            let value = value.trim().to_owned();
            if form.values.contains_key(name) {
                continue;
            }
            form.values.insert(name.clone(), value.clone());
            if value.is_empty() {
                continue;
            }
            match suffix.parse::<i64>() {
                Ok(id) => entered.push((id, name.clone(), value)),
                Err(_) => {
                    form.errors
                        .insert("items".into(), "ada produk yang tidak dikenal".into());
                }
            }
        }
        // Field order from a form body is not guaranteed: by product id, so errors are stable.
        entered.sort_by_key(|e| e.0);
        for (product_id, name, value) in entered {
            match parse_qty(&value) {
                Some(qty) => {
                    form.lines.push(Line { product_id, qty });
                    form.fields.push(name);
                }
                None => {
                    form.errors
                        .insert(name, "jumlah harus berupa angka bulat".into());
                }
            }
        }
        form
    }

    /// Moves the domain's `items[i].qty` / `items[i].product_id` messages onto the field of
    /// line `i`; other fields (`items`, `note`) keep their names.
    pub fn place_errors(&self, errors: FieldErrors) -> FieldErrors {
        let mut out = FieldErrors::new();
        for (key, message) in errors {
            let field = key
                .strip_prefix("items[")
                .and_then(|rest| rest.split_once(']'))
                .and_then(|(i, _)| i.parse::<usize>().ok())
                .and_then(|i| self.fields.get(i))
                .cloned()
                .unwrap_or(key);
            out.entry(field).or_insert(message);
        }
        out
    }
}

/// One product line of a quantity form, as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct FormLine {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub price: i64,
    pub stock: i64,
    pub min_qty: i64,
    /// The input's name, `qty_<id>`.
    pub field: String,
    /// What was entered (empty on a fresh form).
    pub value: String,
    pub error: Option<String>,
    /// `price × qty` for a valid positive quantity, else 0.
    pub subtotal: i64,
}

/// The products of one category; opened when something in it was entered or is wrong.
#[derive(Debug, Clone, Serialize)]
pub struct FormGroup {
    pub name: String,
    pub lines: Vec<FormLine>,
    pub open: bool,
    /// Lines with a quantity entered.
    pub entered: usize,
}

/// The product part of a new-order or new-PO form.
#[derive(Debug, Clone, Serialize)]
pub struct LinesView {
    pub groups: Vec<FormGroup>,
    pub total: i64,
    pub lines_entered: usize,
    /// Messages about the lines that belong to no shown field (a product no longer sold, too
    /// many lines, nothing chosen).
    pub general_errors: Vec<String>,
}

/// Lays the catalogue out as the form's groups, with what was entered and the messages per
/// field. `own_fields` are the form's other fields (their messages are shown by them).
pub fn lines_view(
    items: Vec<domain::catalogue::CatalogueItem>,
    values: &BTreeMap<String, String>,
    errors: &FieldErrors,
    own_fields: &[&str],
) -> LinesView {
    let mut groups: Vec<FormGroup> = Vec::new();
    let mut total: i64 = 0;
    let mut lines_entered = 0;
    let mut shown: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let field = format!("{QTY_PREFIX}{}", item.id);
        let value = values.get(&field).cloned().unwrap_or_default();
        let qty = parse_qty(&value).filter(|q| *q > 0);
        let subtotal = qty.and_then(|q| q.checked_mul(item.price)).unwrap_or(0);
        total = total.saturating_add(subtotal);
        let error = errors.get(&field).cloned();
        let category = if item.category.is_empty() {
            "Lainnya".to_owned()
        } else {
            item.category.clone()
        };
        if groups.last().is_none_or(|g| g.name != category) {
            groups.push(FormGroup {
                name: category,
                lines: Vec::new(),
                open: false,
                entered: 0,
            });
        }
        if let Some(group) = groups.last_mut() {
            if !value.is_empty() {
                group.entered += 1;
                lines_entered += 1;
            }
            group.open |= !value.is_empty() || error.is_some();
            shown.push(field.clone());
            group.lines.push(FormLine {
                id: item.id,
                sku: item.sku,
                name: item.name,
                unit: item.unit,
                price: item.price,
                stock: item.stock,
                min_qty: item.min_qty,
                field,
                value,
                error,
                subtotal,
            });
        }
    }
    let general_errors = errors
        .iter()
        .filter(|(k, _)| !shown.contains(k) && !own_fields.contains(&k.as_str()))
        .map(|(_, v)| sentence(v))
        .collect();
    LinesView {
        groups,
        total,
        lines_entered,
        general_errors,
    }
}

/// A random key for a form, so submitting it twice (a double tap, a resent POST) makes one
/// record: the domain returns the first one for the same key.
pub fn new_form_key() -> String {
    let bytes: [u8; 16] = rand::random();
    hex::encode(bytes)
}

/// A whole number as people type it: `12`, `+12`, `-3`; thousands separators are not
/// quantities anyone types in these forms, so `1.000` is refused rather than guessed.
fn parse_qty(s: &str) -> Option<i64> {
    s.parse::<i64>().ok()
}

/// The end of every successful action: a one-shot message, then a 303 to the page to show.
pub fn done(res: &mut Response, message: &str, location: &str) {
    flash::set(res, "success", message);
    res.render(Redirect::other(location));
}

/// What an action's refusal becomes on the page it came from: the status to answer with and
/// the message to show; `None` for errors that are not the user's to fix (they go to the
/// error page).
pub fn refusal(e: &DomainError) -> Option<(StatusCode, String)> {
    let status = match e {
        DomainError::Forbidden(_) => StatusCode::FORBIDDEN,
        DomainError::InvalidTransition { .. }
        | DomainError::InsufficientStock { .. }
        | DomainError::CreditBlocked(_)
        | DomainError::Conflict(_) => StatusCode::CONFLICT,
        DomainError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
        DomainError::NotFound { .. } | DomainError::Database(_) | DomainError::Jobs(_) => {
            return None;
        }
    };
    Some((status, sentence(&e.to_string())))
}

/// Domain messages are lower-case phrases ("tidak bisa …"); on a page they open a sentence.
pub fn sentence(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Field messages as a page shows them: each opening with a capital.
pub fn field_messages(errors: FieldErrors) -> FieldErrors {
    errors.into_iter().map(|(k, v)| (k, sentence(&v))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_filters_and_encode_them() {
        let f = Filters::new()
            .set("status", Some("PENDING"))
            .set("q", Some("a&b c/é"))
            .set("empty", Option::<String>::None);
        assert_eq!(
            f.href("/orders", 1),
            "/orders?status=PENDING&q=a%26b%20c%2F%C3%A9"
        );
        assert_eq!(
            f.href("/orders", 3),
            "/orders?status=PENDING&q=a%26b%20c%2F%C3%A9&page=3"
        );
        assert_eq!(Filters::new().href("/orders", 1), "/orders");
    }

    #[test]
    fn pager_windows_long_lists() {
        let p = Pager::new("/o", &Filters::new(), 10, 20, 1000);
        assert_eq!(p.pages, 50);
        assert_eq!((p.from, p.to), (181, 200));
        let numbers: Vec<Option<u32>> = p.links.iter().map(|l| l.number).collect();
        assert_eq!(
            numbers,
            vec![
                Some(1),
                None,
                Some(8),
                Some(9),
                Some(10),
                Some(11),
                Some(12),
                None,
                Some(50)
            ]
        );
        assert_eq!(p.prev_href.as_deref(), Some("/o?page=9"));
        assert_eq!(p.next_href.as_deref(), Some("/o?page=11"));

        let empty = Pager::new("/o", &Filters::new(), 1, 20, 0);
        assert_eq!((empty.pages, empty.from, empty.to), (1, 0, 0));
        assert!(empty.prev_href.is_none() && empty.next_href.is_none());

        let beyond = Pager::new("/o", &Filters::new(), 7, 20, 30);
        assert_eq!((beyond.from, beyond.to), (0, 0));
        assert_eq!(beyond.prev_href.as_deref(), Some("/o?page=2"));
    }

    #[test]
    fn line_forms_read_quantities_and_place_errors() {
        let fields: Vec<(String, String)> = vec![
            ("qty_3".into(), " 2 ".into()),
            ("qty_1".into(), "".into()),
            ("qty_2".into(), "abc".into()),
            ("qty_5".into(), "0".into()),
            ("note".into(), "x".into()),
        ];
        let form = LineForm::read(fields.iter().map(|(k, v)| (k, v)));
        assert_eq!(
            form.lines,
            vec![
                Line {
                    product_id: 3,
                    qty: 2
                },
                Line {
                    product_id: 5,
                    qty: 0
                }
            ]
        );
        assert_eq!(form.values.get("qty_3").map(String::as_str), Some("2"));
        assert!(form.errors.contains_key("qty_2"));
        let mut domain = FieldErrors::new();
        domain.insert("items[1].qty".into(), "jumlah harus lebih dari 0".into());
        domain.insert("note".into(), "maksimal 1000 karakter".into());
        let placed = form.place_errors(domain);
        assert_eq!(
            placed.get("qty_5").map(String::as_str),
            Some("jumlah harus lebih dari 0")
        );
        assert!(placed.contains_key("note"));
    }
}
