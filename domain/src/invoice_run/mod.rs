//! The daily invoice run (09:00 WIB, or by hand by finance), keyed by its date in
//! `invoice_runs`: (1) UNPAID invoices past their due date become OVERDUE, with history by the
//! system; (2) reminders for invoices due in N days (default 7); (3) overdue alerts to the
//! stokis and to finance. Each stokis gets one message listing all its invoices, not one per
//! invoice.
//!
//! Idempotent and catching up by construction, without a ledger per invoice: a milestone (a
//! reminder day N days before a due date, an alert day N days after it) has a date, and a run
//! tells about the milestones dated in its window, after the previous completed run's as-of
//! date and up to today (`invoice_runs.as_of`). Running twice the same day is a no-op (the
//! date's row is DONE, and the window would be empty anyway); a run three days late after
//! downtime covers the three days, telling each missed milestone once with today's numbers (an
//! invoice now due in 4 days says so), and an invoice that passed several milestones meanwhile
//! appears once. The whole run is one transaction, so a crash leaves nothing half-done and the
//! retried job starts over. Every step is one statement over the invoices, so the run over a
//! million invoices costs about what the bare overdue `UPDATE` costs (see `make bench`).

mod alerts;
mod overdue;
mod reminders;
mod schedule;

pub use schedule::{
    InvoiceRunRow, MAX_DAYS_BACK, check_date, is_done, recent, request, schedule_today,
};

use crate::clock::Clock;
use crate::error::DomainError;
use crate::notify::{self, Contact, Expanded, Inserted, NewLog, NotifyError};
use crate::setting::Setting;
use alerts::send_overdue_alerts;
use chrono::{DateTime, NaiveDate, Utc};
use overdue::mark_overdue;
use reminders::send_reminders;
use serde::Serialize;
use sqlx::{PgConnection, PgPool};

/// Which milestones are told about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunConfig {
    /// Reminders this many days before the due date.
    pub reminder_days: Vec<u32>,
    /// Overdue alerts when an invoice is this many days past due.
    pub overdue_alert_days: Vec<u32>,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            reminder_days: vec![7],
            overdue_alert_days: vec![1, 7, 14, 30],
        }
    }
}

impl RunConfig {
    /// The milestones from their settings (an absent one keeps its default): reminder days
    /// before the due date (`7`, or a list like `7,3,1`) and alert days after it
    /// (`1,7,14,30`).
    pub fn from_settings(
        reminder_days: Option<&Setting>,
        overdue_alert_days: Option<&Setting>,
    ) -> Result<RunConfig, String> {
        let mut cfg = RunConfig::default();
        if let Some(v) = reminder_days {
            cfg.reminder_days = parse_days(v, 0)?;
        }
        if let Some(v) = overdue_alert_days {
            cfg.overdue_alert_days = parse_days(v, 1)?;
        }
        Ok(cfg)
    }
}

fn parse_days(setting: &Setting, min: u32) -> Result<Vec<u32>, String> {
    let (name, v) = (setting.name, &setting.value);
    let mut days = Vec::new();
    for part in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let d: u32 = part
            .parse()
            .map_err(|_| format!("{name}: not a list of days: {v:?}"))?;
        if d < min || d > 365 {
            return Err(format!("{name}: days must be between {min} and 365"));
        }
        days.push(d);
    }
    days.sort_unstable();
    days.dedup();
    Ok(days)
}

/// What one run did.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    pub run_date: NaiveDate,
    /// The date the run worked as of (today in Jakarta).
    pub as_of: NaiveDate,
    /// The date had already run: nothing was done this time.
    pub already_done: bool,
    pub overdue_marked: i32,
    /// Reminder messages (one per stokis).
    pub reminders: i32,
    /// Overdue alert messages (one per stokis, one per finance user).
    pub overdue_alerts: i32,
    /// The message rows written (send jobs enqueued for the pending ones).
    #[serde(skip)]
    pub messages: Expanded,
}

