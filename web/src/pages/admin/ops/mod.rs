//! The operations pages of the admin portal, for PUSAT and FINANCE (GUDANG has no business
//! here): the job queues (`/jobs`, retrying a failed job), the WhatsApp log with today's send
//! budget and the connection's status (`/whatsapp`, re-sending a failed message), and the daily
//! invoice run (`/invoice-runs`: the recent runs, and FINANCE starting one by hand). The domain
//! checks the roles again; every action is a POST with the CSRF token ending in a redirect with
//! a flash message.

mod invoice_runs;
mod jobs;
mod whatsapp;

use domain::DomainError;
use salvo::{Response, Router};

use super::refused;
use crate::error::WebError;
use crate::pages::outcome;

/// The routes, pushed into the admin router as one entry.
pub fn router() -> Router {
    Router::new()
        .push(Router::with_path("jobs").get(jobs::show))
        .push(Router::with_path("jobs/{id}/retry").post(jobs::retry))
        .push(Router::with_path("whatsapp").get(whatsapp::show))
        .push(Router::with_path("whatsapp/{id:num}/retry").post(whatsapp::retry))
        .push(Router::with_path("whatsapp/connection").get(whatsapp::connection))
        .push(Router::with_path("whatsapp/pair-code").post(whatsapp::pair_code))
        .push(
            Router::with_path("whatsapp/logout")
                .get(whatsapp::confirm_logout)
                .post(whatsapp::logout),
        )
        .push(
            Router::with_path("whatsapp/relink")
                .get(whatsapp::confirm_relink)
                .post(whatsapp::relink),
        )
        .push(Router::with_path("static/whatsapp.js").get(whatsapp::script))
        .push(
            Router::with_path("invoice-runs")
                .get(invoice_runs::show)
                .post(invoice_runs::trigger),
        )
}

/// After a refused action: its message on the page it came from. Errors that are not the
/// user's to fix (a record that does not exist, a database failure) go to the error page.
pub(super) fn refuse(res: &mut Response, e: DomainError, back: &str) -> Result<(), WebError> {
    let message = match &e {
        DomainError::Validation(fields) => fields
            .values()
            .map(|m| outcome::sentence(m))
            .collect::<Vec<_>>()
            .join(" · "),
        _ => match outcome::refusal(&e) {
            Some((_, message)) => message,
            None => return Err(e.into()),
        },
    };
    refused(res, message, back);
    Ok(())
}

/// `3 dtk`, `5 mnt`, `2 jam 10 mnt`, `3 hari 4 jam`: how long something has waited.
fn age_label(secs: i64) -> String {
    let secs = secs.max(0);
    let (days, hours, mins) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    match (days, hours, mins) {
        (0, 0, 0) => format!("{secs} dtk"),
        (0, 0, m) => format!("{m} mnt"),
        (0, h, 0) => format!("{h} jam"),
        (0, h, m) => format!("{h} jam {m} mnt"),
        (d, 0, _) => format!("{d} hari"),
        (d, h, _) => format!("{d} hari {h} jam"),
    }
}

#[cfg(test)]
mod tests {
    use super::age_label;

    #[test]
    fn ages_read_naturally() {
        assert_eq!(age_label(0), "0 dtk");
        assert_eq!(age_label(59), "59 dtk");
        assert_eq!(age_label(60), "1 mnt");
        assert_eq!(age_label(3600), "1 jam");
        assert_eq!(age_label(3 * 3600 + 125), "3 jam 2 mnt");
        assert_eq!(age_label(86_400 + 60), "1 hari");
        assert_eq!(age_label(2 * 86_400 + 5 * 3600), "2 hari 5 jam");
        assert_eq!(age_label(-5), "0 dtk");
    }
}
