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

use crate::actor::Actor;
use crate::clock::{Clock, format_date_id, month_abbr_id};
use crate::error::DomainError;
use crate::history::Entity;
use crate::money::format_rupiah;
use crate::notify::{self, Contact, Expanded, Inserted, NewLog, NotifyError};
use crate::role::Role;
use crate::setting::Setting;
use crate::transition::{self, By, InvoiceAction, InvoiceStatus};
use crate::whatsapp::Recipient;
use chrono::{DateTime, Duration, NaiveDate, Utc};
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
    if date > as_of {
        return Err(DomainError::field("date", "tanggal run tidak boleh di masa depan").into());
    }
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

/// Step 1: UNPAID and past due → OVERDUE, each with a history row by the system.
///
/// One statement for all of them: the update feeds the history insert, so marking half a
/// million invoices costs about what the bare `UPDATE` costs, not a million round trips. The
/// state machine still decides: the one transition it allows here is applied to every row. The
/// note reads like `format_date_id` (the month names are bound, not repeated in SQL).
async fn mark_overdue(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    as_of: NaiveDate,
    run_date: NaiveDate,
) -> Result<i32, NotifyError> {
    let from = InvoiceStatus::Unpaid;
    let Ok(to) = transition::invoice(from, InvoiceAction::MarkOverdue, By::System) else {
        return Ok(0);
    };
    let months: Vec<&str> = (1..=12).map(month_abbr_id).collect();
    let marked = sqlx::query(
        "WITH marked AS (
             UPDATE invoices SET status = $3, updated_at = $4
             WHERE status = $2 AND due_date < $1
             RETURNING id, due_date)
         INSERT INTO status_history (entity, entity_id, from_status, to_status, actor_id, note, at)
         SELECT $5, id, $2, $3, NULL,
                'jatuh tempo ' || extract(day FROM due_date)::int || ' '
                    || ($6::text[])[extract(month FROM due_date)::int] || ' '
                    || extract(year FROM due_date)::int
                    || ' terlewati (run harian ' || $7 || ')',
                $4
         FROM marked ORDER BY id",
    )
    .bind(as_of)
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(now)
    .bind(Entity::Invoice.as_str())
    .bind(months)
    .bind(format_date_id(run_date))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(i32::try_from(marked).unwrap_or(i32::MAX))
}

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

fn when(days_left: i64) -> String {
    match days_left {
        i64::MIN..=0 => "hari ini".into(),
        1 => "besok".into(),
        n => format!("{n} hari lagi"),
    }
}

/// Step 2: one reminder per stokis listing its open invoices with a reminder day in the run's
/// window, (previous run, today]. An invoice whose reminder day fell during downtime is
/// reminded once, with today's numbers; one that fell due meanwhile gets an overdue alert
/// instead. A reminder day on or before the issue date is skipped: the invoice itself told the
/// due date.
async fn send_reminders(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    window: Window,
    run_date: NaiveDate,
    cfg: &RunConfig,
    out: &mut Expanded,
) -> Result<i32, NotifyError> {
    let Some(&max_offset) = cfg.reminder_days.iter().max() else {
        return Ok(0);
    };
    let as_of = window.as_of;
    let days: Vec<i32> = cfg.reminder_days.iter().map(|&d| d as i32).collect();
    let lines: Vec<Line> = sqlx::query_as(
        "WITH due AS (
             SELECT i.id, i.number, i.stokis_id, i.due_date, i.total - i.paid AS balance
             FROM invoices i
             WHERE i.status <> 'PAID' AND i.paid < i.total
               AND i.due_date >= $1 AND i.due_date <= $2
               AND EXISTS (SELECT 1 FROM unnest($3::int[]) AS k
                           WHERE i.due_date - k > COALESCE($4::date, '-infinity')
                             AND i.due_date - k <= $1 AND i.due_date - k > i.issue_date)),
         ranked AS (
             SELECT d.*, count(*) OVER s AS count, sum(d.balance) OVER s AS total,
                    row_number() OVER s AS rn
             FROM due d
             WINDOW s AS (PARTITION BY d.stokis_id ORDER BY d.due_date, d.id
                          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
         SELECT r.stokis_id, s.code AS stokis_code, s.name AS stokis_name, s.phone AS stokis_phone,
                r.count, r.total::bigint AS total, r.id, r.number, r.due_date, r.balance
         FROM ranked r JOIN stokis s ON s.id = r.stokis_id
         WHERE r.rn <= $5
         ORDER BY r.stokis_id, r.rn",
    )
    .bind(as_of)
    .bind(as_of + Duration::days(i64::from(max_offset)))
    .bind(days)
    .bind(window.after)
    .bind(LISTED)
    .fetch_all(&mut *conn)
    .await?;

    #[derive(Serialize)]
    struct L {
        number: String,
        balance: String,
        due_date: String,
        when: String,
    }
    #[derive(Serialize)]
    struct V<'a> {
        stokis_name: &'a str,
        count: i64,
        more: i64,
        invoices: Vec<L>,
        total: String,
    }
    let mut written = 0;
    for group in per_stokis(&lines) {
        let first = &group[0];
        let text = notify::render(
            "invoice_reminder.txt",
            &V {
                stokis_name: &first.stokis_name,
                count: first.count,
                more: more(group),
                invoices: group
                    .iter()
                    .map(|i| L {
                        number: i.number.clone(),
                        balance: format_rupiah(i.balance),
                        due_date: format_date_id(i.due_date),
                        when: when((i.due_date - as_of).num_days()),
                    })
                    .collect(),
                total: format_rupiah(first.total),
            },
        )?;
        let mut log = NewLog::new_for_run(
            "invoice_reminder",
            Recipient::Stokis,
            contact(first),
            text,
            format!("invoice-reminder:{run_date}:stokis:{}", first.stokis_id),
        );
        log.stokis_id = Some(first.stokis_id);
        if first.count == 1 {
            log.invoice_id = Some(first.id);
        }
        write(conn, now, &log, out).await?;
        written += 1;
    }
    Ok(written)
}

