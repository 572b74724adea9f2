//! Improvement plans (MEPs), the rules of `metrics.md` ("Improvement plans (MEP)"): the
//! baseline of each metric over the 4 complete ISO weeks before the issue week, each
//! complete week after issue tracked (met, better than baseline), a plan not improving
//! when for 2 consecutive complete weeks no metric is better than its baseline, and due
//! on its review date. Pure: the caller passes the weeks' numbers and `today`.

use crate::Counts;
use crate::week::IsoWeek;
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// Which way a metric improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    Higher,
    Lower,
}

/// The metrics a plan can track and which way each improves: the daily metrics'
/// ratios, the health score and its components.
pub const PLAN_METRICS: [(&str, Direction); 8] = [
    ("dot_pct", Direction::Higher),
    ("dcr_pct", Direction::Higher),
    ("nl_dpmo", Direction::Lower),
    ("packages_per_route", Direction::Higher),
    ("cod_shortfall_pct", Direction::Lower),
    ("goal_p50_met_pct", Direction::Higher),
    ("compliance_pct", Direction::Higher),
    ("score", Direction::Higher),
];

/// A plan metric in words, for the partner's letter and screens.
pub fn label(metric: &str) -> &'static str {
    match metric {
        "dot_pct" => "On-time delivery (DOT), %",
        "dcr_pct" => "Delivery completion (DCR), %",
        "nl_dpmo" => "Packages lost (NL), per million",
        "packages_per_route" => "Packages per route",
        "cod_shortfall_pct" => "COD not remitted, % of COD due",
        "goal_p50_met_pct" => "Days at the route goal (P50), %",
        "compliance_pct" => "Mandatory documents valid, %",
        "score" => "Health score",
        _ => "",
    }
}

pub fn direction(metric: &str) -> Option<Direction> {
    PLAN_METRICS
        .iter()
        .find(|(m, _)| *m == metric)
        .map(|(_, d)| *d)
}

/// A daily metric's value from summed counts (`None` for a metric that is not one of
/// the daily ratios: the score and its components are weekly values).
pub fn from_counts(metric: &str, c: &Counts) -> Option<Option<f64>> {
    match metric {
        "dot_pct" => Some(c.dot_pct()),
        "dcr_pct" => Some(c.dcr_pct()),
        "nl_dpmo" => Some(c.nl_dpmo()),
        "packages_per_route" => Some(c.packages_per_route()),
        _ => None,
    }
}

/// The weeks a baseline reads: the 4 ISO weeks before the week of the issue date.
pub fn baseline_weeks(issued_on: NaiveDate) -> [IsoWeek; 4] {
    let monday = IsoWeek::of(issued_on).monday();
    [4, 3, 2, 1].map(|n| IsoWeek::of(monday - Duration::weeks(n)))
}

/// A metric's baseline, and how many of the 4 weeks had data (a new partner has
/// fewer: the baseline is over those it has, and with none there is no baseline and a
/// metric cannot be better than it).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Baseline {
    pub value: Option<f64>,
    pub weeks: usize,
}

/// The baseline of a daily metric: the ratio of the counts summed over the baseline
/// weeks that have data (never an average of weekly percentages).
pub fn baseline_from_counts(
    metric: &str,
    weeks: &[(IsoWeek, Counts)],
    issued_on: NaiveDate,
) -> Baseline {
    let wanted = baseline_weeks(issued_on);
    let mut sum = Counts::default();
    let mut n = 0;
    for (_, c) in weeks
        .iter()
        .filter(|(w, c)| wanted.contains(w) && c.dispatched > 0)
    {
        sum += *c;
        n += 1;
    }
    Baseline {
        value: if n == 0 {
            None
        } else {
            from_counts(metric, &sum).flatten()
        },
        weeks: n,
    }
}

