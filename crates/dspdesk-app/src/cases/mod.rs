//! Cases opened from the data: after every load and configuration change, the lake and
//! the facts are read for lost packages, COD not remitted, ageing packages and late
//! deliveries, and the stored cases are brought in line (`metrics.md`, "Cases opened
//! from the data"). Evaluating twice opens nothing new.

use crate::followups::{self, Notify};
use crate::shared::error::AppError;
use crate::shared::model::Model;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use dspdesk_core::cases::{
    self, CaseRules, Change, CodSeries, Detected, StationRows, Stored, reconcile,
};
use dspdesk_core::followups::{Kind, Priority, State};
use dspdesk_store::{Edit, FollowupRow, NewFollowup, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// How the audit log names the detection.
pub const SYSTEM: &str = "system:cases";

/// What one evaluation did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct CaseSync {
    pub opened: u64,
    pub updated: u64,
    pub resolved: u64,
    pub withdrawn: u64,
    /// Cases the data shows now, opened before or now.
    pub shown: u64,
}

/// Reads the lake and the facts and opens, updates, resolves or withdraws the cases of
/// every station with data, as of `now`.
pub async fn detect(ws: &Workspace, now: DateTime<Utc>) -> Result<CaseSync, AppError> {
    let model = Model::load(ws).await?;
    let rules = model.configs.latest().1.cases.clone();
    let as_of = station_last_dates(ws).await?;
    let mut detected = station_cases(ws, &as_of, &rules).await?;
    detected.extend(cod_cases(&model, &as_of));
    let stations: Vec<String> = as_of.keys().cloned().collect();
    let stored_rows = ws.store.data_followups(&stations).await?;
    let stored: Vec<Stored> = stored_rows
        .iter()
        .map(|r| Stored {
            id: r.id,
            key: r.key.clone().unwrap_or_default(),
            kind: r.kind,
            partner: r.partner.clone(),
            station: r.station.clone(),
            open: r.state.is_open(),
            outcome: r.outcome.clone(),
        })
        .collect();
    let by_id: BTreeMap<i64, &FollowupRow> = stored_rows.iter().map(|r| (r.id, r)).collect();
    let notify = Notify::load(ws).await?;
    let mut sync = CaseSync {
        shown: detected.len() as u64,
        ..Default::default()
    };
    for change in reconcile(&stored, &detected) {
        match apply(
            ws,
            &notify,
            &by_id,
            &detected,
            change.clone(),
            now,
            &mut sync,
        )
        .await
        {
            Ok(()) => {}
            // Someone changed the case meanwhile: the next evaluation sees it as it is.
            Err(AppError::Store(dspdesk_store::StoreError::NotFound(_))) => {
                tracing::warn!(
                    ?change,
                    "a case changed during detection; left for the next evaluation"
                );
            }
            Err(e) => return Err(e),
        }
    }
    Ok(sync)
}

async fn apply(
    ws: &Workspace,
    notify: &Notify,
    by_id: &BTreeMap<i64, &FollowupRow>,
    detected: &[Detected],
    change: Change,
    now: DateTime<Utc>,
    sync: &mut CaseSync,
) -> Result<(), AppError> {
    match change {
        Change::Open(i) => {
            let d = &detected[i];
            if open_case(ws, notify, d, now).await?.is_some() {
                sync.opened += 1;
                sync.resolved += u64::from(d.resolved_on.is_some());
            }
        }
        Change::Reopen { id, detected: i } => {
            reopen_by_data(ws, by_id[&id], &detected[i], now).await?;
            sync.opened += 1;
        }
        Change::Update { id, detected: i } => {
            let (row, d) = (by_id[&id], &detected[i]);
            let lines = (d.lines.len() + d.more_lines) as i64;
            let stored_lines = row.lines_more + ws.store.followup_lines(id).await?.len() as i64;
            if row.amount_minor != d.amount_minor || lines != stored_lines {
                data_update(ws, row, d, now).await?;
                sync.updated += 1;
            }
        }
        Change::Resolve {
            id,
            note,
            detected: i,
        } => {
            let row = by_id[&id];
            if let Some(i) = i {
                data_update(ws, row, &detected[i], now).await?;
            }
            close_by_data(
                ws,
                id,
                row.state,
                State::Resolved,
                "resolved_by_data",
                &note,
                now,
            )
            .await?;
            sync.resolved += 1;
        }
        Change::Withdraw { id, note } => {
            let row = by_id[&id];
            close_by_data(ws, id, row.state, State::Closed, "withdrawn", &note, now).await?;
            sync.withdrawn += 1;
        }
    }
    Ok(())
}

