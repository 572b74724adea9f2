//! Flags: everything in the data that needs a person, recomputed after every load as
//! of the last day and the last complete week. A flag seen again keeps its first-seen
//! time; one the data no longer shows clears by itself.

use crate::profit::{ProfitLine, loss_making_blocks};
use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::model::Model;
use crate::shared::workspace::Workspace;
use chrono::NaiveDate;
use dspdesk_core::flags::FlagKind;
use dspdesk_core::health::ScoreConfig;
use dspdesk_core::table::{Cell, Table};
use dspdesk_core::{IsoWeek, Scope};
use dspdesk_store::{FlagRow, FlagSync, NewFlag};
use serde_json::json;

fn flag(kind: FlagKind, partner: &str, station: &str, subject: String) -> NewFlag {
    NewFlag {
        kind,
        partner: partner.into(),
        station: station.into(),
        subject,
        reason: String::new(),
        numbers: String::new(),
        data_date: NaiveDate::MIN,
    }
}

impl Model {
    /// Every flag the data shows now, as of the last day and the last complete week.
    pub fn flags(&self, loss_blocks: &[ProfitLine]) -> Vec<NewFlag> {
        let (Some(last), Some(week)) = (self.last, self.last_complete_week()) else {
            return Vec::new();
        };
        let cfg = self.configs.for_week(week).1;
        // Defaulting is read as of the last complete week's end, as the ranking reads
        // it: an incomplete week never feeds the list, and both show the same partners.
        let mut out = self.defaulting_flags(last.min(week.sunday()));
        out.extend(self.bottom_flags(week));
        out.extend(self.goal_flags(week, cfg));
        out.extend(self.cod_flags(last));
        out.extend(self.unusual_flags(week, cfg));
        out.extend(loss_flags(loss_blocks, week));
        out
    }

    fn defaulting_flags(&self, last: NaiveDate) -> Vec<NewFlag> {
        self.defaulting(last)
            .iter()
            .map(|d| NewFlag {
                reason: format!(
                    "DOT below {}% on {} of the last {} days with dispatches{}",
                    d.target,
                    d.days_below,
                    d.days_seen,
                    d.worst
                        .map(|(day, v)| format!("; lowest {v:.1}% on {day}"))
                        .unwrap_or_default()
                ),
                numbers: json!({
                    "days_below": d.days_below, "days_seen": d.days_seen, "target": d.target,
                    "below": d.below.iter().map(|(day, v)| json!({"date": day, "dot_pct": v})).collect::<Vec<_>>(),
                })
                .to_string(),
                data_date: last,
                ..flag(FlagKind::Defaulting, &d.partner, "", String::new())
            })
            .collect()
    }

    fn bottom_flags(&self, week: IsoWeek) -> Vec<NewFlag> {
        self.consistently_bottom(week)
            .iter()
            .map(|b| NewFlag {
                reason: format!(
                    "in the bottom {}% of the network's scores in {} of the last {} weeks",
                    b.share_pct, b.weeks_in_bottom, b.of_last
                ),
                numbers: json!({
                    "weeks": b.history.iter().map(|(w, bottom, s)| json!({"week": w, "bottom": bottom, "score": s})).collect::<Vec<_>>(),
                })
                .to_string(),
                data_date: week.sunday(),
                ..flag(FlagKind::Bottom, &b.partner, "", String::new())
            })
            .collect()
    }

    fn goal_flags(&self, week: IsoWeek, cfg: &ScoreConfig) -> Vec<NewFlag> {
        let below = cfg.goals.shortfall_below_pct;
        self.goals_week(week)
            .iter()
            .filter_map(|g| {
                let (goal, met) = (g.goal?, g.goal_p50_met_pct?);
                (met < below).then(|| NewFlag {
                    reason: format!(
                        "met its P50 goal of {:.1} routes on {met:.0}% of {} route days in {week} (below {below}%)",
                        goal.p50, g.route_days
                    ),
                    numbers: json!({
                        "goal_p50": goal.p50, "goal_source": goal.source, "goal_p50_met_pct": met,
                        "route_days": g.route_days, "shortfall_days": g.shortfall_days,
                    })
                    .to_string(),
                    data_date: week.sunday(),
                    ..flag(FlagKind::GoalShortfall, &g.partner, &g.station, week.to_string())
                })
            })
            .collect()
    }

