//! A list's pager: the filters that links keep (`Filters`, percent-encoded), and the page
//! numbers, range and previous/next links a list shows (`Pager`).

use serde::Serialize;

/// Rows per page on every list.
pub const PER_PAGE: u32 = 20;
/// Far beyond any real list; keeps OFFSET arithmetic and links small.
pub const MAX_PAGE: u32 = 100_000;

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The filters of a list, in the order they appear in links.
#[derive(Debug, Clone, Default)]
pub struct Filters(Vec<(&'static str, String)>);

impl Filters {
    pub fn new() -> Filters {
        Filters::default()
    }

    /// Adds a filter when it is set.
    pub fn set(mut self, key: &'static str, value: Option<impl ToString>) -> Filters {
        if let Some(v) = value {
            let v = v.to_string();
            if !v.is_empty() {
                self.0.push((key, v));
            }
        }
        self
    }

    /// `path?k=v&…&page=N` (page left out when it is 1).
    pub fn href(&self, path: &str, page: u32) -> String {
        let mut parts: Vec<String> = self
            .0
            .iter()
            .map(|(k, v)| format!("{k}={}", percent_encode(v)))
            .collect();
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        if parts.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{}", parts.join("&"))
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One entry of the page links: a number, or a gap (`…`) when `number` is `None`.
#[derive(Debug, Clone, Serialize)]
pub struct PageLink {
    pub number: Option<u32>,
    pub href: String,
    pub current: bool,
}

/// Everything a list's pager shows: where we are, how many there are, and links that keep the
/// list's filters.
#[derive(Debug, Clone, Serialize)]
pub struct Pager {
    pub page: u32,
    pub pages: u32,
    pub total: i64,
    /// 1-based position of the first and last row shown (0 and 0 when the list is empty).
    pub from: i64,
    pub to: i64,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    pub links: Vec<PageLink>,
    /// Whether any filter is set (the empty-list message then says to loosen them).
    pub filtered: bool,
}

impl Pager {
    pub fn new(path: &str, filters: &Filters, page: u32, per_page: u32, total: i64) -> Pager {
        let per = i64::from(per_page.max(1));
        let pages = u32::try_from(((total.max(0) + per - 1) / per).max(1)).unwrap_or(MAX_PAGE);
        let shown_page = page.min(pages);
        let from = if total == 0 {
            0
        } else {
            (i64::from(page) - 1) * per + 1
        };
        let to = (i64::from(page) * per).min(total.max(0));
        // First, last, and two either side of the current page; gaps become "…".
        let mut numbers: Vec<u32> = vec![1, pages];
        numbers.extend(shown_page.saturating_sub(2).max(1)..=(shown_page + 2).min(pages));
        numbers.sort_unstable();
        numbers.dedup();
        let mut links = Vec::with_capacity(numbers.len() + 2);
        let mut previous = 0;
        for n in numbers {
            if previous != 0 && n != previous + 1 {
                links.push(PageLink {
                    number: None,
                    href: String::new(),
                    current: false,
                });
            }
            links.push(PageLink {
                number: Some(n),
                href: filters.href(path, n),
                current: n == page,
            });
            previous = n;
        }
        Pager {
            page,
            pages,
            total,
            // A page past the end shows nothing: 0–0, not a range that does not exist.
            from: if from > total { 0 } else { from },
            to: if from > total { 0 } else { to },
            prev_href: (page > 1).then(|| filters.href(path, (page - 1).min(pages))),
            next_href: (page < pages).then(|| filters.href(path, page + 1)),
            links,
            filtered: !filters.is_empty(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_filters_and_encode_them() {
        let f = Filters::new()
            .set("status", Some("PENDING"))
            .set("q", Some("a&b c/é"))
            .set("empty", Option::<String>::None);
        assert_eq!(
            f.href("/orders", 1),
            "/orders?status=PENDING&q=a%26b%20c%2F%C3%A9"
        );
        assert_eq!(
            f.href("/orders", 3),
            "/orders?status=PENDING&q=a%26b%20c%2F%C3%A9&page=3"
        );
        assert_eq!(Filters::new().href("/orders", 1), "/orders");
    }

    #[test]
    fn pager_windows_long_lists() {
        let p = Pager::new("/o", &Filters::new(), 10, 20, 1000);
        assert_eq!(p.pages, 50);
        assert_eq!((p.from, p.to), (181, 200));
        let numbers: Vec<Option<u32>> = p.links.iter().map(|l| l.number).collect();
        assert_eq!(
            numbers,
            vec![
                Some(1),
                None,
                Some(8),
                Some(9),
                Some(10),
                Some(11),
                Some(12),
                None,
                Some(50)
            ]
        );
        assert_eq!(p.prev_href.as_deref(), Some("/o?page=9"));
        assert_eq!(p.next_href.as_deref(), Some("/o?page=11"));

        let empty = Pager::new("/o", &Filters::new(), 1, 20, 0);
        assert_eq!((empty.pages, empty.from, empty.to), (1, 0, 0));
        assert!(empty.prev_href.is_none() && empty.next_href.is_none());

        let beyond = Pager::new("/o", &Filters::new(), 7, 20, 30);
        assert_eq!((beyond.from, beyond.to), (0, 0));
        assert_eq!(beyond.prev_href.as_deref(), Some("/o?page=2"));
    }
}
