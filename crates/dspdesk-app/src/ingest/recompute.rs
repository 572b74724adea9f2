//! Daily facts from the lake: for the station-days an ingest touched, or for all.

use crate::shared::error::AppError;
use crate::shared::workspace::Workspace;
use chrono::NaiveDate;
use dspdesk_lake::{IngestError, Kind, Lake, engine};
use dspdesk_store::{BlockRow, DayRows, FactRow, RemitRow, SupervisorRow, VasRow};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

type Files = HashMap<(String, NaiveDate), String>;

/// Computes the facts, route blocks, VAS and supervisors of `days` from the given
/// current files, in parallel. The rows come in the order the tables keep them (date,
/// station, partner, …), so storing them appends.
pub fn facts_for_days(
    lake: &Lake,
    days: &[(String, NaiveDate)],
    deliveries: &Files,
    routes: &Files,
) -> Result<DayRows, IngestError> {
    let mut days: Vec<&(String, NaiveDate)> = days.iter().collect();
    days.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    let per_day: Vec<DayRows> = days
        .par_iter()
        .map(|(station, date)| {
            let key = (station.clone(), *date);
            let d = deliveries.get(&key).map(|p| lake.absolute(p));
            let r = routes.get(&key).map(|p| lake.absolute(p));
            let data = engine::station_day(d.as_deref(), r.as_deref())?;
            let facts = data
                .facts
                .into_iter()
                .map(|(partner, counts)| FactRow {
                    partner,
                    station: station.clone(),
                    date: *date,
                    counts,
                })
                .collect();
            let blocks = data
                .blocks
                .into_iter()
                .map(|b| BlockRow {
                    partner: b.partner,
                    station: station.clone(),
                    date: *date,
                    block_hours: b.block_hours,
                    mot: b.mot,
                    counts: b.counts,
                })
                .collect();
            let vas = data
                .vas
                .into_iter()
                .map(|v| VasRow {
                    partner: v.partner,
                    station: station.clone(),
                    date: *date,
                    vas: v.vas,
                    counts: v.counts,
                })
                .collect();
            let supervisors = data
                .supervisors
                .into_iter()
                .map(|s| SupervisorRow {
                    partner: s.partner,
                    station: station.clone(),
                    date: *date,
                    supervisor: s.supervisor,
                    counts: s.counts,
                })
                .collect();
            Ok(DayRows {
                facts,
                blocks,
                vas,
                supervisors,
            })
        })
        .collect::<Result<_, IngestError>>()?;
    let mut rows = DayRows::default();
    for d in per_day {
        rows.extend(d);
    }
    Ok(rows)
}

/// The deposits per partner of each remittance station-day, in parallel.
pub fn remitted_for_days(
    lake: &Lake,
    days: &[(String, NaiveDate, String)],
) -> Result<Vec<RemitRow>, IngestError> {
    let mut days: Vec<&(String, NaiveDate, String)> = days.iter().collect();
    days.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    let per_day: Vec<Vec<RemitRow>> = days
        .par_iter()
        .map(|(station, date, path)| {
            let sums = engine::remitted_per_partner(&lake.absolute(path))?;
            Ok(sums
                .into_iter()
                .map(|(partner, (amount_minor, deposits))| RemitRow {
                    partner,
                    station: station.clone(),
                    date: *date,
                    amount_minor,
                    deposits,
                })
                .collect())
        })
        .collect::<Result<_, IngestError>>()?;
    Ok(per_day.into_iter().flatten().collect())
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct RecomputeReport {
    pub station_days: u64,
    pub rows: u64,
    pub facts: u64,
    pub seconds_compute: f64,
    pub seconds_store: f64,
}

/// Recomputes every station-day's facts (within the dates, when given) from the lake
/// and replaces everything derived within those dates in one transaction.
pub async fn recompute(
    ws: &Workspace,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<RecomputeReport, AppError> {
    let files = ws.store.lake_days().await?;
    let in_range = |d: NaiveDate| from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t);
    let mut deliveries = Files::new();
    let mut routes = Files::new();
    let mut days = BTreeSet::new();
    let mut remit_days: Vec<(String, NaiveDate, String)> = Vec::new();
    let mut rows = 0u64;
    for f in files.into_iter().filter(|f| in_range(f.date)) {
        let key = (f.station.clone(), f.date);
        match Kind::parse(&f.kind) {
            Some(Kind::Deliveries) => {
                rows += f.rows as u64;
                days.insert(key.clone());
                deliveries.insert(key, f.path);
            }
            Some(Kind::Routes) => {
                days.insert(key.clone());
                routes.insert(key, f.path);
            }
            Some(Kind::Remittances) => remit_days.push((f.station, f.date, f.path)),
            None => {}
        }
    }
    let days: Vec<(String, NaiveDate)> = days.into_iter().collect();
    let station_days = days.len() as u64;
    let t = Instant::now();
    let lake = ws.lake.clone();
    let (derived, remitted) = tokio::task::spawn_blocking(move || -> Result<_, IngestError> {
        let rows = facts_for_days(&lake, &days, &deliveries, &routes)?;
        let remitted = remitted_for_days(&lake, &remit_days)?;
        Ok((rows, remitted))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))??;
    let seconds_compute = t.elapsed().as_secs_f64();
    let t = Instant::now();
    ws.store
        .replace_derived_between(from, to, &derived, &remitted)
        .await?;
    Ok(RecomputeReport {
        station_days,
        rows,
        facts: derived.facts.len() as u64,
        seconds_compute,
        seconds_store: t.elapsed().as_secs_f64(),
    })
}
