//! The pure rules of the network health score (`metrics.md`, "Network health score"):
//! component scores, the weighted score with renormalisation, tiers and caps, the
//! robust z-score of unusual days, and their versioned configuration.

use crate::goals::percentile_inc;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The largest weight a component may have: weights are relative, and bounding them
/// keeps every weighted sum finite.
pub const MAX_WEIGHT: f64 = 1000.0;
/// The largest floor, target or threshold in absolute value (DPMO reaches a million).
pub const MAX_SETTING: f64 = 1e9;

/// One component's rule: 0 at `floor`, 100 at `target`, linear between, clamped.
/// A target below the floor means lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    pub weight: f64,
    pub floor: f64,
    pub target: f64,
}

impl Component {
    pub fn score(&self, value: f64) -> f64 {
        if self.target == self.floor {
            return if value >= self.target { 100.0 } else { 0.0 };
        }
        (100.0 * (value - self.floor) / (self.target - self.floor)).clamp(0.0, 100.0)
    }
}

/// The weighted mean of the components that have data; the weights of the others are
/// left out and the rest renormalised. `None` when no component has data.
/// A score rounded to one decimal, half away from zero, as written: 69.99999999999997
/// (what 70 computes as) is 70.0 and 70.05 is 70.1. The binary noise below nine places is
/// dropped first, so the half is the decimal half.
pub fn round_score(score: f64) -> f64 {
    if !score.is_finite() {
        return score;
    }
    let written = format!("{score:.9}");
    written
        .parse::<rust_decimal::Decimal>()
        .ok()
        .map(|d| d.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
        .and_then(|d| rust_decimal::prelude::ToPrimitive::to_f64(&d))
        .unwrap_or(score)
}

pub fn weighted_score(parts: &[(Component, Option<f64>)]) -> Option<f64> {
    let (sum, weights) = parts
        .iter()
        .filter_map(|(c, v)| v.map(|v| (c.score(v) * c.weight, c.weight)))
        .fold((0.0, 0.0), |(s, w), (x, cw)| (s + x, w + cw));
    (weights > 0.0).then(|| sum / weights)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Poor,
    Fair,
    Great,
    Fantastic,
    FantasticPlus,
}

impl Tier {
    pub const ALL: [Tier; 5] = [
        Tier::Poor,
        Tier::Fair,
        Tier::Great,
        Tier::Fantastic,
        Tier::FantasticPlus,
    ];

    pub fn parse(raw: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.as_str() == raw)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Poor => "poor",
            Tier::Fair => "fair",
            Tier::Great => "great",
            Tier::Fantastic => "fantastic",
            Tier::FantasticPlus => "fantastic_plus",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Tier::Poor => "Poor",
            Tier::Fair => "Fair",
            Tier::Great => "Great",
            Tier::Fantastic => "Fantastic",
            Tier::FantasticPlus => "Fantastic+",
        }
    }
}

/// Tiers by score (`fantastic_plus` ≥ 93, `fantastic` ≥ 85, `great` ≥ 70, `fair` ≥ 40),
/// capped at `fair` when a mandatory document or bank guarantee has lapsed.
pub fn tier(score: f64, lapsed_mandatory: bool) -> Tier {
    Tiers::default().tier(score, lapsed_mandatory.then_some(Tier::Fair))
}

/// The lowest score of each tier above `poor`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tiers {
    pub fantastic_plus: f64,
    pub fantastic: f64,
    pub great: f64,
    pub fair: f64,
}

impl Default for Tiers {
    fn default() -> Self {
        Tiers {
            fantastic_plus: 93.0,
            fantastic: 85.0,
            great: 70.0,
            fair: 40.0,
        }
    }
}

impl Tiers {
    /// The tier of a score, no higher than `cap` when one applies.
    pub fn tier(&self, score: f64, cap: Option<Tier>) -> Tier {
        let t = if score >= self.fantastic_plus {
            Tier::FantasticPlus
        } else if score >= self.fantastic {
            Tier::Fantastic
        } else if score >= self.great {
            Tier::Great
        } else if score >= self.fair {
            Tier::Fair
        } else {
            Tier::Poor
        };
        cap.map_or(t, |c| t.min(c))
    }
}

