//! Reading an uploaded file into rows of cells: `.xlsx`, `.xls`, `.ods` through calamine (every
//! sheet, cached formula values), `.csv` through [`super::csv_text`]. What calamine cannot open
//! is answered with one Bahasa message for the `file` field; nothing else is looked at.

use std::io::Cursor;

use calamine::{Data, Reader, Sheets, open_workbook_auto_from_rs};
use chrono::NaiveDate;

use super::csv_text;
use crate::error::DomainError;

/// The most data rows one file may carry: a whole mitra list is ~3,000.
pub const MAX_ROWS: usize = 20_000;

/// One cell as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(NaiveDate),
    /// A formula error (`#REF!`, `#N/A`) or a value calamine cannot give.
    Invalid(String),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, the way a person reads it (`48000`, not `48000.0`).
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_owned(),
            Cell::Int(n) => n.to_string(),
            Cell::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Cell::Float(f) => f.to_string(),
            Cell::Bool(true) => "Ya".to_owned(),
            Cell::Bool(false) => "Tidak".to_owned(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Invalid(s) => s.clone(),
        }
    }
}

/// One sheet: its name and its rows (index 0 is the sheet's row 1).
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
}

fn unreadable() -> DomainError {
    DomainError::field(
        "file",
        "Berkas tidak bisa dibaca: unggah berkas .xlsx, .xls, .ods atau .csv yang tidak dikunci kata sandi",
    )
}

/// Every sheet of the file, with at least one non-empty cell among them.
pub fn read(file_name: &str, bytes: &[u8]) -> Result<Vec<Sheet>, DomainError> {
    if bytes.is_empty() {
        return Err(DomainError::field("file", "Berkas kosong"));
    }
    let lower = file_name.to_ascii_lowercase();
    let sheets = if lower.ends_with(".csv") || lower.ends_with(".txt") {
        vec![csv_sheet(bytes)?]
    } else {
        match open_workbook_auto_from_rs(Cursor::new(bytes)) {
            Ok(book) => workbook(book)?,
            // A CSV saved under another name is still a CSV; binary junk is not.
            Err(_) if looks_like_text(bytes) => vec![csv_sheet(bytes)?],
            Err(_) => return Err(unreadable()),
        }
    };
    let has_data = sheets
        .iter()
        .any(|s| s.rows.iter().any(|r| r.iter().any(|c| !c.is_empty())));
    if !has_data {
        return Err(DomainError::field(
            "file",
            "Lembar kerja kosong: tidak ada data",
        ));
    }
    Ok(sheets)
}

fn looks_like_text(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    // A character cut at the 4 KiB mark is still text.
    std::str::from_utf8(head).map_or_else(|e| e.error_len().is_none(), |_| true)
        && !head
            .iter()
            .any(|b| b.is_ascii_control() && !matches!(b, b'\t' | b'\r' | b'\n'))
}

fn csv_sheet(bytes: &[u8]) -> Result<Sheet, DomainError> {
    let text = String::from_utf8_lossy(bytes);
    let rows = csv_text::parse(&text);
    if rows.len() > MAX_ROWS + 50 {
        return Err(too_many_rows());
    }
    Ok(Sheet {
        name: "CSV".to_owned(),
        rows: rows
            .into_iter()
            .map(|r| r.into_iter().map(Cell::Text).collect())
            .collect(),
    })
}

fn too_many_rows() -> DomainError {
    DomainError::field(
        "file",
        format!("Berkas terlalu besar: maksimal {MAX_ROWS} baris data per impor"),
    )
}

fn workbook(mut book: Sheets<Cursor<&[u8]>>) -> Result<Vec<Sheet>, DomainError> {
    let names = book.sheet_names();
    let mut out = Vec::with_capacity(names.len());
    for (i, name) in names.into_iter().enumerate() {
        let Some(range) = book.worksheet_range_at(i) else {
            continue;
        };
        let range = range.map_err(|_| unreadable())?;
        let (start_row, start_col) = range.start().unwrap_or((0, 0));
        if range.height() > MAX_ROWS + 50 {
            return Err(too_many_rows());
        }
        // calamine's range starts at the first used cell; pad so row and column numbers are the
        // sheet's own (row 1 is index 0).
        let mut rows: Vec<Vec<Cell>> = vec![Vec::new(); start_row as usize];
        for r in range.rows() {
            let mut cells = vec![Cell::Empty; start_col as usize];
            cells.extend(r.iter().map(cell));
            rows.push(cells);
        }
        out.push(Sheet { name, rows });
    }
    Ok(out)
}

fn cell(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(n) => Cell::Int(*n),
        Data::Float(f) => Cell::Float(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => match excel_serial_date(dt.as_f64()) {
            Some(d) if dt.is_datetime() => Cell::Date(d),
            _ => Cell::Float(dt.as_f64()),
        },
        Data::DateTimeIso(s) => s
            .get(..10)
            .and_then(|p| NaiveDate::parse_from_str(p, "%Y-%m-%d").ok())
            .map_or_else(|| Cell::Text(s.clone()), Cell::Date),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Invalid(format!("{e}")),
    }
}

/// Excel's day count (1900 system: day 0 is 1899-12-30, which absorbs the 1900 leap-year bug).
pub fn excel_serial_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(serial as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_dates_are_excel_days() {
        assert_eq!(
            excel_serial_date(46_357.0),
            NaiveDate::from_ymd_opt(2026, 12, 1)
        );
        assert_eq!(excel_serial_date(-3.0), None);
    }

    #[test]
    fn junk_and_empty_files_are_refused_on_the_file_field() {
        for (name, bytes) in [
            ("a.xlsx", &b"\x00\x01\x02garbage"[..]),
            ("a.xlsx", &b""[..]),
            ("a.csv", &b" , ,\n"[..]),
        ] {
            let Err(DomainError::Validation(f)) = read(name, bytes) else {
                panic!("{name} should be refused");
            };
            assert!(f.contains_key("file"));
        }
    }

    #[test]
    fn whole_floats_read_as_whole_numbers() {
        assert_eq!(Cell::Float(48000.0).display(), "48000");
        assert_eq!(Cell::Float(48000.5).display(), "48000.5");
    }
}
