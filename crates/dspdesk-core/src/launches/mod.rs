//! Launch readiness: a launch (a new station, or a partner at a station) with a target
//! date and a gated checklist. Gates open in order: an item of a gate is done only once
//! every mandatory item of the gates before it is. The go/no-go colour on a day: green
//! when every mandatory item is done; red when the target is 2 or fewer days away (or
//! past) with a mandatory item open; amber when it is 7 or fewer; else open.

use chrono::NaiveDate;
use serde::Serialize;

#[cfg(test)]
mod tests;

/// What the rules read of a checklist item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    pub gate: i64,
    pub mandatory: bool,
    pub done: bool,
}

/// The go/no-go colour of a launch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Colour {
    Red,
    Amber,
    /// Mandatory items open, the target more than 7 days away.
    Open,
    Green,
}

impl Colour {
    pub fn as_str(self) -> &'static str {
        match self {
            Colour::Red => "red",
            Colour::Amber => "amber",
            Colour::Open => "open",
            Colour::Green => "green",
        }
    }
}

impl std::fmt::Display for Colour {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// The colour of a launch with these items and target on `today`.
pub fn colour(items: &[Item], target: NaiveDate, today: NaiveDate) -> Colour {
    if items.iter().filter(|i| i.mandatory).all(|i| i.done) {
        return Colour::Green;
    }
    match (target - today).num_days() {
        d if d <= 2 => Colour::Red,
        d if d <= 7 => Colour::Amber,
        _ => Colour::Open,
    }
}

/// The first gate with a mandatory item open (`None` when all are done): items of later
/// gates wait for it.
pub fn open_gate(items: &[Item]) -> Option<i64> {
    items
        .iter()
        .filter(|i| i.mandatory && !i.done)
        .map(|i| i.gate)
        .min()
}

/// Why an item of `gate` may not be marked done yet, or `None` when it may.
pub fn gate_problem(items: &[Item], gate: i64) -> Option<String> {
    match open_gate(items) {
        Some(g) if g < gate => Some(format!(
            "gate {gate} opens once every mandatory item of gate {g} is done"
        )),
        _ => None,
    }
}
