//! `/reports` (Laporan), for FINANCE and PUSAT: a form per report, the runs with their status
//! and progress (the page polls the API while one is queued or running), downloads, retrying a
//! failed run, and the schedules that request reports by themselves (create, pause, resume,
//! delete). Rendering is the worker's; this page only requests and reads.

use domain::Role;
use domain::report::run::{self, ReportRun, RunStatus};
use domain::report::schedule::{self, NewSchedule, Schedule};
use domain::report::{Month, ReportKind, ReportParams};
use salvo::{Depot, Request, Response, handler};
use serde::Serialize;
use tera::Context;

use super::{PER_PAGE, done, form_text, path_id};
use crate::auth;
use crate::download::Download;
use crate::error::WebError;
use crate::pages::pager::{Filters, Pager};
use crate::pages::query;
use crate::render;
use crate::state;

const PATH: &str = "/reports";

/// One run as the list shows it.
#[derive(Debug, Serialize)]
struct RunRow {
    #[serde(flatten)]
    run: ReportRun,
    label: &'static str,
    period: String,
    status_label: &'static str,
    active: bool,
}

fn period_of(run: &ReportRun) -> String {
    // Stored parameters were checked when requested; "today" only bounds the future.
    ReportParams::parse(run.kind, &run.params, chrono::NaiveDate::MAX)
        .map(|p| p.period_label())
        .unwrap_or_default()
}

impl From<ReportRun> for RunRow {
    fn from(run: ReportRun) -> Self {
        RunRow {
            label: run.kind.label(),
            period: period_of(&run),
            status_label: run.status.label(),
            active: matches!(run.status, RunStatus::Queued | RunStatus::Running),
            run,
        }
    }
}

#[derive(Debug, Serialize)]
struct ScheduleRow {
    #[serde(flatten)]
    schedule: Schedule,
    label: &'static str,
    describe: String,
}

#[derive(Debug, Serialize)]
struct KindOption {
    code: &'static str,
    label: &'static str,
}

#[handler]
pub async fn show(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, &Role::OPERATORS)?.actor.clone();
    let state = state::of(depot)?.clone();
    let page = query::page(req);
    let mut conn = state.pool.acquire().await?;
    let (runs, total) = run::list(&mut conn, &actor, i64::from(page), i64::from(PER_PAGE)).await?;
    let schedules = schedule::list(&mut conn, &actor).await?;
    drop(conn);
    let today = state.clock.today();
    let month = Month::of(today);
    let runs: Vec<RunRow> = runs.into_iter().map(RunRow::from).collect();
    let schedules: Vec<ScheduleRow> = schedules
        .into_iter()
        .map(|s| ScheduleRow {
            label: s.kind.label(),
            describe: s.describe(),
            schedule: s,
        })
        .collect();
    let kinds: Vec<KindOption> = ReportKind::ALL
        .iter()
        .map(|k| KindOption {
            code: k.as_str(),
            label: k.label(),
        })
        .collect();
    let mut ctx = Context::new();
    ctx.insert(
        "pager",
        &Pager::new(PATH, &Filters::new(), page, PER_PAGE, total),
    );
    ctx.insert("any_active", &runs.iter().any(|r| r.active));
    ctx.insert("runs", &runs);
    ctx.insert("schedules", &schedules);
    ctx.insert("kinds", &kinds);
    ctx.insert("today", &today.to_string());
    ctx.insert("this_month", &month.to_string());
    ctx.insert("last_month", &month.previous().to_string());
    ctx.insert("month_start", &month.first_day().to_string());
    ctx.insert("page", &page);
    ctx.insert("per_page", &PER_PAGE);
    ctx.insert("can_schedule", &(actor.role == Role::Finance));
    render::page(req, depot, res, "admin/reports.html", ctx)
}

/// Ends an action: committed with its message on the page, or rolled back with the refusal.
async fn settle<T>(
    tx: sqlx::Transaction<'_, sqlx::Postgres>,
    res: &mut Response,
    outcome: Result<T, domain::DomainError>,
    message: impl FnOnce(T) -> String,
) -> Result<(), WebError> {
    match outcome {
        Ok(value) => {
            tx.commit().await?;
            done(res, message(value), PATH);
            Ok(())
        }
        Err(e) => {
            tx.rollback().await?;
            super::ops::refuse(res, e, PATH)
        }
    }
}

