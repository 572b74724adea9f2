//! Unusual days (`domain.md`, "Patterns"): a partner's station-days far from its own
//! trailing days.

use crate::shared::model::{MemoKey, Model};
use chrono::{Duration, NaiveDate};
use dspdesk_core::health::robust_z;
use dspdesk_core::{Counts, IsoWeek};
use serde::Serialize;
use std::sync::Arc;

/// Packages a partner-station day needs before its ratios are judged unusual.
pub const MIN_DISPATCHED_UNUSUAL: i64 = 20;

impl Model {
    /// Partner × station days in `from..=to` whose `dot_pct` or `dcr_pct` is far from
    /// the partner's own trailing days (a robust z-score: `0.6745 (x - median) / MAD`
    /// over the partner's station-days in the window before the day).
    pub fn unusual_days(&self, from: NaiveDate, to: NaiveDate) -> Arc<Vec<UnusualDay>> {
        self.memo(MemoKey::Unusual(from, to), || self.unusual_now(from, to))
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
                                median: dspdesk_core::health::median(&history).unwrap_or(x),
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
