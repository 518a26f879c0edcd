//! The part the new-order (mitra) and new-PO (stokis) pages share: reading the quantity-per-product
//! fields (`qty_<id>`) and putting the domain's per-line errors back on them, what was entered and
//! is kept across a re-render, laying the catalogue out as the form's groups, the template context
//! both forms fill the same way (`partials/order_form.html`), and turning the domain's refusal
//! into the form shown again.

use std::collections::BTreeMap;

use domain::catalogue::CatalogueItem;
use domain::input::Line;
use domain::{DomainError, FieldErrors};
use salvo::Request;
use salvo::http::StatusCode;
use serde::Serialize;
use tera::Context;

use crate::error::WebError;
use crate::pages::{outcome, query};

/// Idempotency keys are ours (32 hex characters); anything longer is not worth storing.
const MAX_KEY_CHARS: usize = 200;

/// Field name prefix of the quantity inputs: `qty_<product id>`.
pub const QTY_PREFIX: &str = "qty_";

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
    items: Vec<CatalogueItem>,
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
        .map(|(_, v)| outcome::sentence(v))
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

/// What a quantity form shows besides the catalogue: what was entered and what is wrong.
#[derive(Default)]
pub struct Entered {
    pub values: BTreeMap<String, String>,
    pub note: String,
    pub key: String,
    pub errors: FieldErrors,
    /// A refusal that belongs to no field (out of stock, account inactive, credit).
    pub message: Option<String>,
}

impl Entered {
    /// A fresh form; `?product=<id>` starts it with one of that product (the catalogue's
    /// "pesan" link).
    pub fn starting(req: &Request) -> Entered {
        let mut entered = Entered::default();
        if let Some(id) = query::text(req, "product").and_then(|p| p.parse::<i64>().ok()) {
            entered
                .values
                .insert(format!("{}{id}", QTY_PREFIX), "1".to_owned());
        }
        entered
    }

    /// The key to hand the domain: none when the form sent none, so it makes a new record.
    pub fn idempotency_key(&self) -> Option<String> {
        (!self.key.is_empty()).then(|| self.key.clone())
    }
}

/// Reads a submitted quantity form: the lines for the domain and what to show if it comes back.
pub async fn read(req: &mut Request) -> Result<(LineForm, Entered), WebError> {
    let form = req
        .form_data()
        .await
        .map_err(|_| WebError::BadRequest("Formulir tidak dapat dibaca".to_owned()))?;
    let lines = LineForm::read(form.fields.iter());
    let entered = Entered {
        values: lines.values.clone(),
        note: form.fields.get("note").cloned().unwrap_or_default(),
        key: form
            .fields
            .get("idempotency_key")
            .map(|k| k.trim().chars().take(MAX_KEY_CHARS).collect::<String>())
            .unwrap_or_default(),
        errors: lines.errors.clone(),
        message: None,
    };
    Ok((lines, entered))
}

/// The context `partials/order_form.html` needs; the page adds what is its own (supplier,
/// credit). A form shown again keeps its key, so a resubmit is still the same record.
pub fn context(
    items: Vec<CatalogueItem>,
    entered: Entered,
    stock_label: &str,
    submit_label: &str,
) -> Context {
    let errors = outcome::field_messages(entered.errors);
    let lines = lines_view(items, &entered.values, &errors, &["note"]);
    let mut ctx = Context::new();
    ctx.insert("lines", &lines);
    ctx.insert("stock_label", stock_label);
    ctx.insert("submit_label", submit_label);
    ctx.insert("note", &entered.note);
    ctx.insert("note_max", &domain::input::MAX_NOTE_CHARS);
    ctx.insert(
        "form_key",
        &if entered.key.is_empty() {
            new_form_key()
        } else {
            entered.key
        },
    );
    ctx.insert("errors", &errors);
    ctx.insert("message", &entered.message);
    ctx
}

/// After the domain refused the form: the status and the form to show again (per-line messages
/// on their fields, or one message for the whole form), or the error for the error page.
pub fn refused(
    lines: &LineForm,
    mut entered: Entered,
    e: DomainError,
) -> Result<(StatusCode, Entered), WebError> {
    if let DomainError::Validation(errors) = e {
        entered.errors = lines.place_errors(errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, entered));
    }
    let Some((status, message)) = outcome::refusal(&e) else {
        return Err(e.into());
    };
    entered.message = Some(message);
    Ok((status, entered))
}

#[cfg(test)]
mod tests {
    use super::*;

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
