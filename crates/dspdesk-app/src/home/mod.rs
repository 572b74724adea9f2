//! Home: what needs the caller today. The open follow-ups the caller may see (cases
//! from the data, points, action items, disputes, checks, EV meetings) and the flags
//! that have no case of their own (defaulting and bottom partners, goals missed,
//! loss-making blocks, unusually bad days), each with its severity, owner and the
//! action it needs, most urgent first (`dspdesk_core::home`). A partner's home is its
//! own score, what to fix, its goals, its COD owed and its cases.

use crate::flags::{FlagFilter, flags};
use crate::followups::{Notify, Queue, queue};
use crate::health::Scorecard;
use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::model::Model;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, NaiveDate, Utc};
use dspdesk_core::flags::FlagKind;
use dspdesk_core::followups::Kind;
use dspdesk_core::health::Headroom;
use dspdesk_core::home::{
    OpenFollowup, Severity, Urgency, days_between, flag_action, flag_severity, followup_action,
    followup_severity, most_urgent_first, partner_action,
};
use dspdesk_core::{PartnerCode, Role, Scope};
use dspdesk_store::{FlagRow, FollowupRow};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// One thing that needs a person.
#[derive(Debug, Clone, Serialize)]
pub struct WorkItem {
    pub severity: Severity,
    /// What it is, in words: "COD case", "Defaulting on DOT".
    pub what: &'static str,
    pub title: String,
    pub partner: String,
    /// The partner's legal name, from its file (empty when none is written).
    pub partner_name: String,
    pub station: String,
    /// Who owns it: a user name, the partner's coaches, or "unassigned".
    pub owner: String,
    pub action: &'static str,
    /// Money at risk, in minor units (0 when none).
    pub money_minor: i64,
    pub days: i64,
    /// Past its resolve-by (follow-ups).
    pub overdue: bool,
    /// The page that acts on it.
    pub href: String,
    /// The caller owns it (or coaches its partner).
    pub mine: bool,
}

impl WorkItem {
    fn urgency(&self) -> Urgency {
        Urgency {
            severity: self.severity,
            money_minor: self.money_minor,
            days: self.days,
        }
    }
}

/// The caller's worklist.
#[derive(Debug, Clone, Serialize)]
pub struct Worklist {
    /// Most urgent first; at most the limit asked for.
    pub items: Vec<WorkItem>,
    /// How many there are in all (before the limit).
    pub total: usize,
    /// How many of each severity, critical first.
    pub by_severity: [usize; 4],
    /// The money at risk over every item.
    pub money_minor: i64,
    /// Only the caller's own were asked for.
    pub mine_only: bool,
}

/// Who is responsible for what the data flags: the coaches of a partner, the managers
/// of a station.
struct Owners {
    users: Vec<(String, Role, Scope)>,
}

impl Owners {
    async fn load(ws: &Workspace) -> Result<Owners, AppError> {
        let notify = Notify::load(ws).await?;
        Ok(Owners {
            users: notify
                .all_active()
                .map(|u| (u.username.clone(), u.role, u.scope()))
                .collect(),
        })
    }

    fn of(&self, partner: &str, station: &str) -> Vec<&str> {
        let (role, fits): (Role, &dyn Fn(&Scope) -> bool) = if partner.is_empty() {
            (Role::Station, &|s: &Scope| s.allows_station(station))
        } else {
            (Role::Coach, &|s: &Scope| {
                matches!(s, Scope::Partners(_)) && s.allows_partner(partner)
            })
        };
        self.users
            .iter()
            .filter(|(_, r, s)| *r == role && fits(s))
            .map(|(n, _, _)| n.as_str())
            .collect()
    }
}

fn followup_item(f: &FollowupRow, actor: &Actor, now: DateTime<Utc>) -> WorkItem {
    let open = OpenFollowup {
        kind: f.kind,
        priority: f.priority,
        amount_minor: f.amount_minor,
        opened_at: f.opened_at,
        resolve_by: f.resolve_by,
        escalation: f.escalation,
        began_on: f.data_date,
    };
    let outstanding = f.amount_minor.unwrap_or(0) - f.recovered_minor;
    WorkItem {
        severity: followup_severity(&open, now),
        what: f.kind.label(),
        title: f.title.clone(),
        partner: f.partner.clone(),
        partner_name: String::new(),
        station: f.station.clone(),
        owner: f.owner.clone().unwrap_or_else(|| "unassigned".into()),
        action: if actor.role == Role::Partner {
            partner_action(Some(f.kind), None)
        } else {
            followup_action(f.kind)
        },
        money_minor: outstanding.max(0),
        days: open.days_open(now),
        overdue: f.resolve_by < now,
        href: format!("/followups/{}", f.id),
        mine: f.owner.as_deref() == Some(actor.username.as_str()),
    }
}

/// The money and the start of a flag, from its numbers where they carry them.
fn flag_money_since(f: &FlagRow) -> (i64, Option<NaiveDate>) {
    let numbers: serde_json::Value = serde_json::from_str(&f.numbers).unwrap_or_default();
    let amount = |key: &str| {
        numbers[key]
            .as_str()
            .and_then(|s| dspdesk_core::parse_amount(s.as_bytes(), true).ok())
            .unwrap_or(0)
    };
    let money = match f.kind {
        FlagKind::CodOverdue => amount("shortfall"),
        // A loss is a negative profit: the money at risk is the loss.
        FlagKind::LossMakingBlock => (-amount("profit")).max(0),
        _ => 0,
    };
    let since = numbers["since"]
        .as_str()
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
    (money, since)
}

