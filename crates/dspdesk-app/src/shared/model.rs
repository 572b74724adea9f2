//! The in-memory model the scorecard's capabilities read (health, goals, COD, flags,
//! unusual days): the daily facts, deposits, goals and score configuration, indexed
//! per partner × station and built once per data version. Counts are additive per
//! partner × station × day ([`Inputs`]), so a partner's week, a station's share of it
//! and "the week without that day" are sums and differences of the same numbers.
//! Each capability adds its own `impl Model` block in its own folder.

use crate::shared::cache::ViewKey;
use crate::shared::error::AppError;
use crate::shared::workspace::Workspace;
use chrono::{Duration, NaiveDate};
use dspdesk_core::goals::{GoalSource, percentile_inc};
use dspdesk_core::health::ScoreConfig;
use dspdesk_core::{Counts, IsoWeek, Scope};
use dspdesk_store::{ConfigVersion, GoalRow};
use serde::Serialize;
use std::any::Any;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// One partner at one station: its days and deposits, in date order.
#[derive(Debug, Default)]
pub(crate) struct Pair {
    pub(crate) partner: String,
    pub(crate) station: String,
    pub(crate) days: Vec<(NaiveDate, Counts)>,
    /// Running sum of `cod_due` over `days`.
    due_prefix: Vec<i64>,
    remit: Vec<(NaiveDate, i64)>,
    remit_prefix: Vec<i64>,
}

impl Pair {
    /// Sorts the days and deposits and builds their running sums.
    fn index_days(&mut self) {
        self.days.sort_by_key(|(d, _)| *d);
        self.remit.sort_by_key(|(d, _)| *d);
        let mut run = 0;
        self.due_prefix = self
            .days
            .iter()
            .map(|(_, c)| {
                run += c.cod_due_minor;
                run
            })
            .collect();
        let mut run = 0;
        self.remit_prefix = self
            .remit
            .iter()
            .map(|(_, a)| {
                run += a;
                run
            })
            .collect();
    }

    pub(crate) fn day(&self, d: NaiveDate) -> Option<&Counts> {
        self.days
            .binary_search_by_key(&d, |(x, _)| *x)
            .ok()
            .map(|i| &self.days[i].1)
    }
    pub(crate) fn days_between(&self, from: NaiveDate, to: NaiveDate) -> &[(NaiveDate, Counts)] {
        let a = self.days.partition_point(|(d, _)| *d < from);
        let b = self.days.partition_point(|(d, _)| *d <= to);
        &self.days[a..b.max(a)]
    }
    fn cod_due_through(&self, d: NaiveDate) -> i64 {
        let i = self.days.partition_point(|(x, _)| *x <= d);
        if i == 0 { 0 } else { self.due_prefix[i - 1] }
    }
    fn remitted_through(&self, d: NaiveDate) -> i64 {
        let i = self.remit.partition_point(|(x, _)| *x <= d);
        if i == 0 { 0 } else { self.remit_prefix[i - 1] }
    }
    /// `sum(cod_due on days <= D-1) - sum(remitted on days <= D)`.
    pub(crate) fn shortfall(&self, d: NaiveDate) -> i64 {
        self.cod_due_through(d - Duration::days(1)) - self.remitted_through(d)
    }
    pub(crate) fn remitted_on(&self, d: NaiveDate) -> i64 {
        self.remit
            .binary_search_by_key(&d, |(x, _)| *x)
            .map_or(0, |i| self.remit[i].1)
    }
    pub(crate) fn first_day(&self) -> Option<NaiveDate> {
        match (self.days.first(), self.remit.first()) {
            (Some(a), Some(b)) => Some(a.0.min(b.0)),
            (Some(a), None) => Some(a.0),
            (None, Some(b)) => Some(b.0),
            (None, None) => None,
        }
    }
}

/// The score configurations: built-in defaults as version 0, loaded versions, and the
/// version each pinned week is held to.
#[derive(Debug, Clone)]
pub struct Configs {
    pub versions: Vec<(i64, ScoreConfig)>,
    pub pins: BTreeMap<String, i64>,
}

