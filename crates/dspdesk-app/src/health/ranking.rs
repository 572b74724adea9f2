//! The health score as the caller may see it: the network ranking (partner users see
//! every rank with the other partners' names and numbers withheld), the defaulting
//! and consistently-bottom lists, and one partner's scorecard with the why.

use super::{Bottom, Defaulting, Explanation, ScoreRow};
use crate::cod::CodLine;
use crate::goals::GoalLine;
use crate::network::UnusualDay;
use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::model::Model;
use crate::shared::workspace::Workspace;
use dspdesk_core::health::ScoreConfig;
use dspdesk_core::table::{Cell, Table};
use dspdesk_core::{Action, IsoWeek, PartnerCode, Scope};
use std::sync::Arc;

/// The week's ranking and lists, as the caller may see them.
#[derive(Debug, Clone)]
pub struct Ranking {
    /// The week shown: the one asked for, else the last complete one; `None` before
    /// any data.
    pub week: Option<IsoWeek>,
    pub config_version: i64,
    /// The configuration the week is scored with: its rules word the screen's text.
    pub config: ScoreConfig,
    pub scores: Table,
    /// The caller's own companies' rows (partner users), for "your rank".
    pub own: Vec<ScoreRow>,
    /// `None` where the lists are not shown to the caller.
    pub defaulting: Option<Vec<Defaulting>>,
    pub bottom: Option<Vec<Bottom>>,
    /// The days of the week with data when the week is incomplete (its ranking is
    /// "so far"); `None` for a complete week.
    pub so_far: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
}

/// The columns a partner user sees of another partner's row.
const ANONYMOUS_COLUMNS: [&str; 6] = ["week", "rank", "ranked", "score", "tier", "config_version"];

/// The scores the caller may see. Partner users see every partner's rank, score and
/// tier, with the other partners' names and numbers withheld.
fn visible_scores(model: &Model, rows: &[ScoreRow], actor: &Actor) -> Table {
    let peers = actor.role.may(Action::RankAmongAnonymousPeers);
    let visible: Vec<&ScoreRow> = rows
        .iter()
        .filter(|r| peers || model.sees_partner(&actor.scope, &r.partner))
        .collect();
    let mut table = scores_table(&visible, false);
    if peers {
        for (row, r) in table.rows.iter_mut().zip(&visible) {
            if actor.scope.allows_partner(&r.partner) {
                continue;
            }
            for (i, c) in table.columns.iter().enumerate() {
                if *c == "partner" {
                    row[i] = Cell::text("(another partner)");
                } else if !ANONYMOUS_COLUMNS.contains(c) {
                    row[i] = Cell::text("");
                }
            }
        }
    }
    table
}

/// The ranking of a week (default: the last complete one) for the caller.
pub async fn ranking(
    ws: &Workspace,
    actor: &Actor,
    week: Option<IsoWeek>,
) -> Result<Ranking, AppError> {
    let model = Model::load(ws).await?;
    let week = week.or_else(|| model.last_complete_week());
    let Some(w) = week else {
        return Ok(Ranking {
            week: None,
            config_version: 0,
            config: model.configs.latest().1.clone(),
            scores: scores_table(&[], false),
            own: Vec::new(),
            defaulting: None,
            bottom: None,
            so_far: None,
        });
    };
    let scored = model.week(w);
    let defaulting = model
        .last
        .map(|last| model.defaulting(last.min(w.sunday())))
        .unwrap_or_default();
    let bottom = model.consistently_bottom(w);
    let peers = actor.role.may(Action::RankAmongAnonymousPeers);
    // Partner users see the lists (their own rows) only when the network has any.
    let lists = !peers || !defaulting.is_empty();
    let sees = |p: &String| model.sees_partner(&actor.scope, p);
    Ok(Ranking {
        week,
        config_version: scored.config_version,
        config: model.configs.for_week(w).1.clone(),
        scores: visible_scores(&model, &scored.partners, actor),
        own: scored
            .partners
            .iter()
            .filter(|r| peers && actor.scope.allows_partner(&r.partner))
            .cloned()
            .collect(),
        defaulting: lists.then(|| {
            defaulting
                .iter()
                .filter(|d| sees(&d.partner))
                .cloned()
                .collect()
        }),
        bottom: lists.then(|| {
            bottom
                .iter()
                .filter(|b| sees(&b.partner))
                .cloned()
                .collect()
        }),
        so_far: model.so_far(w),
    })
}

/// One partner's scorecard for a week, restricted to what the caller may see.
#[derive(Debug, Clone)]
pub struct Scorecard {
    pub partner: String,
    pub week: IsoWeek,
    pub config_version: i64,
    pub config: ScoreConfig,
    /// The partner's row of the ranking; `None` when it was not scored that week.
    pub row: Option<ScoreRow>,
    pub explanation: Explanation,
    /// The score at each station the caller may see.
    pub stations: Vec<ScoreRow>,
    pub goals: Vec<GoalLine>,
    pub cod: Vec<CodLine>,
    pub unusual: Vec<UnusualDay>,
}

