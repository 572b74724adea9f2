//! The supervisor ready reckoner (`metrics.md`, "VAS adoption, EV share,
//! supervisors"): every supervisor of every partner the caller may see, with tenure and
//! the window's routes, packages, DOT, DCR and NL DPMO; the tenured top performers
//! (the top-20% cut is over the whole network, so a supervisor is a top performer
//! whoever looks); a supervisor's routes and a route's packages read from the lake;
//! and the name and phone a partner gives a supervisor id.

use crate::network::drill::{self, RouteLine, RouteView};
use crate::shared::actor::Actor;
use crate::shared::cache::ViewKey;
use crate::shared::error::AppError;
use crate::shared::model::Model;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, NaiveDate, Utc};
use dspdesk_core::supervisors::{
    TOP_MIN_ROUTES, contact_problem, in_top_dot, is_top_performer, tenure_days, window_start,
};
use dspdesk_core::{Action, Counts, PartnerCode, Scope, StationCode};
use dspdesk_store::{SupervisorContactRow, SupervisorRow, SupervisorSpanRow};
use std::collections::{BTreeMap, BTreeSet};

/// One supervisor on the reckoner.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Line {
    pub partner: String,
    pub supervisor: String,
    /// As the partner gave them; empty until then.
    pub name: String,
    pub phone: String,
    pub first_route: NaiveDate,
    pub last_route: NaiveDate,
    pub tenure_days: i64,
    pub routes: i64,
    pub packages: i64,
    pub delivered: i64,
    pub on_time: i64,
    pub lost: i64,
    pub dot_pct: Option<f64>,
    pub dcr_pct: Option<f64>,
    pub nl_dpmo: Option<f64>,
    /// DOT in the top 20% of the network's supervisors with 20 routes or more.
    pub top_dot: bool,
    /// Tenure of 90 days, 20 routes in the window and a top-20% DOT.
    pub top_performer: bool,
}

/// The reckoner as of a day.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Reckoner {
    /// The last day of the window (`None`: no data yet).
    pub as_of: Option<NaiveDate>,
    pub from: Option<NaiveDate>,
    /// The network's supervisors with at least 20 routes in the window: those the DOT
    /// cut compares.
    pub compared: usize,
    pub lines: Vec<Line>,
}

/// Per (partner, supervisor): the window's counts, and the first and last route day.
type Totals = BTreeMap<(String, String), Counts>;

fn totals(rows: &[SupervisorRow], scope: &Scope) -> Totals {
    let mut t = Totals::new();
    for r in rows.iter().filter(|r| scope.allows(&r.partner, &r.station)) {
        *t.entry((r.partner.clone(), r.supervisor.clone()))
            .or_default() += r.counts;
    }
    t
}

/// Per (partner, supervisor): the first and last route day at the stations `scope` may
/// see.
fn spans(
    rows: &[SupervisorSpanRow],
    scope: &Scope,
) -> BTreeMap<(String, String), (NaiveDate, NaiveDate)> {
    let mut out: BTreeMap<(String, String), (NaiveDate, NaiveDate)> = BTreeMap::new();
    for r in rows.iter().filter(|r| scope.allows(&r.partner, &r.station)) {
        let e = out
            .entry((r.partner.clone(), r.supervisor.clone()))
            .or_insert((r.first, r.last));
        e.0 = e.0.min(r.first);
        e.1 = e.1.max(r.last);
    }
    out
}

/// The reckoner over the 28 days ending `as_of` (default: the last day with data).
pub async fn reckoner(
    ws: &Workspace,
    actor: &Actor,
    as_of: Option<NaiveDate>,
) -> Result<Reckoner, AppError> {
    let as_of = match as_of {
        Some(d) => Some(d),
        None => Model::load(ws).await?.last,
    };
    let Some(as_of) = as_of else {
        return Ok(Reckoner {
            as_of: None,
            from: None,
            compared: 0,
            lines: Vec::new(),
        });
    };
    // What the data decides is computed once per data version, scope and day; the
    // names and phones partners give are read each time.
    let key = ViewKey::Supervisors(actor.scope.clone(), as_of);
    let folded = ws
        .views
        .get_or(&ws.store, key, || fold(ws, &actor.scope, as_of))
        .await?;
    let contacts = ws.store.supervisor_contacts().await?;
    let mut r = Reckoner::clone(&folded);
    for l in &mut r.lines {
        if let Some(c) = contacts.get(&(l.partner.clone(), l.supervisor.clone())) {
            l.name = c.name.clone();
            l.phone = c.phone.clone();
        }
    }
    Ok(r)
}

