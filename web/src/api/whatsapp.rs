//! `/api/v1/whatsapp`, for head office (pusat, finance): the message log (newest first, with
//! the admin page's filters, and the delivery receipts), the connection's status with today's
//! send budget (the same facts and words as the admin WhatsApp page), the QR code (raw and as
//! SVG) while the connection waits to be paired, the admin page's requests to the worker (log
//! out, pair again by QR or by code), and a message typed by hand — queued like every
//! other and sent by the worker through the same rate limiter. The web tier never talks to
//! WhatsApp: it reads and writes what the worker holding the connection reports and sends.

use chrono::{DateTime, NaiveDate, Utc};
use domain::Role;
use domain::whatsapp::session::Command;
use domain::whatsapp::{self, LogFilter, LogStatus, LogType};
use salvo::Writer as _;
use salvo::oapi::{BasicType, Object, Parameter, ToSchema, endpoint};
use salvo::writing::Json;
use salvo::{Depot, Router};
use serde::{Deserialize, Serialize};

use super::admin::Accepted;
use super::body::ApiJson;
use super::caller::Caller;
use super::idempotency::IdempotencyKey;
use super::pagination::{Paging, list_of};
use super::query::{
    MAX_SEARCH_CHARS, Query, QueryParams, QueryReader, choice_param, date_param, text_param,
};
use crate::error::WebError;
use crate::state;
use crate::whatsapp_connection::ConnectionView;

pub fn router() -> Router {
    Router::with_path("whatsapp")
        .push(Router::with_path("logs").get(list_logs))
        .push(Router::with_path("status").get(connection_status))
        .push(Router::with_path("qr").get(pairing_qr))
        .push(Router::with_path("commands").post(request_command))
        .push(Router::with_path("messages").post(send_message))
}

const WHO: &str = "pusat dan finance";

fn status_codes() -> Vec<&'static str> {
    LogStatus::ALL.iter().map(|s| s.as_str()).collect()
}

fn type_codes() -> Vec<&'static str> {
    LogType::ALL.iter().map(|t| t.as_str()).collect()
}

fn log_status_schema() -> Object {
    Object::with_type(BasicType::String)
        .enum_values(status_codes())
        .description("PENDING (waiting for its send window) → SENT | FAILED (error in last_error)")
}

fn log_type_schema() -> Object {
    Object::with_type(BasicType::String).enum_values(type_codes())
}

/// One WhatsApp message.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "WhatsappLog"))]
pub struct WhatsappLog {
    pub id: i64,
    /// `62` and the national number (`6281234567890`).
    pub phone: String,
    pub message: String,
    #[salvo(schema(schema_with = log_status_schema))]
    pub status: String,
    #[serde(rename = "type")]
    #[salvo(schema(schema_with = log_type_schema))]
    pub kind: String,
    /// The business event (`order_created`, `invoice_reminder`, `manual`, …).
    pub event: String,
    /// `mitra`, `stokis`, `finance` or `manual`.
    pub recipient: String,
    /// Send attempts so far.
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    /// When a PENDING message may go (the limiter's next window, a retry's backoff).
    pub scheduled_for: DateTime<Utc>,
    /// When our worker had the send acknowledged by WhatsApp's server (SENT).
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// The server's acknowledgement of the message id.
    pub acked_at: Option<DateTime<Utc>>,
    /// The recipient's phone received it (two grey ticks).
    pub delivered_at: Option<DateTime<Utc>>,
    /// The recipient opened it (blue ticks; only when they share read receipts).
    pub read_at: Option<DateTime<Utc>>,
    /// The server's refusal code, when it refused the message.
    pub nack_code: Option<String>,
    /// Why WhatsApp held the message back (a first-contact refusal, 463); it is retried later.
    pub hold_reason: Option<String>,
}

impl From<whatsapp::WhatsappLog> for WhatsappLog {
    fn from(l: whatsapp::WhatsappLog) -> Self {
        WhatsappLog {
            id: l.id,
            phone: l.phone,
            message: l.message,
            status: l.status.as_str().to_owned(),
            kind: l.kind.as_str().to_owned(),
            event: l.event,
            recipient: l.recipient.as_str().to_owned(),
            attempts: l.attempts,
            created_at: l.created_at,
            scheduled_for: l.scheduled_for,
            sent_at: l.sent_at,
            last_error: l.last_error,
            acked_at: l.acked_at,
            delivered_at: l.delivered_at,
            read_at: l.read_at,
            nack_code: l.nack_code,
            hold_reason: l.hold_reason,
        }
    }
}

list_of!(
    #[salvo(schema(name = "WhatsappLogList"))]
    WhatsappLogList,
    WhatsappLog
);

