//! Route goals (`metrics.md`, "Route goals"): the goal in force, attainment, the
//! suggestion for the next period; adopting and setting goals.

use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::model::{Goal, MemoKey, Model};
use crate::shared::workspace::Workspace;
use chrono::{Duration, NaiveDate};
use dspdesk_core::goals::GoalSource;
use dspdesk_core::table::{Cell, Table};
use dspdesk_core::{Action, IsoWeek, PartnerCode, StationCode};
use dspdesk_store::NewGoal;
use serde::Serialize;
use std::sync::Arc;

impl Model {
    /// Route goals and attainment per pair for a week: the goal in force, the
    /// suggestion for the next period (the window ending on the week's Sunday), and
    /// the days met.
    pub fn goals_week(&self, week: IsoWeek) -> Arc<Vec<GoalLine>> {
        self.memo(MemoKey::Goals(week), || self.goals_now(week))
    }

    fn goals_now(&self, week: IsoWeek) -> Vec<GoalLine> {
        let cfg = self.configs.for_week(week).1;
        let window = cfg.goals.window_days;
        let mut out = Vec::new();
        for pair in &self.pairs {
            let Some(pw) = self.pair_week(pair, week, cfg) else {
                continue;
            };
            if pw.total.counts.dispatched == 0 && pw.total.counts.routes == 0 {
                continue;
            }
            let goal = self.goal(pair, week.monday(), window);
            let next = self.suggest(pair, week.sunday(), window);
            let daily: Vec<(NaiveDate, i64)> = self
                .station_route_days(&pair.station, week.monday(), week.sunday())
                .into_iter()
                .map(|d| (d, pair.day(d).map_or(0, |c| c.routes)))
                .collect();
            // Each day against its own goal, as attainment counts it (a goal can
            // start mid-week).
            let shortfall_days = daily
                .iter()
                .filter(|(d, r)| {
                    self.goal(pair, *d, window)
                        .is_some_and(|g| (*r as f64) < g.p50)
                })
                .count();
            out.push(GoalLine {
                partner: pair.partner.clone(),
                station: pair.station.clone(),
                week,
                goal,
                routes: pw.total.counts.routes,
                route_days: pw.total.goal_days,
                goal_p50_met_pct: pw.total.goal_p50_met_pct(),
                goal_p90_met_pct: pw.total.goal_p90_met_pct(),
                shortfall_days,
                suggested_p50: next.map(|s| s.0),
                suggested_p90: next.map(|s| s.1),
                suggestion_days: next.map_or(0, |s| s.2),
                daily,
            });
        }
        out.sort_by(|a, b| (&a.partner, &a.station).cmp(&(&b.partner, &b.station)));
        out
    }

    /// The suggested goals of every pair active in the window ending on `end`.
    pub fn suggestions(
        &self,
        end: NaiveDate,
        window: u32,
    ) -> Vec<(String, String, f64, f64, usize)> {
        self.pairs
            .iter()
            .filter_map(|p| {
                self.suggest(p, end, window)
                    .map(|(a, b, n)| (p.partner.clone(), p.station.clone(), a, b, n))
            })
            .collect()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct GoalLine {
    pub partner: String,
    pub station: String,
    pub week: IsoWeek,
    pub goal: Option<Goal>,
    pub routes: i64,
    pub route_days: i64,
    pub goal_p50_met_pct: Option<f64>,
    pub goal_p90_met_pct: Option<f64>,
    pub shortfall_days: usize,
    pub suggested_p50: Option<f64>,
    pub suggested_p90: Option<f64>,
    pub suggestion_days: usize,
    pub daily: Vec<(NaiveDate, i64)>,
}

/// The dates a goal applies to, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Period, AppError> {
        if to < from {
            return Err(AppError::invalid(
                "to",
                format!("{to} is before the start of the period, {from}"),
            ));
        }
        Ok(Period { from, to })
    }
}

/// Adopts the suggested goals (the window ending the day before the period) for every
/// pair active then. Returns how many were set; audited as the caller.
pub async fn adopt_goals(ws: &Workspace, actor: &Actor, period: Period) -> Result<u64, AppError> {
    actor.must(Action::AdoptGoals)?;
    let model = Model::load(ws).await?;
    let window = model.configs.latest().1.goals.window_days;
    let goals: Vec<NewGoal> = model
        .suggestions(period.from - Duration::days(1), window)
        .into_iter()
        .map(|(partner, station, p50, p90, _)| NewGoal {
            partner,
            station,
            valid_from: period.from,
            valid_to: period.to,
            p50,
            p90,
            source: GoalSource::Adopted,
        })
        .collect();
    Ok(ws.store.set_goals(&actor.audit, &goals).await?)
}

