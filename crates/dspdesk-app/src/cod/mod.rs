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