fn flag_item(f: &FlagRow, owners: &Owners, actor: &Actor, now: DateTime<Utc>) -> WorkItem {
    let (money, since) = flag_money_since(f);
    let days = match since {
        Some(d) => (now.date_naive() - d).num_days().max(0),
        None => days_between(f.first_seen, now),
    };
    let who = owners.of(&f.partner, &f.station);
    WorkItem {
        severity: flag_severity(f.kind, money, days),
        what: f.kind.label(),
        title: f.reason.clone(),
        partner: f.partner.clone(),
        partner_name: String::new(),
        station: f.station.clone(),
        owner: if who.is_empty() {
            "program team".into()
        } else {
            who.join(", ")
        },
        action: if actor.role == Role::Partner {
            partner_action(None, Some(f.kind))
        } else {
            flag_action(f.kind)
        },
        money_minor: money,
        days,
        overdue: false,
        href: format!("/flags/{}", f.id),
        mine: who.contains(&actor.username.as_str()),
    }
}

/// The caller's worklist at `now`, most urgent first, at most `limit` items; with
/// `mine_only`, only what the caller owns (or coaches).
pub async fn worklist(
    ws: &Workspace,
    actor: &Actor,
    now: DateTime<Utc>,
    mine_only: bool,
    limit: usize,
) -> Result<Worklist, AppError> {
    let open = queue(
        ws,
        actor,
        &Queue {
            per_page: 1000,
            ..Default::default()
        },
        now,
    )
    .await?;
    let owners = Owners::load(ws).await?;
    let cod_cases: BTreeSet<(&str, &str)> = open
        .rows
        .iter()
        .filter(|f| f.kind == Kind::Cod)
        .map(|f| (f.partner.as_str(), f.station.as_str()))
        .collect();
    let mut items: Vec<WorkItem> = open
        .rows
        .iter()
        .map(|f| followup_item(f, actor, now))
        .collect();
    for f in flags(ws, actor, FlagFilter::default()).await? {
        // A COD shortfall has its own case, which carries the money and the owner.
        if f.kind == FlagKind::CodOverdue
            && cod_cases.contains(&(f.partner.as_str(), f.station.as_str()))
        {
            continue;
        }
        items.push(flag_item(&f, &owners, actor, now));
    }
    if mine_only {
        items.retain(|i| i.mine);
    }
    items.sort_by(|a, b| {
        most_urgent_first(&a.urgency(), &b.urgency()).then_with(|| a.title.cmp(&b.title))
    });
    let mut by_severity = [0usize; 4];
    let mut money_minor: i64 = 0;
    for i in &items {
        by_severity[i.severity as usize] += 1;
        money_minor = money_minor.saturating_add(i.money_minor);
    }
    let total = items.len();
    items.truncate(limit);
    let names = crate::partners::names(ws).await?;
    for i in &mut items {
        if let Some(n) = names.get(&i.partner) {
            i.partner_name = n.clone();
        }
    }
    Ok(Worklist {
        items,
        total,
        by_severity,
        money_minor,
        mine_only,
    })
}

/// A partner's own home: its scorecard of the last complete week, what would gain it
/// the most points, its COD owed now and its open cases.
#[derive(Debug, Clone)]
pub struct PartnerHome {
    pub partner: String,
    /// Its legal name from its file (empty when none is written).
    pub name: String,
    pub card: Option<Scorecard>,
    /// Most points first.
    pub fixes: Vec<Headroom>,
    /// COD owed now at each station, and since when.
    pub cod_owed: Vec<(String, i64, Option<NaiveDate>)>,
    pub cases: Vec<WorkItem>,
    /// The newest day with data.
    pub last: Option<NaiveDate>,
}

/// The home of a partner user (its first company when it has several).
pub async fn partner_home(
    ws: &Workspace,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Option<PartnerHome>, AppError> {
    let Scope::Partners(codes) = &actor.scope else {
        return Ok(None);
    };
    let Some(code) = codes.iter().next() else {
        return Ok(None);
    };
    let partner =
        PartnerCode::parse(code).map_err(|e| AppError::invalid("partner", e.to_string()))?;
    let model = Model::load(ws).await?;
    let card = match crate::health::scorecard(ws, actor, &partner, None).await {
        Ok(c) => Some(c),
        Err(AppError::NotFound(_)) => None,
        Err(e) => return Err(e),
    };
    let fixes = card
        .as_ref()
        .and_then(|c| Some(c.config.headroom(&c.row.as_ref()?.values)))
        .unwrap_or_default();
    let mut cod_owed = Vec::new();
    if let Some(last) = model.last {
        let overdue: HashMap<String, NaiveDate> = model
            .cod_overdue(last)
            .into_iter()
            .filter(|(p, _, _, _)| p == code)
            .map(|(_, s, _, since)| (s, since))
            .collect();
        for station in model.stations_of(code) {
            let owed = model.shortfall_of(code, station, last);
            if owed > 0 {
                cod_owed.push((station.to_owned(), owed, overdue.get(station).copied()));
            }
        }
    }
    let list = worklist(ws, actor, now, false, 50).await?;
    let name = ws
        .store
        .partner_file(code)
        .await?
        .map(|f| f.legal_name)
        .unwrap_or_default();
    Ok(Some(PartnerHome {
        partner: code.clone(),
        name,
        card,
        fixes,
        cod_owed,
        cases: list.items,
        last: model.last,
    }))
}
