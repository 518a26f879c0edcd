//! A chart drawn with printpdf's own operators over the rows of its table: bars for
//! `SeriesKind::Bar`, a polyline for `SeriesKind::Line`, a y axis on round 1-2-5 steps with
//! short labels, category labels under the x axis (thinned when they would collide), a legend.

use domain::report::doc::{CellKind, Chart, Document, SeriesKind};

use super::page::{Align, BLACK, GREY, Pager, RULE, Rgb3};
use crate::format::{axis_label, cell_text};
use crate::{RenderError, chart_source};

const PALETTE: [Rgb3; 5] = [
    (0.16, 0.42, 0.66),
    (0.90, 0.49, 0.13),
    (0.20, 0.60, 0.33),
    (0.75, 0.22, 0.22),
    (0.50, 0.36, 0.65),
];
const TITLE_H: f32 = 16.0;
const PLOT_H: f32 = 150.0;
const X_LABELS_H: f32 = 14.0;
const LEGEND_H: f32 = 14.0;
const LABEL: f32 = 7.0;

pub fn draw(p: &mut Pager, doc: &Document, chart: &Chart) -> Result<(), RenderError> {
    let table = chart_source::table(doc, chart)?;
    p.ensure(TITLE_H + PLOT_H + X_LABELS_H + LEGEND_H + 8.0);
    let fitted = p.fonts.bold.fit(&chart.title, 10.0, p.content_width());
    let (left, top) = (p.left(), p.y);
    p.text(&fitted, left, top - 11.0, 10.0, true, BLACK, Align::Left);
    p.y -= TITLE_H;

    let categories: Vec<String> = table
        .rows
        .iter()
        .map(|r| {
            r.get(chart.category_column)
                .map(cell_text)
                .unwrap_or_default()
        })
        .collect();
    let series: Vec<Vec<Option<f64>>> = chart
        .series
        .iter()
        .map(|s| {
            table
                .rows
                .iter()
                .map(|r| r.get(s.column).and_then(chart_source::value))
                .collect()
        })
        .collect();
    // Axis labels are formatted as the first series' column on that axis.
    let kind_of = |idx: &[usize]| {
        idx.first()
            .and_then(|&i| chart.series.get(i))
            .and_then(|s| table.columns.get(s.column))
            .map_or(CellKind::Int, |c| c.kind)
    };

    let plot_top = p.y;
    let plot_bottom = plot_top - PLOT_H;
    if categories.is_empty() {
        p.stroke_rect(p.left(), plot_bottom, p.content_width(), PLOT_H, 0.5, RULE);
        let x = p.left() + p.content_width() / 2.0;
        p.text(
            &table.empty_text,
            x,
            plot_bottom + PLOT_H / 2.0,
            9.0,
            false,
            GREY,
            Align::Center,
        );
        p.y = plot_bottom - 8.0;
        return Ok(());
    }

    let bar_idx: Vec<usize> = (0..chart.series.len())
        .filter(|&i| chart.series[i].kind == SeriesKind::Bar)
        .collect();
    let line_idx: Vec<usize> = (0..chart.series.len())
        .filter(|&i| chart.series[i].kind == SeriesKind::Line)
        .collect();
    // Bars and lines of different kinds (Rupiah and portions) measure different things: the
    // lines then get their own scale on the right instead of lying flat along the bars' zero.
    // Of the same kind (sales and target) they share one axis, so they compare honestly.
    let (left_idx, right_idx) =
        if bar_idx.is_empty() || line_idx.is_empty() || kind_of(&bar_idx) == kind_of(&line_idx) {
            ((0..chart.series.len()).collect::<Vec<_>>(), Vec::new())
        } else {
            (bar_idx.clone(), line_idx.clone())
        };
    let left_scale = Scale::new(&series, &left_idx, kind_of(&left_idx));
    let right_scale =
        (!right_idx.is_empty()).then(|| Scale::new(&series, &right_idx, kind_of(&right_idx)));
    let label_w = |s: &Scale| {
        s.labels
            .iter()
            .map(|l| p.fonts.regular.width(l, LABEL))
            .fold(0.0, f32::max)
    };
    let x0 = p.left() + label_w(&left_scale) + 6.0;
    let x1 = p.right() - right_scale.as_ref().map_or(0.0, |s| label_w(s) + 6.0);
    let to_y =
        |s: &Scale, v: f64| plot_bottom + ((v - s.min()) / (s.max() - s.min())) as f32 * PLOT_H;

    // Gridlines and y labels first, so bars and lines are drawn over them.
    for (t, label) in left_scale.ticks.iter().zip(&left_scale.labels) {
        let y = to_y(&left_scale, *t);
        p.hline(x0, x1, y, 0.3, RULE);
        p.text(
            label,
            x0 - 3.0,
            y - LABEL * 0.35,
            LABEL,
            false,
            GREY,
            Align::Right,
        );
    }
    if let Some(rs) = &right_scale {
        for (t, label) in rs.ticks.iter().zip(&rs.labels) {
            let y = to_y(rs, *t);
            p.text(
                label,
                x1 + 3.0,
                y - LABEL * 0.35,
                LABEL,
                false,
                GREY,
                Align::Left,
            );
        }
        p.polyline(&[(x1, plot_bottom), (x1, plot_top)], 0.8, GREY);
    }
    p.hline(x0, x1, to_y(&left_scale, 0.0), 0.8, GREY);
    p.polyline(&[(x0, plot_bottom), (x0, plot_top)], 0.8, GREY);
    let scale_of = |si: usize| match &right_scale {
        Some(rs) if right_idx.contains(&si) => rs,
        _ => &left_scale,
    };

    let n = categories.len();
    let slot = (x1 - x0) / n as f32;
    let bars = bar_idx;
    let bar_w = slot * 0.8 / bars.len().max(1) as f32;
    for (b, &si) in bars.iter().enumerate() {
        let color = PALETTE[si % PALETTE.len()];
        for (c, v) in series[si].iter().enumerate() {
            let Some(v) = v else { continue };
            let x = x0 + slot * c as f32 + slot * 0.1 + bar_w * b as f32;
            let sc = scale_of(si);
            let (a, z) = (to_y(sc, 0.0), to_y(sc, *v));
            p.fill_rect(x, a.min(z), bar_w, (z - a).abs(), color);
        }
    }
    for (si, s) in chart.series.iter().enumerate() {
        if s.kind != SeriesKind::Line {
            continue;
        }
        let color = PALETTE[si % PALETTE.len()];
        // A missing value breaks the line rather than dropping it to zero.
        let mut run: Vec<(f32, f32)> = Vec::new();
        for (c, v) in series[si].iter().enumerate() {
            let x = x0 + slot * (c as f32 + 0.5);
            match v {
                Some(v) => run.push((x, to_y(scale_of(si), *v))),
                None => p.polyline(&std::mem::take(&mut run), 1.4, color),
            }
        }
        p.polyline(&run, 1.4, color);
    }

    // Category labels: every k-th, so they never overlap.
    let widest = categories
        .iter()
        .map(|c| p.fonts.regular.width(c, LABEL))
        .fold(0.0, f32::max)
        .min(90.0);
    let every = ((widest + 4.0) / slot).ceil().max(1.0) as usize;
    let label_y = plot_bottom - 9.0;
    for (c, name) in categories.iter().enumerate().step_by(every) {
        let x = x0 + slot * (c as f32 + 0.5);
        let fitted = p.fonts.regular.fit(name, LABEL, slot * every as f32 - 2.0);
        p.text(&fitted, x, label_y, LABEL, false, GREY, Align::Center);
    }

    // Legend: a swatch and the column's header per series.
    let mut x = x0;
    let legend_y = plot_bottom - X_LABELS_H - 8.0;
    for (si, s) in chart.series.iter().enumerate() {
        let color = PALETTE[si % PALETTE.len()];
        let header = table
            .columns
            .get(s.column)
            .map_or("", |c| c.header.as_str());
        let name = if right_idx.contains(&si) {
            format!("{header} (sumbu kanan)")
        } else {
            header.to_owned()
        };
        let name = name.as_str();
        match s.kind {
            SeriesKind::Bar => p.fill_rect(x, legend_y, 8.0, 7.0, color),
            SeriesKind::Line => p.hline(x, x + 10.0, legend_y + 3.5, 1.4, color),
        }
        p.text(
            name,
            x + 13.0,
            legend_y + 0.5,
            LABEL + 0.5,
            false,
            BLACK,
            Align::Left,
        );
        x += 13.0 + p.fonts.regular.width(name, LABEL + 0.5) + 14.0;
    }
    p.y = legend_y - 10.0;
    Ok(())
}

