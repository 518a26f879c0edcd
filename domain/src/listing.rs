//! What the list queries share: the ILIKE pattern of a search box's text.

/// `%text%` for ILIKE from a search box's text, trimmed, with the pattern characters (`\`, `%`,
/// `_`) taken literally; `None` when the text is blank, so the list is not filtered.
pub(crate) fn like_pattern(q: &str) -> Option<String> {
    let q = q.trim();
    if q.is_empty() {
        return None;
    }
    Some(format!(
        "%{}%",
        q.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(like_pattern("50%_a").as_deref(), Some("%50\\%\\_a%"));
        assert_eq!(like_pattern(" a\\b ").as_deref(), Some("%a\\\\b%"));
    }

    #[test]
    fn blank_text_filters_nothing() {
        assert_eq!(like_pattern(""), None);
        assert_eq!(like_pattern("  \t "), None);
    }
}