/// A component of the health score, named as in `metrics.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreComponent {
    DotPct,
    DcrPct,
    NlDpmo,
    CodShortfallPct,
    GoalP50MetPct,
    CompliancePct,
}

impl ScoreComponent {
    /// In the order of `metrics.md`.
    pub const ALL: [ScoreComponent; 6] = [
        ScoreComponent::DotPct,
        ScoreComponent::DcrPct,
        ScoreComponent::NlDpmo,
        ScoreComponent::CodShortfallPct,
        ScoreComponent::GoalP50MetPct,
        ScoreComponent::CompliancePct,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ScoreComponent::DotPct => "dot_pct",
            ScoreComponent::DcrPct => "dcr_pct",
            ScoreComponent::NlDpmo => "nl_dpmo",
            ScoreComponent::CodShortfallPct => "cod_shortfall_pct",
            ScoreComponent::GoalP50MetPct => "goal_p50_met_pct",
            ScoreComponent::CompliancePct => "compliance_pct",
        }
    }

    pub fn parse(raw: &str) -> Option<ScoreComponent> {
        ScoreComponent::ALL.into_iter().find(|c| c.as_str() == raw)
    }
}

impl std::fmt::Display for ScoreComponent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// The components' names, in the order of `metrics.md`.
pub const COMPONENTS: [&str; 6] = [
    ScoreComponent::DotPct.as_str(),
    ScoreComponent::DcrPct.as_str(),
    ScoreComponent::NlDpmo.as_str(),
    ScoreComponent::CodShortfallPct.as_str(),
    ScoreComponent::GoalP50MetPct.as_str(),
    ScoreComponent::CompliancePct.as_str(),
];

/// One version of the health score's configuration: components, tiers, caps and the
/// rules of the lists (defaulting, bottom, unusual days, goal shortfalls). Every field
/// defaults to `metrics.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScoreConfig {
    /// The first day (a Monday) of the first week this version scores.
    pub effective_from: NaiveDate,
    pub components: BTreeMap<String, Component>,
    pub tiers: Tiers,
    /// The highest tier a partner with a lapsed mandatory document or bank guarantee
    /// may have.
    pub lapsed_mandatory_cap: Tier,
    pub defaulting: Defaulting,
    pub bottom: Bottom,
    pub unusual: Unusual,
    pub goals: GoalRules,
    /// The thresholds of the cases opened from the data.
    pub cases: crate::cases::CaseRules,
}

/// **Defaulting on DOT**: `dot_pct` below `dot_target` on at least `days` of the last
/// `window` days with dispatches.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Defaulting {
    pub dot_target: f64,
    pub days: usize,
    pub window: usize,
}

/// **Consistently bottom**: in the bottom `share_pct` of the network's scores in at
/// least `weeks` of the last `of_last` weeks.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Bottom {
    pub share_pct: f64,
    pub weeks: usize,
    pub of_last: usize,
}

/// **Unusual days**: a robust z-score against the partner's own trailing days.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Unusual {
    pub window_days: u32,
    /// Fewer days of history than this: no judgement.
    pub min_days: usize,
    /// `|0.6745 * (x - median) / MAD|` at or above this is unusual.
    pub threshold: f64,
    /// The smallest MAD used, in percentage points, so a partner that is always at
    /// 100% is not flagged for one package.
    pub mad_floor: f64,
}

/// Route goals: the suggestion window and when a week's attainment is a shortfall.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GoalRules {
    pub window_days: u32,
    /// A partner × station week with `goal_p50_met_pct` below this is a shortfall.
    pub shortfall_below_pct: f64,
}

impl Default for Defaulting {
    fn default() -> Self {
        Defaulting {
            dot_target: 95.0,
            days: 3,
            window: 7,
        }
    }
}
impl Default for Bottom {
    fn default() -> Self {
        Bottom {
            share_pct: 10.0,
            weeks: 4,
            of_last: 6,
        }
    }
}
impl Default for Unusual {
    fn default() -> Self {
        Unusual {
            window_days: 28,
            min_days: 7,
            threshold: 3.5,
            mad_floor: 1.0,
        }
    }
}
impl Default for GoalRules {
    fn default() -> Self {
        GoalRules {
            window_days: 28,
            shortfall_below_pct: 50.0,
        }
    }
}

