//! `dfresto-worker time-report`: renders one report the way a `reports` job does (request,
//! snapshot, render, store) and times it against that report's aggregate SQL run alone, on the
//! same database in the same process, with the process's peak memory. `make bench` runs it on
//! the bench data; an operator can run it to see what a report costs before scheduling it.

use crate::reports::{self, Rendered};
use domain::clock::{Clock, SystemClock};
use domain::report::{ReportKind, ReportParams};
use domain::{Actor, Role};
use sqlx::PgPool;
use std::sync::atomic::AtomicUsize;
use std::time::Instant;

/// What one timing found (milliseconds: medians of `rounds`).
#[derive(Debug, Clone)]
pub struct Timing {
    pub job_ms: f64,
    pub baseline_ms: f64,
    pub size: usize,
    pub peak_rss_mb: f64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// VmHWM of this process, in MB (0 where /proc is not there).
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Times report `kind` with `params` in `format`, `rounds` times each.
pub async fn time_report(
    pool: &PgPool,
    kind: &str,
    format: &str,
    params: &serde_json::Value,
    rounds: usize,
) -> anyhow::Result<Timing> {
    let clock = SystemClock;
    let kind_parsed: ReportKind = kind
        .parse()
        .map_err(|_| anyhow::anyhow!("unknown report kind {kind}"))?;
    let checked = ReportParams::parse(kind_parsed, params, clock.today())
        .map_err(|e| anyhow::anyhow!("bad params: {e:?}"))?;
    let finance: i64 = sqlx::query_scalar(
        "SELECT id FROM users WHERE role = 'FINANCE' AND active ORDER BY id LIMIT 1",
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| anyhow::anyhow!("no active FINANCE user to request the report as"))?;
    let actor = Actor {
        user_id: finance,
        role: Role::Finance,
        mitra_id: None,
        stokis_id: None,
    };
    let in_flight = AtomicUsize::new(0);
    let mut baseline = Vec::new();
    let mut job = Vec::new();
    let mut size = 0;
    for _ in 0..rounds.max(1) {
        let mut conn = pool.acquire().await?;
        let t = Instant::now();
        domain::report::build::baseline(&mut conn, &checked).await?;
        baseline.push(t.elapsed().as_secs_f64() * 1000.0);
        drop(conn);

        let t = Instant::now();
        let mut tx = pool.begin().await?;
        let run =
            domain::report::run::request(&mut tx, &actor, &clock, kind, format, params).await?;
        tx.commit().await?;
        let outcome = reports::run_render(
            pool,
            &clock,
            &in_flight,
            &jobs::RenderReport {
                report_run_id: run.id,
            },
            "time-report",
        )
        .await?;
        job.push(t.elapsed().as_secs_f64() * 1000.0);
        match outcome {
            Rendered::Done { size: s } => size = s,
            other => anyhow::bail!("the report did not render: {other:?}"),
        }
        // The timing's own runs are not the office's reports.
        sqlx::query("DELETE FROM report_runs WHERE id = $1")
            .bind(run.id)
            .execute(pool)
            .await?;
    }
    Ok(Timing {
        job_ms: median(job),
        baseline_ms: median(baseline),
        size,
        peak_rss_mb: peak_rss_mb(),
    })
}
