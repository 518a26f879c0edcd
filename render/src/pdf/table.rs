//! A table on as many pages as it needs: column widths shared out from `Column::width`, the
//! header row repeated at the top of every page it continues on, cells cut with `…` to their
//! column, figures right-aligned, total rows bold, `empty_text` when there are no rows.

use domain::report::doc::{Cell, CellKind, Table};

use super::page::{Align, BLACK, GREY, HEADER_FILL, Pager, RULE, TOTAL_FILL, ZEBRA_FILL};
use crate::format::cell_text;

const SIZE: f32 = 8.0;
const ROW_H: f32 = 13.0;
const PAD: f32 = 3.0;
const HEADER_LINE: f32 = 9.5;
const TITLE_H: f32 = 16.0;

/// Where each column starts and how wide it is, in points.
struct Grid {
    x: Vec<f32>,
    w: Vec<f32>,
    numeric: Vec<bool>,
    /// Header text of each column, wrapped to at most two lines.
    headers: Vec<Vec<String>>,
    header_h: f32,
}

pub fn draw(p: &mut Pager, table: &Table) {
    let grid = grid(p, table);
    // Keep the title, the header and a few rows together instead of leaving a lone title at
    // the foot of a page.
    let first_rows = table.rows.len().clamp(1, 3) as f32;
    p.ensure(TITLE_H + grid.header_h + ROW_H * first_rows);
    title(p, &table.title);
    header(p, &grid);

    if table.rows.is_empty() {
        p.ensure(ROW_H);
        let top = p.y;
        p.text(
            &table.empty_text,
            p.left() + PAD,
            baseline(top),
            SIZE,
            false,
            GREY,
            Align::Left,
        );
        p.y -= ROW_H;
    }
    for (i, row) in table.rows.iter().enumerate() {
        if p.ensure(ROW_H) {
            title(p, &format!("{} (lanjutan)", table.title));
            header(p, &grid);
        }
        if !i.is_multiple_of(2) {
            p.fill_rect(p.left(), p.y - ROW_H, p.content_width(), ROW_H, ZEBRA_FILL);
        }
        cells(p, &grid, row, false);
    }
    for (i, row) in table.totals.iter().enumerate() {
        if p.ensure(ROW_H) {
            title(p, &format!("{} (lanjutan)", table.title));
            header(p, &grid);
        }
        p.fill_rect(p.left(), p.y - ROW_H, p.content_width(), ROW_H, TOTAL_FILL);
        if i == 0 {
            p.hline(p.left(), p.right(), p.y, 0.8, BLACK);
        }
        cells(p, &grid, row, true);
    }
    p.hline(p.left(), p.right(), p.y, 0.5, RULE);
    p.y -= 12.0;
}

fn grid(p: &Pager, table: &Table) -> Grid {
    // A zero or negative width would hide a column; every column gets at least one share.
    let shares: Vec<f32> = table.columns.iter().map(|c| c.width.max(1.0)).collect();
    let total: f32 = shares.iter().sum::<f32>().max(1.0);
    let mut x = Vec::with_capacity(shares.len());
    let mut w = Vec::with_capacity(shares.len());
    let mut at = p.left();
    for share in &shares {
        let width = p.content_width() * share / total;
        x.push(at);
        w.push(width);
        at += width;
    }
    let headers: Vec<Vec<String>> = table
        .columns
        .iter()
        .zip(&w)
        .map(|(c, &width)| {
            let bold = &p.fonts.bold;
            let mut lines = bold.wrap(&c.header, SIZE, width - 2.0 * PAD);
            if lines.len() > 2 {
                let rest = lines[1..].join(" ");
                lines = vec![lines[0].clone(), bold.fit(&rest, SIZE, width - 2.0 * PAD)];
            }
            lines
        })
        .collect();
    let lines = headers.iter().map(Vec::len).max().unwrap_or(1) as f32;
    Grid {
        x,
        w,
        numeric: table.columns.iter().map(|c| numeric(c.kind)).collect(),
        headers,
        header_h: lines * HEADER_LINE + 6.0,
    }
}

fn numeric(kind: CellKind) -> bool {
    matches!(
        kind,
        CellKind::Int | CellKind::Rupiah | CellKind::Percent | CellKind::Decimal
    )
}

fn title(p: &mut Pager, s: &str) {
    let fitted = p.fonts.bold.fit(s, 10.0, p.content_width());
    let (left, top) = (p.left(), p.y);
    p.text(&fitted, left, top - 11.0, 10.0, true, BLACK, Align::Left);
    p.y -= TITLE_H;
}

fn header(p: &mut Pager, g: &Grid) {
    let top = p.y;
    p.fill_rect(
        p.left(),
        top - g.header_h,
        p.content_width(),
        g.header_h,
        HEADER_FILL,
    );
    for (i, lines) in g.headers.iter().enumerate() {
        for (l, line) in lines.iter().enumerate() {
            let y = top - 3.0 - HEADER_LINE * (l as f32 + 1.0) + 2.0;
            let (x, align) = if g.numeric[i] {
                (g.x[i] + g.w[i] - PAD, Align::Right)
            } else {
                (g.x[i] + PAD, Align::Left)
            };
            p.text(line, x, y, SIZE, true, BLACK, align);
        }
    }
    p.hline(p.left(), p.right(), top - g.header_h, 0.6, GREY);
    p.y -= g.header_h;
}

/// One row of cells at the cursor; numbers right, text left, each cut to its column.
fn cells(p: &mut Pager, g: &Grid, row: &[Cell], bold: bool) {
    let top = p.y;
    for (i, cell) in row.iter().enumerate().take(g.x.len()) {
        let fonts = p.fonts;
        let face = fonts.face(bold);
        let text = face.fit(&cell_text(cell), SIZE, g.w[i] - 2.0 * PAD);
        let right = g.numeric[i] || is_number(cell);
        let (x, align) = if right {
            (g.x[i] + g.w[i] - PAD, Align::Right)
        } else {
            (g.x[i] + PAD, Align::Left)
        };
        p.text(&text, x, baseline(top), SIZE, bold, BLACK, align);
    }
    p.y -= ROW_H;
}

fn is_number(cell: &Cell) -> bool {
    matches!(
        cell,
        Cell::Int(_) | Cell::Rupiah(_) | Cell::Percent(_) | Cell::Decimal(_)
    )
}

/// The baseline of a row whose top edge is `top`: text optically centred in the row.
fn baseline(top: f32) -> f32 {
    top - ROW_H / 2.0 - SIZE * 0.35
}