/// `GET /whatsapp/logs` parameters.
#[derive(Debug, Default)]
pub struct LogQuery {
    pub status: Option<LogStatus>,
    pub kind: Option<LogType>,
    pub phone: Option<String>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
    pub paging: Paging,
}

impl QueryParams for LogQuery {
    fn read(q: &mut QueryReader<'_>) -> Self {
        LogQuery {
            status: q.choice("status", &status_codes()),
            kind: q.choice("type", &type_codes()),
            phone: q.text("phone", MAX_SEARCH_CHARS),
            date_from: q.date("date_from"),
            date_to: q.date("date_to"),
            paging: Paging::read(q),
        }
    }

    fn document() -> Vec<Parameter> {
        let mut params = vec![
            choice_param("status", "Only messages in this status.", &status_codes()),
            choice_param("type", "Only messages of this type.", &type_codes()),
            text_param(
                "phone",
                "A phone number in any usual form (0812…, +62 812…), or a part of one.",
                MAX_SEARCH_CHARS,
            ),
            date_param(
                "date_from",
                "Written on or after this day (YYYY-MM-DD, Asia/Jakarta).",
            ),
            date_param(
                "date_to",
                "Written on or before this day (YYYY-MM-DD, Asia/Jakarta).",
            ),
        ];
        params.extend(Paging::document());
        params
    }
}

/// The WhatsApp message log
///
/// Newest first; pusat and finance.
#[endpoint(
    tags("whatsapp"),
    operation_id = "list_whatsapp_logs",
    status_codes(200, 401, 403, 422, 500)
)]
pub async fn list_logs(
    caller: Caller,
    query: Query<LogQuery>,
    depot: &mut Depot,
) -> Result<Json<WhatsappLogList>, WebError> {
    caller.require(&Role::OPERATORS, WHO)?;
    let state = state::of(depot)?.clone();
    let q = query.0;
    let filter = LogFilter {
        status: q.status,
        kind: q.kind,
        phone: q.phone,
        date_from: q.date_from,
        date_to: q.date_to,
        page: q.paging.page,
        per_page: q.paging.per_page,
    };
    let mut conn = state.pool.acquire().await?;
    let (rows, total) = whatsapp::list_logs(&mut conn, &caller.actor, &filter).await?;
    Ok(Json(WhatsappLogList::new(
        rows.into_iter().map(WhatsappLog::from).collect(),
        q.paging,
        total,
    )))
}

/// Today's send budget (Asia/Jakarta day).
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "SendBudget"))]
pub struct SendBudget {
    pub day: NaiveDate,
    pub sent: i64,
    /// Messages allowed today: ramped up after the number was paired (`WHATSAPP_RAMP_START` on
    /// the pairing day, doubling daily), never above `full_cap`.
    pub cap: i64,
    /// Messages per day once the ramp is over (`WHATSAPP_DAILY_CAP`).
    pub full_cap: i64,
    /// The day (Asia/Jakarta) the sending number was paired; none for console and fake.
    pub paired_on: Option<NaiveDate>,
    pub remaining: i64,
    /// The earliest the next message may go (after the gap, quiet hours or tomorrow's window).
    pub next_send_at: DateTime<Utc>,
    pub quiet_now: bool,
    /// Messages waiting to be sent, and how many of them are due now.
    pub pending: i64,
    pub pending_due: i64,
}

/// The WhatsApp connection as the worker holding it reports it.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "WhatsappStatus"))]
pub struct WhatsappStatus {
    pub session_id: String,
    /// `DISCONNECTED` before any worker has started.
    #[salvo(schema(schema_with = connection_status_schema))]
    pub status: String,
    /// The status as the admin page says it: `Terhubung sebagai +62 812-3456-7890`,
    /// `Menunggu pindai QR`, `Menunggu kode pairing`, `Terputus: <alasan>`, `Keluar`,
    /// `Diblokir sementara sampai <tanggal jam> WIB`, `Diambil alih perangkat lain`,
    /// `Menghubungkan…`.
    pub status_text: String,
    pub connected: bool,
    /// The connected number (`62…`; `console` for the development transport).
    pub phone: Option<String>,
    /// The worker process holding the connection.
    pub holder: Option<String>,
    /// When the status last changed (a rotating QR code keeps it).
    pub since: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// While `BANNED`: when WhatsApp said the temporary ban ends.
    pub banned_until: Option<DateTime<Utc>>,
    /// The holder's transport: `console` (development: nothing reaches WhatsApp), `fake`
    /// (tests) or `whatsapp`.
    pub transport: Option<String>,
    /// Test mode: every message goes to this number instead of its recipient.
    pub redirect_to: Option<String>,
    /// A QR code waits to be scanned (`GET /api/v1/whatsapp/qr`).
    pub has_qr: bool,
    /// While `WAITING_QR`: the raw QR string the phone expects (it rotates every ~20 s).
    pub qr: Option<String>,
    /// The same QR code as an SVG image.
    pub qr_svg: Option<String>,
    /// While pairing by code: the 8-character code to type on the phone.
    pub pair_code: Option<String>,
    /// An admin's request the holder has not taken yet: `LOGOUT`, `PAIR_QR` or `PAIR_CODE`.
    pub pending_command: Option<String>,
    pub command_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub budget: SendBudget,
}

