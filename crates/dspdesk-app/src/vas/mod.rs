//! VAS adoption (`metrics.md`, "VAS adoption, EV share, supervisors"): per partner and
//! VAS kind over a period, the packages with that VAS dispatched and delivered and
//! their completion beside the network's, and the enrolment (kinds enrolled among those
//! offered at the partner's stations ÷ kinds offered there); partners ranked by
//! adoption over the whole network, each shown only to who may see it. The kinds
//! offered per station and each partner's enrolment are configuration the program team
//! edits (audited).

use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::model::Model;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, NaiveDate, Utc};
use dspdesk_core::vas::{Enrolment, VasCounts, enrolment, kind_problem, rank_key};
use dspdesk_core::{Action, Scope};
use dspdesk_store::VasList;
use std::collections::{BTreeMap, BTreeSet};

/// One VAS kind of a partner.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct KindLine {
    pub vas: String,
    pub dispatched: i64,
    pub delivered: i64,
    pub completion_pct: Option<f64>,
    /// The network's completion of the kind in the period.
    pub network_completion_pct: Option<f64>,
    pub offered: bool,
    pub enrolled: bool,
}

/// A partner's adoption.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PartnerLine {
    /// 1 for the best adopter of the network; `None` for a station manager, who sees the
    /// partner at its stations only.
    pub rank: Option<usize>,
    pub partner: String,
    pub dispatched: i64,
    pub delivered: i64,
    /// Over all its VAS kinds.
    pub completion_pct: Option<f64>,
    pub enrolment: Enrolment,
    pub kinds: Vec<KindLine>,
}

/// The network's packages with one VAS kind.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NetworkLine {
    pub vas: String,
    pub dispatched: i64,
    pub delivered: i64,
    pub completion_pct: Option<f64>,
}

/// Adoption over a period.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Adoption {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Partners ranked over the whole network.
    pub ranked: usize,
    pub network: Vec<NetworkLine>,
    /// The partners the caller may see, best first.
    pub partners: Vec<PartnerLine>,
}

/// The VAS configuration: kinds offered per station and each partner's enrolment.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Config {
    pub offered: BTreeMap<String, BTreeSet<String>>,
    pub enrolled: BTreeMap<String, BTreeSet<String>>,
}

async fn config_all(ws: &Workspace) -> Result<Config, AppError> {
    let mut c = Config::default();
    for (station, vas) in ws.store.vas_list(VasList::Offered).await? {
        c.offered.entry(station).or_default().insert(vas);
    }
    for (partner, vas) in ws.store.vas_list(VasList::Enrolment).await? {
        c.enrolled.entry(partner).or_default().insert(vas);
    }
    Ok(c)
}

impl Config {
    /// The kinds offered at any of the stations.
    fn offered_at(&self, stations: &[&str]) -> BTreeSet<String> {
        stations
            .iter()
            .filter_map(|s| self.offered.get(*s))
            .flatten()
            .cloned()
            .collect()
    }
}

/// The configuration the caller may see: the stations and partners of their scope.
pub async fn config(ws: &Workspace, actor: &Actor) -> Result<Config, AppError> {
    let model = Model::load(ws).await?;
    let mut c = config_all(ws).await?;
    let visible_station = |s: &str| match &actor.scope {
        Scope::Partners(_) => model
            .partners()
            .filter(|p| actor.scope.allows_partner(p))
            .any(|p| model.works_at(p, s)),
        other => other.allows_station(s),
    };
    c.offered.retain(|s, _| visible_station(s));
    c.enrolled
        .retain(|p, _| model.sees_partner(&actor.scope, p));
    Ok(c)
}

/// The period asked for, each end defaulting to the 28 days ending on the last day with
/// data (today when there is none).
pub async fn period(
    ws: &Workspace,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), AppError> {
    let to = match to {
        Some(t) => t,
        None => Model::load(ws).await?.last.unwrap_or(today),
    };
    Ok((from.unwrap_or(to - chrono::Duration::days(27)), to))
}

