//! Turning business events into WhatsApp messages: who is told (recipients), what they read
//! (texts from `templates/whatsapp/`), and the `whatsapp_logs` rows plus send jobs that carry
//! them, written in one transaction.
//!
//! The business transaction only enqueues one `jobs::Notification`; the notifications worker
//! calls [`expand`] in a transaction of its own. Every row has a unique dedup key (event +
//! record + recipient, e.g. `order:42:created:stokis`) and is inserted with
//! `ON CONFLICT (dedup_key) DO NOTHING`, and a send job is enqueued only for a row that was
//! really inserted, so a retried notification job creates nothing twice.

mod account;
mod invoice;
mod link;
mod links;
mod message;
mod order;
mod purchase_order;
mod quote;
mod render;
mod report;

pub use account::{PasswordChangedBy, password_changed};
pub use link::ban_lifted;
pub use links::Links;
pub use message::Expanded;
pub(crate) use message::{Contact, Inserted, NewLog, insert};
pub use quote::{MAX_QUOTE_CHARS, quoted_excerpt};
pub(crate) use render::render;

use crate::clock::Clock;
use crate::error::DomainError;
use jobs::Notification;
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

/// Writes the messages of one business event and enqueues their sends, on the caller's
/// transaction. A record that no longer exists writes nothing.
pub async fn expand(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    links: &Links,
    event: &Notification,
) -> Result<Expanded, NotifyError> {
    let out = write_messages(conn, clock, links, event).await?;
    out.enqueue_sends(conn).await?;
    Ok(out)
}

/// [`expand`] without the send jobs: for a caller that expands many events in one transaction
/// and enqueues all their sends with one [`Expanded::enqueue_sends`].
pub async fn write_messages(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    links: &Links,
    event: &Notification,
) -> Result<Expanded, NotifyError> {
    let logs = match *event {
        Notification::OrderCreated { order_id } => {
            order::order_logs(conn, order_id, order::OrderEvent::Created).await?
        }
        Notification::OrderShipped { order_id } => {
            order::order_logs(conn, order_id, order::OrderEvent::Shipped).await?
        }
        Notification::OrderRejected { order_id } => {
            order::order_logs(conn, order_id, order::OrderEvent::Rejected).await?
        }
        Notification::PurchaseOrderApproved { purchase_order_id } => {
            purchase_order::po_logs(conn, purchase_order_id, purchase_order::PoEvent::Approved)
                .await?
        }
        Notification::PurchaseOrderRejected { purchase_order_id } => {
            purchase_order::po_logs(conn, purchase_order_id, purchase_order::PoEvent::Rejected)
                .await?
        }
        Notification::PurchaseOrderShipped { purchase_order_id } => {
            purchase_order::po_logs(conn, purchase_order_id, purchase_order::PoEvent::Shipped)
                .await?
        }
        Notification::InvoiceCreated { invoice_id } => {
            invoice::invoice_logs(conn, links, invoice_id).await?
        }
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
