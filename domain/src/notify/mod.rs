//! Turning business events into WhatsApp messages: who is told (recipients), what they read
//! (texts from `templates/whatsapp/`), and the `whatsapp_logs` rows plus send jobs that carry
//! them, written in one transaction.
//!
//! The business transaction only enqueues one `jobs::Notification`; the notifications worker
//! calls [`expand`] in a transaction of its own. Every row has a unique dedup key (event +
//! record + recipient, e.g. `order:42:created:stokis`) and is inserted with
//! `ON CONFLICT (dedup_key) DO NOTHING`, and a send job is enqueued only for a row that was
//! really inserted, so a retried notification job creates nothing twice.

mod render;
mod report;

pub(crate) use render::render;

use crate::clock::{Clock, format_date_id};
use crate::error::DomainError;
use crate::money::format_rupiah;
use crate::phone::Phone;
use crate::whatsapp::{LogType, Recipient};
use chrono::{DateTime, NaiveDate, Utc};
use jobs::Notification;
use serde::Serialize;
use sqlx::PgConnection;

/// Why a notification could not be written.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// A template that does not render: a bug, so the job fails visibly and is retried.
    #[error("WhatsApp template error: {0}")]
    Template(String),
}

impl From<sqlx::Error> for NotifyError {
    fn from(e: sqlx::Error) -> Self {
        NotifyError::Domain(e.into())
    }
}

impl From<jobs::EnqueueError> for NotifyError {
    fn from(e: jobs::EnqueueError) -> Self {
        NotifyError::Domain(e.into())
    }
}

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

/// What [`expand`] wrote.
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

/// Writes the messages of one business event and enqueues their sends, on the caller's
/// transaction. A record that no longer exists writes nothing.
pub async fn expand(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    event: &Notification,
) -> Result<Expanded, NotifyError> {
    let out = write_messages(conn, clock, event).await?;
    out.enqueue_sends(conn).await?;
    Ok(out)
}

