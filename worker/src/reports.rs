//! The `reports` queue's work: render one requested run (build its document from a consistent
//! snapshot, render PDF or Excel off the async threads, store the file with the requester's
//! WhatsApp), render a printable document (faktur, surat jalan) into its `documents` row, and
//! the housekeeping every worker may do at any time: request the schedules that
//! have come due and delete files older than `REPORTS_KEEP_DAYS`.

use crate::handlers::{InFlight, Services, read};
use apalis_core::error::BoxDynError;
use apalis_core::task::data::Data;
use apalis_core::task::task_id::TaskId;
use domain::clock::Clock;
use domain::report::ReportFormat;
use domain::report::doc::Document;
use domain::report::run::{self, Started, Timings};
use jobs::{Render, RenderDocument, RenderReport};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Instant;

/// How a render job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rendered {
    /// The file is stored; its size in bytes.
    Done { size: usize },
    /// The run failed for good (its error is on the run; the page offers a retry).
    Failed { error: String },
    /// Nothing to do: already done, failed before, or deleted.
    Skipped,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportJobError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Domain(#[from] domain::error::DomainError),
}

/// `reports`: renders one report run or one document.
pub async fn render(
    payload: serde_json::Value,
    svc: Data<Arc<Services>>,
    task_id: TaskId,
) -> Result<(), BoxDynError> {
    let job: Render = read(payload)?;
    run_job(&svc, &job, &task_id.to_string()).await?;
    Ok(())
}

/// The work of one `reports` job, whoever took it from the queue (apalis in the worker, `claim`
/// in the test kit).
pub async fn run_job(
    svc: &Services,
    job: &Render,
    job_id: &str,
) -> Result<Rendered, ReportJobError> {
    match job {
        Render::Report(job) => {
            run_render(&svc.pool, svc.clock.as_ref(), &svc.in_flight, job, job_id).await
        }
        Render::Document(job) => run_document(svc, job, job_id).await,
    }
}

/// Renders one faktur or surat jalan as its record stands now.
pub async fn run_document(
    svc: &Services,
    job: &RenderDocument,
    job_id: &str,
) -> Result<Rendered, ReportJobError> {
    let _running = InFlight::enter(&svc.in_flight);
    let id = job.document_id;
    tracing::info!(queue = "reports", task_id = %job_id, document_id = id, "job started");
    let mut conn = svc.pool.acquire().await?;
    let Some(target) = domain::document::to_render(&mut conn, id).await? else {
        return Ok(Rendered::Skipped);
    };
    let doc = domain::document::build(&mut conn, &target, &svc.seller, svc.clock.now()).await;
    let doc = match doc {
        Ok(doc) => doc,
        Err(e) => {
            let error = format!("dokumen gagal disusun: {e}");
            domain::document::fail(&mut conn, id, &error).await?;
            return Ok(Rendered::Failed { error });
        }
    };
    drop(conn);
    let rendered = tokio::task::spawn_blocking(move || render::pdf(&doc)).await;
    let mut conn = svc.pool.acquire().await?;
    let bytes = match rendered {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) => return document_failed(&mut conn, id, &e.to_string()).await,
        Err(e) => return document_failed(&mut conn, id, &e.to_string()).await,
    };
    domain::document::store(&mut conn, id, &bytes, svc.clock.now()).await?;
    tracing::info!(document_id = id, size = bytes.len(), "document stored");
    Ok(Rendered::Done { size: bytes.len() })
}

async fn document_failed(
    conn: &mut sqlx::PgConnection,
    id: i64,
    error: &str,
) -> Result<Rendered, ReportJobError> {
    let error = format!("PDF gagal dibuat: {error}");
    domain::document::fail(conn, id, &error).await?;
    Ok(Rendered::Failed { error })
}

