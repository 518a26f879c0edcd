//! Running the due jobs of the notifications and WhatsApp queues once, in the calling task and
//! without apalis consumers: how `tests::TestApp::run_pending_jobs` shows the effect of the jobs
//! a request enqueued (messages written and sent through the transport given) without a worker
//! process. The handlers' work is the same as the worker's (`notify::expand`, the send steps);
//! only the bookkeeping of `apalis.jobs` is done here, in the states apalis uses.

use crate::send::{Outcome, SendPipeline};
use domain::error::DomainError;
use domain::whatsapp;
use jobs::{Notification, SendWhatsapp};
use sqlx::PgPool;

/// The queues drained, in this order: notifications first, so the send jobs they enqueue are
/// run by the same call.
pub const QUEUES: [&str; 2] = [jobs::queue::NOTIFICATIONS, jobs::queue::WHATSAPP];

/// Runs every job of [`QUEUES`] that is due (by the database clock or the pipeline's clock,
/// whichever is later, so a test clock set ahead makes held messages due) and not taken by a
/// worker, each once: jobs that these jobs enqueue on the same queue (a message held for a
/// later slot) wait for the next call. A job whose work fails is marked `Failed` with the error,
/// as apalis does. Returns the number of jobs run.
pub async fn drain_once(sends: &SendPipeline) -> Result<usize, DomainError> {
    let mut ran = 0;
    for queue in QUEUES {
        for (job_id, payload) in take_due(sends, queue).await? {
            let result = match queue {
                jobs::queue::NOTIFICATIONS => notification(sends, &payload).await,
                _ => send(sends, &job_id, &payload).await,
            };
            if let Err(e) = &result {
                tracing::warn!(queue, job_id, error = %e, "job failed");
            }
            finish(&sends.pool, &job_id, result).await?;
            ran += 1;
        }
    }
    Ok(ran)
}

/// Marks the due jobs of `queue` running and returns them, oldest first.
async fn take_due(
    sends: &SendPipeline,
    queue: &str,
) -> Result<Vec<(String, Vec<u8>)>, DomainError> {
    let mut rows: Vec<(String, Vec<u8>, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
        "UPDATE apalis.jobs SET status = 'Running', lock_at = now()
         WHERE id IN (
             SELECT id FROM apalis.jobs
             WHERE job_type = $1
               AND (status = 'Pending' OR (status = 'Failed' AND attempts < max_attempts))
               AND run_at <= GREATEST(now(), $2)
             FOR UPDATE SKIP LOCKED)
         RETURNING id, job, run_at",
    )
    .bind(queue)
    .bind(sends.clock.now())
    .fetch_all(&sends.pool)
    .await?;
    rows.sort_by(|a, b| (a.2, &a.0).cmp(&(b.2, &b.0)));
    Ok(rows.into_iter().map(|(id, job, _)| (id, job)).collect())
}

async fn finish(
    pool: &PgPool,
    job_id: &str,
    result: Result<(), String>,
) -> Result<(), DomainError> {
    let (status, outcome) = match result {
        Ok(()) => ("Done", serde_json::json!({ "Ok": null })),
        Err(e) => ("Failed", serde_json::json!({ "Err": e })),
    };
    sqlx::query(
        "UPDATE apalis.jobs SET status = $2, attempts = attempts + 1, last_result = $3,
                done_at = now()
         WHERE id = $1",
    )
    .bind(job_id)
    .bind(status)
    .bind(outcome)
    .execute(pool)
    .await?;
    Ok(())
}

async fn notification(sends: &SendPipeline, payload: &[u8]) -> Result<(), String> {
    let event: Notification = jobs::read_payload(payload)?;
    let mut tx = sends.pool.begin().await.map_err(|e| e.to_string())?;
    domain::notify::expand(&mut tx, sends.clock.as_ref(), &event)
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())
}

/// One send step; a wait of a few seconds (the gap between sends) is handed to a job for then
/// instead of being slept through, as a worker shutting down does: the caller's clock may
/// never move on its own.
async fn send(sends: &SendPipeline, job_id: &str, payload: &[u8]) -> Result<(), String> {
    let job: SendWhatsapp = jobs::read_payload(payload)?;
    let outcome = sends
        .step(job.log_id, job_id)
        .await
        .map_err(|e| e.to_string())?;
    if let Outcome::WaitBriefly { until, .. } = outcome {
        let mut tx = sends.pool.begin().await.map_err(|e| e.to_string())?;
        whatsapp::postpone(&mut tx, sends.clock.as_ref(), job.log_id, until)
            .await
            .map_err(|e| e.to_string())?;
        tx.commit().await.map_err(|e| e.to_string())?;
    }
    Ok(())
}
