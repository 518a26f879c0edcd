//! The part the new-order (mitra) and new-PO (stokis) pages share: what was entered and is kept
//! across a re-render, reading the submitted form, the template context both forms fill the same
//! way (`partials/order_form.html`), and turning the domain's refusal into the form shown again.

use std::collections::BTreeMap;

use domain::catalogue::CatalogueItem;
use domain::{DomainError, FieldErrors};
use salvo::Request;
use salvo::http::StatusCode;
use tera::Context;

use crate::error::WebError;
use crate::pages::ui::{self, LineForm};

/// Idempotency keys are ours (32 hex characters); anything longer is not worth storing.
const MAX_KEY_CHARS: usize = 200;

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
        if let Some(id) = ui::text(req, "product").and_then(|p| p.parse::<i64>().ok()) {
            entered
                .values
                .insert(format!("{}{id}", ui::QTY_PREFIX), "1".to_owned());
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
    let errors = ui::field_messages(entered.errors);
    let lines = ui::lines_view(items, &entered.values, &errors, &["note"]);
    let mut ctx = Context::new();
    ctx.insert("lines", &lines);
    ctx.insert("stock_label", stock_label);
    ctx.insert("submit_label", submit_label);
    ctx.insert("note", &entered.note);
    ctx.insert("note_max", &domain::input::MAX_NOTE_CHARS);
    ctx.insert(
        "form_key",
        &if entered.key.is_empty() {
            ui::new_form_key()
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
    let Some((status, message)) = ui::refusal(&e) else {
        return Err(e.into());
    };
    entered.message = Some(message);
    Ok((status, entered))
}
