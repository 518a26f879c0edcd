//! Money: whole Rupiah as `i64`, its Indonesian display (`Rp 1.250.000`) and parsing of typed amounts.
//!
//! Rupiah has no cents in practice, so every amount is a whole number of Rupiah, stored in
//! `BIGINT`. Arithmetic is checked: an overflow is a bug or an attack, never a silent wrap, which
//! is also why there is no `std::iter::Sum` (use [`Money::checked_sum`]).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An amount of whole Rupiah. May be negative (e.g. a balance in a report); user input may not.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    sqlx::Type,
)]
#[serde(transparent)]
#[sqlx(transparent)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn new(rupiah: i64) -> Money {
        Money(rupiah)
    }

    pub const fn rupiah(self) -> i64 {
        self.0
    }

    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub const fn checked_add(self, other: Money) -> Option<Money> {
        match self.0.checked_add(other.0) {
            Some(v) => Some(Money(v)),
            None => None,
        }
    }

    pub const fn checked_sub(self, other: Money) -> Option<Money> {
        match self.0.checked_sub(other.0) {
            Some(v) => Some(Money(v)),
            None => None,
        }
    }

    /// Unit price × quantity, e.g. an order line's subtotal; `None` on overflow.
    pub const fn checked_mul_qty(self, qty: i64) -> Option<Money> {
        match self.0.checked_mul(qty) {
            Some(v) => Some(Money(v)),
            None => None,
        }
    }

    /// The sum of all amounts, or `None` as soon as it overflows.
    pub fn checked_sum<I>(iter: I) -> Option<Money>
    where
        I: IntoIterator<Item = Money>,
    {
        iter.into_iter()
            .try_fold(Money::ZERO, |acc, m| acc.checked_add(m))
    }
}

impl From<Money> for i64 {
    fn from(m: Money) -> i64 {
        m.0
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format_rupiah(self.0))
    }
}

/// `Rp 1.250.000`, `Rp 0`, `-Rp 5.000`: the text finance and stokis expect on screen and paper.
/// A plain function too, so templates and reports can format a bare `i64`.
pub fn format_rupiah(v: i64) -> String {
    // unsigned_abs so that i64::MIN has a magnitude to print instead of overflowing on negation.
    let digits = v.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 4);
    if v < 0 {
        out.push('-');
    }
    out.push_str("Rp ");
    let lead = match digits.len() % 3 {
        0 => 3,
        n => n,
    };
    out.push_str(&digits[..lead]);
    let mut rest = &digits[lead..];
    while !rest.is_empty() {
        out.push('.');
        out.push_str(&rest[..3]);
        rest = &rest[3..];
    }
    out
}

/// Why a typed amount is not a valid whole-Rupiah amount. The text is shown to the user as is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyParseError {
    #[error("jumlah wajib diisi")]
    Empty,
    #[error("jumlah tidak boleh negatif")]
    Negative,
    /// A decimal part such as `1.250,50`: Rupiah amounts have no cents here.
    #[error("jumlah harus angka Rupiah bulat, tanpa sen (contoh: 1.250.000)")]
    Fraction,
    /// Dots that are not thousands separators, such as `12.50` or `1.25.000`.
    #[error("pemisah ribuan tidak tepat: gunakan titik setiap 3 angka (contoh: 1.250.000)")]
    Grouping,
    #[error("jumlah harus angka Rupiah bulat (contoh: 1.250.000)")]
    Invalid,
    #[error("jumlah terlalu besar")]
    TooLarge,
}

