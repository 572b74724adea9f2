//! EV share (`metrics.md`, "VAS adoption, EV share, supervisors"): each partner's share
//! of routes run on an EV MOT per week, from `routes` rows only (null without routes),
//! and a sustainability goal's straight-line trajectory from the share in the week it
//! was set to its target by its date; a partner below its trajectory in a complete week
//! is behind. Pure rules.

use crate::week::IsoWeek;
use chrono::NaiveDate;
use serde::Serialize;

#[cfg(test)]
mod tests;

/// Whether a mode of transport is electric (`EV2W`, `EV3W`, `EV4W`).
pub fn is_ev(mot: &str) -> bool {
    mot.starts_with("EV")
}

/// `100 * ev_routes / routes`; `None` without routes (never 0).
pub fn ev_routes_pct(ev_routes: i64, routes: i64) -> Option<f64> {
    (routes > 0).then(|| 100.0 * ev_routes as f64 / routes as f64)
}

/// A sustainability goal: `target_pct` of routes on EVs by `by`, set in `set_week` when
/// the share was `start_pct`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Goal {
    pub target_pct: f64,
    pub by: NaiveDate,
    pub set_week: IsoWeek,
    pub start_pct: f64,
}

impl Goal {
    /// Where the trajectory stands at the end of `week`: the start share at the end of
    /// the week it was set, the target on its date and after, a straight line between.
    pub fn trajectory(&self, week: IsoWeek) -> f64 {
        let from = self.set_week.sunday();
        let span = (self.by - from).num_days();
        let done = (week.sunday() - from).num_days();
        if span <= 0 || done >= span {
            return self.target_pct;
        }
        if done <= 0 {
            return self.start_pct;
        }
        self.start_pct + (self.target_pct - self.start_pct) * done as f64 / span as f64
    }

    /// Whether a share in a complete week is behind the trajectory (`None`: no routes
    /// that week, so neither behind nor on it).
    pub fn behind(&self, week: IsoWeek, share: Option<f64>) -> Option<bool> {
        share.map(|s| s < self.trajectory(week) - 1e-9)
    }
}

/// Why a goal is refused, or `None`.
pub fn goal_problem(target_pct: f64, by: NaiveDate, set_on: NaiveDate) -> Option<String> {
    if !(0.0..=100.0).contains(&target_pct) || !target_pct.is_finite() {
        return Some(format!("the target {target_pct} is a share from 0 to 100"));
    }
    (by <= set_on).then(|| format!("the goal's date {by} is after the day it is set ({set_on})"))
}

/// Why an EV vendor is refused, as (field, reason), or `None`: a name, what vehicles
/// they offer, and a phone and e-mail that read as such when given.
pub fn vendor_problem(
    name: &str,
    vehicles: &str,
    phone: &str,
    email: &str,
) -> Option<(&'static str, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Some((
            "name",
            "give the vendor's name (at most 120 characters)".into(),
        ));
    }
    if vehicles.trim().is_empty() {
        return Some((
            "vehicles",
            "say what vehicles they offer, e.g. \"EV2W: Ather 450S; EV3W: Mahindra Treo\"".into(),
        ));
    }
    if let Some(p) = crate::supervisors::contact_problem("", phone) {
        return Some(("contact_phone", p));
    }
    let email = email.trim();
    let ok = email.is_empty()
        || email
            .split_once('@')
            .is_some_and(|(a, d)| !a.is_empty() && d.contains('.') && !d.starts_with('.'));
    (!ok).then(|| {
        (
            "contact_email",
            format!("{email:?} is not an e-mail address"),
        )
    })
}

/// Why a connect's meeting date is refused, or `None`: not before the day it is
/// scheduled.
pub fn meeting_problem(date: NaiveDate, today: NaiveDate) -> Option<String> {
    (date < today).then(|| {
        format!(
            "the meeting's date {date} is past (today is {today}): give it a date from today on"
        )
    })
}
