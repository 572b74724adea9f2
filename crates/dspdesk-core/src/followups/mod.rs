//! The follow-up kernel's rules: kinds, the state machine, the SLA clock and
//! escalation. Every rule that depends on the time takes `now`.
//!
//! A follow-up is anything about a partner or a station that a person owns until it is
//! done: a case the data opened, a support-hub point someone raised, and (with later
//! capabilities) action items, plan reviews, renewals. Each kind adds only its own
//! fields and rules; these are what they share.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

#[cfg(test)]
mod tests;

/// What a follow-up is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Lost or damaged packages in a week (opened from the data).
    Nl,
    /// Cash collected and not remitted (opened from the data).
    Cod,
    /// Packages attempted or rejected and left for days (opened from the data).
    Ageing,
    /// Deliveries more than a day past their promise (opened from the data).
    Slp,
    /// An invoice whose GST check failed.
    Gst,
    /// A support-hub point raised by a person.
    Point,
    /// An action item agreed in a DSP review or a weekly business review.
    ActionItem,
    /// A partner's compliance checked once a quarter: its documents, guarantee and file.
    ComplianceCheck,
    /// An invoice whose taxable value is not the payout of the partner's routes.
    Dispute,
    /// A meeting between an EV vendor and a partner, due on its day.
    EvConnect,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::Nl,
        Kind::Cod,
        Kind::Ageing,
        Kind::Slp,
        Kind::Gst,
        Kind::Point,
        Kind::ActionItem,
        Kind::ComplianceCheck,
        Kind::Dispute,
        Kind::EvConnect,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Nl => "nl",
            Kind::Cod => "cod",
            Kind::Ageing => "ageing",
            Kind::Slp => "slp",
            Kind::Gst => "gst",
            Kind::Point => "point",
            Kind::ActionItem => "action_item",
            Kind::ComplianceCheck => "compliance_check",
            Kind::Dispute => "dispute",
            Kind::EvConnect => "ev_connect",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Nl => "Lost packages (NL)",
            Kind::Cod => "COD not remitted",
            Kind::Ageing => "Ageing packages",
            Kind::Slp => "Late deliveries (SLP)",
            Kind::Gst => "GST check failed",
            Kind::Point => "Support-hub point",
            Kind::ActionItem => "Action item",
            Kind::ComplianceCheck => "Quarterly compliance check",
            Kind::Dispute => "Invoice dispute",
            Kind::EvConnect => "EV connect",
        }
    }

    pub fn parse(raw: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    /// Opened by the data (not by a person).
    pub fn from_data(self) -> bool {
        matches!(
            self,
            Kind::Nl | Kind::Cod | Kind::Ageing | Kind::Slp | Kind::Gst
        )
    }

    /// The SLA of the kind, by default (`metrics.md`, "Follow-ups: SLA and escalation").
    pub fn default_sla(self) -> Sla {
        let (respond, resolve) = match self {
            Kind::Nl => (72, 336),
            Kind::Cod => (24, 72),
            Kind::Ageing => (24, 120),
            Kind::Slp => (48, 168),
            Kind::Gst => (72, 336),
            Kind::Point => (24, 72),
            // An action item is due on its own date; this is for one without.
            Kind::ActionItem => (24, 168),
            // A quarter's check: looked at within 3 days, done within 30.
            Kind::ComplianceCheck => (72, 720),
            // The GST case's clock: an invoice's question either way.
            Kind::Dispute => (72, 336),
            // A connect is due on its day; this is for one without.
            Kind::EvConnect => (24, 168),
        };
        Sla {
            respond_hours: respond,
            resolve_hours: resolve,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Where a follow-up stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Open,
    InProgress,
    WaitingOnPartner,
    Resolved,
    Closed,
}

impl State {
    pub const ALL: [State; 5] = [
        State::Open,
        State::InProgress,
        State::WaitingOnPartner,
        State::Resolved,
        State::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::InProgress => "in_progress",
            State::WaitingOnPartner => "waiting_on_partner",
            State::Resolved => "resolved",
            State::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            State::Open => "Open",
            State::InProgress => "In progress",
            State::WaitingOnPartner => "Waiting on partner",
            State::Resolved => "Resolved",
            State::Closed => "Closed",
        }
    }

    pub fn parse(raw: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Still needs a person: the SLA clock runs and escalation applies.
    pub fn is_open(self) -> bool {
        !matches!(self, State::Resolved | State::Closed)
    }

    /// Whether a follow-up may move from `self` to `to`. Resolved and closed ones move
    /// only by a reopen (back to `open`); a closed one takes no comment either.
    pub fn check(self, to: State) -> Result<(), TransitionError> {
        use State::*;
        let ok = match (self, to) {
            (a, b) if a == b => false,
            (Open | InProgress | WaitingOnPartner, InProgress | WaitingOnPartner) => true,
            (Open | InProgress | WaitingOnPartner, Resolved | Closed) => true,
            (Resolved, Closed) => true,
            (Resolved | Closed, Open) => true,
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(TransitionError { from: self, to })
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a follow-up that is {from} cannot become {to}{hint}", hint = TransitionError::hint(*from, *to))]
pub struct TransitionError {
    pub from: State,
    pub to: State,
}

impl TransitionError {
    fn hint(from: State, to: State) -> &'static str {
        if from == to {
            ": it already is"
        } else if !from.is_open() {
            ": reopen it first"
        } else {
            ": a follow-up is reopened only once it is resolved or closed"
        }
    }
}

/// How long a kind may take, in wall-clock hours from when the follow-up opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sla {
    pub respond_hours: i64,
    pub resolve_hours: i64,
}

/// The two deadlines of a follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub respond_by: DateTime<Utc>,
    pub resolve_by: DateTime<Utc>,
}

impl Sla {
    pub fn clock(self, opened_at: DateTime<Utc>) -> Clock {
        Clock {
            respond_by: opened_at + Duration::hours(self.respond_hours),
            resolve_by: opened_at + Duration::hours(self.resolve_hours),
        }
    }

    /// The clock of a follow-up with its own due time (an action item): both deadlines
    /// at the due time.
    pub fn due(due: DateTime<Utc>) -> Clock {
        Clock {
            respond_by: due,
            resolve_by: due,
        }
    }
}

/// Who is told when a follow-up escalates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Level 1: `resolve_by` has passed; the partner's coaches.
    Coaches = 1,
    /// Level 2: twice the SLA has passed; the program team.
    Program = 2,
}

impl Level {
    pub fn number(self) -> i64 {
        self as i64
    }
}

/// The escalation level a follow-up has reached at `now`: none before `resolve_by`,
/// 1 from `resolve_by`, 2 from `clock_from + 2 × (resolve_by - clock_from)`, where the
/// clock started at the opening or the last reopen. Resolved and closed follow-ups do
/// not escalate.
pub fn escalation_at(
    state: State,
    clock_from: DateTime<Utc>,
    resolve_by: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<Level> {
    if !state.is_open() || now < resolve_by {
        return None;
    }
    let twice = clock_from + (resolve_by - clock_from) * 2;
    Some(if now >= twice {
        Level::Program
    } else {
        Level::Coaches
    })
}

/// The levels to notify now: those reached and not yet notified (`done` is the level
/// already recorded), lowest first, each once.
pub fn escalations_due(
    state: State,
    clock_from: DateTime<Utc>,
    resolve_by: DateTime<Utc>,
    done: i64,
    now: DateTime<Utc>,
) -> Vec<Level> {
    let Some(reached) = escalation_at(state, clock_from, resolve_by, now) else {
        return Vec::new();
    };
    [Level::Coaches, Level::Program]
        .into_iter()
        .filter(|l| *l <= reached && l.number() > done)
        .collect()
}

/// Time left until `deadline` at `now`, in words: "2 d 4 h left", "5 h overdue".
pub fn time_left(deadline: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (deadline - now).num_seconds();
    let (abs, word) = if secs >= 0 {
        (secs, "left")
    } else {
        (-secs, "overdue")
    };
    let (d, h, m) = (abs / 86_400, (abs % 86_400) / 3600, (abs % 3600) / 60);
    let span = if d > 0 {
        format!("{d} d {h} h")
    } else if h > 0 {
        format!("{h} h {m} min")
    } else {
        format!("{m} min")
    };
    format!("{span} {word}")
}

/// Age buckets of open follow-ups, by whole days since opened: 0–7, 8–15, 16–30,
/// 31–60, 61+.
pub const AGE_BUCKETS: [&str; 5] = ["0-7", "8-15", "16-30", "31-60", "61+"];

pub fn age_bucket(opened_at: DateTime<Utc>, now: DateTime<Utc>) -> usize {
    match (now - opened_at).num_days() {
        ..=7 => 0,
        8..=15 => 1,
        16..=30 => 2,
        31..=60 => 3,
        _ => 4,
    }
}

/// How urgent a follow-up is, as chosen by a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    pub fn parse(raw: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.as_str() == raw)
    }
}