/// Adoption from `from` to `to`.
pub async fn adoption(
    ws: &Workspace,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Adoption, AppError> {
    if to < from {
        return Err(AppError::invalid(
            "to",
            format!("the period ends ({to}) before it starts ({from})"),
        ));
    }
    let model = Model::load(ws).await?;
    let cfg = config_all(ws).await?;
    // Ranked over the network: read every row, show what the caller sees.
    let rows = ws.store.vas_in_scope(from, to, &Scope::All).await?;
    let mut network: BTreeMap<String, VasCounts> = BTreeMap::new();
    for r in &rows {
        network.entry(r.vas.clone()).or_default().add(r.counts);
    }
    let mut lines = lines_at(&model, &cfg, &rows, &network, &Scope::All);
    lines.sort_by(|a, b| {
        rank_key(b.enrolment.pct, b.completion_pct)
            .cmp(&rank_key(a.enrolment.pct, a.completion_pct))
            .then(a.partner.cmp(&b.partner))
    });
    for (i, l) in lines.iter_mut().enumerate() {
        l.rank = Some(i + 1);
    }
    let ranked = lines.len();
    lines.retain(|l| model.sees_partner(&actor.scope, &l.partner));
    // A station manager sees each partner at its own stations only, unranked: the
    // network's line and rank rest on other stations' packages.
    if let Scope::Stations(_) = &actor.scope {
        lines = lines_at(&model, &cfg, &rows, &network, &actor.scope);
        lines.retain(|l| model.sees_partner(&actor.scope, &l.partner));
    }
    Ok(Adoption {
        from,
        to,
        ranked,
        network: network
            .into_iter()
            .map(|(vas, c)| NetworkLine {
                vas,
                dispatched: c.dispatched,
                delivered: c.delivered,
                completion_pct: c.completion_pct(),
            })
            .collect(),
        partners: lines,
    })
}

/// Every partner's line from the rows and offers at the stations `scope` allows.
fn lines_at(
    model: &Model,
    cfg: &Config,
    rows: &[dspdesk_store::VasRow],
    network: &BTreeMap<String, VasCounts>,
    scope: &Scope,
) -> Vec<PartnerLine> {
    let mut by_partner: BTreeMap<&str, BTreeMap<String, VasCounts>> = BTreeMap::new();
    for r in rows.iter().filter(|r| scope.allows(&r.partner, &r.station)) {
        by_partner
            .entry(&r.partner)
            .or_default()
            .entry(r.vas.clone())
            .or_default()
            .add(r.counts);
    }
    model
        .partners()
        .map(|p| {
            let stations: Vec<&str> = model
                .stations_of(p)
                .into_iter()
                .filter(|s| scope.allows_station(s))
                .collect();
            partner_line(p, &stations, cfg, by_partner.get(p.as_str()), network)
        })
        .collect()
}

fn partner_line(
    partner: &str,
    stations: &[&str],
    cfg: &Config,
    counts: Option<&BTreeMap<String, VasCounts>>,
    network: &BTreeMap<String, VasCounts>,
) -> PartnerLine {
    let offered = cfg.offered_at(stations);
    let empty = BTreeSet::new();
    let enrolled = cfg.enrolled.get(partner).unwrap_or(&empty);
    let mut kinds: BTreeSet<String> = offered.union(enrolled).cloned().collect();
    if let Some(c) = counts {
        kinds.extend(c.keys().cloned());
    }
    let mut total = VasCounts::default();
    let kinds = kinds
        .into_iter()
        .map(|vas| {
            let c = counts
                .and_then(|m| m.get(&vas))
                .copied()
                .unwrap_or_default();
            total.add(c);
            KindLine {
                network_completion_pct: network.get(&vas).and_then(|n| n.completion_pct()),
                offered: offered.contains(&vas),
                enrolled: enrolled.contains(&vas),
                dispatched: c.dispatched,
                delivered: c.delivered,
                completion_pct: c.completion_pct(),
                vas,
            }
        })
        .collect();
    PartnerLine {
        rank: None,
        partner: partner.to_owned(),
        dispatched: total.dispatched,
        delivered: total.delivered,
        completion_pct: total.completion_pct(),
        enrolment: enrolment(enrolled, &offered),
        kinds,
    }
}

/// Offers (`on`) or withdraws a VAS kind at a station; returns whether it changed.
pub async fn set_offered(
    ws: &Workspace,
    actor: &Actor,
    station: &str,
    vas: &str,
    on: bool,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    actor.must(Action::EditVas)?;
    let vas = vas.trim();
    if let Some(p) = kind_problem(vas) {
        return Err(AppError::invalid("vas", p));
    }
    let known = ws
        .store
        .list_stations()
        .await?
        .into_iter()
        .any(|s| s.code == station);
    if !known || !actor.scope.allows_station(station) {
        return Err(AppError::NotFound("station"));
    }
    Ok(ws
        .store
        .set_vas(VasList::Offered, station, vas, on, &actor.audit, now)
        .await?)
}

/// Enrols (`on`) a partner in a VAS kind offered at one of its stations, or withdraws
/// it; returns whether it changed.
pub async fn set_enrolled(
    ws: &Workspace,
    actor: &Actor,
    partner: &str,
    vas: &str,
    on: bool,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    actor.must(Action::EditVas)?;
    let vas = vas.trim();
    if let Some(p) = kind_problem(vas) {
        return Err(AppError::invalid("vas", p));
    }
    let model = Model::load(ws).await?;
    if !model.partners().any(|p| p == partner) || !model.sees_partner(&actor.scope, partner) {
        return Err(AppError::NotFound("partner"));
    }
    if on {
        let stations = model.stations_of(partner);
        let offered = config_all(ws).await?.offered_at(&stations);
        if !offered.contains(vas) {
            return Err(AppError::invalid(
                "vas",
                format!(
                    "{vas} is not offered at any station of {partner} ({}): offer it at a station first",
                    stations.join(", ")
                ),
            ));
        }
    }
    Ok(ws
        .store
        .set_vas(VasList::Enrolment, partner, vas, on, &actor.audit, now)
        .await?)
}

/// The ranking as a table (download, CLI, API): one row per partner and kind.
pub fn table(a: &Adoption) -> dspdesk_core::table::Table {
    use dspdesk_core::table::{Cell, Table};
    let mut rows = Vec::new();
    for p in &a.partners {
        for k in &p.kinds {
            rows.push(vec![
                p.rank.map_or(Cell::Num(None), |r| Cell::Int(r as i64)),
                Cell::text(&p.partner),
                Cell::Num(p.enrolment.pct),
                Cell::text(&k.vas),
                Cell::Bool(k.offered),
                Cell::Bool(k.enrolled),
                Cell::Int(k.dispatched),
                Cell::Int(k.delivered),
                Cell::Num(k.completion_pct),
                Cell::Num(k.network_completion_pct),
            ]);
        }
    }
    Table {
        columns: vec![
            "rank",
            "partner",
            "enrolment_pct",
            "vas",
            "offered",
            "enrolled",
            "vas_dispatched",
            "vas_delivered",
            "vas_completion_pct",
            "network_vas_completion_pct",
        ],
        rows,
    }
}
