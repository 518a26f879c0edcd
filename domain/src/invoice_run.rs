//! The daily invoice run (09:00 WIB, or by hand by finance), keyed by its date in
//! `invoice_runs`: (1) UNPAID invoices past their due date become OVERDUE, with history by the
//! system; (2) reminders for invoices due in N days (default 7); (3) overdue alerts to the
//! stokis and to finance. Each stokis gets one message listing all its invoices, not one per
//! invoice.
//!
//! Idempotent and catching up by construction: every reminder and alert is recorded per
//! invoice and milestone in `invoice_notices` (primary key invoice + kind + days), and a run
//! sends what is due *and not yet noticed* as of today. Running twice the same day is a no-op
//! (the date's row is DONE); a run three days late after downtime sends each missed reminder
//! once, with today's numbers (an invoice now due in 4 days says so), and only the latest
//! milestone of an invoice that passed several. Only that latest milestone is recorded: a
//! milestone counts as noticed when a later one was (a reminder day at or above the closest one
//! noticed, an overdue day at or below the furthest one noticed), so a catch-up over half a
//! million invoices writes one notice per invoice, not one per milestone passed. The whole run
//! is one transaction, so a crash leaves nothing half-done and the retried job starts over.

use crate::actor::Actor;
use crate::clock::{Clock, format_date_id, month_abbr_id};
use crate::error::DomainError;
use crate::history::Entity;
use crate::money::format_rupiah;
use crate::notify::{self, Contact, Expanded, Inserted, NewLog, NotifyError};
use crate::role::Role;
use crate::transition::{self, By, InvoiceAction, InvoiceStatus};
use crate::whatsapp::Recipient;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgPool};
use std::collections::BTreeMap;

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
    /// Reads `INVOICE_REMINDER_DAYS` (`7`, or a list like `7,3,1`) and
    /// `INVOICE_OVERDUE_ALERT_DAYS` (`1,7,14,30`).
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<RunConfig, String> {
        let mut cfg = RunConfig::default();
        if let Some(v) = get("INVOICE_REMINDER_DAYS") {
            cfg.reminder_days = parse_days("INVOICE_REMINDER_DAYS", &v, 0)?;
        }
        if let Some(v) = get("INVOICE_OVERDUE_ALERT_DAYS") {
            cfg.overdue_alert_days = parse_days("INVOICE_OVERDUE_ALERT_DAYS", &v, 1)?;
        }
        Ok(cfg)
    }
}

fn parse_days(name: &str, v: &str, min: u32) -> Result<Vec<u32>, String> {
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
                "INSERT INTO invoice_runs (run_date, status, triggered_by, error, started_at, finished_at)
                 VALUES ($1, 'FAILED', $2, $3, $4, $4)
                 ON CONFLICT (run_date) DO UPDATE SET status = 'FAILED', error = EXCLUDED.error,
                     finished_at = EXCLUDED.finished_at
                 WHERE invoice_runs.status <> 'DONE'",
            )
            .bind(date)
            .bind(triggered_by)
            .bind(e.to_string())
            .bind(clock.now())
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
        "INSERT INTO invoice_runs (run_date, status, triggered_by, started_at)
         VALUES ($1, 'RUNNING', $2, $3) ON CONFLICT (run_date) DO NOTHING",
    )
    .bind(date)
    .bind(triggered_by)
    .bind(now)
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
                started_at = $3, finished_at = NULL, error = NULL
         WHERE run_date = $1",
    )
    .bind(date)
    .bind(triggered_by)
    .bind(now)
    .execute(&mut *conn)
    .await?;

    // Step timings go to the log: on a large book of invoices they say which step to look at.
    let started = std::time::Instant::now();
    let overdue_marked = mark_overdue(conn, now, as_of, date).await?;
    let marked_at = started.elapsed();
    let mut messages = Expanded::default();
    let reminders = send_reminders(conn, now, as_of, date, cfg, &mut messages).await?;
    let reminded_at = started.elapsed();
    let overdue_alerts = send_overdue_alerts(conn, now, as_of, date, cfg, &mut messages).await?;
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

#[derive(sqlx::FromRow)]
struct OpenInvoice {
    id: i64,
    number: String,
    stokis_id: i64,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    balance: i64,
    noticed: Vec<i32>,
}

#[derive(sqlx::FromRow)]
struct StokisContact {
    id: i64,
    code: String,
    name: String,
    phone: Option<String>,
}

async fn stokis_contacts(
    conn: &mut PgConnection,
    ids: Vec<i64>,
) -> Result<BTreeMap<i64, StokisContact>, sqlx::Error> {
    let rows: Vec<StokisContact> =
        sqlx::query_as("SELECT id, code, name, phone FROM stokis WHERE id = ANY($1)")
            .bind(ids)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|s| (s.id, s)).collect())
}

