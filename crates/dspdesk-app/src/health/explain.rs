//! Why a partner's score changed from the week before.

use super::{ScoreRow, values_of};
use crate::shared::model::{Inputs, Model, PairWeek};
use chrono::Duration;
use dspdesk_core::IsoWeek;
use dspdesk_core::health::{ScoreComponent, ScoreConfig, Tier};
use serde::Serialize;
use std::collections::BTreeSet;

impl Model {
    /// Why a partner's score changed from the week before: each component's
    /// contribution to the change, the stations that moved it most (the score had the
    /// station stayed as it was the week before) and the days (the score without the
    /// day). Only the stations `at` keeps count, so a station manager's explanation
    /// is made of its own stations' numbers alone.
    pub fn explain(
        &self,
        partner: &str,
        week: IsoWeek,
        at: &dyn Fn(&str) -> bool,
    ) -> Option<Explanation> {
        let prev_week = IsoWeek::of(week.monday() - Duration::days(1));
        let (version, cfg) = self.configs.for_week(week);
        let (prev_version, prev_cfg) = self.configs.for_week(prev_week);
        let weeks = |w: IsoWeek, c: &ScoreConfig| self.pair_weeks(partner, w, c, at);
        let (this, prev) = (weeks(week, cfg)?, weeks(prev_week, prev_cfg)?);
        let now = sum(&this);
        let (c_now, c_prev) = (
            self.compliance.on(partner, week.sunday()),
            self.compliance.on(partner, prev_week.sunday()),
        );
        let now_row = ScoreRow::new(partner, None, week, version, cfg, now, &c_now);
        let before_row = ScoreRow::new(
            partner,
            None,
            prev_week,
            prev_version,
            prev_cfg,
            sum(&prev),
            &c_prev,
        );
        // Effects and changes are of the exact scores, so that they add up.
        let score_of = |i: Inputs| Some(now_row.exact? - cfg.score(&values_of(&i, &c_now))?);
        Some(Explanation {
            partner: partner.to_owned(),
            week,
            previous_week: prev_week,
            score_now: now_row.score,
            score_before: before_row.score,
            exact_now: now_row.exact,
            exact_before: before_row.exact,
            tier_now: now_row.tier,
            tier_before: before_row.tier,
            components: component_changes(&now_row, &before_row, cfg, prev_cfg),
            stations: station_effects(&this, &prev, now, &score_of),
            days: day_effects(&this, now, &score_of),
        })
    }

    /// The partner's score over the stations `at` keeps, unranked: what a station
    /// manager sees in place of the network-wide row.
    pub fn score_within(
        &self,
        partner: &str,
        week: IsoWeek,
        at: &dyn Fn(&str) -> bool,
    ) -> Option<ScoreRow> {
        let (version, cfg) = self.configs.for_week(week);
        let pairs = self.pair_weeks(partner, week, cfg, at)?;
        if pairs.is_empty() {
            return None;
        }
        Some(ScoreRow::new(
            partner,
            None,
            week,
            version,
            cfg,
            sum(&pairs),
            &self.compliance.on(partner, week.sunday()),
        ))
    }

    /// The partner's weeks at each station `at` keeps.
    fn pair_weeks(
        &self,
        partner: &str,
        week: IsoWeek,
        cfg: &ScoreConfig,
        at: &dyn Fn(&str) -> bool,
    ) -> Option<Vec<PairWeek>> {
        let idx = self.by_partner.get(partner)?;
        Some(
            idx.iter()
                .filter(|&&i| at(&self.pairs[i].station))
                .filter_map(|&i| self.pair_week(&self.pairs[i], week, cfg))
                .collect(),
        )
    }
}

fn sum(v: &[PairWeek]) -> Inputs {
    let mut t = Inputs::default();
    for p in v {
        t += p.total;
    }
    t
}

/// Each component's points now and before, for the components either week scores.
fn component_changes(
    now: &ScoreRow,
    before: &ScoreRow,
    cfg: &ScoreConfig,
    prev_cfg: &ScoreConfig,
) -> Vec<ComponentChange> {
    ScoreComponent::ALL
        .into_iter()
        .filter(|c| cfg.component(c.as_str()).is_some() || prev_cfg.component(c.as_str()).is_some())
        .map(|component| {
            let name = component.as_str();
            let contribution_now = now.contributions.get(name).copied();
            let contribution_before = before.contributions.get(name).copied();
            ComponentChange {
                delta: contribution_now.unwrap_or(0.0) - contribution_before.unwrap_or(0.0),
                component,
                value_now: now.value(name),
                value_before: before.value(name),
                contribution_now,
                contribution_before,
            }
        })
        .collect()
}

/// This week's score minus the score had each station stayed as it was the week
/// before; the largest effect first. `effect_of` gives the score minus the score of
/// other inputs.
fn station_effects(
    this: &[PairWeek],
    prev: &[PairWeek],
    now: Inputs,
    effect_of: &dyn Fn(Inputs) -> Option<f64>,
) -> Vec<Effect> {
    let mut names: BTreeSet<&String> = this.iter().map(|p| &p.station).collect();
    names.extend(prev.iter().map(|p| &p.station));
    let mut stations: Vec<Effect> = names
        .into_iter()
        .filter_map(|s| {
            let here = this.iter().find(|p| &p.station == s);
            let mut counterfactual = now;
            if let Some(p) = here {
                counterfactual -= p.total;
            }
            if let Some(p) = prev.iter().find(|p| &p.station == s) {
                counterfactual += p.total;
            }
            Some(Effect {
                what: s.clone(),
                effect: effect_of(counterfactual)?,
                dot_pct: here.and_then(|p| p.total.counts.dot_pct()),
                dispatched: here.map_or(0, |p| p.total.counts.dispatched),
            })
        })
        .collect();
    stations.sort_by(|a, b| b.effect.abs().total_cmp(&a.effect.abs()));
    stations
}

/// This week's score minus the score without each day; the five most harmful first.
fn day_effects(
    this: &[PairWeek],
    now: Inputs,
    effect_of: &dyn Fn(Inputs) -> Option<f64>,
) -> Vec<Effect> {
    let mut days: Vec<Effect> = this
        .iter()
        .flat_map(|p| p.days.iter().map(move |(d, i)| (p, d, i)))
        .filter_map(|(p, d, i)| {
            let mut without = now;
            without -= *i;
            Some(Effect {
                what: format!("{} {d}", p.station),
                effect: effect_of(without)?,
                dot_pct: i.counts.dot_pct(),
                dispatched: i.counts.dispatched,
            })
        })
        .collect();
    days.sort_by(|a, b| a.effect.total_cmp(&b.effect));
    days.truncate(5);
    days
}

#[derive(Debug, Clone, Serialize)]
pub struct ComponentChange {
    pub component: ScoreComponent,
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
    /// The scores as ranked and shown (one decimal).
    pub score_now: Option<f64>,
    pub score_before: Option<f64>,
    /// The scores before rounding: the components' changes add up to their difference.
    pub exact_now: Option<f64>,
    pub exact_before: Option<f64>,
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
    /// The change of the scores as shown.
    pub fn change(&self) -> Option<f64> {
        Some(self.score_now? - self.score_before?)
    }

    /// The change before rounding: the sum of the components' changes.
    pub fn exact_change(&self) -> Option<f64> {
        Some(self.exact_now? - self.exact_before?)
    }
}
