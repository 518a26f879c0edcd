//! The document as an .xlsx workbook: a `Ringkasan` sheet (title, subtitle, generated-at,
//! facts, the list of tables, footnotes), then one sheet per table with real numbers and dates
//! under Excel number formats, a bold frozen header with an autofilter, totals as literal
//! values, and a native Excel chart beside the table for each chart over it.

use std::collections::{BTreeMap, BTreeSet};

use domain::clock::format_wib;
use domain::report::doc::{Block, Cell, CellKind, Chart, Document, Orientation, SeriesKind, Table};
use rust_xlsxwriter::{
    Chart as XlChart, ChartType, Color, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::{RenderError, chart_source};

const SUMMARY: &str = "Ringkasan";
/// Rows a chart takes on its sheet (rust_xlsxwriter's default chart is 15 rows tall).
const CHART_ROWS: u32 = 17;
const A4: u8 = 9;

/// Number formats per kind, plain and bold (for total rows). Excel shows `,`/`.` per the
/// reader's locale, so an Indonesian Excel shows `Rp 1.250.000`.
struct Formats {
    plain: [Format; 6],
    bold: [Format; 6],
    header: Format,
    title: Format,
    strong: Format,
    muted: Format,
}

impl Formats {
    fn new() -> Formats {
        let base = |bold: bool| {
            let f = Format::new();
            let f = if bold { f.set_bold() } else { f };
            [
                f.clone(),
                f.clone().set_num_format("#,##0"),
                f.clone().set_num_format(r#""Rp" #,##0;-"Rp" #,##0"#),
                f.clone().set_num_format("0.0%"),
                f.clone().set_num_format("dd/mm/yyyy"),
                f.set_num_format("0.0"),
            ]
        };
        Formats {
            plain: base(false),
            bold: base(true),
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDDE5F0))
                .set_border_bottom(FormatBorder::Thin),
            title: Format::new().set_bold().set_font_size(14),
            strong: Format::new().set_bold(),
            muted: Format::new()
                .set_italic()
                .set_font_color(Color::RGB(0x666666)),
        }
    }

    fn of(&self, kind: CellKind, bold: bool) -> &Format {
        let i = match kind {
            CellKind::Text => 0,
            CellKind::Int => 1,
            CellKind::Rupiah => 2,
            CellKind::Percent => 3,
            CellKind::Date => 4,
            CellKind::Decimal => 5,
        };
        if bold { &self.bold[i] } else { &self.plain[i] }
    }
}

pub fn render(doc: &Document) -> Result<Vec<u8>, RenderError> {
    let fmt = Formats::new();
    let tables: Vec<&Table> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .collect();
    // Excel compares sheet names case-insensitively; catch a clash here with a clear error.
    let mut seen = BTreeSet::from([SUMMARY.to_lowercase()]);
    for t in &tables {
        if !seen.insert(t.sheet.to_lowercase()) {
            return Err(RenderError::DuplicateSheet(t.sheet.clone()));
        }
    }
    let mut charts: BTreeMap<&str, Vec<&Chart>> = BTreeMap::new();
    for block in &doc.blocks {
        if let Block::Chart(c) = block {
            let table = chart_source::table(doc, c)?;
            charts.entry(table.sheet.as_str()).or_default().push(c);
        }
    }

    let mut wb = Workbook::new();
    summary(wb.add_worksheet(), doc, &fmt)?;
    for t in tables {
        let ws = wb.add_worksheet();
        table_sheet(ws, doc, t, &fmt)?;
        for (i, c) in charts
            .get(t.sheet.as_str())
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(chart) = excel_chart(c, t) {
                let col = u16::try_from(t.columns.len() + 1).unwrap_or(u16::MAX - 10);
                ws.insert_chart(1 + CHART_ROWS * i as u32, col, &chart)?;
            }
        }
    }
    Ok(wb.save_to_buffer()?)
}

fn page_setup(ws: &mut Worksheet, doc: &Document) {
    ws.set_paper_size(A4);
    if doc.orientation == Orientation::Landscape {
        ws.set_landscape();
    }
}