impl Configs {
    pub fn from_rows(rows: &[ConfigVersion], pins: BTreeMap<String, i64>) -> Configs {
        let mut versions = vec![(0, ScoreConfig::default())];
        for r in rows {
            // A stored version was validated when loaded; one that no longer parses
            // (a newer rule) falls back to the defaults rather than failing every page.
            let mut cfg = ScoreConfig::from_toml(&r.body).unwrap_or_else(|e| {
                tracing::warn!(version = r.version, error = %e, "a stored score configuration no longer parses; its weeks use the defaults");
                ScoreConfig::default()
            });
            cfg.effective_from = r.effective_from;
            versions.push((r.version, cfg));
        }
        Configs { versions, pins }
    }

    /// The version in force for a week: its pin, else the newest version effective by
    /// the week's Monday.
    pub fn for_week(&self, week: IsoWeek) -> (i64, &ScoreConfig) {
        if let Some(v) = self.pins.get(&week.to_string())
            && let Some((n, c)) = self.versions.iter().find(|(n, _)| n == v)
        {
            return (*n, c);
        }
        self.in_force(week)
    }

    /// The newest version effective by the week's Monday, ignoring pins.
    pub fn in_force(&self, week: IsoWeek) -> (i64, &ScoreConfig) {
        let monday = week.monday();
        let (n, c) = self
            .versions
            .iter()
            .rev()
            .find(|(_, c)| c.effective_from <= monday)
            .unwrap_or(&self.versions[0]);
        (*n, c)
    }

    pub fn latest(&self) -> (i64, &ScoreConfig) {
        let (n, c) = self.versions.last().expect("version 0 is always there");
        (*n, c)
    }
}

/// Everything the scorecard reads, indexed for it.
#[derive(Debug)]
pub struct Model {
    pub(crate) pairs: Vec<Pair>,
    /// Pairs of each partner.
    pub(crate) by_partner: BTreeMap<String, Vec<usize>>,
    /// Days on which each station ran any route.
    route_days: HashMap<String, BTreeSet<NaiveDate>>,
    goals: HashMap<(String, String), Vec<GoalRow>>,
    pub configs: Configs,
    /// Every partner's documents and guarantees, for the compliance component.
    pub compliance: crate::shared::compliance::Compliance,
    pub first: Option<NaiveDate>,
    pub last: Option<NaiveDate>,
    /// Results already computed: the model never changes, so they never go stale.
    memo: Memo,
}

/// The results a model memoises, by their arguments: each capability computes its
/// own result type under its own key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum MemoKey {
    Week(IsoWeek),
    Goals(IsoWeek),
    Bottom(IsoWeek),
    Defaulting(NaiveDate),
    Unusual(NaiveDate, NaiveDate),
}

type Memo = std::sync::Mutex<HashMap<MemoKey, Arc<dyn Any + Send + Sync>>>;

/// Additive inputs of the score: one partner × station × day, or any sum of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Inputs {
    pub counts: Counts,
    /// Days the station ran routes and a goal applied.
    pub goal_days: i64,
    pub goal_p50_met: i64,
    pub goal_p90_met: i64,
    /// Positive COD shortfall at the end of the period (per station, then summed).
    pub cod_shortfall_minor: i64,
}

impl std::ops::AddAssign for Inputs {
    fn add_assign(&mut self, o: Inputs) {
        self.counts += o.counts;
        self.goal_days += o.goal_days;
        self.goal_p50_met += o.goal_p50_met;
        self.goal_p90_met += o.goal_p90_met;
        self.cod_shortfall_minor += o.cod_shortfall_minor;
    }
}

impl std::ops::SubAssign for Inputs {
    fn sub_assign(&mut self, o: Inputs) {
        self.counts -= o.counts;
        self.goal_days -= o.goal_days;
        self.goal_p50_met -= o.goal_p50_met;
        self.goal_p90_met -= o.goal_p90_met;
        self.cod_shortfall_minor -= o.cod_shortfall_minor;
    }
}

fn pct(num: i64, den: i64) -> Option<f64> {
    (den != 0).then(|| 100.0 * num as f64 / den as f64)
}

