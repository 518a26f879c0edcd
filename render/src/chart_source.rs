//! The table behind a chart, looked up and checked once so the PDF drawing and the Excel chart
//! read the same rows, and a bad reference is an error instead of an empty or shifted chart.

use domain::report::doc::{Chart, Document, Table};

use crate::RenderError;

/// The chart's table, with every column the chart names checked to exist.
pub fn table<'d>(doc: &'d Document, chart: &Chart) -> Result<&'d Table, RenderError> {
    let table = doc
        .table(&chart.table_sheet)
        .ok_or_else(|| RenderError::ChartTable {
            chart: chart.title.clone(),
            sheet: chart.table_sheet.clone(),
        })?;
    let columns = table.columns.len();
    let named = std::iter::once(chart.category_column).chain(chart.series.iter().map(|s| s.column));
    for column in named {
        if column >= columns {
            return Err(RenderError::ChartColumn {
                chart: chart.title.clone(),
                sheet: table.sheet.clone(),
                column,
                columns,
            });
        }
    }
    Ok(table)
}

/// A cell as a number to plot; text and empty cells plot as nothing (a gap), not as zero.
#[cfg(feature = "pdf")]
pub fn value(cell: &domain::report::doc::Cell) -> Option<f64> {
    use domain::report::doc::Cell;
    match cell {
        Cell::Int(v) | Cell::Rupiah(v) => Some(*v as f64),
        Cell::Percent(f) | Cell::Decimal(f) if f.is_finite() => Some(*f),
        _ => None,
    }
}
