//! Someone's own words inside an official message: a reject reason typed by a stokis or by
//! finance goes out from the company's WhatsApp number, so it is reduced to one plain,
//! quoted, bounded line that cannot pose as the company's text (no formatting, no extra lines,
//! no quote it can close early).

/// The longest quoted excerpt, its quotes included. A template puts it after a label of at
/// most 30 characters (`Alasan dari stokis: `), so the line stays within 200 characters.
pub const MAX_QUOTE_CHARS: usize = 170;

/// `text` as a safe quoted excerpt, `"…"`: lines joined with a space, whitespace runs collapsed,
/// WhatsApp markup (`*`, `_`, `~`, backtick, a `>` opening a line) and invisible or
/// direction-changing characters removed, double quotes turned into single ones so the quote
/// cannot be closed from inside, and cut with `…` to [`MAX_QUOTE_CHARS`]. `None` when nothing
/// readable is left, so a template can leave the line out.
pub fn quoted_excerpt(text: &str) -> Option<String> {
    let mut flat = String::with_capacity(text.len().min(1024));
    for line in text.lines() {
        let line = line.trim_start().trim_start_matches(['>', ' ', '\t']);
        for c in line.chars() {
            match c {
                '*' | '_' | '~' | '`' => {}
                '"' | '“' | '”' | '„' => flat.push('\''),
                c if c.is_whitespace() || c.is_control() => flat.push(' '),
                c if is_invisible(c) => {}
                c => flat.push(c),
            }
        }
        flat.push(' ');
    }
    let words: Vec<&str> = flat.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    let joined = words.join(" ");
    let room = MAX_QUOTE_CHARS - 2;
    let inner = if joined.chars().count() <= room {
        joined
    } else {
        let cut: String = joined.chars().take(room - 1).collect();
        format!("{}…", cut.trim_end())
    };
    Some(format!("\"{inner}\""))
}

/// Characters that show nothing or reorder what follows (zero-width, bidi overrides, BOM):
/// they could make the quoted words read differently from what was stored.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_reason_is_quoted_as_typed() {
        assert_eq!(
            quoted_excerpt("stok habis").as_deref(),
            Some("\"stok habis\"")
        );
    }

    #[test]
    fn lines_become_one_and_markup_is_gone() {
        let got = quoted_excerpt("*PENTING*\n> transfer ke _rekening_ ~baru~\n\n`BCA 123`\r\nok")
            .unwrap();
        assert_eq!(got, "\"PENTING transfer ke rekening baru BCA 123 ok\"");
    }

    #[test]
    fn a_quote_inside_cannot_close_the_quote() {
        let got = quoted_excerpt("habis\". Resmi: \"bayar ke sini").unwrap();
        assert_eq!(got, "\"habis'. Resmi: 'bayar ke sini\"");
        assert_eq!(got.matches('"').count(), 2);
    }

    #[test]
    fn invisible_and_direction_characters_are_removed() {
        let got = quoted_excerpt("ab\u{200B}c \u{202E}dcba\u{202C} \u{FEFF}x\u{7}y").unwrap();
        assert_eq!(got, "\"abc dcba x y\"");
    }

    #[test]
    fn a_long_reason_is_cut_to_the_limit_with_an_ellipsis() {
        let long = "kata ".repeat(400);
        let got = quoted_excerpt(&long).unwrap();
        assert_eq!(got.chars().count(), MAX_QUOTE_CHARS);
        assert!(got.ends_with("…\""), "{got}");
        assert!(!got.contains('\n'));
    }

    #[test]
    fn nothing_readable_gives_none() {
        assert_eq!(quoted_excerpt(""), None);
        assert_eq!(quoted_excerpt(" \n> **\n__ ~~ ``"), None);
    }

    /// The longest excerpt, put in each template that quotes someone, keeps its line within
    /// 200 characters and the message free of the sender's markup.
    #[test]
    fn the_quoting_templates_keep_the_line_within_200_characters() {
        let reason =
            quoted_excerpt(&format!("*{}*\nhttps://bayar.example/x", "a".repeat(900))).unwrap();
        let values = serde_json::json!({
            "recipient_name": "Toko Bu Sari",
            "order_number": "ORD-261128-000042",
            "po_number": "PO-261128-000007",
            "stokis_name": "Stokis Sumber Rejeki",
            "reason": reason,
        });
        for (name, label) in [
            ("order_rejected.txt", "Alasan dari stokis: \""),
            ("po_rejected.txt", "Alasan dari Finance: \""),
        ] {
            let text = crate::notify::render(name, &values).unwrap();
            let line = text
                .lines()
                .find(|l| l.starts_with(label))
                .unwrap_or_else(|| panic!("{name}: {text}"));
            assert!(
                line.chars().count() <= 200,
                "{name}: {}",
                line.chars().count()
            );
            assert!(!text.contains('*'), "{name}: {text}");
            assert!(
                !text.contains("https://bayar"),
                "{name}: the cut drops the link here: {text}"
            );
        }
        let without = serde_json::json!({"recipient_name": "X", "order_number": "O", "po_number": "P", "stokis_name": "S", "reason": null});
        assert!(
            !crate::notify::render("order_rejected.txt", &without)
                .unwrap()
                .contains("Alasan")
        );
    }
}
