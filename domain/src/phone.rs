//! Indonesian mobile numbers: parsing what people type into the one normalised form WhatsApp uses.
//!
//! The stored form is `62` followed by the national number without its trunk `0`, e.g.
//! `6281234567890`: the form a WhatsApp JID takes, and what the database CHECK
//! (`^62[0-9]{8,13}$`) accepts. Only mobile numbers (national part starting with `8`) are
//! accepted, because the number is only ever used to reach someone on WhatsApp.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// National-number length (after `62`, without the trunk `0`) of Indonesian mobiles:
/// 0811-234-567 (9) up to 0812-3456-78901 (12).
const NATIONAL_MIN: usize = 9;
const NATIONAL_MAX: usize = 12;

/// A valid Indonesian mobile number in normalised form (`6281234567890`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Phone(String);

/// Why a typed phone number was refused. The text is shown to the user as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("nomor HP wajib diisi")]
    Empty,
    #[error("nomor HP tidak valid: karakter {0:?} tidak diperbolehkan")]
    InvalidCharacter(char),
    #[error("nomor HP tidak valid: hanya nomor Indonesia (+62) yang didukung")]
    NotIndonesian,
    #[error("nomor HP tidak valid: awali dengan 0 atau +62, contoh 0812-3456-7890")]
    MissingPrefix,
    #[error("nomor HP tidak valid: harus nomor seluler (diawali 08 atau +62 8)")]
    NotMobile,
    #[error("nomor HP tidak valid: terlalu pendek")]
    TooShort,
    #[error("nomor HP tidak valid: terlalu panjang")]
    TooLong,
}

