//! Reads the sample's PDF back as text, with lopdf in-process and with poppler's `pdftotext`
//! when installed: pages, page numbers, the header repeated on a continuation page, figures
//! formatted as the document's cells, the empty table's text, and the file's size.

mod sample;

use std::process::Command;

use domain::clock::format_wib;
use domain::money::format_rupiah;
use domain::report::doc::{Cell, Orientation};

/// Each page's text, as lopdf extracts it (one line per text section, so one per cell).
fn pages_lopdf(bytes: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(bytes).expect("pdf parses");
    let pages = doc.get_pages();
    pages
        .keys()
        .map(|&n| doc.extract_text(&[n]).expect("page text"))
        .collect()
}

/// pdftotext's output for the PDF with `args`, or None when pdftotext is not installed.
fn pdftotext(bytes: &[u8], args: &[&str]) -> Option<String> {
    let tool = "/usr/bin/pdftotext";
    if !std::path::Path::new(tool).exists() {
        eprintln!("pdftotext not installed; only lopdf reads the PDF");
        return None;
    }
    let path = std::env::temp_dir().join(format!(
        "render-test-{}-{}.pdf",
        std::process::id(),
        args.join("")
    ));
    std::fs::write(&path, bytes).expect("write temp pdf");
    let out = Command::new(tool)
        .args(args)
        .arg(&path)
        .arg("-")
        .output()
        .expect("run pdftotext");
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).expect("utf-8"))
}

/// Each page's text as poppler reads it, or None when pdftotext is not installed.
fn pages_pdftotext(bytes: &[u8]) -> Option<Vec<String>> {
    let text = pdftotext(bytes, &["-layout"])?;
    // pdftotext ends every page with a form feed.
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    Some(pages)
}

fn check_pages(pages: &[String], reader: &str) {
    let doc = sample::document();
    let table = sample::sales_table(&doc);
    let n = pages.len();
    assert!(
        n > 1,
        "{reader}: the 120-row table must break pages, got {n}"
    );
    for (i, page) in pages.iter().enumerate() {
        let stamp = format!("Halaman {} dari {n}", i + 1);
        assert!(
            page.contains(&stamp),
            "{reader}: page {} lacks {stamp:?}",
            i + 1
        );
    }
    // Page 1 holds the title block, the facts and the chart; the table continues onto the
    // following pages with its header repeated.
    let continued: Vec<usize> = (1..n)
        .filter(|&i| pages[i].contains("(lanjutan)"))
        .collect();
    assert!(!continued.is_empty(), "{reader}: no continuation page");
    for &i in &continued {
        for column in &table.columns {
            // A header may wrap onto two lines, so look for each of its words.
            let missing = column
                .header
                .split_whitespace()
                .find(|w| !pages[i].contains(w));
            assert!(
                missing.is_none(),
                "{reader}: page {} lacks header {:?}",
                i + 1,
                column.header
            );
        }
    }
    let all = pages.concat();
    assert!(all.contains(&doc.title), "{reader}: title");
    for sub in &doc.subtitle {
        assert!(all.contains(sub.as_str()), "{reader}: subtitle {sub:?}");
    }
    assert!(
        pages[0].contains(&format!("Dibuat {}", format_wib(doc.generated_at))),
        "{reader}: generated at"
    );
    assert!(all.contains(sample::EMPTY), "{reader}: empty table text");
    assert!(all.contains("Rp 1.250.000"), "{reader}: first day's sales");
    assert!(all.contains("-Rp 5.000"), "{reader}: negative sales");
    // Every row's figures, formatted as the document's cells.
    for (r, row) in table.rows.iter().enumerate() {
        if let Cell::Rupiah(v) = row[3] {
            assert!(
                all.contains(&format_rupiah(v)),
                "{reader}: row {r} sales {v}"
            );
        }
    }
    let total: i64 = (0..sample::ROWS).map(sample::sales).sum();
    assert!(
        all.contains(&format_rupiah(total)),
        "{reader}: total {total}"
    );
    assert!(all.contains("25,3 %"), "{reader}: percent fact");
    assert!(all.contains("Es Kopi Susu Café"), "{reader}: é survives");
    assert!(all.contains("Disetujui oleh"), "{reader}: signature box");
    // The chart is drawn text, not an image: its title, its legend, the right axis of the
    // portions line beside the Rupiah bars, an axis tick on a round step.
    assert!(
        pages[0].contains("Tren penjualan harian"),
        "{reader}: chart title"
    );
    assert!(
        pages[0].contains("Jumlah porsi (sumbu kanan)"),
        "{reader}: legend"
    );
    assert!(pages[0].contains("2 jt"), "{reader}: y axis tick");
    assert!(all.contains(&doc.footnotes[0]), "{reader}: footnote");
    // A long product name is cut with an ellipsis instead of running into the next column.
    assert!(all.contains('…'), "{reader}: truncated cell");
    assert!(
        !all.contains(&sample::product(2)),
        "{reader}: long name printed whole"
    );
}

