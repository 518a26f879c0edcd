//! The "new invoice" message to the stokis.

use super::{Contact, Links, NewLog, NotifyError, render};
use crate::clock::format_date_id;
use crate::money::format_rupiah;
use crate::whatsapp::{LogType, Recipient};
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::PgConnection;

pub(super) async fn invoice_logs(
    conn: &mut PgConnection,
    links: &Links,
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
        recipient_name: &'a str,
        invoice_number: &'a str,
        po_number: &'a str,
        total: String,
        due_date: String,
        link: Option<String>,
    }
    let text = render(
        "invoice_created.txt",
        &V {
            recipient_name: &stokis_name,
            invoice_number: &number,
            po_number: &po_number,
            total: format_rupiah(total),
            due_date: format_date_id(due_date),
            link: links.stokis_invoice(invoice_id),
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
