//! Test mode (`WHATSAPP_REDIRECT_TO`): every message goes to one tester's number instead of its
//! recipient, and says at the top who it was meant for, so a trial on a copy of real (or demo)
//! data never reaches a mitra. The worker's send path and the admin page share this one text.

use crate::phone::Phone;

/// WhatsApp's (and the `whatsapp_logs` CHECK's) limit, in characters.
const MAX_CHARS: usize = 4096;

/// The text the tester receives: a header naming the intended recipient, then the message.
/// Cut to WhatsApp's limit on a character boundary (the header makes a full-length text longer).
pub fn redirect_text(intended_phone: &Phone, intended_name: Option<&str>, text: &str) -> String {
    let who = match intended_name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => format!("{name} ({})", intended_phone.pretty()),
        None => intended_phone.pretty(),
    };
    let full = format!("[MODE UJI] Pesan ini untuk {who}\n\n{text}");
    if full.chars().count() <= MAX_CHARS {
        full
    } else {
        full.chars().take(MAX_CHARS).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone() -> Phone {
        Phone::parse("0812-3456-7890").expect("valid")
    }

    #[test]
    fn names_the_intended_recipient_above_the_text() {
        let out = redirect_text(
            &phone(),
            Some("Mitra Kemang"),
            "Halo Mitra Kemang,\nPesanan dikirim.",
        );
        assert_eq!(
            out,
            "[MODE UJI] Pesan ini untuk Mitra Kemang (+62 812-3456-7890)\n\nHalo Mitra Kemang,\nPesanan dikirim."
        );
    }

    #[test]
    fn without_a_name_shows_only_the_number() {
        let out = redirect_text(&phone(), Some("  "), "Tes");
        assert_eq!(out, "[MODE UJI] Pesan ini untuk +62 812-3456-7890\n\nTes");
        assert_eq!(redirect_text(&phone(), None, "Tes"), out);
    }

    #[test]
    fn stays_within_whatsapps_limit() {
        let long = "é".repeat(MAX_CHARS);
        let out = redirect_text(&phone(), Some("Budi"), &long);
        assert_eq!(out.chars().count(), MAX_CHARS);
        assert!(out.starts_with("[MODE UJI] Pesan ini untuk Budi"));
    }
}