#[test]
fn pdf_reads_back_with_every_figure_and_page_number() {
    let doc = sample::document();
    let bytes = render::pdf(&doc).expect("pdf renders");
    eprintln!("sample PDF: {} bytes", bytes.len());
    // To look at the sample: RENDER_SAMPLE_PDF=/tmp/sample.pdf cargo test -p render --test pdf
    if let Some(path) = std::env::var_os("RENDER_SAMPLE_PDF") {
        std::fs::write(path, &bytes).expect("write the sample PDF");
    }
    assert!(bytes.len() < 200_000, "PDF is {} bytes", bytes.len());
    let lopdf_pages = pages_lopdf(&bytes);
    check_pages(&lopdf_pages, "lopdf");
    if let Some(poppler_pages) = pages_pdftotext(&bytes) {
        assert_eq!(poppler_pages.len(), lopdf_pages.len(), "page count agrees");
        check_pages(&poppler_pages, "pdftotext");
    }
    if let Some(boxes) = pdftotext(&bytes, &["-bbox", "-f", "1", "-l", "1"]) {
        assert_right_aligned(&boxes);
    }
}

#[test]
fn landscape_documents_get_landscape_pages() {
    let mut doc = sample::document();
    doc.orientation = Orientation::Landscape;
    let bytes = render::pdf(&doc).expect("pdf renders");
    let pdf = lopdf::Document::load_mem(&bytes).expect("pdf parses");
    for (_, id) in pdf.get_pages() {
        let page = pdf.get_dictionary(id).expect("page dict");
        let media = page
            .get(b"MediaBox")
            .and_then(|m| m.as_array())
            .expect("media box");
        let num = |o: &lopdf::Object| {
            o.as_float()
                .or_else(|_| o.as_i64().map(|i| i as f32))
                .expect("number")
        };
        let (w, h) = (
            num(&media[2]) - num(&media[0]),
            num(&media[3]) - num(&media[1]),
        );
        assert!(w > h, "page {w}×{h} is not landscape");
        assert!(
            (w - 841.89).abs() < 1.0 && (h - 595.28).abs() < 1.0,
            "A4: {w}×{h}"
        );
    }
}

/// Right-aligned figures of different lengths end at the same x: `Rp 1.250.000` (row 1) and
/// `-Rp 5.000` (row 8) under `Penjualan bersih`, read from poppler's word boxes on page 1.
fn assert_right_aligned(bbox_html: &str) {
    let x_max = |word: &str| -> f64 {
        let line = bbox_html
            .lines()
            .find(|l| l.contains(&format!(">{word}</word>")))
            .unwrap_or_else(|| panic!("word {word:?} on page 1"));
        let at = line.find("xMax=\"").expect("xMax") + 6;
        line[at..]
            .split('"')
            .next()
            .expect("value")
            .parse()
            .expect("number")
    };
    // The last word of each figure: `1.250.000` of `Rp 1.250.000`, `5.000` of `-Rp 5.000`.
    let last_word = |v: i64| {
        format_rupiah(v)
            .rsplit(' ')
            .next()
            .expect("word")
            .to_owned()
    };
    let (a, b) = (
        x_max(&last_word(sample::sales(0))),
        x_max(&last_word(sample::sales(7))),
    );
    assert!((a - b).abs() < 0.5, "figures end at {a} and {b}");
}

#[test]
fn a_chart_over_an_empty_table_says_so() {
    let mut doc = sample::document();
    for block in &mut doc.blocks {
        if let domain::report::doc::Block::Chart(c) = block {
            c.table_sheet = "Retur".to_owned();
            c.category_column = 0;
            c.series.truncate(1);
            c.series[0].column = 2;
        }
    }
    let bytes = render::pdf(&doc).expect("pdf renders");
    let first = &pages_lopdf(&bytes)[0];
    assert!(first.contains("Tren penjualan harian"), "chart title");
    assert!(
        first.contains(sample::EMPTY),
        "the empty chart says {:?}",
        sample::EMPTY
    );
    render::xlsx(&doc).expect("a workbook without that chart");
}
