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
    /// The distance between two grid lines: 1, 2, 2.5 or 5 times a power of ten.
    step: f64,
}

/// A step for about four intervals over `range` that people read easily: 1, 2, 2.5 or
/// 5 times a power of ten.
fn nice_step(range: f64) -> f64 {
    let raw = (range / 4.0).max(f64::MIN_POSITIVE);
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| *s >= raw * 0.999_999)
        .unwrap_or(10.0 * power)
}

/// The axis `lo..hi` and its step for `values`: a margin of a twentieth of the range
/// each side, then out to whole steps; within 0–100 for percentages, never below 0 for
/// values that are not.
fn axis(values: &[f64], percent: bool) -> (f64, f64, f64) {
    let min = values.iter().cloned().fold(f64::INFINITY, f64::min);
    let max = values.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let span = (max - min).max(if percent { 2.0 } else { 1.0 });
    let pad = span / 20.0;
    let mut step = nice_step(span + 2.0 * pad);
    // Counts (routes, packages) step by whole numbers.
    if !percent && values.iter().all(|v| v.fract() == 0.0) {
        step = step.max(1.0);
    }
    let floor = if percent || min >= 0.0 { 0.0 } else { f64::MIN };
    let ceil = if percent { 100.0 } else { f64::MAX };
    let lo = (((min - pad) / step).floor() * step).max(floor);
    let hi = (((max + pad) / step).ceil() * step)
        .min(ceil)
        .max(lo + step);
    (lo, hi, step)
}

