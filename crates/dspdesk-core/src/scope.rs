//! Roles and what each may see. The store filters every query by a `Scope`, so a
//! handler cannot forget to.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Program,
    Coach,
    Station,
    Partner,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Program,
        Role::Coach,
        Role::Station,
        Role::Partner,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Program => "program",
            Role::Coach => "coach",
            Role::Station => "station",
            Role::Partner => "partner",
        }
    }

    pub fn parse(raw: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == raw)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rows a person may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Admins and the program team.
    All,
    /// A coach's portfolio, or a partner user's one company.
    Partners(BTreeSet<String>),
    /// A station manager's stations.
    Stations(BTreeSet<String>),
}

impl Scope {
    pub fn allows(&self, partner: &str, station: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Partners(p) => p.contains(partner),
            Scope::Stations(s) => s.contains(station),
        }
    }

    pub fn allows_partner(&self, partner: &str) -> bool {
        match self {
            Scope::All | Scope::Stations(_) => true,
            Scope::Partners(p) => p.contains(partner),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_allow_only_their_rows() {
        let one = Scope::Partners(["SWFT".to_string()].into());
        assert!(one.allows("SWFT", "DEL4"));
        assert!(!one.allows("ZIPX", "DEL4"));
        let stations = Scope::Stations(["DEL4".to_string()].into());
        assert!(stations.allows("ZIPX", "DEL4") && !stations.allows("ZIPX", "BOM1"));
        assert!(Scope::All.allows("A", "B"));
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
    }
}
