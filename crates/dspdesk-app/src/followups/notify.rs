//! Who hears of a follow-up: its owner and watchers, the partner's coaches and users,
//! the program team; and whether each also gets it by e-mail (their address and the
//! events they chose).

use crate::shared::error::AppError;
use crate::shared::workspace::Workspace;
use dspdesk_core::Role;
use dspdesk_core::followups::Kind;
use dspdesk_store::{NewNotification, UserRow};
use std::collections::HashMap;

/// The events a person can choose to receive by e-mail.
pub const EVENTS: [(&str, &str); 5] = [
    ("opened", "a follow-up about my partners is opened"),
    ("assigned", "a follow-up is assigned to me"),
    ("comment", "someone comments on a follow-up I own or watch"),
    ("state", "a follow-up I own or watch changes state"),
    ("escalated", "a follow-up escalates to me"),
];

/// The people who may be told, read once per change.
pub struct Notify {
    users: Vec<UserRow>,
    email: HashMap<String, (String, Vec<String>)>,
}

impl Notify {
    pub async fn load(ws: &Workspace) -> Result<Notify, AppError> {
        Ok(Notify {
            users: ws.store.list_users().await?,
            email: ws.store.all_email_settings().await?,
        })
    }

    pub fn all_active(&self) -> impl Iterator<Item = &UserRow> {
        self.users.iter().filter(|u| !u.disabled)
    }

    fn with_scope(&self, role: Role, kind: &str, code: &str) -> Vec<String> {
        self.all_active()
            .filter(|u| u.role == role && u.scopes.iter().any(|(k, c)| k == kind && c == code))
            .map(|u| u.username.clone())
            .collect()
    }

    /// The coaches whose portfolio holds the partner, by name.
    pub fn coaches_of(&self, partner: &str) -> Vec<String> {
        self.with_scope(Role::Coach, "partner", partner)
    }

    pub fn partner_users(&self, partner: &str) -> Vec<String> {
        if partner.is_empty() {
            return Vec::new();
        }
        self.with_scope(Role::Partner, "partner", partner)
    }

    pub fn station_managers(&self, station: &str) -> Vec<String> {
        if station.is_empty() {
            return Vec::new();
        }
        self.with_scope(Role::Station, "station", station)
    }

    pub fn program_team(&self) -> Vec<String> {
        self.all_active()
            .filter(|u| u.role == Role::Program)
            .map(|u| u.username.clone())
            .collect()
    }

    pub fn user(&self, name: &str) -> Option<&UserRow> {
        self.users.iter().find(|u| u.username == name)
    }

    /// One notification per person (each once, never to `except`, never to someone
    /// who may not see the follow-up `about`, a partner × station, now), with an e-mail
    /// for those who chose the event and have an address.
    pub fn build(
        &self,
        to: &[String],
        event: &str,
        message: &str,
        except: Option<&str>,
        about: About<'_>,
    ) -> Vec<NewNotification> {
        let mut seen = std::collections::BTreeSet::new();
        to.iter()
            .filter(|u| Some(u.as_str()) != except && seen.insert(u.as_str()))
            .filter(|u| {
                self.user(u).is_some_and(|u| {
                    !u.disabled && u.scope().allows(about.partner, about.station)
                })
            })
            .map(|u| NewNotification {
                username: u.clone(),
                event: event.into(),
                message: message.into(),
                email: self.email.get(u.as_str()).and_then(|(addr, events)| {
                    wants(events, event, about.kind).then(|| {
                        (
                            addr.clone(),
                            format!("[dspdesk] {}", first_line(message)),
                            format!("{message}\n\nOpen dspdesk to answer. You receive this because you chose \"{}\" in your e-mail settings.\n", label(event)),
                        )
                    })
                }),
            })
            .collect()
    }
}

/// What a notification is about: the follow-up's partner, station and kind.
#[derive(Debug, Clone, Copy)]
pub struct About<'a> {
    pub partner: &'a str,
    pub station: &'a str,
    pub kind: Kind,
}

impl<'a> From<&'a dspdesk_store::FollowupRow> for About<'a> {
    fn from(f: &'a dspdesk_store::FollowupRow) -> About<'a> {
        About {
            partner: &f.partner,
            station: &f.station,
            kind: f.kind,
        }
    }
}

/// Whether someone's choices take an e-mail of this event about this kind: the event
/// chosen, and the kind among the `kind:…` chosen (none chosen: every kind).
fn wants(chosen: &[String], event: &str, kind: Kind) -> bool {
    let kinds: Vec<&str> = chosen
        .iter()
        .filter_map(|c| c.strip_prefix(KIND_PREFIX))
        .collect();
    chosen.iter().any(|e| e == event) && (kinds.is_empty() || kinds.contains(&kind.as_str()))
}

/// How a chosen kind of follow-up is kept among a person's e-mail choices.
pub const KIND_PREFIX: &str = "kind:";

fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or_default();
    line.chars().take(120).collect()
}

fn label(event: &str) -> &'static str {
    EVENTS
        .iter()
        .find(|(e, _)| *e == event)
        .map(|(_, l)| *l)
        .unwrap_or("notifications")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str, role: Role, scopes: &[(&str, &str)]) -> UserRow {
        UserRow {
            id: 0,
            username: name.into(),
            display_name: name.into(),
            role,
            disabled: false,
            password_hash: String::new(),
            scopes: scopes
                .iter()
                .map(|(k, c)| (k.to_string(), c.to_string()))
                .collect(),
        }
    }

    #[test]
    fn only_those_who_may_see_the_followup_now_are_told() {
        let mut gone = user("gone", Role::Coach, &[("partner", "ZIPX")]);
        gone.disabled = true;
        let notify = Notify {
            users: vec![
                user("asha", Role::Coach, &[("partner", "SWFT")]),
                user("moved", Role::Coach, &[("partner", "ZIPX")]),
                user("bom", Role::Station, &[("station", "BOM1")]),
                user("prog", Role::Program, &[]),
                gone,
            ],
            email: [(
                "asha".to_string(),
                ("asha@example.com".to_string(), vec!["comment".to_string()]),
            )]
            .into(),
        };
        let to: Vec<String> = ["asha", "moved", "bom", "prog", "gone", "asha", "nobody"]
            .map(String::from)
            .to_vec();
        let about = About {
            partner: "SWFT",
            station: "DEL4",
            kind: Kind::Cod,
        };
        let told = notify.build(&to, "comment", "hello", Some("prog"), about);
        let names: Vec<&str> = told.iter().map(|n| n.username.as_str()).collect();
        assert_eq!(names, ["asha"], "once, in scope, active, never the actor");
        assert_eq!(
            told[0].email.as_ref().map(|e| e.0.as_str()),
            Some("asha@example.com")
        );
        let not_chosen = notify.build(&to, "state", "x", None, about);
        assert!(
            not_chosen[0].email.is_none(),
            "e-mail only for the events chosen"
        );
        let chosen = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(
            wants(&chosen(&["comment"]), "comment", Kind::Nl),
            "no kind chosen: every kind"
        );
        assert!(wants(&chosen(&["comment", "kind:nl"]), "comment", Kind::Nl));
        assert!(!wants(
            &chosen(&["comment", "kind:nl"]),
            "comment",
            Kind::Cod
        ));
    }
}
