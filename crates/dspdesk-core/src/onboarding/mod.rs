//! Onboarding: a new partner's way from application to its first route. The program
//! team moves it forward one stage at a time; `live` is never set by hand: the data
//! sets it when the partner's first route arrives. Each applicant has a checklist from a
//! template the admin edits, gated like a launch's: a stage is a gate, and a partner
//! leaves a stage once its mandatory items are done. Pure rules; the caller passes dates.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use crate::launches::Item;

#[cfg(test)]
mod tests;

/// The stages, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Applied,
    Documents,
    Verification,
    Agreement,
    BankGuarantee,
    Launch,
    Live,
}

impl Stage {
    pub const ALL: [Stage; 7] = [
        Stage::Applied,
        Stage::Documents,
        Stage::Verification,
        Stage::Agreement,
        Stage::BankGuarantee,
        Stage::Launch,
        Stage::Live,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Applied => "applied",
            Stage::Documents => "documents",
            Stage::Verification => "verification",
            Stage::Agreement => "agreement",
            Stage::BankGuarantee => "bank_guarantee",
            Stage::Launch => "launch",
            Stage::Live => "live",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Applied => "Applied",
            Stage::Documents => "Documents",
            Stage::Verification => "Verification",
            Stage::Agreement => "Agreement",
            Stage::BankGuarantee => "Bank guarantee",
            Stage::Launch => "Launch",
            Stage::Live => "Live",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The checklist gate of the stage: its items are done while the partner is at it,
    /// before it moves on (applied is gate 1, launch gate 6).
    pub fn gate(self) -> i64 {
        self as i64 + 1
    }

    /// The stage whose gate this is.
    pub fn of_gate(gate: i64) -> Option<Stage> {
        usize::try_from(gate - 1)
            .ok()
            .and_then(|i| Self::ALL.get(i).copied())
    }

    /// The stage after this one.
    pub fn next(self) -> Option<Stage> {
        Self::ALL.get(self as usize + 1).copied()
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// Why a partner at `from` may not move to `to` by hand, or `None` when it may: one
/// stage forward at a time, never to `live` (the data sets it), never back, and only
/// once every mandatory item of its checklist up to `from`'s gate is done (the
/// launch checklist's machinery: a stage is a gate).
pub fn move_problem(from: Stage, to: Stage, items: &[Item]) -> Option<String> {
    if let Some(p) = step_problem(from, to) {
        return Some(p);
    }
    let open = holding(from, items);
    (open > 0).then(|| {
        format!(
            "{open} mandatory checklist item{} of {} or before {} open: do {} first",
            if open == 1 { "" } else { "s" },
            from.label(),
            if open == 1 { "is" } else { "are" },
            if open == 1 { "it" } else { "them" },
        )
    })
}

/// The mandatory items open at `stage`'s gate or before: they hold the partner there
/// (none once it is live).
pub fn holding(stage: Stage, items: &[Item]) -> usize {
    if stage == Stage::Live {
        return 0;
    }
    items
        .iter()
        .filter(|i| i.mandatory && !i.done && i.gate <= stage.gate())
        .count()
}

fn step_problem(from: Stage, to: Stage) -> Option<String> {
    if to == Stage::Live {
        return Some(
            "a partner goes live when its first route arrives in the data, not by hand".into(),
        );
    }
    if from.next() != Some(to) {
        return Some(format!(
            "a partner at {from} moves to {} next, one stage at a time",
            from.next().map_or("nothing (it is live)", |s| s.as_str())
        ));
    }
    None
}

/// Where a partner stands: the last stage reached by hand and when, unless its first
/// route (in the data) made it live.
pub fn current(
    reached: &[(Stage, NaiveDate)],
    first_route: Option<NaiveDate>,
) -> Option<(Stage, NaiveDate)> {
    if let Some(d) = first_route {
        return Some((Stage::Live, d));
    }
    reached.iter().copied().max_by_key(|(s, _)| *s)
}

/// Days in the stage on `today` (0 on the day it was reached).
pub fn days_in_stage(since: NaiveDate, today: NaiveDate) -> i64 {
    (today - since).num_days().max(0)
}
