//! EV share: each partner's share of routes on an EV MOT per ISO week (from the routes
//! rows' blocks), its registered fleet's EV share (from its file), and its sustainability
//! goal's trajectory; partners behind the trajectory in the last complete week listed.

pub mod connects;

use crate::shared::actor::Actor;
use crate::shared::cache::ViewKey;
use crate::shared::error::AppError;
use crate::shared::model::Model;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, NaiveDate, Utc};
use dspdesk_core::Action;
use dspdesk_core::ev::{Goal, ev_routes_pct, goal_problem, is_ev};
use dspdesk_core::week::IsoWeek;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// A partner's routes in a week and how many ran on an EV.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Week {
    pub partner: String,
    pub week: IsoWeek,
    pub routes: i64,
    pub ev_routes: i64,
    /// `None` without routes.
    pub ev_routes_pct: Option<f64>,
}

/// A partner on the EV board, as of the last complete week.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Line {
    pub partner: String,
    pub week: IsoWeek,
    pub ev_routes_pct: Option<f64>,
    /// The registered fleet's EV share, from the partner's file.
    pub fleet_ev_pct: Option<f64>,
    pub goal: Option<Goal>,
    /// Where the goal's trajectory stands at the end of the week.
    pub trajectory_pct: Option<f64>,
    /// Below the trajectory in the week (`None`: no goal or no routes).
    pub behind: Option<bool>,
    /// The weeks before, oldest first, for the trend.
    pub trend: Vec<Option<f64>>,
}

/// Every week's EV share of the partners the caller may see, from `from` to `to`:
/// computed once per data version and scope (a year of a large network is hundreds of
/// thousands of route blocks to fold, and the EV board is asked for often).
pub async fn weekly(
    ws: &Workspace,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Arc<Vec<Week>>, AppError> {
    let key = ViewKey::EvWeeks(actor.scope.clone(), from, to);
    ws.views
        .get_or(&ws.store, key, || fold_weeks(ws, actor, from, to))
        .await
}

async fn fold_weeks(
    ws: &Workspace,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Week>, AppError> {
    let blocks = ws.store.blocks_in_scope(from, to, &actor.scope).await?;
    let mut by: BTreeMap<(String, IsoWeek), (i64, i64)> = BTreeMap::new();
    for b in &blocks {
        let e = by
            .entry((b.partner.clone(), IsoWeek::of(b.date)))
            .or_default();
        e.0 += b.counts.routes;
        if is_ev(&b.mot) {
            e.1 += b.counts.routes;
        }
    }
    Ok(by
        .into_iter()
        .map(|((partner, week), (routes, ev))| Week {
            partner,
            week,
            routes,
            ev_routes: ev,
            ev_routes_pct: ev_routes_pct(ev, routes),
        })
        .collect())
}

/// The board: every partner the caller may see in the last complete week with data,
/// with `weeks` of trend, its fleet's share and its goal; behind ones first.
pub async fn board(ws: &Workspace, actor: &Actor, weeks: u32) -> Result<Vec<Line>, AppError> {
    let model = Model::load(ws).await?;
    let Some(last) = model.last_complete_week() else {
        return Ok(Vec::new());
    };
    let weeks = i64::from(weeks.clamp(1, 52));
    let first = IsoWeek::of(last.monday() - chrono::Duration::weeks(weeks - 1));
    let rows = weekly(ws, actor, first.monday(), last.sunday()).await?;
    let goals: BTreeMap<String, Goal> = ws
        .store
        .ev_goals()
        .await?
        .into_iter()
        .map(|g| (g.partner, g.goal))
        .collect();
    // One read of the files, and the weekly shares by partner and week: a page of 500
    // partners over a year would otherwise be 500 reads and a search of every row per
    // cell.
    let files = ws.store.partner_files().await?;
    let shares: HashMap<(&str, IsoWeek), Option<f64>> = rows
        .iter()
        .map(|r| ((r.partner.as_str(), r.week), r.ev_routes_pct))
        .collect();
    let mut out = Vec::new();
    for partner in model
        .partners()
        .filter(|p| model.sees_partner(&actor.scope, p))
    {
        let share_in = |w: IsoWeek| shares.get(&(partner.as_str(), w)).copied().flatten();
        let trend = (0..weeks)
            .map(|k| share_in(IsoWeek::of(first.monday() + chrono::Duration::weeks(k))))
            .collect();
        let share = share_in(last);
        let goal = goals.get(partner).cloned();
        let fleet = files.get(partner).and_then(|f| f.fleet_ev_pct());
        out.push(Line {
            partner: partner.clone(),
            week: last,
            ev_routes_pct: share,
            fleet_ev_pct: fleet,
            trajectory_pct: goal.as_ref().map(|g| g.trajectory(last)),
            behind: goal.as_ref().and_then(|g| g.behind(last, share)),
            goal,
            trend,
        });
    }
    out.sort_by(|a, b| {
        (b.behind == Some(true))
            .cmp(&(a.behind == Some(true)))
            .then(a.partner.cmp(&b.partner))
    });
    Ok(out)
}

/// Sets a partner's goal (the program team): `target_pct` of routes on EVs by `by`, its
/// trajectory starting from the share in the last complete week with data.
pub async fn set_goal(
    ws: &Workspace,
    actor: &Actor,
    partner: &str,
    target_pct: f64,
    by: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Goal, AppError> {
    actor.must(Action::AdoptGoals)?;
    let model = Model::load(ws).await?;
    if !model.partners().any(|p| p == partner) {
        return Err(AppError::invalid(
            "partner",
            format!("{partner:?} is not a partner of the data"),
        ));
    }
    let today = now.with_timezone(&ws.default_zone).date_naive();
    if let Some(p) = goal_problem(target_pct, by, today) {
        return Err(AppError::invalid("target", p));
    }
    let set_week = model
        .last_complete_week()
        .ok_or_else(|| AppError::invalid("partner", "no complete week of data yet"))?;
    let rows = weekly(ws, actor, set_week.monday(), set_week.sunday()).await?;
    let start = rows
        .iter()
        .find(|r| r.partner == partner)
        .and_then(|r| r.ev_routes_pct)
        .unwrap_or(0.0);
    let g = Goal {
        target_pct,
        by,
        set_week,
        start_pct: start,
    };
    ws.store.set_ev_goal(partner, &g, &actor.audit, now).await?;
    Ok(g)
}

/// The weeks as a table (download, CLI, API).
pub fn weeks_table(rows: &[Week]) -> dspdesk_core::table::Table {
    use dspdesk_core::table::{Cell, Table};
    Table {
        columns: vec!["partner", "week", "routes", "ev_routes", "ev_routes_pct"],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::text(&r.partner),
                    Cell::text(r.week.to_string()),
                    Cell::Int(r.routes),
                    Cell::Int(r.ev_routes),
                    Cell::Num(r.ev_routes_pct),
                ]
            })
            .collect(),
    }
}
