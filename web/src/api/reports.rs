//! `/api/v1/reports`, for head office (pusat, finance): request a report (202; a worker renders
//! it), follow its status and progress, list the runs, download the finished file. Parameters
//! are checked before anything is queued (422 with a message per field).

use chrono::{DateTime, Utc};
use domain::report::run::{self, ReportRun};
use domain::report::{ReportFormat, ReportKind};
use salvo::Writer as _;
use salvo::oapi::{BasicType, Object, ToSchema, endpoint};
use salvo::writing::Json;
use salvo::{Depot, Router};
use serde::{Deserialize, Serialize};

use super::admin::Accepted;
use super::body::ApiJson;
use super::caller::Caller;
use super::pagination::{Paging, list_of};
use super::query::Query;
use super::record_id::RecordId;
use crate::download::Download;
use crate::error::WebError;
use crate::state;

pub fn router() -> Router {
    Router::with_path("reports")
        .get(list_reports)
        .post(request_report)
        .push(
            Router::with_path("{id}")
                .get(get_report)
                .push(Router::with_path("file").get(report_file)),
        )
}

fn kind_schema() -> Object {
    Object::with_type(BasicType::String).enum_values(
        ReportKind::ALL
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>(),
    )
}

fn format_schema() -> Object {
    Object::with_type(BasicType::String).enum_values(
        ReportFormat::ALL
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>(),
    )
}

fn status_schema() -> Object {
    Object::with_type(BasicType::String)
        .enum_values(vec!["QUEUED", "RUNNING", "DONE", "FAILED"])
        .description("QUEUED → RUNNING → DONE | FAILED (error says why; can be retried)")
}

fn params_schema() -> Object {
    Object::with_type(BasicType::Object).description(
        "MONTHLY_SALES {month: \"YYYY-MM\"}; TOP_PRODUCTS {from, to: \"YYYY-MM-DD\", limit \
         (1–500, default 20)}; STOKIS_PERFORMANCE {from, to}; INVOICE_AGING {as_of}. \
         Periods up to 366 days, not in the future.",
    )
}

/// What to render.
#[derive(Debug, Deserialize, ToSchema)]
#[salvo(schema(name = "NewReport"))]
pub struct ReportBody {
    #[salvo(schema(schema_with = kind_schema))]
    pub kind: String,
    #[salvo(schema(schema_with = format_schema))]
    pub format: String,
    #[serde(default)]
    #[salvo(schema(schema_with = params_schema))]
    pub params: serde_json::Value,
}

/// One requested report.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "Report"))]
pub struct Report {
    pub id: i64,
    #[salvo(schema(schema_with = kind_schema))]
    pub kind: String,
    #[salvo(schema(schema_with = format_schema))]
    pub format: String,
    #[salvo(schema(schema_with = params_schema))]
    pub params: serde_json::Value,
    #[salvo(schema(schema_with = status_schema))]
    pub status: String,
    /// 0–100.
    pub progress: i32,
    /// Why it failed, in Bahasa Indonesia.
    pub error: Option<String>,
    /// The user who asked for it; null for a scheduled run.
    pub requested_by: Option<i64>,
    pub schedule_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// The download name, once done (`penjualan-bulanan-2026-11.pdf`).
    pub file_name: Option<String>,
    /// Bytes, once done.
    pub size: Option<i64>,
}

impl From<ReportRun> for Report {
    fn from(r: ReportRun) -> Self {
        Report {
            id: r.id,
            kind: r.kind.as_str().to_owned(),
            format: r.format.as_str().to_owned(),
            params: r.params,
            status: r.status.as_str().to_owned(),
            progress: r.progress,
            error: r.error,
            requested_by: r.requested_by,
            schedule_id: r.schedule_id,
            created_at: r.created_at,
            finished_at: r.finished_at,
            file_name: r.file_name,
            size: r.size,
        }
    }
}

list_of!(
    #[salvo(schema(name = "ReportList"))]
    ReportList,
    Report
);

/// Request a report (finance, pusat)
///
/// Checks the parameters and queues the run; a worker renders it. Follow it with
/// `GET /reports/{id}`; the file is at `GET /reports/{id}/file` once `status` is `DONE`.
#[endpoint(
    tags("reports"),
    operation_id = "request_report",
    status_codes(202, 401, 403, 422, 500)
)]
pub async fn request_report(
    caller: Caller,
    body: ApiJson<ReportBody>,
    depot: &mut Depot,
) -> Result<Accepted<Report>, WebError> {
    let state = state::of(depot)?.clone();
    let body = body.into_inner();
    let mut tx = state.pool.begin().await?;
    let queued = run::request(
        &mut tx,
        &caller.actor,
        &*state.clock,
        &body.kind,
        &body.format,
        &body.params,
    )
    .await?;
    tx.commit().await?;
    Ok(Accepted(queued.into()))
}

/// One report's status
#[endpoint(
    tags("reports"),
    operation_id = "get_report",
    status_codes(200, 401, 403, 404, 500)
)]
pub async fn get_report(
    caller: Caller,
    id: RecordId,
    depot: &mut Depot,
) -> Result<Json<Report>, WebError> {
    let state = state::of(depot)?.clone();
    let mut conn = state.pool.acquire().await?;
    Ok(Json(run::get(&mut conn, &caller.actor, id.0).await?.into()))
}

/// List reports
///
/// Newest first, every run of the office (requested by hand or by a schedule).
#[endpoint(
    tags("reports"),
    operation_id = "list_reports",
    status_codes(200, 401, 403, 422, 500)
)]
pub async fn list_reports(
    caller: Caller,
    query: Query<Paging>,
    depot: &mut Depot,
) -> Result<Json<ReportList>, WebError> {
    let state = state::of(depot)?.clone();
    let paging = query.0;
    let mut conn = state.pool.acquire().await?;
    let (rows, total) = run::list(
        &mut conn,
        &caller.actor,
        i64::from(paging.page),
        i64::from(paging.per_page),
    )
    .await?;
    Ok(Json(ReportList::new(
        rows.into_iter().map(Report::from).collect(),
        paging,
        total,
    )))
}

/// Download a finished report
///
/// The PDF or Excel file as an attachment; 409 while it is not done yet.
#[endpoint(
    tags("reports"),
    operation_id = "report_file",
    status_codes(200, 401, 403, 404, 409, 500)
)]
pub async fn report_file(
    caller: Caller,
    id: RecordId,
    depot: &mut Depot,
) -> Result<Download, WebError> {
    let state = state::of(depot)?.clone();
    let mut conn = state.pool.acquire().await?;
    let file = run::file(&mut conn, &caller.actor, id.0).await?;
    Ok(Download {
        file_name: file.file_name,
        content_type: file.content_type,
        bytes: file.bytes,
    })
}
