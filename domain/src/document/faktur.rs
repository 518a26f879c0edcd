//! The faktur: seller and buyer, invoice and PO numbers, dates, the PO's lines with quantity,
//! unit price and subtotal, then total, paid and balance, and how to pay.

use super::Seller;
use super::party::Party;
use crate::clock::format_date_id;
use crate::error::DomainError;
use crate::report::build::column;
use crate::report::doc::{Block, Cell, CellKind, Document, Fact, Orientation, Table};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// `faktur-INV-2026-11-0001`.
pub(super) fn file_stem(number: &str) -> String {
    format!("faktur-{}", number.replace('/', "-"))
}

#[derive(sqlx::FromRow)]
struct Line {
    sku: String,
    name: String,
    unit: String,
    qty: i32,
    unit_price: i64,
    subtotal: i64,
}

pub(super) async fn build(
    conn: &mut PgConnection,
    invoice_id: i64,
    seller: &Seller,
    generated_at: DateTime<Utc>,
) -> Result<Document, DomainError> {
    let invoice = crate::invoice::load(conn, invoice_id).await?;
    let buyer = Party::stokis(&mut *conn, invoice.stokis_id).await?;
    let lines: Vec<Line> = sqlx::query_as(
        "SELECT p.sku, p.name, p.unit, i.qty, i.unit_price, i.subtotal
         FROM purchase_order_items i JOIN products p ON p.id = i.product_id
         WHERE i.purchase_order_id = $1 ORDER BY p.name, p.sku",
    )
    .bind(invoice.purchase_order_id)
    .fetch_all(&mut *conn)
    .await?;
    let rows: Vec<Vec<Cell>> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            vec![
                Cell::Int(i as i64 + 1),
                Cell::Text(l.sku.clone()),
                Cell::Text(l.name.clone()),
                Cell::Text(l.unit.clone()),
                Cell::Int(i64::from(l.qty)),
                Cell::Rupiah(l.unit_price),
                Cell::Rupiah(l.subtotal),
            ]
        })
        .collect();
    let total_line = |label: &str, value: i64| {
        vec![
            Cell::Empty,
            Cell::Empty,
            Cell::text(label),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Rupiah(value),
        ]
    };
    let blocks = vec![
        buyer.facts("Ditagihkan kepada"),
        Block::Facts {
            title: Some("Faktur".into()),
            columns: 2,
            facts: vec![
                Fact::new("Nomor Faktur", Cell::Text(invoice.number.clone())),
                Fact::new(
                    "Nomor PO",
                    Cell::Text(invoice.purchase_order_number.clone()),
                ),
                Fact::new("Tanggal Faktur", Cell::Date(invoice.issue_date)),
                Fact::new("Jatuh Tempo", Cell::Date(invoice.due_date)),
                Fact::new("Status", Cell::text(invoice.status.label())),
            ],
        },
        Block::Table(Table {
            sheet: "Rincian".into(),
            title: "Rincian Barang".into(),
            columns: vec![
                column("No", CellKind::Int, 4.0),
                column("SKU", CellKind::Text, 10.0),
                column("Produk", CellKind::Text, 26.0),
                column("Satuan", CellKind::Text, 7.0),
                column("Qty", CellKind::Int, 6.0),
                column("Harga Satuan", CellKind::Rupiah, 13.0),
                column("Subtotal", CellKind::Rupiah, 14.0),
            ],
            rows,
            totals: vec![
                total_line("Total", invoice.total),
                total_line("Dibayar", invoice.paid),
                total_line("Sisa Tagihan", invoice.balance),
            ],
            empty_text: "Tidak ada barang".into(),
        }),
        Block::Heading("Cara Pembayaran".into()),
        Block::Paragraph(seller.payment_instructions(&invoice.number)),
    ];
    Ok(Document {
        title: format!("Faktur {}", invoice.number),
        subtitle: seller.header_lines(),
        generated_at,
        orientation: Orientation::Portrait,
        file_stem: file_stem(&invoice.number),
        blocks,
        footnotes: vec![format!(
            "Jatuh tempo {}. Faktur ini dibuat otomatis oleh sistem D'Fresto dan sah tanpa tanda tangan.",
            format_date_id(invoice.due_date)
        )],
    })
}
