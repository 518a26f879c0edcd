//! The sample report both render tests read back: facts, a 120-row sales table with a total
//! row, a chart over it, an empty table, signatures and footnotes, with Indonesian text and `é`.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use domain::report::doc::{
    Block, Cell, CellKind, Chart, ChartSeries, Column, Document, Fact, Orientation, SeriesKind,
    Table,
};

pub const ROWS: usize = 120;
pub const EMPTY: &str = "Tidak ada data";

pub fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 8, 1).expect("date")
}

/// Row `i`'s sales; row 0 is Rp 1.250.000 and row 7 a negative correction.
pub fn sales(i: usize) -> i64 {
    if i == 7 {
        -5_000
    } else {
        1_250_000 + i as i64 * 12_345
    }
}

pub fn qty(i: usize) -> i64 {
    100 + (i as i64 * 37) % 900
}

pub fn product(i: usize) -> String {
    match i % 4 {
        0 => "Es Kopi Susu Café".to_owned(),
        1 => "Ayam Geprek Sambal Matah".to_owned(),
        2 => {
            "Paket Nasi Goreng Spesial Kampung dengan Telur Mata Sapi dan Kerupuk Udang".to_owned()
        }
        _ => format!("Teh Manis Jumbo #{i}"),
    }
}

pub fn document() -> Document {
    let total: i64 = (0..ROWS).map(sales).sum();
    let rows: Vec<Vec<Cell>> = (0..ROWS)
        .map(|i| {
            vec![
                Cell::Date(first_day() + Duration::days(i as i64)),
                Cell::Text(product(i)),
                Cell::Int(qty(i)),
                Cell::Rupiah(sales(i)),
                Cell::Percent(sales(i) as f64 / total as f64),
            ]
        })
        .collect();
    let col = |header: &str, kind, width| Column {
        header: header.to_owned(),
        kind,
        width,
    };
    let sales_table = Table {
        sheet: "Penjualan Harian".to_owned(),
        title: "Penjualan per hari".to_owned(),
        columns: vec![
            col("Tanggal", CellKind::Date, 12.0),
            col("Produk terlaris", CellKind::Text, 30.0),
            col("Jumlah porsi", CellKind::Int, 10.0),
            col("Penjualan bersih", CellKind::Rupiah, 16.0),
            col("Porsi penjualan", CellKind::Percent, 10.0),
        ],
        rows,
        totals: vec![vec![
            Cell::text("Total"),
            Cell::Empty,
            Cell::Int((0..ROWS).map(qty).sum()),
            Cell::Rupiah(total),
            Cell::Percent(1.0),
        ]],
        empty_text: EMPTY.to_owned(),
    };
    let returns = Table {
        sheet: "Retur".to_owned(),
        title: "Retur barang".to_owned(),
        columns: vec![
            col("Tanggal", CellKind::Date, 12.0),
            col("Stokis", CellKind::Text, 24.0),
            col("Nilai", CellKind::Rupiah, 16.0),
        ],
        rows: Vec::new(),
        totals: Vec::new(),
        empty_text: EMPTY.to_owned(),
    };
    Document {
        title: "Laporan Penjualan Harian — Stokis Sudirman".to_owned(),
        subtitle: vec![
            "Periode: 1 Agu 2026 – 28 Nov 2026".to_owned(),
            "Stokis: Sudirman (Jakarta Pusat), Kemang Café".to_owned(),
        ],
        generated_at: Utc
            .with_ymd_and_hms(2026, 11, 30, 2, 15, 0)
            .single()
            .expect("time"),
        orientation: Orientation::Portrait,
        file_stem: "penjualan-harian-2026-11".to_owned(),
        blocks: vec![
            Block::Facts {
                title: Some("Ringkasan".to_owned()),
                columns: 3,
                facts: vec![
                    Fact {
                        label: "Total penjualan".to_owned(),
                        value: Cell::Rupiah(total),
                    },
                    Fact {
                        label: "Hari".to_owned(),
                        value: Cell::Int(ROWS as i64),
                    },
                    Fact {
                        label: "Rata-rata porsi".to_owned(),
                        value: Cell::Decimal(2.5),
                    },
                    Fact {
                        label: "Pertumbuhan".to_owned(),
                        value: Cell::Percent(0.253),
                    },
                ],
            },
            Block::Heading("Penjualan".to_owned()),
            Block::Paragraph(
                "Penjualan bersih adalah nilai faktur setelah diskon, tanpa ongkos kirim."
                    .to_owned(),
            ),
            Block::Chart(Chart {
                title: "Tren penjualan harian".to_owned(),
                table_sheet: "Penjualan Harian".to_owned(),
                category_column: 0,
                series: vec![
                    ChartSeries {
                        column: 3,
                        kind: SeriesKind::Bar,
                    },
                    ChartSeries {
                        column: 2,
                        kind: SeriesKind::Line,
                    },
                ],
            }),
            Block::Table(sales_table),
            Block::Table(returns),
            Block::Signatures(vec!["Dibuat oleh".to_owned(), "Disetujui oleh".to_owned()]),
        ],
        footnotes: vec![
            "Angka dalam Rupiah penuh; retur dicatat pada tanggal diterima.".to_owned(),
        ],
    }
}

pub fn sales_table(doc: &Document) -> &Table {
    doc.table("Penjualan Harian")
        .expect("sample has its sales table")
}
