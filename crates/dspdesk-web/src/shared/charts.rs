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

/// A line chart of percentages, its y-axis fitted to the data.
pub fn line_chart(title: &str, series: &[Series<'_>]) -> String {
    let (w, h, left, right, top, bottom) = (720.0, 220.0, 44.0, 28.0, 16.0, 28.0);
    let values: Vec<f64> = series
        .iter()
        .flat_map(|s| s.points.iter().filter_map(|p| p.1))
        .collect();
    let n = series.iter().map(|s| s.points.len()).max().unwrap_or(0);
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\"><title>{}</title>",
        esc(title),
        esc(title)
    );
    if values.is_empty() || n == 0 {
        svg.push_str("<text x=\"50%\" y=\"50%\" text-anchor=\"middle\">no data</text></svg>");
        return svg;
    }
    let lo = (values.iter().cloned().fold(f64::INFINITY, f64::min) - 1.0)
        .floor()
        .max(0.0);
    let hi = (values.iter().cloned().fold(f64::NEG_INFINITY, f64::max) + 1.0)
        .ceil()
        .min(100.0)
        .max(lo + 1.0);
    let x = |i: usize| {
        left + (w - left - right)
            * if n > 1 {
                i as f64 / (n - 1) as f64
            } else {
                0.5
            }
    };
    let y = |v: f64| top + (h - top - bottom) * (1.0 - (v - lo) / (hi - lo));
    for k in 0..=4 {
        let v = lo + (hi - lo) * k as f64 / 4.0;
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{left}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\"/><text class=\"axis\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{v:.0}</text>",
            w - right,
            y(v),
            y(v),
            left - 4.0,
            y(v) + 4.0
        );
    }
    if let Some(first) = series.first() {
        for (i, (label, _)) in first.points.iter().enumerate() {
            if i % 7 == 0 || i + 1 == n {
                let _ = write!(
                    svg,
                    "<text class=\"axis\" x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                    x(i),
                    h - 8.0,
                    esc(label)
                );
            }
        }
    }
    for s in series {
        let mut d = String::new();
        let mut pen_down = false;
        for (i, (_, v)) in s.points.iter().enumerate() {
            match v {
                Some(v) => {
                    let _ = write!(
                        d,
                        "{}{:.1},{:.1} ",
                        if pen_down { "L" } else { "M" },
                        x(i),
                        y(*v)
                    );
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
                    "<circle class=\"dot {}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\"><title>{} {}: {v:.2}%</title></circle>",
                    s.class,
                    x(i),
                    y(*v),
                    esc(label),
                    esc(s.name)
                );
            }
        }
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
    }
}
