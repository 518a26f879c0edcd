//! One cell read as what its column holds: a code, a name, a whole Rupiah amount, an Indonesian
//! mobile number, yes/no, a whole number, a date. Each refusal is a Bahasa message for the
//! row's error list; typed cells (numbers, dates) are taken as what they are.

use chrono::NaiveDate;

use super::sheet::Cell;
use crate::money::Money;
use crate::phone::Phone;

pub type Read<T> = Result<T, String>;

/// Trimmed text, at most `max` characters, no control characters.
pub fn text(cell: &Cell, required: bool, max: usize) -> Read<String> {
    let value = plain(cell)?;
    if required && value.is_empty() {
        return Err("wajib diisi".into());
    }
    if value.chars().count() > max {
        return Err(format!("maksimal {max} karakter"));
    }
    if value.chars().any(char::is_control) {
        return Err("berisi karakter yang tidak diizinkan".into());
    }
    Ok(value)
}

fn plain(cell: &Cell) -> Read<String> {
    match cell {
        Cell::Invalid(e) => Err(format!("sel berisi galat rumus {e}")),
        other => Ok(other.display()),
    }
}

/// An upper-case code (`AYM-001`, `STK001`), as the schema allows.
pub fn code(cell: &Cell, min: usize, max: usize) -> Read<String> {
    let value = plain(cell)?.to_ascii_uppercase();
    if value.is_empty() {
        return Err("wajib diisi".into());
    }
    if !value
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err("hanya huruf, angka dan tanda hubung (-)".into());
    }
    if value.len() < min || value.len() > max {
        return Err(format!("panjang {min}–{max} karakter"));
    }
    Ok(value)
}

use crate::master::MAX_AMOUNT;

const NOT_WHOLE_RUPIAH: &str = "bukan jumlah Rupiah bulat (tanpa sen), contoh 48000 atau Rp 48.000";

/// A whole Rupiah amount, never negative and at most [`MAX_AMOUNT`] (as on the forms): a
/// number cell, or text such as `Rp 48.000`.
pub fn rupiah(cell: &Cell) -> Read<i64> {
    match any_rupiah(cell)? {
        n if n > MAX_AMOUNT => Err("maksimal Rp 1.000.000.000.000".into()),
        n => Ok(n),
    }
}

fn any_rupiah(cell: &Cell) -> Read<i64> {
    match cell {
        Cell::Empty => Err("wajib diisi".into()),
        Cell::Int(n) if *n < 0 => Err("jumlah tidak boleh negatif".into()),
        Cell::Int(n) => Ok(*n),
        Cell::Float(f) if *f < 0.0 => Err("jumlah tidak boleh negatif".into()),
        Cell::Float(f) if f.fract() == 0.0 && *f < 1e15 => Ok(*f as i64),
        Cell::Float(_) => Err(NOT_WHOLE_RUPIAH.into()),
        Cell::Text(s) if s.trim().is_empty() => Err("wajib diisi".into()),
        Cell::Text(s) => s
            .parse::<Money>()
            .map(Money::rupiah)
            .map_err(|e| match e.to_string() {
                m if m.contains("negatif") => m,
                _ => NOT_WHOLE_RUPIAH.to_owned(),
            }),
        Cell::Invalid(e) => Err(format!("sel berisi galat rumus {e}")),
        Cell::Bool(_) | Cell::Date(_) => Err(NOT_WHOLE_RUPIAH.into()),
    }
}

/// An optional Indonesian mobile number, normalised (`6281234567890`); blank is `None`.
pub fn phone(cell: &Cell) -> Read<Option<String>> {
    let typed = match cell {
        // A number cell lost its leading 0 to the spreadsheet (0812… became 812…): that 0 was
        // the user's, not a guess, so it is put back. Text cells keep Phone's own rule.
        Cell::Int(n) if n.to_string().starts_with('8') => format!("0{n}"),
        Cell::Float(f) if f.fract() == 0.0 && format!("{}", *f as i64).starts_with('8') => {
            format!("0{}", *f as i64)
        }
        other => plain(other)?,
    };
    if typed.trim().is_empty() {
        return Ok(None);
    }
    Phone::parse(&typed)
        .map(|p| Some(p.into_string()))
        .map_err(|e| e.to_string())
}

