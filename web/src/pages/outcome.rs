//! How a logged-in page request ends: the page rendered with its status, the post/redirect/get
//! ending of a successful action (a one-shot flash message, then a 303), and a refused action's
//! status and message, with domain messages turned into sentences.

use domain::{DomainError, FieldErrors};
use salvo::http::StatusCode;
use salvo::writing::Redirect;
use salvo::{Depot, Request, Response};
use tera::Context;

use crate::error::WebError;
use crate::{flash, render};

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
