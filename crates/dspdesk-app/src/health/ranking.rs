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
use std::collections::{BTreeSet, HashMap};
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
    /// What the ranking is narrowed to (ranks stay the network's).
    pub filter: RankingFilter,
    /// How many partners the caller sees before the filter.
    pub unfiltered: usize,
}

/// What a ranking is narrowed to; each part optional, all kept in the page's URL. Ranks
/// stay the network's: a filter shows who of the network, not a new ranking.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct RankingFilter {
    /// Partners that ran routes (or dispatched) at the station that week.
    pub station: Option<String>,
    /// Partners in the coach's portfolio.
    pub coach: Option<String>,
    /// Partners of the tier (its code: `fantastic_plus`, `great`, …).
    pub tier: Option<String>,
    /// Partners that ran a route with this mode of transport that week.
    pub mot: Option<String>,
}

impl RankingFilter {
    /// Empty parts (a form's "any") are no filter.
    pub fn normalised(self) -> RankingFilter {
        let keep = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        RankingFilter {
            station: keep(self.station),
            coach: keep(self.coach),
            tier: keep(self.tier),
            mot: keep(self.mot),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == RankingFilter::default()
    }

    /// The filter as URL query parameters (`&station=…`), for links that keep it.
    pub fn query(&self) -> String {
        let mut q = String::new();
        for (k, v) in [
            ("station", &self.station),
            ("coach", &self.coach),
            ("tier", &self.tier),
            ("mot", &self.mot),
        ] {
            if let Some(v) = v {
                q.push_str(&format!("&{k}={}", url_part(v)));
            }
        }
        q
    }
}

/// A value made safe inside a URL's query.
fn url_part(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The values a ranking's filters offer.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    pub stations: Vec<String>,
    pub coaches: Vec<String>,
    pub mots: Vec<String>,
}

/// The columns a ranking adds to the scores for people: the partner's name and
/// coaches, and the change from the week before.
pub const COMPARISON_COLUMNS: [&str; 5] = [
    "partner_name",
    "coach",
    "score_change",
    "dot_change",
    "tier_before",
];

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

/// Appends the comparison columns to a ranking's table: names and coaches, and each
/// partner's change from its score the week before. Rows of other partners a partner
/// user sees (anonymous) get them empty.
fn add_comparisons(
    table: &mut Table,
    before: &super::WeekScores,
    names: &HashMap<String, String>,
    coaches: &HashMap<String, Vec<String>>,
    anonymous: &dyn Fn(&str) -> bool,
) {
    let p = table.column("partner").unwrap_or(1);
    let (sc, dt) = (table.column("score"), table.column("dot_pct"));
    table.columns.extend(COMPARISON_COLUMNS);
    for row in &mut table.rows {
        let code = row[p].export_text();
        if anonymous(&code) {
            row.extend(std::iter::repeat_n(
                Cell::text(""),
                COMPARISON_COLUMNS.len(),
            ));
            continue;
        }
        let num = |i: Option<usize>| match i.map(|i| &row[i]) {
            Some(Cell::Num(v)) => *v,
            _ => None,
        };
        let (score, dot) = (num(sc), num(dt));
        let was = before.partner(&code);
        // Scores and ratios are shown to one decimal: so is their change.
        let diff =
            |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| ((a - b) * 10.0).round() / 10.0);
        let extra = [
            Cell::text(names.get(&code).cloned().unwrap_or_default()),
            Cell::text(coaches.get(&code).map(|c| c.join(", ")).unwrap_or_default()),
            Cell::Num(diff(score, was.and_then(|w| w.score))),
            Cell::Num(diff(dot, was.and_then(|w| w.value("dot_pct")))),
            Cell::text(
                was.and_then(|w| w.tier)
                    .map(|t| t.as_str())
                    .unwrap_or_default(),
            ),
        ];
        row.extend(extra);
    }
}

/// The partners that pass the filter in week `w`, or `None` for no filter.
async fn passing(
    ws: &Workspace,
    scored: &super::WeekScores,
    w: IsoWeek,
    f: &RankingFilter,
    coaches: &HashMap<String, Vec<String>>,
) -> Result<Option<BTreeSet<String>>, AppError> {
    if f.is_empty() {
        return Ok(None);
    }
    let mut keep: BTreeSet<String> = scored.partners.iter().map(|r| r.partner.clone()).collect();
    if let Some(st) = &f.station {
        let at: BTreeSet<&str> = scored
            .pairs
            .iter()
            .filter(|r| r.station.as_deref() == Some(st.as_str()))
            .map(|r| r.partner.as_str())
            .collect();
        keep.retain(|p| at.contains(p.as_str()));
    }
    if let Some(c) = &f.coach {
        keep.retain(|p| coaches.get(p).is_some_and(|cs| cs.contains(c)));
    }
    if let Some(t) = &f.tier {
        keep.retain(|p| {
            scored
                .partner(p)
                .and_then(|r| r.tier)
                .is_some_and(|x| x.as_str() == t)
        });
    }
    if let Some(m) = &f.mot {
        let ran: BTreeSet<String> = ws
            .store
            .blocks_in_scope(w.monday(), w.sunday(), &Scope::All)
            .await?
            .into_iter()
            .filter(|b| b.mot.eq_ignore_ascii_case(m) && b.counts.routes > 0)
            .map(|b| b.partner)
            .collect();
        keep.retain(|p| ran.contains(p));
    }
    Ok(Some(keep))
}