impl Inputs {
    pub fn goal_p50_met_pct(&self) -> Option<f64> {
        pct(self.goal_p50_met, self.goal_days)
    }
    pub fn goal_p90_met_pct(&self) -> Option<f64> {
        pct(self.goal_p90_met, self.goal_days)
    }
    /// COD shortfall at the period's end over the COD due in the period, %.
    pub fn cod_shortfall_pct(&self) -> Option<f64> {
        pct(self.cod_shortfall_minor, self.counts.cod_due_minor)
    }
    /// The component values, by name; `None` where there is no data. Compliance has no
    /// data until documents are tracked.
    pub fn values(&self) -> BTreeMap<String, Option<f64>> {
        let c = &self.counts;
        let mut v = BTreeMap::new();
        v.insert("dot_pct".into(), c.dot_pct());
        v.insert("dcr_pct".into(), c.dcr_pct());
        v.insert("nl_dpmo".into(), c.nl_dpmo());
        v.insert("cod_shortfall_pct".into(), self.cod_shortfall_pct());
        v.insert("goal_p50_met_pct".into(), self.goal_p50_met_pct());
        v.insert("compliance_pct".into(), None);
        v
    }
}

/// A goal for a day: the P50 and P90 and where they came from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Goal {
    pub p50: f64,
    pub p90: f64,
    pub source: GoalSource,
}

impl Model {
    pub async fn load(ws: &Workspace) -> Result<Arc<Model>, AppError> {
        ws.views
            .get_or(&ws.store, ViewKey::Model, || async {
                // The whole history, read once per data version and folded: the COD
                // owed runs from the first day.
                let facts = ws.store.every_fact().await?;
                let remitted = ws.store.all_remitted().await?;
                let goals = ws.store.route_goals().await?;
                let configs = Configs::from_rows(
                    &ws.store
                        .config_versions(dspdesk_core::config::ConfigKind::Score)
                        .await?,
                    ws.store.score_pins().await?,
                );
                let mut model = Model::build(
                    facts
                        .iter()
                        .map(|f| (&f.partner, &f.station, f.date, f.counts)),
                    remitted
                        .iter()
                        .map(|r| (&r.partner, &r.station, r.date, r.amount_minor)),
                    goals,
                    configs,
                );
                model.compliance = crate::shared::compliance::Compliance::load(ws).await?;
                Ok(model)
            })
            .await
    }