impl WhatsappStatus {
    fn new(session_id: &str, v: ConnectionView, budget: SendBudget) -> WhatsappStatus {
        WhatsappStatus {
            session_id: session_id.to_owned(),
            status: v.status.to_owned(),
            status_text: v.status_text,
            connected: v.connected,
            phone: v.phone,
            holder: v.holder,
            since: v.since,
            last_error: v.last_error,
            banned_until: v.banned_until,
            transport: v.transport,
            redirect_to: v.redirect_to,
            has_qr: v.qr.is_some(),
            qr: v.qr,
            qr_svg: v.qr_svg,
            pair_code: v.pair_code,
            pending_command: v.pending_command,
            command_at: v.command_at,
            updated_at: v.updated_at,
            budget,
        }
    }
}

fn connection_status_schema() -> Object {
    Object::with_type(BasicType::String).enum_values(
        whatsapp::session::ConnectionStatus::ALL
            .iter()
            .map(|s| s.as_str()),
    )
}

/// The WhatsApp connection's status and today's send budget
#[endpoint(
    tags("whatsapp"),
    operation_id = "whatsapp_status",
    status_codes(200, 401, 403, 500)
)]
pub async fn connection_status(
    caller: Caller,
    depot: &mut Depot,
) -> Result<Json<WhatsappStatus>, WebError> {
    caller.require(&Role::OPERATORS, WHO)?;
    let state = state::of(depot)?.clone();
    let session_id = &state.config.whatsapp_session_id;
    let mut conn = state.pool.acquire().await?;
    let session = whatsapp::session::get(&mut conn, session_id).await?;
    let b = whatsapp::budget(&mut conn, &*state.clock, &state.config.whatsapp_limiter).await?;
    let budget = send_budget(b);
    Ok(Json(WhatsappStatus::new(
        session_id,
        ConnectionView::new(session.as_ref()),
        budget,
    )))
}

fn send_budget(b: whatsapp::Budget) -> SendBudget {
    SendBudget {
        day: b.day,
        sent: b.sent,
        cap: b.cap,
        full_cap: b.full_cap,
        paired_on: b.paired_on,
        remaining: b.remaining,
        next_send_at: b.next_send_at,
        quiet_now: b.quiet_now,
        pending: b.pending,
        pending_due: b.pending_due,
    }
}

/// The code to pair the WhatsApp number with.
#[derive(Debug, Serialize, ToSchema)]
#[salvo(schema(name = "WhatsappQr"))]
pub struct WhatsappQr {
    /// The raw QR string the phone expects (it rotates every ~20 s: fetch it again).
    pub qr: String,
    /// The same QR code as an SVG image, ready to show.
    pub qr_svg: Option<String>,
    /// The alternative code to type on the phone, when the worker asked for one.
    pub pair_code: Option<String>,
    /// `WAITING_QR`, and as the admin page says it.
    #[salvo(schema(schema_with = connection_status_schema))]
    pub status: String,
    pub status_text: String,
    /// Since when the connection has waited to be paired.
    pub since: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub transport: Option<String>,
    pub redirect_to: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// The QR code to scan while the connection waits to be paired
///
/// 404 when there is none (connected, or no worker is asking to be paired).
#[endpoint(
    tags("whatsapp"),
    operation_id = "whatsapp_qr",
    status_codes(200, 401, 403, 404, 500)
)]
pub async fn pairing_qr(caller: Caller, depot: &mut Depot) -> Result<Json<WhatsappQr>, WebError> {
    caller.require(&Role::OPERATORS, WHO)?;
    let state = state::of(depot)?.clone();
    let mut conn = state.pool.acquire().await?;
    let session = whatsapp::session::get(&mut conn, &state.config.whatsapp_session_id).await?;
    let view = ConnectionView::new(session.as_ref());
    match (view.qr, view.updated_at) {
        (Some(qr), Some(updated_at)) => Ok(Json(WhatsappQr {
            qr,
            qr_svg: view.qr_svg,
            pair_code: view.pair_code,
            status: view.status.to_owned(),
            status_text: view.status_text,
            since: view.since,
            last_error: view.last_error,
            transport: view.transport,
            redirect_to: view.redirect_to,
            updated_at,
        })),
        _ => Err(WebError::NotFound(
            "Tidak ada kode QR: WhatsApp tidak sedang menunggu dipasangkan".to_owned(),
        )),
    }
}

