//! The scorecard (`metrics.md`, "Route goals", "COD" and "Network health score"):
//! route goals and attainment, the COD shortfall ledger, the weekly health score with
//! tiers and rank, the defaulting and consistently-bottom lists, unusual days and the
//! explanation of a score's change.
//!
//! Everything is computed from one in-memory [`Model`] of the daily facts, deposits,
//! goals and score configuration, built once per data version. Counts are additive
//! per partner × station × day ([`Inputs`]), so a partner's week, a station's share of
//! it and "the week without that day" are sums and differences of the same numbers.

use crate::workspace::{AppError, Workspace};
use chrono::{Duration, NaiveDate};
use dspdesk_core::score::{COMPONENTS, ScoreConfig, Tier, percentile_inc, robust_z};
use dspdesk_core::{Counts, IsoWeek, Scope};
use dspdesk_store::{ConfigVersion, GoalRow, NewFlag};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// One partner at one station: its days and deposits, in date order.
#[derive(Debug, Default)]
struct Pair {
    partner: String,
    station: String,
    days: Vec<(NaiveDate, Counts)>,
    /// Running sum of `cod_due` over `days`.
    due_prefix: Vec<i64>,
    remit: Vec<(NaiveDate, i64)>,
    remit_prefix: Vec<i64>,
}

