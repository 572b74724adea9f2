//! The pure rules of route goals (`metrics.md`, "Route goals"): the percentiles that
//! suggest a goal, and where a goal in force came from.

use serde::{Deserialize, Serialize};
use std::fmt;

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

/// Where a goal in force came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalSource {
    /// Set by a person for the pair.
    Set,
    /// Adopted from the suggestion for a period.
    Adopted,
    /// None stored: the trailing suggestion.
    Suggested,
}

impl GoalSource {
    pub fn as_str(self) -> &'static str {
        match self {
            GoalSource::Set => "set",
            GoalSource::Adopted => "adopted",
            GoalSource::Suggested => "suggested",
        }
    }

    pub fn parse(raw: &str) -> Option<GoalSource> {
        [GoalSource::Set, GoalSource::Adopted, GoalSource::Suggested]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

impl fmt::Display for GoalSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_read_back_from_their_names() {
        assert_eq!(GoalSource::parse("adopted"), Some(GoalSource::Adopted));
        assert_eq!(GoalSource::parse("set"), Some(GoalSource::Set));
        assert_eq!(GoalSource::parse("Set"), None);
        assert_eq!(GoalSource::Suggested.to_string(), "suggested");
    }
}
