//! WhatsApp messages: the `whatsapp_logs` rows (one per message, written `PENDING` by the
//! notification pipeline), the crash-safe send steps the worker runs them through, the shared
//! rate limiter, the connection's session state, and the admin views (log list, retry, budget).

pub mod delivery;
mod demo;
pub mod limiter;
pub mod redirect;
pub mod send;
pub mod session;

pub use demo::{DEMO_DATA_KEY, is_demo_data, set_demo_data};
pub use redirect::redirect_text;

pub use limiter::{Budget, LimiterConfig, LimiterSettings, Slot, WaitReason, budget};
pub use send::{
    Claim, FailureKind, FailureOutcome, Outgoing, RetryPolicy, RetrySettings, SendPolicy, Skip,
    claim, mark_sent, message_id_for, note_hold, postpone, record_failure, requeue_stranded,
};

use crate::actor::Actor;
use crate::clock::{Clock, jakarta_start_of_day};
use crate::error::DomainError;
use crate::phone::Phone;
use crate::role::Role;
use crate::text_enum::text_enum;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use sqlx::{PgConnection, Postgres, QueryBuilder};

text_enum! {
    pub enum LogStatus {
        Pending => "PENDING",
        Sent => "SENT",
        Failed => "FAILED",
    }
}

text_enum! {
    /// What a message is about (the filter on the admin page).
    pub enum LogType {
        Order => "ORDER",
        Invoice => "INVOICE",
        Reminder => "REMINDER",
        Manual => "MANUAL",
        Report => "REPORT",
    }
}

text_enum! {
    /// Who a message is for.
    pub enum Recipient {
        Mitra => "mitra",
        Stokis => "stokis",
        Finance => "finance",
        Manual => "manual",
        Staff => "staff",
    }
}

/// One WhatsApp message as the admin page and `GET /api/v1/whatsapp/logs` show it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct WhatsappLog {
    pub id: i64,
    pub phone: String,
    pub message: String,
    pub status: LogStatus,
    #[serde(rename = "type")]
    #[sqlx(rename = "type")]
    pub kind: LogType,
    pub event: String,
    pub recipient: Recipient,
    pub order_id: Option<i64>,
    pub purchase_order_id: Option<i64>,
    pub invoice_id: Option<i64>,
    pub stokis_id: Option<i64>,
    pub mitra_id: Option<i64>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub scheduled_for: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The WhatsApp server took the message (its ack).
    pub acked_at: Option<DateTime<Utc>>,
    /// The recipient's phone received it (one grey tick becomes two).
    pub delivered_at: Option<DateTime<Utc>>,
    /// The recipient opened it (blue ticks; only if they share read receipts).
    pub read_at: Option<DateTime<Utc>>,
    /// The server's refusal code, when it refused the message.
    pub nack_code: Option<String>,
    /// Why the server held the message back (error 463), when it did.
    pub hold_reason: Option<String>,
}

const LOG_COLUMNS: &str =
    "id, phone, message, status, type, event, recipient, order_id, purchase_order_id,
    invoice_id, stokis_id, mitra_id, attempts, last_error, scheduled_for, created_at, sent_at,
    acked_at, delivered_at, read_at, nack_code, hold_reason";

/// Head-office staff who run the WhatsApp pipeline: they read the log and retry messages.
pub fn can_manage(actor: &Actor) -> bool {
    Role::OPERATORS.contains(&actor.role)
}

fn require_manager(actor: &Actor) -> Result<(), DomainError> {
    if can_manage(actor) {
        Ok(())
    } else {
        Err(DomainError::Forbidden(
            "hanya pusat dan finance yang bisa mengelola WhatsApp".into(),
        ))
    }
}

/// The filters of the WhatsApp log; dates are Asia/Jakarta days of `created_at`, inclusive.
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    pub status: Option<LogStatus>,
    pub kind: Option<LogType>,
    /// A phone number in any form people type (`0812…`, `+62 812…`), or a part of one.
    pub phone: Option<String>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
    pub page: u32,
    pub per_page: u32,
}

