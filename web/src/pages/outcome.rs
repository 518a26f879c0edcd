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

/// Where the order actions that move an order forward lead: a refusal of `action` while the
/// order already stands there is the second tap of an action that went through, not a mistake
/// to show. Rejecting and cancelling keep their refusal (a closed order is news to the user).
pub fn order_reached(action: domain::order::OrderAction) -> Option<domain::order::OrderStatus> {
    use domain::order::{OrderAction, OrderStatus};
    match action {
        OrderAction::Confirm => Some(OrderStatus::Confirmed),
        OrderAction::Ship => Some(OrderStatus::Shipped),
        OrderAction::Deliver => Some(OrderStatus::Delivered),
        OrderAction::Reject | OrderAction::Cancel => None,
    }
}

/// The answer to a repeated action (a double tap, a form sent again from the back button): the
/// record's page with its current state, e.g. "Pesanan ORD-… sudah dikonfirmasi.", instead of
/// the refusal the state machine gives for the second request. `label` is the status's label.
pub fn already(res: &mut Response, what: &str, label: &str, location: &str) {
    done(
        res,
        &format!("{what} sudah {}.", label.to_lowercase()),
        location,
    );
}

/// Whether `e` says the record is no longer in the state the action starts from.
pub fn is_wrong_state(e: &DomainError) -> bool {
    matches!(e, DomainError::InvalidTransition { .. })
}