/// The work of one `reports` job, whoever took it from the queue. A database error is returned
/// (the queue tries the job again, and `start` takes a run left `RUNNING`); a report that cannot
/// be built or rendered is marked failed with its error, which the page shows.
pub async fn run_render(
    pool: &PgPool,
    clock: &dyn Clock,
    in_flight: &std::sync::atomic::AtomicUsize,
    job: &RenderReport,
    job_id: &str,
) -> Result<Rendered, ReportJobError> {
    let _running = InFlight::enter(in_flight);
    let id = job.report_run_id;
    tracing::info!(queue = "reports", task_id = %job_id, report_run_id = id, "job started");
    let started = {
        let mut tx = pool.begin().await?;
        let started = run::start(&mut tx, clock, id).await?;
        tx.commit().await?;
        started
    };
    let Some(started) = started else {
        tracing::info!(report_run_id = id, "report run already finished or gone");
        return Ok(Rendered::Skipped);
    };
    let query_started = Instant::now();
    let doc = match snapshot(pool, clock, &started).await {
        Ok(doc) => doc,
        Err(e) => return fail(pool, clock, id, &format!("data laporan gagal dibaca: {e}")).await,
    };
    let query_ms = elapsed_ms(query_started);
    progress(pool, id, 60).await?;

    let render_started = Instant::now();
    let format = started.format;
    let stem = doc.file_stem.clone();
    let rendered = tokio::task::spawn_blocking(move || match format {
        ReportFormat::Pdf => render::pdf(&doc),
        ReportFormat::Xlsx => render::xlsx(&doc),
    })
    .await;
    let bytes = match rendered {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) => return fail(pool, clock, id, &format!("berkas gagal dibuat: {e}")).await,
        Err(e) => return fail(pool, clock, id, &format!("berkas gagal dibuat: {e}")).await,
    };
    let timings = Timings {
        query_ms,
        render_ms: elapsed_ms(render_started),
    };
    progress(pool, id, 90).await?;
    let mut tx = pool.begin().await?;
    let stored = run::finish(&mut tx, clock, &started, &stem, &bytes, timings).await?;
    tx.commit().await?;
    if !stored {
        return Ok(Rendered::Skipped);
    }
    tracing::info!(
        report_run_id = id,
        size = bytes.len(),
        query_ms = timings.query_ms,
        render_ms = timings.render_ms,
        "report stored"
    );
    Ok(Rendered::Done { size: bytes.len() })
}

/// The document from one read-only snapshot, so every section of a report agrees even while
/// orders and payments keep arriving.
async fn snapshot(
    pool: &PgPool,
    clock: &dyn Clock,
    started: &Started,
) -> Result<Document, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    let doc = domain::report::build::build(&mut tx, &started.params, clock.now()).await?;
    tx.commit().await?;
    Ok(doc)
}

async fn progress(pool: &PgPool, id: i64, percent: i32) -> Result<(), sqlx::Error> {
    let mut conn = pool.acquire().await?;
    run::progress(&mut conn, id, percent).await
}

async fn fail(
    pool: &PgPool,
    clock: &dyn Clock,
    id: i64,
    error: &str,
) -> Result<Rendered, ReportJobError> {
    tracing::warn!(report_run_id = id, error, "report failed");
    let mut conn = pool.acquire().await?;
    run::fail(&mut conn, clock, id, error).await?;
    Ok(Rendered::Failed {
        error: error.to_owned(),
    })
}

fn elapsed_ms(since: Instant) -> i32 {
    i32::try_from(since.elapsed().as_millis()).unwrap_or(i32::MAX)
}

/// What one housekeeping pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Housekeeping {
    pub scheduled: Vec<i64>,
    pub purged: u64,
}

/// Requests the schedules that have come due (each period once, whichever worker gets there)
/// and deletes finished runs older than `keep_days`.
pub async fn housekeeping(
    pool: &PgPool,
    clock: &dyn Clock,
    keep_days: u32,
) -> Result<Housekeeping, ReportJobError> {
    let mut tx = pool.begin().await?;
    let scheduled = domain::report::schedule::run_due(&mut tx, clock).await?;
    tx.commit().await?;
    let mut conn = pool.acquire().await?;
    let purged = run::purge(&mut conn, clock.now(), keep_days).await?;
    if !scheduled.is_empty() || purged > 0 {
        tracing::info!(scheduled = scheduled.len(), purged, "report housekeeping");
    }
    Ok(Housekeeping { scheduled, purged })
}
