//! What the screens and the API show, computed from daily facts within the caller's
//! scope. One function per view, so a page and its JSON never disagree.

use crate::shared::actor::Actor;
use crate::shared::cache::ViewKey;
use crate::shared::error::AppError;
use crate::shared::workspace::Workspace;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use dspdesk_core::{Counts, IsoWeek, PartnerCode, Scope, StationCode};
use dspdesk_store::FactRow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Days of history the trend charts show.
pub const TREND_DAYS: i64 = 56;
/// Partners with fewer packages in a week are left out of "needs attention".
pub const ATTENTION_MIN_DISPATCHED: i64 = 100;

#[derive(Debug, Clone, serde::Serialize)]
pub struct PartnerLine {
    pub partner: String,
    pub stations: usize,
    pub counts: Counts,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Overview {
    pub week: IsoWeek,
    /// The day under each tile: the newest loaded day when the week shown is the
    /// default one, else the week's last day with data.
    pub last_day: NaiveDate,
    /// The newest day loaded at all (the next-week link goes up to it).
    pub newest: NaiveDate,
    /// The first and last day of the week with data in scope.
    pub covered: Option<(NaiveDate, NaiveDate)>,
    /// Every day of the week has data: otherwise its numbers are "so far".
    pub complete: bool,
    /// The DOT target of the week's scoring rules (defaulting's), for the chart.
    pub dot_target: f64,
    pub week_counts: Counts,
    pub day_counts: Counts,
    pub daily: Vec<(NaiveDate, Counts)>,
    /// Lowest on-time delivery in the week, worst first.
    pub attention: Vec<PartnerLine>,
    pub partners: usize,
    pub stations: usize,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PartnerView {
    pub partner: String,
    pub week: IsoWeek,
    pub week_counts: Counts,
    pub weeks: Vec<(IsoWeek, Counts)>,
    pub daily: Vec<(NaiveDate, Counts)>,
    pub by_station: Vec<(String, Counts)>,
}

/// The week to show by default: the last complete ISO week with data.
pub async fn default_week(ws: &Workspace) -> Result<Option<(IsoWeek, NaiveDate)>, AppError> {
    let Some((_, last)) = ws.store.facts_range().await? else {
        return Ok(None);
    };
    let week = if last.weekday() == Weekday::Sun {
        IsoWeek::of(last)
    } else {
        IsoWeek::of(last - Duration::days(7))
    };
    Ok(Some((week, last)))
}

fn rollup<K: Ord>(facts: &[FactRow], key: impl Fn(&FactRow) -> K) -> BTreeMap<K, Counts> {
    let mut out = BTreeMap::new();
    for f in facts {
        *out.entry(key(f)).or_default() += f.counts;
    }
    out
}

/// The overview of a week (default: the last complete one) within a scope.
pub async fn overview(
    ws: &Workspace,
    actor: &Actor,
    week: Option<IsoWeek>,
) -> Result<Arc<Option<Overview>>, AppError> {
    let scope = &actor.scope;
    let key = ViewKey::Overview(scope.clone(), week);
    ws.views
        .get_or(&ws.store, key, || compute_overview(ws, scope, week))
        .await
}

async fn compute_overview(
    ws: &Workspace,
    scope: &Scope,
    week: Option<IsoWeek>,
) -> Result<Option<Overview>, AppError> {
    let Some((default, last)) = default_week(ws).await? else {
        return Ok(None);
    };
    let is_default = week.is_none_or(|w| w == default);
    let week = week.unwrap_or(default);
    // The default week's page reaches the newest loaded day (the trend and the day
    // under each tile); another week's stops at its own end.
    let last_day = if is_default {
        last
    } else {
        last.min(week.sunday())
    };
    let from = (last_day - Duration::days(TREND_DAYS - 1)).min(week.monday());
    let facts = ws
        .store
        .facts_in_scope(from, week.sunday().max(last_day), scope)
        .await?;
    let daily: Vec<(NaiveDate, Counts)> = rollup(&facts, |f| f.date).into_iter().collect();
    let in_week: Vec<FactRow> = facts
        .iter()
        .filter(|f| IsoWeek::of(f.date) == week)
        .cloned()
        .collect();
    let week_counts: Counts = in_week.iter().map(|f| f.counts).sum();
    let day_counts = facts
        .iter()
        .filter(|f| f.date == last_day)
        .map(|f| f.counts)
        .sum();
    let mut attention = partner_lines(&in_week);
    attention.retain(|p| p.counts.dispatched >= ATTENTION_MIN_DISPATCHED);
    attention.sort_by(|a, b| {
        a.counts
            .dot_pct()
            .partial_cmp(&b.counts.dot_pct())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    attention.truncate(10);
    let days: BTreeSet<NaiveDate> = in_week.iter().map(|f| f.date).collect();
    Ok(Some(Overview {
        week,
        last_day,
        newest: last,
        covered: days.first().zip(days.last()).map(|(a, b)| (*a, *b)),
        complete: days.len() == 7,
        dot_target: crate::shared::model::Model::load(ws)
            .await?
            .configs
            .for_week(week)
            .1
            .defaulting
            .dot_target,
        week_counts,
        day_counts,
        daily,
        attention,
        partners: in_week
            .iter()
            .map(|f| &f.partner)
            .collect::<BTreeSet<_>>()
            .len(),
        stations: in_week
            .iter()
            .map(|f| &f.station)
            .collect::<BTreeSet<_>>()
            .len(),
    }))
}

/// The week asked for (default: the last complete one with data) and its facts in
/// scope; `None` when there is no data at all.
async fn week_facts(
    ws: &Workspace,
    scope: &Scope,
    week: Option<IsoWeek>,
) -> Result<Option<(IsoWeek, Vec<FactRow>)>, AppError> {
    let week = match week {
        Some(w) => w,
        None => match default_week(ws).await? {
            Some((w, _)) => w,
            None => return Ok(None),
        },
    };
    let facts = ws
        .store
        .facts_in_scope(week.monday(), week.sunday(), scope)
        .await?;
    Ok(Some((week, facts)))
}

/// One slice (a partner, a station) over the trend window ending with the week.
struct Window {
    week: IsoWeek,
    facts: Vec<FactRow>,
    in_week: Vec<FactRow>,
}

/// The facts `keep` selects over the trend window ending with `week` (default: the last
/// complete one), and those of the week itself; `None` when the slice has no data.
async fn slice_window(
    ws: &Workspace,
    scope: &Scope,
    week: Option<IsoWeek>,
    keep: impl Fn(&FactRow) -> bool,
) -> Result<Option<Window>, AppError> {
    let Some((default, _)) = default_week(ws).await? else {
        return Ok(None);
    };
    let week = week.unwrap_or(default);
    let from = week.sunday() - Duration::days(TREND_DAYS - 1);
    let facts: Vec<FactRow> = ws
        .store
        .facts_in_scope(from, week.sunday(), scope)
        .await?
        .into_iter()
        .filter(keep)
        .collect();
    if facts.is_empty() {
        return Ok(None);
    }
    let in_week = facts
        .iter()
        .filter(|f| IsoWeek::of(f.date) == week)
        .cloned()
        .collect();
    Ok(Some(Window {
        week,
        facts,
        in_week,
    }))
}

/// Counts per `key` (a partner, a station) with how many distinct `other`s it spans.
fn lines_by(
    facts: &[FactRow],
    key: fn(&FactRow) -> &str,
    other: fn(&FactRow) -> &str,
) -> Vec<(String, usize, Counts)> {
    let mut others: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for f in facts {
        others.entry(key(f)).or_default().insert(other(f));
    }
    rollup(facts, |f| key(f).to_owned())
        .into_iter()
        .map(|(k, counts)| {
            let n = others.get(k.as_str()).map_or(0, BTreeSet::len);
            (k, n, counts)
        })
        .collect()
}

fn partner_lines(facts: &[FactRow]) -> Vec<PartnerLine> {
    lines_by(facts, |f| &f.partner, |f| &f.station)
        .into_iter()
        .map(|(partner, stations, counts)| PartnerLine {
            partner,
            stations,
            counts,
        })
        .collect()
}

/// Every partner the scope may see, with the week's numbers.
pub async fn partners(
    ws: &Workspace,
    actor: &Actor,
    week: Option<IsoWeek>,
) -> Result<(Option<IsoWeek>, Vec<PartnerLine>), AppError> {
    Ok(match week_facts(ws, &actor.scope, week).await? {
        Some((week, facts)) => (Some(week), partner_lines(&facts)),
        None => (None, Vec::new()),
    })
}

/// One partner's page, or `None` when it has no data or the scope may not see it
/// (the two are indistinguishable, so guessing codes reveals nothing).
pub async fn partner(
    ws: &Workspace,
    actor: &Actor,
    partner: &PartnerCode,
    week: Option<IsoWeek>,
) -> Result<Arc<Option<PartnerView>>, AppError> {
    let scope = &actor.scope;
    let key = ViewKey::Partner(scope.clone(), partner.clone(), week);
    let code = partner.as_str();
    ws.views
        .get_or(&ws.store, key, || compute_partner(ws, scope, code, week))
        .await
}

async fn compute_partner(
    ws: &Workspace,
    scope: &Scope,
    code: &str,
    week: Option<IsoWeek>,
) -> Result<Option<PartnerView>, AppError> {
    if !scope.allows_partner(code) {
        return Ok(None);
    }
    let Some(Window {
        week,
        facts,
        in_week,
    }) = slice_window(ws, scope, week, |f| f.partner == code).await?
    else {
        return Ok(None);
    };
    Ok(Some(PartnerView {
        partner: code.into(),
        week,
        week_counts: in_week.iter().map(|f| f.counts).sum(),
        weeks: rollup(&facts, |f| IsoWeek::of(f.date))
            .into_iter()
            .collect(),
        daily: rollup(&facts, |f| f.date).into_iter().collect(),
        by_station: rollup(&in_week, |f| f.station.clone())
            .into_iter()
            .collect(),
    }))
}

/// The longest date range a page reads at once.
pub const MAX_RANGE_DAYS: i64 = 366;

/// A partner's numbers between two dates (both included) as the caller may see them:
/// the range's totals, its weeks, its days and its stations. `None` when the caller
/// may not see the partner or it has no data in the range.
pub async fn partner_between(
    ws: &Workspace,
    actor: &Actor,
    partner: &PartnerCode,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Option<PartnerView>, AppError> {
    if to < from {
        return Err(AppError::invalid(
            "to",
            format!("{to} is before {from}; give the range's first day in from"),
        ));
    }
    if (to - from).num_days() >= MAX_RANGE_DAYS {
        return Err(AppError::invalid(
            "from",
            format!("a range reads at most {MAX_RANGE_DAYS} days; {from} to {to} is longer"),
        ));
    }
    let code = partner.as_str();
    if !actor.scope.allows_partner(code) {
        return Ok(None);
    }
    let facts: Vec<FactRow> = ws
        .store
        .facts_in_scope(from, to, &actor.scope)
        .await?
        .into_iter()
        .filter(|f| f.partner == code)
        .collect();
    if facts.is_empty() {
        return Ok(None);
    }
    Ok(Some(PartnerView {
        partner: code.into(),
        week: IsoWeek::of(to),
        week_counts: facts.iter().map(|f| f.counts).sum(),
        weeks: rollup(&facts, |f| IsoWeek::of(f.date))
            .into_iter()
            .collect(),
        daily: rollup(&facts, |f| f.date).into_iter().collect(),
        by_station: rollup(&facts, |f| f.station.clone()).into_iter().collect(),
    }))
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct StationLine {
    pub station: String,
    pub partners: usize,
    pub counts: Counts,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct StationView {
    pub station: String,
    pub week: IsoWeek,
    pub week_counts: Counts,
    pub daily: Vec<(NaiveDate, Counts)>,
    pub partners: Vec<PartnerLine>,
}

/// Every station the scope may see (a partner user: the stations it works at), with
/// the week's numbers of what the scope may see there.
pub async fn stations(
    ws: &Workspace,
    actor: &Actor,
    week: Option<IsoWeek>,
) -> Result<Arc<(Option<IsoWeek>, Vec<StationLine>)>, AppError> {
    let scope = &actor.scope;
    let key = ViewKey::Stations(scope.clone(), week);
    ws.views
        .get_or(&ws.store, key, || async {
            let Some((week, facts)) = week_facts(ws, scope, week).await? else {
                return Ok((None, Vec::new()));
            };
            let lines = lines_by(&facts, |f| &f.station, |f| &f.partner)
                .into_iter()
                .map(|(station, partners, counts)| StationLine {
                    station,
                    partners,
                    counts,
                })
                .collect();
            Ok((Some(week), lines))
        })
        .await
}

/// One station: its trend and its partners (those the scope may see).
pub async fn station(
    ws: &Workspace,
    actor: &Actor,
    station: &StationCode,
    week: Option<IsoWeek>,
) -> Result<Arc<Option<StationView>>, AppError> {
    let scope = &actor.scope;
    let key = ViewKey::Station(scope.clone(), station.clone(), week);
    let code = station.as_str();
    ws.views
        .get_or(&ws.store, key, || async {
            let Some(Window {
                week,
                facts,
                in_week,
            }) = slice_window(ws, scope, week, |f| f.station == code).await?
            else {
                return Ok(None);
            };
            Ok(Some(StationView {
                station: code.into(),
                week,
                week_counts: in_week.iter().map(|f| f.counts).sum(),
                daily: rollup(&facts, |f| f.date).into_iter().collect(),
                partners: partner_lines(&in_week),
            }))
        })
        .await
}