impl Pair {
    fn day(&self, d: NaiveDate) -> Option<&Counts> {
        self.days
            .binary_search_by_key(&d, |(x, _)| *x)
            .ok()
            .map(|i| &self.days[i].1)
    }
    fn days_between(&self, from: NaiveDate, to: NaiveDate) -> &[(NaiveDate, Counts)] {
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
    fn shortfall(&self, d: NaiveDate) -> i64 {
        self.cod_due_through(d - Duration::days(1)) - self.remitted_through(d)
    }
    fn remitted_on(&self, d: NaiveDate) -> i64 {
        self.remit
            .binary_search_by_key(&d, |(x, _)| *x)
            .map_or(0, |i| self.remit[i].1)
    }
    fn first_day(&self) -> Option<NaiveDate> {
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
    pairs: Vec<Pair>,
    /// Pairs of each partner.
    by_partner: BTreeMap<String, Vec<usize>>,
    /// Days on which each station ran any route.
    route_days: HashMap<String, BTreeSet<NaiveDate>>,
    goals: HashMap<(String, String), Vec<GoalRow>>,
    pub configs: Configs,
    pub first: Option<NaiveDate>,
    pub last: Option<NaiveDate>,
    /// Results already computed: the model never changes, so they never go stale.
    memo: Memo,
}

/// Results by their arguments.
type Memoised<K, V> = std::sync::Mutex<HashMap<K, Arc<V>>>;

/// Computed results of a model, by their arguments.
#[derive(Debug, Default)]
struct Memo {
    weeks: Memoised<IsoWeek, WeekScores>,
    goals: Memoised<IsoWeek, Vec<GoalLine>>,
    bottom: Memoised<IsoWeek, Vec<Bottom>>,
    defaulting: Memoised<NaiveDate, Vec<Defaulting>>,
    unusual: Memoised<(NaiveDate, NaiveDate), Vec<UnusualDay>>,
}

/// The memoised value for `key`, computed (outside the lock) when missing.
fn memo<K: std::hash::Hash + Eq + Clone, V>(
    map: &Memoised<K, V>,
    key: K,
    compute: impl FnOnce() -> V,
) -> Arc<V> {
    if let Ok(m) = map.lock()
        && let Some(v) = m.get(&key)
    {
        return v.clone();
    }
    let v = Arc::new(compute());
    if let Ok(mut m) = map.lock() {
        m.insert(key, v.clone());
    }
    v
}

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
    /// `set`, `adopted` or `suggested` (none stored: the trailing suggestion).
    pub source: &'static str,
}

impl Model {
    pub async fn load(ws: &Workspace) -> Result<Arc<Model>, AppError> {
        ws.views
            .get_or(ws, "scorecard-model".into(), || async {
                let (from, to) = match ws.store.facts_range().await? {
                    Some(r) => r,
                    None => (NaiveDate::MIN, NaiveDate::MIN),
                };
                let facts = ws.store.facts_between(from, to).await?;
                let remitted = ws.store.all_remitted().await?;
                let goals = ws.store.route_goals().await?;
                let configs = Configs::from_rows(
                    &ws.store.config_versions("score").await?,
                    ws.store.score_pins().await?,
                );
                Ok(Model::build(
                    facts
                        .iter()
                        .map(|f| (&f.partner, &f.station, f.date, f.counts)),
                    remitted
                        .iter()
                        .map(|r| (&r.partner, &r.station, r.date, r.amount_minor)),
                    goals,
                    configs,
                ))
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
            pair.days.sort_by_key(|(d, _)| *d);
            pair.remit.sort_by_key(|(d, _)| *d);
            let mut run = 0;
            pair.due_prefix = pair
                .days
                .iter()
                .map(|(_, c)| {
                    run += c.cod_due_minor;
                    run
                })
                .collect();
            let mut run = 0;
            pair.remit_prefix = pair
                .remit
                .iter()
                .map(|(_, a)| {
                    run += a;
                    run
                })
                .collect();
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
            first,
            last,
            memo: Memo::default(),
        }
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

    pub fn partners(&self) -> impl Iterator<Item = &String> {
        self.by_partner.keys()
    }

    /// The last complete ISO week with data (the week of the last day if it is a
    /// Sunday), or the last week when there is only one.
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

    fn station_route_days(&self, station: &str, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
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
    fn suggest(&self, pair: &Pair, end: NaiveDate, window: u32) -> Option<(f64, f64, usize)> {
        let from = end - Duration::days(i64::from(window) - 1);
        if pair.days_between(from, end).is_empty() {
            return None;
        }
        let v = self.daily_routes(pair, end, window);
        Some((percentile_inc(&v, 0.5)?, percentile_inc(&v, 0.9)?, v.len()))
    }

    /// The goal for a pair on a day: a stored goal covering the day, else the
    /// suggestion from the window ending the day before the day's week began.
    fn goal(&self, pair: &Pair, day: NaiveDate, window: u32) -> Option<Goal> {
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
                source: if g.source == "adopted" {
                    "adopted"
                } else {
                    "set"
                },
            });
        }
        let end = IsoWeek::of(day).monday() - Duration::days(1);
        self.suggest(pair, end, window).map(|(p50, p90, _)| Goal {
            p50,
            p90,
            source: "suggested",
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
        if ran && let Some(g) = self.goal(pair, day, cfg.goals.window_days) {
            i.goal_days = 1;
            let routes = i.counts.routes as f64;
            i.goal_p50_met = i64::from(routes >= g.p50);
            i.goal_p90_met = i64::from(routes >= g.p90);
        }
        i
    }

    /// The inputs of a pair over a week, per day, and its COD shortfall at the week's
    /// end. Empty when the pair had no activity that week.
    fn pair_week(&self, pair: &Pair, week: IsoWeek, cfg: &ScoreConfig) -> Option<PairWeek> {
        let (mon, sun) = (week.monday(), week.sunday());
        let active = !pair.days_between(mon, sun).is_empty();
        let short = pair.shortfall(sun).max(0);
        if !active && short == 0 {
            return None;
        }
        // A pair with no day this week contributes only the cash it still owes: it is
        // not scored on goals it no longer works to.
        let days: Vec<(NaiveDate, Inputs)> = if active {
            mon.iter_days()
                .take(7)
                .map(|d| (d, self.day_inputs(pair, d, cfg)))
                .filter(|(_, i)| i.counts.dispatched > 0 || i.counts.routes > 0 || i.goal_days > 0)
                .collect()
        } else {
            Vec::new()
        };
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

    /// Every partner's (and partner × station's) score for a week, with rank and the
    /// bottom share, under the version the week is held to.
    pub fn week(&self, week: IsoWeek) -> Arc<WeekScores> {
        memo(&self.memo.weeks, week, || {
            let (version, cfg) = self.configs.for_week(week);
            self.week_with(week, version, cfg)
        })
    }

    pub fn week_with(&self, week: IsoWeek, version: i64, cfg: &ScoreConfig) -> WeekScores {
        let mut partners = Vec::new();
        let mut pairs = Vec::new();
        for (partner, idx) in &self.by_partner {
            let mut total = Inputs::default();
            let mut any = false;
            for &i in idx {
                if let Some(pw) = self.pair_week(&self.pairs[i], week, cfg) {
                    total += pw.total;
                    // A partner is scored in a week it worked; cash it still owes at a
                    // station it left counts in its COD component.
                    if pw.active {
                        any = true;
                        pairs.push(ScoreRow::new(
                            partner,
                            Some(&pw.station),
                            week,
                            version,
                            cfg,
                            pw.total,
                        ));
                    }
                }
            }
            if any {
                partners.push(ScoreRow::new(partner, None, week, version, cfg, total));
            }
        }
        rank(&mut partners, cfg.bottom.share_pct);
        rank(&mut pairs, cfg.bottom.share_pct);
        WeekScores {
            week,
            config_version: version,
            partners,
            pairs,
        }
    }

    /// The partners' daily DOT (all stations summed) on their last `window` days with
    /// dispatches up to `as_of`; defaulting when below target on at least `days`.
    pub fn defaulting(&self, as_of: NaiveDate) -> Arc<Vec<Defaulting>> {
        memo(&self.memo.defaulting, as_of, || self.defaulting_now(as_of))
    }

    fn defaulting_now(&self, as_of: NaiveDate) -> Vec<Defaulting> {
        let cfg = self.configs.for_week(IsoWeek::of(as_of)).1.defaulting;
        let mut out = Vec::new();
        for (partner, idx) in &self.by_partner {
            let mut per_day: BTreeMap<NaiveDate, Counts> = BTreeMap::new();
            for &i in idx {
                let pair = &self.pairs[i];
                for (d, c) in pair.days_between(NaiveDate::MIN, as_of) {
                    if c.dispatched > 0 {
                        *per_day.entry(*d).or_default() += *c;
                    }
                }
            }
            let days: Vec<(NaiveDate, f64)> = per_day
                .iter()
                .rev()
                .take(cfg.window)
                .filter_map(|(d, c)| c.dot_pct().map(|v| (*d, v)))
                .collect();
            let below: Vec<(NaiveDate, f64)> = days
                .iter()
                .copied()
                .filter(|(_, v)| *v < cfg.dot_target)
                .collect();
            if below.len() >= cfg.days {
                out.push(Defaulting {
                    partner: partner.clone(),
                    as_of,
                    days_below: below.len(),
                    days_seen: days.len(),
                    target: cfg.dot_target,
                    worst: below.iter().copied().min_by(|a, b| a.1.total_cmp(&b.1)),
                    below,
                });
            }
        }
        out
    }

    /// Partners in the bottom share in at least `weeks` of the `of_last` weeks ending
    /// with `week`.
    pub fn consistently_bottom(&self, week: IsoWeek) -> Arc<Vec<Bottom>> {
        memo(&self.memo.bottom, week, || self.bottom_now(week))
    }

    fn bottom_now(&self, week: IsoWeek) -> Vec<Bottom> {
        let cfg = self.configs.for_week(week).1.bottom;
        let mut weeks: Vec<IsoWeek> = Vec::new();
        let mut w = week;
        for _ in 0..cfg.of_last {
            weeks.push(w);
            w = IsoWeek::of(w.monday() - Duration::days(1));
        }
        weeks.reverse();
        let scored: Vec<Arc<WeekScores>> = weeks.iter().map(|w| self.week(*w)).collect();
        let mut out = Vec::new();
        for partner in self.by_partner.keys() {
            let history: Vec<(IsoWeek, bool, Option<f64>)> = scored
                .iter()
                .map(|s| {
                    let row = s.partners.iter().find(|r| &r.partner == partner);
                    (
                        s.week,
                        row.is_some_and(|r| r.bottom),
                        row.and_then(|r| r.score),
                    )
                })
                .collect();
            let n = history.iter().filter(|h| h.1).count();
            if n >= cfg.weeks {
                out.push(Bottom {
                    partner: partner.clone(),
                    week,
                    weeks_in_bottom: n,
                    of_last: cfg.of_last,
                    share_pct: cfg.share_pct,
                    history,
                });
            }
        }
        out
    }

    /// Why a partner's score changed from the week before: each component's
    /// contribution to the change, the stations that moved it most (the score had the
    /// station stayed as it was the week before) and the days (the score without the
    /// day).
    pub fn explain(&self, partner: &str, week: IsoWeek) -> Option<Explanation> {
        let idx = self.by_partner.get(partner)?;
        let prev_week = IsoWeek::of(week.monday() - Duration::days(1));
        let (version, cfg) = self.configs.for_week(week);
        let (prev_version, prev_cfg) = self.configs.for_week(prev_week);
        let this: Vec<PairWeek> = idx
            .iter()
            .filter_map(|&i| self.pair_week(&self.pairs[i], week, cfg))
            .collect();
        let prev: Vec<PairWeek> = idx
            .iter()
            .filter_map(|&i| self.pair_week(&self.pairs[i], prev_week, prev_cfg))
            .collect();
        let sum = |v: &[PairWeek]| {
            let mut t = Inputs::default();
            for p in v {
                t += p.total;
            }
            t
        };
        let now = sum(&this);
        let before = sum(&prev);
        let now_row = ScoreRow::new(partner, None, week, version, cfg, now);
        let before_row = ScoreRow::new(partner, None, prev_week, prev_version, prev_cfg, before);
        let components = COMPONENTS
            .iter()
            .filter(|c| cfg.component(c).is_some() || prev_cfg.component(c).is_some())
            .map(|c| {
                let name = (*c).to_owned();
                let value_now = now_row.values.get(&name).copied().flatten();
                let value_before = before_row.values.get(&name).copied().flatten();
                let contribution_now = now_row.contributions.get(&name).copied();
                let contribution_before = before_row.contributions.get(&name).copied();
                ComponentChange {
                    delta: contribution_now.unwrap_or(0.0) - contribution_before.unwrap_or(0.0),
                    component: name,
                    value_now,
                    value_before,
                    contribution_now,
                    contribution_before,
                }
            })
            .collect();
        let score_of = |i: Inputs| cfg.score(&i.values());
        let mut stations: Vec<Effect> = Vec::new();
        let mut station_names: BTreeSet<String> = this.iter().map(|p| p.station.clone()).collect();
        station_names.extend(prev.iter().map(|p| p.station.clone()));
        for s in station_names {
            let mut counterfactual = now;
            if let Some(p) = this.iter().find(|p| p.station == s) {
                counterfactual -= p.total;
            }
            if let Some(p) = prev.iter().find(|p| p.station == s) {
                counterfactual += p.total;
            }
            if let (Some(a), Some(b)) = (now_row.score, score_of(counterfactual)) {
                let pw = this.iter().find(|p| p.station == s);
                stations.push(Effect {
                    what: s,
                    effect: a - b,
                    dot_pct: pw.and_then(|p| p.total.counts.dot_pct()),
                    dispatched: pw.map_or(0, |p| p.total.counts.dispatched),
                });
            }
        }
        stations.sort_by(|a, b| b.effect.abs().total_cmp(&a.effect.abs()));
        let mut days: Vec<Effect> = Vec::new();
        for p in &this {
            for (d, i) in &p.days {
                let mut without = now;
                without -= *i;
                if let (Some(a), Some(b)) = (now_row.score, score_of(without)) {
                    days.push(Effect {
                        what: format!("{} {d}", p.station),
                        effect: a - b,
                        dot_pct: i.counts.dot_pct(),
                        dispatched: i.counts.dispatched,
                    });
                }
            }
        }
        days.sort_by(|a, b| a.effect.total_cmp(&b.effect));
        days.truncate(5);
        Some(Explanation {
            partner: partner.to_owned(),
            week,
            previous_week: prev_week,
            score_now: now_row.score,
            score_before: before_row.score,
            tier_now: now_row.tier,
            tier_before: before_row.tier,
            components,
            stations,
            days,
        })
    }

    /// Partner × station days in `from..=to` whose `dot_pct` or `dcr_pct` is far from
    /// the partner's own trailing days (a robust z-score: `0.6745 (x - median) / MAD`
    /// over the partner's station-days in the window before the day).
    pub fn unusual_days(&self, from: NaiveDate, to: NaiveDate) -> Arc<Vec<UnusualDay>> {
        memo(&self.memo.unusual, (from, to), || {
            self.unusual_now(from, to)
        })
    }

    fn unusual_now(&self, from: NaiveDate, to: NaiveDate) -> Vec<UnusualDay> {
        let mut out = Vec::new();
        for (partner, idx) in &self.by_partner {
            let cfg = self.configs.for_week(IsoWeek::of(to)).1.unusual;
            for &i in idx {
                let pair = &self.pairs[i];
                for (d, c) in pair.days_between(from, to) {
                    if c.dispatched < MIN_DISPATCHED_UNUSUAL {
                        continue;
                    }
                    let start = *d - Duration::days(i64::from(cfg.window_days));
                    let end = *d - Duration::days(1);
                    for (metric, value_of) in [
                        ("dot_pct", Counts::dot_pct as fn(&Counts) -> Option<f64>),
                        ("dcr_pct", Counts::dcr_pct),
                    ] {
                        let Some(x) = value_of(c) else { continue };
                        let history: Vec<f64> = idx
                            .iter()
                            .flat_map(|&j| self.pairs[j].days_between(start, end))
                            .filter(|(_, h)| h.dispatched >= MIN_DISPATCHED_UNUSUAL)
                            .filter_map(|(_, h)| value_of(h))
                            .collect();
                        let Some(z) = robust_z(x, &history, cfg.min_days, cfg.mad_floor) else {
                            continue;
                        };
                        if z.abs() >= cfg.threshold {
                            out.push(UnusualDay {
                                partner: partner.clone(),
                                station: pair.station.clone(),
                                date: *d,
                                metric,
                                value: x,
                                median: dspdesk_core::score::median(&history).unwrap_or(x),
                                z,
                                history_days: history.len(),
                            });
                        }
                    }
                }
            }
        }
        out.sort_by(|a, b| a.z.total_cmp(&b.z));
        out
    }

    /// Route goals and attainment per pair for a week: the goal in force, the
    /// suggestion for the next period (the window ending on the week's Sunday), and
    /// the days met.
    pub fn goals_week(&self, week: IsoWeek) -> Arc<Vec<GoalLine>> {
        memo(&self.memo.goals, week, || self.goals_now(week))
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

    /// The COD ledger per pair and day in `from..=to`: due, remitted and shortfall,
    /// and whether the shortfall is overdue (positive on this day and the one before).
    pub fn cod_ledger(&self, from: NaiveDate, to: NaiveDate) -> Vec<CodLine> {
        let mut out = Vec::new();
        for pair in &self.pairs {
            let Some(first) = pair.first_day() else {
                continue;
            };
            let start = from.max(first);
            if start > to {
                continue;
            }
            for d in start.iter_days().take_while(|d| *d <= to) {
                let due = pair.day(d).map_or(0, |c| c.cod_due_minor);
                let remitted = pair.remitted_on(d);
                let shortfall = pair.shortfall(d);
                let before = pair.shortfall(d - Duration::days(1));
                if due == 0 && remitted == 0 && shortfall == 0 {
                    continue;
                }
                out.push(CodLine {
                    partner: pair.partner.clone(),
                    station: pair.station.clone(),
                    date: d,
                    cod_due_minor: due,
                    remitted_minor: remitted,
                    shortfall_minor: shortfall,
                    overdue: shortfall > 0 && before > 0,
                });
            }
        }
        out.sort_by(|a, b| (&a.partner, &a.station, a.date).cmp(&(&b.partner, &b.station, b.date)));
        out
    }

    /// Pairs whose shortfall is overdue on `as_of`: the amount and since when.
    pub fn cod_overdue(&self, as_of: NaiveDate) -> Vec<(String, String, i64, NaiveDate)> {
        let mut out = Vec::new();
        for pair in &self.pairs {
            let s = pair.shortfall(as_of);
            if s > 0 && pair.shortfall(as_of - Duration::days(1)) > 0 {
                let mut since = as_of - Duration::days(1);
                let floor = pair.first_day().unwrap_or(since);
                while since > floor && pair.shortfall(since - Duration::days(1)) > 0 {
                    since -= Duration::days(1);
                }
                out.push((pair.partner.clone(), pair.station.clone(), s, since));
            }
        }
        out
    }

    /// Every flag the data shows now, as of the last day and the last complete week.
    pub fn flags(&self, loss_blocks: &[crate::profit::ProfitLine]) -> Vec<NewFlag> {
        let (Some(last), Some(week)) = (self.last, self.last_complete_week()) else {
            return Vec::new();
        };
        let cfg = self.configs.for_week(week).1;
        let mut out = Vec::new();
        let json = |v: serde_json::Value| v.to_string();
        for d in self.defaulting(last).iter() {
            out.push(NewFlag {
                kind: "defaulting".into(),
                partner: d.partner.clone(),
                station: String::new(),
                subject: String::new(),
                reason: format!(
                    "DOT below {}% on {} of the last {} days with dispatches{}",
                    d.target,
                    d.days_below,
                    d.days_seen,
                    d.worst
                        .map(|(day, v)| format!("; lowest {v:.1}% on {day}"))
                        .unwrap_or_default()
                ),
                numbers: json(serde_json::json!({
                    "days_below": d.days_below, "days_seen": d.days_seen, "target": d.target,
                    "below": d.below.iter().map(|(day, v)| serde_json::json!({"date": day, "dot_pct": v})).collect::<Vec<_>>(),
                })),
                data_date: last,
            });
        }
        for b in self.consistently_bottom(week).iter() {
            out.push(NewFlag {
                kind: "bottom".into(),
                partner: b.partner.clone(),
                station: String::new(),
                subject: String::new(),
                reason: format!(
                    "in the bottom {}% of the network's scores in {} of the last {} weeks",
                    b.share_pct, b.weeks_in_bottom, b.of_last
                ),
                numbers: json(serde_json::json!({
                    "weeks": b.history.iter().map(|(w, bottom, s)| serde_json::json!({"week": w, "bottom": bottom, "score": s})).collect::<Vec<_>>(),
                })),
                data_date: week.sunday(),
            });
        }
        for g in self.goals_week(week).iter() {
            if let (Some(goal), Some(met)) = (g.goal, g.goal_p50_met_pct)
                && met < cfg.goals.shortfall_below_pct
            {
                out.push(NewFlag {
                    kind: "goal_shortfall".into(),
                    partner: g.partner.clone(),
                    station: g.station.clone(),
                    subject: week.to_string(),
                    reason: format!(
                        "met its P50 goal of {:.1} routes on {met:.0}% of {} route days in {week} (below {}%)",
                        goal.p50, g.route_days, cfg.goals.shortfall_below_pct
                    ),
                    numbers: json(serde_json::json!({
                        "goal_p50": goal.p50, "goal_source": goal.source, "goal_p50_met_pct": met,
                        "route_days": g.route_days, "shortfall_days": g.shortfall_days,
                    })),
                    data_date: week.sunday(),
                });
            }
        }
        for (partner, station, amount, since) in self.cod_overdue(last) {
            out.push(NewFlag {
                kind: "cod_overdue".into(),
                partner,
                station,
                subject: String::new(),
                reason: format!(
                    "COD shortfall of {} on {last}, positive every day since {since}",
                    dspdesk_core::format_minor(amount)
                ),
                numbers: json(serde_json::json!({
                    "shortfall": dspdesk_core::minor_to_decimal(amount).to_string(), "since": since,
                })),
                data_date: last,
            });
        }
        for u in self.unusual_days(week.monday(), week.sunday()).iter() {
            out.push(NewFlag {
                kind: "unusual_day".into(),
                partner: u.partner.clone(),
                station: u.station.clone(),
                subject: format!("{} {}", u.date, u.metric),
                reason: format!(
                    "{} {:.1}% on {}, against a median of {:.1}% over its {} station-days in the previous {} days (robust z {:.1})",
                    u.metric,
                    u.value,
                    u.date,
                    u.median,
                    u.history_days,
                    cfg.unusual.window_days,
                    u.z
                ),
                numbers: json(serde_json::json!({
                    "metric": u.metric, "value": u.value, "median": u.median, "z": u.z, "date": u.date,
                })),
                data_date: u.date,
            });
        }
        for p in loss_blocks {
            out.push(NewFlag {
                kind: "loss_making_block".into(),
                partner: String::new(),
                station: p.station.clone().unwrap_or_default(),
                subject: format!(
                    "{}h {}",
                    p.block_hours.unwrap_or_default(),
                    p.mot.clone().unwrap_or_default()
                ),
                reason: format!(
                    "{}h {} routes lost {} on {} route{} in {week} (margin {})",
                    p.block_hours.unwrap_or_default(),
                    p.mot.clone().unwrap_or_default(),
                    p.profit_text().trim_start_matches('-'),
                    p.money.routes,
                    if p.money.routes == 1 { "" } else { "s" },
                    p.margin_pct
                        .map(|m| format!("{m:.1}%"))
                        .unwrap_or_else(|| "n/a".into())
                ),
                numbers: json(serde_json::json!({
                    "routes": p.money.routes, "payout": p.payout, "cost": p.cost, "profit": p.profit,
                })),
                data_date: week.sunday(),
            });
        }
        out
    }
}

/// Packages a partner-station day needs before its ratios are judged unusual.
pub const MIN_DISPATCHED_UNUSUAL: i64 = 20;

struct PairWeek {
    station: String,
    /// Any day at the station this week (else only a COD balance).
    active: bool,
    days: Vec<(NaiveDate, Inputs)>,
    total: Inputs,
}

/// One partner's (or partner × station's) score for a week.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreRow {
    pub partner: String,
    pub station: Option<String>,
    pub week: IsoWeek,
    pub config_version: i64,
    pub inputs: Inputs,
    pub values: BTreeMap<String, Option<f64>>,
    pub goal_p90_met_pct: Option<f64>,
    pub contributions: BTreeMap<String, f64>,
    pub score: Option<f64>,
    pub tier: Option<Tier>,
    /// 1 is the best; ties share a rank.
    pub rank: Option<usize>,
    /// How many were ranked.
    pub ranked: usize,
    /// In the bottom share of the week's scores.
    pub bottom: bool,
}

impl ScoreRow {
    fn new(
        partner: &str,
        station: Option<&str>,
        week: IsoWeek,
        version: i64,
        cfg: &ScoreConfig,
        inputs: Inputs,
    ) -> ScoreRow {
        let values = inputs.values();
        let score = cfg.score(&values);
        ScoreRow {
            partner: partner.to_owned(),
            station: station.map(str::to_owned),
            week,
            config_version: version,
            goal_p90_met_pct: inputs.goal_p90_met_pct(),
            contributions: cfg.contributions(&values),
            tier: score.map(|s| cfg.tiers.tier(s, None)),
            score,
            values,
            inputs,
            rank: None,
            ranked: 0,
            bottom: false,
        }
    }

    pub fn value(&self, name: &str) -> Option<f64> {
        self.values.get(name).copied().flatten()
    }
}

/// Ranks rows by score (best first, ties share the rank) and marks the bottom share:
/// a row is in the bottom when fewer than `share_pct`% of the ranked rows score
/// strictly lower.
pub fn rank(rows: &mut [ScoreRow], share_pct: f64) {
    let mut scores: Vec<f64> = rows.iter().filter_map(|r| r.score).collect();
    scores.sort_by(|a, b| b.total_cmp(a));
    let n = scores.len();
    for r in rows.iter_mut() {
        r.ranked = n;
        if let Some(s) = r.score {
            let better = scores.partition_point(|x| *x > s);
            let worse = n - scores.partition_point(|x| *x >= s);
            r.rank = Some(better + 1);
            // Somebody must score higher: a lone partner, or a network of ties, has
            // no bottom.
            r.bottom = better > 0 && (worse as f64) < share_pct / 100.0 * n as f64;
        }
    }
    rows.sort_by(|a, b| {
        b.score
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&a.score.unwrap_or(f64::NEG_INFINITY))
            .then_with(|| a.partner.cmp(&b.partner))
            .then_with(|| a.station.cmp(&b.station))
    });
}

#[derive(Debug, Clone, Serialize)]
pub struct WeekScores {
    pub week: IsoWeek,
    pub config_version: i64,
    /// Best first.
    pub partners: Vec<ScoreRow>,
    pub pairs: Vec<ScoreRow>,
}

impl WeekScores {
    pub fn partner(&self, code: &str) -> Option<&ScoreRow> {
        self.partners.iter().find(|r| r.partner == code)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Defaulting {
    pub partner: String,
    pub as_of: NaiveDate,
    pub days_below: usize,
    pub days_seen: usize,
    pub target: f64,
    pub worst: Option<(NaiveDate, f64)>,
    pub below: Vec<(NaiveDate, f64)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Bottom {
    pub partner: String,
    pub week: IsoWeek,
    pub weeks_in_bottom: usize,
    pub of_last: usize,
    pub share_pct: f64,
    /// Oldest first: the week, whether in the bottom, the score.
    pub history: Vec<(IsoWeek, bool, Option<f64>)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComponentChange {
    pub component: String,
    pub value_now: Option<f64>,
    pub value_before: Option<f64>,
    pub contribution_now: Option<f64>,
    pub contribution_before: Option<f64>,
    /// Points of score this component added (negative: took away).
    pub delta: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Effect {
    pub what: String,
    /// Points of this week's score owed to it.
    pub effect: f64,
    pub dot_pct: Option<f64>,
    pub dispatched: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub partner: String,
    pub week: IsoWeek,
    pub previous_week: IsoWeek,
    pub score_now: Option<f64>,
    pub score_before: Option<f64>,
    pub tier_now: Option<Tier>,
    pub tier_before: Option<Tier>,
    pub components: Vec<ComponentChange>,
    /// Largest effect first: this week's score minus the score had the station stayed
    /// as it was the week before.
    pub stations: Vec<Effect>,
    /// Most harmful first: this week's score minus the score without the day.
    pub days: Vec<Effect>,
}

impl Explanation {
    pub fn change(&self) -> Option<f64> {
        Some(self.score_now? - self.score_before?)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct UnusualDay {
    pub partner: String,
    pub station: String,
    pub date: NaiveDate,
    pub metric: &'static str,
    pub value: f64,
    pub median: f64,
    pub z: f64,
    pub history_days: usize,
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

#[derive(Debug, Clone, Serialize)]
pub struct CodLine {
    pub partner: String,
    pub station: String,
    pub date: NaiveDate,
    pub cod_due_minor: i64,
    pub remitted_minor: i64,
    pub shortfall_minor: i64,
    pub overdue: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    fn counts(dispatched: i64, on_time: i64, routes: i64) -> Counts {
        Counts {
            dispatched,
            delivered: dispatched,
            on_time,
            routes,
            ..Counts::default()
        }
    }

    fn model(
        facts: &[(&str, &str, NaiveDate, Counts)],
        remit: &[(&str, &str, NaiveDate, i64)],
    ) -> Model {
        let facts: Vec<(String, String, NaiveDate, Counts)> = facts
            .iter()
            .map(|(p, s, d, c)| (p.to_string(), s.to_string(), *d, *c))
            .collect();
        let remit: Vec<(String, String, NaiveDate, i64)> = remit
            .iter()
            .map(|(p, s, d, a)| (p.to_string(), s.to_string(), *d, *a))
            .collect();
        Model::build(
            facts.iter().map(|(p, s, d, c)| (p, s, *d, *c)),
            remit.iter().map(|(p, s, d, a)| (p, s, *d, *a)),
            Vec::new(),
            Configs::from_rows(&[], BTreeMap::new()),
        )
    }

    #[test]
    fn ties_share_a_rank_and_the_bottom_share_includes_ties() {
        let w = IsoWeek::of(d(16));
        let cfg = ScoreConfig::default();
        let row = |p: &str, on_time| {
            ScoreRow::new(
                p,
                None,
                w,
                0,
                &cfg,
                Inputs {
                    counts: counts(100, on_time, 0),
                    ..Inputs::default()
                },
            )
        };
        let mut rows = vec![
            row("A", 98),
            row("B", 90),
            row("C", 90),
            row("D", 80),
            row("E", 97),
        ];
        rank(&mut rows, 40.0);
        let by: BTreeMap<&str, (Option<usize>, bool)> = rows
            .iter()
            .map(|r| (r.partner.as_str(), (r.rank, r.bottom)))
            .collect();
        assert_eq!(by["A"], (Some(1), false));
        assert_eq!(by["E"], (Some(2), false));
        assert_eq!(by["B"], (Some(3), true), "1 of 5 scores lower: under 40%");
        assert_eq!(
            by["C"],
            (Some(3), true),
            "a tie is in the bottom with its twin"
        );
        assert_eq!(by["D"], (Some(5), true));
    }

    #[test]
    fn a_lone_partner_or_a_network_of_ties_has_no_bottom() {
        let w = IsoWeek::of(d(16));
        let cfg = ScoreConfig::default();
        let row = |p: &str| {
            ScoreRow::new(
                p,
                None,
                w,
                0,
                &cfg,
                Inputs {
                    counts: counts(100, 97, 0),
                    ..Inputs::default()
                },
            )
        };
        let mut one = vec![row("A")];
        rank(&mut one, 10.0);
        assert!(!one[0].bottom);
        let mut tied = vec![row("A"), row("B"), row("C")];
        rank(&mut tied, 50.0);
        assert!(tied.iter().all(|r| !r.bottom && r.rank == Some(1)));
    }

    #[test]
    fn cash_owed_at_a_station_left_counts_but_does_not_score_the_station() {
        // SWFT works at DEL4 until the 13th and owes its last day's cash; it works at
        // BOM1 through the week of the 16th.
        let mut facts = Vec::new();
        for day in 9..=13 {
            facts.push((
                "SWFT",
                "DEL4",
                d(day),
                Counts {
                    cod_due_minor: 500,
                    ..counts(100, 98, 1)
                },
            ));
        }
        for day in 9..=22 {
            facts.push((
                "SWFT",
                "BOM1",
                d(day),
                Counts {
                    cod_due_minor: 1000,
                    ..counts(100, 98, 1)
                },
            ));
        }
        let remit: Vec<(&str, &str, NaiveDate, i64)> = (10..=13)
            .map(|day| ("SWFT", "DEL4", d(day), 500))
            .chain((10..=22).map(|day| ("SWFT", "BOM1", d(day), 1000)))
            .collect();
        let m = model(&facts, &remit);
        let week = m.week(IsoWeek::of(d(16)));
        assert_eq!(
            week.pairs.len(),
            1,
            "DEL4 is not scored in a week SWFT did not work there"
        );
        let swft = week.partner("SWFT").unwrap();
        assert_eq!(
            swft.inputs.cod_shortfall_minor, 500,
            "but its unpaid cash counts"
        );
        assert_eq!(
            swft.value("cod_shortfall_pct"),
            Some(100.0 * 500.0 / 7000.0)
        );
    }

    #[test]
    fn cod_shortfall_follows_the_contract() {
        // Due 100 on the 16th and 17th; 100 remitted on the 17th, none after.
        let m = model(
            &[
                (
                    "SWFT",
                    "DEL4",
                    d(16),
                    Counts {
                        cod_due_minor: 100,
                        dispatched: 1,
                        delivered: 1,
                        ..Counts::default()
                    },
                ),
                (
                    "SWFT",
                    "DEL4",
                    d(17),
                    Counts {
                        cod_due_minor: 100,
                        dispatched: 1,
                        delivered: 1,
                        ..Counts::default()
                    },
                ),
            ],
            &[("SWFT", "DEL4", d(17), 100)],
        );
        let ledger = m.cod_ledger(d(16), d(20));
        let by: BTreeMap<NaiveDate, (i64, bool)> = ledger
            .iter()
            .map(|l| (l.date, (l.shortfall_minor, l.overdue)))
            .collect();
        assert_eq!(
            by[&d(17)],
            (0, false),
            "the 16th's cash was due by the end of the 17th"
        );
        assert_eq!(
            by[&d(18)],
            (100, false),
            "the 17th's cash is missing on the 18th"
        );
        assert_eq!(
            by[&d(19)],
            (100, true),
            "positive two days running: overdue"
        );
        assert_eq!(
            m.cod_overdue(d(19)),
            vec![("SWFT".into(), "DEL4".into(), 100, d(18))]
        );
    }

    #[test]
    fn a_partner_new_this_week_is_scored_and_goals_count_zero_route_days() {
        // The station ran routes every day; SWFT ran 2 a day, ZIPX joined on the 16th
        // (a Monday) with 1 route on two days.
        let mut facts = Vec::new();
        for day in 2..=22 {
            facts.push(("SWFT", "DEL4", d(day), counts(100, 99, 2)));
        }
        facts.push(("ZIPX", "DEL4", d(16), counts(50, 40, 1)));
        facts.push(("ZIPX", "DEL4", d(18), counts(50, 45, 1)));
        let m = model(&facts, &[]);
        let week = m.week(IsoWeek::of(d(16)));
        let zipx = week.partner("ZIPX").unwrap();
        assert_eq!(zipx.inputs.counts.dispatched, 100);
        assert_eq!(zipx.value("dot_pct"), Some(85.0));
        assert_eq!(
            zipx.inputs.goal_days, 0,
            "no history before the week: no goal"
        );
        assert_eq!(
            zipx.value("goal_p50_met_pct"),
            None,
            "left out, weights renormalised"
        );
        assert!(zipx.score.is_some());
        let swft = week.partner("SWFT").unwrap();
        assert_eq!(swft.inputs.goal_days, 7);
        assert_eq!(swft.value("goal_p50_met_pct"), Some(100.0));
        // Next week's suggestion for ZIPX counts the station's other route days as 0.
        let goals = m.goals_week(IsoWeek::of(d(16)));
        let z = goals.iter().find(|g| g.partner == "ZIPX").unwrap();
        assert_eq!(z.suggested_p50, Some(0.0), "21 route days, 2 with a route");
        assert_eq!(z.suggestion_days, 21);
    }

    #[test]
    fn defaulting_counts_days_with_dispatches_only() {
        let mut facts = Vec::new();
        for (day, on_time) in [
            (10, 99),
            (11, 90),
            (12, 99),
            (14, 90),
            (15, 99),
            (16, 94),
            (17, 99),
        ] {
            facts.push(("SWFT", "DEL4", d(day), counts(100, on_time, 1)));
        }
        let m = model(&facts, &[]);
        let list = m.defaulting(d(17));
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].days_below, 3);
        assert_eq!(
            list[0].days_seen, 7,
            "the 13th had no dispatches and is skipped"
        );
        assert!(m.defaulting(d(16)).len() == 1 && m.defaulting(d(12)).is_empty());
    }

    #[test]
    fn the_explanation_adds_up_and_names_the_station() {
        let mut facts = Vec::new();
        for day in 9..=22 {
            let bad = (16..=18).contains(&day);
            facts.push(("SWFT", "DEL4", d(day), counts(100, 98, 2)));
            facts.push((
                "SWFT",
                "BOM1",
                d(day),
                counts(100, if bad { 70 } else { 98 }, 2),
            ));
        }
        let m = model(&facts, &[]);
        let e = m.explain("SWFT", IsoWeek::of(d(16))).unwrap();
        let sum: f64 = e.components.iter().map(|c| c.delta).sum();
        assert!(
            (sum - e.change().unwrap()).abs() < 1e-9,
            "{sum} vs {:?}",
            e.change()
        );
        assert!(e.change().unwrap() < 0.0);
        assert_eq!(e.stations[0].what, "BOM1");
        assert!(e.days[0].what.starts_with("BOM1 2026-11-1"));
        let dot = e
            .components
            .iter()
            .find(|c| c.component == "dot_pct")
            .unwrap();
        assert!(dot.delta < 0.0);
    }
}