/// A page of the WhatsApp log, newest first, and the number of rows matching the filter.
pub async fn list_logs(
    conn: &mut PgConnection,
    actor: &Actor,
    filter: &LogFilter,
) -> Result<(Vec<WhatsappLog>, i64), DomainError> {
    require_manager(actor)?;
    // 0 (not given) is a page of 20.
    let per_page = i64::from(match filter.per_page {
        0 => 20,
        n => n.min(100),
    });
    let page = i64::from(filter.page.max(1));
    let phone = filter
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let scope = |qb: &mut QueryBuilder<Postgres>| {
        qb.push(" WHERE true");
        if let Some(s) = filter.status {
            qb.push(" AND status = ").push_bind(s.as_str());
        }
        if let Some(k) = filter.kind {
            qb.push(" AND type = ").push_bind(k.as_str());
        }
        if let Some(p) = phone {
            match Phone::parse(p) {
                Ok(phone) => {
                    qb.push(" AND phone = ").push_bind(phone.into_string());
                }
                Err(_) => {
                    // Part of a number: match the digits anywhere, ignoring a leading 0.
                    let digits: String = p.chars().filter(char::is_ascii_digit).collect();
                    let digits = digits.strip_prefix('0').unwrap_or(&digits).to_owned();
                    qb.push(" AND phone LIKE ").push_bind(format!("%{digits}%"));
                }
            }
        }
        if let Some(d) = filter.date_from {
            qb.push(" AND created_at >= ")
                .push_bind(jakarta_start_of_day(d));
        }
        if let Some(d) = filter.date_to {
            qb.push(" AND created_at < ")
                .push_bind(jakarta_start_of_day(d + Duration::days(1)));
        }
    };
    let (rows, total) = crate::listing::page(
        &mut *conn,
        "SELECT count(*) FROM whatsapp_logs",
        &format!("SELECT {LOG_COLUMNS} FROM whatsapp_logs"),
        scope,
        "created_at DESC, id DESC",
        per_page,
        (page - 1) * per_page,
    )
    .await?;
    Ok((rows, total))
}

pub async fn get_log(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
) -> Result<WhatsappLog, DomainError> {
    require_manager(actor)?;
    load(conn, id).await
}

pub(crate) async fn load(conn: &mut PgConnection, id: i64) -> Result<WhatsappLog, DomainError> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {LOG_COLUMNS} FROM whatsapp_logs WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(DomainError::NotFound {
        entity: "pesan WhatsApp",
    })
}