/// A partner's scorecard; `NotFound` when the caller may not see the partner, there
/// is no data, or the partner has no score that week.
pub async fn scorecard(
    ws: &Workspace,
    actor: &Actor,
    partner: &PartnerCode,
    week: Option<IsoWeek>,
) -> Result<Scorecard, AppError> {
    let partner = partner.as_str();
    let model = Model::load(ws).await?;
    if !model.sees_partner(&actor.scope, partner) {
        return Err(AppError::NotFound("partner"));
    }
    let week = week
        .or_else(|| model.last_complete_week())
        .ok_or(AppError::NotFound("week with data"))?;
    let at = |station: &str| actor.scope.allows(partner, station);
    let explanation = model
        .explain(partner, week, &at)
        .ok_or(AppError::NotFound("score of the partner that week"))?;
    let scored = model.week(week);
    // A station manager sees the partner's score at its own stations, unranked: the
    // network-wide row is made of other stations' numbers.
    let row = match actor.scope {
        Scope::Stations(_) => model.score_within(partner, week, &at),
        _ => scored.partner(partner).cloned(),
    };
    Ok(Scorecard {
        partner: partner.to_owned(),
        week,
        config_version: scored.config_version,
        config: model.configs.for_week(week).1.clone(),
        row,
        explanation,
        stations: scored
            .pairs
            .iter()
            .filter(|r| r.partner == partner && at(r.station.as_deref().unwrap_or("")))
            .cloned()
            .collect(),
        goals: filtered(model.goals_week(week), |g| {
            g.partner == partner && at(&g.station)
        }),
        cod: model
            .cod_ledger(week.monday(), week.sunday())
            .into_iter()
            .filter(|l| l.partner == partner && at(&l.station))
            .collect(),
        unusual: filtered(model.unusual_days(week.monday(), week.sunday()), |x| {
            x.partner == partner && at(&x.station)
        }),
    })
}

fn filtered<T: Clone>(all: Arc<Vec<T>>, keep: impl Fn(&T) -> bool) -> Vec<T> {
    all.iter().filter(|x| keep(x)).cloned().collect()
}

/// Unusual days as a table.
pub fn unusual_table(days: &[UnusualDay]) -> Table {
    Table {
        columns: vec![
            "date",
            "station",
            "metric",
            "value",
            "median",
            "z",
            "history_days",
            "day_kind",
        ],
        rows: days
            .iter()
            .map(|x| {
                vec![
                    Cell::text(x.date.to_string()),
                    Cell::text(&x.station),
                    Cell::text(x.metric),
                    Cell::Num(Some(x.value)),
                    Cell::Num(Some(x.median)),
                    Cell::Num(Some(x.z)),
                    Cell::Int(x.history_days as i64),
                    Cell::text(if x.z < 0.0 { "bad day" } else { "good day" }),
                ]
            })
            .collect(),
    }
}

/// The defaulting list as a table.
pub fn defaulting_table(rows: &[Defaulting]) -> Table {
    Table {
        columns: vec![
            "partner",
            "days_below",
            "days_seen",
            "target",
            "worst_day",
            "worst_dot_pct",
        ],
        rows: rows
            .iter()
            .map(|d| {
                vec![
                    Cell::text(&d.partner),
                    Cell::Int(d.days_below as i64),
                    Cell::Int(d.days_seen as i64),
                    Cell::Num(Some(d.target)),
                    Cell::text(d.worst.map(|w| w.0.to_string()).unwrap_or_default()),
                    Cell::Num(d.worst.map(|w| w.1)),
                ]
            })
            .collect(),
    }
}

/// The consistently-bottom list as a table.
pub fn bottom_table(rows: &[Bottom]) -> Table {
    Table {
        columns: vec!["partner", "weeks_in_bottom", "of_last", "latest_score"],
        rows: rows
            .iter()
            .map(|b| {
                vec![
                    Cell::text(&b.partner),
                    Cell::Int(b.weeks_in_bottom as i64),
                    Cell::Int(b.of_last as i64),
                    Cell::Num(b.history.last().and_then(|h| h.2)),
                ]
            })
            .collect(),
    }
}

/// Scores, one row per partner (or partner × station) and week.
pub fn scores_table(rows: &[&ScoreRow], by_station: bool) -> Table {
    let mut columns = vec!["week", "partner"];
    if by_station {
        columns.push("station");
    }
    columns.extend([
        "config_version",
        "score",
        "tier",
        "rank",
        "ranked",
        "bottom",
        "dot_pct",
        "dcr_pct",
        "nl_dpmo",
        "cod_shortfall_pct",
        "goal_p50_met_pct",
        "goal_p90_met_pct",
        "compliance_pct",
        "dispatched",
        "cod_due",
        "cod_shortfall",
    ]);
    let rows = rows
        .iter()
        .map(|r| {
            let mut v = vec![Cell::text(r.week.to_string()), Cell::text(&r.partner)];
            if by_station {
                v.push(Cell::text(r.station.clone().unwrap_or_default()));
            }
            v.extend([
                Cell::Int(r.config_version),
                Cell::Num(r.score),
                Cell::text(r.tier.map(|t| t.as_str()).unwrap_or_default()),
                r.rank.map_or(Cell::text(""), |x| Cell::Int(x as i64)),
                Cell::Int(r.ranked as i64),
                Cell::Bool(r.bottom),
                Cell::Num(r.value("dot_pct")),
                Cell::Num(r.value("dcr_pct")),
                Cell::Num(r.value("nl_dpmo")),
                Cell::Num(r.value("cod_shortfall_pct")),
                Cell::Num(r.value("goal_p50_met_pct")),
                Cell::Num(r.goal_p90_met_pct),
                Cell::Num(r.value("compliance_pct")),
                Cell::Int(r.inputs.counts.dispatched),
                Cell::minor(r.inputs.counts.cod_due_minor),
                Cell::minor(r.inputs.cod_shortfall_minor),
            ]);
            v
        })
        .collect();
    Table { columns, rows }
}