/// A message typed by hand.
#[derive(Debug, Deserialize, ToSchema)]
#[salvo(schema(name = "NewWhatsappMessage"))]
pub struct NewMessage {
    /// An Indonesian mobile number in any usual form (`0812-3456-7890`, `+62 812…`).
    pub phone: String,
    /// 1 to 4096 characters.
    pub text: String,
}

/// Send a WhatsApp message (pusat, finance)
///
/// Written PENDING and queued; the worker sends it through the same rate limiter as every
/// other message, so it may wait for the next send window. Answers 202 with the log record.
/// Send an `Idempotency-Key` to retry safely: the same key returns the first message.
#[endpoint(
    tags("whatsapp"),
    operation_id = "send_whatsapp_message",
    status_codes(202, 400, 401, 403, 422, 500)
)]
pub async fn send_message(
    caller: Caller,
    idempotency_key: IdempotencyKey,
    body: ApiJson<NewMessage>,
    depot: &mut Depot,
) -> Result<Accepted<WhatsappLog>, WebError> {
    caller.require(&Role::OPERATORS, WHO)?;
    let state = state::of(depot)?.clone();
    let mut tx = state.pool.begin().await?;
    let sent = whatsapp::send_manual(
        &mut tx,
        &caller.actor,
        &*state.clock,
        &body.phone,
        &body.text,
        idempotency_key.0.as_deref(),
    )
    .await;
    let log = match sent {
        Ok(log) => log,
        // The domain names the text `message`; this body calls it `text`.
        Err(domain::DomainError::Validation(fields)) => {
            return Err(WebError::Validation {
                message: "Data yang diisi belum benar".to_owned(),
                fields: fields
                    .into_iter()
                    .map(|(k, v)| (if k == "message" { "text".to_owned() } else { k }, v))
                    .collect(),
            });
        }
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    Ok(Accepted(WhatsappLog::from(log)))
}

fn command_codes() -> Vec<&'static str> {
    vec!["LOGOUT", "PAIR_QR", "PAIR_CODE"]
}

fn command_schema() -> Object {
    Object::with_type(BasicType::String)
        .enum_values(command_codes())
        .description(
            "LOGOUT: unlink the device (nothing is sent until paired again); PAIR_QR: drop the \
             link and show a fresh QR code; PAIR_CODE: drop the link and ask WhatsApp for an \
             8-character code for `phone`",
        )
}

/// A request to the worker holding the connection.
#[derive(Debug, Deserialize, ToSchema)]
#[salvo(schema(name = "WhatsappCommand"))]
pub struct NewCommand {
    #[salvo(schema(schema_with = command_schema))]
    pub command: String,
    /// For `PAIR_CODE`: the WhatsApp number to pair, in any usual form (`0812-3456-7890`).
    pub phone: Option<String>,
}

/// Ask the worker to log out or pair again (pusat, finance)
///
/// The web tier never talks to WhatsApp: the request is left for the worker holding the
/// connection, which takes it within seconds and writes the new state back (`status`,
/// `qr`, `pair_code`). A newer request replaces one not taken yet. Answers 202 with the
/// status, `pending_command` set.
#[endpoint(
    tags("whatsapp"),
    operation_id = "request_whatsapp_command",
    status_codes(202, 400, 401, 403, 422, 500)
)]
pub async fn request_command(
    caller: Caller,
    body: ApiJson<NewCommand>,
    depot: &mut Depot,
) -> Result<Accepted<WhatsappStatus>, WebError> {
    caller.require(&Role::OPERATORS, WHO)?;
    let state = state::of(depot)?.clone();
    let body = body.0;
    let cmd = match body.command.as_str() {
        "LOGOUT" => Command::Logout,
        "PAIR_QR" => Command::PairQr,
        "PAIR_CODE" => Command::PairCode {
            phone: body.phone.unwrap_or_default(),
        },
        _ => {
            return Err(WebError::Validation {
                message: "Data yang diisi belum benar".to_owned(),
                fields: [(
                    "command".to_owned(),
                    format!("pilih salah satu: {}", command_codes().join(", ")),
                )]
                .into_iter()
                .collect(),
            });
        }
    };
    let session_id = &state.config.whatsapp_session_id;
    let mut conn = state.pool.acquire().await?;
    whatsapp::session::request_command(&mut conn, &caller.actor, &*state.clock, session_id, cmd)
        .await?;
    let session = whatsapp::session::get(&mut conn, session_id).await?;
    let b = whatsapp::budget(&mut conn, &*state.clock, &state.config.whatsapp_limiter).await?;
    Ok(Accepted(WhatsappStatus::new(
        session_id,
        ConnectionView::new(session.as_ref()),
        send_budget(b),
    )))
}
