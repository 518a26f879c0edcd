//! The document as a PDF: the title block on the first page, each block in order (breaking
//! pages where needed), the footnotes, and a `Halaman i dari n` footer on every page.

mod chart;
mod font;
mod page;
mod table;

use domain::clock::format_wib;
use domain::report::doc::{Block, Document, Fact, Orientation};
use printpdf::{Mm, OffsetDateTime, PdfDocument, PdfPage, PdfSaveOptions, Pt};

use crate::RenderError;
use crate::format::cell_text;
use font::Fonts;
use page::{Align, BLACK, GREY, Pager, RULE, ZEBRA_FILL};

pub fn render(doc: &Document) -> Result<Vec<u8>, RenderError> {
    let mut pdf = PdfDocument::new(&doc.title);
    // printpdf dates a document at the Unix epoch unless told; the report's own time is the
    // truthful one and keeps the bytes independent of when rendering ran.
    if let Ok(at) = OffsetDateTime::from_unix_timestamp(doc.generated_at.timestamp()) {
        pdf.metadata.info.creation_date = at;
        pdf.metadata.info.modification_date = at;
        pdf.metadata.info.metadata_date = at;
    }
    pdf.metadata.info.document_title = doc.title.clone();
    pdf.metadata.info.creator = "D'Fresto".to_owned();
    pdf.metadata.info.producer = "D'Fresto".to_owned();

    let fonts = Fonts::load(&mut pdf)?;
    let mut p = Pager::new(&fonts, doc.orientation == Orientation::Landscape);
    let generated = format!("Dibuat {}", format_wib(doc.generated_at));
    title_block(&mut p, doc, &generated);
    for block in &doc.blocks {
        match block {
            Block::Heading(s) => heading(&mut p, s),
            Block::Facts {
                title,
                columns,
                facts,
            } => {
                facts_grid(&mut p, title.as_deref(), *columns, facts);
            }
            Block::Paragraph(s) => paragraph(&mut p, s, 9.0, BLACK),
            Block::Table(t) => table::draw(&mut p, t),
            Block::Chart(c) => chart::draw(&mut p, doc, c)?,
            Block::Signatures(labels) => signatures(&mut p, labels),
        }
    }
    footnotes(&mut p, &doc.footnotes);

    let (w, h) = (p.width, p.height);
    let footer = format!("{} · {generated}", doc.title);
    let pages = p
        .finish(&footer)
        .into_iter()
        .map(|ops| PdfPage::new(Mm::from(Pt(w)), Mm::from(Pt(h)), ops))
        .collect();
    // Warnings are about things like unused resources; nothing in them changes the file.
    let mut warnings = Vec::new();
    Ok(pdf
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut warnings))
}

fn title_block(p: &mut Pager, doc: &Document, generated: &str) {
    let (left, width) = (p.left(), p.content_width());
    for line in p.fonts.bold.wrap(&doc.title, 15.0, width) {
        let y = p.y - 15.0;
        p.text(&line, left, y, 15.0, true, BLACK, Align::Left);
        p.y -= 19.0;
    }
    for sub in &doc.subtitle {
        paragraph(p, sub, 9.5, BLACK);
    }
    let y = p.y - 9.0;
    p.text(generated, left, y, 8.0, false, GREY, Align::Left);
    p.y -= 14.0;
    p.hline(left, p.right(), p.y, 0.8, BLACK);
    p.y -= 12.0;
}

fn heading(p: &mut Pager, s: &str) {
    // Keep a heading with at least a few lines of what it heads.
    p.ensure(18.0 + 50.0);
    let (left, width) = (p.left(), p.content_width());
    let fitted = p.fonts.bold.fit(s, 12.0, width);
    let y = p.y - 12.0;
    p.text(&fitted, left, y, 12.0, true, BLACK, Align::Left);
    p.y -= 20.0;
}

