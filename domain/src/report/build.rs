//! Building a report's [`Document`] from its checked parameters: one entry point that
//! dispatches to the four reports, the benchmark's entry point for each report's aggregate SQL
//! alone, and the small constructors the builders share.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use std::collections::HashMap;

use super::doc::{Block, Cell, CellKind, Column, Document, Orientation, Table};
use super::{ReportParams, invoice_aging, monthly_sales, stokis_performance, top_products};

/// The data of the report `params` asks for, as it stood when the statements ran.
pub async fn build(
    conn: &mut PgConnection,
    params: &ReportParams,
    generated_at: DateTime<Utc>,
) -> Result<Document, sqlx::Error> {
    match *params {
        ReportParams::MonthlySales { month } => {
            monthly_sales::build(conn, params, month, generated_at).await
        }
        ReportParams::TopProducts { from, to, limit } => {
            top_products::build(conn, params, from, to, limit, generated_at).await
        }
        ReportParams::StokisPerformance { from, to } => {
            stokis_performance::build(conn, params, from, to, generated_at).await
        }
        ReportParams::InvoiceAging { as_of } => {
            invoice_aging::build(conn, params, as_of, generated_at).await
        }
    }
}

/// Runs only the report's main aggregate statement and returns its row count: what the
/// benchmark compares a whole report job against.
pub async fn baseline(conn: &mut PgConnection, params: &ReportParams) -> Result<u64, sqlx::Error> {
    match *params {
        ReportParams::MonthlySales { month } => monthly_sales::baseline(conn, month).await,
        ReportParams::TopProducts { from, to, .. } => top_products::baseline(conn, from, to).await,
        ReportParams::StokisPerformance { from, to } => {
            stokis_performance::baseline(conn, from, to).await
        }
        ReportParams::InvoiceAging { as_of } => invoice_aging::baseline(conn, as_of).await,
    }
}

/// The frame every report shares: `Laporan <label>`, the download name, the sales footnote.
pub(crate) fn document(
    params: &ReportParams,
    subtitle: Vec<String>,
    orientation: Orientation,
    generated_at: DateTime<Utc>,
    blocks: Vec<Block>,
    mut footnotes: Vec<String>,
) -> Document {
    let kind = params.kind();
    footnotes.insert(0, super::sales::FOOTNOTE.to_owned());
    Document {
        title: format!("Laporan {}", kind.label()),
        subtitle,
        generated_at,
        orientation,
        file_stem: format!("{}-{}", kind.slug(), params.file_suffix()),
        blocks,
        footnotes,
    }
}

pub(crate) fn column(header: &str, kind: CellKind, width: f32) -> Column {
    Column {
        header: header.to_owned(),
        kind,
        width,
    }
}

pub(crate) const EMPTY_TEXT: &str = "Tidak ada data";

pub(crate) fn table(
    sheet: &str,
    title: &str,
    columns: Vec<Column>,
    rows: Vec<Vec<Cell>>,
    totals: Vec<Vec<Cell>>,
) -> Table {
    Table {
        sheet: sheet.to_owned(),
        title: title.to_owned(),
        columns,
        rows,
        totals,
        empty_text: EMPTY_TEXT.to_owned(),
    }
}

pub(crate) fn percent(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Percent)
}

/// A stokis as the reports name it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct StokisName {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// Code and name of the given stokis (a few hundred at most), by id.
pub(crate) async fn stokis_names(
    conn: &mut PgConnection,
    ids: &[i64],
) -> Result<HashMap<i64, StokisName>, sqlx::Error> {
    let rows: Vec<StokisName> =
        sqlx::query_as("SELECT id, code, name FROM stokis WHERE id = ANY($1)")
            .bind(ids)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|s| (s.id, s)).collect())
}
