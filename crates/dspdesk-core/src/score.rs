//! The pure rules of the scorecard (`metrics.md`, "Route goals" and "Network health
//! score"): percentiles, component scores, the weighted score with renormalisation,
//! tiers and caps. Not yet wired to data or screens (issue 3).

use serde::{Deserialize, Serialize};

/// Excel's `PERCENTILE.INC` (numpy's default): linear interpolation between closest
/// ranks. `p` in 0..=1; `None` for no values.
pub fn percentile_inc(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let mut v: Vec<f64> = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let rank = p * (v.len() - 1) as f64;
    let lo = rank.floor() as usize;
    let hi = rank.ceil() as usize;
    Some(v[lo] + (v[hi] - v[lo]) * (rank - lo as f64))
}

/// One component's rule: 0 at `floor`, 100 at `target`, linear between, clamped.
/// A target below the floor means lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
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

/// Tiers by score (`fantastic_plus` ≥ 93, `fantastic` ≥ 85, `great` ≥ 70, `fair` ≥ 40),
/// capped at `fair` when a mandatory document or bank guarantee has lapsed.
pub fn tier(score: f64, lapsed_mandatory: bool) -> Tier {
    let t = if score >= 93.0 {
        Tier::FantasticPlus
    } else if score >= 85.0 {
        Tier::Fantastic
    } else if score >= 70.0 {
        Tier::Great
    } else if score >= 40.0 {
        Tier::Fair
    } else {
        Tier::Poor
    };
    if lapsed_mandatory {
        t.min(Tier::Fair)
    } else {
        t
    }
}

/// "Consistently bottom": in the bottom `share` of the network's scores in at least
/// `m` of the last weeks given (oldest first). Each week: a flag per partner.
pub fn consistently_bottom(weeks_in_bottom: &[bool], m: usize) -> bool {
    weeks_in_bottom.iter().filter(|b| **b).count() >= m
}

#[cfg(test)]
mod tests {
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
}