/// Step 3: an alert to each stokis with an overdue invoice whose alert day (N days past due)
/// is in the run's window, listing all its overdue invoices, oldest first; and a summary of
/// those stokis to every finance user with a phone.
async fn send_overdue_alerts(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    window: Window,
    run_date: NaiveDate,
    cfg: &RunConfig,
    out: &mut Expanded,
) -> Result<i32, NotifyError> {
    if cfg.overdue_alert_days.is_empty() {
        return Ok(0);
    }
    let as_of = window.as_of;
    let days: Vec<i32> = cfg.overdue_alert_days.iter().map(|&d| d as i32).collect();
    let lines: Vec<Line> = sqlx::query_as(
        "WITH overdue AS (
             SELECT i.id, i.number, i.stokis_id, i.due_date, i.total - i.paid AS balance,
                    EXISTS (SELECT 1 FROM unnest($2::int[]) AS m
                            WHERE i.due_date + m > COALESCE($3::date, '-infinity')
                              AND i.due_date + m <= $1) AS milestone
             FROM invoices i
             WHERE i.status = 'OVERDUE' AND i.paid < i.total AND i.due_date < $1),
         ranked AS (
             SELECT o.*, bool_or(o.milestone) OVER s AS alerted, count(*) OVER s AS count,
                    sum(o.balance) OVER s AS total, row_number() OVER s AS rn
             FROM overdue o
             WINDOW s AS (PARTITION BY o.stokis_id ORDER BY o.due_date, o.id
                          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
         SELECT r.stokis_id, s.code AS stokis_code, s.name AS stokis_name, s.phone AS stokis_phone,
                r.count, r.total::bigint AS total, r.id, r.number, r.due_date, r.balance
         FROM ranked r JOIN stokis s ON s.id = r.stokis_id
         WHERE r.alerted AND r.rn <= $4
         ORDER BY r.stokis_id, r.rn",
    )
    .bind(as_of)
    .bind(days)
    .bind(window.after)
    .bind(LISTED)
    .fetch_all(&mut *conn)
    .await?;
    if lines.is_empty() {
        return Ok(0);
    }

    #[derive(Serialize)]
    struct L {
        number: String,
        balance: String,
        days_overdue: i64,
        due_date: String,
    }
    #[derive(Serialize)]
    struct V<'a> {
        stokis_name: &'a str,
        more: i64,
        invoices: Vec<L>,
        total: String,
    }
    #[derive(Serialize)]
    struct StokisLine {
        name: String,
        code: String,
        count: i64,
        balance: String,
        max_days: i64,
    }
    let mut summary = Vec::new();
    let mut grand_total = 0i64;
    let mut written = 0;
    for group in per_stokis(&lines) {
        let first = &group[0];
        grand_total += first.total;
        let text = notify::render(
            "invoice_overdue.txt",
            &V {
                stokis_name: &first.stokis_name,
                more: more(group),
                invoices: group
                    .iter()
                    .map(|i| L {
                        number: i.number.clone(),
                        balance: format_rupiah(i.balance),
                        days_overdue: (as_of - i.due_date).num_days(),
                        due_date: format_date_id(i.due_date),
                    })
                    .collect(),
                total: format_rupiah(first.total),
            },
        )?;
        let mut log = NewLog::new_for_run(
            "invoice_overdue",
            Recipient::Stokis,
            contact(first),
            text,
            format!("invoice-overdue:{run_date}:stokis:{}", first.stokis_id),
        );
        log.stokis_id = Some(first.stokis_id);
        if first.count == 1 {
            log.invoice_id = Some(first.id);
        }
        write(conn, now, &log, out).await?;
        written += 1;
        summary.push(StokisLine {
            name: first.stokis_name.clone(),
            code: first.stokis_code.clone(),
            count: first.count,
            balance: format_rupiah(first.total),
            // oldest first
            max_days: (as_of - first.due_date).num_days(),
        });
    }

    let finance: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT id, name, phone FROM users
         WHERE role = 'FINANCE' AND active AND phone IS NOT NULL ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    if !finance.is_empty() && !summary.is_empty() {
        #[derive(Serialize)]
        struct F<'a> {
            date: String,
            stokis: &'a [StokisLine],
            total: String,
        }
        let text = notify::render(
            "invoice_overdue_finance.txt",
            &F {
                date: format_date_id(as_of),
                stokis: &summary,
                total: format_rupiah(grand_total),
            },
        )?;
        for (user_id, name, phone) in finance {
            let mut log = NewLog::new_for_run(
                "invoice_overdue",
                Recipient::Finance,
                Contact {
                    label: format!("user finance {name}"),
                    phone,
                },
                text.clone(),
                format!("invoice-overdue:{run_date}:finance:{user_id}"),
            );
            log.user_id = Some(user_id);
            write(conn, now, &log, out).await?;
            written += 1;
        }
    }
    Ok(written)
}

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
    let today = clock.today();
    let date = date.unwrap_or(today);
    if date > today {
        return Err(DomainError::field(
            "date",
            "tanggal run tidak boleh di masa depan",
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

    #[test]
    fn days_left_read_naturally() {
        assert_eq!(when(0), "hari ini");
        assert_eq!(when(1), "besok");
        assert_eq!(when(7), "7 hari lagi");
    }
}