/// Yes or no: `Ya`/`Tidak`, `Aktif`/`Nonaktif`, `yes`/`no`, `true`/`false`, `1`/`0`, a
/// checkbox; blank is `default`.
pub fn flag(cell: &Cell, default: bool) -> Read<bool> {
    match cell {
        Cell::Bool(b) => Ok(*b),
        Cell::Int(1) => Ok(true),
        Cell::Int(0) => Ok(false),
        Cell::Empty => Ok(default),
        other => match super::header::normalise(&plain(other)?).as_str() {
            "" => Ok(default),
            "ya" | "y" | "yes" | "true" | "1" | "aktif" | "active" => Ok(true),
            "tidak" | "t" | "no" | "n" | "false" | "0" | "nonaktif" | "inactive" | "tidakaktif" => {
                Ok(false)
            }
            _ => Err("isi Ya atau Tidak".into()),
        },
    }
}

/// A whole number in `min..=max`; blank is `default`.
pub fn whole(cell: &Cell, min: i64, max: i64, default: i64) -> Read<i64> {
    let n = match cell {
        Cell::Empty => return Ok(default),
        Cell::Int(n) => *n,
        Cell::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => *f as i64,
        Cell::Text(s) if s.trim().is_empty() => return Ok(default),
        Cell::Text(s) => s
            .trim()
            .parse::<i64>()
            .map_err(|_| "harus berupa angka bulat".to_owned())?,
        Cell::Invalid(e) => return Err(format!("sel berisi galat rumus {e}")),
        _ => return Err("harus berupa angka bulat".into()),
    };
    if n < min {
        return Err(if min == 0 {
            "tidak boleh negatif".into()
        } else {
            format!("minimal {min}")
        });
    }
    if n > max {
        return Err(format!("maksimal {max}"));
    }
    Ok(n)
}

/// A date: a date cell, an Excel day number, or text `31/12/2026`, `31-12-2026`, `31/12/26`,
/// `2026-12-31` (day first, as Indonesian banks write it).
pub fn date(cell: &Cell) -> Read<NaiveDate> {
    match cell {
        Cell::Date(d) => Ok(*d),
        Cell::Int(n) => super::sheet::excel_serial_date(*n as f64).ok_or_else(bad_date),
        Cell::Float(f) => super::sheet::excel_serial_date(f.floor()).ok_or_else(bad_date),
        Cell::Empty => Err("wajib diisi".into()),
        Cell::Text(s) if s.trim().is_empty() => Err("wajib diisi".into()),
        Cell::Text(s) => {
            // "31/12/2026 10:15:00": the time of day does not matter for a booking date.
            let t = s.split_whitespace().next().unwrap_or_default();
            [
                "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y", "%d-%m-%y",
            ]
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
            .ok_or_else(bad_date)
        }
        Cell::Invalid(e) => Err(format!("sel berisi galat rumus {e}")),
        Cell::Bool(_) => Err(bad_date()),
    }
}

fn bad_date() -> String {
    "bukan tanggal, contoh 31/12/2026".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_must_be_whole_rupiah() {
        assert_eq!(rupiah(&Cell::Float(48000.0)), Ok(48000));
        assert_eq!(rupiah(&Cell::Text("Rp 48.000".into())), Ok(48000));
        assert_eq!(rupiah(&Cell::Float(48000.5)), Err(NOT_WHOLE_RUPIAH.into()));
        assert_eq!(
            rupiah(&Cell::Text("48.000,50".into())),
            Err(NOT_WHOLE_RUPIAH.into())
        );
        assert_eq!(
            rupiah(&Cell::Int(-1)),
            Err("jumlah tidak boleh negatif".into())
        );
        // The forms' bound holds in a spreadsheet too: a pasted account number is no price.
        assert_eq!(rupiah(&Cell::Int(MAX_AMOUNT)), Ok(MAX_AMOUNT));
        assert_eq!(
            rupiah(&Cell::Int(MAX_AMOUNT + 1)),
            Err("maksimal Rp 1.000.000.000.000".into())
        );
        assert_eq!(
            rupiah(&Cell::Text("Rp 1.000.000.000.001".into())),
            Err("maksimal Rp 1.000.000.000.000".into())
        );
    }

    #[test]
    fn phones_from_number_cells_get_their_zero_back() {
        assert_eq!(
            phone(&Cell::Int(81234567890)),
            Ok(Some("6281234567890".into()))
        );
        assert_eq!(phone(&Cell::Empty), Ok(None));
        assert!(phone(&Cell::Text("+1 555 123 4567".into())).is_err());
    }

    #[test]
    fn dates_as_cells_serials_and_text() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(date(&Cell::Text("01/12/2026".into())), Ok(d));
        assert_eq!(date(&Cell::Text("2026-12-01 08:00".into())), Ok(d));
        assert_eq!(date(&Cell::Float(46_357.0)), Ok(d));
        assert!(date(&Cell::Text("kemarin".into())).is_err());
    }
}
