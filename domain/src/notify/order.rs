//! The order messages: "new order" to the stokis, "shipped" and "rejected" to the mitra.

use super::{Contact, NewLog, NotifyError, quoted_excerpt, render};
use crate::money::format_rupiah;
use crate::whatsapp::{LogType, Recipient};
use serde::Serialize;
use sqlx::PgConnection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OrderEvent {
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

pub(super) async fn order_logs(
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
                recipient_name: &'a str,
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
                    recipient_name: &o.stokis_name,
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
                recipient_name: &'a str,
                order_number: &'a str,
                stokis_name: &'a str,
                total: &'a str,
            }
            let text = render(
                "order_shipped.txt",
                &V {
                    recipient_name: &o.mitra_name,
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
                recipient_name: &'a str,
                order_number: &'a str,
                stokis_name: &'a str,
                reason: Option<String>,
            }
            let text = render(
                "order_rejected.txt",
                &V {
                    recipient_name: &o.mitra_name,
                    order_number: &o.number,
                    stokis_name: &o.stokis_name,
                    reason: o.reject_reason.as_deref().and_then(quoted_excerpt),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_created_text_lists_items_and_total() {
        #[derive(Serialize)]
        struct V {
            recipient_name: &'static str,
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
                recipient_name: "Stokis Sumber Rejeki",
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
            "Halo Stokis Sumber Rejeki,\n\
             🛒 Order baru ORD-261128-000042 dari D'Fresto Dago (Bandung)\n\n\
             • Ayam Fillet 1kg: 10 pak\n\
             • Saus Sambal 1L: 2 botol\n\n\
             Total: Rp 586.000\n\n\
             Mohon konfirmasi order ini di portal stokis."
        );
    }
}
