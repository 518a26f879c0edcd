//! `/whatsapp`: the connection's status as the worker holding it reports it (in words, since
//! when, the QR code to scan or the pairing code to type, refreshed every 3 s by
//! `/static/whatsapp.js` polling `/whatsapp/connection`), the admin's requests to the worker
//! (pair by code, log out, pair again; the last two after a confirmation page), today's send
//! budget and the limiter's rules, and the message log — newest first, filtered by status,
//! type, phone number and date, paginated — with a button that sends a FAILED message again.
//! The web tier never talks to WhatsApp: requests are left in `whatsapp_sessions` for the
//! holder.

use domain::Phone;
use domain::whatsapp::session::{self as wa_session, Command};
use domain::whatsapp::{self, Budget, LimiterConfig, LogFilter, LogStatus, LogType, WhatsappLog};
use domain::{DomainError, Role, ops};
use salvo::http::StatusCode;
use salvo::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use salvo::writing::Json;
use salvo::{Depot, Request, Response, handler};
use serde::Serialize;
use tera::Context;

use super::super::{PER_PAGE, back_to, done, form_text, path_id};
use super::refuse;
use crate::auth;
use crate::error::WebError;
use crate::pages::pager::{Filters, Pager};
use crate::pages::query;
use crate::render;
use crate::state;
use crate::whatsapp_connection::ConnectionView;

/// The live refresh: no inline script (the pages run under a content security policy).
const SCRIPT: &str = include_str!("../../../../../templates/web/static/whatsapp.js");

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
    /// `WHATSAPP_DAILY_CAP`, and the ramp after pairing in words.
    daily_cap: u32,
    ramp: String,
    /// Today's cap, and whether the ramp still holds it below the full cap.
    today_cap: i64,
    ramping: bool,
}

fn limiter_view(cfg: &LimiterConfig, budget: &Budget) -> LimiterView {
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
        daily_cap: cfg.daily_cap,
        ramp: format!(
            "{} pesan pada hari nomor dipasangkan, dua kali lipat setiap hari berikutnya sampai {}",
            cfg.ramp_start, cfg.daily_cap
        ),
        today_cap: budget.cap,
        ramping: budget.cap < budget.full_cap,
    }
}

/// The pair-by-code form as entered, with its error when the domain refused it.
#[derive(Debug, Default, Serialize)]
struct PairForm {
    phone: String,
    error: Option<String>,
}

#[handler]
pub async fn show(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    render_show(req, depot, res, PairForm::default()).await
}

async fn render_show(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    pair: PairForm,
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
    ctx.insert("limiter", &limiter_view(limiter, &budget));
    ctx.insert("session", &session);
    ctx.insert("wa", &ConnectionView::new(session.as_ref()));
    ctx.insert("pair", &pair);
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

/// `GET /whatsapp/connection`: what the status panel shows, for the page's 3-second refresh.
#[handler]
pub async fn connection(depot: &mut Depot, res: &mut Response) -> Result<(), WebError> {
    auth::require_role(depot, &Role::OPERATORS)?;
    let state = state::of(depot)?.clone();
    let mut conn = state.pool.acquire().await?;
    let session = whatsapp::session::get(&mut conn, &state.config.whatsapp_session_id).await?;
    drop(conn);
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res.render(Json(ConnectionView::new(session.as_ref())));
    Ok(())
}

/// `GET /static/whatsapp.js` (admin portal): the status panel's refresh.
#[handler]
pub async fn script(res: &mut Response) {
    res.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    // Short: a new release's script should reach open pages soon.
    res.headers_mut().insert(
        CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
    res.render(SCRIPT);
}

/// One of the two requests that drop the current link, and what its confirmation says.
#[derive(Debug, Clone, Copy)]
enum Unlink {
    Logout,
    Relink,
}

impl Unlink {
    fn command(self) -> Command {
        match self {
            Unlink::Logout => Command::Logout,
            Unlink::Relink => Command::PairQr,
        }
    }

    fn path(self) -> &'static str {
        match self {
            Unlink::Logout => "/whatsapp/logout",
            Unlink::Relink => "/whatsapp/relink",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Unlink::Logout => "Keluarkan perangkat",
            Unlink::Relink => "Tautkan ulang",
        }
    }

    /// What will happen, said before it does.
    fn consequences(self) -> &'static [&'static str] {
        match self {
            Unlink::Logout => &[
                "Worker mengeluarkan perangkat D'Fresto dari akun WhatsApp ini; WhatsApp melupakan tautannya.",
                "Sampai nomor ditautkan lagi, tidak ada pesan yang terkirim. Pesan tetap menunggu di antrean, tidak dibuang.",
                "Untuk menautkan lagi, pindai kode QR baru atau masukkan kode pairing dari halaman ini.",
            ],
            Unlink::Relink => &[
                "Worker memutus tautan yang sekarang dan menampilkan kode QR baru di halaman ini.",
                "Sampai kode dipindai dari WhatsApp di ponsel (Perangkat tertaut → Tautkan perangkat), tidak ada pesan yang terkirim. Pesan tetap menunggu di antrean.",
            ],
        }
    }

    fn done(self) -> &'static str {
        match self {
            Unlink::Logout => {
                "Permintaan keluarkan perangkat dikirim ke worker. Status di halaman ini berubah setelah worker menjalankannya."
            }
            Unlink::Relink => {
                "Permintaan tautkan ulang dikirim ke worker. Kode QR baru muncul di halaman ini."
            }
        }
    }
}

