//! Finding the columns of a file by their header text: any order, case, spaces and punctuation
//! ignored, Bahasa or English names. The header row is the row (among the first rows of any
//! sheet) that names the most known columns, so a title or a bank's preamble above it is fine.

use std::collections::BTreeMap;

use super::sheet::{Cell, Sheet};

/// How far down a sheet the header row is looked for (bank exports put an account summary
/// above it).
const HEADER_SEARCH_ROWS: usize = 30;

/// One column an import understands.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The key the row values are stored under (`price_to_mitra`).
    pub key: &'static str,
    /// The header the template writes and messages name (`Harga Mitra`).
    pub label: &'static str,
    /// Other header texts accepted, already normalised (`mitraprice`, `hargakemitra`).
    pub aliases: &'static [&'static str],
    pub required: bool,
}

/// Lower case, letters and digits only: `Harga  Mitra (Rp)` → `hargamitrarp`.
pub fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl Field {
    fn matches(&self, header: &str) -> bool {
        let h = normalise(header);
        !h.is_empty()
            && (h == normalise(self.label)
                || self.aliases.contains(&h.as_str())
                // `Harga Mitra (Rp)`: a unit in brackets after a known name.
                || self
                    .aliases
                    .iter()
                    .chain(std::iter::once(&normalise(self.label).as_str()))
                    .any(|a| h.strip_suffix("rp").is_some_and(|base| base == *a)))
    }
}

/// Where the columns are.
#[derive(Debug, Clone, Default)]
pub struct Located {
    pub sheet: usize,
    /// Index of the header row (the sheet's row `header_row + 1`).
    pub header_row: usize,
    /// The header row's texts, as written.
    pub headers: Vec<String>,
    /// Field key → column index.
    pub columns: BTreeMap<&'static str, usize>,
}

impl Located {
    /// Labels of the required fields without a column.
    pub fn missing(&self, fields: &[Field]) -> Vec<&'static str> {
        fields
            .iter()
            .filter(|f| f.required && !self.columns.contains_key(f.key))
            .map(|f| f.label)
            .collect()
    }

    /// The header text of a field's column as the file writes it, or the field's label.
    pub fn column_name(&self, fields: &[Field], key: &str) -> String {
        self.columns
            .get(key)
            .and_then(|&c| self.headers.get(c))
            .filter(|h| !h.trim().is_empty())
            .cloned()
            .or_else(|| {
                fields
                    .iter()
                    .find(|f| f.key == key)
                    .map(|f| f.label.to_owned())
            })
            .unwrap_or_else(|| key.to_owned())
    }
}

fn header_texts(row: &[Cell]) -> Vec<String> {
    row.iter().map(Cell::display).collect()
}

fn map_columns(headers: &[String], fields: &[Field]) -> BTreeMap<&'static str, usize> {
    let mut columns = BTreeMap::new();
    for (i, h) in headers.iter().enumerate() {
        if let Some(f) = fields
            .iter()
            .find(|f| !columns.contains_key(f.key) && f.matches(h))
        {
            columns.insert(f.key, i);
        }
    }
    columns
}

/// The best header row of the file for `fields`. With no known header anywhere, the first row
/// with at least two filled cells is taken as the header, so the columns can be chosen by hand.
pub fn locate(sheets: &[Sheet], fields: &[Field]) -> Located {
    let mut best: Option<Located> = None;
    for (s, sheet) in sheets.iter().enumerate() {
        for (r, row) in sheet.rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
            let headers = header_texts(row);
            let columns = map_columns(&headers, fields);
            if !columns.is_empty()
                && best
                    .as_ref()
                    .is_none_or(|b| columns.len() > b.columns.len())
            {
                best = Some(Located {
                    sheet: s,
                    header_row: r,
                    headers,
                    columns,
                });
            }
        }
    }
    best.unwrap_or_else(|| fallback(sheets))
}

fn fallback(sheets: &[Sheet]) -> Located {
    for (s, sheet) in sheets.iter().enumerate() {
        for (r, row) in sheet.rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
            if row.iter().filter(|c| !c.is_empty()).count() >= 2 {
                return Located {
                    sheet: s,
                    header_row: r,
                    headers: header_texts(row),
                    columns: BTreeMap::new(),
                };
            }
        }
    }
    Located::default()
}

/// Puts the column whose header is `header` (compared normalised) under `key`; `false` when
/// no header of the row is that.
pub fn choose(located: &mut Located, key: &'static str, header: &str) -> bool {
    let wanted = normalise(header);
    match located
        .headers
        .iter()
        .position(|h| !wanted.is_empty() && normalise(h) == wanted)
    {
        Some(i) => {
            located.columns.insert(key, i);
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[Field] = &[
        Field {
            key: "sku",
            label: "SKU",
            aliases: &["kodeproduk", "productcode"],
            required: true,
        },
        Field {
            key: "price_to_mitra",
            label: "Harga Mitra",
            aliases: &["mitraprice"],
            required: true,
        },
        Field {
            key: "unit",
            label: "Satuan",
            aliases: &["unit"],
            required: true,
        },
    ];

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet {
            name: "x".into(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|s| Cell::Text((*s).into())).collect())
                .collect(),
        }
    }

    #[test]
    fn headers_in_any_order_case_and_language_below_a_title() {
        let s = sheet(&[
            &["Daftar harga"],
            &["  mitra PRICE ", "Kode  Produk", "Harga Mitra (Rp)"],
            &["1", "A", "2"],
        ]);
        let l = locate(&[s], FIELDS);
        assert_eq!(l.header_row, 1);
        assert_eq!(l.columns["price_to_mitra"], 0);
        assert_eq!(l.columns["sku"], 1);
        assert_eq!(l.missing(FIELDS), vec!["Satuan"]);
        assert_eq!(l.column_name(FIELDS, "sku"), "Kode  Produk");
    }

    #[test]
    fn unknown_headers_fall_back_to_the_first_filled_row_and_can_be_chosen() {
        let s = sheet(&[&["Tgl Trx", "Uraian", "Nominal"], &["1", "2", "3"]]);
        let mut l = locate(&[s], FIELDS);
        assert!(l.columns.is_empty());
        assert!(choose(&mut l, "unit", "uraian"));
        assert_eq!(l.columns["unit"], 1);
        assert!(!choose(&mut l, "unit", "nope"));
    }
}