impl Frame {
    /// A frame whose y-axis is fitted to `values` with readable ticks, `n` points wide.
    fn fitted(values: &[f64], n: usize, percent: bool) -> Frame {
        let (lo, hi, step) = axis(values, percent);
        // Room on the left for the widest tick label (12,50,000).
        let widest = [lo, hi]
            .iter()
            .map(|v| tick(*v, step).chars().count())
            .max()
            .unwrap_or(3);
        Frame {
            w: 720.0,
            h: 220.0,
            // Wide enough for the larger type a phone shows (app.css).
            left: (widest as f64 * 10.5 + 14.0).max(40.0),
            right: 28.0,
            top: 16.0,
            bottom: 28.0,
            n,
            lo,
            hi,
            step,
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

    /// A horizontal grid line at each step, with its value.
    fn grid(&self, svg: &mut String) {
        let steps = ((self.hi - self.lo) / self.step).round() as usize;
        for k in 0..=steps.min(20) {
            let v = self.lo + self.step * k as f64;
            let _ = write!(
                svg,
                "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\"/><text class=\"axis\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                self.left,
                self.w - self.right,
                self.y(v),
                self.y(v),
                self.left - 4.0,
                self.y(v) + 4.0,
                tick(v, self.step)
            );
        }
    }

    /// Labels along x: every one of a week's days, every other of a dozen weeks, every
    /// seventh of a longer run of days; and the last.
    fn labels(&self, svg: &mut String, points: &[(String, Option<f64>)]) {
        let every = match self.n {
            0..=8 => 1,
            9..=16 => 2,
            _ => 7,
        };
        for (i, (label, _)) in points.iter().enumerate() {
            if i % every == 0 || (i + 1 == self.n && i % every >= every / 2) {
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

/// A tick's value: whole numbers grouped (1,500), decimals only where the step has them.
fn tick(v: f64, step: f64) -> String {
    if step.fract().abs() < 1e-9 && v.abs() < 1e15 {
        dspdesk_core::display::count(v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// The dashed goal lines of a daily-routes chart, labelled in whole routes: one line
/// when the P50 and P90 ask the same number of routes.
pub fn goal_lines(p50: f64, p90: f64) -> Vec<(String, f64)> {
    let whole = |x: f64| dspdesk_core::display::goal_routes(Some(x));
    if whole(p50) == whole(p90) {
        vec![(format!("P50 and P90 goal {}", whole(p50)), p50)]
    } else {
        vec![
            (format!("P50 goal {}", whole(p50)), p50),
            (format!("P90 goal {}", whole(p90)), p90),
        ]
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

/// A line chart of any values with target lines (label, value), such as daily routes
/// against the P50 and P90 goals.
pub fn value_chart_with_targets(
    title: &str,
    series: &[Series<'_>],
    targets: &[(&str, f64)],
) -> String {
    chart(title, series, false, targets)
}

/// A horizontal bar per (label, value), from a zero line (negative values to its left
/// in the loss colour), each with its value written beside it; `unit` follows values.
pub fn bar_chart(title: &str, bars: &[(String, Option<f64>)], unit: &str) -> String {
    let known: Vec<f64> = bars
        .iter()
        .filter_map(|b| b.1)
        .filter(|v| v.is_finite())
        .collect();
    let row = 24.0;
    let (w, left, right, top) = (720.0, 150.0, 70.0, 8.0);
    let h = top * 2.0 + row * bars.len().max(1) as f64;
    let mut svg = format!(
        "<svg class=\"chart bars\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\"><title>{}</title>",
        esc(title),
        esc(title)
    );
    if known.is_empty() {
        svg.push_str("<text x=\"50%\" y=\"50%\" text-anchor=\"middle\">no data</text></svg>");
        return svg;
    }
    let lo = known.iter().cloned().fold(0.0, f64::min);
    let hi = known.iter().cloned().fold(0.0, f64::max);
    let span = (hi - lo).max(f64::MIN_POSITIVE);
    let x = |v: f64| left + (w - left - right) * (v - lo) / span;
    let _ = write!(
        svg,
        "<line class=\"grid\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{top}\" y2=\"{:.1}\"/>",
        x(0.0),
        x(0.0),
        h - top
    );
    for (i, (label, v)) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let _ = write!(
            svg,
            "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left - 6.0,
            y + row * 0.65,
            esc(label)
        );
        let Some(v) = v.filter(|v| v.is_finite()) else {
            continue;
        };
        let (a, b) = if v < 0.0 {
            (x(v), x(0.0))
        } else {
            (x(0.0), x(v))
        };
        let _ = write!(
            svg,
            "<rect class=\"bar{}\" x=\"{a:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{}: {}{unit}</title></rect><text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\">{}{unit}</text>",
            if v < 0.0 { " loss" } else { "" },
            y + 4.0,
            (b - a).max(1.0),
            row - 8.0,
            esc(label),
            dspdesk_core::display::one_decimal(v),
            b.max(x(0.0)) + 4.0,
            y + row * 0.65,
            dspdesk_core::display::one_decimal(v),
        );
    }
    svg.push_str("</svg>");
    svg
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
            with.contains(">100<") && with.contains(">75<") && !with.contains(">96<"),
            "the axis reaches past the target in steps of 5: {with}"
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
            dpmo.contains(">750<") && dpmo.contains(">1,000<") && dpmo.contains(">2,000<"),
            "the axis fits 950–1800 in steps of 250: {dpmo}"
        );
    }

    #[test]
    fn axis_ticks_are_round_steps() {
        assert_eq!(nice_step(4.0), 1.0);
        assert_eq!(nice_step(7.0), 2.0);
        assert_eq!(nice_step(9.0), 2.5);
        assert_eq!(nice_step(17.0), 5.0);
        assert_eq!(nice_step(3000.0), 1000.0);
        assert_eq!(nice_step(0.4), 0.1);
        // Percentages stay within 0–100.
        let (lo, hi, step) = axis(&[97.0, 99.5], true);
        assert!(
            lo >= 0.0 && hi <= 100.0 && (hi - 100.0).abs() < 1e-9,
            "{lo} {hi} {step}"
        );
        // Daily routes from 0: the axis starts at 0 and ends on a step.
        let (lo, hi, step) = axis(&[0.0, 13.0, 9.0], false);
        assert_eq!((lo, hi, step), (0.0, 15.0, 5.0));
        // A count never steps by a fraction of one.
        let (lo, hi, step) = axis(&[1.0, 2.0, 1.0], false);
        assert_eq!((lo, hi, step), (0.0, 3.0, 1.0));
    }

    #[test]
    fn equal_goals_draw_one_line() {
        assert_eq!(
            goal_lines(1.5, 2.0),
            vec![("P50 and P90 goal 2".to_owned(), 1.5)]
        );
        assert_eq!(goal_lines(3.0, 6.0).len(), 2);
    }

    #[test]
    fn bars_go_both_ways_from_zero() {
        let svg = bar_chart(
            "Margin",
            &[
                ("8h van".into(), Some(12.5)),
                ("4h bike".into(), Some(-3.0)),
                ("x".into(), None),
            ],
            "%",
        );
        assert!(svg.contains("<title>8h van: 12.5%</title>"), "{svg}");
        assert!(svg.contains("class=\"bar loss\""), "{svg}");
        assert_eq!(
            svg.matches("<rect").count(),
            2,
            "no bar for no value: {svg}"
        );
        assert!(bar_chart("x", &[], "").contains("no data"));
    }
}
