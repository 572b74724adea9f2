//! The COD ledger (`metrics.md`, "COD"): due, remitted and the shortfall per partner,
//! station and day, and what is overdue.

use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::model::Model;
use crate::shared::workspace::Workspace;
use chrono::{Duration, NaiveDate};
use dspdesk_core::IsoWeek;
use dspdesk_core::table::{Cell, Table};
use serde::Serialize;

impl Model {
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

    /// A partner's COD shortfall at a station on a day (0 where it has none).
    pub fn shortfall_of(&self, partner: &str, station: &str, d: NaiveDate) -> i64 {
        self.by_partner
            .get(partner)
            .into_iter()
            .flatten()
            .map(|&i| &self.pairs[i])
            .filter(|p| p.station == station)
            .map(|p| p.shortfall(d))
            .sum()
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

/// The COD ledger, one row per partner × station × day.
pub fn cod_table(lines: &[CodLine]) -> Table {
    Table {
        columns: vec![
            "date",
            "partner",
            "station",
            "cod_due",
            "remitted",
            "shortfall",
            "overdue",
        ],
        rows: lines
            .iter()
            .map(|l| {
                vec![
                    Cell::text(l.date.to_string()),
                    Cell::text(&l.partner),
                    Cell::text(&l.station),
                    Cell::minor(l.cod_due_minor),
                    Cell::minor(l.remitted_minor),
                    Cell::minor(l.shortfall_minor),
                    Cell::Bool(l.overdue),
                ]
            })
            .collect(),
    }
}

/// The week's ledger by partner × station (see [`by_pair`]), with each overdue run's
/// true start: a run that began before the week is read back past its Monday.
pub async fn pairs_week(
    ws: &Workspace,
    actor: &Actor,
    week: Option<IsoWeek>,
) -> Result<(Option<IsoWeek>, Vec<CodLine>, Vec<PairLedger>), AppError> {
    let (week, lines) = ledger_week(ws, actor, week).await?;
    let mut pairs = by_pair(&lines);
    let model = Model::load(ws).await?;
    if let (Some(w), Some(last)) = (week, model.last) {
        true_starts(&model, last.min(w.sunday()), &mut pairs);
    }
    Ok((week, lines, pairs))
}

/// Each overdue line's "overdue since" read back to its run's true start as of `day`
/// (the lines may begin mid-run, on a Monday).
pub(crate) fn true_starts(model: &Model, day: NaiveDate, pairs: &mut [PairLedger]) {
    let since: std::collections::HashMap<(String, String), NaiveDate> = model
        .cod_overdue(day)
        .into_iter()
        .map(|(p, s, _, since)| ((p, s), since))
        .collect();
    for p in pairs {
        if p.overdue_since.is_some()
            && let Some(d) = since.get(&(p.partner.clone(), p.station.clone()))
        {
            p.overdue_since = Some(*d);
        }
    }
}

/// The week's ledger lines the caller may see (default week: the last complete one).
pub async fn ledger_week(
    ws: &Workspace,
    actor: &Actor,
    week: Option<IsoWeek>,
) -> Result<(Option<IsoWeek>, Vec<CodLine>), AppError> {
    let model = Model::load(ws).await?;
    let week = week.or_else(|| model.last_complete_week());
    let lines = week
        .map(|w| model.cod_ledger(w.monday(), w.sunday()))
        .unwrap_or_default()
        .into_iter()
        .filter(|l| actor.scope.allows(&l.partner, &l.station))
        .collect();
    Ok((week, lines))
}

/// What the partners the caller may see owe, day by day, over the `weeks` weeks ending
/// with `week`: (day, owed, of which overdue), in minor units; a pair paid ahead
/// offsets nothing (only positive shortfalls are summed).
pub async fn owed_by_day(
    ws: &Workspace,
    actor: &Actor,
    week: IsoWeek,
    weeks: u32,
) -> Result<Vec<(NaiveDate, i64, i64)>, AppError> {
    let model = Model::load(ws).await?;
    let from = week.monday() - Duration::weeks(i64::from(weeks.max(1)) - 1);
    let to = match model.last {
        Some(last) => last.min(week.sunday()),
        None => return Ok(Vec::new()),
    };
    let mut by: std::collections::BTreeMap<NaiveDate, (i64, i64)> = Default::default();
    for l in model.cod_ledger(from, to) {
        if !actor.scope.allows(&l.partner, &l.station) {
            continue;
        }
        let e = by.entry(l.date).or_default();
        if l.shortfall_minor > 0 {
            e.0 += l.shortfall_minor;
            if l.overdue {
                e.1 += l.shortfall_minor;
            }
        }
    }
    Ok(by.into_iter().map(|(d, (a, b))| (d, a, b)).collect())
}

/// A partner × station's ledger over the lines given: the week's due and remitted,
/// what it owes at the end and since when it has been overdue, and its days.
#[derive(Debug, Clone, Serialize)]
pub struct PairLedger {
    pub partner: String,
    pub station: String,
    pub cod_due_minor: i64,
    pub remitted_minor: i64,
    /// The shortfall on the last day of the lines (negative: paid ahead).
    pub owed_minor: i64,
    /// The first day of the overdue run that reaches the last day, if any.
    pub overdue_since: Option<NaiveDate>,
    pub overdue_days: usize,
    /// Oldest first.
    pub days: Vec<CodLine>,
}

/// The ledger one row per partner × station, what needs chasing first: overdue, then
/// the largest amount owed.
pub fn by_pair(lines: &[CodLine]) -> Vec<PairLedger> {
    let mut map: std::collections::BTreeMap<(&str, &str), Vec<&CodLine>> = Default::default();
    for l in lines {
        map.entry((&l.partner, &l.station)).or_default().push(l);
    }
    let mut out: Vec<PairLedger> = map
        .into_iter()
        .map(|((partner, station), mut days)| {
            days.sort_by_key(|l| l.date);
            let run: Vec<&&CodLine> = days.iter().rev().take_while(|l| l.overdue).collect();
            PairLedger {
                partner: partner.to_owned(),
                station: station.to_owned(),
                cod_due_minor: days.iter().map(|l| l.cod_due_minor).sum(),
                remitted_minor: days.iter().map(|l| l.remitted_minor).sum(),
                owed_minor: days.last().map_or(0, |l| l.shortfall_minor),
                // The run's first overdue day was the second day of the shortfall.
                overdue_since: run.last().map(|l| l.date - Duration::days(1)),
                overdue_days: days.iter().filter(|l| l.overdue).count(),
                days: days.into_iter().cloned().collect(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.overdue_since
            .is_some()
            .cmp(&a.overdue_since.is_some())
            .then(b.owed_minor.cmp(&a.owed_minor))
            .then_with(|| (&a.partner, &a.station).cmp(&(&b.partner, &b.station)))
    });
    out
}

/// The ledger by partner × station as a table.
pub fn pair_table(pairs: &[PairLedger]) -> Table {
    Table {
        columns: vec![
            "partner",
            "station",
            "cod_due",
            "remitted",
            "owed",
            "overdue_since",
            "overdue_days",
        ],
        rows: pairs
            .iter()
            .map(|p| {
                vec![
                    Cell::text(&p.partner),
                    Cell::text(&p.station),
                    Cell::minor(p.cod_due_minor),
                    Cell::minor(p.remitted_minor),
                    Cell::minor(p.owed_minor),
                    Cell::text(p.overdue_since.map(|d| d.to_string()).unwrap_or_default()),
                    Cell::Int(p.overdue_days as i64),
                ]
            })
            .collect(),
    }
}

#[cfg(test)]
mod pair_tests {
    use super::*;

    fn line(p: &str, s: &str, day: u32, short: i64, overdue: bool) -> CodLine {
        CodLine {
            partner: p.into(),
            station: s.into(),
            date: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
            cod_due_minor: 100,
            remitted_minor: 50,
            shortfall_minor: short,
            overdue,
        }
    }

    #[test]
    fn one_row_per_pair_overdue_first_with_the_run_start() {
        let lines = vec![
            line("A", "S1", 16, 0, false),
            line("A", "S1", 17, 500, false),
            line("A", "S1", 18, 700, true),
            line("A", "S1", 19, 900, true),
            line("B", "S1", 16, 5_000, false),
            line("C", "S2", 16, 100, false),
            line("C", "S2", 17, 0, false),
        ];
        let pairs = by_pair(&lines);
        assert_eq!(pairs.len(), 3);
        assert_eq!((pairs[0].partner.as_str(), pairs[0].owed_minor), ("A", 900));
        assert_eq!(
            pairs[0].overdue_since,
            NaiveDate::from_ymd_opt(2026, 11, 17),
            "positive since the 17th, overdue from the 18th"
        );
        assert_eq!(pairs[0].overdue_days, 2);
        assert_eq!(
            (pairs[0].cod_due_minor, pairs[0].remitted_minor),
            (400, 200)
        );
        assert_eq!(pairs[0].days.len(), 4);
        assert_eq!(pairs[1].partner, "B", "then the largest owed");
        assert_eq!((pairs[2].partner.as_str(), pairs[2].owed_minor), ("C", 0));
        assert_eq!(pair_table(&pairs).rows.len(), 3);
    }
}
