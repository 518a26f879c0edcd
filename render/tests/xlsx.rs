//! Reads the sample's workbook back with calamine: sheets, header, every value as a number or
//! a date equal to the document's, the total row, the empty table's text, the chart's part.

mod sample;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::{Duration, NaiveDate};
use domain::report::doc::Cell;

fn workbook(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("xlsx opens")
}

/// The date an Excel serial stands for (1900 system: day 0 is 1899-12-30).
fn date_of(data: &Data) -> NaiveDate {
    match data {
        Data::DateTime(dt) => {
            let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("epoch");
            epoch + Duration::days(dt.as_f64().floor() as i64)
        }
        other => panic!("expected a date cell, got {other:?}"),
    }
}

fn number(data: &Data) -> f64 {
    match data {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("expected a number cell, got {other:?}"),
    }
}

/// The cell at (row, col) compared with what the document says it holds.
fn assert_cell(data: Option<&Data>, cell: &Cell, at: (usize, usize)) {
    let data = data.unwrap_or(&Data::Empty);
    match cell {
        Cell::Empty => assert_eq!(data, &Data::Empty, "{at:?}"),
        Cell::Text(s) => assert_eq!(data, &Data::String(s.clone()), "{at:?}"),
        Cell::Int(v) | Cell::Rupiah(v) => assert_eq!(number(data), *v as f64, "{at:?}"),
        Cell::Percent(f) | Cell::Decimal(f) => assert!((number(data) - f).abs() < 1e-12, "{at:?}"),
        Cell::Date(d) => assert_eq!(date_of(data), *d, "{at:?}"),
    }
}

#[test]
fn workbook_carries_the_documents_figures() {
    let doc = sample::document();
    let bytes = render::xlsx(&doc).expect("xlsx renders");
    // To look at the sample: RENDER_SAMPLE_XLSX=/tmp/sample.xlsx cargo test -p render --test xlsx
    if let Some(path) = std::env::var_os("RENDER_SAMPLE_XLSX") {
        std::fs::write(path, &bytes).expect("write the sample workbook");
    }
    let mut wb = workbook(&bytes);
    assert_eq!(
        wb.sheet_names(),
        vec!["Ringkasan", "Penjualan Harian", "Retur"]
    );

    let table = sample::sales_table(&doc);
    let range = wb.worksheet_range("Penjualan Harian").expect("sales sheet");
    let header: Vec<Data> = table
        .columns
        .iter()
        .map(|c| Data::String(c.header.clone()))
        .collect();
    assert_eq!(range.rows().next().expect("header row"), header.as_slice());
    assert_eq!(table.rows.len(), sample::ROWS);
    for (r, row) in table.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            assert_cell(range.get_value((r as u32 + 1, c as u32)), cell, (r + 1, c));
        }
    }
    // Spot checks that do not go through the document's own cells.
    assert_eq!(
        number(range.get_value((1, 3)).expect("first sales")),
        1_250_000.0
    );
    assert_eq!(
        number(range.get_value((8, 3)).expect("negative sales")),
        -5_000.0
    );
    assert_eq!(
        date_of(range.get_value((1, 0)).expect("first date")),
        sample::first_day()
    );

    let total_row = sample::ROWS as u32 + 1;
    for (c, cell) in table.totals[0].iter().enumerate() {
        assert_cell(
            range.get_value((total_row, c as u32)),
            cell,
            (total_row as usize, c),
        );
    }
    let expected_total: i64 = (0..sample::ROWS).map(sample::sales).sum();
    assert_eq!(
        number(range.get_value((total_row, 3)).expect("total")),
        expected_total as f64
    );
    // A literal value, not a formula whose cached result viewers show as 0.
    let formulas = wb.worksheet_formula("Penjualan Harian").expect("formulas");
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no formulas"
    );

    let retur = wb.worksheet_range("Retur").expect("retur sheet");
    assert_eq!(
        retur.get_value((0, 2)),
        Some(&Data::String("Nilai".to_owned()))
    );
    assert_eq!(
        retur.get_value((1, 0)),
        Some(&Data::String(sample::EMPTY.to_owned()))
    );

    let summary = wb.worksheet_range("Ringkasan").expect("summary sheet");
    assert_eq!(
        summary.get_value((0, 0)),
        Some(&Data::String(doc.title.clone()))
    );
    let cells: Vec<&Data> = summary.used_cells().map(|(_, _, d)| d).collect();
    assert!(cells.contains(&&Data::String("Dibuat 30 Nov 2026 09:15 WIB".to_owned())));
    let fact_row = summary
        .rows()
        .find(|r| r.first() == Some(&Data::String("Total penjualan".to_owned())))
        .expect("total fact");
    assert_eq!(number(&fact_row[1]), expected_total as f64);
    assert!(cells.contains(&&Data::String(doc.footnotes[0].clone())));

    // Parts calamine cannot read: the chart exists, the header is frozen and filtered. Zip
    // stores member names uncompressed, so their presence shows in the bytes.
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(has(b"xl/charts/chart1.xml"), "chart part");
    assert!(!has(b"xl/charts/chart2.xml"), "one chart only");
}

#[test]
fn a_chart_over_a_missing_table_is_an_error() {
    let mut doc = sample::document();
    for block in &mut doc.blocks {
        if let domain::report::doc::Block::Chart(c) = block {
            c.table_sheet = "Tidak ada".to_owned();
        }
    }
    assert!(matches!(
        render::xlsx(&doc),
        Err(render::RenderError::ChartTable { .. })
    ));
    assert!(matches!(
        render::pdf(&doc),
        Err(render::RenderError::ChartTable { .. })
    ));
}

#[test]
fn cells_carry_number_formats_and_bold_where_the_document_says() {
    let doc = sample::document();
    let bytes = render::xlsx(&doc).expect("xlsx renders");
    let mut wb = workbook(&bytes);
    let styles = wb.worksheet_style("Penjualan Harian").expect("styles");
    let code = |pos: (u32, u32)| {
        styles
            .get(pos)
            .and_then(|s| s.number_format.as_ref())
            .map(|f| f.format_code.clone())
            .unwrap_or_default()
    };
    let bold = |pos: (u32, u32)| {
        styles
            .get(pos)
            .and_then(|s| s.font.as_ref())
            .is_some_and(|f| f.weight == calamine::FontWeight::Bold)
    };
    assert_eq!(code((1, 0)), "dd/mm/yyyy");
    assert_eq!(code((1, 2)), "#,##0");
    assert!(
        code((1, 3)).starts_with(r#""Rp" #,##0"#),
        "{}",
        code((1, 3))
    );
    assert_eq!(code((1, 4)), "0.0%");
    let total_row = sample::ROWS as u32 + 1;
    assert!(code((total_row, 3)).starts_with(r#""Rp" #,##0"#));
    for c in 0..5 {
        assert!(bold((0, c)), "header cell {c} bold");
        assert!(bold((total_row, c)), "total cell {c} bold");
        assert!(!bold((1, c)), "data cell {c} not bold");
    }
}
