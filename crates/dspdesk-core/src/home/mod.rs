//! Home: "what needs me today". Every open follow-up and every flag the data raised
//! becomes one item with a severity, ranked so the most urgent come first: severity,
//! then money at risk, then days outstanding. The rules are here, pure, with `now` an
//! argument.

use crate::flags::FlagKind;
use crate::followups::{Kind, Priority};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::cmp::Ordering;

/// How urgent an item is; `Critical` first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

impl Severity {
    /// Most severe first; `as usize` indexes counts kept in this order.
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::Critical => "Critical",
            Severity::High => "High",
            Severity::Medium => "Medium",
            Severity::Low => "Low",
        }
    }
}

/// Money at or above this (₹1 lakh, in minor units) is critical once overdue or open
/// a week.
pub const CRITICAL_MONEY_MINOR: i64 = 10_000_000;
/// Days an item with money at stake may stay open before it is critical.
pub const CRITICAL_DAYS: i64 = 7;

/// What a follow-up's severity is read from.
#[derive(Debug, Clone, Copy)]
pub struct OpenFollowup {
    pub kind: Kind,
    pub priority: Priority,
    pub amount_minor: Option<i64>,
    pub opened_at: DateTime<Utc>,
    pub resolve_by: DateTime<Utc>,
    pub escalation: i64,
    /// The day the data shows the problem began (a case from the data), which may be
    /// long before the record was opened (a first load finds old debts).
    pub began_on: Option<chrono::NaiveDate>,
}

impl OpenFollowup {
    /// Whole days outstanding: since the problem began in the data, or since the
    /// record was opened, whichever is earlier.
    pub fn days_open(&self, now: DateTime<Utc>) -> i64 {
        let record = days_between(self.opened_at, now);
        let data = self
            .began_on
            .map_or(0, |d| (now.date_naive() - d).num_days().max(0));
        record.max(data)
    }
}

/// Whole days from `since` to `now` (0 when `since` is later).
pub fn days_between(since: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - since).num_days().max(0)
}

/// A follow-up's severity at `now`:
/// - critical: past its resolve-by and escalated twice or more, or urgent; or money of
///   ₹1 lakh or more at stake and either overdue or open a week or more;
/// - high: past its resolve-by, or high priority, or escalated;
/// - medium: due within a day, or any money at stake;
/// - low: everything else open.
pub fn followup_severity(f: &OpenFollowup, now: DateTime<Utc>) -> Severity {
    let overdue = f.resolve_by < now;
    let money = f.amount_minor.unwrap_or(0).max(0);
    let open_days = f.days_open(now);
    if (overdue && (f.escalation >= 2 || f.priority == Priority::Urgent))
        || (money >= CRITICAL_MONEY_MINOR && (overdue || open_days >= CRITICAL_DAYS))
    {
        Severity::Critical
    } else if overdue || f.priority >= Priority::High || f.escalation > 0 {
        Severity::High
    } else if f.resolve_by - now <= chrono::Duration::days(1) || money > 0 {
        Severity::Medium
    } else {
        Severity::Low
    }
}

/// A flag's severity: a partner failing its DOT target daily, or a COD shortfall
/// standing for a week, is high (critical past ₹1 lakh); being in the bottom of the
/// network week after week is high; a missed route goal or a block that loses money is
/// medium; one unusually bad day is low.
pub fn flag_severity(kind: FlagKind, money_minor: i64, days: i64) -> Severity {
    match kind {
        FlagKind::CodOverdue if money_minor >= CRITICAL_MONEY_MINOR => Severity::Critical,
        FlagKind::CodOverdue if days >= CRITICAL_DAYS => Severity::High,
        FlagKind::CodOverdue => Severity::Medium,
        FlagKind::Defaulting | FlagKind::Bottom => Severity::High,
        FlagKind::GoalShortfall | FlagKind::LossMakingBlock => Severity::Medium,
        FlagKind::UnusualDay => Severity::Low,
    }
}

