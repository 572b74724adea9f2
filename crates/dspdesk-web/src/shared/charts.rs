//! Server-rendered SVG line charts: no JavaScript library, values on hover (<title>).

use std::fmt::Write;

pub struct Series<'a> {
    pub name: &'a str,
    pub class: &'a str,
    /// (label, value); `None` leaves a gap.
    pub points: Vec<(String, Option<f64>)>,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The plot area and the scale of a chart.
struct Frame {
    w: f64,
    h: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    /// Points along x.
    n: usize,
    lo: f64,
    hi: f64,
}

impl Frame {
    /// A frame whose y-axis is fitted to `values`, `n` points wide: whole percentage
    /// points within 0–100 for percentages, else a margin of a twentieth of the range
    /// (at least 1) each side, never below 0 for values that are not.
    fn fitted(values: &[f64], n: usize, percent: bool) -> Frame {
        let min = values.iter().cloned().fold(f64::INFINITY, f64::min);
        let max = values.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let pad = if percent {
            1.0
        } else {
            ((max - min) / 20.0).max(1.0)
        };
        let floor = if percent || min >= 0.0 { 0.0 } else { f64::MIN };
        let ceil = if percent { 100.0 } else { f64::MAX };
        let lo = (min - pad).floor().max(floor);
        let hi = (max + pad).ceil().min(ceil).max(lo + 1.0);
        Frame {
            w: 720.0,
            h: 220.0,
            left: 44.0,
            right: 28.0,
            top: 16.0,
            bottom: 28.0,
            n,
            lo,
            hi,
        }
    }

    fn x(&self, i: usize) -> f64 {
        let share = if self.n > 1 {
            i as f64 / (self.n - 1) as f64
        } else {
            0.5
        };
        self.left + (self.w - self.left - self.right) * share
    }

    fn y(&self, v: f64) -> f64 {
        self.top + (self.h - self.top - self.bottom) * (1.0 - (v - self.lo) / (self.hi - self.lo))
    }

    /// Five horizontal grid lines with their values.
    fn grid(&self, svg: &mut String) {
        for k in 0..=4 {
            let v = self.lo + (self.hi - self.lo) * k as f64 / 4.0;
            let _ = write!(
                svg,
                "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\"/><text class=\"axis\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{v:.0}</text>",
                self.left,
                self.w - self.right,
                self.y(v),
                self.y(v),
                self.left - 4.0,
                self.y(v) + 4.0
            );
        }
    }

    /// Every seventh label along x, and the last.
    fn labels(&self, svg: &mut String, points: &[(String, Option<f64>)]) {
        for (i, (label, _)) in points.iter().enumerate() {
            if i % 7 == 0 || i + 1 == self.n {
                let _ = write!(
                    svg,
                    "<text class=\"axis\" x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                    self.x(i),
                    self.h - 8.0,
                    esc(label)
                );
            }
        }
    }

