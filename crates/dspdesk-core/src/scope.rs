//! Who may see what, and who may do what, decided once: a `Scope` says which rows a
//! person may see (the app layer passes it to every store read), `Role::may` says
//! which actions a role may take. Screens, downloads, the API and the CLI all ask
//! these, so they cannot disagree.

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

    /// Whether the role may take an action (within its scope).
    pub fn may(self, action: Action) -> bool {
        use Role::*;
        match action {
            Action::LoadFiles | Action::AdoptGoals => matches!(self, Admin | Program),
            Action::SetGoals => matches!(self, Admin | Program | Coach),
            Action::ManageUsers | Action::ManageConfig => self == Admin,
            Action::RankAmongAnonymousPeers => self == Partner,
            Action::RaisePoints | Action::CommentOnFollowups => true,
            Action::WorkFollowups => matches!(self, Admin | Program | Coach | Station),
            Action::ReadAudit => self == Admin,
            Action::UploadDocuments => matches!(self, Admin | Program | Coach | Partner),
            Action::VerifyDocuments => matches!(self, Admin | Program),
            Action::EnterInvoices => matches!(self, Admin | Program | Partner),
            Action::SettleDisputes => matches!(self, Admin | Program),
            Action::EditVas | Action::ManageVendors => matches!(self, Admin | Program),
            Action::NameSupervisors => matches!(self, Admin | Program | Partner),
            Action::ScheduleReports => matches!(self, Admin | Program),
        }
    }
}

/// What a person can do besides reading within their scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Load delivery, route and remittance files (the upload screen, `ingest`).
    LoadFiles,
    /// Adopt the suggested route goals for the whole network.
    AdoptGoals,
    /// Set one partner-station pair's route goals (within the scope).
    SetGoals,
    /// Add, disable and reset users; issue API tokens.
    ManageUsers,
    /// Check and load score weights, rate cards and cost models.
    ManageConfig,
    /// See every partner's rank, score and tier with the others' names and numbers
    /// withheld (partner users, who otherwise see only their own company).
    RankAmongAnonymousPeers,
    /// Raise a support-hub point (within the scope).
    RaisePoints,
    /// Comment on and attach files to a follow-up one may see (a partner on its own).
    CommentOnFollowups,
    /// Assign follow-ups, move them through their states, record recoveries.
    WorkFollowups,
    /// Read the whole audit log.
    ReadAudit,
    /// Upload a compliance document (a partner its own, staff for partners of their scope).
    UploadDocuments,
    /// Verify or reject documents; record bank guarantees.
    VerifyDocuments,
    /// Enter or upload invoices (a partner its own, the program team any partner's).
    EnterInvoices,
    /// Settle invoice disputes (accepted amount, credit or debit note).
    SettleDisputes,
    /// Edit the VAS kinds offered per station and each partner's enrolment.
    EditVas,
    /// Keep the EV vendors (name, vehicles, contacts).
    ManageVendors,
    /// Give a supervisor id a name and phone (a partner its own).
    NameSupervisors,
    /// Subscribe other people to reports and end their subscriptions (anyone may
    /// subscribe themselves).
    ScheduleReports,
}

impl Action {
    /// Who may take the action, as said to someone whose role may not.
    pub fn refusal(self) -> &'static str {
        match self {
            Action::LoadFiles => "Only the program team loads files.",
            Action::AdoptGoals => "Only the program team adopts goals for the whole network.",
            Action::SetGoals => "Your role does not set goals.",
            Action::ManageUsers => "Only an admin manages users.",
            Action::ManageConfig => "Only an admin changes rate cards and score weights.",
            Action::RankAmongAnonymousPeers => "Only partner users rank among anonymous peers.",
            Action::RaisePoints => "Your role does not raise points.",
            Action::CommentOnFollowups => "Your role does not comment on follow-ups.",
            Action::WorkFollowups => {
                "Only the program team, coaches and station managers assign, resolve or reopen follow-ups; a partner answers with a comment."
            }
            Action::ReadAudit => "Only an admin reads the audit log.",
            Action::UploadDocuments => "Your role does not upload documents.",
            Action::VerifyDocuments => {
                "Only the program team verifies documents and records bank guarantees."
            }
            Action::EnterInvoices => "Only the program team and partners enter invoices.",
            Action::SettleDisputes => "Only the program team settles invoice disputes.",
            Action::EditVas => "Only the program team edits the VAS offered and enrolled.",
            Action::ManageVendors => "Only the program team keeps the EV vendors.",
            Action::NameSupervisors => "Only the partner and the program team name supervisors.",
            Action::ScheduleReports => {
                "Only the program team subscribes other people to reports; anyone may subscribe themselves."
            }
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// The rows a person may see.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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

    /// Whether the scope is not limited to other stations (a partner scope limits
    /// partners, not stations).
    pub fn allows_station(&self, station: &str) -> bool {
        match self {
            Scope::All | Scope::Partners(_) => true,
            Scope::Stations(s) => s.contains(station),
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

    #[test]
    fn roles_may_what_the_brief_says() {
        assert!(Role::Program.may(Action::LoadFiles) && !Role::Coach.may(Action::LoadFiles));
        assert!(Role::Coach.may(Action::SetGoals) && !Role::Coach.may(Action::AdoptGoals));
        assert!(!Role::Station.may(Action::SetGoals) && !Role::Partner.may(Action::SetGoals));
        assert!(Role::Admin.may(Action::ManageConfig) && !Role::Program.may(Action::ManageConfig));
        assert!(Role::Admin.may(Action::ManageUsers) && !Role::Program.may(Action::ManageUsers));
        assert!(Role::Partner.may(Action::RankAmongAnonymousPeers));
        assert!(!Role::Admin.may(Action::RankAmongAnonymousPeers));
        assert!(
            Role::Partner.may(Action::RaisePoints) && !Role::Partner.may(Action::WorkFollowups)
        );
        assert!(Role::Station.may(Action::WorkFollowups) && Role::Coach.may(Action::WorkFollowups));
        assert!(Role::Admin.may(Action::ReadAudit) && !Role::Program.may(Action::ReadAudit));
    }
}
