//! The supervisor ready reckoner (`metrics.md`, "VAS adoption, EV share,
//! supervisors"): a supervisor is an id of `routes.supervisor` within one partner. Their
//! tenure counts from the first date on any of their routes; over a window their
//! routes and the deliveries joined to those routes on `route_id` and `date` give
//! packages, DOT, DCR and NL DPMO (the daily metrics' rules, as `Counts`). A tenured
//! top performer has `TOP_TENURE_DAYS` of tenure, `TOP_MIN_ROUTES` routes in the window
//! and a DOT in the top 20% of the network's supervisors with that many routes. Pure
//! rules.

use crate::facts::Counts;
use chrono::NaiveDate;
use std::cmp::Ordering;

#[cfg(test)]
mod tests;

/// Tenure a top performer has at least, in days.
pub const TOP_TENURE_DAYS: i64 = 90;
/// Routes in the window a top performer (and anyone in the DOT comparison) has at least.
pub const TOP_MIN_ROUTES: i64 = 20;
/// The window the reckoner counts over, in days ending on `as_of`.
pub const WINDOW_DAYS: i64 = 28;

/// `as_of` minus the first date on any of the supervisor's routes, plus 1.
pub fn tenure_days(first_route: NaiveDate, as_of: NaiveDate) -> i64 {
    (as_of - first_route).num_days() + 1
}

/// The first day of the window ending on `as_of`.
pub fn window_start(as_of: NaiveDate) -> NaiveDate {
    as_of - chrono::Duration::days(WINDOW_DAYS - 1)
}

/// DOT of two supervisors compared exactly (on time ÷ packages as fractions, never
/// floats); `None` (no packages) is lower than any DOT.
fn cmp_dot(a: &Counts, b: &Counts) -> Ordering {
    match (a.dispatched > 0, b.dispatched > 0) {
        (false, false) => Ordering::Equal,
        (false, true) => Ordering::Less,
        (true, false) => Ordering::Greater,
        (true, true) => {
            let l = i128::from(a.on_time) * i128::from(b.dispatched);
            let r = i128::from(b.on_time) * i128::from(a.dispatched);
            l.cmp(&r)
        }
    }
}

/// Which supervisors are in the top 20% of the network by DOT: of those with at least
/// `TOP_MIN_ROUTES` routes in the window and a DOT, the ones fewer than 20% of whom score
/// strictly higher (so ties at the cut are in). A supervisor without packages has no DOT:
/// never in it, and not among those compared. Returns one flag per entry of `window`, in
/// its order.
pub fn in_top_dot(window: &[Counts]) -> Vec<bool> {
    let mut eligible: Vec<usize> = (0..window.len())
        .filter(|&i| window[i].routes >= TOP_MIN_ROUTES && window[i].dispatched > 0)
        .collect();
    let n = eligible.len();
    // Highest first: the number scoring strictly higher than an entry is the index of
    // the first entry of its run of equals.
    eligible.sort_by(|&a, &b| cmp_dot(&window[b], &window[a]));
    let mut top = vec![false; window.len()];
    let mut higher = 0;
    for (pos, &i) in eligible.iter().enumerate() {
        if pos > 0 && cmp_dot(&window[eligible[pos - 1]], &window[i]) != Ordering::Equal {
            higher = pos;
        }
        // Fewer than 20% of n score higher: higher < n / 5, in integers.
        top[i] = window[i].dispatched > 0 && higher * 5 < n;
    }
    top
}

/// A tenured top performer: tenure, routes in the window and a DOT in the top 20%
/// (`in_top` from `in_top_dot`).
pub fn is_top_performer(tenure_days: i64, window: &Counts, in_top: bool) -> bool {
    tenure_days >= TOP_TENURE_DAYS && window.routes >= TOP_MIN_ROUTES && in_top
}

/// Why a supervisor's name or phone is refused, or `None`. A phone is digits with an
/// optional leading `+`, spaces and dashes, 7 to 15 digits.
pub fn contact_problem(name: &str, phone: &str) -> Option<String> {
    if name.trim().chars().count() > 120 {
        return Some("the name is longer than 120 characters".into());
    }
    let phone = phone.trim();
    if phone.is_empty() {
        return None;
    }
    let body = phone.strip_prefix('+').unwrap_or(phone);
    if !body
        .chars()
        .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
    {
        return Some(format!(
            "the phone {phone:?} has characters other than digits, spaces, dashes and a leading +"
        ));
    }
    let digits = body.chars().filter(char::is_ascii_digit).count();
    (!(7..=15).contains(&digits))
        .then(|| format!("the phone {phone:?} has {digits} digits: give 7 to 15"))
}
