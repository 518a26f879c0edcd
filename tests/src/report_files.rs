//! Reading rendered reports back as a user's tools would: a workbook's sheets through calamine
//! (cells typed as Excel stores them), a PDF's text through poppler's `pdftotext` and its page
//! count through `pdfinfo`, and a workbook opened and re-saved by LibreOffice (`soffice
//! --headless --convert-to csv`), the spreadsheet finance would otherwise open it in.

use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;
use std::path::PathBuf;
use std::process::Command;

/// The sheet names of a workbook, in order.
pub fn sheet_names(bytes: &[u8]) -> Vec<String> {
    let book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec()))
        .expect("the file is a workbook calamine can open");
    book.sheet_names().to_vec()
}

/// Every row of sheet `name`, from the sheet's first used cell.
pub fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec()))
        .expect("the file is a workbook calamine can open");
    let range = book
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("no sheet {name:?}: {e}"));
    range.rows().map(<[Data]>::to_vec).collect()
}

/// The rows of `sheet` from its header row (the first row whose first cell is `first_header`).
pub fn table(bytes: &[u8], name: &str, first_header: &str) -> Vec<Vec<Data>> {
    let rows = sheet(bytes, name);
    let start = rows
        .iter()
        .position(|r| matches!(r.first(), Some(Data::String(s)) if s == first_header))
        .unwrap_or_else(|| panic!("no header {first_header:?} on sheet {name:?}: {rows:?}"));
    rows[start..].to_vec()
}

/// A numeric cell as a whole number; panics (naming the cell) on text, so "numbers stored as
/// text" fail the test.
#[track_caller]
pub fn int(cell: &Data) -> i64 {
    match cell {
        Data::Int(n) => *n,
        Data::Float(f) if f.fract() == 0.0 => *f as i64,
        other => panic!("not a whole number cell: {other:?}"),
    }
}

fn scratch(bytes: &[u8], ext: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "dfresto-report-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let file = dir.join(format!("report.{ext}"));
    std::fs::write(&file, bytes).expect("write the report");
    (dir, file)
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// The PDF's text as `pdftotext -layout` reads it, pages separated by form feeds.
pub fn pdf_text(bytes: &[u8]) -> String {
    let (dir, file) = scratch(bytes, "pdf");
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext runs (poppler-utils; make test installs it)");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "pdftotext refused the file: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 text")
}

/// `Pages:` from `pdfinfo`.
pub fn pdf_pages(bytes: &[u8]) -> usize {
    let (dir, file) = scratch(bytes, "pdf");
    let out = Command::new("pdfinfo")
        .arg(&file)
        .output()
        .expect("pdfinfo runs (poppler-utils)");
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "pdfinfo refused the file: {text}");
    text.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in {text}"))
}

/// Every sheet of the workbook as LibreOffice Calc saves it to CSV (the values it shows), by
/// sheet name. LibreOffice is installed by `make test`; a machine without it fails here.
pub fn libreoffice_csv(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    let (dir, file) = scratch(bytes, "xlsx");
    let profile = dir.join("profile");
    // Filter options: comma, double quote, UTF-8, from row 1, …, and sheet -1: every sheet to
    // its own `report-<Sheet>.csv`.
    let out = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
        ])
        .arg(&dir)
        .arg(&file)
        .output()
        .expect("LibreOffice runs (libreoffice-calc-nogui; make test installs it)");
    let mut sheets = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("scratch dir").flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if let Some(sheet) = name
            .strip_prefix("report-")
            .and_then(|n| n.strip_suffix(".csv"))
        {
            let text = std::fs::read_to_string(entry.path()).expect("read the CSV");
            sheets.insert(sheet.to_owned(), text);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        !sheets.is_empty(),
        "LibreOffice could not open the workbook: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    sheets
}

/// A date cell (an Excel serial with a date format) as its calendar date; panics on text, so
/// "dates stored as text" fail the test.
#[track_caller]
pub fn date(cell: &Data) -> chrono::NaiveDate {
    let serial = match cell {
        Data::DateTime(d) => d.as_f64(),
        other => panic!("not a date cell: {other:?}"),
    };
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).expect("Excel's day zero");
    epoch + chrono::Duration::days(serial.floor() as i64)
}

/// A text cell's text (empty for an empty cell).
#[track_caller]
pub fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("not a text cell: {other:?}"),
    }
}

/// A percent cell (a fraction: 0.25 is 25 %).
#[track_caller]
pub fn fraction(cell: &Data) -> f64 {
    match cell {
        Data::Float(f) => *f,
        Data::Int(n) => *n as f64,
        other => panic!("not a number cell: {other:?}"),
    }
}
