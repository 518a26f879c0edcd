//! The apalis job handlers, one per queue (notifications are consumed in batches, by
//! `notification_batch`). They stay thin: decode, call the domain, log the result.
//! A returned error marks the apalis attempt failed, and apalis runs the job again.

use crate::send::{Outcome, SendPipeline};
use apalis_core::error::BoxDynError;
use apalis_core::task::data::Data;
use apalis_core::task::task_id::TaskId;
use domain::SharedClock;
use domain::error::DomainError;
use domain::invoice_run::{RunConfig, RunSummary};
use domain::notify::NotifyError;
use jobs::{InvoiceRun, SendWhatsapp};
use serde::de::DeserializeOwned;
use sqlx::PgPool;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::watch;

/// What every handler needs, shared by all jobs of the process.
pub struct Services {
    pub pool: PgPool,
    pub clock: SharedClock,
    pub sends: SendPipeline,
    pub invoice_run: RunConfig,
    /// Where messages link to (the stokis portal).
    pub links: domain::notify::Links,
    /// Head office as the printed documents name it.
    pub seller: domain::document::Seller,
    /// Turns true when the process starts shutting down.
    pub shutdown: watch::Receiver<bool>,
    /// Jobs running right now, to tell a clean shutdown from one cut short by the grace period.
    pub in_flight: AtomicUsize,
}

/// Counts a job (or a batch of them) as running while it lives.
pub struct InFlight<'a>(&'a AtomicUsize);

impl<'a> InFlight<'a> {
    pub fn enter(counter: &'a AtomicUsize) -> InFlight<'a> {
        counter.fetch_add(1, Ordering::SeqCst);
        InFlight(counter)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Payloads arrive as JSON values and are read here, so a payload this version cannot read
/// (a new event from a newer web tier during a rolling deploy, a hand-edited row) fails that
/// one job with a clear error, shown on the jobs page, instead of stopping the queue's consumer.
pub(crate) fn read<J: DeserializeOwned>(payload: serde_json::Value) -> Result<J, BoxDynError> {
    serde_json::from_value(payload.clone())
        .map_err(|e| format!("cannot read the job payload {payload}: {e}").into())
}

/// `whatsapp`: sends one logged message through the limiter and the transport.
pub async fn send_whatsapp(
    payload: serde_json::Value,
    svc: Data<Arc<Services>>,
    task_id: TaskId,
) -> Result<(), BoxDynError> {
    let job: SendWhatsapp = read(payload)?;
    run_send(&svc, &job, &task_id.to_string()).await?;
    Ok(())
}

/// The work of one `whatsapp` job `job_id`, whoever took it from the queue (apalis in the
/// worker, `claim` in the test kit).
pub async fn run_send(
    svc: &Services,
    job: &SendWhatsapp,
    job_id: &str,
) -> Result<Outcome, DomainError> {
    let _running = InFlight::enter(&svc.in_flight);
    tracing::info!(queue = "whatsapp", task_id = %job_id, log_id = job.log_id, "job started");
    let outcome = svc
        .sends
        .run_job(job.log_id, job_id, svc.shutdown.clone())
        .await?;
    match &outcome {
        Outcome::Sent { attempt, .. } => {
            tracing::info!(task_id = %job_id, log_id = job.log_id, attempt, "WhatsApp message sent");
        }
        other => {
            tracing::info!(task_id = %job_id, log_id = job.log_id, outcome = ?other, "WhatsApp send job done");
        }
    }
    Ok(outcome)
}

/// `invoices`: the daily invoice run for the job's date.
pub async fn invoice_run(
    payload: serde_json::Value,
    svc: Data<Arc<Services>>,
    task_id: TaskId,
) -> Result<(), BoxDynError> {
    let job: InvoiceRun = read(payload)?;
    run_invoice_run(&svc, &job, &task_id.to_string()).await?;
    Ok(())
}

/// The work of one `invoices` job `job_id`, whoever took it from the queue.
pub async fn run_invoice_run(
    svc: &Services,
    job: &InvoiceRun,
    job_id: &str,
) -> Result<RunSummary, NotifyError> {
    let _running = InFlight::enter(&svc.in_flight);
    tracing::info!(queue = "invoices", task_id = %job_id, date = %job.date, "job started");
    let summary = domain::invoice_run::run(
        &svc.pool,
        svc.clock.as_ref(),
        &svc.invoice_run,
        job.date,
        job.triggered_by,
    )
    .await?;
    tracing::info!(
        task_id = %job_id,
        date = %summary.run_date,
        already_done = summary.already_done,
        overdue_marked = summary.overdue_marked,
        reminders = summary.reminders,
        overdue_alerts = summary.overdue_alerts,
        "invoice run finished"
    );
    Ok(summary)
}