/// Parses what people type: `1250000`, `1.250.000`, `Rp 1.250.000`, `Rp1.250.000`, `Rp. 1.250.000`.
///
/// Dots must be proper thousands separators: `12.50` is refused rather than read as 1.250,
/// because a user who typed it may have meant twelve and a half. A comma starts a decimal part
/// (Indonesian style) and is refused, except the customary whole-amount endings `,-` and `,00`
/// (`Rp 1.250.000,-`), which say "no cents" and change nothing.
impl FromStr for Money {
    type Err = MoneyParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut t = s.trim();
        if t.is_empty() {
            return Err(MoneyParseError::Empty);
        }
        let mut negative = false;
        if let Some(rest) = t.strip_prefix('-') {
            negative = true;
            t = rest.trim_start();
        }
        if let Some(rest) = strip_prefix_ignore_case(t, "rp") {
            t = rest.strip_prefix('.').unwrap_or(rest).trim_start();
        }
        if let Some(rest) = t.strip_prefix('-') {
            negative = true;
            t = rest.trim_start();
        }
        if let Some((whole, fraction)) = t.split_once(',') {
            if fraction == "-" || fraction == "00" {
                t = whole;
            } else if !fraction.is_empty() && fraction.chars().all(|c| c.is_ascii_digit()) {
                return Err(MoneyParseError::Fraction);
            } else {
                return Err(MoneyParseError::Invalid);
            }
        }
        if t.is_empty() {
            return Err(MoneyParseError::Invalid);
        }
        if !t.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return Err(MoneyParseError::Invalid);
        }
        if t.contains('.') {
            let mut groups = t.split('.');
            let first = groups.next().unwrap_or_default();
            let first_ok = (1..=3).contains(&first.len()) && !first.starts_with('0');
            if !first_ok || !groups.all(|g| g.len() == 3) {
                return Err(MoneyParseError::Grouping);
            }
        }
        let mut value: i64 = 0;
        for b in t.bytes().filter(u8::is_ascii_digit) {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(i64::from(b - b'0')))
                .ok_or(MoneyParseError::TooLarge)?;
        }
        // Checked after the digits so "-0" is zero, and "-abc" says what is wrong with it first.
        if negative && value != 0 {
            return Err(MoneyParseError::Negative);
        }
        Ok(Money(value))
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_uses_indonesian_thousands_dots() {
        assert_eq!(Money::new(1_250_000).to_string(), "Rp 1.250.000");
        assert_eq!(Money::new(0).to_string(), "Rp 0");
        assert_eq!(Money::ZERO.to_string(), "Rp 0");
        assert_eq!(Money::new(7).to_string(), "Rp 7");
        assert_eq!(Money::new(999).to_string(), "Rp 999");
        assert_eq!(Money::new(1_000).to_string(), "Rp 1.000");
        assert_eq!(Money::new(12_500).to_string(), "Rp 12.500");
        assert_eq!(Money::new(100_000).to_string(), "Rp 100.000");
        assert_eq!(Money::new(1_000_000_000).to_string(), "Rp 1.000.000.000");
    }

    #[test]
    fn display_negative_puts_sign_before_rp() {
        assert_eq!(Money::new(-5_000).to_string(), "-Rp 5.000");
        assert_eq!(Money::new(-1).to_string(), "-Rp 1");
        assert_eq!(Money::new(-1_250_000).to_string(), "-Rp 1.250.000");
    }

    #[test]
    fn display_extremes_do_not_panic() {
        assert_eq!(
            Money::new(i64::MIN).to_string(),
            "-Rp 9.223.372.036.854.775.808"
        );
        assert_eq!(
            Money::new(i64::MAX).to_string(),
            "Rp 9.223.372.036.854.775.807"
        );
    }

    #[test]
    fn format_rupiah_matches_display() {
        for v in [0, 1, -1, 999, 1_000, -5_000, 1_250_000, i64::MIN, i64::MAX] {
            assert_eq!(format_rupiah(v), Money::new(v).to_string());
        }
    }

    #[test]
    fn display_honours_width_for_tables() {
        assert_eq!(format!("{:>12}", Money::new(5_000)), "    Rp 5.000");
    }

    #[test]
    fn accessors_and_predicates() {
        let m = Money::new(42);
        assert_eq!(m.rupiah(), 42);
        assert_eq!(i64::from(m), 42);
        assert!(m.is_positive() && !m.is_negative() && !m.is_zero());
        assert!(Money::ZERO.is_zero());
        assert!(Money::new(-1).is_negative());
        assert_eq!(Money::default(), Money::ZERO);
        assert!(Money::new(1) < Money::new(2));
    }

    #[test]
    fn checked_arithmetic() {
        assert_eq!(
            Money::new(1_000).checked_add(Money::new(250)),
            Some(Money::new(1_250))
        );
        assert_eq!(
            Money::new(1_000).checked_sub(Money::new(1_250)),
            Some(Money::new(-250))
        );
        assert_eq!(Money::new(i64::MAX).checked_add(Money::new(1)), None);
        assert_eq!(Money::new(i64::MIN).checked_sub(Money::new(1)), None);
    }

    #[test]
    fn checked_mul_qty_gives_line_subtotal_or_none() {
        assert_eq!(
            Money::new(12_500).checked_mul_qty(4),
            Some(Money::new(50_000))
        );
        assert_eq!(Money::new(12_500).checked_mul_qty(0), Some(Money::ZERO));
        assert_eq!(Money::new(i64::MAX).checked_mul_qty(2), None);
        assert_eq!(
            Money::new(4_000_000_000).checked_mul_qty(4_000_000_000),
            None
        );
    }

    #[test]
    fn checked_sum_adds_or_reports_overflow() {
        let lines = [Money::new(50_000), Money::new(25_000), Money::new(1_500)];
        assert_eq!(Money::checked_sum(lines), Some(Money::new(76_500)));
        assert_eq!(
            Money::checked_sum(lines.iter().copied()),
            Some(Money::new(76_500))
        );
        assert_eq!(Money::checked_sum(Vec::new()), Some(Money::ZERO));
        assert_eq!(
            Money::checked_sum([Money::new(i64::MAX), Money::new(1)]),
            None
        );
    }

    #[test]
    fn serde_is_a_bare_number() {
        assert_eq!(
            serde_json::to_string(&Money::new(1_250_000))
                .ok()
                .as_deref(),
            Some("1250000")
        );
        let back: Money = serde_json::from_str("-5000").expect("number");
        assert_eq!(back, Money::new(-5_000));
    }

    fn parse(s: &str) -> Result<Money, MoneyParseError> {
        s.parse::<Money>()
    }

    #[test]
    fn parse_accepts_what_users_type() {
        let expected = Ok(Money::new(1_250_000));
        assert_eq!(parse("1250000"), expected);
        assert_eq!(parse("1.250.000"), expected);
        assert_eq!(parse("Rp 1.250.000"), expected);
        assert_eq!(parse("Rp1.250.000"), expected);
        assert_eq!(parse("Rp. 1.250.000"), expected);
        assert_eq!(parse("RP 1.250.000"), expected);
        assert_eq!(parse("rp1250000"), expected);
        assert_eq!(parse("  Rp 1.250.000 \n"), expected);
        assert_eq!(parse("Rp 1.250.000,-"), expected);
        assert_eq!(parse("1.250.000,00"), expected);
        assert_eq!(parse("0"), Ok(Money::ZERO));
        assert_eq!(parse("Rp 0"), Ok(Money::ZERO));
        assert_eq!(parse("500"), Ok(Money::new(500)));
        assert_eq!(parse("1.000"), Ok(Money::new(1_000)));
        assert_eq!(parse("12.500"), Ok(Money::new(12_500)));
    }

    #[test]
    fn parse_round_trips_display() {
        for v in [0, 1, 999, 1_000, 1_250_000, i64::MAX] {
            let m = Money::new(v);
            assert_eq!(parse(&m.to_string()), Ok(m));
        }
    }

    #[test]
    fn parse_rejects_empty() {
        assert_eq!(parse(""), Err(MoneyParseError::Empty));
        assert_eq!(parse("   "), Err(MoneyParseError::Empty));
        assert_eq!(parse("Rp"), Err(MoneyParseError::Invalid));
        assert_eq!(parse("Rp "), Err(MoneyParseError::Invalid));
    }

    #[test]
    fn parse_rejects_decimals() {
        assert_eq!(parse("1.250,50"), Err(MoneyParseError::Fraction));
        assert_eq!(parse("1250,5"), Err(MoneyParseError::Fraction));
        assert_eq!(parse("Rp 1.250.000,01"), Err(MoneyParseError::Fraction));
        assert_eq!(parse("1,250,000"), Err(MoneyParseError::Invalid));
        assert_eq!(parse("1250,"), Err(MoneyParseError::Invalid));
    }

    #[test]
    fn parse_rejects_dots_that_are_not_thousands() {
        assert_eq!(parse("12.50"), Err(MoneyParseError::Grouping));
        assert_eq!(parse("1.25.000"), Err(MoneyParseError::Grouping));
        assert_eq!(parse("1250.000.0"), Err(MoneyParseError::Grouping));
        assert_eq!(parse("1..250"), Err(MoneyParseError::Grouping));
        assert_eq!(parse(".250"), Err(MoneyParseError::Grouping));
        assert_eq!(parse("1.250."), Err(MoneyParseError::Grouping));
        assert_eq!(parse("0.500"), Err(MoneyParseError::Grouping));
    }

    #[test]
    fn parse_rejects_negatives() {
        assert_eq!(parse("-5000"), Err(MoneyParseError::Negative));
        assert_eq!(parse("-Rp 5.000"), Err(MoneyParseError::Negative));
        assert_eq!(parse("Rp -5.000"), Err(MoneyParseError::Negative));
        assert_eq!(parse("-0"), Ok(Money::ZERO));
    }

    #[test]
    fn parse_rejects_letters_and_other_signs() {
        for s in [
            "abc",
            "12a",
            "1 250 000",
            "+5000",
            "Rp 1.250.000 IDR",
            "IDR 5000",
            "1e6",
            "٣",
            "5000-",
        ] {
            assert_eq!(parse(s), Err(MoneyParseError::Invalid), "input {s:?}");
        }
    }

    #[test]
    fn parse_rejects_overflow() {
        assert_eq!(parse("9223372036854775807"), Ok(Money::new(i64::MAX)));
        assert_eq!(parse("9223372036854775808"), Err(MoneyParseError::TooLarge));
        assert_eq!(
            parse("Rp 99.999.999.999.999.999.999"),
            Err(MoneyParseError::TooLarge)
        );
    }

    #[test]
    fn parse_errors_speak_bahasa_indonesia() {
        assert_eq!(
            MoneyParseError::Invalid.to_string(),
            "jumlah harus angka Rupiah bulat (contoh: 1.250.000)"
        );
        assert!(
            MoneyParseError::Fraction
                .to_string()
                .starts_with("jumlah harus angka Rupiah bulat")
        );
        assert_eq!(MoneyParseError::Empty.to_string(), "jumlah wajib diisi");
        assert_eq!(
            MoneyParseError::Negative.to_string(),
            "jumlah tidak boleh negatif"
        );
        assert_eq!(
            MoneyParseError::TooLarge.to_string(),
            "jumlah terlalu besar"
        );
    }
}