/// The action a follow-up of a kind needs, in words.
pub fn followup_action(kind: Kind) -> &'static str {
    match kind {
        Kind::Nl => "Record the recovery, or the claim, of the lost packages",
        Kind::Cod => "Collect the COD shortfall",
        Kind::Ageing => "Get the ageing packages delivered or returned",
        Kind::Slp => "Get the late packages delivered",
        Kind::Gst => "Ask for a corrected invoice",
        Kind::Point => "Answer the point",
        Kind::ActionItem => "Finish the action item",
        Kind::ComplianceCheck => "Check the partner's documents and guarantee",
        Kind::Dispute => "Settle the invoice dispute",
        Kind::EvConnect => "Record how the EV meeting went",
    }
}

/// The action a flag needs, in words.
pub fn flag_action(kind: FlagKind) -> &'static str {
    match kind {
        FlagKind::Defaulting => {
            "Call the partner about on-time delivery; raise a case if it goes on"
        }
        FlagKind::Bottom => "Hold a performance review; consider an improvement plan",
        FlagKind::GoalShortfall => "Agree the route commitment with the partner",
        FlagKind::CodOverdue => "Collect the COD shortfall",
        FlagKind::UnusualDay => "Ask the station what happened that day",
        FlagKind::LossMakingBlock => "Review the block's rate or cost",
    }
}

/// The same actions as a partner reads them: what it does itself.
pub fn partner_action(followup: Option<Kind>, flag: Option<FlagKind>) -> &'static str {
    match (followup, flag) {
        (Some(Kind::Nl), _) => "Find the lost packages, or agree the recovery",
        (Some(Kind::Cod), _) | (_, Some(FlagKind::CodOverdue)) => "Remit the COD you owe",
        (Some(Kind::Ageing), _) => "Deliver or return the ageing packages",
        (Some(Kind::Slp), _) => "Deliver the late packages",
        (Some(Kind::Gst), _) => "Send a corrected invoice",
        (Some(Kind::Point), _) => "Answer the point",
        (Some(Kind::ActionItem), _) => "Finish the action item",
        (Some(Kind::ComplianceCheck), _) => "Keep your documents and guarantee valid",
        (Some(Kind::Dispute), _) => "Answer the invoice dispute",
        (Some(Kind::EvConnect), _) => "Meet the EV vendor",
        (_, Some(FlagKind::Defaulting)) => "Bring on-time delivery back above the target",
        (_, Some(FlagKind::Bottom)) => "Work with your coach on what lifts the score most",
        (_, Some(FlagKind::GoalShortfall)) => "Run the routes you committed to",
        (_, Some(FlagKind::UnusualDay)) => "Tell the station what happened that day",
        (_, Some(FlagKind::LossMakingBlock)) | (None, None) => "Talk to your coach",
    }
}

/// What an item is ranked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Urgency {
    pub severity: Severity,
    /// Money at risk, in minor units (0 when none).
    pub money_minor: i64,
    /// Days outstanding.
    pub days: i64,
}

