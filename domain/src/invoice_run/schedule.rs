//! When an invoice run happens and which ran: finance asking for one by hand, the 09:00
//! schedule enqueueing today's, and the record of past runs.

use crate::actor::Actor;
use crate::clock::Clock;
use crate::error::DomainError;
use crate::role::Role;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::PgConnection;

/// Finance asks for a run by hand (`POST /api/v1/admin/invoice-run`): enqueues the job for
/// `date` (today when `None`) on the caller's transaction and returns the date. A date that
/// has already run does nothing when its job runs.
pub async fn request(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    date: Option<NaiveDate>,
) -> Result<NaiveDate, DomainError> {
    if actor.role != Role::Finance {
        return Err(DomainError::Forbidden(
            "hanya finance yang bisa menjalankan run invoice harian".into(),
        ));
    }
    let date = date.unwrap_or_else(|| clock.today());
    check_date(clock, date)?;
    // One run per as-of day: every run works as of today, so once today's has completed a run
    // for another date would only add a row that did nothing.
    let done_today: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM invoice_runs WHERE status = 'DONE' AND as_of = $1)",
    )
    .bind(clock.today())
    .fetch_one(&mut *conn)
    .await?;
    if done_today && date != clock.today() {
        return Err(DomainError::field(
            "date",
            "run invoice hari ini sudah selesai; run untuk tanggal lain tidak menambah apa pun",
        ));
    }
    jobs::enqueue(
        conn,
        &[jobs::InvoiceRun {
            date,
            triggered_by: Some(actor.user_id),
        }],
    )
    .await?;
    Ok(date)
}

/// How far back a run may be dated: a run works as of today whatever its date, so an older
/// date only adds a row nobody asked for (and a year-0 date once ran today's reminders early).
pub const MAX_DAYS_BACK: i64 = 31;

/// A run's date must be between today − [`MAX_DAYS_BACK`] days and today (Asia/Jakarta).
pub fn check_date(clock: &dyn Clock, date: NaiveDate) -> Result<(), DomainError> {
    let today = clock.today();
    if date > today {
        return Err(DomainError::field(
            "date",
            "tanggal run tidak boleh di masa depan",
        ));
    }
    if date < today - chrono::Duration::days(MAX_DAYS_BACK) {
        return Err(DomainError::field(
            "date",
            format!("tanggal run paling lama {MAX_DAYS_BACK} hari yang lalu"),
        ));
    }
    Ok(())
}

/// Enqueues today's run unless it has completed or a job for it is already waiting, on the
/// caller's transaction: what the 09:00 schedule does, and what a worker starting after 09:00
/// does to catch up. An advisory lock makes the schedules of several workers enqueue one job.
/// Returns the date enqueued.
pub async fn schedule_today(
    conn: &mut PgConnection,
    clock: &dyn Clock,
) -> Result<Option<NaiveDate>, DomainError> {
    let today = clock.today();
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('dfresto:invoice-run-schedule'))")
        .execute(&mut *conn)
        .await?;
    if is_done(conn, today).await? {
        return Ok(None);
    }
    let queued =
        jobs::inspect::live_job_exists(conn, jobs::queue::INVOICES, "date", &today.to_string())
            .await?;
    if queued {
        return Ok(None);
    }
    jobs::enqueue(
        conn,
        &[jobs::InvoiceRun {
            date: today,
            triggered_by: None,
        }],
    )
    .await?;
    Ok(Some(today))
}

/// True when the run for `date` has completed.
pub async fn is_done(conn: &mut PgConnection, date: NaiveDate) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM invoice_runs WHERE run_date = $1 AND status = 'DONE')",
    )
    .bind(date)
    .fetch_one(conn)
    .await
}

/// One line of the runs list on the admin page.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct InvoiceRunRow {
    pub run_date: NaiveDate,
    pub status: String,
    pub triggered_by: Option<i64>,
    pub triggered_by_name: Option<String>,
    pub overdue_marked: i32,
    pub reminders: i32,
    pub overdue_alerts: i32,
    pub error: Option<String>,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// The latest runs, newest first (head-office staff).
pub async fn recent(
    conn: &mut PgConnection,
    actor: &Actor,
    limit: u32,
) -> Result<Vec<InvoiceRunRow>, DomainError> {
    if !matches!(actor.role, Role::Finance | Role::Pusat) {
        return Err(DomainError::Forbidden(
            "hanya pusat dan finance yang bisa melihat run invoice".into(),
        ));
    }
    Ok(sqlx::query_as(
        "SELECT r.run_date, r.status, r.triggered_by, u.name AS triggered_by_name, r.overdue_marked,
                r.reminders, r.overdue_alerts, r.error, r.started_at, r.finished_at
         FROM invoice_runs r LEFT JOIN users u ON u.id = r.triggered_by
         ORDER BY r.run_date DESC LIMIT $1",
    )
    .bind(i64::from(limit.clamp(1, 365)))
    .fetch_all(conn)
    .await?)
}
