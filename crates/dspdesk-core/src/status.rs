//! Package outcomes and modes of transport, spelled as in `metrics.md`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The outcome of one dispatch of a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Delivered,
    Attempted,
    Rejected,
    Rts,
    Lost,
    Damaged,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Delivered,
        Status::Attempted,
        Status::Rejected,
        Status::Rts,
        Status::Lost,
        Status::Damaged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Delivered => "delivered",
            Status::Attempted => "attempted",
            Status::Rejected => "rejected",
            Status::Rts => "rts",
            Status::Lost => "lost",
            Status::Damaged => "damaged",
        }
    }

    /// Parses the canonical spelling (case-sensitive, as the contract fixes it).
    pub fn parse(raw: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// `lost` and `damaged` both count as a network loss.
    pub fn is_loss(self) -> bool {
        matches!(self, Status::Lost | Status::Damaged)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Mode of transport of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Mot {
    #[serde(rename = "2W")]
    W2,
    #[serde(rename = "3W")]
    W3,
    #[serde(rename = "4W")]
    W4,
    #[serde(rename = "EV2W")]
    Ev2W,
    #[serde(rename = "EV3W")]
    Ev3W,
    #[serde(rename = "EV4W")]
    Ev4W,
}

impl Mot {
    pub const ALL: [Mot; 6] = [Mot::W2, Mot::W3, Mot::W4, Mot::Ev2W, Mot::Ev3W, Mot::Ev4W];

    pub fn as_str(self) -> &'static str {
        match self {
            Mot::W2 => "2W",
            Mot::W3 => "3W",
            Mot::W4 => "4W",
            Mot::Ev2W => "EV2W",
            Mot::Ev3W => "EV3W",
            Mot::Ev4W => "EV4W",
        }
    }

    pub fn parse(raw: &str) -> Option<Mot> {
        Mot::ALL.into_iter().find(|m| m.as_str() == raw)
    }

    pub fn is_ev(self) -> bool {
        matches!(self, Mot::Ev2W | Mot::Ev3W | Mot::Ev4W)
    }
}

impl fmt::Display for Mot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_losses() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("Delivered"), None);
        assert!(Status::Damaged.is_loss() && Status::Lost.is_loss());
        assert!(!Status::Rts.is_loss());
    }

    #[test]
    fn mots_round_trip() {
        for m in Mot::ALL {
            assert_eq!(Mot::parse(m.as_str()), Some(m));
        }
        assert!(Mot::Ev3W.is_ev() && !Mot::W3.is_ev());
        assert_eq!(Mot::parse("5W"), None);
    }
}
