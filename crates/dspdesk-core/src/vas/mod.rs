//! VAS adoption (`metrics.md`, "VAS adoption, EV share, supervisors"): per partner and
//! VAS kind, the packages with that VAS dispatched and delivered and their completion,
//! beside the network's; and the enrolment: the kinds the partner is enrolled in among
//! those offered at its stations, over the kinds offered there. Ratios with an empty
//! denominator are `None`, never 0. Pure rules.

use serde::Serialize;
use std::collections::BTreeSet;

#[cfg(test)]
mod tests;

/// Packages with one VAS kind: dispatched and delivered, additive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct VasCounts {
    pub dispatched: i64,
    pub delivered: i64,
}

impl VasCounts {
    pub fn add(&mut self, o: VasCounts) {
        self.dispatched = self.dispatched.saturating_add(o.dispatched);
        self.delivered = self.delivered.saturating_add(o.delivered);
    }

    /// `100 * delivered / dispatched`; `None` without packages.
    pub fn completion_pct(&self) -> Option<f64> {
        (self.dispatched > 0).then(|| 100.0 * self.delivered as f64 / self.dispatched as f64)
    }
}

/// A partner's enrolment: the kinds it is enrolled in that are offered at its stations,
/// and the kinds offered there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Enrolment {
    pub enrolled: usize,
    pub offered: usize,
    /// `100 * enrolled / offered`; `None` when no kind is offered at its stations.
    pub pct: Option<f64>,
}

/// The enrolment of a partner enrolled in `enrolled` whose stations offer `offered`.
pub fn enrolment(enrolled: &BTreeSet<String>, offered: &BTreeSet<String>) -> Enrolment {
    let n = enrolled.intersection(offered).count();
    Enrolment {
        enrolled: n,
        offered: offered.len(),
        pct: (!offered.is_empty()).then(|| 100.0 * n as f64 / offered.len() as f64),
    }
}

/// Adoption for ranking: enrolment first, then completion over all its VAS kinds;
/// an empty ratio ranks below any number.
pub fn rank_key(enrolment: Option<f64>, completion: Option<f64>) -> (i64, i64) {
    let k = |v: Option<f64>| v.map_or(-1, |v| (v * 1e6).round() as i64);
    (k(enrolment), k(completion))
}

/// Why a VAS kind's name is refused, or `None`: lower-case letters, digits and `_`,
/// 1 to 40 characters, as the data carries it (e.g. `open_box`).
pub fn kind_problem(kind: &str) -> Option<String> {
    let ok = !kind.is_empty()
        && kind.len() <= 40
        && kind
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    (!ok).then(|| {
        format!("the VAS kind {kind:?} is not a name like open_box: lower-case letters, digits and _, at most 40")
    })
}
