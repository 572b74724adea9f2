//! The network health score (`metrics.md`, "Network health score"): every partner's
//! weekly score with tiers, rank and the bottom share, the defaulting and
//! consistently-bottom lists, and the why of a score's change.

mod explain;
mod ranking;
mod rescore;
#[cfg(test)]
mod tests;

pub use explain::{ComponentChange, Effect, Explanation};
pub use ranking::{
    COMPARISON_COLUMNS, Choices, Ranking, RankingFilter, Scorecard, bottom_table, choices,
    defaulting_table, ranking, ranking_filtered, scorecard, scores_table, unusual_table,
};
pub use rescore::{ScoreReport, runs, score_week};

use crate::shared::model::{Inputs, MemoKey, Model};
use chrono::{Duration, NaiveDate};
use dspdesk_core::compliance::Standing;
use dspdesk_core::health::{ScoreConfig, Tier};
use dspdesk_core::{Counts, IsoWeek};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

impl Model {
    /// Every partner's (and partner × station's) score for a week, with rank and the
    /// bottom share, under the version the week is held to.
    pub fn week(&self, week: IsoWeek) -> Arc<WeekScores> {
        self.memo(MemoKey::Week(week), || {
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
            // Documents are the partner's: the same at each of its stations.
            let compliance = self.compliance.on(partner, week.sunday());
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
                            &compliance,
                        ));
                    }
                }
            }
            if any {
                partners.push(ScoreRow::new(
                    partner,
                    None,
                    week,
                    version,
                    cfg,
                    total,
                    &compliance,
                ));
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
        self.memo(MemoKey::Defaulting(as_of), || self.defaulting_now(as_of))
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
        self.memo(MemoKey::Bottom(week), || self.bottom_now(week))
    }

    fn bottom_now(&self, week: IsoWeek) -> Vec<Bottom> {
        let cfg = self.configs.for_week(week).1.bottom;
        let mut weeks: Vec<IsoWeek> = Vec::new();
        // An incomplete week (data short of its Sunday) never feeds the list: count back
        // from the last complete one.
        let mut w = match self.last {
            Some(last) if week.sunday() > last => IsoWeek::of(week.monday() - Duration::days(1)),
            _ => week,
        };
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
    /// Rounded to one decimal, half away from zero: what is tiered, ranked and shown.
    pub score: Option<f64>,
    /// The score before rounding, to which the contributions add up (explanations).
    #[serde(skip)]
    pub exact: Option<f64>,
    pub tier: Option<Tier>,
    /// 1 is the best; ties share a rank.
    pub rank: Option<usize>,
    /// How many were ranked.
    pub ranked: usize,
    /// In the bottom share of the week's scores.
    pub bottom: bool,
    /// The mandatory documents and guarantees lapsed at the week's end (they cap the
    /// tier).
    pub lapsed: Vec<String>,
}

impl ScoreRow {
    fn new(
        partner: &str,
        station: Option<&str>,
        week: IsoWeek,
        version: i64,
        cfg: &ScoreConfig,
        inputs: Inputs,
        compliance: &Standing,
    ) -> ScoreRow {
        let values = values_of(&inputs, compliance);
        let exact = cfg.score(&values);
        let score = exact.map(dspdesk_core::health::round_score);
        let cap = compliance.is_lapsed().then_some(cfg.lapsed_mandatory_cap);
        ScoreRow {
            partner: partner.to_owned(),
            station: station.map(str::to_owned),
            week,
            config_version: version,
            goal_p90_met_pct: inputs.goal_p90_met_pct(),
            contributions: cfg.contributions(&values),
            tier: score.map(|s| cfg.tiers.tier(s, cap)),
            lapsed: compliance.lapsed.clone(),
            score,
            exact,
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

/// The component values of some inputs with the partner's compliance.
pub(crate) fn values_of(inputs: &Inputs, compliance: &Standing) -> BTreeMap<String, Option<f64>> {
    let mut values = inputs.values();
    values.insert("compliance_pct".into(), compliance.compliance_pct);
    values
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
