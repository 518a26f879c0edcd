//! `/api/v1/admin`: operating the workers, for head office. `GET /admin/jobs` is the jobs page
//! as data (per queue counts and the oldest wait, the workers seen lately, the jobs that failed
//! for good); `POST /admin/invoice-run` enqueues the daily invoice run for a date (FINANCE) and
//! answers 202: the worker does the run.

use chrono::{DateTime, NaiveDate, Utc};
use domain::{Role, invoice_run, ops};
use salvo::http::StatusCode;
use salvo::oapi::{
    self, Components, Content, EndpointOutRegister, Operation, Parameter, ToSchema, endpoint,
};
use salvo::writing::Json;
use salvo::{Depot, Request, Response, Router, Writer, async_trait};
use serde::{Deserialize, Serialize};

use super::body::ApiJson;
use super::caller::Caller;
use super::pagination::{Paging, list_of};
use super::query::{Query, QueryParams, QueryReader, choice_param};
use crate::error::WebError;
use crate::state;

pub fn router() -> Router {
    Router::with_path("admin")
        .push(Router::with_path("jobs").get(list_jobs))
        .push(Router::with_path("invoice-run").post(request_invoice_run))
}

const WHO: &str = "pusat dan finance";
/// A worker whose last heartbeat is older than this is not listed.
const WORKER_SEEN_SECS: i64 = 60;

/// Accepted for the workers to do (202), with what was accepted.
#[derive(Debug)]
pub struct Accepted<T>(pub T);

#[async_trait]
impl<T: Serialize + Send> Writer for Accepted<T> {
    async fn write(self, _req: &mut Request, _depot: &mut Depot, res: &mut Response) {
        res.status_code(StatusCode::ACCEPTED);
        res.render(Json(self.0));
    }
}

impl<T: ToSchema> EndpointOutRegister for Accepted<T> {
    fn register(components: &mut Components, operation: &mut Operation) {
        operation.responses.insert(
            "202",
            oapi::Response::new("Accepted: queued for the workers")
                .add_content("application/json", Content::new(T::to_schema(components))),
        );
    }
}

/// One queue's jobs by state.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "QueueStats"))]
pub struct QueueStats {
    /// `notifications`, `whatsapp`, `invoices`, `reports`.
    pub queue: String,
    /// Due and not yet taken by a worker.
    pub waiting: i64,
    /// Waiting for a later time (the next send window, a retry's backoff).
    pub scheduled: i64,
    /// Taken by a worker.
    pub running: i64,
    /// Failed with attempts left; taken again when its retry time comes.
    pub retrying: i64,
    /// Failed for good; listed in `failed`, can be retried from the admin page.
    pub failed: i64,
    pub done: i64,
    /// Seconds the oldest due job has waited; null when none waits.
    pub oldest_waiting_secs: Option<i64>,
}

impl From<ops::QueueStats> for QueueStats {
    fn from(s: ops::QueueStats) -> Self {
        QueueStats {
            queue: s.queue,
            waiting: s.waiting,
            scheduled: s.scheduled,
            running: s.running,
            retrying: s.retrying,
            failed: s.failed,
            done: s.done,
            oldest_waiting_secs: s.oldest_waiting_secs,
        }
    }
}

/// A job that failed for good.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "FailedJob"))]
pub struct FailedJob {
    pub id: String,
    pub queue: String,
    /// The job's payload, e.g. `{"log_id": 42}`.
    pub payload: serde_json::Value,
    /// `Failed` or `Killed`.
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    /// The error of the last attempt.
    pub error: Option<String>,
    pub run_at: DateTime<Utc>,
    pub failed_at: Option<DateTime<Utc>>,
}

impl From<ops::FailedJob> for FailedJob {
    fn from(j: ops::FailedJob) -> Self {
        FailedJob {
            id: j.id,
            queue: j.queue,
            payload: j.payload,
            status: j.status,
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            error: j.error,
            run_at: j.run_at,
            failed_at: j.failed_at,
        }
    }
}

list_of!(
    #[salvo(schema(name = "FailedJobList"))]
    FailedJobList,
    FailedJob
);

/// A worker process's consumer of one queue.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "WorkerInfo"))]
pub struct WorkerInfo {
    pub id: String,
    pub queue: String,
    pub last_seen: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
}