/// One pair's goals, set by a person.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalSetting {
    pub partner: PartnerCode,
    pub station: StationCode,
    pub period: Period,
    pub p50: f64,
    pub p90: f64,
}

/// Sets one pair's goals by hand (within the caller's scope); audited as the caller.
pub async fn set_goal(ws: &Workspace, actor: &Actor, g: &GoalSetting) -> Result<(), AppError> {
    actor.must(Action::SetGoals)?;
    let (partner, station, p50, p90) = (g.partner.as_str(), g.station.as_str(), g.p50, g.p90);
    if !actor.scope.allows(partner, station) {
        return Err(AppError::invalid(
            "partner",
            format!("{partner} at {station} is not in your scope"),
        ));
    }
    if !(p50.is_finite() && p90.is_finite() && p50 >= 0.0 && p90 >= p50) {
        return Err(AppError::invalid(
            "p90",
            format!("goals need 0 <= P50 <= P90; got P50 {p50}, P90 {p90}"),
        ));
    }
    let model = Model::load(ws).await?;
    if !model.partners().any(|p| p == partner) {
        return Err(AppError::invalid(
            "partner",
            format!("partner {partner:?} has no data; check the code"),
        ));
    }
    if !model.works_at(partner, station) {
        return Err(AppError::invalid(
            "station",
            format!("partner {partner} has no data at station {station:?}; check the station code"),
        ));
    }
    let goal = NewGoal {
        partner: partner.to_owned(),
        station: station.to_owned(),
        valid_from: g.period.from,
        valid_to: g.period.to,
        p50,
        p90,
        source: GoalSource::Set,
    };
    ws.store.set_goals(&actor.audit, &[goal]).await?;
    Ok(())
}

/// A week's goal lines as the caller may see them, and the rule that words them.
#[derive(Debug, Clone)]
pub struct GoalsWeek {
    /// The week asked for, else the last complete one; `None` before any data.
    pub week: Option<IsoWeek>,
    pub lines: Vec<GoalLine>,
    /// Days of history a suggestion reads, in the configuration the week is held to.
    pub window_days: u32,
}

/// The week's goal lines the caller may see (default week: the last complete one).
pub async fn goals_week(
    ws: &Workspace,
    actor: &Actor,
    week: Option<IsoWeek>,
) -> Result<GoalsWeek, AppError> {
    let model = Model::load(ws).await?;
    let week = week.or_else(|| model.last_complete_week());
    let lines = week
        .map(|w| model.goals_week(w))
        .unwrap_or_default()
        .iter()
        .filter(|g| actor.scope.allows(&g.partner, &g.station))
        .cloned()
        .collect();
    let cfg = match week {
        Some(w) => model.configs.for_week(w).1,
        None => model.configs.latest().1,
    };
    Ok(GoalsWeek {
        week,
        lines,
        window_days: cfg.goals.window_days,
    })
}

/// Route goals and attainment, one row per partner × station × week.
pub fn goals_table(lines: &[GoalLine]) -> Table {
    let columns = vec![
        "week",
        "partner",
        "station",
        "goal_p50",
        "goal_p90",
        "goal_source",
        "routes",
        "route_days",
        "goal_p50_met_pct",
        "goal_p90_met_pct",
        "shortfall_days",
        "suggested_p50",
        "suggested_p90",
        "suggestion_days",
        "routes_per_day",
    ];
    let rows = lines
        .iter()
        .map(|g| {
            vec![
                Cell::text(g.week.to_string()),
                Cell::text(&g.partner),
                Cell::text(&g.station),
                Cell::Num(g.goal.map(|x| x.p50)),
                Cell::Num(g.goal.map(|x| x.p90)),
                Cell::text(g.goal.map(|x| x.source.as_str()).unwrap_or("")),
                Cell::Int(g.routes),
                Cell::Int(g.route_days),
                Cell::Num(g.goal_p50_met_pct),
                Cell::Num(g.goal_p90_met_pct),
                Cell::Int(g.shortfall_days as i64),
                Cell::Num(g.suggested_p50),
                Cell::Num(g.suggested_p90),
                Cell::Int(g.suggestion_days as i64),
                Cell::Num((g.route_days > 0).then(|| g.routes as f64 / g.route_days as f64)),
            ]
        })
        .collect();
    Table { columns, rows }
}