/// [`expand`] without the send jobs: for a caller that expands many events in one transaction
/// and enqueues all their sends with one [`Expanded::enqueue_sends`].
pub async fn write_messages(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    event: &Notification,
) -> Result<Expanded, NotifyError> {
    let logs = match *event {
        Notification::OrderCreated { order_id } => {
            order_logs(conn, order_id, OrderEvent::Created).await?
        }
        Notification::OrderShipped { order_id } => {
            order_logs(conn, order_id, OrderEvent::Shipped).await?
        }
        Notification::OrderRejected { order_id } => {
            order_logs(conn, order_id, OrderEvent::Rejected).await?
        }
        Notification::PurchaseOrderApproved { purchase_order_id } => {
            po_logs(conn, purchase_order_id, PoEvent::Approved).await?
        }
        Notification::PurchaseOrderRejected { purchase_order_id } => {
            po_logs(conn, purchase_order_id, PoEvent::Rejected).await?
        }
        Notification::PurchaseOrderShipped { purchase_order_id } => {
            po_logs(conn, purchase_order_id, PoEvent::Shipped).await?
        }
        Notification::InvoiceCreated { invoice_id } => invoice_logs(conn, invoice_id).await?,
        Notification::ReportReady { report_run_id } => {
            report::ready_logs(conn, report_run_id).await?
        }
    };
    let now = clock.now();
    let mut out = Expanded::default();
    for log in &logs {
        out.add(insert(conn, now, log).await?);
    }
    Ok(out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OrderEvent {
    Created,
    Shipped,
    Rejected,
}

#[derive(sqlx::FromRow)]
struct OrderRow {
    number: String,
    total: i64,
    reject_reason: Option<String>,
    mitra_id: i64,
    mitra_name: String,
    mitra_city: String,
    mitra_phone: Option<String>,
    stokis_id: i64,
    stokis_name: String,
    stokis_phone: Option<String>,
}

#[derive(Serialize, sqlx::FromRow)]
struct ItemLine {
    name: String,
    qty: i32,
    unit: String,
}

/// How many order lines the "order created" message lists before "and N more".
const LISTED_ITEMS: usize = 10;

async fn order_logs(
    conn: &mut PgConnection,
    order_id: i64,
    event: OrderEvent,
) -> Result<Vec<NewLog>, NotifyError> {
    let row: Option<OrderRow> = sqlx::query_as(
        "SELECT o.number, o.total, o.reject_reason, m.id AS mitra_id, m.name AS mitra_name,
                m.city AS mitra_city, m.phone AS mitra_phone, s.id AS stokis_id, s.name AS stokis_name,
                s.phone AS stokis_phone
         FROM orders o JOIN mitra m ON m.id = o.mitra_id JOIN stokis s ON s.id = o.stokis_id
         WHERE o.id = $1",
    )
    .bind(order_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(o) = row else {
        tracing::warn!(order_id, "notification for an order that does not exist");
        return Ok(Vec::new());
    };
    let stokis = Contact {
        label: format!("stokis {}", o.stokis_name),
        phone: o.stokis_phone.clone(),
    };
    let mitra = Contact {
        label: format!("mitra {}", o.mitra_name),
        phone: o.mitra_phone.clone(),
    };
    let total = format_rupiah(o.total);
    let (event_name, recipient, to, message) = match event {
        OrderEvent::Created => {
            let mut items: Vec<ItemLine> = sqlx::query_as(
                "SELECT p.name, i.qty, p.unit FROM order_items i JOIN products p ON p.id = i.product_id
                 WHERE i.order_id = $1 ORDER BY p.name",
            )
            .bind(order_id)
            .fetch_all(&mut *conn)
            .await?;
            let more_items = items.len().saturating_sub(LISTED_ITEMS);
            items.truncate(LISTED_ITEMS);
            #[derive(Serialize)]
            struct V<'a> {
                order_number: &'a str,
                mitra_name: &'a str,
                mitra_city: &'a str,
                items: Vec<ItemLine>,
                more_items: usize,
                total: &'a str,
            }
            let text = render(
                "order_created.txt",
                &V {
                    order_number: &o.number,
                    mitra_name: &o.mitra_name,
                    mitra_city: &o.mitra_city,
                    items,
                    more_items,
                    total: &total,
                },
            )?;
            ("created", Recipient::Stokis, stokis, text)
        }
        OrderEvent::Shipped => {
            #[derive(Serialize)]
            struct V<'a> {
                order_number: &'a str,
                stokis_name: &'a str,
                total: &'a str,
            }
            let text = render(
                "order_shipped.txt",
                &V {
                    order_number: &o.number,
                    stokis_name: &o.stokis_name,
                    total: &total,
                },
            )?;
            ("shipped", Recipient::Mitra, mitra, text)
        }
        OrderEvent::Rejected => {
            #[derive(Serialize)]
            struct V<'a> {
                order_number: &'a str,
                stokis_name: &'a str,
                reason: &'a str,
            }
            let text = render(
                "order_rejected.txt",
                &V {
                    order_number: &o.number,
                    stokis_name: &o.stokis_name,
                    reason: o.reject_reason.as_deref().unwrap_or("-"),
                },
            )?;
            ("rejected", Recipient::Mitra, mitra, text)
        }
    };
    let mut log = NewLog::new(
        LogType::Order,
        match event {
            OrderEvent::Created => "order_created",
            OrderEvent::Shipped => "order_shipped",
            OrderEvent::Rejected => "order_rejected",
        },
        recipient,
        to,
        message,
        format!("order:{order_id}:{event_name}:{recipient}"),
    );
    log.order_id = Some(order_id);
    log.stokis_id = Some(o.stokis_id);
    log.mitra_id = Some(o.mitra_id);
    Ok(vec![log])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PoEvent {
    Approved,
    Rejected,
    Shipped,
}

async fn po_logs(
    conn: &mut PgConnection,
    po_id: i64,
    event: PoEvent,
) -> Result<Vec<NewLog>, NotifyError> {
    #[derive(sqlx::FromRow)]
    struct PoRow {
        number: String,
        total: i64,
        reject_reason: Option<String>,
        stokis_id: i64,
        stokis_name: String,
        stokis_phone: Option<String>,
    }
    let row: Option<PoRow> = sqlx::query_as(
        "SELECT p.number, p.total, p.reject_reason, s.id AS stokis_id, s.name AS stokis_name,
                s.phone AS stokis_phone
         FROM purchase_orders p JOIN stokis s ON s.id = p.stokis_id WHERE p.id = $1",
    )
    .bind(po_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(PoRow {
        number,
        total,
        reject_reason: reason,
        stokis_id,
        stokis_name,
        stokis_phone,
    }) = row
    else {
        tracing::warn!(
            po_id,
            "notification for a purchase order that does not exist"
        );
        return Ok(Vec::new());
    };
    #[derive(Serialize)]
    struct V<'a> {
        po_number: &'a str,
        total: String,
        reason: &'a str,
    }
    let values = V {
        po_number: &number,
        total: format_rupiah(total),
        reason: reason.as_deref().unwrap_or("-"),
    };
    let (template, event_name, short) = match event {
        PoEvent::Approved => ("po_approved.txt", "po_approved", "approved"),
        PoEvent::Rejected => ("po_rejected.txt", "po_rejected", "rejected"),
        PoEvent::Shipped => ("po_shipped.txt", "po_shipped", "shipped"),
    };
    let mut log = NewLog::new(
        LogType::Order,
        event_name,
        Recipient::Stokis,
        Contact {
            label: format!("stokis {stokis_name}"),
            phone: stokis_phone,
        },
        render(template, &values)?,
        format!("po:{po_id}:{short}:stokis"),
    );
    log.purchase_order_id = Some(po_id);
    log.stokis_id = Some(stokis_id);
    Ok(vec![log])
}

async fn invoice_logs(
    conn: &mut PgConnection,
    invoice_id: i64,
) -> Result<Vec<NewLog>, NotifyError> {
    #[derive(sqlx::FromRow)]
    struct InvoiceRow {
        number: String,
        total: i64,
        due_date: NaiveDate,
        po_id: i64,
        po_number: String,
        stokis_id: i64,
        stokis_name: String,
        stokis_phone: Option<String>,
    }
    let row: Option<InvoiceRow> = sqlx::query_as(
        "SELECT i.number, i.total, i.due_date, p.id AS po_id, p.number AS po_number,
                s.id AS stokis_id, s.name AS stokis_name, s.phone AS stokis_phone
         FROM invoices i JOIN purchase_orders p ON p.id = i.purchase_order_id
         JOIN stokis s ON s.id = i.stokis_id WHERE i.id = $1",
    )
    .bind(invoice_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(InvoiceRow {
        number,
        total,
        due_date,
        po_id,
        po_number,
        stokis_id,
        stokis_name,
        stokis_phone,
    }) = row
    else {
        tracing::warn!(
            invoice_id,
            "notification for an invoice that does not exist"
        );
        return Ok(Vec::new());
    };
    #[derive(Serialize)]
    struct V<'a> {
        invoice_number: &'a str,
        po_number: &'a str,
        total: String,
        due_date: String,
    }
    let text = render(
        "invoice_created.txt",
        &V {
            invoice_number: &number,
            po_number: &po_number,
            total: format_rupiah(total),
            due_date: format_date_id(due_date),
        },
    )?;
    let mut log = NewLog::new(
        LogType::Invoice,
        "invoice_created",
        Recipient::Stokis,
        Contact {
            label: format!("stokis {stokis_name}"),
            phone: stokis_phone,
        },
        text,
        format!("invoice:{invoice_id}:created:stokis"),
    );
    log.invoice_id = Some(invoice_id);
    log.purchase_order_id = Some(po_id);
    log.stokis_id = Some(stokis_id);
    Ok(vec![log])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_created_text_lists_items_and_total() {
        #[derive(Serialize)]
        struct V {
            order_number: &'static str,
            mitra_name: &'static str,
            mitra_city: &'static str,
            items: Vec<ItemLine>,
            more_items: usize,
            total: String,
        }
        let text = render(
            "order_created.txt",
            &V {
                order_number: "ORD-261128-000042",
                mitra_name: "D'Fresto Dago",
                mitra_city: "Bandung",
                items: vec![
                    ItemLine {
                        name: "Ayam Fillet 1kg".into(),
                        qty: 10,
                        unit: "pak".into(),
                    },
                    ItemLine {
                        name: "Saus Sambal 1L".into(),
                        qty: 2,
                        unit: "botol".into(),
                    },
                ],
                more_items: 0,
                total: format_rupiah(586_000),
            },
        )
        .unwrap();
        assert_eq!(
            text,
            "🛒 Order baru ORD-261128-000042 dari D'Fresto Dago (Bandung)\n\n\
             • Ayam Fillet 1kg: 10 pak\n\
             • Saus Sambal 1L: 2 botol\n\n\
             Total: Rp 586.000\n\n\
             Mohon konfirmasi order ini di portal stokis."
        );
    }
}