async fn open_case(
    ws: &Workspace,
    notify: &Notify,
    d: &Detected,
    now: DateTime<Utc>,
) -> Result<Option<i64>, AppError> {
    let owner = notify.coaches_of(&d.partner).first().cloned();
    let closed = d.resolved_on.map(|day| {
        (
            State::Resolved,
            "resolved_by_data".to_owned(),
            cases::resolved_note(d.kind, day),
        )
    });
    let new = NewFollowup {
        kind: d.kind,
        key: Some(d.key()),
        partner: d.partner.clone(),
        station: d.station.clone(),
        subject: d.subject.clone(),
        title: d.title(),
        body: d.summary.clone(),
        owner: owner.clone(),
        priority: Priority::Normal,
        amount_minor: d.amount_minor,
        data_date: Some(d.opened_on),
        as_of: Some(d.as_of),
        opened_by: SYSTEM.into(),
        opened_at: now,
        clock: followups::sla_of(ws, d.kind).await?.clock(now),
        lines: d.lines.clone(),
        lines_more: d.more_lines as i64,
        watchers: Vec::new(),
        closed: closed.clone(),
    };
    if closed.is_some() {
        // Nothing to do about it any more: stored for the record, nobody is told.
        return Ok(ws.store.open_followup(&new, &[]).await?);
    }
    let mut to: Vec<String> = owner.into_iter().collect();
    to.extend(notify.partner_users(&d.partner));
    let message = format!(
        "{} {} at {}: {}",
        d.kind.label(),
        d.partner,
        d.station,
        d.summary
    );
    let notes = notify.build(
        &to,
        "opened",
        &message,
        None,
        followups::About {
            partner: &d.partner,
            station: &d.station,
            kind: d.kind,
        },
    );
    Ok(ws.store.open_followup(&new, &notes).await?)
}

async fn data_update(
    ws: &Workspace,
    row: &FollowupRow,
    d: &Detected,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let fmt = |a: Option<i64>| {
        a.map(dspdesk_core::format_minor)
            .unwrap_or_else(|| "-".into())
    };
    let mut e = Edit::new(
        SYSTEM,
        now,
        "data",
        format!(
            "as of {}: amount {} -> {}; {}",
            d.as_of,
            fmt(row.amount_minor),
            fmt(d.amount_minor),
            d.summary
        ),
    );
    e.set = data_columns(row, d);
    e.lines = Some((d.lines.clone(), d.more_lines as i64));
    Ok(ws.store.edit_followup(row.id, &e).await?)
}

/// What the data sets on a case: its amount (what was recovered never above it), key,
/// dates, summary and lines.
fn data_columns(row: &FollowupRow, d: &Detected) -> Vec<(&'static str, Value)> {
    let mut set = vec![
        ("amount_minor", Value::Int(d.amount_minor)),
        ("key", Value::Text(Some(d.key()))),
        ("data_date", Value::Date(Some(d.opened_on))),
        ("as_of", Value::Date(Some(d.as_of))),
        ("body", Value::Text(Some(d.summary.clone()))),
        ("lines_more", Value::Int(Some(d.more_lines as i64))),
    ];
    if let Some(a) = d.amount_minor
        && row.recovered_minor > a.max(0)
    {
        set.push(("recovered_minor", Value::Int(Some(a.max(0)))));
    }
    set
}

/// A case the data had closed by itself and now shows again: open, a new clock.
async fn reopen_by_data(
    ws: &Workspace,
    row: &FollowupRow,
    d: &Detected,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let clock = followups::sla_of(ws, row.kind).await?.clock(now);
    let mut e = Edit::new(
        SYSTEM,
        now,
        "state",
        format!(
            "{} -> open: the data as loaded now shows it again; {}",
            row.state, d.summary
        ),
    );
    e.set = data_columns(row, d);
    e.set.extend([
        ("state", Value::Text(Some(State::Open.as_str().into()))),
        ("outcome", Value::Text(Some(String::new()))),
        ("resolved_at", Value::Time(None)),
        ("clock_from", Value::Time(Some(now))),
        ("respond_by", Value::Time(Some(clock.respond_by))),
        ("resolve_by", Value::Time(Some(clock.resolve_by))),
        ("escalation", Value::Int(Some(0))),
    ]);
    e.expect_state = Some(row.state);
    e.lines = Some((d.lines.clone(), d.more_lines as i64));
    e.comment = Some((
        SYSTEM.into(),
        "system".into(),
        "reopened: the data as loaded now shows it again".into(),
    ));
    Ok(ws.store.edit_followup(row.id, &e).await?)
}