impl Default for ScoreConfig {
    fn default() -> Self {
        let c = |weight, floor, target| Component {
            weight,
            floor,
            target,
        };
        let components = [
            ("dot_pct", c(30.0, 85.0, 98.0)),
            ("dcr_pct", c(20.0, 95.0, 99.5)),
            ("nl_dpmo", c(15.0, 2000.0, 100.0)),
            ("cod_shortfall_pct", c(10.0, 5.0, 0.0)),
            ("goal_p50_met_pct", c(15.0, 50.0, 100.0)),
            ("compliance_pct", c(10.0, 80.0, 100.0)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        ScoreConfig {
            effective_from: NaiveDate::from_ymd_opt(2000, 1, 3).expect("a Monday"),
            components,
            tiers: Tiers::default(),
            lapsed_mandatory_cap: Tier::Fair,
            defaulting: Defaulting::default(),
            bottom: Bottom::default(),
            unusual: Unusual::default(),
            goals: GoalRules::default(),
            cases: crate::cases::CaseRules::default(),
        }
    }
}

impl ScoreConfig {
    /// Parses and validates a TOML document. Components not named keep their defaults;
    /// a component can be switched off with `weight = 0`.
    pub fn from_toml(text: &str) -> Result<ScoreConfig, String> {
        let mut raw: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        // Merge the named components over the defaults, so a file can change one.
        let mut components = ScoreConfig::default().components;
        let given = match raw.remove("components") {
            None => None,
            Some(toml::Value::Table(t)) => Some(t),
            Some(_) => return Err("components must be a table: [components.dot_pct] …".into()),
        };
        if let Some(given) = given {
            for (name, value) in given {
                if !COMPONENTS.contains(&name.as_str()) {
                    return Err(format!(
                        "components.{name}: not a component; the components are {}",
                        COMPONENTS.join(", ")
                    ));
                }
                let c: Component = value
                    .try_into()
                    .map_err(|e| format!("components.{name}: {e}"))?;
                components.insert(name, c);
            }
        }
        let mut cfg: ScoreConfig = toml::Value::Table(raw)
            .try_into()
            .map_err(|e: toml::de::Error| e.to_string())?;
        cfg.components = components;
        cfg.validate()?;
        Ok(cfg)
    }

    /// The configuration as a TOML document `from_toml` reads back the same.
    pub fn to_toml(&self) -> Result<String, String> {
        toml::to_string(self).map_err(|e| format!("cannot write the configuration: {e}"))
    }

    /// This configuration with some settings changed, each named by its TOML path
    /// (`components.dot_pct.weight`, `tiers.fantastic`, `effective_from`) and given as
    /// typed in a form; the result is validated. An error names the setting.
    pub fn with_edits(&self, edits: &[(String, String)]) -> Result<ScoreConfig, String> {
        let mut doc: toml::Table = toml::from_str(&self.to_toml()?)
            .map_err(|e| format!("cannot read the configuration back: {e}"))?;
        let mut errors = Vec::new();
        for (path, raw) in edits {
            let raw = raw.trim();
            let mut keys = path.split('.').peekable();
            let mut table = &mut doc;
            let mut slot = None;
            while let Some(k) = keys.next() {
                if keys.peek().is_none() {
                    slot = table.get_mut(k);
                    break;
                }
                match table.get_mut(k) {
                    Some(toml::Value::Table(t)) => table = t,
                    _ => break,
                }
            }
            let Some(slot) = slot else {
                errors.push(format!("{path}: not a setting of the health score"));
                continue;
            };
            let parsed = match slot {
                toml::Value::Float(_) => raw
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .map(toml::Value::Float),
                toml::Value::Integer(_) => raw.parse::<i64>().ok().map(toml::Value::Integer),
                toml::Value::Boolean(_) => raw.parse::<bool>().ok().map(toml::Value::Boolean),
                toml::Value::String(_) => Some(toml::Value::String(raw.to_owned())),
                _ => None,
            };
            match parsed {
                Some(v) => *slot = v,
                None => errors.push(format!(
                    "{path}: {raw:?} is not {}",
                    match slot {
                        toml::Value::Integer(_) => "a whole number",
                        toml::Value::Boolean(_) => "true or false",
                        _ => "a number",
                    }
                )),
            }
        }
        if !errors.is_empty() {
            return Err(errors.join("; "));
        }
        let text = toml::to_string(&doc).map_err(|e| e.to_string())?;
        ScoreConfig::from_toml(&text)
    }

    pub fn validate(&self) -> Result<(), String> {
        let mut errors = Vec::new();
        use chrono::Datelike;
        if self.effective_from.weekday() != chrono::Weekday::Mon {
            errors.push(format!(
                "effective_from: {} is a {}; a version starts on the Monday of an ISO week",
                self.effective_from,
                self.effective_from.weekday()
            ));
        }
        let finite = [
            ("defaulting.dot_target", self.defaulting.dot_target),
            ("bottom.share_pct", self.bottom.share_pct),
            ("unusual.threshold", self.unusual.threshold),
            ("unusual.mad_floor", self.unusual.mad_floor),
            ("goals.shortfall_below_pct", self.goals.shortfall_below_pct),
            ("tiers.fantastic_plus", self.tiers.fantastic_plus),
            ("tiers.fantastic", self.tiers.fantastic),
            ("tiers.great", self.tiers.great),
            ("tiers.fair", self.tiers.fair),
        ];
        for (key, v) in finite {
            if !v.is_finite() || v.abs() > MAX_SETTING {
                errors.push(format!(
                    "{key} must be a number between -{MAX_SETTING} and {MAX_SETTING}"
                ));
            }
        }
        for (name, c) in &self.components {
            let out = |v: f64| !v.is_finite() || v.abs() > MAX_SETTING;
            if out(c.floor) || out(c.target) {
                errors.push(format!(
                    "components.{name}: floor and target must be numbers between -{MAX_SETTING} and {MAX_SETTING}"
                ));
            }
            if !(0.0..=MAX_WEIGHT).contains(&c.weight) {
                errors.push(format!(
                    "components.{name}.weight must be between 0 and {MAX_WEIGHT}"
                ));
            }
            if c.floor == c.target {
                errors.push(format!(
                    "components.{name}: floor and target are both {}; they must differ",
                    c.floor
                ));
            }
        }
        if self.components.values().all(|c| c.weight == 0.0) {
            errors.push("every component has weight 0; nothing would be scored".into());
        }
        let t = &self.tiers;
        if !(t.fantastic_plus >= t.fantastic && t.fantastic >= t.great && t.great >= t.fair) {
            errors.push(
                "tiers must not decrease: fantastic_plus >= fantastic >= great >= fair".into(),
            );
        }
        if self.defaulting.days == 0 || self.defaulting.days > self.defaulting.window {
            errors.push("defaulting.days must be between 1 and defaulting.window".into());
        }
        if self.bottom.weeks == 0 || self.bottom.weeks > self.bottom.of_last {
            errors.push("bottom.weeks must be between 1 and bottom.of_last".into());
        }
        if !(0.0..=100.0).contains(&self.bottom.share_pct) {
            errors.push("bottom.share_pct must be between 0 and 100".into());
        }
        if self.unusual.window_days == 0 || self.goals.window_days == 0 {
            errors.push("unusual.window_days and goals.window_days must be at least 1".into());
        }
        errors.extend(self.cases.check());
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("\n"))
        }
    }