/// The order of the worklist: severity, then money at risk (most first), then days
/// outstanding (oldest first).
pub fn most_urgent_first(a: &Urgency, b: &Urgency) -> Ordering {
    a.severity
        .cmp(&b.severity)
        .then_with(|| b.money_minor.cmp(&a.money_minor))
        .then_with(|| b.days.cmp(&a.days))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    fn open(amount: Option<i64>, opened: u32, due: u32) -> OpenFollowup {
        OpenFollowup {
            kind: Kind::Cod,
            priority: Priority::Normal,
            amount_minor: amount,
            opened_at: at(opened, 9),
            resolve_by: at(due, 9),
            escalation: 0,
            began_on: None,
        }
    }

    #[test]
    fn a_follow_up_grows_more_severe_with_money_time_and_escalation() {
        let now = at(20, 12);
        // Not due for days, nothing at stake.
        assert_eq!(followup_severity(&open(None, 19, 25), now), Severity::Low);
        // Money at stake, or due within a day.
        assert_eq!(
            followup_severity(&open(Some(500), 19, 25), now),
            Severity::Medium
        );
        assert_eq!(
            followup_severity(&open(None, 19, 21), now),
            Severity::Medium
        );
        // Overdue.
        assert_eq!(followup_severity(&open(None, 10, 19), now), Severity::High);
        // Overdue and escalated twice.
        let escalated = OpenFollowup {
            escalation: 2,
            ..open(None, 10, 19)
        };
        assert_eq!(followup_severity(&escalated, now), Severity::Critical);
        // ₹1 lakh at stake: critical once a week old, high-money but new is medium.
        assert_eq!(
            followup_severity(&open(Some(CRITICAL_MONEY_MINOR), 13, 25), now),
            Severity::Critical
        );
        assert_eq!(
            followup_severity(&open(Some(CRITICAL_MONEY_MINOR), 15, 25), now),
            Severity::Medium
        );
        // A case opened today from data whose debt began two weeks ago is two weeks
        // old: critical at once.
        let old_debt = OpenFollowup {
            began_on: Some(chrono::NaiveDate::from_ymd_opt(2026, 11, 6).unwrap()),
            ..open(Some(CRITICAL_MONEY_MINOR), 20, 25)
        };
        assert_eq!(old_debt.days_open(now), 14);
        assert_eq!(followup_severity(&old_debt, now), Severity::Critical);
        // An urgent one overdue is critical; a high-priority one is high at once.
        let urgent = OpenFollowup {
            priority: Priority::Urgent,
            ..open(None, 10, 19)
        };
        assert_eq!(followup_severity(&urgent, now), Severity::Critical);
        let high = OpenFollowup {
            priority: Priority::High,
            ..open(None, 19, 25)
        };
        assert_eq!(followup_severity(&high, now), Severity::High);
    }

    #[test]
    fn flags_have_a_severity_and_a_good_day_is_not_one() {
        assert_eq!(flag_severity(FlagKind::Defaulting, 0, 0), Severity::High);
        assert_eq!(flag_severity(FlagKind::UnusualDay, 0, 30), Severity::Low);
        assert_eq!(
            flag_severity(FlagKind::CodOverdue, 100, 2),
            Severity::Medium
        );
        assert_eq!(flag_severity(FlagKind::CodOverdue, 100, 8), Severity::High);
        assert_eq!(
            flag_severity(FlagKind::CodOverdue, CRITICAL_MONEY_MINOR, 1),
            Severity::Critical
        );
    }

    #[test]
    fn a_partner_reads_what_it_does_itself() {
        for k in FlagKind::ALL {
            assert!(
                !partner_action(None, Some(k)).contains("the partner"),
                "{k}"
            );
        }
        for k in Kind::ALL {
            assert!(
                !partner_action(Some(k), None).contains("the partner"),
                "{k:?}"
            );
        }
        assert!(flag_action(FlagKind::Defaulting).contains("the partner"));
    }

    #[test]
    fn the_worklist_ranks_severity_then_money_then_age() {
        let u = |severity, money_minor, days| Urgency {
            severity,
            money_minor,
            days,
        };
        let mut items = vec![
            u(Severity::Low, 9_000_000, 40),
            u(Severity::High, 100, 3),
            u(Severity::High, 100, 9),
            u(Severity::Critical, 0, 0),
            u(Severity::High, 5_000, 1),
        ];
        items.sort_by(most_urgent_first);
        assert_eq!(
            items,
            vec![
                u(Severity::Critical, 0, 0),
                u(Severity::High, 5_000, 1),
                u(Severity::High, 100, 9),
                u(Severity::High, 100, 3),
                u(Severity::Low, 9_000_000, 40),
            ]
        );
    }
}
