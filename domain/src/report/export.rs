//! `Unduh Excel` of what a list page shows: the invoice list with its filters and the aging
//! summary as of its date, as a [`Document`] with one table, from the rows the page's own query
//! returned (every page of them), so the file and the screen cannot disagree.

use chrono::{DateTime, NaiveDate, Utc};

use super::build::{column, table};
use super::doc::{Block, Cell, CellKind, Document, Orientation};
use crate::clock::format_date_id;
use crate::read::aging::{AgingRow, Buckets};
use crate::read::invoice_search::InvoiceLine;

/// The most rows one export carries (far more than a month of invoices).
pub const MAX_ROWS: u32 = 50_000;

fn document(
    title: &str,
    subtitle: Vec<String>,
    stem: String,
    generated_at: DateTime<Utc>,
    blocks: Vec<Block>,
) -> Document {
    Document {
        title: title.to_owned(),
        subtitle,
        generated_at,
        orientation: Orientation::Landscape,
        file_stem: stem,
        blocks,
        footnotes: Vec::new(),
    }
}

/// The invoice list; `filters` describes them as the page does (`Status: Terlambat`).
pub fn invoices(
    rows: &[InvoiceLine],
    filters: Vec<String>,
    today: NaiveDate,
    generated_at: DateTime<Utc>,
) -> Document {
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|i| {
            vec![
                Cell::Text(i.number.clone()),
                Cell::Text(i.purchase_order_number.clone()),
                Cell::Text(i.stokis_code.clone()),
                Cell::Text(i.stokis_name.clone()),
                Cell::Date(i.issue_date),
                Cell::Date(i.due_date),
                Cell::Rupiah(i.total),
                Cell::Rupiah(i.paid),
                Cell::Rupiah(i.balance),
                Cell::text(i.status.label()),
                Cell::Int(i.days_late),
            ]
        })
        .collect();
    let totals = if rows.is_empty() {
        Vec::new()
    } else {
        vec![vec![
            Cell::text("Total"),
            Cell::Empty,
            Cell::Empty,
            Cell::Text(format!("{} invoice", rows.len())),
            Cell::Empty,
            Cell::Empty,
            Cell::Rupiah(rows.iter().map(|i| i.total).sum()),
            Cell::Rupiah(rows.iter().map(|i| i.paid).sum()),
            Cell::Rupiah(rows.iter().map(|i| i.balance).sum()),
            Cell::Empty,
            Cell::Empty,
        ]]
    };
    let mut subtitle = vec![format!("Per {}", format_date_id(today))];
    subtitle.extend(filters);
    document(
        "Daftar Invoice",
        subtitle,
        format!("invoice-{today}"),
        generated_at,
        vec![Block::Table(table(
            "Invoice",
            "Invoice",
            vec![
                column("No. Invoice", CellKind::Text, 18.0),
                column("No. PO", CellKind::Text, 18.0),
                column("Kode", CellKind::Text, 9.0),
                column("Stokis", CellKind::Text, 24.0),
                column("Terbit", CellKind::Date, 11.0),
                column("Jatuh Tempo", CellKind::Date, 11.0),
                column("Total", CellKind::Rupiah, 14.0),
                column("Dibayar", CellKind::Rupiah, 14.0),
                column("Sisa", CellKind::Rupiah, 14.0),
                column("Status", CellKind::Text, 12.0),
                column("Hari Terlambat", CellKind::Int, 9.0),
            ],
            cells,
            totals,
        ))],
    )
}

fn bucket_cells(b: &Buckets) -> [Cell; 6] {
    [
        Cell::Rupiah(b.not_due),
        Cell::Rupiah(b.d1_30),
        Cell::Rupiah(b.d31_60),
        Cell::Rupiah(b.d61_90),
        Cell::Rupiah(b.over_90),
        Cell::Rupiah(b.total),
    ]
}

/// The aging summary as of `as_of`, as the aging page lists it.
pub fn aging(
    rows: &[AgingRow],
    totals: &Buckets,
    as_of: NaiveDate,
    search: Option<&str>,
    generated_at: DateTime<Utc>,
) -> Document {
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            let mut row = vec![
                Cell::Text(r.stokis_code.clone()),
                Cell::Text(r.stokis_name.clone()),
                Cell::Int(r.invoices),
            ];
            row.extend(bucket_cells(&r.buckets));
            row
        })
        .collect();
    let total_rows = if rows.is_empty() {
        Vec::new()
    } else {
        let mut row = vec![
            Cell::text("Total"),
            Cell::Text(format!("{} stokis", rows.len())),
            Cell::Int(rows.iter().map(|r| r.invoices).sum()),
        ];
        row.extend(bucket_cells(totals));
        vec![row]
    };
    let mut subtitle = vec![format!("Posisi per {}", format_date_id(as_of))];
    if let Some(q) = search.filter(|q| !q.trim().is_empty()) {
        subtitle.push(format!("Pencarian: {q}"));
    }
    document(
        "Umur Piutang",
        subtitle,
        format!("umur-piutang-{as_of}"),
        generated_at,
        vec![Block::Table(table(
            "Umur Piutang",
            "Umur Piutang per Stokis",
            vec![
                column("Kode", CellKind::Text, 9.0),
                column("Stokis", CellKind::Text, 24.0),
                column("Invoice", CellKind::Int, 8.0),
                column("Belum Jatuh Tempo", CellKind::Rupiah, 15.0),
                column("1–30", CellKind::Rupiah, 14.0),
                column("31–60", CellKind::Rupiah, 14.0),
                column("61–90", CellKind::Rupiah, 14.0),
                column("> 90", CellKind::Rupiah, 14.0),
                column("Total", CellKind::Rupiah, 15.0),
            ],
            cells,
            total_rows,
        ))],
    )
}