/// Wrapped text across the content width, breaking pages between lines.
fn paragraph(p: &mut Pager, s: &str, size: f32, color: page::Rgb3) {
    let line_h = size * 1.35;
    let (left, width) = (p.left(), p.content_width());
    for line in p.fonts.regular.wrap(s, size, width) {
        p.ensure(line_h);
        let y = p.y - size;
        p.text(&line, left, y, size, false, color, Align::Left);
        p.y -= line_h;
    }
    p.y -= size * 0.4;
}

/// Label / value pairs, `columns` side by side: the label small and grey, the value bold.
fn facts_grid(p: &mut Pager, title: Option<&str>, columns: u8, facts: &[Fact]) {
    const CELL_H: f32 = 28.0;
    const GAP: f32 = 4.0;
    let per_row = usize::from(columns.clamp(1, 4));
    p.ensure(if title.is_some() { 16.0 } else { 0.0 } + CELL_H);
    if let Some(t) = title {
        let (left, width) = (p.left(), p.content_width());
        let fitted = p.fonts.bold.fit(t, 10.0, width);
        let y = p.y - 11.0;
        p.text(&fitted, left, y, 10.0, true, BLACK, Align::Left);
        p.y -= 16.0;
    }
    let cell_w = (p.content_width() - GAP * (per_row as f32 - 1.0)) / per_row as f32;
    for row in facts.chunks(per_row) {
        p.ensure(CELL_H + GAP);
        let top = p.y;
        for (i, fact) in row.iter().enumerate() {
            let x = p.left() + (cell_w + GAP) * i as f32;
            p.fill_rect(x, top - CELL_H, cell_w, CELL_H, ZEBRA_FILL);
            let label = p.fonts.regular.fit(&fact.label, 7.5, cell_w - 8.0);
            p.text(&label, x + 4.0, top - 10.0, 7.5, false, GREY, Align::Left);
            let value = p
                .fonts
                .bold
                .fit(&cell_text(&fact.value), 10.0, cell_w - 8.0);
            p.text(&value, x + 4.0, top - 23.0, 10.0, true, BLACK, Align::Left);
        }
        p.y -= CELL_H + GAP;
    }
    p.y -= 8.0;
}

/// Boxes to sign in, up to four side by side: the label at the top, a line to sign on.
fn signatures(p: &mut Pager, labels: &[String]) {
    const BOX_H: f32 = 78.0;
    const GAP: f32 = 12.0;
    for row in labels.chunks(4) {
        p.ensure(BOX_H + GAP);
        let n = row.len().max(1) as f32;
        let box_w = ((p.content_width() - GAP * (n - 1.0)) / n).min(180.0);
        let top = p.y;
        for (i, label) in row.iter().enumerate() {
            let x = p.left() + (box_w + GAP) * i as f32;
            p.stroke_rect(x, top - BOX_H, box_w, BOX_H, 0.6, RULE);
            let fitted = p.fonts.bold.fit(label, 8.5, box_w - 10.0);
            p.text(
                &fitted,
                x + box_w / 2.0,
                top - 13.0,
                8.5,
                true,
                BLACK,
                Align::Center,
            );
            p.hline(x + 12.0, x + box_w - 12.0, top - BOX_H + 18.0, 0.6, BLACK);
            p.text(
                "Nama & tanggal",
                x + box_w / 2.0,
                top - BOX_H + 8.0,
                6.5,
                false,
                GREY,
                Align::Center,
            );
        }
        p.y -= BOX_H + GAP;
    }
}

fn footnotes(p: &mut Pager, notes: &[String]) {
    if notes.is_empty() {
        return;
    }
    p.ensure(20.0);
    p.y -= 4.0;
    let (left, right) = (p.left(), p.right());
    p.hline(left, left + (right - left) * 0.3, p.y, 0.5, RULE);
    p.y -= 4.0;
    for note in notes {
        paragraph(p, note, 7.5, GREY);
    }
}