    pub fn component(&self, name: &str) -> Option<Component> {
        self.components
            .get(name)
            .copied()
            .filter(|c| c.weight > 0.0)
    }

    /// The score of a week from its component values, exact: the contributions add up to
    /// it. It is tiered and ranked rounded (`round_score`).
    pub fn score(&self, values: &BTreeMap<String, Option<f64>>) -> Option<f64> {
        let parts: Vec<(Component, Option<f64>)> = COMPONENTS
            .iter()
            .filter_map(|name| Some((self.component(name)?, values.get(*name).copied().flatten())))
            .collect();
        weighted_score(&parts)
    }

    /// The components with data, with their values, and the sum of their weights.
    fn present(
        &self,
        values: &BTreeMap<String, Option<f64>>,
    ) -> (Vec<(&'static str, Component, f64)>, f64) {
        let present: Vec<(&'static str, Component, f64)> = COMPONENTS
            .iter()
            .filter_map(|name| {
                let c = self.component(name)?;
                Some((*name, c, values.get(*name).copied().flatten()?))
            })
            .collect();
        let total = present.iter().map(|(_, c, _)| c.weight).sum();
        (present, total)
    }

    /// Each component's share of the score: `weight * score / (sum of weights present)`.
    /// They add up to the score.
    pub fn contributions(&self, values: &BTreeMap<String, Option<f64>>) -> BTreeMap<String, f64> {
        let (present, total) = self.present(values);
        present
            .into_iter()
            .map(|(n, c, v)| (n.to_owned(), c.weight * c.score(v) / total))
            .collect()
    }

    /// What there is to gain: for each component with data, the points the score would
    /// gain were it at its target (the rest unchanged), with the target; most points
    /// first, components already at target left out.
    pub fn headroom(&self, values: &BTreeMap<String, Option<f64>>) -> Vec<Headroom> {
        let (present, total) = self.present(values);
        let mut out: Vec<Headroom> = present
            .into_iter()
            .filter(|_| total > 0.0)
            .map(|(n, c, v)| Headroom {
                component: n.to_owned(),
                value: v,
                target: c.target,
                points: c.weight * (100.0 - c.score(v)) / total,
            })
            .filter(|h| h.points >= 0.05)
            .collect();
        out.sort_by(|a, b| b.points.total_cmp(&a.points));
        out
    }
}

/// Points a component could add to the score (see [`ScoreConfig::headroom`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Headroom {
    pub component: String,
    pub value: f64,
    pub target: f64,
    pub points: f64,
}

/// The median of values (`None` for none).
pub fn median(values: &[f64]) -> Option<f64> {
    percentile_inc(values, 0.5)
}

/// The robust z-score of `x` against `history`: `0.6745 * (x - median) / MAD`, with
/// the MAD no smaller than `mad_floor`. `None` with too little history.
pub fn robust_z(x: f64, history: &[f64], min_days: usize, mad_floor: f64) -> Option<f64> {
    if history.len() < min_days.max(1) {
        return None;
    }
    let med = median(history)?;
    let deviations: Vec<f64> = history.iter().map(|v| (v - med).abs()).collect();
    let mad = median(&deviations)?.max(mad_floor);
    if mad <= 0.0 {
        return None;
    }
    Some(0.6745 * (x - med) / mad)
}

/// "Consistently bottom": in the bottom `share` of the network's scores in at least
/// `m` of the last weeks given (oldest first). Each week: a flag per partner.
pub fn consistently_bottom(weeks_in_bottom: &[bool], m: usize) -> bool {
    weeks_in_bottom.iter().filter(|b| **b).count() >= m
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_configuration_round_trips_through_toml_and_takes_form_edits() {
        let cfg = super::ScoreConfig::default();
        let text = cfg.to_toml().unwrap();
        assert_eq!(super::ScoreConfig::from_toml(&text).unwrap(), cfg);
        let edited = cfg
            .with_edits(&[
                ("components.dot_pct.weight".into(), " 40 ".into()),
                ("tiers.fantastic".into(), "86.5".into()),
                ("defaulting.days".into(), "4".into()),
            ])
            .unwrap();
        assert_eq!(edited.components["dot_pct"].weight, 40.0);
        assert_eq!(edited.tiers.fantastic, 86.5);
        assert_eq!(edited.defaulting.days, 4);
        assert_eq!(edited.bottom, cfg.bottom, "what the form left alone stays");
        let err = cfg
            .with_edits(&[
                ("components.dot_pct.weight".into(), "forty".into()),
                ("defaulting.days".into(), "3.5".into()),
                ("tiers.legendary".into(), "99".into()),
            ])
            .unwrap_err();
        assert!(
            err.contains("components.dot_pct.weight: \"forty\" is not a number"),
            "{err}"
        );
        assert!(
            err.contains("defaulting.days: \"3.5\" is not a whole number"),
            "{err}"
        );
        assert!(err.contains("tiers.legendary: not a setting"), "{err}");
        // The result is validated like a file: tiers out of order are refused.
        let err = cfg
            .with_edits(&[("tiers.fair".into(), "99".into())])
            .unwrap_err();
        assert!(err.contains("tiers"), "{err}");
    }

    use super::*;

    #[test]
    fn percentile_inc_matches_excel() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile_inc(&v, 0.5), Some(2.5));
        assert!((percentile_inc(&v, 0.9).unwrap() - 3.7).abs() < 1e-12);
        assert_eq!(percentile_inc(&v, 0.0), Some(1.0));
        assert_eq!(percentile_inc(&v, 1.0), Some(4.0));
        assert_eq!(percentile_inc(&[7.0], 0.9), Some(7.0), "one day of data");
        assert_eq!(percentile_inc(&[], 0.5), None);
        assert_eq!(
            percentile_inc(&[0.0, 0.0, 10.0], 0.5),
            Some(0.0),
            "zero-route days count"
        );
    }

    #[test]
    fn components_clamp_and_reverse() {
        let dot = Component {
            weight: 30.0,
            floor: 85.0,
            target: 98.0,
        };
        assert_eq!(dot.score(98.0), 100.0);
        assert_eq!(dot.score(85.0), 0.0);
        assert_eq!(dot.score(70.0), 0.0);
        assert!((dot.score(91.5) - 50.0).abs() < 1e-9);
        let nl = Component {
            weight: 15.0,
            floor: 2000.0,
            target: 100.0,
        };
        assert_eq!(nl.score(50.0), 100.0, "lower is better");
        assert!((nl.score(1050.0) - 50.0).abs() < 1e-9);
    }

    #[test]
    fn missing_components_are_left_out_and_weights_renormalised() {
        let dot = Component {
            weight: 30.0,
            floor: 85.0,
            target: 98.0,
        };
        let dcr = Component {
            weight: 20.0,
            floor: 95.0,
            target: 99.5,
        };
        assert_eq!(
            weighted_score(&[(dot, Some(98.0)), (dcr, None)]),
            Some(100.0)
        );
        let s = weighted_score(&[(dot, Some(98.0)), (dcr, Some(95.0))]).unwrap();
        assert!((s - 60.0).abs() < 1e-9, "(100*30 + 0*20) / 50");
        assert_eq!(weighted_score(&[(dot, None)]), None);
    }

    #[test]
    fn config_defaults_are_the_contract_and_files_override_them() {
        let d = ScoreConfig::default();
        let weights: f64 = d.components.values().map(|c| c.weight).sum();
        assert_eq!(weights, 100.0);
        let cfg = ScoreConfig::from_toml(
            "effective_from = \"2026-11-16\"\n[components.dot_pct]\nweight = 40\nfloor = 80\ntarget = 97\n[defaulting]\ndot_target = 96\n",
        )
        .unwrap();
        assert_eq!(cfg.components["dot_pct"].weight, 40.0);
        assert_eq!(cfg.components["dcr_pct"], d.components["dcr_pct"]);
        assert_eq!(cfg.defaulting.dot_target, 96.0);
        assert_eq!(cfg.defaulting.days, 3, "unnamed fields keep their defaults");
        let e = ScoreConfig::from_toml("effective_from = \"2026-11-17\"").unwrap_err();
        assert!(e.contains("is a Tue"), "{e}");
        let e = ScoreConfig::from_toml("[components.dot]\nweight = 1\nfloor = 1\ntarget = 2")
            .unwrap_err();
        assert!(e.contains("components.dot: not a component"), "{e}");
        let e = ScoreConfig::from_toml("[tierz]\nfair = 1").unwrap_err();
        assert!(e.contains("tierz"), "{e}");
    }

    #[test]
    fn headroom_is_the_points_short_of_each_target() {
        let cfg = ScoreConfig::default();
        let mut v: BTreeMap<String, Option<f64>> = BTreeMap::new();
        v.insert("dot_pct".into(), Some(91.5)); // half way: 50 of 100
        v.insert("dcr_pct".into(), Some(99.5)); // at target: nothing to gain
        v.insert("nl_dpmo".into(), None);
        let h = cfg.headroom(&v);
        assert_eq!(h.len(), 1, "{h:?}");
        assert_eq!(h[0].component, "dot_pct");
        assert_eq!(h[0].target, 98.0);
        // 30 of the 50 weights present, 50 points short: 30 * 50 / 50.
        assert!((h[0].points - 30.0).abs() < 1e-9);
        // The score plus the headroom is 100 when every component reaches its target.
        let gained: f64 = h.iter().map(|x| x.points).sum();
        assert!((cfg.score(&v).unwrap() + gained - 100.0).abs() < 1e-9);
    }

    #[test]
    fn contributions_add_up_to_the_score() {
        let cfg = ScoreConfig::default();
        let mut v: BTreeMap<String, Option<f64>> = BTreeMap::new();
        v.insert("dot_pct".into(), Some(91.5));
        v.insert("dcr_pct".into(), Some(99.0));
        v.insert("nl_dpmo".into(), None);
        let score = cfg.score(&v).unwrap();
        let sum: f64 = cfg.contributions(&v).values().sum();
        assert!((score - sum).abs() < 1e-9);
        // (50*30 + 88.888..*20) / 50
        assert!((score - (50.0 * 30.0 + 100.0 * 4.0 / 4.5 * 20.0) / 50.0).abs() < 1e-9);
    }

    #[test]
    fn robust_z_uses_median_and_a_floored_mad() {
        let h = [95.0, 96.0, 94.0, 95.0, 97.0, 95.0, 93.0];
        let z = robust_z(80.0, &h, 7, 1.0).unwrap();
        assert!((z - 0.6745 * -15.0).abs() < 1e-9, "{z}");
        assert_eq!(robust_z(80.0, &h[..6], 7, 1.0), None, "too little history");
        let flat = [100.0; 10];
        let z = robust_z(99.0, &flat, 7, 1.0).unwrap();
        assert!(
            (z + 0.6745).abs() < 1e-9,
            "the floor keeps a flat history finite"
        );
    }

    #[test]
    fn tiers_and_the_lapsed_document_cap() {
        assert_eq!(tier(93.0, false), Tier::FantasticPlus);
        assert_eq!(tier(92.99, false), Tier::Fantastic);
        assert_eq!(tier(70.0, false), Tier::Great);
        assert_eq!(tier(39.9, false), Tier::Poor);
        assert_eq!(tier(99.0, true), Tier::Fair);
        assert_eq!(tier(10.0, true), Tier::Poor, "the cap never raises a tier");
        assert!(consistently_bottom(
            &[true, false, true, true, false, true],
            4
        ));
        assert!(!consistently_bottom(
            &[true, false, true, false, false, true],
            4
        ));
    }

    #[test]
    fn weights_floors_and_targets_are_bounded_so_no_score_is_nan() {
        let mut cfg = ScoreConfig::default();
        if let Some(c) = cfg.components.values_mut().next() {
            c.weight = 1e308;
        }
        let e = cfg.validate().unwrap_err();
        assert!(e.contains("weight must be between 0 and 1000"), "{e}");

        let mut cfg = ScoreConfig::default();
        if let Some(c) = cfg.components.values_mut().next() {
            c.target = 1e300;
        }
        let e = cfg.validate().unwrap_err();
        assert!(e.contains("between -1000000000 and 1000000000"), "{e}");

        let mut cfg = ScoreConfig::default();
        cfg.defaulting.dot_target = -1e12;
        assert!(cfg.validate().is_err());
        assert!(ScoreConfig::default().validate().is_ok());
    }
}
