//! The embedded fonts (a Latin subset of DejaVu Sans, regular and bold, committed under
//! `assets/fonts/` with their licence) and text measuring from their glyph widths, which
//! printpdf has no call for without its `text_layout` feature.

use printpdf::{FontId, ParsedFont, PdfDocument};

use crate::RenderError;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Latin.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold-Latin.ttf");

/// One face: what printpdf needs to print it and what we need to measure it.
pub struct Face {
    pub id: FontId,
    parsed: ParsedFont,
}

/// The two faces every page uses.
pub struct Fonts {
    pub regular: Face,
    pub bold: Face,
}

impl Fonts {
    /// Parses both faces and registers them with the document (each is embedded once).
    pub fn load(doc: &mut PdfDocument) -> Result<Fonts, RenderError> {
        Ok(Fonts {
            regular: Face::load(doc, REGULAR, "DejaVuSans-Latin")?,
            bold: Face::load(doc, BOLD, "DejaVuSans-Bold-Latin")?,
        })
    }

    pub fn face(&self, bold: bool) -> &Face {
        if bold { &self.bold } else { &self.regular }
    }
}

impl Face {
    fn load(doc: &mut PdfDocument, bytes: &[u8], name: &'static str) -> Result<Face, RenderError> {
        let parsed =
            ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).ok_or(RenderError::Font(name))?;
        let id = doc.add_font(&parsed);
        Ok(Face { id, parsed })
    }

    /// `s` with every character the subset has no glyph for replaced by `?`: printpdf would
    /// print such a character as an empty `.notdef` box, which reads as a missing letter.
    pub fn sanitize(&self, s: &str) -> String {
        s.chars()
            .map(|c| {
                if c == ' ' || self.parsed.lookup_glyph_index(c as u32).is_some() {
                    c
                } else {
                    '?'
                }
            })
            .collect()
    }

    /// Width of `s` in points at `size`, exactly as the viewer advances it: printpdf writes
    /// each glyph's width into `/W` as `trunc(advance * 1000 / units_per_em)` and applies no
    /// kerning, so summing the same values gives the printed width.
    pub fn width(&self, s: &str, size: f32) -> f32 {
        let upm = f32::from(self.parsed.pdf_font_metrics.units_per_em.max(1));
        let milli: i64 = s
            .chars()
            .map(|c| {
                self.parsed
                    .lookup_glyph_index(c as u32)
                    .or_else(|| self.parsed.lookup_glyph_index('?' as u32))
                    .and_then(|gid| self.parsed.get_glyph_width(gid))
                    .map_or(0, |w| (f32::from(w) * 1000.0 / upm) as i64)
            })
            .sum();
        milli as f32 * size / 1000.0
    }

    /// `s` cut to fit `max` points, ending in `…` when cut, so a long name never runs into
    /// the next column.
    pub fn fit(&self, s: &str, size: f32, max: f32) -> String {
        let s = self.sanitize(s);
        if self.width(&s, size) <= max {
            return s;
        }
        let ellipsis = self.width("…", size);
        let mut out = String::new();
        let mut used = 0.0;
        for c in s.chars() {
            let w = self.width(c.encode_utf8(&mut [0; 4]), size);
            if used + w + ellipsis > max {
                break;
            }
            used += w;
            out.push(c);
        }
        let trimmed = out.trim_end();
        format!("{trimmed}…")
    }

    /// `s` broken into lines no wider than `max` points, at spaces; a word longer than a line
    /// is cut with [`Face::fit`] rather than left to overflow the margin.
    pub fn wrap(&self, s: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in s.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if self.width(&candidate, size) <= max {
                line = candidate;
            } else {
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                line = self.fit(word, size, max);
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> Fonts {
        Fonts::load(&mut PdfDocument::new("t")).expect("fonts load")
    }

    #[test]
    fn digits_are_tabular_and_bold_is_wider() {
        let f = fonts();
        // Equal digit widths are what lines right-aligned figures up.
        assert_eq!(f.regular.width("1111", 10.0), f.regular.width("8888", 10.0));
        assert!(f.regular.width("Rp 1.250.000", 10.0) > 0.0);
        assert!(f.bold.width("Total", 10.0) > f.regular.width("Total", 10.0));
        assert!((f.regular.width("ab", 20.0) - 2.0 * f.regular.width("ab", 10.0)).abs() < 0.01);
    }

    #[test]
    fn unknown_glyphs_become_question_marks() {
        let f = fonts();
        assert_eq!(f.regular.sanitize("Café – 5 €"), "Café – 5 €");
        assert_eq!(f.regular.sanitize("Nasi 🍚 中"), "Nasi ? ?");
    }

    #[test]
    fn fit_and_wrap_stay_inside_the_width() {
        let f = fonts();
        let long = "Paket Nasi Goreng Spesial Kampung dengan Telur Mata Sapi";
        let cut = f.regular.fit(long, 9.0, 80.0);
        assert!(cut.ends_with('…'), "{cut}");
        assert!(f.regular.width(&cut, 9.0) <= 80.0);
        assert_eq!(f.regular.fit("Kopi", 9.0, 80.0), "Kopi");
        let lines = f.regular.wrap(long, 9.0, 100.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| f.regular.width(l, 9.0) <= 100.0));
        assert_eq!(lines.join(" "), long);
    }
}
