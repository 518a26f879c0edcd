//! The page cursor: A4 geometry, the pages laid out so far, where the next block starts, and
//! the few drawing primitives (text, rectangles, lines) every block is made of. Coordinates are
//! PDF points from the bottom-left corner, as printpdf takes them.

use printpdf::{
    Color, Line, LinePoint, Op, PaintMode, PdfFontHandle, Point, Pt, Rect, Rgb, TextItem,
    TextMatrix,
};

use super::font::{Face, Fonts};

/// An RGB colour, 0.0–1.0 per channel.
pub type Rgb3 = (f32, f32, f32);

pub const BLACK: Rgb3 = (0.0, 0.0, 0.0);
pub const GREY: Rgb3 = (0.40, 0.40, 0.40);
pub const RULE: Rgb3 = (0.70, 0.70, 0.70);
pub const HEADER_FILL: Rgb3 = (0.87, 0.90, 0.94);
pub const ZEBRA_FILL: Rgb3 = (0.96, 0.96, 0.96);
pub const TOTAL_FILL: Rgb3 = (0.92, 0.92, 0.92);

/// A4 in points.
const A4_SHORT: f32 = 595.28;
const A4_LONG: f32 = 841.89;
pub const MARGIN: f32 = 36.0;
/// Kept free above the bottom margin for the `Halaman i dari n` line.
const FOOTER: f32 = 18.0;

/// How a line of text sits relative to its `x`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
}

pub struct Pager<'f> {
    pub fonts: &'f Fonts,
    pub width: f32,
    pub height: f32,
    /// The top of the free space on the current page.
    pub y: f32,
    pages: Vec<Vec<Op>>,
    /// The page drawing goes to: the last one while laying out, each in turn for footers.
    current: usize,
}

impl<'f> Pager<'f> {
    pub fn new(fonts: &'f Fonts, landscape: bool) -> Pager<'f> {
        let (width, height) = if landscape {
            (A4_LONG, A4_SHORT)
        } else {
            (A4_SHORT, A4_LONG)
        };
        Pager {
            fonts,
            width,
            height,
            y: height - MARGIN,
            pages: vec![Vec::new()],
            current: 0,
        }
    }

    pub fn left(&self) -> f32 {
        MARGIN
    }

    pub fn right(&self) -> f32 {
        self.width - MARGIN
    }

    pub fn content_width(&self) -> f32 {
        self.right() - self.left()
    }

    /// The lowest `y` content may reach.
    pub fn bottom(&self) -> f32 {
        MARGIN + FOOTER
    }

    /// Starts a new page when fewer than `h` points are left, so a row or a box is never cut
    /// by the page edge. Says whether it did.
    pub fn ensure(&mut self, h: f32) -> bool {
        // A fresh page is never broken again: a block taller than a page prints from its top.
        if self.y - h < self.bottom() && !self.at_page_top() {
            self.new_page();
            true
        } else {
            false
        }
    }

    fn at_page_top(&self) -> bool {
        self.y >= self.height - MARGIN
    }

    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.current = self.pages.len() - 1;
        self.y = self.height - MARGIN;
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        // `current` always indexes a page: `pages` starts with one and only grows, and
        // `current` is only set to an index it has.
        &mut self.pages[self.current]
    }

    /// One line of text with its baseline at `y`. Each call is its own text section (BT…ET),
    /// so text extraction sees every cell as a line of its own.
    pub fn text(
        &mut self,
        s: &str,
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        color: Rgb3,
        align: Align,
    ) {
        let fonts = self.fonts;
        let face: &Face = fonts.face(bold);
        let s = face.sanitize(s);
        let w = face.width(&s, size);
        let x = match align {
            Align::Left => x,
            Align::Right => x - w,
            Align::Center => x - w / 2.0,
        };
        let font = PdfFontHandle::External(face.id.clone());
        self.ops().extend([
            Op::StartTextSection,
            Op::SetFillColor {
                col: color_of(color),
            },
            Op::SetFont {
                font,
                size: Pt(size),
            },
            Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(x), Pt(y)),
            },
            Op::ShowText {
                items: vec![TextItem::Text(s)],
            },
            Op::EndTextSection,
        ]);
    }

    /// A filled rectangle; `y` is its bottom edge.
    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb3) {
        self.ops().extend([
            Op::SetFillColor {
                col: color_of(color),
            },
            Op::DrawRectangle {
                rectangle: rect(x, y, w, h, PaintMode::Fill),
            },
        ]);
    }

    /// A rectangle's outline; `y` is its bottom edge.
    pub fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, thickness: f32, color: Rgb3) {
        self.ops().extend([
            Op::SetOutlineColor {
                col: color_of(color),
            },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawRectangle {
                rectangle: rect(x, y, w, h, PaintMode::Stroke),
            },
        ]);
    }

    /// An open polyline through `points`.
    pub fn polyline(&mut self, points: &[(f32, f32)], thickness: f32, color: Rgb3) {
        if points.len() < 2 {
            return;
        }
        let points = points
            .iter()
            .map(|&(x, y)| LinePoint {
                p: Point { x: Pt(x), y: Pt(y) },
                bezier: false,
            })
            .collect();
        self.ops().extend([
            Op::SetOutlineColor {
                col: color_of(color),
            },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points,
                    is_closed: false,
                },
            },
        ]);
    }

    pub fn hline(&mut self, x0: f32, x1: f32, y: f32, thickness: f32, color: Rgb3) {
        self.polyline(&[(x0, y), (x1, y)], thickness, color);
    }

    /// The finished pages, each with a footer line: `footer_left` and `Halaman i dari n`.
    /// Page numbers need the page count, so they are a second pass over the laid-out pages.
    pub fn finish(mut self, footer_left: &str) -> Vec<Vec<Op>> {
        let n = self.pages.len();
        let (left, right) = (self.left(), self.right());
        let left_text = self
            .fonts
            .regular
            .fit(footer_left, 7.0, self.content_width() * 0.7);
        for i in 0..n {
            self.current = i;
            self.hline(left, right, MARGIN + 10.0, 0.4, RULE);
            self.text(&left_text, left, MARGIN, 7.0, false, GREY, Align::Left);
            let page = format!("Halaman {} dari {}", i + 1, n);
            self.text(&page, right, MARGIN, 7.0, false, GREY, Align::Right);
        }
        self.pages
    }
}

fn color_of((r, g, b): Rgb3) -> Color {
    Color::Rgb(Rgb::new(r, g, b, None))
}

/// printpdf's `Rect::from_xywh` leaves the paint mode unset, which draws nothing; every
/// rectangle here says how it is painted.
fn rect(x: f32, y: f32, w: f32, h: f32, mode: PaintMode) -> Rect {
    Rect {
        x: Pt(x),
        y: Pt(y),
        width: Pt(w),
        height: Pt(h),
        mode: Some(mode),
        winding_order: None,
    }
}
