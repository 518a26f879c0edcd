//! Master data kept by head office (PUSAT): products and prices, stokis (credit limit, payment
//! terms), mitra (which stokis serves them) and user accounts. Each change is checked field by
//! field before anything is written, and runs on the caller's transaction.

pub mod mitra;
pub mod products;
pub mod stokis;
pub mod users;

use crate::actor::Actor;
use crate::error::{DomainError, FieldErrors};
use crate::money::Money;
use crate::phone::Phone;
use crate::role::Role;

/// Only head office edits master data; the web tier checks the role too, this is the backstop.
pub(crate) fn require_pusat(actor: &Actor) -> Result<(), DomainError> {
    if actor.role == Role::Pusat {
        Ok(())
    } else {
        Err(DomainError::Forbidden(
            "hanya Pusat yang bisa mengubah data master".into(),
        ))
    }
}

/// A page of a master-data list.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: u32,
    pub per_page: u32,
}

impl Paging {
    pub(crate) fn limit(self) -> i64 {
        i64::from(self.per_page.clamp(1, 100))
    }

    pub(crate) fn offset(self) -> i64 {
        i64::from(self.page.max(1) - 1) * self.limit()
    }
}

/// Trims `value` and checks its length (in characters) and that it has no control characters.
pub(crate) fn text(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    required: bool,
    max: usize,
) -> String {
    let value = value.trim();
    if required && value.is_empty() {
        errors.insert(field.into(), "wajib diisi".into());
    } else if value.chars().count() > max {
        errors.insert(field.into(), format!("maksimal {max} karakter"));
    } else if value.chars().any(char::is_control) {
        errors.insert(field.into(), "berisi karakter yang tidak diizinkan".into());
    }
    value.to_owned()
}

/// An upper-case code such as a SKU or `STK001`: letters, digits and dashes, as the schema
/// requires (`^[A-Z0-9-]{min,max}$`). Lower-case input is accepted and upper-cased.
pub(crate) fn code(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    min: usize,
    max: usize,
) -> String {
    let value = value.trim().to_ascii_uppercase();
    if value.is_empty() {
        errors.insert(field.into(), "wajib diisi".into());
    } else if !value
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
    {
        errors.insert(
            field.into(),
            "hanya huruf, angka dan tanda hubung (-)".into(),
        );
    } else if value.len() < min || value.len() > max {
        errors.insert(field.into(), format!("panjang {min}–{max} karakter"));
    }
    value
}

/// The largest price or credit limit head office may set: Rp 1.000.000.000.000. Far above any
/// real one, it keeps a typo (or a pasted account number) from becoming a limit that lets a
/// stokis order without bound, or a total that overflows when multiplied by quantities.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;

/// A Rupiah amount typed by a person (`1.250.000`, `Rp 1.250.000`); never negative, at most
/// [`MAX_AMOUNT`].
pub(crate) fn rupiah(errors: &mut FieldErrors, field: &str, value: &str) -> i64 {
    match value.parse::<Money>() {
        Ok(m) if m.rupiah() > MAX_AMOUNT => {
            errors.insert(field.into(), "maksimal Rp 1.000.000.000.000".into());
            m.rupiah()
        }
        Ok(m) => m.rupiah(),
        Err(e) => {
            errors.insert(field.into(), e.to_string());
            0
        }
    }
}

/// A whole number in `min..=max`, typed by a person.
pub(crate) fn whole(errors: &mut FieldErrors, field: &str, value: &str, min: i64, max: i64) -> i64 {
    let value = value.trim();
    if value.is_empty() {
        errors.insert(field.into(), "wajib diisi".into());
        return 0;
    }
    match value.parse::<i64>() {
        Ok(n) if n < min => {
            let message = if min == 0 {
                "tidak boleh negatif".to_owned()
            } else {
                format!("minimal {min}")
            };
            errors.insert(field.into(), message);
            n
        }
        Ok(n) if n > max => {
            errors.insert(field.into(), format!("maksimal {max}"));
            n
        }
        Ok(n) => n,
        Err(_) => {
            errors.insert(field.into(), "harus berupa angka bulat".into());
            0
        }
    }
}

/// An optional mobile number, normalised (`6281234567890`), or `None` when left blank.
pub(crate) fn optional_phone(errors: &mut FieldErrors, field: &str, value: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match Phone::parse(value) {
        Ok(p) => Some(p.into_string()),
        Err(e) => {
            errors.insert(field.into(), e.to_string());
            None
        }
    }
}

/// Turns collected field errors into the result.
pub(crate) fn finish(errors: FieldErrors) -> Result<(), DomainError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Validation(errors))
    }
}

/// A unique-constraint violation on `constraint`, to be shown on a field instead of as an error.
pub(crate) fn is_unique_violation(e: &sqlx::Error, constraint: &str) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            db.code().as_deref() == Some("23505") && db.constraint() == Some(constraint)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_below_zero_and_garbage_are_refused_on_their_field() {
        let mut e = FieldErrors::new();
        assert_eq!(rupiah(&mut e, "price", "Rp 1.250.000"), 1_250_000);
        assert!(e.is_empty());
        rupiah(&mut e, "price", "-5000");
        assert_eq!(e["price"], "jumlah tidak boleh negatif");
        let mut e = FieldErrors::new();
        rupiah(&mut e, "price", "abc");
        assert!(e.contains_key("price"));
        let mut e = FieldErrors::new();
        assert_eq!(rupiah(&mut e, "price", "Rp 1.000.000.000.000"), MAX_AMOUNT);
        assert!(e.is_empty(), "{e:?}");
        rupiah(&mut e, "price", "1.000.000.000.001");
        assert_eq!(e["price"], "maksimal Rp 1.000.000.000.000");
    }

    #[test]
    fn whole_numbers_have_bounds() {
        let mut e = FieldErrors::new();
        assert_eq!(whole(&mut e, "terms", "14", 0, 365), 14);
        assert!(e.is_empty());
        whole(&mut e, "terms", "-1", 0, 365);
        assert_eq!(e["terms"], "tidak boleh negatif");
        let mut e = FieldErrors::new();
        whole(&mut e, "terms", "400", 0, 365);
        assert_eq!(e["terms"], "maksimal 365");
        let mut e = FieldErrors::new();
        whole(&mut e, "terms", "1,5", 0, 365);
        assert!(e.contains_key("terms"));
    }

    #[test]
    fn codes_are_upper_cased_and_checked() {
        let mut e = FieldErrors::new();
        assert_eq!(code(&mut e, "sku", " aym-002 ", 2, 30), "AYM-002");
        assert!(e.is_empty());
        code(&mut e, "sku", "AYM 002", 2, 30);
        assert!(e.contains_key("sku"));
    }
}
