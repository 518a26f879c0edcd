//! `/invoice-runs`: the daily invoice run (overdue marking, reminders, overdue alerts) — the
//! latest runs with what each did, whether a run is waiting in the queue, and for FINANCE a
//! button that runs it now for today or a past date (PUSAT sees the runs only).

use chrono::NaiveDate;
use domain::{Role, invoice_run, ops};
use salvo::{Depot, Request, Response, handler};
use tera::Context;

use super::super::{done, form_text, refused};
use super::{age_label, refuse};
use crate::auth;
use crate::error::WebError;
use crate::render;
use crate::state;

/// Runs listed.
const RECENT: u32 = 30;

#[handler]
pub async fn show(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, &Role::OPERATORS)?.actor.clone();
    let state = state::of(depot)?.clone();
    let mut conn = state.pool.acquire().await?;
    let runs = invoice_run::recent(&mut conn, &actor, RECENT).await?;
    let queue = ops::queue_stats(&mut conn, &actor)
        .await?
        .into_iter()
        .find(|q| q.queue == jobs::queue::INVOICES);
    drop(conn);
    let today = state.clock.today();
    let mut ctx = Context::new();
    ctx.insert("runs", &runs);
    ctx.insert(
        "queued",
        &queue
            .as_ref()
            .map_or(0, |q| q.waiting + q.scheduled + q.running + q.retrying),
    );
    ctx.insert(
        "oldest_waiting",
        &queue
            .as_ref()
            .and_then(|q| q.oldest_waiting_secs)
            .map(age_label),
    );
    ctx.insert("can_trigger", &(actor.role == Role::Finance));
    ctx.insert("today", &today.to_string());
    render::page(req, depot, res, "admin/ops/invoice_runs.html", ctx)
}

/// FINANCE: enqueues the run for the date given (today when empty); the worker does it.
#[handler]
pub async fn trigger(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, &[Role::Finance])?.actor.clone();
    let state = state::of(depot)?.clone();
    let back = "/invoice-runs";
    let typed = form_text(req, "date").await;
    let date = match typed.trim() {
        "" => None,
        t => match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                refused(res, format!("Tanggal {t:?} tidak bisa dibaca."), back);
                return Ok(());
            }
        },
    };
    let mut tx = state.pool.begin().await?;
    match invoice_run::request(&mut tx, &actor, &*state.clock, date).await {
        Ok(date) => {
            tx.commit().await?;
            done(
                res,
                format!(
                    "Run invoice tanggal {} masuk antrean; hasilnya tampil di daftar setelah worker selesai menjalankannya.",
                    domain::clock::format_date_id(date)
                ),
                back,
            );
            Ok(())
        }
        Err(e) => {
            tx.rollback().await?;
            refuse(res, e, back)
        }
    }
}