async fn close_by_data(
    ws: &Workspace,
    id: i64,
    from: State,
    to: State,
    outcome: &str,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut e = Edit::new(
        SYSTEM,
        now,
        "state",
        format!("{from} -> {to} ({outcome}): {note}"),
    );
    e.set = vec![
        ("state", Value::Text(Some(to.as_str().into()))),
        ("outcome", Value::Text(Some(outcome.into()))),
        ("resolved_at", Value::Time(Some(now))),
    ];
    e.expect_state = Some(from);
    e.comment = Some((SYSTEM.into(), "system".into(), note.to_owned()));
    Ok(ws.store.edit_followup(id, &e).await?)
}

/// The last date with deliveries or routes at each station.
async fn station_last_dates(ws: &Workspace) -> Result<BTreeMap<String, NaiveDate>, AppError> {
    let mut out: BTreeMap<String, NaiveDate> = BTreeMap::new();
    for kind in ["deliveries", "routes"] {
        for (station, date) in ws.store.current_files(kind).await?.into_keys() {
            let e = out.entry(station).or_insert(date);
            *e = (*e).max(date);
        }
    }
    Ok(out)
}

/// `nl`, `slp` and `ageing` of every station, read from its deliveries files.
async fn station_cases(
    ws: &Workspace,
    as_of: &BTreeMap<String, NaiveDate>,
    rules: &CaseRules,
) -> Result<Vec<Detected>, AppError> {
    let mut files: BTreeMap<String, Vec<(NaiveDate, PathBuf)>> = BTreeMap::new();
    for ((station, date), path) in ws.store.current_files("deliveries").await? {
        files
            .entry(station)
            .or_default()
            .push((date, ws.lake.absolute(&path)));
    }
    let as_of = as_of.clone();
    let late_after = Duration::hours(rules.slp_late_hours);
    let ageing_days = rules.ageing_days;
    let scanned = tokio::task::spawn_blocking(move || {
        use rayon::prelude::*;
        files
            .into_par_iter()
            .map(|(station, files)| {
                let last = as_of.get(&station).copied();
                dspdesk_lake::packages::station_rows(
                    &station,
                    &files,
                    last,
                    late_after,
                    ageing_days,
                )
            })
            .collect::<Result<Vec<StationRows>, _>>()
    })
    .await
    .map_err(|e| AppError::Internal(format!("the case detection stopped: {e}")))??;
    let mut out = Vec::new();
    for rows in &scanned {
        out.extend(cases::nl_cases(rows, rules));
        out.extend(cases::slp_cases(rows, rules));
        out.extend(cases::ageing_cases(rows, rules));
    }
    Ok(out)
}

/// `cod` of every partner at every station, from the facts and the deposits.
fn cod_cases(model: &Model, as_of: &BTreeMap<String, NaiveDate>) -> Vec<Detected> {
    let mut out = Vec::new();
    for pair in &model.pairs {
        let (Some(first), Some(last)) = (pair.first_day(), as_of.get(&pair.station)) else {
            continue;
        };
        if first > *last {
            continue;
        }
        let days = (*last - first).num_days() as usize + 1;
        let series = CodSeries {
            partner: pair.partner.clone(),
            station: pair.station.clone(),
            first,
            as_of: *last,
            shortfall: (0..days)
                .map(|i| pair.shortfall(first + Duration::days(i as i64)))
                .collect(),
        };
        out.extend(cases::cod_cases(&series));
    }
    out
}

/// The kinds the data opens.
pub fn data_kinds() -> [Kind; 4] {
    [Kind::Nl, Kind::Cod, Kind::Ageing, Kind::Slp]
}

/// What following the data did after a load or a configuration change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Refreshed {
    pub flags: dspdesk_store::FlagSync,
    pub cases: CaseSync,
}

/// Recomputes the flags and evaluates the cases: what every load and configuration
/// change runs.
pub async fn refresh(ws: &Workspace, now: DateTime<Utc>) -> Result<Refreshed, AppError> {
    let flags = crate::flags::refresh_flags(ws).await?;
    let cases = detect(ws, now).await?;
    Ok(Refreshed { flags, cases })
}