/// Runs the invoice run keyed `date`, in a transaction of its own (it takes the pool for
/// that). `date` may not be in the future; the run works as of today, so a job for a past date
/// that runs late still tells today's truth. On error the date's row is marked FAILED with the
/// error and the error is returned, so the job is retried.
pub async fn run(
    pool: &PgPool,
    clock: &dyn Clock,
    cfg: &RunConfig,
    date: NaiveDate,
    triggered_by: Option<i64>,
) -> Result<RunSummary, NotifyError> {
    let mut tx = pool.begin().await.map_err(DomainError::from)?;
    match run_in(&mut tx, clock, cfg, date, triggered_by).await {
        Ok(summary) => {
            tx.commit().await.map_err(DomainError::from)?;
            Ok(summary)
        }
        Err(e) => {
            drop(tx);
            let failed = sqlx::query(
                "INSERT INTO invoice_runs (run_date, status, triggered_by, error, started_at, finished_at, as_of)
                 VALUES ($1, 'FAILED', $2, $3, $4, $4, $5)
                 ON CONFLICT (run_date) DO UPDATE SET status = 'FAILED', error = EXCLUDED.error,
                     finished_at = EXCLUDED.finished_at
                 WHERE invoice_runs.status <> 'DONE'",
            )
            .bind(date)
            .bind(triggered_by)
            .bind(e.to_string())
            .bind(clock.now())
            .bind(clock.today())
            .execute(pool)
            .await;
            if let Err(db) = failed {
                tracing::warn!(%date, error = %db, "could not record the failed invoice run");
            }
            Err(e)
        }
    }
}

async fn run_in(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    cfg: &RunConfig,
    date: NaiveDate,
    triggered_by: Option<i64>,
) -> Result<RunSummary, NotifyError> {
    let now = clock.now();
    let as_of = clock.today();
    schedule::check_date(clock, date)?;
    // Runs never overlap, whatever their dates: they read and write the same invoices.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('dfresto:invoice-run'))")
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO invoice_runs (run_date, status, triggered_by, started_at, as_of)
         VALUES ($1, 'RUNNING', $2, $3, $4) ON CONFLICT (run_date) DO NOTHING",
    )
    .bind(date)
    .bind(triggered_by)
    .bind(now)
    .bind(as_of)
    .execute(&mut *conn)
    .await?;
    let (status, marked, reminders, alerts): (String, i32, i32, i32) = sqlx::query_as(
        "SELECT status, overdue_marked, reminders, overdue_alerts FROM invoice_runs
         WHERE run_date = $1 FOR UPDATE",
    )
    .bind(date)
    .fetch_one(&mut *conn)
    .await?;
    if status == "DONE" {
        return Ok(RunSummary {
            run_date: date,
            as_of,
            already_done: true,
            overdue_marked: marked,
            reminders,
            overdue_alerts: alerts,
            messages: Expanded::default(),
        });
    }
    sqlx::query(
        "UPDATE invoice_runs SET status = 'RUNNING', triggered_by = COALESCE($2, triggered_by),
                started_at = $3, as_of = $4, finished_at = NULL, error = NULL
         WHERE run_date = $1",
    )
    .bind(date)
    .bind(triggered_by)
    .bind(now)
    .bind(as_of)
    .execute(&mut *conn)
    .await?;

    let after: Option<NaiveDate> =
        sqlx::query_scalar("SELECT max(as_of) FROM invoice_runs WHERE status = 'DONE'")
            .fetch_one(&mut *conn)
            .await?;
    let window = Window { after, as_of };
    // The steps sort a few hundred thousand rows on a large book; in memory, not on disk.
    sqlx::query("SET LOCAL work_mem = '64MB'")
        .execute(&mut *conn)
        .await?;

    // Step timings go to the log: on a large book of invoices they say which step to look at.
    let started = std::time::Instant::now();
    let overdue_marked = mark_overdue(conn, now, as_of, date).await?;
    let marked_at = started.elapsed();
    let mut messages = Expanded::default();
    let reminders = send_reminders(conn, now, window, date, cfg, &mut messages).await?;
    let reminded_at = started.elapsed();
    let overdue_alerts = send_overdue_alerts(conn, now, window, date, cfg, &mut messages).await?;
    let alerted_at = started.elapsed();
    messages.enqueue_sends(conn).await?;
    tracing::info!(
        %date,
        overdue_marked,
        mark_ms = marked_at.as_millis(),
        reminders_ms = (reminded_at - marked_at).as_millis(),
        alerts_ms = (alerted_at - reminded_at).as_millis(),
        enqueue_ms = (started.elapsed() - alerted_at).as_millis(),
        "invoice run steps done"
    );

    sqlx::query(
        "UPDATE invoice_runs SET status = 'DONE', overdue_marked = $2, reminders = $3,
                overdue_alerts = $4, finished_at = $5
         WHERE run_date = $1",
    )
    .bind(date)
    .bind(overdue_marked)
    .bind(reminders)
    .bind(overdue_alerts)
    .bind(clock.now())
    .execute(&mut *conn)
    .await?;
    Ok(RunSummary {
        run_date: date,
        as_of,
        already_done: false,
        overdue_marked,
        reminders,
        overdue_alerts,
        messages,
    })
}

