//! The purchase-order messages to the stokis: approved, rejected, shipped.

use super::{Contact, NewLog, NotifyError, quoted_excerpt, render};
use crate::money::format_rupiah;
use crate::whatsapp::{LogType, Recipient};
use serde::Serialize;
use sqlx::PgConnection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PoEvent {
    Approved,
    Rejected,
    Shipped,
}

pub(super) async fn po_logs(
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
        recipient_name: &'a str,
        po_number: &'a str,
        total: String,
        reason: Option<String>,
    }
    let values = V {
        recipient_name: &stokis_name,
        po_number: &number,
        total: format_rupiah(total),
        reason: reason.as_deref().and_then(quoted_excerpt),
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
