//! What operators see and do about the job queues (the admin "Jobs" page and
//! `GET /api/v1/admin/jobs`): who may, and what a retry means. The queue's own tables are read
//! and changed by `jobs::inspect`; this module adds the rules (pusat and finance only; a retry
//! only of a job that failed for good) and the domain's errors.

use crate::actor::Actor;
use crate::clock::Clock;
use crate::error::DomainError;
use crate::role::Role;
use crate::whatsapp::{self, WhatsappLog};
use chrono::Duration;
use sqlx::PgConnection;

pub use jobs::inspect::{FailedJob, QueueStats, WorkerInfo};

/// Head-office staff who run the system ([`Role::OPERATORS`]: pusat and finance).
pub fn can_operate(actor: &Actor) -> bool {
    Role::OPERATORS.contains(&actor.role)
}

fn require_operator(actor: &Actor) -> Result<(), DomainError> {
    if can_operate(actor) {
        Ok(())
    } else {
        Err(DomainError::Forbidden(
            "hanya pusat dan finance yang bisa melihat antrean job".into(),
        ))
    }
}

/// Counts for every queue of [`jobs::queue::ALL`], in that order.
pub async fn queue_stats(
    conn: &mut PgConnection,
    actor: &Actor,
) -> Result<Vec<QueueStats>, DomainError> {
    require_operator(actor)?;
    Ok(jobs::inspect::queue_stats(conn, &jobs::queue::ALL).await?)
}

/// Failed jobs, newest first, optionally of one queue; and how many there are.
pub async fn failed_jobs(
    conn: &mut PgConnection,
    actor: &Actor,
    queue: Option<&str>,
    page: u32,
    per_page: u32,
) -> Result<(Vec<FailedJob>, i64), DomainError> {
    require_operator(actor)?;
    let per_page = i64::from(match per_page {
        0 => 20,
        n => n.min(100),
    });
    let page = i64::from(page.max(1));
    Ok(jobs::inspect::failed_jobs(conn, queue, per_page, (page - 1) * per_page).await?)
}

/// Puts a failed job back in its queue with its attempts reset (the retry button), on the
/// caller's transaction. Workers are woken as for a new job, so it runs within a second of the
/// commit. Only a job that failed for good can be retried: one still waiting or retrying by
/// itself would run twice.
pub async fn retry_job(
    conn: &mut PgConnection,
    actor: &Actor,
    job_id: &str,
) -> Result<(), DomainError> {
    require_operator(actor)?;
    match jobs::inspect::retry_failed(conn, job_id).await? {
        jobs::inspect::Retry::Queued => Ok(()),
        jobs::inspect::Retry::NotFailed => Err(DomainError::InvalidTransition {
            action: "mengulang job",
            from: "tidak gagal".into(),
        }),
        jobs::inspect::Retry::NotFound => Err(DomainError::NotFound { entity: "job" }),
    }
}

/// Re-queues a FAILED WhatsApp message (see [`whatsapp::retry`]).
pub async fn retry_message(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    log_id: i64,
) -> Result<WhatsappLog, DomainError> {
    whatsapp::retry(conn, actor, clock, log_id).await
}

/// Consumers seen in the last `within_secs` seconds, newest heartbeat first.
pub async fn workers(
    conn: &mut PgConnection,
    actor: &Actor,
    within_secs: i64,
) -> Result<Vec<WorkerInfo>, DomainError> {
    require_operator(actor)?;
    Ok(jobs::inspect::workers(conn, within_secs).await?)
}

/// How long finished jobs are kept for the jobs page before the workers purge them.
pub const KEEP_DONE_JOBS: Duration = Duration::days(7);
