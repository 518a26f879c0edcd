//! The surat jalan of a shipped PO: who sends and who receives, the lines and quantities
//! without prices (the driver and the stokis' staff see it), and boxes to sign on.

use super::Seller;
use super::party::Party;
use crate::error::DomainError;
use crate::report::build::column;
use crate::report::doc::{Block, Cell, CellKind, Document, Fact, Orientation, Table};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// `surat-jalan-PO-2026-11-0001`.
pub(super) fn file_stem(number: &str) -> String {
    format!("surat-jalan-{}", number.replace('/', "-"))
}

pub(super) async fn build(
    conn: &mut PgConnection,
    po_id: i64,
    seller: &Seller,
    generated_at: DateTime<Utc>,
) -> Result<Document, DomainError> {
    let po = crate::purchase_order::load(conn, po_id).await?;
    let to = Party::stokis(&mut *conn, po.stokis_id).await?;
    let invoice: Option<String> =
        sqlx::query_scalar("SELECT number FROM invoices WHERE purchase_order_id = $1")
            .bind(po_id)
            .fetch_optional(&mut *conn)
            .await?;
    let rows: Vec<Vec<Cell>> = po
        .items
        .iter()
        .enumerate()
        .map(|(i, l)| {
            vec![
                Cell::Int(i as i64 + 1),
                Cell::Text(l.sku.clone()),
                Cell::Text(l.name.clone()),
                Cell::Text(l.unit.clone()),
                Cell::Int(i64::from(l.qty)),
                Cell::Empty,
            ]
        })
        .collect();
    let total_qty: i64 = po.items.iter().map(|l| i64::from(l.qty)).sum();
    let blocks = vec![
        to.facts("Dikirim kepada"),
        Block::Facts {
            title: Some("Pengiriman".into()),
            columns: 2,
            facts: vec![
                Fact::new("Nomor PO", Cell::Text(po.number.clone())),
                Fact::new(
                    "Tanggal Kirim",
                    po.shipped_at
                        .map_or(Cell::Empty, |t| Cell::Date(crate::clock::jakarta_date(t))),
                ),
                Fact::new("Nomor Faktur", invoice.map_or(Cell::Empty, Cell::Text)),
            ],
        },
        Block::Table(Table {
            sheet: "Barang".into(),
            title: "Barang Dikirim".into(),
            columns: vec![
                column("No", CellKind::Int, 4.0),
                column("SKU", CellKind::Text, 11.0),
                column("Produk", CellKind::Text, 30.0),
                column("Satuan", CellKind::Text, 8.0),
                column("Qty", CellKind::Int, 7.0),
                column("Diterima (cek)", CellKind::Text, 12.0),
            ],
            rows,
            totals: vec![vec![
                Cell::Empty,
                Cell::Empty,
                Cell::text("Jumlah barang"),
                Cell::Empty,
                Cell::Int(total_qty),
                Cell::Empty,
            ]],
            empty_text: "Tidak ada barang".into(),
        }),
        Block::Signatures(vec![
            "Disiapkan oleh (Gudang)".into(),
            "Dikirim oleh (Pengemudi)".into(),
            "Diterima oleh (Stokis)".into(),
        ]),
    ];
    Ok(Document {
        title: format!("Surat Jalan {}", po.number),
        subtitle: seller.header_lines(),
        generated_at,
        orientation: Orientation::Portrait,
        file_stem: file_stem(&po.number),
        blocks,
        footnotes: vec![
            "Periksa jumlah barang saat diterima; selisih dicatat di kolom cek dan dilaporkan ke pusat."
                .into(),
        ],
    })
}
