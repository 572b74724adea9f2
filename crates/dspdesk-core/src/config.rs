//! The kinds of versioned configuration document.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfigKind {
    /// The health score: components, tiers, caps and the rules of the lists.
    Score,
    /// Rate cards and cost models.
    Rates,
}

impl ConfigKind {
    pub const ALL: [ConfigKind; 2] = [ConfigKind::Score, ConfigKind::Rates];

    pub fn as_str(self) -> &'static str {
        match self {
            ConfigKind::Score => "score",
            ConfigKind::Rates => "rates",
        }
    }

    pub fn parse(raw: &str) -> Option<ConfigKind> {
        ConfigKind::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

impl fmt::Display for ConfigKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}