fn summary(ws: &mut Worksheet, doc: &Document, fmt: &Formats) -> Result<(), XlsxError> {
    ws.set_name(SUMMARY)?;
    page_setup(ws, doc);
    ws.set_column_width(0, 36)?;
    ws.set_column_width(1, 24)?;
    let mut row = 0;
    ws.write_string_with_format(row, 0, &doc.title, &fmt.title)?;
    row += 1;
    for sub in &doc.subtitle {
        ws.write_string(row, 0, sub)?;
        row += 1;
    }
    ws.write_string_with_format(
        row,
        0,
        format!("Dibuat {}", format_wib(doc.generated_at)),
        &fmt.muted,
    )?;
    row += 2;

    let mut listed_tables = false;
    for block in &doc.blocks {
        match block {
            Block::Heading(s) => {
                ws.write_string_with_format(row, 0, s, &fmt.strong)?;
                row += 1;
            }
            Block::Paragraph(s) => {
                ws.write_string(row, 0, s)?;
                row += 1;
            }
            Block::Facts { title, facts, .. } => {
                if let Some(t) = title {
                    ws.write_string_with_format(row, 0, t, &fmt.strong)?;
                    row += 1;
                }
                for fact in facts {
                    ws.write_string(row, 0, &fact.label)?;
                    write_cell(ws, row, 1, &fact.value, fmt, false)?;
                    row += 1;
                }
                row += 1;
            }
            Block::Table(t) => {
                if !listed_tables {
                    ws.write_string_with_format(row, 0, "Lembar", &fmt.strong)?;
                    row += 1;
                    listed_tables = true;
                }
                ws.write_string(row, 0, &t.sheet)?;
                ws.write_string(row, 1, &t.title)?;
                row += 1;
            }
            // Charts sit beside their table; signatures belong to paper only.
            Block::Chart(_) | Block::Signatures(_) => {}
        }
    }
    if !doc.footnotes.is_empty() {
        row += 1;
        ws.write_string_with_format(row, 0, "Catatan", &fmt.strong)?;
        row += 1;
        for note in &doc.footnotes {
            ws.write_string_with_format(row, 0, note, &fmt.muted)?;
            row += 1;
        }
    }
    Ok(())
}

fn table_sheet(
    ws: &mut Worksheet,
    doc: &Document,
    t: &Table,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name(&t.sheet)?;
    page_setup(ws, doc);
    ws.set_repeat_rows(0, 0)?;
    for (c, column) in t.columns.iter().enumerate() {
        let c = col(c);
        ws.set_column_width(c, f64::from(column.width.max(4.0)))?;
        ws.write_string_with_format(0, c, &column.header, &fmt.header)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let last_col = col(t.columns.len().saturating_sub(1));
    let mut row: u32 = 1;
    if t.rows.is_empty() {
        ws.write_string_with_format(row, 0, &t.empty_text, &fmt.muted)?;
        row += 1;
    }
    for cells in &t.rows {
        write_row(ws, row, t, cells, fmt, false)?;
        row += 1;
    }
    // The filter covers the header and the data, not the totals, so sorting never moves a
    // total in among the rows it sums.
    ws.autofilter(0, 0, row - 1, last_col)?;
    for cells in &t.totals {
        write_row(ws, row, t, cells, fmt, true)?;
        row += 1;
    }
    Ok(())
}

fn write_row(
    ws: &mut Worksheet,
    row: u32,
    t: &Table,
    cells: &[Cell],
    fmt: &Formats,
    bold: bool,
) -> Result<(), XlsxError> {
    for (c, cell) in cells.iter().enumerate().take(t.columns.len()) {
        write_cell(ws, row, col(c), cell, fmt, bold)?;
    }
    Ok(())
}

/// A cell as what it is: numbers as numbers, dates as dates, each with its format.
fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    c: u16,
    cell: &Cell,
    fmt: &Formats,
    bold: bool,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty if bold => {
            ws.write_blank(row, c, fmt.of(CellKind::Text, true))?;
        }
        Cell::Empty => {}
        Cell::Text(s) => {
            ws.write_string_with_format(row, c, s, fmt.of(CellKind::Text, bold))?;
        }
        Cell::Int(v) => {
            ws.write_number_with_format(row, c, *v as f64, fmt.of(CellKind::Int, bold))?;
        }
        Cell::Rupiah(v) => {
            ws.write_number_with_format(row, c, *v as f64, fmt.of(CellKind::Rupiah, bold))?;
        }
        Cell::Percent(f) | Cell::Decimal(f) if !f.is_finite() => {
            // Excel has no NaN; an empty cell is what a division by zero should look like.
            ws.write_blank(row, c, fmt.of(CellKind::Text, bold))?;
        }
        Cell::Percent(f) => {
            ws.write_number_with_format(row, c, *f, fmt.of(CellKind::Percent, bold))?;
        }
        Cell::Decimal(f) => {
            ws.write_number_with_format(row, c, *f, fmt.of(CellKind::Decimal, bold))?;
        }
        Cell::Date(d) => {
            ws.write_date_with_format(row, c, d, fmt.of(CellKind::Date, bold))?;
        }
    }
    Ok(())
}