/// The baseline of a weekly value (the score, a component): the mean of the baseline
/// weeks that have one.
pub fn baseline_from_values(weeks: &[(IsoWeek, Option<f64>)], issued_on: NaiveDate) -> Baseline {
    let wanted = baseline_weeks(issued_on);
    let vals: Vec<f64> = weeks
        .iter()
        .filter(|(w, _)| wanted.contains(w))
        .filter_map(|(_, v)| *v)
        .collect();
    Baseline {
        value: (!vals.is_empty()).then(|| vals.iter().sum::<f64>() / vals.len() as f64),
        weeks: vals.len(),
    }
}

/// Whether a value reaches its target.
pub fn met(dir: Direction, value: Option<f64>, target: f64) -> bool {
    match (dir, value) {
        (Direction::Higher, Some(v)) => v >= target,
        (Direction::Lower, Some(v)) => v <= target,
        (_, None) => false,
    }
}

/// Whether a value is strictly better than its baseline.
pub fn better(dir: Direction, value: Option<f64>, baseline: Option<f64>) -> bool {
    match (dir, value, baseline) {
        (Direction::Higher, Some(v), Some(b)) => v > b,
        (Direction::Lower, Some(v), Some(b)) => v < b,
        _ => false,
    }
}

/// Where a plan stands, as the data says (a person moves it to `extended` or
/// `closed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// No complete week tracked yet.
    Waiting,
    OnTrack,
    NotImproving,
    /// Every metric met its target in the last complete week.
    Met,
}

/// One tracked week: each metric's value, met, better than its baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekLine {
    pub week: IsoWeek,
    pub values: Vec<Option<f64>>,
    pub met: Vec<bool>,
    pub better: Vec<bool>,
}

/// A plan's evaluation on `today`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub standing: Standing,
    /// The first week of the run of weeks (2 or more, up to the last) with no metric
    /// better than its baseline.
    pub not_improving_since: Option<IsoWeek>,
    /// The review date has come.
    pub due: bool,
    pub weeks: Vec<WeekLine>,
}

/// A metric of a plan, with its target and baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tracked {
    pub metric: String,
    pub direction: Direction,
    pub target: f64,
    pub baseline: Baseline,
}

/// Evaluates a plan over its complete weeks after issue (`weeks`, in order, each with
/// one value per metric), on `today`, with its review date (as extended, if it was).
pub fn evaluate(
    metrics: &[Tracked],
    weeks: &[(IsoWeek, Vec<Option<f64>>)],
    review_on: NaiveDate,
    today: NaiveDate,
) -> Evaluation {
    let lines: Vec<WeekLine> = weeks
        .iter()
        .map(|(week, values)| WeekLine {
            week: *week,
            met: metrics
                .iter()
                .zip(values)
                .map(|(m, v)| met(m.direction, *v, m.target))
                .collect(),
            better: metrics
                .iter()
                .zip(values)
                .map(|(m, v)| better(m.direction, *v, m.baseline.value))
                .collect(),
            values: values.clone(),
        })
        .collect();
    // Weeks without any number (no data) neither stall a plan nor break a stall.
    let known: Vec<&WeekLine> = lines
        .iter()
        .filter(|l| l.values.iter().any(Option::is_some))
        .collect();
    let stalled = |l: &WeekLine| !l.better.iter().any(|b| *b);
    // The first week of the stalled run that ends the plan, once it is 2 weeks long.
    let run = known.iter().rev().take_while(|l| stalled(l)).count();
    let not_improving_since = (run >= 2).then(|| known[known.len() - run].week);
    let standing = match known.last().copied() {
        None => Standing::Waiting,
        Some(l) if !l.met.is_empty() && l.met.iter().all(|m| *m) => Standing::Met,
        Some(_) if not_improving_since.is_some() => Standing::NotImproving,
        Some(_) => Standing::OnTrack,
    };
    Evaluation {
        standing,
        not_improving_since,
        due: today >= review_on,
        weeks: lines,
    }
}

#[cfg(test)]
mod tests;
