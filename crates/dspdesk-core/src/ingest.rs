//! What loading a file came to.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IngestOutcome {
    /// Its rows are current.
    Loaded,
    /// It was refused, whole; nothing changed.
    Rejected,
    /// The same content, read the same way, is already current; nothing changed.
    Unchanged,
}

impl IngestOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            IngestOutcome::Loaded => "loaded",
            IngestOutcome::Rejected => "rejected",
            IngestOutcome::Unchanged => "unchanged",
        }
    }
}

impl fmt::Display for IngestOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}