/// The parameters typed in one report form, as the API takes them.
async fn typed_params(req: &mut Request) -> serde_json::Value {
    let mut params = serde_json::Map::new();
    for key in ["month", "from", "to", "as_of"] {
        let v = form_text(req, key).await;
        if !v.trim().is_empty() {
            params.insert(key.into(), serde_json::Value::String(v.trim().to_owned()));
        }
    }
    let limit = form_text(req, "limit").await;
    match limit.trim() {
        "" => {}
        t => {
            // A typed number stays a number; anything else goes on as text for the domain to refuse.
            let value = t
                .parse::<u64>()
                .map(serde_json::Value::from)
                .unwrap_or_else(|_| serde_json::Value::String(t.to_owned()));
            params.insert("limit".into(), value);
        }
    }
    serde_json::Value::Object(params)
}

#[handler]
pub async fn request(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, &Role::OPERATORS)?.actor.clone();
    let state = state::of(depot)?.clone();
    let kind = form_text(req, "kind").await;
    let format = form_text(req, "format").await;
    let params = typed_params(req).await;
    let mut tx = state.pool.begin().await?;
    let outcome = run::request(&mut tx, &actor, &*state.clock, &kind, &format, &params).await;
    settle(tx, res, outcome, |queued| format!(
                    "Laporan {} ({}) masuk antrean. Statusnya diperbarui di daftar di bawah; unduh setelah selesai.",
                    queued.kind.label(),
                    queued.format.as_str()
                )).await
}

#[handler]
pub async fn retry(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, &Role::OPERATORS)?.actor.clone();
    let state = state::of(depot)?.clone();
    let id = path_id(req)?;
    let mut tx = state.pool.begin().await?;
    let outcome = run::retry(&mut tx, &actor, &*state.clock, id).await;
    settle(tx, res, outcome, |r| {
        format!("Laporan {} diulang: masuk antrean lagi.", r.kind.label())
    })
    .await
}

#[handler]
pub async fn file(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, &Role::OPERATORS)?.actor.clone();
    let state = state::of(depot)?.clone();
    let id = path_id(req)?;
    let mut conn = state.pool.acquire().await?;
    match run::file(&mut conn, &actor, id).await {
        Ok(f) => {
            res.render(Download {
                file_name: f.file_name,
                content_type: f.content_type,
                bytes: f.bytes,
            });
            Ok(())
        }
        Err(e) => super::ops::refuse(res, e, PATH),
    }
}

#[handler]
pub async fn create_schedule(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, &[Role::Finance])?.actor.clone();
    let state = state::of(depot)?.clone();
    let optional = |s: String| (!s.trim().is_empty()).then_some(s);
    let input = NewSchedule {
        kind: form_text(req, "kind").await,
        format: form_text(req, "format").await,
        frequency: form_text(req, "frequency").await,
        day_of_month: optional(form_text(req, "day_of_month").await),
        weekday: optional(form_text(req, "weekday").await),
        time: form_text(req, "time").await,
        limit: optional(form_text(req, "limit").await),
    };
    let mut tx = state.pool.begin().await?;
    let outcome = schedule::create(&mut tx, &actor, &*state.clock, &input).await;
    settle(tx, res, outcome, |s| {
        format!("Jadwal {} dibuat: {}.", s.kind.label(), s.describe())
    })
    .await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Pause,
    Resume,
    Delete,
}

async fn change_schedule(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    change: Change,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, &[Role::Finance])?.actor.clone();
    let state = state::of(depot)?.clone();
    let id = path_id(req)?;
    let mut tx = state.pool.begin().await?;
    let outcome = match change {
        Change::Delete => schedule::delete(&mut tx, &actor, id)
            .await
            .map(|()| "Jadwal dihapus; laporan yang sudah dibuat tetap ada.".to_owned()),
        Change::Pause | Change::Resume => {
            let active = change == Change::Resume;
            schedule::set_active(&mut tx, &actor, &*state.clock, id, active)
                .await
                .map(|s| {
                    if active {
                        format!("Jadwal {} aktif lagi: {}.", s.kind.label(), s.describe())
                    } else {
                        format!("Jadwal {} dijeda.", s.kind.label())
                    }
                })
        }
    };
    settle(tx, res, outcome, |message| message).await
}

#[handler]
pub async fn pause_schedule(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    change_schedule(req, depot, res, Change::Pause).await
}

#[handler]
pub async fn resume_schedule(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    change_schedule(req, depot, res, Change::Resume).await
}

#[handler]
pub async fn delete_schedule(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    change_schedule(req, depot, res, Change::Delete).await
}
