//! Why a partner's score changed from the week before.

use super::ScoreRow;
use crate::shared::model::{Inputs, Model, PairWeek};
use chrono::Duration;
use dspdesk_core::IsoWeek;
use dspdesk_core::health::{ScoreComponent, Tier};
use serde::Serialize;
use std::collections::BTreeSet;

impl Model {
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
        let components = ScoreComponent::ALL
            .into_iter()
            .filter(|c| {
                cfg.component(c.as_str()).is_some() || prev_cfg.component(c.as_str()).is_some()
            })
            .map(|component| {
                let name = component.as_str();
                let value_now = now_row.value(name);
                let value_before = before_row.value(name);
                let contribution_now = now_row.contributions.get(name).copied();
                let contribution_before = before_row.contributions.get(name).copied();
                ComponentChange {
                    delta: contribution_now.unwrap_or(0.0) - contribution_before.unwrap_or(0.0),
                    component,
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
