//! Report runs: finance or pusat requests a report (checked parameters, a `QUEUED` row and its
//! render job in one transaction), a worker renders it (`start` → `progress` → `finish` or
//! `fail`), the file stays in PostgreSQL for `REPORTS_KEEP_DAYS`, and a failed run can be
//! retried. The requester is told on WhatsApp when it is ready (in `finish`'s transaction).

use super::{ReportFormat, ReportKind, ReportParams};
use crate::actor::Actor;
use crate::clock::Clock;
use crate::error::DomainError;
use crate::role::Role;
use crate::text_enum::text_enum;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgConnection;

text_enum! {
    pub enum RunStatus {
        Queued => "QUEUED",
        Running => "RUNNING",
        Done => "DONE",
        Failed => "FAILED",
    }
}

impl RunStatus {
    pub fn label(self) -> &'static str {
        match self {
            RunStatus::Queued => "Menunggu",
            RunStatus::Running => "Diproses",
            RunStatus::Done => "Selesai",
            RunStatus::Failed => "Gagal",
        }
    }
}

/// One requested report, as the page and `GET /api/v1/reports/{id}` show it (no file bytes).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ReportRun {
    pub id: i64,
    pub kind: ReportKind,
    pub format: ReportFormat,
    pub params: serde_json::Value,
    pub status: RunStatus,
    pub progress: i32,
    pub error: Option<String>,
    pub requested_by: Option<i64>,
    pub requested_by_name: Option<String>,
    pub schedule_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub file_name: Option<String>,
    pub size: Option<i64>,
}

const RUN_COLUMNS: &str = "r.id, r.kind, r.format, r.params, r.status, r.progress, r.error,
    r.requested_by, u.name AS requested_by_name, r.schedule_id, r.queued_at AS created_at,
    r.started_at, r.finished_at, r.file_name, r.size";

/// Who may request and read reports: head office and finance.
pub fn can_use(actor: &Actor) -> bool {
    Role::OPERATORS.contains(&actor.role)
}

fn allowed(actor: &Actor) -> Result<(), DomainError> {
    if can_use(actor) {
        Ok(())
    } else {
        Err(DomainError::Forbidden(
            "laporan hanya untuk pusat dan finance".into(),
        ))
    }
}

/// Checks the request and queues it with its render job, on the caller's transaction.
/// `kind`, `format` and `params` come as typed by the caller, so every problem is reported
/// together (`kind`, `format`, `params.<name>`).
pub async fn request(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    kind: &str,
    format: &str,
    params: &serde_json::Value,
) -> Result<ReportRun, DomainError> {
    allowed(actor)?;
    let mut errors = crate::FieldErrors::new();
    let kind: Option<ReportKind> = kind.trim().parse().ok();
    if kind.is_none() {
        errors.insert(
            "kind".into(),
            "jenis laporan tidak dikenal (MONTHLY_SALES, TOP_PRODUCTS, STOKIS_PERFORMANCE, INVOICE_AGING)"
                .into(),
        );
    }
    let format: Option<ReportFormat> = format.trim().parse().ok();
    if format.is_none() {
        errors.insert("format".into(), "format harus PDF atau XLSX".into());
    }
    let parsed = match kind {
        Some(k) => match ReportParams::parse(k, params, clock.today()) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.extend(e);
                None
            }
        },
        None => None,
    };
    let (Some(params), Some(format)) = (parsed, format) else {
        return Err(DomainError::Validation(errors));
    };
    let id = insert(
        conn,
        clock,
        &params,
        format,
        Some(actor.user_id),
        None,
        None,
    )
    .await?;
    get(conn, actor, id).await
}