/// The values the ranking's filters offer the caller in week `w`: the stations it
/// sees with scores that week, the coaches, the modes of transport run. None for a
/// partner user (its filters narrow nothing). Only the page needs them.
pub async fn choices(ws: &Workspace, actor: &Actor, w: IsoWeek) -> Result<Choices, AppError> {
    if actor.role.may(Action::RankAmongAnonymousPeers) {
        return Ok(Choices::default());
    }
    let model = Model::load(ws).await?;
    let stations: BTreeSet<String> = model
        .week(w)
        .pairs
        .iter()
        .filter_map(|r| {
            r.station
                .clone()
                .filter(|st| actor.scope.allows(&r.partner, st))
        })
        .collect();
    let coaches: BTreeSet<String> = crate::partners::coaches(ws)
        .await?
        .into_values()
        .flatten()
        .collect();
    let mots: BTreeSet<String> = ws
        .store
        .blocks_in_scope(w.monday(), w.sunday(), &actor.scope)
        .await?
        .into_iter()
        .map(|b| b.mot)
        .filter(|m| !m.is_empty())
        .collect();
    Ok(Choices {
        stations: stations.into_iter().collect(),
        coaches: coaches.into_iter().collect(),
        mots: mots.into_iter().collect(),
    })
}

/// The ranking of a week (default: the last complete one) for the caller, every
/// partner of the network; [`ranking_filtered`] narrows it.
pub async fn ranking(
    ws: &Workspace,
    actor: &Actor,
    week: Option<IsoWeek>,
) -> Result<Ranking, AppError> {
    ranking_filtered(ws, actor, week, RankingFilter::default()).await
}

/// The ranking of a week narrowed to the partners that pass `filter`, with names,
/// coaches and the change from the week before. A partner user's filters narrow
/// nothing but the rows it may see by name (the others stay anonymous).
pub async fn ranking_filtered(
    ws: &Workspace,
    actor: &Actor,
    week: Option<IsoWeek>,
    filter: RankingFilter,
) -> Result<Ranking, AppError> {
    let model = Model::load(ws).await?;
    let filter = filter.normalised();
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
            filter,
            unfiltered: 0,
        });
    };
    let scored = model.week(w);
    let peers = actor.role.may(Action::RankAmongAnonymousPeers);
    let names = crate::partners::names(ws).await?;
    let coaches = crate::partners::coaches(ws).await?;
    // A partner user's filter would tell it which anonymous partner works where.
    let filter = if peers {
        RankingFilter::default()
    } else {
        filter
    };
    let pass = passing(ws, &scored, w, &filter, &coaches).await?;
    let rows: Vec<ScoreRow> = scored
        .partners
        .iter()
        .filter(|r| pass.as_ref().is_none_or(|k| k.contains(&r.partner)))
        .cloned()
        .collect();
    let mut scores = visible_scores(&model, &rows, actor);
    let before = model.week(IsoWeek::of(w.monday() - chrono::Days::new(7)));
    add_comparisons(&mut scores, &before, &names, &coaches, &|code: &str| {
        peers && !actor.scope.allows_partner(code)
    });
    let defaulting = model
        .last
        .map(|last| model.defaulting(last.min(w.sunday())))
        .unwrap_or_default();
    let bottom = model.consistently_bottom(w);
    // Partner users see the lists (their own rows) only when the network has any.
    let lists = !peers || !defaulting.is_empty();
    let sees = |p: &String| {
        model.sees_partner(&actor.scope, p) && pass.as_ref().is_none_or(|k| k.contains(p))
    };
    Ok(Ranking {
        week,
        config_version: scored.config_version,
        config: model.configs.for_week(w).1.clone(),
        scores,
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
        filter,
        unfiltered: scored
            .partners
            .iter()
            .filter(|r| peers || model.sees_partner(&actor.scope, &r.partner))
            .count(),
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
    /// The partner's score over the weeks up to this one, oldest first (as the caller
    /// may see it: a station manager's is of its stations); `None` where unscored.
    pub trend: Vec<(IsoWeek, Option<ScoreRow>)>,
}

/// How many weeks a scorecard's trend covers.
pub const TREND_WEEKS: i64 = 12;

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
    let row_of = |w: IsoWeek| match actor.scope {
        Scope::Stations(_) => model.score_within(partner, w, &at),
        _ => model.week(w).partner(partner).cloned(),
    };
    let row = row_of(week);
    let first = model.first.map(IsoWeek::of);
    let trend = (0..TREND_WEEKS)
        .rev()
        .map(|k| IsoWeek::of(week.monday() - chrono::Days::new(7 * k as u64)))
        .filter(|w| first.is_some_and(|f| *w >= f))
        .map(|w| (w, row_of(w)))
        .collect();
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
        trend,
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