/// The dates a run tells about: milestones dated after `after` (the as-of date of the latest
/// completed run; none before the first run, which tells about everything passed) up to and
/// including `as_of`.
#[derive(Debug, Clone, Copy)]
struct Window {
    after: Option<NaiveDate>,
    as_of: NaiveDate,
}

// What the reminder and alert steps share: the message lines their queries return, grouped
// per stokis, and how a message of the run is written.

/// How many invoices one message lists; the rest are counted ("… dan 12 invoice lain"). A
/// WhatsApp text holds 65,536 characters, and a person reads a message on a phone.
const LISTED: i64 = 20;

/// One invoice line of a message, with its stokis and the totals of everything the message
/// is about (the window sums over all of the stokis' invoices, listed or not).
#[derive(sqlx::FromRow)]
struct Line {
    stokis_id: i64,
    stokis_code: String,
    stokis_name: String,
    stokis_phone: Option<String>,
    count: i64,
    total: i64,
    id: i64,
    number: String,
    due_date: NaiveDate,
    balance: i64,
}

/// The lines of one stokis' message, in the order the query gave them.
fn per_stokis(lines: &[Line]) -> Vec<&[Line]> {
    lines.chunk_by(|a, b| a.stokis_id == b.stokis_id).collect()
}

fn more(group: &[Line]) -> i64 {
    group[0].count - group.len() as i64
}

fn contact(first: &Line) -> Contact {
    Contact {
        label: format!("stokis {}", first.stokis_name),
        phone: first.stokis_phone.clone(),
    }
}

/// Writes one message of the run; its dedup key contains the run date, so finding it already
/// written means the bookkeeping is inconsistent: refuse rather than lose a message.
async fn write(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    log: &NewLog,
    out: &mut Expanded,
) -> Result<(), NotifyError> {
    match notify::insert(conn, now, log).await? {
        Inserted::Existing => Err(DomainError::Conflict(format!(
            "pesan {} sudah pernah ditulis",
            log.dedup_key
        ))
        .into()),
        inserted => {
            out.add(inserted);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_lists_parse_sorted_and_unique() {
        let set = |v: &str| Setting::new("DAYS", v);
        let cfg = RunConfig::from_settings(Some(&set("7, 1,3,7")), Some(&set("30,1"))).unwrap();
        assert_eq!(cfg.reminder_days, vec![1, 3, 7]);
        assert_eq!(cfg.overdue_alert_days, vec![1, 30]);
        assert_eq!(
            RunConfig::from_settings(None, None).unwrap(),
            RunConfig::default()
        );
        assert!(RunConfig::from_settings(None, Some(&set("0"))).is_err());
        assert_eq!(
            RunConfig::from_settings(Some(&set("x")), None).unwrap_err(),
            "DAYS: not a list of days: \"x\""
        );
    }
}
