//! Reviews: a DSP review meeting or a weekly business review (WBR), and the action
//! items agreed in it. An action item is a follow-up (kind `action_item`) due on its
//! own date: its respond and resolve deadlines are the end of that date, and it
//! escalates when overdue as every follow-up does (`metrics.md`, "Follow-ups: SLA and
//! escalation").

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of meeting a review records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    /// A review of one partner's performance with the partner.
    DspReview,
    /// The weekly business review of a station or the network.
    Wbr,
}

impl ReviewKind {
    pub const ALL: [ReviewKind; 2] = [ReviewKind::DspReview, ReviewKind::Wbr];

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewKind::DspReview => "dsp_review",
            ReviewKind::Wbr => "wbr",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReviewKind::DspReview => "DSP review",
            ReviewKind::Wbr => "Weekly business review",
        }
    }

    pub fn parse(raw: &str) -> Option<ReviewKind> {
        ReviewKind::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

impl fmt::Display for ReviewKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Why an action item's due date cannot be taken, or `None`.
pub fn due_problem(review_date: NaiveDate, due: NaiveDate) -> Option<String> {
    (due < review_date).then(|| {
        format!("due {due} is before the review on {review_date}: an action item is due on or after the meeting")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::followups::{Level, Sla, State, escalation_at};
    use chrono::{TimeZone, Utc};

    #[test]
    fn kinds_round_trip_and_due_dates_follow_the_meeting() {
        for k in ReviewKind::ALL {
            assert_eq!(ReviewKind::parse(k.as_str()), Some(k));
        }
        let d = |n| NaiveDate::from_ymd_opt(2026, 11, n).unwrap();
        assert!(due_problem(d(20), d(20)).is_none());
        assert!(
            due_problem(d(20), d(19))
                .unwrap()
                .contains("before the review")
        );
    }

    #[test]
    fn an_action_item_overdue_by_one_day_escalates_to_the_coaches() {
        // Agreed on 20 Nov at 10:00 UTC, due by the end of 25 Nov.
        let created = Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap();
        let due = Utc.with_ymd_and_hms(2026, 11, 26, 0, 0, 0).unwrap();
        let clock = Sla::due(due);
        assert_eq!((clock.respond_by, clock.resolve_by), (due, due));
        let at = |h: i64| due + chrono::Duration::hours(h);
        assert_eq!(
            escalation_at(State::Open, created, clock.resolve_by, at(-1)),
            None
        );
        assert_eq!(
            escalation_at(State::Open, created, clock.resolve_by, at(24)),
            Some(Level::Coaches)
        );
        // Twice its time (5 d 14 h after it was agreed) is past: the program team.
        assert_eq!(
            escalation_at(State::Open, created, clock.resolve_by, at(134)),
            Some(Level::Program)
        );
        assert_eq!(
            escalation_at(State::Resolved, created, clock.resolve_by, at(24)),
            None
        );
    }
}
