//! A small CSV reader for uploaded exports: quoted fields with doubled quotes and line breaks,
//! a UTF-8 byte-order mark, and the separator guessed from the first line (`,`, `;` — what
//! Excel writes in an Indonesian locale — or a tab).

/// The rows of `text`, each a list of fields as written (unquoted, not trimmed).
pub fn parse(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let sep = separator(text);
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
        } else if c == '"' && field.is_empty() {
            quoted = true;
        } else if c == sep {
            row.push(std::mem::take(&mut field));
        } else if c == '\n' || c == '\r' {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            row.push(std::mem::take(&mut field));
            rows.push(std::mem::take(&mut row));
        } else {
            field.push(c);
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// The separator that occurs most often, outside quotes, on the first line.
fn separator(text: &str) -> char {
    let mut counts = [(',', 0usize), (';', 0), ('\t', 0)];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            _ if !quoted => {
                for (sep, n) in &mut counts {
                    if c == *sep {
                        *n += 1;
                    }
                }
            }
            _ => {}
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .map_or(',', |(sep, _)| *sep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_separators_and_line_breaks() {
        let rows = parse(
            "\u{feff}SKU;Nama;Harga\r\nA-1;\"Ayam; \"\"Paha\"\"\";48.000\nB-2;\"dua\nbaris\";5\n",
        );
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0], vec!["SKU", "Nama", "Harga"]);
        assert_eq!(rows[1], vec!["A-1", "Ayam; \"Paha\"", "48.000"]);
        assert_eq!(rows[2][1], "dua\nbaris");
    }

    #[test]
    fn commas_when_commas_dominate() {
        assert_eq!(
            parse("a,b,c\n1,2,3"),
            vec![vec!["a", "b", "c"], vec!["1", "2", "3"]]
        );
    }
}
