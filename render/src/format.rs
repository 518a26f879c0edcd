//! Indonesian text for a cell as the PDF prints it: `Rp 1.250.000`, `14.750`, `25,3 %`, `2,5`,
//! `30 Nov 2026`. Rupiah and dates reuse `domain`'s formatters so the screen, the PDF and the
//! WhatsApp texts agree; the Excel side writes numbers and leaves the text to Excel's formats.

use domain::clock::format_date_id;
use domain::money::format_rupiah;
use domain::report::doc::{Cell, CellKind};

/// The text a cell prints as.
pub fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => s.clone(),
        Cell::Int(v) => int(*v),
        Cell::Rupiah(v) => format_rupiah(*v),
        Cell::Percent(f) => percent(*f),
        Cell::Date(d) => format_date_id(*d),
        Cell::Decimal(f) => decimal(*f),
    }
}

/// `14.750`, `-3`: whole numbers with the Indonesian thousands dot.
pub fn int(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    format!("{sign}{}", group(v.unsigned_abs()))
}

/// 0.253 → `25,3 %`: a fraction shown as percent with one decimal.
pub fn percent(fraction: f64) -> String {
    format!("{} %", decimal(fraction * 100.0))
}

/// `2,5`, `1.234,5`: one decimal, comma as the decimal mark.
pub fn decimal(v: f64) -> String {
    if !v.is_finite() {
        // A division by zero upstream; a dash reads better than `NaN` on paper.
        return "-".to_owned();
    }
    // Round once to tenths so `-0,04` prints as `0,0`, not `-0,0`.
    let tenths = (v * 10.0).round();
    let sign = if tenths < 0.0 { "-" } else { "" };
    let tenths = tenths.abs() as u64;
    format!("{sign}{},{}", group(tenths / 10), tenths % 10)
}

/// A short axis label for a value of a column: `1,5 jt`, `250 rb`, `2 M` for Rupiah and counts
/// (the full figure is in the table next to the chart), `25 %` for percents.
pub fn axis_label(v: f64, kind: CellKind) -> String {
    match kind {
        CellKind::Percent => format!("{} %", trim_zero(&decimal(v * 100.0))),
        _ => {
            let a = v.abs();
            let (scaled, unit) = if a >= 1e9 {
                (v / 1e9, " M")
            } else if a >= 1e6 {
                (v / 1e6, " jt")
            } else if a >= 1e3 {
                (v / 1e3, " rb")
            } else {
                (v, "")
            };
            format!("{}{unit}", trim_zero(&decimal(scaled)))
        }
    }
}

/// `2,0` → `2`: axis ticks on round steps need no decimal.
fn trim_zero(s: &str) -> String {
    s.strip_suffix(",0").unwrap_or(s).to_owned()
}

/// Digits of `n` grouped by three with dots.
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn rupiah_as_finance_reads_it() {
        assert_eq!(cell_text(&Cell::Rupiah(1_250_000)), "Rp 1.250.000");
        assert_eq!(cell_text(&Cell::Rupiah(-5_000)), "-Rp 5.000");
        assert_eq!(cell_text(&Cell::Rupiah(0)), "Rp 0");
        assert_eq!(cell_text(&Cell::Rupiah(999)), "Rp 999");
    }

    #[test]
    fn counts_have_thousands_dots() {
        assert_eq!(cell_text(&Cell::Int(14_750)), "14.750");
        assert_eq!(cell_text(&Cell::Int(0)), "0");
        assert_eq!(cell_text(&Cell::Int(-1_000_000)), "-1.000.000");
        assert_eq!(cell_text(&Cell::Int(100)), "100");
    }

    #[test]
    fn percents_and_decimals_use_a_comma() {
        assert_eq!(cell_text(&Cell::Percent(0.253)), "25,3 %");
        assert_eq!(cell_text(&Cell::Percent(1.0)), "100,0 %");
        assert_eq!(cell_text(&Cell::Percent(-0.0004)), "0,0 %");
        assert_eq!(cell_text(&Cell::Percent(-0.125)), "-12,5 %");
        assert_eq!(cell_text(&Cell::Decimal(2.5)), "2,5");
        assert_eq!(cell_text(&Cell::Decimal(1234.56)), "1.234,6");
        assert_eq!(cell_text(&Cell::Decimal(f64::NAN)), "-");
    }

    #[test]
    fn dates_and_text() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 30).expect("date");
        assert_eq!(cell_text(&Cell::Date(d)), "30 Nov 2026");
        assert_eq!(
            cell_text(&Cell::text("Kopi Susu Gula Aren")),
            "Kopi Susu Gula Aren"
        );
        assert_eq!(cell_text(&Cell::Empty), "");
    }

    #[test]
    fn axis_labels_are_short() {
        assert_eq!(axis_label(1_500_000.0, CellKind::Rupiah), "1,5 jt");
        assert_eq!(axis_label(250_000.0, CellKind::Rupiah), "250 rb");
        assert_eq!(axis_label(2e9, CellKind::Int), "2 M");
        assert_eq!(axis_label(0.0, CellKind::Int), "0");
        assert_eq!(axis_label(0.25, CellKind::Percent), "25 %");
    }
}