    pub fn build<'a>(
        facts: impl Iterator<Item = (&'a String, &'a String, NaiveDate, Counts)>,
        remitted: impl Iterator<Item = (&'a String, &'a String, NaiveDate, i64)>,
        goals: Vec<GoalRow>,
        configs: Configs,
    ) -> Model {
        let mut index: HashMap<(String, String), usize> = HashMap::new();
        let mut pairs: Vec<Pair> = Vec::new();
        let mut slot = |p: &String, s: &String, pairs: &mut Vec<Pair>| -> usize {
            if let Some(&i) = index.get(&(p.clone(), s.clone())) {
                return i;
            }
            pairs.push(Pair {
                partner: p.clone(),
                station: s.clone(),
                ..Pair::default()
            });
            index.insert((p.clone(), s.clone()), pairs.len() - 1);
            pairs.len() - 1
        };
        let mut route_days: HashMap<String, BTreeSet<NaiveDate>> = HashMap::new();
        let (mut first, mut last): (Option<NaiveDate>, Option<NaiveDate>) = (None, None);
        for (p, s, d, c) in facts {
            let i = slot(p, s, &mut pairs);
            pairs[i].days.push((d, c));
            if c.routes > 0 {
                route_days.entry(s.clone()).or_default().insert(d);
            }
            first = Some(first.map_or(d, |f| f.min(d)));
            last = Some(last.map_or(d, |l| l.max(d)));
        }
        for (p, s, d, amount) in remitted {
            let i = slot(p, s, &mut pairs);
            pairs[i].remit.push((d, amount));
        }
        let mut by_partner: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, pair) in pairs.iter_mut().enumerate() {
            pair.index_days();
            by_partner.entry(pair.partner.clone()).or_default().push(i);
        }
        for list in by_partner.values_mut() {
            list.sort_by(|a, b| pairs[*a].station.cmp(&pairs[*b].station));
        }
        let mut goal_map: HashMap<(String, String), Vec<GoalRow>> = HashMap::new();
        for g in goals {
            goal_map
                .entry((g.partner.clone(), g.station.clone()))
                .or_default()
                .push(g);
        }
        Model {
            pairs,
            by_partner,
            route_days,
            goals: goal_map,
            configs,
            compliance: Default::default(),
            first,
            last,
            memo: Memo::default(),
        }
    }

    /// The memoised result for `key`, computed (outside the lock) when missing.
    pub(crate) fn memo<V: Send + Sync + 'static>(
        &self,
        key: MemoKey,
        compute: impl FnOnce() -> V,
    ) -> Arc<V> {
        if let Ok(m) = self.memo.lock()
            && let Some(v) = m.get(&key).and_then(|v| v.clone().downcast::<V>().ok())
        {
            return v;
        }
        let v = Arc::new(compute());
        if let Ok(mut m) = self.memo.lock() {
            m.insert(key, v.clone());
        }
        v
    }

    /// Whether the partner has any day or deposit at the station.
    pub fn works_at(&self, partner: &str, station: &str) -> bool {
        self.by_partner
            .get(partner)
            .is_some_and(|idx| idx.iter().any(|&i| self.pairs[i].station == station))
    }

    /// Whether a scope may see a partner: a station manager sees the partners that
    /// work at its stations.
    pub fn sees_partner(&self, scope: &Scope, partner: &str) -> bool {
        match scope {
            Scope::Stations(_) => self.by_partner.get(partner).is_some_and(|idx| {
                idx.iter()
                    .any(|&i| scope.allows(partner, &self.pairs[i].station))
            }),
            _ => scope.allows_partner(partner),
        }
    }

    /// The first day the partner ran a route at any station.
    pub fn first_route(&self, partner: &str) -> Option<NaiveDate> {
        self.by_partner
            .get(partner)?
            .iter()
            .filter_map(|&i| {
                self.pairs[i]
                    .days
                    .iter()
                    .find(|(_, c)| c.routes > 0)
                    .map(|(d, _)| *d)
            })
            .min()
    }

    /// The stations where the partner has any day or deposit, sorted.
    pub fn stations_of(&self, partner: &str) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .by_partner
            .get(partner)
            .map(|idx| {
                idx.iter()
                    .map(|&i| self.pairs[i].station.as_str())
                    .collect()
            })
            .unwrap_or_default();
        v.sort_unstable();
        v.dedup();
        v
    }

    pub fn partners(&self) -> impl Iterator<Item = &String> {
        self.by_partner.keys()
    }

    /// The last complete ISO week with data (the week of the last day if it is a
    /// Sunday), or the last week when there is only one.
    /// The days of `week` with data when the week is incomplete (not every one of its
    /// days is loaded); `None` when it is complete or has no data.
    pub fn so_far(&self, week: IsoWeek) -> Option<(NaiveDate, NaiveDate)> {
        let (first, last) = (self.first?, self.last?);
        let (from, to) = (first.max(week.monday()), last.min(week.sunday()));
        (from <= to && (from > week.monday() || to < week.sunday())).then_some((from, to))
    }

    pub fn last_complete_week(&self) -> Option<IsoWeek> {
        let last = self.last?;
        let w = IsoWeek::of(last);
        if last == w.sunday() {
            return Some(w);
        }
        let prev = IsoWeek::of(w.monday() - Duration::days(1));
        Some(if self.first.is_some_and(|f| f <= prev.sunday()) {
            prev
        } else {
            w
        })
    }

    pub(crate) fn station_route_days(
        &self,
        station: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Vec<NaiveDate> {
        self.route_days
            .get(station)
            .map(|s| s.range(from..=to).copied().collect())
            .unwrap_or_default()
    }

    /// The partner's daily routes at the station on each day the station ran any
    /// route in the window of `window` days ending on `end` (0 where it ran none).
    fn daily_routes(&self, pair: &Pair, end: NaiveDate, window: u32) -> Vec<f64> {
        let from = end - Duration::days(i64::from(window) - 1);
        self.station_route_days(&pair.station, from, end)
            .into_iter()
            .map(|d| pair.day(d).map_or(0.0, |c| c.routes as f64))
            .collect()
    }

    /// The suggested P50 and P90 for a pair: percentiles of its daily routes over the
    /// window ending on `end`. `None` when the partner had no day at the station in
    /// the window, or the station ran no route.
    pub(crate) fn suggest(
        &self,
        pair: &Pair,
        end: NaiveDate,
        window: u32,
    ) -> Option<(f64, f64, usize)> {
        let from = end - Duration::days(i64::from(window) - 1);
        if pair.days_between(from, end).is_empty() {
            return None;
        }
        let v = self.daily_routes(pair, end, window);
        Some((percentile_inc(&v, 0.5)?, percentile_inc(&v, 0.9)?, v.len()))
    }

    /// The goal for a pair on a day: a stored goal covering the day, else the
    /// suggestion from the window ending the day before the day's week began.
    pub(crate) fn goal(&self, pair: &Pair, day: NaiveDate, window: u32) -> Option<Goal> {
        if let Some(list) = self
            .goals
            .get(&(pair.partner.clone(), pair.station.clone()))
            && let Some(g) = list
                .iter()
                .find(|g| g.valid_from <= day && day <= g.valid_to)
        {
            return Some(Goal {
                p50: g.p50,
                p90: g.p90,
                source: g.source,
            });
        }
        let end = IsoWeek::of(day).monday() - Duration::days(1);
        self.suggest(pair, end, window).map(|(p50, p90, _)| Goal {
            p50,
            p90,
            source: GoalSource::Suggested,
        })
    }

    /// The inputs of one pair on one day.
    fn day_inputs(&self, pair: &Pair, day: NaiveDate, cfg: &ScoreConfig) -> Inputs {
        let mut i = Inputs {
            counts: pair.day(day).copied().unwrap_or_default(),
            ..Inputs::default()
        };
        let ran = self
            .route_days
            .get(&pair.station)
            .is_some_and(|s| s.contains(&day));
        // A goal below one route is no commitment: no goal.
        if ran
            && let Some(g) = self.goal(pair, day, cfg.goals.window_days)
            && g.p50 >= 1.0
        {
            i.goal_days = 1;
            let routes = i.counts.routes as f64;
            i.goal_p50_met = i64::from(routes >= g.p50);
            i.goal_p90_met = i64::from(routes >= g.p90);
        }
        i
    }

    /// The inputs of a pair over a week, per day, and its COD shortfall at the week's
    /// end. Empty when the pair had no activity that week.
    pub(crate) fn pair_week(
        &self,
        pair: &Pair,
        week: IsoWeek,
        cfg: &ScoreConfig,
    ) -> Option<PairWeek> {
        let (mon, sun) = (week.monday(), week.sunday());
        let worked = !pair.days_between(mon, sun).is_empty();
        let short = pair.shortfall(sun).max(0);
        let days: Vec<(NaiveDate, Inputs)> = mon
            .iter_days()
            .take(7)
            .map(|d| (d, self.day_inputs(pair, d, cfg)))
            .filter(|(_, i)| i.counts.dispatched > 0 || i.counts.routes > 0 || i.goal_days > 0)
            .collect();
        // Scored when it worked, or when it had a route goal in force on a day the
        // station ran routes: committed routes and ran none score 0 on the goal, so not
        // turning up does not leave the ranking (`metrics.md`, "Precisely").
        let active = worked || days.iter().any(|(_, i)| i.goal_days > 0);
        if !active && short == 0 {
            return None;
        }
        // A pair with no day and no goal this week contributes only the cash it still
        // owes.
        let days = if active { days } else { Vec::new() };
        let mut total = Inputs {
            cod_shortfall_minor: short,
            ..Inputs::default()
        };
        for (_, i) in &days {
            total += *i;
        }
        Some(PairWeek {
            station: pair.station.clone(),
            active,
            days,
            total,
        })
    }
}

pub(crate) struct PairWeek {
    pub(crate) station: String,
    /// Any day at the station this week (else only a COD balance).
    pub(crate) active: bool,
    pub(crate) days: Vec<(NaiveDate, Inputs)>,
    pub(crate) total: Inputs,
}
