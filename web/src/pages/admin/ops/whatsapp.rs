//! `/whatsapp`: today's send budget (sent of the daily cap, when the next message may go, what
//! waits), the connection's status as the worker holding it reports it, and the message log —
//! newest first, filtered by status, type, phone number and date, paginated — with a button
//! that sends a FAILED message again.

use domain::Phone;
use domain::whatsapp::{self, LimiterConfig, LogFilter, LogStatus, LogType, WhatsappLog};
use domain::{Role, ops};
use salvo::{Depot, Request, Response, handler};
use serde::Serialize;
use tera::Context;

use super::super::{PER_PAGE, back_to, done, path_id};
use super::refuse;
use crate::auth;
use crate::error::WebError;
use crate::pages::pager::{Filters, Pager};
use crate::pages::query;
use crate::render;
use crate::state;

fn type_label(kind: LogType) -> &'static str {
    match kind {
        LogType::Order => "Pesanan",
        LogType::Invoice => "Invoice",
        LogType::Reminder => "Pengingat",
        LogType::Manual => "Manual",
        LogType::Report => "Laporan",
    }
}

fn status_text(status: LogStatus) -> &'static str {
    match status {
        LogStatus::Pending => "Menunggu dikirim",
        LogStatus::Sent => "Terkirim",
        LogStatus::Failed => "Gagal",
    }
}

#[derive(Debug, Serialize)]
struct LogRow {
    #[serde(flatten)]
    log: WhatsappLog,
    type_label: &'static str,
    status_text: &'static str,
    /// `+62 812-3456-7890`, or the number as stored when it is not a valid one.
    phone_pretty: String,
    can_retry: bool,
}

#[derive(Debug, Serialize)]
struct Choice {
    value: &'static str,
    label: &'static str,
}

/// How the limiter is set, in words.
#[derive(Debug, Serialize)]
struct LimiterView {
    gap: String,
    quiet_hours: Option<String>,
}

fn limiter_view(cfg: &LimiterConfig) -> LimiterView {
    let secs = |d: chrono::Duration| {
        let ms = d.num_milliseconds();
        if ms % 1000 == 0 {
            format!("{}", ms / 1000)
        } else {
            format!("{:.1}", ms as f64 / 1000.0).replace('.', ",")
        }
    };
    LimiterView {
        gap: if cfg.min_gap == cfg.max_gap {
            format!("{} detik", secs(cfg.min_gap))
        } else {
            format!("{}–{} detik", secs(cfg.min_gap), secs(cfg.max_gap))
        },
        quiet_hours: cfg
            .quiet_hours
            .map(|(start, end)| format!("{}–{} WIB", start.format("%H:%M"), end.format("%H:%M"))),
    }
}

#[handler]
pub async fn show(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, &Role::OPERATORS)?.actor.clone();
    let state = state::of(depot)?.clone();
    let status: Option<LogStatus> = query::choice(req, "status");
    let kind: Option<LogType> = query::choice(req, "type");
    let phone = query::text(req, "phone");
    let date_from = query::date(req, "date_from");
    let date_to = query::date(req, "date_to");
    let page = query::page(req);
    let filter = LogFilter {
        status,
        kind,
        phone: phone.clone(),
        date_from,
        date_to,
        page,
        per_page: PER_PAGE,
    };
    let mut conn = state.pool.acquire().await?;
    let (logs, total) = whatsapp::list_logs(&mut conn, &actor, &filter).await?;
    let limiter = &state.config.whatsapp_limiter;
    let budget = whatsapp::budget(&mut conn, &*state.clock, limiter).await?;
    let session = whatsapp::session::get(&mut conn, &state.config.whatsapp_session_id).await?;
    drop(conn);

    let rows: Vec<LogRow> = logs
        .into_iter()
        .map(|log| LogRow {
            type_label: type_label(log.kind),
            status_text: status_text(log.status),
            phone_pretty: Phone::parse(&log.phone)
                .map(|p| p.pretty())
                .unwrap_or_else(|_| log.phone.clone()),
            can_retry: log.status == LogStatus::Failed,
            log,
        })
        .collect();
    let statuses: Vec<Choice> = LogStatus::ALL
        .iter()
        .map(|&s| Choice {
            value: s.as_str(),
            label: status_text(s),
        })
        .collect();
    let types: Vec<Choice> = LogType::ALL
        .iter()
        .map(|&t| Choice {
            value: t.as_str(),
            label: type_label(t),
        })
        .collect();
    let path = "/whatsapp";
    let filters = Filters::new()
        .set("status", status)
        .set("type", kind)
        .set("phone", phone.clone())
        .set("date_from", date_from)
        .set("date_to", date_to);
    let mut ctx = Context::new();
    ctx.insert("rows", &rows);
    ctx.insert("budget", &budget);
    ctx.insert("limiter", &limiter_view(limiter));
    ctx.insert("session", &session);
    ctx.insert("statuses", &statuses);
    ctx.insert("types", &types);
    ctx.insert("status", &status.map(LogStatus::as_str).unwrap_or_default());
    ctx.insert("type", &kind.map(LogType::as_str).unwrap_or_default());
    ctx.insert("phone", &phone.unwrap_or_default());
    ctx.insert(
        "date_from",
        &date_from.map(|d| d.to_string()).unwrap_or_default(),
    );
    ctx.insert(
        "date_to",
        &date_to.map(|d| d.to_string()).unwrap_or_default(),
    );
    ctx.insert("pager", &Pager::new(path, &filters, page, PER_PAGE, total));
    ctx.insert("back", &filters.href(path, page));
    render::page(req, depot, res, "admin/ops/whatsapp.html", ctx)
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
    let back = back_to(req, "/whatsapp").await;
    let mut tx = state.pool.begin().await?;
    match ops::retry_message(&mut tx, &actor, &*state.clock, id).await {
        Ok(log) => {
            tx.commit().await?;
            let to = Phone::parse(&log.phone).map_or(log.phone.clone(), |p| p.pretty());
            done(
                res,
                format!("Pesan #{id} ke {to} masuk antrean kirim lagi."),
                &back,
            );
            Ok(())
        }
        Err(e) => {
            tx.rollback().await?;
            refuse(res, e, &back)
        }
    }
}