/// Inserts a `QUEUED` run and its job. A scheduled run carries its schedule and period, and a
/// second one for the same period is not inserted (`None`).
pub(crate) async fn insert(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    params: &ReportParams,
    format: ReportFormat,
    requested_by: Option<i64>,
    schedule_id: Option<i64>,
    period_key: Option<&str>,
) -> Result<i64, DomainError> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO report_runs (kind, params, format, requested_by, schedule_id, period_key, queued_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (schedule_id, period_key) WHERE schedule_id IS NOT NULL DO NOTHING
         RETURNING id",
    )
    .bind(params.kind().as_str())
    .bind(params.to_json())
    .bind(format.as_str())
    .bind(requested_by)
    .bind(schedule_id)
    .bind(period_key)
    .bind(clock.now())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(id) = id else {
        return Err(DomainError::Conflict(
            "laporan untuk periode ini sudah diminta".into(),
        ));
    };
    jobs::enqueue(conn, &[jobs::RenderReport { report_run_id: id }]).await?;
    Ok(id)
}

pub async fn get(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
) -> Result<ReportRun, DomainError> {
    allowed(actor)?;
    let sql = format!(
        "SELECT {RUN_COLUMNS} FROM report_runs r LEFT JOIN users u ON u.id = r.requested_by
         WHERE r.id = $1"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(DomainError::NotFound { entity: "laporan" })
}

/// Newest first. Every pusat and finance user sees every run: reports are the office's, and a
/// scheduled one belongs to nobody in particular.
pub async fn list(
    conn: &mut PgConnection,
    actor: &Actor,
    page: i64,
    per_page: i64,
) -> Result<(Vec<ReportRun>, i64), DomainError> {
    allowed(actor)?;
    let sql = format!(
        "SELECT {RUN_COLUMNS} FROM report_runs r LEFT JOIN users u ON u.id = r.requested_by
         ORDER BY r.queued_at DESC, r.id DESC LIMIT $1 OFFSET $2"
    );
    let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(per_page)
        .bind((page - 1).max(0) * per_page)
        .fetch_all(&mut *conn)
        .await?;
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM report_runs")
        .fetch_one(conn)
        .await?;
    Ok((rows, total))
}

/// A finished report's file.
#[derive(Debug, Clone)]
pub struct ReportFile {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Status, bytes, file name and content type: all but the status empty until the run is done.
type FileRow = (String, Option<Vec<u8>>, Option<String>, Option<String>);

/// The finished file of run `id`, for its download.
pub async fn file(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
) -> Result<ReportFile, DomainError> {
    allowed(actor)?;
    let row: Option<FileRow> = sqlx::query_as(
        "SELECT status, file, file_name, content_type FROM report_runs WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    match row {
        None => Err(DomainError::NotFound { entity: "laporan" }),
        Some((_, Some(bytes), Some(file_name), Some(content_type))) => Ok(ReportFile {
            file_name,
            content_type,
            bytes,
        }),
        Some((status, ..)) => Err(DomainError::Conflict(format!(
            "laporan belum siap (status {})",
            status
                .parse::<RunStatus>()
                .map_or(status.as_str(), |s| s.label())
        ))),
    }
}

/// A failed run goes back to the queue (its error cleared, progress from zero).
pub async fn retry(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    id: i64,
) -> Result<ReportRun, DomainError> {
    allowed(actor)?;
    let updated: Option<i64> = sqlx::query_scalar(
        "UPDATE report_runs SET status = 'QUEUED', error = NULL, progress = 0, started_at = NULL,
                finished_at = NULL, queued_at = $2
         WHERE id = $1 AND status = 'FAILED' RETURNING id",
    )
    .bind(id)
    .bind(clock.now())
    .fetch_optional(&mut *conn)
    .await?;
    match updated {
        Some(id) => {
            jobs::enqueue(conn, &[jobs::RenderReport { report_run_id: id }]).await?;
            get(conn, actor, id).await
        }
        None => {
            let run = get(conn, actor, id).await?;
            Err(DomainError::InvalidTransition {
                action: "mengulang laporan",
                from: run.status.label().to_owned(),
            })
        }
    }
}

/// What a worker needs to render a run it has taken.
#[derive(Debug, Clone)]
pub struct Started {
    pub id: i64,
    pub params: ReportParams,
    pub format: ReportFormat,
    pub requested_by: Option<i64>,
}

/// Takes a queued (or interrupted, still `RUNNING`) run for rendering; `None` when it is done,
/// failed, gone, or its stored parameters no longer parse (then it is marked failed).
pub async fn start(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    id: i64,
) -> Result<Option<Started>, DomainError> {
    let row: Option<(String, serde_json::Value, String, Option<i64>)> = sqlx::query_as(
        "UPDATE report_runs SET status = 'RUNNING', progress = 5, started_at = $2,
                attempts = attempts + 1
         WHERE id = $1 AND status IN ('QUEUED', 'RUNNING')
         RETURNING kind, params, format, requested_by",
    )
    .bind(id)
    .bind(clock.now())
    .fetch_optional(&mut *conn)
    .await?;
    let Some((kind, params, format, requested_by)) = row else {
        return Ok(None);
    };
    // A stored run was checked when requested; "today" only bounds the future, and a run
    // rendered later must not be refused for a date that has since become the past.
    let far_future = chrono::NaiveDate::MAX;
    let parsed = kind
        .parse::<ReportKind>()
        .ok()
        .and_then(|k| ReportParams::parse(k, &params, far_future).ok());
    let (Some(params), Ok(format)) = (parsed, format.parse::<ReportFormat>()) else {
        fail(conn, clock, id, "parameter laporan tersimpan tidak terbaca").await?;
        return Ok(None);
    };
    Ok(Some(Started {
        id,
        params,
        format,
        requested_by,
    }))
}

/// Progress 0–100 as rendering goes (the page polls it).
pub async fn progress(conn: &mut PgConnection, id: i64, percent: i32) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE report_runs SET progress = $2 WHERE id = $1 AND status = 'RUNNING'")
        .bind(id)
        .bind(percent.clamp(0, 100))
        .execute(conn)
        .await?;
    Ok(())
}

/// How long the two halves took, kept on the run (and shown to the benchmark).
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    pub query_ms: i32,
    pub render_ms: i32,
}

