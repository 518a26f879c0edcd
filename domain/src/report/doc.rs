//! The one shape every report and printable document is rendered from: a [`Document`] of
//! blocks (facts, tables, charts, signatures). The report builders fill it from SQL; the
//! `render` crate turns the same value into a PDF and an Excel file, so both carry the same
//! figures. Nothing here knows about pages, fonts or cells' addresses.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Orientation {
    Portrait,
    Landscape,
}

/// A whole report or document, ready to render.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    /// `Laporan Penjualan Bulanan`, `Faktur INV/2026/11/0001`.
    pub title: String,
    /// Lines under the title: the period or as-of date, filters (`Periode: November 2026`).
    pub subtitle: Vec<String>,
    /// Printed as `Dibuat <format_wib>`.
    pub generated_at: DateTime<Utc>,
    pub orientation: Orientation,
    /// The download name without extension: `penjualan-bulanan-2026-11`.
    pub file_stem: String,
    pub blocks: Vec<Block>,
    /// Printed at the end of the PDF and on the first sheet of the workbook (the definition of
    /// "sales", where balances come from).
    pub footnotes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Block {
    /// A section heading (in Excel: starts nothing on its own; tables carry their sheet).
    Heading(String),
    /// Label / value pairs: a KPI strip, the seller and the buyer of an invoice. `columns`
    /// says how many pairs go side by side in the PDF (1–4).
    Facts {
        title: Option<String>,
        columns: u8,
        facts: Vec<Fact>,
    },
    Paragraph(String),
    Table(Table),
    /// A chart over the rows of the table whose `sheet` is `table_sheet`.
    Chart(Chart),
    /// Boxes with a label and a line to sign on (`Dikirim oleh`, `Diterima oleh`).
    Signatures(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fact {
    pub label: String,
    pub value: Cell,
}

impl Fact {
    pub fn new(label: &str, value: Cell) -> Fact {
        Fact {
            label: label.to_owned(),
            value,
        }
    }
}

/// One table; in Excel one sheet named `sheet` (unique in the document, at most 31 characters),
/// with its header row frozen and filtered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub sheet: String,
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// Rows after the data, printed bold (a total row, a `%` row). Literal values, never
    /// formulas, so every viewer shows the figure.
    pub totals: Vec<Vec<Cell>>,
    /// Shown instead of an empty table: `Tidak ada data`.
    pub empty_text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    pub header: String,
    pub kind: CellKind,
    /// Relative width in characters (PDF: share of the line; Excel: the column width).
    pub width: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CellKind {
    Text,
    /// Whole units or counts: `14.750`.
    Int,
    /// Whole Rupiah: `Rp 1.250.000`, an Excel number with a Rupiah format.
    Rupiah,
    /// A fraction shown as percent: 0.253 → `25,3 %`.
    Percent,
    Date,
    /// A number with one decimal (days, hours): `2,5`.
    Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Rupiah(i64),
    /// A fraction: 0.253 is 25,3 %.
    Percent(f64),
    Date(NaiveDate),
    Decimal(f64),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SeriesKind {
    Bar,
    Line,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    pub title: String,
    pub table_sheet: String,
    /// The column of that table whose cells label the x axis.
    pub category_column: usize,
    pub series: Vec<ChartSeries>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChartSeries {
    /// A numeric column of that table.
    pub column: usize,
    pub kind: SeriesKind,
}

impl Document {
    /// The table of this document with the given sheet name.
    pub fn table(&self, sheet: &str) -> Option<&Table> {
        self.blocks.iter().find_map(|b| match b {
            Block::Table(t) if t.sheet == sheet => Some(t),
            _ => None,
        })
    }
}