/// The job queues now.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "JobsOverview"))]
pub struct JobsOverview {
    /// Every queue, in a fixed order.
    pub queues: Vec<QueueStats>,
    /// Consumers whose heartbeat was seen in the last minute.
    pub workers: Vec<WorkerInfo>,
    /// Failed jobs, newest first (paginated with `page`/`per_page`).
    pub failed: FailedJobList,
}

/// `GET /admin/jobs` parameters.
#[derive(Debug, Default)]
pub struct JobsQuery {
    pub queue: Option<String>,
    pub paging: Paging,
}

fn queue_names() -> Vec<&'static str> {
    jobs::queue::ALL.to_vec()
}

impl QueryParams for JobsQuery {
    fn read(q: &mut QueryReader<'_>) -> Self {
        let names = queue_names();
        let queue = match q.text("queue", 50).map(|v| v.to_ascii_lowercase()) {
            Some(v) if !names.contains(&v.as_str()) => {
                q.errors.insert(
                    "queue".to_owned(),
                    format!("pilihan tidak dikenal; yang boleh: {}", names.join(", ")),
                );
                None
            }
            other => other,
        };
        JobsQuery {
            queue,
            paging: Paging::read(q),
        }
    }

    fn document() -> Vec<Parameter> {
        let mut params = vec![choice_param(
            "queue",
            "Only the failed jobs of this queue.",
            &queue_names(),
        )];
        params.extend(Paging::document());
        params
    }
}

/// The job queues: counts per queue and state, workers, failed jobs
///
/// Head-office staff (pusat, finance).
#[endpoint(
    tags("admin"),
    operation_id = "list_jobs",
    status_codes(200, 401, 403, 422, 500)
)]
pub async fn list_jobs(
    caller: Caller,
    query: Query<JobsQuery>,
    depot: &mut Depot,
) -> Result<Json<JobsOverview>, WebError> {
    caller.require(&Role::OPERATORS, WHO)?;
    let state = state::of(depot)?.clone();
    let q = query.0;
    let mut conn = state.pool.acquire().await?;
    let queues = ops::queue_stats(&mut conn, &caller.actor).await?;
    let workers = ops::workers(&mut conn, &caller.actor, WORKER_SEEN_SECS).await?;
    let (failed, total) = ops::failed_jobs(
        &mut conn,
        &caller.actor,
        q.queue.as_deref(),
        q.paging.page,
        q.paging.per_page,
    )
    .await?;
    Ok(Json(JobsOverview {
        queues: queues.into_iter().map(QueueStats::from).collect(),
        workers: workers
            .into_iter()
            .map(|w| WorkerInfo {
                id: w.id,
                queue: w.queue,
                last_seen: w.last_seen,
                started_at: w.started_at,
            })
            .collect(),
        failed: FailedJobList::new(
            failed.into_iter().map(FailedJob::from).collect(),
            q.paging,
            total,
        ),
    }))
}

/// The body of `POST /admin/invoice-run`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[salvo(schema(name = "InvoiceRunRequest"))]
pub struct InvoiceRunBody {
    /// The run's date (`YYYY-MM-DD`), today or a past day; today (Asia/Jakarta) when left out.
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

/// The run that was queued.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "InvoiceRunQueued"))]
pub struct InvoiceRunQueued {
    pub date: NaiveDate,
}

/// Run the daily invoice run now (finance)
///
/// Enqueues the run for `date` (today by default): UNPAID invoices past due become OVERDUE,
/// reminders and overdue alerts are sent. Keyed by date: a date that already ran sends nothing
/// twice. Answers 202; the run's result shows on the admin page once a worker has done it.
#[endpoint(
    tags("admin"),
    operation_id = "request_invoice_run",
    status_codes(202, 400, 401, 403, 422, 500)
)]
pub async fn request_invoice_run(
    caller: Caller,
    body: ApiJson<InvoiceRunBody>,
    depot: &mut Depot,
) -> Result<Accepted<InvoiceRunQueued>, WebError> {
    caller.require(&[Role::Finance], "finance")?;
    let state = state::of(depot)?.clone();
    let mut tx = state.pool.begin().await?;
    let date = invoice_run::request(&mut tx, &caller.actor, &*state.clock, body.date).await?;
    tx.commit().await?;
    Ok(Accepted(InvoiceRunQueued { date }))
}