    fn cod_flags(&self, last: NaiveDate) -> Vec<NewFlag> {
        self.cod_overdue(last)
            .into_iter()
            .map(|(partner, station, amount, since)| NewFlag {
                reason: format!(
                    "COD shortfall of {} on {last}, positive every day since {since}",
                    dspdesk_core::format_minor(amount)
                ),
                numbers: json!({
                    "shortfall": dspdesk_core::minor_to_decimal(amount).to_string(), "since": since,
                })
                .to_string(),
                data_date: last,
                ..flag(FlagKind::CodOverdue, &partner, &station, String::new())
            })
            .collect()
    }

    /// A flag for each unusually bad day: an unusually good one needs nobody.
    fn unusual_flags(&self, week: IsoWeek, cfg: &ScoreConfig) -> Vec<NewFlag> {
        self.unusual_days(week.monday(), week.sunday())
            .iter()
            .filter(|u| u.z < 0.0)
            .map(|u| NewFlag {
                reason: format!(
                    "{} {:.1}% on {}, far below its usual {:.1}% (the middle of its {} station-days in the previous {} days)",
                    dspdesk_core::metric::label(u.metric),
                    u.value,
                    u.date,
                    u.median,
                    u.history_days,
                    cfg.unusual.window_days,
                ),
                numbers: json!({
                    "metric": u.metric, "value": u.value, "median": u.median, "z": u.z, "date": u.date,
                })
                .to_string(),
                data_date: u.date,
                ..flag(
                    FlagKind::UnusualDay,
                    &u.partner,
                    &u.station,
                    format!("{} {}", u.date, u.metric),
                )
            })
            .collect()
    }
}

fn loss_flags(loss_blocks: &[ProfitLine], week: IsoWeek) -> Vec<NewFlag> {
    loss_blocks
        .iter()
        .map(|p| {
            let block = format!(
                "{}h {}",
                p.block_hours.unwrap_or_default(),
                p.mot.clone().unwrap_or_default()
            );
            NewFlag {
                reason: format!(
                    "{block} routes lost {} on {} route{} in {week} (margin {})",
                    p.profit_text().trim_start_matches('-'),
                    p.money.routes,
                    if p.money.routes == 1 { "" } else { "s" },
                    p.margin_pct
                        .map(|m| format!("{m:.1}%"))
                        .unwrap_or_else(|| "n/a".into())
                ),
                numbers: json!({
                    "routes": p.money.routes, "payout": p.payout, "cost": p.cost, "profit": p.profit,
                })
                .to_string(),
                data_date: week.sunday(),
                ..flag(
                    FlagKind::LossMakingBlock,
                    "",
                    &p.station.clone().unwrap_or_default(),
                    block.clone(),
                )
            }
        })
        .collect()
}

/// Recomputes every flag from the data and brings the flags table in line.
pub async fn refresh_flags(ws: &Workspace) -> Result<FlagSync, AppError> {
    let model = Model::load(ws).await?;
    let losses = match model.last_complete_week() {
        Some(w) => loss_making_blocks(ws, w.monday(), w.sunday()).await?,
        None => Vec::new(),
    };
    let flags = model.flags(&losses);
    Ok(ws.store.sync_flags(&flags).await?)
}

/// Which flags to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlagFilter {
    /// Cleared ones too.
    pub all: bool,
    pub kind: Option<FlagKind>,
}