    /// A series' line (a gap lifts the pen) and its points, each with its value on
    /// hover (`unit` after it).
    fn series(&self, svg: &mut String, s: &Series<'_>, unit: &str) {
        let mut d = String::new();
        let mut pen_down = false;
        for (i, (_, v)) in s.points.iter().enumerate() {
            match v {
                Some(v) => {
                    let pen = if pen_down { "L" } else { "M" };
                    let _ = write!(d, "{pen}{:.1},{:.1} ", self.x(i), self.y(*v));
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        let _ = write!(svg, "<path class=\"line {}\" d=\"{}\"/>", s.class, d.trim());
        for (i, (label, v)) in s.points.iter().enumerate() {
            if let Some(v) = v {
                let _ = write!(
                    svg,
                    "<circle class=\"dot {}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\"><title>{} {}: {v:.2}{unit}</title></circle>",
                    s.class,
                    self.x(i),
                    self.y(*v),
                    esc(label),
                    esc(s.name)
                );
            }
        }
    }
}

/// A line chart of percentages, its y-axis fitted to the data.
pub fn line_chart(title: &str, series: &[Series<'_>]) -> String {
    chart(title, series, true, &[])
}

/// A line chart of percentages with target lines (label, value), dashed across it;
/// the y-axis reaches every target.
pub fn line_chart_with_targets(
    title: &str,
    series: &[Series<'_>],
    targets: &[(&str, f64)],
) -> String {
    chart(title, series, true, targets)
}

/// A line chart of any values (DPMO, packages per route, a score), its y-axis fitted
/// to the data.
pub fn value_chart(title: &str, series: &[Series<'_>]) -> String {
    chart(title, series, false, &[])
}

fn chart(title: &str, series: &[Series<'_>], percent: bool, targets: &[(&str, f64)]) -> String {
    let mut values: Vec<f64> = series
        .iter()
        .flat_map(|s| s.points.iter().filter_map(|p| p.1))
        .filter(|v| v.is_finite())
        .collect();
    let has_data = !values.is_empty();
    values.extend(targets.iter().map(|t| t.1).filter(|v| v.is_finite()));
    let n = series.iter().map(|s| s.points.len()).max().unwrap_or(0);
    let frame = Frame::fitted(&values, n, percent);
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\"><title>{}</title>",
        frame.w,
        frame.h,
        esc(title),
        esc(title)
    );
    if !has_data || n == 0 {
        svg.push_str("<text x=\"50%\" y=\"50%\" text-anchor=\"middle\">no data</text></svg>");
        return svg;
    }
    frame.grid(&mut svg);
    if let Some(first) = series.first() {
        frame.labels(&mut svg, &first.points);
    }
    for (label, v) in targets.iter().filter(|t| t.1.is_finite()) {
        let _ = write!(
            svg,
            "<line class=\"target\" x1=\"{}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\"><title>{}: {v}</title></line><text class=\"target\" x=\"{}\" y=\"{:.1}\" text-anchor=\"start\">{}</text>",
            frame.left,
            frame.w - frame.right,
            frame.y(*v),
            frame.y(*v),
            esc(label),
            frame.left + 6.0,
            frame.y(*v) + 13.0,
            esc(label)
        );
    }
    for s in series {
        frame.series(&mut svg, s, if percent { "%" } else { "" });
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_have_hover_values_gaps_and_escaped_text() {
        let svg = line_chart(
            "DOT <daily>",
            &[Series {
                name: "DOT",
                class: "dot",
                points: vec![
                    ("a".into(), Some(90.0)),
                    ("b".into(), None),
                    ("c".into(), Some(95.5)),
                ],
            }],
        );
        assert!(svg.contains("<title>c DOT: 95.50%</title>"));
        assert!(svg.contains("DOT &lt;daily&gt;"));
        assert_eq!(
            svg.matches("M").count(),
            2,
            "a gap starts a new line: {svg}"
        );
        assert!(line_chart("x", &[]).contains("no data"));
        // A target line is drawn, labelled, and the axis reaches it.
        let with = line_chart_with_targets(
            "DOT",
            &[Series {
                name: "DOT",
                class: "s1",
                points: vec![("a".into(), Some(80.0)), ("b".into(), Some(82.0))],
            }],
            &[("DOT target 95%", 95.0)],
        );
        assert!(
            with.contains("class=\"target\"") && with.contains(">DOT target 95%<"),
            "{with}"
        );
        assert!(
            with.contains(">96<"),
            "the axis reaches past the target: {with}"
        );
        // Any values: DPMO far above 100 keeps its scale and has no percent sign.
        let dpmo = value_chart(
            "NL DPMO",
            &[Series {
                name: "NL",
                class: "s1",
                points: vec![("W1".into(), Some(1800.0)), ("W2".into(), Some(950.0))],
            }],
        );
        assert!(dpmo.contains("<title>W2 NL: 950.00</title>"), "{dpmo}");
        assert!(
            dpmo.contains(">1843<") && dpmo.contains(">907<"),
            "the axis fits 950–1800: {dpmo}"
        );
    }
}
