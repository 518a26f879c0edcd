//! One WhatsApp message as a `whatsapp_logs` row: who it is for, writing it once by its dedup
//! key, and what a batch of writes produced (with the send jobs of the new PENDING rows).

use super::NotifyError;
use crate::phone::Phone;
use crate::whatsapp::{LogType, Recipient};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// The person a message is for, as stored on their record.
#[derive(Debug, Clone)]
pub(crate) struct Contact {
    /// For error texts: `stokis Sumber Rejeki`.
    pub label: String,
    pub phone: Option<String>,
}

/// One message to write.
#[derive(Debug, Clone)]
pub(crate) struct NewLog {
    pub kind: LogType,
    pub event: &'static str,
    pub recipient: Recipient,
    pub to: Contact,
    pub message: String,
    pub dedup_key: String,
    pub order_id: Option<i64>,
    pub purchase_order_id: Option<i64>,
    pub invoice_id: Option<i64>,
    pub stokis_id: Option<i64>,
    pub mitra_id: Option<i64>,
    pub user_id: Option<i64>,
}

impl NewLog {
    pub(crate) fn new(
        kind: LogType,
        event: &'static str,
        recipient: Recipient,
        to: Contact,
        message: String,
        dedup_key: String,
    ) -> NewLog {
        NewLog {
            kind,
            event,
            recipient,
            to,
            message,
            dedup_key,
            order_id: None,
            purchase_order_id: None,
            invoice_id: None,
            stokis_id: None,
            mitra_id: None,
            user_id: None,
        }
    }

    /// A message of the daily invoice run (reminders and overdue alerts chase payment).
    pub(crate) fn new_for_run(
        event: &'static str,
        recipient: Recipient,
        to: Contact,
        message: String,
        dedup_key: String,
    ) -> NewLog {
        NewLog::new(LogType::Reminder, event, recipient, to, message, dedup_key)
    }
}

/// What happened to one message row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Inserted {
    /// New and PENDING: it needs a send job.
    Pending(i64),
    /// New and FAILED at once: the recipient has no usable phone number.
    Failed(i64),
    /// Written before (a retried job): nothing to do.
    Existing,
}

/// Writes one message row; a recipient without a valid mobile number gets a FAILED row that
/// says so, for the admin page, instead of an error that would block the others.
pub(crate) async fn insert(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    log: &NewLog,
) -> Result<Inserted, sqlx::Error> {
    let raw = log.to.phone.as_deref().map(str::trim).unwrap_or("");
    let (phone, status, error) = if raw.is_empty() {
        (
            String::new(),
            "FAILED",
            Some(format!("{} belum punya nomor HP", log.to.label)),
        )
    } else {
        match Phone::parse(raw) {
            Ok(p) => (p.into_string(), "PENDING", None),
            Err(e) => (
                raw.to_owned(),
                "FAILED",
                Some(format!(
                    "nomor HP {} tidak valid ({raw}): {e}",
                    log.to.label
                )),
            ),
        }
    };
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO whatsapp_logs (phone, message, status, type, event, recipient, order_id,
                purchase_order_id, invoice_id, stokis_id, mitra_id, user_id, dedup_key, last_error,
                scheduled_for, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $15)
         ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
    )
    .bind(&phone)
    .bind(&log.message)
    .bind(status)
    .bind(log.kind.as_str())
    .bind(log.event)
    .bind(log.recipient.as_str())
    .bind(log.order_id)
    .bind(log.purchase_order_id)
    .bind(log.invoice_id)
    .bind(log.stokis_id)
    .bind(log.mitra_id)
    .bind(log.user_id)
    .bind(&log.dedup_key)
    .bind(error)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(match (id, status) {
        (None, _) => Inserted::Existing,
        (Some(id), "PENDING") => Inserted::Pending(id),
        (Some(id), _) => Inserted::Failed(id),
    })
}

/// What [`expand`](super::expand) wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expanded {
    /// New PENDING rows, each with its send job enqueued.
    pub pending: Vec<i64>,
    /// New FAILED rows (recipient without a valid phone number).
    pub failed: Vec<i64>,
    /// Rows that already existed (the job ran before).
    pub existing: usize,
}

impl Expanded {
    pub(crate) fn add(&mut self, inserted: Inserted) {
        match inserted {
            Inserted::Pending(id) => self.pending.push(id),
            Inserted::Failed(id) => self.failed.push(id),
            Inserted::Existing => self.existing += 1,
        }
    }

    /// Adds what another expansion wrote.
    pub fn merge(&mut self, other: Expanded) {
        self.pending.extend(other.pending);
        self.failed.extend(other.failed);
        self.existing += other.existing;
    }

    /// Enqueues the send jobs of the new PENDING rows on the same transaction, in one insert.
    pub async fn enqueue_sends(&self, conn: &mut PgConnection) -> Result<(), NotifyError> {
        let jobs: Vec<jobs::SendWhatsapp> = self
            .pending
            .iter()
            .map(|&log_id| jobs::SendWhatsapp { log_id })
            .collect();
        jobs::enqueue(conn, &jobs).await?;
        Ok(())
    }
}
