//! Running the queues' due jobs on demand, in the test's own task, with the worker's code:
//! the notifications batch consumer as the worker runs it, and the `whatsapp`, `invoices` and
//! `reports` jobs taken with `jobs::claim` and run by the worker's handlers ([`worker::handlers`],
//! [`worker::reports`]). Due
//! means due by the test's clock (or the database's, whichever is later), so a clock set ahead
//! makes held messages and retries due. Test-kit only: production consumes the queues with the
//! worker's runtime.

use jobs::claim;
use jobs::{InvoiceRun, Render, SendWhatsapp};
use worker::handlers::{self, Services};
use worker::notification_batch;

/// One job whose attempt failed during a drain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedJob {
    pub queue: &'static str,
    pub job_id: String,
    pub error: String,
}

/// What one drain ran.
#[derive(Debug, Default)]
pub struct Drained {
    /// Jobs run, failed ones included.
    pub ran: usize,
    pub failed: Vec<FailedJob>,
}

/// The most jobs taken from one queue in one drain.
const LIMIT: i64 = 10_000;

/// Runs the due jobs of the reports, notifications, WhatsApp and invoices queues once each, in
/// that order: notifications before sends, so the send jobs they enqueue run in the same call; jobs these
/// jobs enqueue on their own queue (a message held for a later slot) wait for the next call.
/// A short wait between sends is handed to a job for then, as a worker shutting down does
/// (`services.shutdown` is set): the test's clock never moves by itself.
pub async fn drain_once(svc: &Services) -> Result<Drained, sqlx::Error> {
    let mut out = Drained::default();
    // Reports first: a rendered report's "ready" notification is then sent in this same call.
    run_claimed(svc, jobs::queue::REPORTS, &mut out, |svc, payload, id| {
        Box::pin(async move {
            let job: Render = jobs::read_payload(&payload)?;
            worker::reports::run_job(svc, &job, &id)
                .await
                .map(drop)
                .map_err(|e| e.to_string())
        })
    })
    .await?;
    let batch = notification_batch::run_batch(svc, LIMIT).await?;
    out.ran += batch.taken;
    out.failed
        .extend(batch.failed.into_iter().map(|f| FailedJob {
            queue: jobs::queue::NOTIFICATIONS,
            job_id: f.job_id,
            error: f.error,
        }));
    run_claimed(svc, jobs::queue::WHATSAPP, &mut out, |svc, payload, id| {
        Box::pin(async move {
            let job: SendWhatsapp = jobs::read_payload(&payload)?;
            handlers::run_send(svc, &job, &id)
                .await
                .map(drop)
                .map_err(|e| e.to_string())
        })
    })
    .await?;
    run_claimed(svc, jobs::queue::INVOICES, &mut out, |svc, payload, id| {
        Box::pin(async move {
            let job: InvoiceRun = jobs::read_payload(&payload)?;
            handlers::run_invoice_run(svc, &job, &id)
                .await
                .map(drop)
                .map_err(|e| e.to_string())
        })
    })
    .await?;
    Ok(out)
}

type JobFuture<'a> = std::pin::Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Takes the due jobs of `queue`, runs each with `run`, and settles them as the worker's
/// consumers do (`claim::done`, or `claim::failed` with the error and its backoff), in one
/// transaction that holds the jobs while they run.
async fn run_claimed(
    svc: &Services,
    queue: &'static str,
    out: &mut Drained,
    run: impl for<'a> Fn(&'a Services, Vec<u8>, String) -> JobFuture<'a>,
) -> Result<(), sqlx::Error> {
    let mut tx = svc.pool.begin().await?;
    let claimed = claim::due(&mut tx, queue, LIMIT, svc.clock.now()).await?;
    for job in claimed {
        out.ran += 1;
        match run(svc, job.job, job.id.clone()).await {
            Ok(()) => claim::done(&mut tx, std::slice::from_ref(&job.id)).await?,
            Err(error) => {
                claim::failed(&mut tx, &job.id, &error).await?;
                out.failed.push(FailedJob {
                    queue,
                    job_id: job.id,
                    error,
                });
            }
        }
    }
    tx.commit().await
}