/// One y axis: its round ticks and their labels.
struct Scale {
    ticks: Vec<f64>,
    labels: Vec<String>,
}

impl Scale {
    fn new(series: &[Vec<Option<f64>>], idx: &[usize], kind: CellKind) -> Scale {
        let values = idx
            .iter()
            .filter_map(|&i| series.get(i))
            .flatten()
            .flatten()
            .copied();
        let (lo, hi) = values.fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let ticks = ticks(lo, hi);
        let labels = ticks.iter().map(|&t| axis_label(t, kind)).collect();
        Scale { ticks, labels }
    }

    fn min(&self) -> f64 {
        self.ticks.first().copied().unwrap_or(0.0)
    }

    /// Never equal to `min`: `ticks` always returns at least two distinct values.
    fn max(&self) -> f64 {
        self.ticks.last().copied().unwrap_or(1.0)
    }
}

/// Round tick values covering `lo..=hi` (which include 0) on a 1-2-5 step, about five of them.
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = if hi - lo > 0.0 { hi - lo } else { 1.0 };
    let raw = span / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).floor() as i64;
    let last = ((if hi > lo { hi } else { lo + 1.0 }) / step).ceil() as i64;
    (first..=last.max(first + 1))
        .map(|i| i as f64 * step)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::ticks;

    #[test]
    fn ticks_are_round_and_cover_the_data() {
        assert_eq!(
            ticks(0.0, 1_000_000.0),
            vec![0.0, 200_000.0, 400_000.0, 600_000.0, 800_000.0, 1_000_000.0]
        );
        let t = ticks(-30.0, 95.0);
        assert!(t[0] <= -30.0 && *t.last().expect("ticks") >= 95.0);
        let flat = ticks(0.0, 0.0);
        assert_eq!(flat.first(), Some(&0.0));
        assert!(flat.len() >= 2 && *flat.last().expect("ticks") > 0.0);
    }
}