/// The flags the caller may see: a partner's flags follow who may see the partner, a
/// partner-station flag the scope's rule, and a station's own flags (loss-making
/// blocks, about the network's rates) the program team and that station's managers.
pub async fn flags(
    ws: &Workspace,
    actor: &Actor,
    filter: FlagFilter,
) -> Result<Vec<FlagRow>, AppError> {
    let model = Model::load(ws).await?;
    let rows = ws.store.flags(filter.all).await?;
    Ok(rows
        .into_iter()
        .filter(|f| visible(&model, &actor.scope, f))
        .filter(|f| filter.kind.is_none_or(|k| f.kind == k))
        .collect())
}

/// One flag the caller may see, open or cleared; otherwise "not found".
pub async fn flag_by_id(ws: &Workspace, actor: &Actor, id: i64) -> Result<FlagRow, AppError> {
    let model = Model::load(ws).await?;
    ws.store
        .flags(true)
        .await?
        .into_iter()
        .find(|f| f.id == id && visible(&model, &actor.scope, f))
        .ok_or(AppError::NotFound("flag"))
}

fn visible(model: &Model, scope: &Scope, f: &FlagRow) -> bool {
    match (f.partner.is_empty(), f.station.is_empty()) {
        (false, true) => model.sees_partner(scope, &f.partner),
        (false, false) => scope.allows(&f.partner, &f.station),
        (true, _) => match scope {
            Scope::All => true,
            Scope::Stations(s) => s.contains(&f.station),
            Scope::Partners(_) => false,
        },
    }
}

/// Flags, as stored.
pub fn flags_table(rows: &[FlagRow]) -> Table {
    Table {
        columns: vec![
            "id",
            "kind",
            "partner",
            "station",
            "subject",
            "reason",
            "numbers",
            "data_date",
            "first_seen",
            "last_seen",
            "cleared_at",
        ],
        rows: rows
            .iter()
            .map(|f| {
                vec![
                    Cell::Int(f.id),
                    Cell::text(f.kind.as_str()),
                    Cell::text(&f.partner),
                    Cell::text(&f.station),
                    Cell::text(&f.subject),
                    Cell::text(&f.reason),
                    Cell::text(&f.numbers),
                    Cell::text(f.data_date.to_string()),
                    Cell::text(crate::shared::table::stamp(f.first_seen)),
                    Cell::text(crate::shared::table::stamp(f.last_seen)),
                    Cell::text(
                        f.cleared_at
                            .map(crate::shared::table::stamp)
                            .unwrap_or_default(),
                    ),
                ]
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::model::Configs;
    use dspdesk_core::Counts;
    use std::collections::BTreeMap;

    #[test]
    fn only_an_unusually_bad_day_is_flagged() {
        let d = |day: u32| NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
        let c = |on_time: i64| Counts {
            dispatched: 100,
            delivered: 100,
            on_time,
            ..Counts::default()
        };
        // Three weeks at 79 % and 81 % on time, then a day at 100 % and one at 50 %.
        let mut facts: Vec<(String, String, NaiveDate, Counts)> = (1..=21)
            .map(|day| {
                (
                    "SWFT".into(),
                    "DEL4".into(),
                    d(day),
                    c(79 + 2 * i64::from(day % 2)),
                )
            })
            .collect();
        facts.push(("SWFT".into(), "DEL4".into(), d(23), c(100)));
        facts.push(("SWFT".into(), "DEL4".into(), d(24), c(50)));
        let m = Model::build(
            facts.iter().map(|(p, s, d, c)| (p, s, *d, *c)),
            std::iter::empty(),
            Vec::new(),
            Configs::from_rows(&[], BTreeMap::new()),
        );
        let week = IsoWeek::of(d(23));
        let days = m.unusual_days(week.monday(), week.sunday());
        assert!(
            days.iter().any(|u| u.date == d(23) && u.z > 0.0),
            "{days:?}"
        );
        let flags = m.unusual_flags(week, &ScoreConfig::default());
        let dates: Vec<NaiveDate> = flags.iter().map(|f| f.data_date).collect();
        assert!(dates.contains(&d(24)), "{flags:?}");
        assert!(!dates.contains(&d(23)), "a good day is no flag: {flags:?}");
        assert!(flags.iter().all(|f| !f.reason.contains(" z ")), "{flags:?}");
    }
}