impl Phone {
    /// Accepts `0812-3456-7890`, `+62 812 3456 7890`, `6281234567890`, `(0812) 3456 7890`,
    /// `+62 (0)812…`; separators may be spaces, dashes, dots and parentheses.
    ///
    /// A bare `812…` is refused with [`PhoneError::MissingPrefix`] instead of being guessed into
    /// `62812…`: Indonesians write mobiles with `0` or `+62`, so a bare `8…` is most often a
    /// truncated paste or a number typed into the wrong field, and a wrong guess would send
    /// invoices and order details on WhatsApp to a stranger. The message tells the user the fix.
    pub fn parse(input: &str) -> Result<Phone, PhoneError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(PhoneError::Empty);
        }
        let (plus, body) = match s.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let mut digits = String::with_capacity(body.len());
        for c in body.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' => {}
                other => return Err(PhoneError::InvalidCharacter(other)),
            }
        }
        if digits.is_empty() {
            return Err(PhoneError::Empty);
        }

        let national = if let Some(rest) = digits.strip_prefix("62") {
            // "+62 (0)812…" and "62 0812…" carry the trunk 0 by habit; it is not part of the number.
            rest.strip_prefix('0').unwrap_or(rest)
        } else if plus {
            return Err(PhoneError::NotIndonesian);
        } else if let Some(rest) = digits.strip_prefix('0') {
            rest
        } else if digits.starts_with('8') {
            return Err(PhoneError::MissingPrefix);
        } else {
            return Err(PhoneError::NotIndonesian);
        };

        if national.is_empty() {
            return Err(PhoneError::TooShort);
        }
        if !national.starts_with('8') {
            return Err(PhoneError::NotMobile);
        }
        if national.len() < NATIONAL_MIN {
            return Err(PhoneError::TooShort);
        }
        if national.len() > NATIONAL_MAX {
            return Err(PhoneError::TooLong);
        }
        Ok(Phone(format!("62{national}")))
    }

    /// The normalised digits, `6281234567890` (also the WhatsApp JID user part).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// The national number without the trunk 0: `81234567890`.
    pub fn national(&self) -> &str {
        &self.0[2..]
    }

    /// How Indonesians write it at home: `081234567890`.
    pub fn local(&self) -> String {
        format!("0{}", self.national())
    }

    /// For people to read: `+62 812-3456-7890`, `+62 811-234-567`, `+62 812-3456-78901`.
    pub fn pretty(&self) -> String {
        let national = self.national();
        let (operator, subscriber) = national.split_at(3);
        let first = if subscriber.len() <= 6 { 3 } else { 4 };
        let (a, b) = subscriber.split_at(first);
        format!("+62 {operator}-{a}-{b}")
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl AsRef<str> for Phone {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for Phone {
    type Err = PhoneError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Phone::parse(s)
    }
}

impl TryFrom<String> for Phone {
    type Error = PhoneError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Phone::parse(&s)
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

impl Serialize for Phone {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Deserialises through [`Phone::parse`], so a JSON body can never smuggle in an invalid number.
impl<'de> Deserialize<'de> for Phone {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Phone::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        match Phone::parse(s) {
            Ok(p) => p.as_str().to_owned(),
            Err(e) => panic!("{s:?} should parse, got {e}"),
        }
    }

    #[test]
    fn accepts_common_ways_of_writing_a_mobile() {
        for s in [
            "081234567890",
            "0812-3456-7890",
            "0812 3456 7890",
            "0812.3456.7890",
            "(0812) 3456 7890",
            "(0812) 3456-7890",
            "+62 812 3456 7890",
            "+62 812-3456-7890",
            "+6281234567890",
            "+62-812-3456-7890",
            "6281234567890",
            "62 812 3456 7890",
            "+62 (0)812 3456 7890",
            "620812-3456-7890",
            "  0812-3456-7890  ",
        ] {
            assert_eq!(ok(s), "6281234567890", "input {s:?}");
        }
    }

    #[test]
    fn accepts_the_shortest_and_longest_mobiles() {
        assert_eq!(ok("0811-234-567"), "62811234567");
        assert_eq!(ok("0812-3456-78901"), "62812345678901");
        assert_eq!(ok("0857 1234 567"), "628571234567");
    }

    #[test]
    fn normalised_form_matches_the_database_check() {
        // ^62[0-9]{8,13}$
        for s in ["0811-234-567", "081234567890", "0812-3456-78901"] {
            let p = ok(s);
            assert!(p.starts_with("62"));
            assert!(p.bytes().all(|b| b.is_ascii_digit()));
            assert!((10..=15).contains(&p.len()), "{p}");
        }
    }

    #[test]
    fn bare_national_number_is_refused_with_a_hint() {
        assert_eq!(Phone::parse("81234567890"), Err(PhoneError::MissingPrefix));
        assert_eq!(
            Phone::parse("812-3456-7890"),
            Err(PhoneError::MissingPrefix)
        );
        let msg = PhoneError::MissingPrefix.to_string();
        assert!(msg.starts_with("nomor HP tidak valid: "), "{msg}");
        assert!(msg.contains("0812-3456-7890"), "{msg}");
    }

    #[test]
    fn empty_input_is_refused() {
        assert_eq!(Phone::parse(""), Err(PhoneError::Empty));
        assert_eq!(Phone::parse("   "), Err(PhoneError::Empty));
        assert_eq!(Phone::parse("+"), Err(PhoneError::Empty));
        assert_eq!(Phone::parse("( ) - ."), Err(PhoneError::Empty));
        assert_eq!(PhoneError::Empty.to_string(), "nomor HP wajib diisi");
    }

    #[test]
    fn letters_and_other_symbols_are_refused() {
        assert_eq!(
            Phone::parse("0812-3456-789O"),
            Err(PhoneError::InvalidCharacter('O'))
        );
        assert_eq!(
            Phone::parse("0812/3456/7890"),
            Err(PhoneError::InvalidCharacter('/'))
        );
        assert_eq!(
            Phone::parse("0812+3456"),
            Err(PhoneError::InvalidCharacter('+'))
        );
        assert_eq!(
            Phone::parse("++6281234567890"),
            Err(PhoneError::InvalidCharacter('+'))
        );
        assert_eq!(
            Phone::parse("0812-3456-7890 ext 1"),
            Err(PhoneError::InvalidCharacter('e'))
        );
    }

    #[test]
    fn foreign_numbers_are_refused() {
        assert_eq!(
            Phone::parse("+1 415 555 0100"),
            Err(PhoneError::NotIndonesian)
        );
        assert_eq!(
            Phone::parse("+65 8123 4567"),
            Err(PhoneError::NotIndonesian)
        );
        assert_eq!(Phone::parse("12345678"), Err(PhoneError::NotIndonesian));
    }

    #[test]
    fn landlines_are_refused() {
        // Jakarta landline (021) and a landline written with +62.
        assert_eq!(Phone::parse("021-5550123"), Err(PhoneError::NotMobile));
        assert_eq!(Phone::parse("+62 21 5550123"), Err(PhoneError::NotMobile));
        assert_eq!(Phone::parse("0062812345678"), Err(PhoneError::NotMobile));
    }

    #[test]
    fn wrong_lengths_are_refused() {
        assert_eq!(Phone::parse("0812-345-67"), Err(PhoneError::TooShort));
        assert_eq!(Phone::parse("+62 812"), Err(PhoneError::TooShort));
        assert_eq!(Phone::parse("0"), Err(PhoneError::TooShort));
        assert_eq!(Phone::parse("+62"), Err(PhoneError::TooShort));
        assert_eq!(Phone::parse("0812-3456-789012"), Err(PhoneError::TooLong));
        assert_eq!(
            Phone::parse("+62 812 3456 7890 1234"),
            Err(PhoneError::TooLong)
        );
    }

    #[test]
    fn error_messages_speak_bahasa_indonesia() {
        for e in [
            PhoneError::InvalidCharacter('x'),
            PhoneError::NotIndonesian,
            PhoneError::MissingPrefix,
            PhoneError::NotMobile,
            PhoneError::TooShort,
            PhoneError::TooLong,
        ] {
            assert!(e.to_string().starts_with("nomor HP tidak valid: "), "{e}");
        }
        assert_eq!(
            PhoneError::InvalidCharacter('x').to_string(),
            "nomor HP tidak valid: karakter 'x' tidak diperbolehkan"
        );
    }

    #[test]
    fn accessors_and_display() {
        let p = Phone::parse("0812-3456-7890").expect("valid");
        assert_eq!(p.as_str(), "6281234567890");
        assert_eq!(p.to_string(), "6281234567890");
        assert_eq!(p.national(), "81234567890");
        assert_eq!(p.local(), "081234567890");
        assert_eq!(p.as_ref(), "6281234567890");
        assert_eq!(String::from(p.clone()), "6281234567890");
        assert_eq!(p.into_string(), "6281234567890");
    }

    #[test]
    fn pretty_groups_digits_for_people() {
        let pretty = |s: &str| Phone::parse(s).expect("valid").pretty();
        assert_eq!(pretty("081234567890"), "+62 812-3456-7890");
        assert_eq!(pretty("0811234567"), "+62 811-234-567");
        assert_eq!(pretty("08123456789"), "+62 812-3456-789");
        assert_eq!(pretty("0812345678901"), "+62 812-3456-78901");
    }

    #[test]
    fn pretty_parses_back_to_the_same_number() {
        for s in ["0811234567", "08123456789", "081234567890", "0812345678901"] {
            let p = Phone::parse(s).expect("valid");
            assert_eq!(Phone::parse(&p.pretty()), Ok(p.clone()));
            assert_eq!(Phone::parse(&p.local()), Ok(p.clone()));
            assert_eq!(Phone::parse(p.as_str()), Ok(p));
        }
    }

    #[test]
    fn from_str_and_try_from() {
        let a: Phone = "0812-3456-7890".parse().expect("valid");
        let b = Phone::try_from("+62 812 3456 7890".to_owned()).expect("valid");
        assert_eq!(a, b);
        assert!("abc".parse::<Phone>().is_err());
    }

    #[test]
    fn serde_uses_the_normalised_string_and_validates() {
        let p = Phone::parse("0812-3456-7890").expect("valid");
        assert_eq!(
            serde_json::to_string(&p).ok().as_deref(),
            Some("\"6281234567890\"")
        );
        let back: Phone = serde_json::from_str("\"0812 3456 7890\"").expect("valid");
        assert_eq!(back, p);
        let err = serde_json::from_str::<Phone>("\"12345\"").expect_err("invalid");
        assert!(err.to_string().contains("nomor HP tidak valid"), "{err}");
        assert!(serde_json::from_str::<Phone>("6281234567890").is_err());
    }
}