/// Puts a FAILED message back in the queue (the retry button): attempts start over, the send
/// job is enqueued on the caller's transaction. The phone number is read again from the
/// stokis, mitra or user the message is for, so fixing a wrong number and retrying works.
/// The message keeps its WhatsApp message id, so a send that did reach WhatsApp before failing
/// is not delivered twice.
pub async fn retry(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    id: i64,
) -> Result<WhatsappLog, DomainError> {
    require_manager(actor)?;
    #[derive(sqlx::FromRow)]
    struct Target {
        status: LogStatus,
        phone: String,
        recipient: Recipient,
        stokis_id: Option<i64>,
        mitra_id: Option<i64>,
        user_id: Option<i64>,
    }
    let Target {
        status,
        phone,
        recipient,
        stokis_id,
        mitra_id,
        user_id,
    } = sqlx::query_as(
        "SELECT status, phone, recipient, stokis_id, mitra_id, user_id
         FROM whatsapp_logs WHERE id = $1 FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(DomainError::NotFound {
        entity: "pesan WhatsApp",
    })?;
    if status != LogStatus::Failed {
        return Err(DomainError::InvalidTransition {
            action: "mengirim ulang pesan",
            from: match status {
                LogStatus::Pending => "menunggu dikirim".into(),
                LogStatus::Sent => "sudah terkirim".into(),
                LogStatus::Failed => "gagal".into(),
            },
        });
    }
    let current: Option<Option<String>> = match recipient {
        Recipient::Stokis => match stokis_id {
            Some(s) => {
                sqlx::query_scalar("SELECT phone FROM stokis WHERE id = $1")
                    .bind(s)
                    .fetch_optional(&mut *conn)
                    .await?
            }
            None => None,
        },
        Recipient::Mitra => match mitra_id {
            Some(m) => {
                sqlx::query_scalar("SELECT phone FROM mitra WHERE id = $1")
                    .bind(m)
                    .fetch_optional(&mut *conn)
                    .await?
            }
            None => None,
        },
        Recipient::Finance | Recipient::Staff => match user_id {
            Some(u) => {
                sqlx::query_scalar("SELECT phone FROM users WHERE id = $1")
                    .bind(u)
                    .fetch_optional(&mut *conn)
                    .await?
            }
            None => None,
        },
        Recipient::Manual => None,
    };
    let raw = match current {
        Some(Some(p)) => p,
        Some(None) => String::new(),
        None => phone,
    };
    let phone = Phone::parse(&raw).map_err(|e| {
        DomainError::field(
            "phone",
            format!("perbaiki nomor HP penerima dulu ({raw:?}): {e}"),
        )
    })?;
    let now = clock.now();
    sqlx::query(
        "UPDATE whatsapp_logs SET status = 'PENDING', phone = $2, attempts = 0, last_error = NULL,
                scheduled_for = $3, claimed_by = NULL, claimed_at = NULL, updated_at = $3
         WHERE id = $1",
    )
    .bind(id)
    .bind(phone.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    jobs::enqueue(conn, &[jobs::SendWhatsapp { log_id: id }]).await?;
    load(conn, id).await
}

/// A message typed by head-office staff (`POST /api/v1/whatsapp/messages`): written PENDING
/// and enqueued on the caller's transaction, sent through the same limiter as every other.
/// The idempotency key makes a repeated request return the first message.
pub async fn send_manual(
    conn: &mut PgConnection,
    actor: &Actor,
    clock: &dyn Clock,
    phone: &str,
    text: &str,
    idempotency_key: Option<&str>,
) -> Result<WhatsappLog, DomainError> {
    require_manager(actor)?;
    let mut errors = crate::error::FieldErrors::new();
    let phone = match Phone::parse(phone) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.insert("phone".into(), e.to_string());
            None
        }
    };
    let text = text.trim();
    if text.is_empty() {
        errors.insert("message".into(), "wajib diisi".into());
    } else if text.chars().count() > 4096 {
        errors.insert("message".into(), "maksimal 4096 karakter".into());
    }
    let key = idempotency_key.map(str::trim).filter(|k| !k.is_empty());
    if key.is_some_and(|k| k.chars().count() > 200) {
        errors.insert("idempotency_key".into(), "maksimal 200 karakter".into());
    }
    let (Some(phone), true) = (phone, errors.is_empty()) else {
        return Err(DomainError::Validation(errors));
    };
    let now = clock.now();
    let dedup_key = match key {
        Some(k) => format!("manual:{}:{k}", actor.user_id),
        None => format!(
            "manual:{}:{}",
            actor.user_id,
            now.timestamp_nanos_opt().unwrap_or(0)
        ),
    };
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO whatsapp_logs (phone, message, status, type, event, recipient, dedup_key,
                                    scheduled_for, created_at, updated_at)
         VALUES ($1, $2, 'PENDING', 'MANUAL', 'manual', 'manual', $3, $4, $4, $4)
         ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
    )
    .bind(phone.as_str())
    .bind(text)
    .bind(&dedup_key)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let id = match id {
        Some(id) => {
            jobs::enqueue(conn, &[jobs::SendWhatsapp { log_id: id }]).await?;
            id
        }
        None => {
            sqlx::query_scalar("SELECT id FROM whatsapp_logs WHERE dedup_key = $1")
                .bind(&dedup_key)
                .fetch_one(&mut *conn)
                .await?
        }
    };
    load(conn, id).await
}