async fn record_notices(
    conn: &mut PgConnection,
    kind: &str,
    marks: &[(i64, i32)],
    run_date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let (ids, days): (Vec<i64>, Vec<i32>) = marks.iter().copied().unzip();
    sqlx::query(
        "INSERT INTO invoice_notices (invoice_id, kind, mark, run_date, created_at)
         SELECT i, $2, m, $4, $5 FROM UNNEST($1::bigint[], $3::int[]) AS t(i, m)
         ON CONFLICT DO NOTHING",
    )
    .bind(ids)
    .bind(kind)
    .bind(days)
    .bind(run_date)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
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

/// Step 2: one reminder per stokis listing its invoices that reached a reminder day since
/// they were last reminded.
async fn send_reminders(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    as_of: NaiveDate,
    run_date: NaiveDate,
    cfg: &RunConfig,
    out: &mut Expanded,
) -> Result<i32, NotifyError> {
    let Some(&max_offset) = cfg.reminder_days.iter().max() else {
        return Ok(0);
    };
    let open: Vec<OpenInvoice> = sqlx::query_as(
        "SELECT i.id, i.number, i.stokis_id, i.issue_date, i.due_date, i.total - i.paid AS balance,
                COALESCE(array_agg(n.mark) FILTER (WHERE n.mark IS NOT NULL), '{}') AS noticed
         FROM invoices i
         LEFT JOIN invoice_notices n ON n.invoice_id = i.id AND n.kind = 'REMINDER'
         WHERE i.status <> 'PAID' AND i.paid < i.total AND i.due_date >= $1 AND i.due_date <= $2
         GROUP BY i.id
         ORDER BY i.stokis_id, i.due_date, i.id",
    )
    .bind(as_of)
    .bind(as_of + Duration::days(i64::from(max_offset)))
    .fetch_all(&mut *conn)
    .await?;

    let mut per_stokis: BTreeMap<i64, Vec<&OpenInvoice>> = BTreeMap::new();
    let mut marks = Vec::new();
    for inv in &open {
        let days_left = (inv.due_date - as_of).num_days();
        let closest_noticed = inv.noticed.iter().copied().min().unwrap_or(i32::MAX);
        let latest = cfg
            .reminder_days
            .iter()
            .map(|&k| i64::from(k))
            // its reminder day has come, and came after the invoice itself (which already
            // told the due date)
            .filter(|&k| k >= days_left && inv.due_date - Duration::days(k) > inv.issue_date)
            .filter_map(|k| i32::try_from(k).ok())
            .filter(|&k| k < closest_noticed)
            .min();
        let Some(latest) = latest else {
            continue;
        };
        marks.push((inv.id, latest));
        per_stokis.entry(inv.stokis_id).or_default().push(inv);
    }
    if per_stokis.is_empty() {
        return Ok(0);
    }
    record_notices(conn, "REMINDER", &marks, run_date, now).await?;
    let contacts = stokis_contacts(conn, per_stokis.keys().copied().collect()).await?;

    #[derive(Serialize)]
    struct Line {
        number: String,
        balance: String,
        due_date: String,
        when: String,
    }
    #[derive(Serialize)]
    struct V<'a> {
        stokis_name: &'a str,
        count: usize,
        invoices: Vec<Line>,
        total: String,
    }
    let mut written = 0;
    for (stokis_id, invoices) in per_stokis {
        let Some(stokis) = contacts.get(&stokis_id) else {
            continue;
        };
        let total: i64 = invoices.iter().map(|i| i.balance).sum();
        let text = notify::render(
            "invoice_reminder.txt",
            &V {
                stokis_name: &stokis.name,
                count: invoices.len(),
                invoices: invoices
                    .iter()
                    .map(|i| Line {
                        number: i.number.clone(),
                        balance: format_rupiah(i.balance),
                        due_date: format_date_id(i.due_date),
                        when: when((i.due_date - as_of).num_days()),
                    })
                    .collect(),
                total: format_rupiah(total),
            },
        )?;
        let mut log = NewLog::new_for_run(
            "invoice_reminder",
            Recipient::Stokis,
            Contact {
                label: format!("stokis {}", stokis.name),
                phone: stokis.phone.clone(),
            },
            text,
            format!("invoice-reminder:{run_date}:stokis:{stokis_id}"),
        );
        log.stokis_id = Some(stokis_id);
        if let [only] = invoices.as_slice() {
            log.invoice_id = Some(only.id);
        }
        write(conn, now, &log, out).await?;
        written += 1;
    }
    Ok(written)
}

