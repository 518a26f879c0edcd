//! Renders one [`domain::report::doc::Document`] twice, as a PDF (printpdf) and as an Excel
//! workbook (rust_xlsxwriter), from the same value so both files carry the same figures.
//! The worker calls [`pdf`] and [`xlsx`]; everything else here is their machinery.

mod chart_source;
#[cfg(feature = "pdf")]
mod format;
#[cfg(feature = "pdf")]
mod pdf;
#[cfg(feature = "xlsx")]
mod xlsx;

use domain::report::doc::Document;

/// Why a document could not be rendered. These are faults in the document (a chart naming a
/// table that is not there) or in the writers, never in the data's values.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The embedded font did not parse; only possible if the committed font file is damaged.
    #[error("font {0} could not be read")]
    #[cfg(feature = "pdf")]
    Font(&'static str),
    /// A chart's `table_sheet` names no table of the document.
    #[error("chart {chart:?} refers to table {sheet:?}, which the document does not have")]
    ChartTable { chart: String, sheet: String },
    /// A chart's category or series column is outside its table.
    #[error(
        "chart {chart:?} refers to column {column} of table {sheet:?}, which has {columns} columns"
    )]
    ChartColumn {
        chart: String,
        sheet: String,
        column: usize,
        columns: usize,
    },
    /// Two tables share a sheet name, which Excel refuses.
    #[error("two tables use the sheet name {0:?}")]
    DuplicateSheet(String),
    #[cfg(feature = "xlsx")]
    #[error("Excel: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// The document as an A4 PDF (landscape when the document says so), fonts embedded.
#[cfg(feature = "pdf")]
pub fn pdf(doc: &Document) -> Result<Vec<u8>, RenderError> {
    pdf::render(doc)
}

/// The document as an .xlsx workbook: a `Ringkasan` sheet, then one sheet per table.
#[cfg(feature = "xlsx")]
pub fn xlsx(doc: &Document) -> Result<Vec<u8>, RenderError> {
    xlsx::render(doc)
}