/// Stores the file, marks the run done and queues the requester's WhatsApp, in one transaction
/// (the caller's).
pub async fn finish(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    run: &Started,
    file_stem: &str,
    bytes: &[u8],
    timings: Timings,
) -> Result<bool, DomainError> {
    let file_name = format!("{file_stem}.{}", run.format.extension());
    let done: Option<i64> = sqlx::query_scalar(
        "UPDATE report_runs SET status = 'DONE', progress = 100, file = $2, file_name = $3,
                content_type = $4, size = $5, finished_at = $6, error = NULL, query_ms = $7,
                render_ms = $8
         WHERE id = $1 AND status = 'RUNNING' RETURNING id",
    )
    .bind(run.id)
    .bind(bytes)
    .bind(&file_name)
    .bind(run.format.content_type())
    .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
    .bind(clock.now())
    .bind(timings.query_ms)
    .bind(timings.render_ms)
    .fetch_optional(&mut *conn)
    .await?;
    if done.is_none() {
        return Ok(false);
    }
    if run.requested_by.is_some() {
        jobs::enqueue(
            conn,
            &[jobs::Notification::ReportReady {
                report_run_id: run.id,
            }],
        )
        .await?;
    }
    Ok(true)
}

/// Marks the run failed with its error, kept for the page (which offers a retry).
pub async fn fail(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    id: i64,
    error: &str,
) -> Result<(), sqlx::Error> {
    let error: String = error.chars().take(2000).collect();
    sqlx::query(
        "UPDATE report_runs SET status = 'FAILED', error = $2, finished_at = $3
         WHERE id = $1 AND status IN ('QUEUED', 'RUNNING')",
    )
    .bind(id)
    .bind(error)
    .bind(clock.now())
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes finished runs (and their files) older than `keep_days`; returns how many.
pub async fn purge(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    keep_days: u32,
) -> Result<u64, sqlx::Error> {
    let cutoff = now - chrono::Duration::days(i64::from(keep_days));
    let done = sqlx::query(
        "DELETE FROM report_runs WHERE status IN ('DONE', 'FAILED') AND finished_at < $1",
    )
    .bind(cutoff)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