/// The reckoner of the supervisors `scope` sees, without their names and phones.
async fn fold(ws: &Workspace, scope: &Scope, as_of: NaiveDate) -> Result<Reckoner, AppError> {
    let from = window_start(as_of);
    // The cut is the network's: read every row, then show only what the caller sees.
    let rows = ws
        .store
        .supervisors_in_scope(from, as_of, None, &Scope::All)
        .await?;
    let network = totals(&rows, &Scope::All);
    let keys: Vec<&(String, String)> = network.keys().collect();
    let counts: Vec<Counts> = network.values().copied().collect();
    let top: BTreeMap<&(String, String), bool> =
        keys.iter().copied().zip(in_top_dot(&counts)).collect();
    let compared = counts
        .iter()
        .filter(|c| c.routes >= TOP_MIN_ROUTES && c.dispatched > 0)
        .count();
    let seen = totals(&rows, scope);
    // Tenure and the top performer are the supervisor's, whoever looks; the counts are
    // those of the stations the caller sees.
    let span_rows = ws.store.supervisor_spans(as_of).await?;
    let everywhere = spans(&span_rows, &Scope::All);
    let visible = spans(&span_rows, scope);
    let mut lines = Vec::with_capacity(visible.len());
    for (key, (first, last)) in visible {
        let c = seen.get(&key).copied().unwrap_or_default();
        let whole = network.get(&key).copied().unwrap_or_default();
        let first_any = everywhere.get(&key).map_or(first, |s| s.0);
        let in_top = top.get(&key).copied().unwrap_or(false);
        let mut l = line(&key, (first_any, last), as_of, &c, None);
        l.top_dot = in_top;
        l.top_performer = is_top_performer(l.tenure_days, &whole, in_top);
        lines.push(l);
    }
    Ok(Reckoner {
        as_of: Some(as_of),
        from: Some(from),
        compared,
        lines,
    })
}

/// A supervisor's line with the counts the caller sees; the top flags are set by the
/// caller from the network's counts.
fn line(
    key: &(String, String),
    (first, last): (NaiveDate, NaiveDate),
    as_of: NaiveDate,
    c: &Counts,
    contact: Option<&SupervisorContactRow>,
) -> Line {
    let tenure = tenure_days(first, as_of);
    Line {
        partner: key.0.clone(),
        supervisor: key.1.clone(),
        name: contact.map(|c| c.name.clone()).unwrap_or_default(),
        phone: contact.map(|c| c.phone.clone()).unwrap_or_default(),
        first_route: first,
        last_route: last,
        tenure_days: tenure,
        routes: c.routes,
        packages: c.dispatched,
        delivered: c.delivered,
        on_time: c.on_time,
        lost: c.lost,
        dot_pct: c.dot_pct(),
        dcr_pct: c.dcr_pct(),
        nl_dpmo: c.nl_dpmo(),
        top_dot: false,
        top_performer: false,
    }
}

/// One route of a supervisor: the day's drill-down line (block, MOT, driver, counts,
/// money) with its date.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RouteRow {
    pub date: NaiveDate,
    #[serde(flatten)]
    pub line: RouteLine,
}

/// A supervisor's page: their line and their routes in the window, newest first.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Detail {
    pub line: Line,
    pub from: NaiveDate,
    pub as_of: NaiveDate,
    pub routes: Vec<RouteRow>,
}

/// The supervisor's routes on a day, from the partner's drill-down of that day.
async fn routes_on(
    ws: &Workspace,
    actor: &Actor,
    partner: &str,
    supervisor: &str,
    date: NaiveDate,
) -> Result<Vec<RouteLine>, AppError> {
    let code = PartnerCode::parse(partner).map_err(|_| AppError::NotFound("supervisor"))?;
    Ok(drill::partner_day(ws, actor, &code, date)
        .await?
        .unwrap_or_default()
        .into_iter()
        .filter(|l| l.supervisor.as_deref() == Some(supervisor))
        .collect())
}