async fn confirm_page(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    what: Unlink,
) -> Result<(), WebError> {
    auth::require_role(depot, &Role::OPERATORS)?;
    let state = state::of(depot)?.clone();
    let mut conn = state.pool.acquire().await?;
    let session = whatsapp::session::get(&mut conn, &state.config.whatsapp_session_id).await?;
    drop(conn);
    let mut ctx = Context::new();
    ctx.insert("title", what.title());
    ctx.insert("action", what.path());
    ctx.insert("consequences", what.consequences());
    ctx.insert("wa", &ConnectionView::new(session.as_ref()));
    render::page(req, depot, res, "admin/ops/whatsapp_confirm.html", ctx)
}

async fn request(depot: &mut Depot, res: &mut Response, what: Unlink) -> Result<(), WebError> {
    let actor = auth::require_role(depot, &Role::OPERATORS)?.actor.clone();
    let state = state::of(depot)?.clone();
    let mut conn = state.pool.acquire().await?;
    let asked = wa_session::request_command(
        &mut conn,
        &actor,
        &*state.clock,
        &state.config.whatsapp_session_id,
        what.command(),
    )
    .await;
    match asked {
        Ok(()) => {
            done(res, what.done(), "/whatsapp");
            Ok(())
        }
        Err(e) => refuse(res, e, "/whatsapp"),
    }
}

/// `GET /whatsapp/logout`: what logging out does, and the button that does it.
#[handler]
pub async fn confirm_logout(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    confirm_page(req, depot, res, Unlink::Logout).await
}

#[handler]
pub async fn logout(depot: &mut Depot, res: &mut Response) -> Result<(), WebError> {
    request(depot, res, Unlink::Logout).await
}

/// `GET /whatsapp/relink`: what pairing again does, and the button that does it.
#[handler]
pub async fn confirm_relink(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    confirm_page(req, depot, res, Unlink::Relink).await
}

#[handler]
pub async fn relink(depot: &mut Depot, res: &mut Response) -> Result<(), WebError> {
    request(depot, res, Unlink::Relink).await
}

/// `POST /whatsapp/pair-code`: asks the worker for an 8-character code for the number entered;
/// a number the domain refuses shows the page again with the error at the field.
#[handler]
pub async fn pair_code(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> Result<(), WebError> {
    let actor = auth::require_role(depot, &Role::OPERATORS)?.actor.clone();
    let state = state::of(depot)?.clone();
    let phone = form_text(req, "phone").await;
    let mut conn = state.pool.acquire().await?;
    let asked = wa_session::request_command(
        &mut conn,
        &actor,
        &*state.clock,
        &state.config.whatsapp_session_id,
        Command::PairCode {
            phone: phone.clone(),
        },
    )
    .await;
    drop(conn);
    match asked {
        Ok(()) => {
            let to = Phone::parse(&phone).map_or(phone.clone(), |p| p.pretty());
            done(
                res,
                format!(
                    "Permintaan kode pairing untuk {to} dikirim ke worker. Kode 8 karakter muncul di halaman ini."
                ),
                "/whatsapp",
            );
            Ok(())
        }
        Err(DomainError::Validation(mut fields)) => {
            let error = fields
                .remove("phone")
                .or_else(|| fields.into_values().next());
            res.status_code(StatusCode::UNPROCESSABLE_ENTITY);
            render_show(
                req,
                depot,
                res,
                PairForm {
                    phone,
                    error: error.map(|e| crate::pages::outcome::sentence(&e)),
                },
            )
            .await
        }
        Err(e) => refuse(res, e, "/whatsapp"),
    }
}