/// Column index as Excel's type; a table never approaches 16 384 columns, and a wider one
/// would be refused by rust_xlsxwriter itself at the clamped index.
fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// A native chart over the table's data rows (not its totals): a column chart for the bar
/// series, combined with a line chart for the line series. None for a table with no rows.
fn excel_chart(c: &Chart, t: &Table) -> Option<XlChart> {
    if t.rows.is_empty() {
        return None;
    }
    let last = u32::try_from(t.rows.len()).unwrap_or(u32::MAX);
    let cat = col(c.category_column);
    let has = |kind: SeriesKind| c.series.iter().any(|s| s.kind == kind);
    // As in the PDF: lines beside bars of another kind get their own (right) axis.
    let kind_of = |kind: SeriesKind| {
        c.series
            .iter()
            .find(|s| s.kind == kind)
            .and_then(|s| t.columns.get(s.column))
            .map(|col| col.kind)
    };
    let mixed = has(SeriesKind::Bar)
        && has(SeriesKind::Line)
        && kind_of(SeriesKind::Bar) != kind_of(SeriesKind::Line);
    let add = |chart: &mut XlChart, kind: SeriesKind| {
        for s in c.series.iter().filter(|s| s.kind == kind) {
            let v = col(s.column);
            chart
                .add_series()
                .set_secondary_axis(mixed && kind == SeriesKind::Line)
                .set_name((t.sheet.as_str(), 0, v))
                .set_categories((t.sheet.as_str(), 1, cat, last, cat))
                .set_values((t.sheet.as_str(), 1, v, last, v));
        }
    };
    let mut chart = if has(SeriesKind::Bar) {
        let mut bars = XlChart::new(ChartType::Column);
        add(&mut bars, SeriesKind::Bar);
        if has(SeriesKind::Line) {
            let mut lines = XlChart::new(ChartType::Line);
            add(&mut lines, SeriesKind::Line);
            bars.combine(&lines);
        }
        bars
    } else {
        let mut lines = XlChart::new(ChartType::Line);
        add(&mut lines, SeriesKind::Line);
        lines
    };
    chart.title().set_name(&c.title);
    let kind = c
        .series
        .first()
        .and_then(|s| t.columns.get(s.column))
        .map(|col| col.kind);
    if let Some(kind) = kind {
        let num = match kind {
            CellKind::Rupiah => r#""Rp" #,##0"#,
            CellKind::Percent => "0%",
            CellKind::Decimal => "0.0",
            _ => "#,##0",
        };
        chart.y_axis().set_num_format(num);
    }
    // Date categories are serial numbers to Excel; without a format the axis shows 46265.
    if t.columns
        .get(c.category_column)
        .is_some_and(|col| col.kind == CellKind::Date)
    {
        chart.x_axis().set_num_format("dd/mm");
    }
    chart.set_width(640).set_height(300);
    Some(chart)
}