/// Step 3: an alert to each stokis with an invoice that reached an overdue milestone (listing
/// all its overdue invoices), and a summary of those stokis to every finance user with a phone.
async fn send_overdue_alerts(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    as_of: NaiveDate,
    run_date: NaiveDate,
    cfg: &RunConfig,
    out: &mut Expanded,
) -> Result<i32, NotifyError> {
    if cfg.overdue_alert_days.is_empty() {
        return Ok(0);
    }
    let overdue: Vec<OpenInvoice> = sqlx::query_as(
        "SELECT i.id, i.number, i.stokis_id, i.issue_date, i.due_date, i.total - i.paid AS balance,
                COALESCE(array_agg(n.mark) FILTER (WHERE n.mark IS NOT NULL), '{}') AS noticed
         FROM invoices i
         LEFT JOIN invoice_notices n ON n.invoice_id = i.id AND n.kind = 'OVERDUE'
         WHERE i.status = 'OVERDUE' AND i.paid < i.total AND i.due_date < $1
         GROUP BY i.id
         ORDER BY i.stokis_id, i.due_date, i.id",
    )
    .bind(as_of)
    .fetch_all(&mut *conn)
    .await?;

    let mut all_per_stokis: BTreeMap<i64, Vec<&OpenInvoice>> = BTreeMap::new();
    let mut alerted: Vec<i64> = Vec::new();
    let mut marks = Vec::new();
    for inv in &overdue {
        all_per_stokis.entry(inv.stokis_id).or_default().push(inv);
        let days_over = (as_of - inv.due_date).num_days();
        let furthest_noticed = inv.noticed.iter().copied().max().unwrap_or(0);
        let latest = cfg
            .overdue_alert_days
            .iter()
            .map(|&m| i64::from(m))
            .filter(|&m| m <= days_over)
            .filter_map(|m| i32::try_from(m).ok())
            .filter(|&m| m > furthest_noticed)
            .max();
        let Some(latest) = latest else {
            continue;
        };
        marks.push((inv.id, latest));
        if alerted.last() != Some(&inv.stokis_id) {
            alerted.push(inv.stokis_id);
        }
    }
    if alerted.is_empty() {
        return Ok(0);
    }
    record_notices(conn, "OVERDUE", &marks, run_date, now).await?;
    let contacts = stokis_contacts(conn, alerted.clone()).await?;

    #[derive(Serialize)]
    struct Line {
        number: String,
        balance: String,
        days_overdue: i64,
        due_date: String,
    }
    #[derive(Serialize)]
    struct V<'a> {
        stokis_name: &'a str,
        invoices: Vec<Line>,
        total: String,
    }
    #[derive(Serialize)]
    struct StokisLine {
        name: String,
        code: String,
        count: usize,
        balance: String,
        max_days: i64,
    }
    let mut summary = Vec::new();
    let mut grand_total = 0i64;
    let mut written = 0;
    for stokis_id in alerted {
        let (Some(stokis), Some(invoices)) =
            (contacts.get(&stokis_id), all_per_stokis.get(&stokis_id))
        else {
            continue;
        };
        let total: i64 = invoices.iter().map(|i| i.balance).sum();
        grand_total += total;
        let text = notify::render(
            "invoice_overdue.txt",
            &V {
                stokis_name: &stokis.name,
                invoices: invoices
                    .iter()
                    .map(|i| Line {
                        number: i.number.clone(),
                        balance: format_rupiah(i.balance),
                        days_overdue: (as_of - i.due_date).num_days(),
                        due_date: format_date_id(i.due_date),
                    })
                    .collect(),
                total: format_rupiah(total),
            },
        )?;
        let mut log = NewLog::new_for_run(
            "invoice_overdue",
            Recipient::Stokis,
            Contact {
                label: format!("stokis {}", stokis.name),
                phone: stokis.phone.clone(),
            },
            text,
            format!("invoice-overdue:{run_date}:stokis:{stokis_id}"),
        );
        log.stokis_id = Some(stokis_id);
        if let [only] = invoices.as_slice() {
            log.invoice_id = Some(only.id);
        }
        write(conn, now, &log, out).await?;
        written += 1;
        summary.push(StokisLine {
            name: stokis.name.clone(),
            code: stokis.code.clone(),
            count: invoices.len(),
            balance: format_rupiah(total),
            max_days: invoices
                .iter()
                .map(|i| (as_of - i.due_date).num_days())
                .max()
                .unwrap_or(0),
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
    let queued: bool = sqlx::query_scalar(
        "SELECT EXISTS (
             SELECT 1 FROM apalis.jobs
             WHERE job_type = $1
               AND (status IN ('Pending', 'Queued', 'Running')
                    OR (status = 'Failed' AND attempts < max_attempts))
               AND convert_from(job, 'UTF8')::jsonb ->> 'date' = $2)",
    )
    .bind(jobs::queue::INVOICES)
    .bind(today.to_string())
    .fetch_one(&mut *conn)
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
        let cfg = RunConfig::from_vars(|k| match k {
            "INVOICE_REMINDER_DAYS" => Some("7, 1,3,7".into()),
            "INVOICE_OVERDUE_ALERT_DAYS" => Some("30,1".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(cfg.reminder_days, vec![1, 3, 7]);
        assert_eq!(cfg.overdue_alert_days, vec![1, 30]);
        assert_eq!(
            RunConfig::from_vars(|_| None).unwrap(),
            RunConfig::default()
        );
        assert!(
            RunConfig::from_vars(|k| (k == "INVOICE_OVERDUE_ALERT_DAYS").then(|| "0".into()))
                .is_err()
        );
        assert!(
            RunConfig::from_vars(|k| (k == "INVOICE_REMINDER_DAYS").then(|| "x".into())).is_err()
        );
    }

    #[test]
    fn days_left_read_naturally() {
        assert_eq!(when(0), "hari ini");
        assert_eq!(when(1), "besok");
        assert_eq!(when(7), "7 hari lagi");
    }
}
