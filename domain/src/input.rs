//! Validation of the input shared by orders and purchase orders: lines, notes, reasons.
//! Checked before anything is read or written, with messages for the field that is wrong.

use crate::error::{DomainError, FieldErrors};
use serde::Deserialize;
use std::collections::BTreeSet;

/// At most this many lines in one order or PO: a real order has tens, not thousands.
pub const MAX_LINES: usize = 200;
/// At most this many units of one product on one line.
pub const MAX_QTY: i64 = 100_000;
pub const MAX_NOTE_CHARS: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Line {
    pub product_id: i64,
    pub qty: i64,
}

/// Checks lines and note; on success returns the note trimmed.
pub fn check_lines_and_note(lines: &[Line], note: &str) -> Result<String, DomainError> {
    let mut errors = FieldErrors::new();
    if lines.is_empty() {
        errors.insert("items".into(), "pilih minimal satu produk".into());
    } else if lines.len() > MAX_LINES {
        errors.insert(
            "items".into(),
            format!(
                "maksimal {MAX_LINES} baris per pesanan, diterima {}",
                lines.len()
            ),
        );
    } else {
        let mut seen = BTreeSet::new();
        for (i, line) in lines.iter().enumerate() {
            if line.qty <= 0 {
                errors.insert(
                    format!("items[{i}].qty"),
                    "jumlah harus lebih dari 0".into(),
                );
            } else if line.qty > MAX_QTY {
                errors.insert(
                    format!("items[{i}].qty"),
                    format!("jumlah maksimal {MAX_QTY} per produk"),
                );
            }
            if !seen.insert(line.product_id) {
                errors.insert(
                    format!("items[{i}].product_id"),
                    "produk yang sama muncul dua kali; gabungkan jumlahnya".into(),
                );
            }
        }
    }
    let note = check_text("note", note, MAX_NOTE_CHARS, false, &mut errors);
    if errors.is_empty() {
        Ok(note)
    } else {
        Err(DomainError::Validation(errors))
    }
}

/// A mandatory reason (rejection, credit override).
pub fn check_reason(field: &str, reason: Option<&str>) -> Result<String, DomainError> {
    let mut errors = FieldErrors::new();
    let reason = check_text(
        field,
        reason.unwrap_or(""),
        MAX_NOTE_CHARS,
        true,
        &mut errors,
    );
    if errors.is_empty() {
        Ok(reason)
    } else {
        Err(DomainError::Validation(errors))
    }
}

fn check_text(
    field: &str,
    text: &str,
    max: usize,
    required: bool,
    errors: &mut FieldErrors,
) -> String {
    let text = text.trim();
    if required && text.is_empty() {
        errors.insert(field.into(), "wajib diisi".into());
    } else if text.chars().count() > max {
        errors.insert(field.into(), format!("maksimal {max} karakter"));
    } else if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.insert(field.into(), "berisi karakter yang tidak diizinkan".into());
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(product_id: i64, qty: i64) -> Line {
        Line { product_id, qty }
    }

    fn fields(err: DomainError) -> Vec<String> {
        match err {
            DomainError::Validation(f) => f.into_keys().collect(),
            other => panic!("expected validation error, got {other:?}"),
        }
    }

    #[test]
    fn accepts_a_normal_order() {
        assert_eq!(
            check_lines_and_note(&[line(1, 2), line(2, 5)], "  antar pagi ").unwrap(),
            "antar pagi"
        );
    }

    #[test]
    fn rejects_bad_quantities_on_their_line() {
        let err = check_lines_and_note(
            &[line(1, 0), line(2, -3), line(3, MAX_QTY + 1), line(4, 1)],
            "",
        )
        .unwrap_err();
        assert_eq!(
            fields(err),
            vec!["items[0].qty", "items[1].qty", "items[2].qty"]
        );
    }

    #[test]
    fn rejects_empty_huge_and_duplicate_orders() {
        assert_eq!(
            fields(check_lines_and_note(&[], "").unwrap_err()),
            vec!["items"]
        );
        let many: Vec<Line> = (0..10_000).map(|i| line(i, 1)).collect();
        assert_eq!(
            fields(check_lines_and_note(&many, "").unwrap_err()),
            vec!["items"]
        );
        assert_eq!(
            fields(check_lines_and_note(&[line(1, 1), line(1, 2)], "").unwrap_err()),
            vec!["items[1].product_id"]
        );
    }

    #[test]
    fn rejects_overlong_notes_and_missing_reasons() {
        let long = "x".repeat(MAX_NOTE_CHARS + 1);
        assert_eq!(
            fields(check_lines_and_note(&[line(1, 1)], &long).unwrap_err()),
            vec!["note"]
        );
        assert_eq!(
            fields(check_reason("reason", Some("   ")).unwrap_err()),
            vec!["reason"]
        );
        assert_eq!(
            fields(check_reason("reason", None).unwrap_err()),
            vec!["reason"]
        );
        assert_eq!(
            check_reason("reason", Some(" stok habis ")).unwrap(),
            "stok habis"
        );
    }
}