/// A supervisor of a partner, with their routes read from the lake; not found unless
/// the caller may see them.
pub async fn detail(
    ws: &Workspace,
    actor: &Actor,
    partner: &str,
    supervisor: &str,
    as_of: Option<NaiveDate>,
) -> Result<Detail, AppError> {
    let r = reckoner(ws, actor, as_of).await?;
    let (Some(as_of), Some(from)) = (r.as_of, r.from) else {
        return Err(AppError::NotFound("supervisor"));
    };
    let line = r
        .lines
        .into_iter()
        .find(|l| l.partner == partner && l.supervisor == supervisor)
        .ok_or(AppError::NotFound("supervisor"))?;
    let days: BTreeSet<NaiveDate> = ws
        .store
        .supervisors_in_scope(from, as_of, Some((partner, supervisor)), &actor.scope)
        .await?
        .into_iter()
        .map(|d| d.date)
        .collect();
    let mut routes = Vec::new();
    for date in days.into_iter().rev() {
        for line in routes_on(ws, actor, partner, supervisor, date).await? {
            routes.push(RouteRow { date, line });
        }
    }
    Ok(Detail {
        line,
        from,
        as_of,
        routes,
    })
}

/// The packages of one of the supervisor's routes on a day (the route drill-down); not
/// found unless the route is theirs and the caller may see it.
pub async fn route_packages(
    ws: &Workspace,
    actor: &Actor,
    partner: &str,
    supervisor: &str,
    date: NaiveDate,
    route_id: &str,
) -> Result<RouteView, AppError> {
    let line = routes_on(ws, actor, partner, supervisor, date)
        .await?
        .into_iter()
        .find(|l| l.route_id == route_id)
        .ok_or(AppError::NotFound("route"))?;
    let station = StationCode::parse(&line.station).map_err(|_| AppError::NotFound("route"))?;
    drill::route(ws, actor, &station, date, route_id)
        .await?
        .ok_or(AppError::NotFound("route"))
}

/// Gives a supervisor id a name and phone (the partner its own, or the program team);
/// audited. The supervisor must be in the data of a partner the caller may see.
pub async fn set_contact(
    ws: &Workspace,
    actor: &Actor,
    partner: &str,
    supervisor: &str,
    name: &str,
    phone: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.must(Action::NameSupervisors)?;
    if !actor.scope.allows_partner(partner) {
        return Err(AppError::NotFound("supervisor"));
    }
    if !ws
        .store
        .supervisor_seen(partner, supervisor, &actor.scope)
        .await?
    {
        return Err(AppError::NotFound("supervisor"));
    }
    if let Some(p) = contact_problem(name, phone) {
        return Err(AppError::invalid(
            if p.contains("phone") { "phone" } else { "name" },
            p,
        ));
    }
    ws.store
        .set_supervisor_contact(
            partner,
            supervisor,
            name.trim(),
            phone.trim(),
            &actor.audit,
            now,
        )
        .await?;
    Ok(())
}

/// The reckoner as a table (download, CLI, API).
pub fn table(lines: &[Line]) -> dspdesk_core::table::Table {
    use dspdesk_core::table::{Cell, Table};
    Table {
        columns: vec![
            "partner",
            "supervisor",
            "name",
            "phone",
            "first_route",
            "tenure_days",
            "routes",
            "packages",
            "dot_pct",
            "dcr_pct",
            "nl_dpmo",
            "top_performer",
        ],
        rows: lines
            .iter()
            .map(|l| {
                vec![
                    Cell::text(&l.partner),
                    Cell::text(&l.supervisor),
                    Cell::text(&l.name),
                    Cell::text(&l.phone),
                    Cell::text(l.first_route.to_string()),
                    Cell::Int(l.tenure_days),
                    Cell::Int(l.routes),
                    Cell::Int(l.packages),
                    Cell::Num(l.dot_pct),
                    Cell::Num(l.dcr_pct),
                    Cell::Num(l.nl_dpmo),
                    Cell::Bool(l.top_performer),
                ]
            })
            .collect(),
    }
}
