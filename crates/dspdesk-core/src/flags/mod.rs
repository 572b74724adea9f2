//! The kinds of flag: everything in the data that needs a person.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// DOT below target on enough of the last days with dispatches.
    Defaulting,
    /// Consistently in the bottom share of the network's scores.
    Bottom,
    /// A route goal met on too few route days.
    GoalShortfall,
    /// A COD shortfall positive two days running.
    CodOverdue,
    /// A station-day far from the partner's own trailing days.
    UnusualDay,
    /// A block and MOT whose routes lost money at a station.
    LossMakingBlock,
}

impl FlagKind {
    pub const ALL: [FlagKind; 6] = [
        FlagKind::Defaulting,
        FlagKind::Bottom,
        FlagKind::GoalShortfall,
        FlagKind::CodOverdue,
        FlagKind::UnusualDay,
        FlagKind::LossMakingBlock,
    ];

    /// The name stored and exported.
    pub fn as_str(self) -> &'static str {
        match self {
            FlagKind::Defaulting => "defaulting",
            FlagKind::Bottom => "bottom",
            FlagKind::GoalShortfall => "goal_shortfall",
            FlagKind::CodOverdue => "cod_overdue",
            FlagKind::UnusualDay => "unusual_day",
            FlagKind::LossMakingBlock => "loss_making_block",
        }
    }

    /// The kind in words, for screens.
    pub fn label(self) -> &'static str {
        match self {
            FlagKind::Defaulting => "Defaulting on DOT",
            FlagKind::Bottom => "Consistently bottom",
            FlagKind::GoalShortfall => "Goal shortfall",
            FlagKind::CodOverdue => "COD overdue",
            FlagKind::UnusualDay => "Unusual day",
            FlagKind::LossMakingBlock => "Loss-making block",
        }
    }

    pub fn parse(raw: &str) -> Option<FlagKind> {
        FlagKind::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

impl fmt::Display for FlagKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_names() {
        for k in FlagKind::ALL {
            assert_eq!(FlagKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(FlagKind::parse("Defaulting"), None);
        assert_eq!(
            format!("{:<8}|", FlagKind::Bottom),
            "bottom  |",
            "pads in tables"
        );
    }
}
