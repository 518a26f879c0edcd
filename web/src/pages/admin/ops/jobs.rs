//! `/jobs`: per queue, how many jobs wait, are scheduled, run, are being retried, failed and
//! finished, and how long the oldest waiting one has waited; the worker processes seen in the
//! last minute; the jobs that failed for good (filter by queue, paginated) with their error and
//! a retry button.

use domain::{Role, ops};
use salvo::{Depot, Request, Response, handler};
use serde::Serialize;
use tera::Context;

use super::super::{PER_PAGE, back_to, done};
use super::{age_label, refuse};
use crate::auth;
use crate::error::WebError;
use crate::pages::pager::{Filters, Pager};
use crate::pages::query;
use crate::render;
use crate::state;

/// Workers whose last heartbeat is older than this are not shown as running.
const WORKER_SEEN_SECS: i64 = 60;

/// What a queue is for, in words.
fn queue_label(queue: &str) -> &str {
    match queue {
        jobs::queue::NOTIFICATIONS => "Notifikasi",
        jobs::queue::WHATSAPP => "Kirim WhatsApp",
        jobs::queue::INVOICES => "Run invoice harian",
        jobs::queue::REPORTS => "Laporan",
        other => other,
    }
}

#[derive(Debug, Serialize)]
struct QueueRow {
    #[serde(flatten)]
    stats: ops::QueueStats,
    label: &'static str,
    oldest_waiting: Option<String>,
}

#[derive(Debug, Serialize)]
struct FailedRow {
    #[serde(flatten)]
    job: ops::FailedJob,
    label: &'static str,
    /// The payload on one line (`{"log_id":42}`).
    payload_text: String,
}

#[derive(Debug, Serialize)]
struct Choice {
    value: &'static str,
    label: &'static str,
}

fn known_queue(q: &str) -> Option<&'static str> {
    jobs::queue::ALL.iter().copied().find(|known| *known == q)
}

fn static_label(queue: &str) -> &'static str {
    known_queue(queue).map_or("Lainnya", |q| queue_label(q))
}

#[handler]
pub async fn show(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, &Role::OPERATORS)?.actor.clone();
    let state = state::of(depot)?.clone();
    let queue = query::text(req, "queue").and_then(|q| known_queue(&q));
    let page = query::page(req);
    let mut conn = state.pool.acquire().await?;
    let stats = ops::queue_stats(&mut conn, &actor).await?;
    let workers = ops::workers(&mut conn, &actor, WORKER_SEEN_SECS).await?;
    let (failed, total) = ops::failed_jobs(&mut conn, &actor, queue, page, PER_PAGE).await?;
    drop(conn);

    let queues: Vec<QueueRow> = stats
        .into_iter()
        .map(|s| QueueRow {
            label: static_label(&s.queue),
            oldest_waiting: s.oldest_waiting_secs.map(age_label),
            stats: s,
        })
        .collect();
    let failed: Vec<FailedRow> = failed
        .into_iter()
        .map(|job| FailedRow {
            label: static_label(&job.queue),
            payload_text: job.payload.to_string(),
            job,
        })
        .collect();
    let choices: Vec<Choice> = jobs::queue::ALL
        .iter()
        .map(|&q| Choice {
            value: q,
            label: queue_label(q),
        })
        .collect();
    let path = "/jobs";
    let filters = Filters::new().set("queue", queue);
    let mut ctx = Context::new();
    ctx.insert("queues", &queues);
    ctx.insert("workers", &workers);
    ctx.insert("worker_seen_secs", &WORKER_SEEN_SECS);
    ctx.insert("failed", &failed);
    ctx.insert("queue_choices", &choices);
    ctx.insert("queue", &queue.unwrap_or_default());
    ctx.insert("pager", &Pager::new(path, &filters, page, PER_PAGE, total));
    ctx.insert("back", &filters.href(path, page));
    render::page(req, depot, res, "admin/ops/jobs.html", ctx)
}

/// A job id as apalis writes them (a ULID); anything else names no job.
fn job_id(req: &Request) -> Result<String, WebError> {
    req.param::<String>("id")
        .filter(|id| !id.is_empty() && id.len() <= 64)
        .filter(|id| id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .ok_or_else(WebError::not_found)
}

#[handler]
pub async fn retry(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, &Role::OPERATORS)?.actor.clone();
    let state = state::of(depot)?.clone();
    let id = job_id(req)?;
    let back = back_to(req, "/jobs").await;
    let mut tx = state.pool.begin().await?;
    match ops::retry_job(&mut tx, &actor, &id).await {
        Ok(()) => {
            tx.commit().await?;
            done(
                res,
                format!("Job {id} masuk antrean lagi dan akan segera dijalankan."),
                &back,
            );
            Ok(())
        }
        Err(e) => {
            tx.rollback().await?;
            refuse(res, e, &back)
        }
    }
}
