//! The SLA report: per kind and owner, how often the respond and resolve deadlines were
//! met, the median hours to resolve, and the open follow-ups by age (`metrics.md`,
//! "Follow-ups: SLA and escalation"); and the outstanding NL amounts by age.

use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, Utc};
use dspdesk_core::followups::{AGE_BUCKETS, Kind, age_bucket};
use dspdesk_core::table::{Cell, Table};
use dspdesk_store::{FollowupFilter, FollowupRow};
use std::collections::BTreeMap;

/// The report's line over every owner of a kind, and its line of those without an
/// owner (no user name has parentheses).
pub const ALL: &str = "(all)";
pub const UNASSIGNED: &str = "(unassigned)";

/// One kind × owner of the SLA report.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct SlaLine {
    pub kind: String,
    pub owner: String,
    /// Follow-ups counted (withdrawn cases are not: they never happened).
    pub count: i64,
    /// Of those whose respond deadline has passed or who were answered: answered in time.
    pub respond_met_pct: Option<f64>,
    pub resolve_met_pct: Option<f64>,
    pub median_hours_to_resolve: Option<f64>,
    pub open_by_age: [i64; 5],
    /// NL only: amount minus recovered of the open cases, by age.
    pub outstanding_by_age_minor: [i64; 5],
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

fn pct(met: i64, of: i64) -> Option<f64> {
    (of > 0).then(|| 100.0 * met as f64 / of as f64)
}

/// The report over the given follow-ups at `now`, one line per kind and owner (or
/// `unassigned`), and one line per kind over every owner (owner `all`).
pub fn sla_lines(rows: &[FollowupRow], now: DateTime<Utc>) -> Vec<SlaLine> {
    let mut groups: BTreeMap<(String, String), Vec<&FollowupRow>> = BTreeMap::new();
    for f in rows.iter().filter(|f| f.outcome != "withdrawn") {
        let owner = f.owner.clone().unwrap_or_else(|| UNASSIGNED.into());
        groups
            .entry((f.kind.as_str().into(), owner))
            .or_default()
            .push(f);
        groups
            .entry((f.kind.as_str().into(), ALL.into()))
            .or_default()
            .push(f);
    }
    groups
        .into_iter()
        .map(|((kind, owner), list)| line(kind, owner, &list, now))
        .collect()
}

fn line(kind: String, owner: String, list: &[&FollowupRow], now: DateTime<Utc>) -> SlaLine {
    let (mut r_met, mut r_of, mut s_met, mut s_of) = (0, 0, 0, 0);
    let mut hours = Vec::new();
    let mut open_by_age = [0i64; 5];
    let mut outstanding = [0i64; 5];
    for f in list {
        match f.responded_at {
            Some(t) => {
                r_of += 1;
                r_met += i64::from(t <= f.respond_by);
            }
            None if f.respond_by < now => r_of += 1,
            None => {}
        }
        match f.resolved_at {
            Some(t) if !f.state.is_open() => {
                s_of += 1;
                s_met += i64::from(t <= f.resolve_by);
                hours.push((t - f.opened_at).num_seconds() as f64 / 3600.0);
            }
            _ if f.resolve_by < now => s_of += 1,
            _ => {}
        }
        if f.state.is_open() {
            let b = age_bucket(f.opened_at, now);
            open_by_age[b] += 1;
            if f.kind == Kind::Nl {
                outstanding[b] += f
                    .amount_minor
                    .unwrap_or(0)
                    .saturating_sub(f.recovered_minor);
            }
        }
    }
    SlaLine {
        kind,
        owner,
        count: list.len() as i64,
        respond_met_pct: pct(r_met, r_of),
        resolve_met_pct: pct(s_met, s_of),
        median_hours_to_resolve: median(hours),
        open_by_age,
        outstanding_by_age_minor: outstanding,
    }
}

/// The SLA report over every follow-up the caller may see.
pub async fn sla_report(
    ws: &Workspace,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<SlaLine>, AppError> {
    let mut rows = Vec::new();
    let mut offset = 0;
    loop {
        let f = FollowupFilter {
            limit: 10_000,
            offset,
            ..Default::default()
        };
        let (page, total) = ws.store.followups(&actor.scope, &f).await?;
        offset += page.len() as i64;
        let done = page.is_empty() || offset >= total;
        rows.extend(page);
        if done {
            break;
        }
    }
    Ok(sla_lines(&rows, now))
}

pub fn sla_table(lines: &[SlaLine]) -> Table {
    let mut columns = vec![
        "kind",
        "owner",
        "count",
        "respond_met_pct",
        "resolve_met_pct",
        "median_hours_to_resolve",
    ];
    let open: Vec<&'static str> = [
        "open_0_7",
        "open_8_15",
        "open_16_30",
        "open_31_60",
        "open_61_plus",
    ]
    .to_vec();
    let nl: Vec<&'static str> = [
        "nl_outstanding_0_7",
        "nl_outstanding_8_15",
        "nl_outstanding_16_30",
        "nl_outstanding_31_60",
        "nl_outstanding_61_plus",
    ]
    .to_vec();
    debug_assert_eq!(open.len(), AGE_BUCKETS.len());
    columns.extend(open);
    columns.extend(nl);
    Table {
        columns,
        rows: lines
            .iter()
            .map(|l| {
                let mut row = vec![
                    Cell::text(&l.kind),
                    Cell::text(&l.owner),
                    Cell::Int(l.count),
                    Cell::Num(l.respond_met_pct),
                    Cell::Num(l.resolve_met_pct),
                    Cell::Num(l.median_hours_to_resolve),
                ];
                row.extend(l.open_by_age.iter().map(|n| Cell::Int(*n)));
                row.extend(l.outstanding_by_age_minor.iter().map(|n| Cell::minor(*n)));
                row
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use dspdesk_core::followups::{Priority, State};

    fn row(
        id: i64,
        opened_h: i64,
        state: State,
        responded_h: Option<i64>,
        resolved_h: Option<i64>,
    ) -> FollowupRow {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        let at = |h: i64| t0 + Duration::hours(h);
        let opened = at(opened_h);
        FollowupRow {
            id,
            kind: Kind::Cod,
            key: None,
            partner: "SWFT".into(),
            station: "DEL4".into(),
            subject: String::new(),
            title: String::new(),
            body: String::new(),
            owner: Some("coach".into()),
            state,
            outcome: String::new(),
            priority: Priority::Normal,
            amount_minor: Some(100),
            recovered_minor: 0,
            data_date: None,
            as_of: None,
            lines_more: 0,
            opened_by: String::new(),
            opened_at: opened,
            clock_from: opened,
            respond_by: opened + Duration::hours(24),
            resolve_by: opened + Duration::hours(72),
            responded_at: responded_h.map(at),
            resolved_at: resolved_h.map(at),
            escalation: 0,
            updated_at: opened,
        }
    }

    #[test]
    fn met_percentages_and_median_match_a_hand_count() {
        let now = Utc.with_ymd_and_hms(2026, 11, 10, 0, 0, 0).unwrap();
        let rows = vec![
            row(1, 0, State::Resolved, Some(10), Some(50)), // both met, 50 h
            row(2, 0, State::Resolved, Some(30), Some(100)), // both missed, 100 h
            row(3, 0, State::Open, None, None),             // both missed (past), open 9 days
            row(4, 200, State::Open, None, None),           // not yet due, open 1 day
        ];
        let lines = sla_lines(&rows, now);
        let all = lines.iter().find(|l| l.owner == ALL).unwrap();
        assert_eq!(all.count, 4);
        assert_eq!(all.respond_met_pct, Some(100.0 / 3.0));
        assert_eq!(all.resolve_met_pct, Some(100.0 / 3.0));
        assert_eq!(all.median_hours_to_resolve, Some(75.0));
        assert_eq!(all.open_by_age, [1, 1, 0, 0, 0]);
        let mut withdrawn = row(5, 0, State::Closed, None, Some(1));
        withdrawn.outcome = "withdrawn".into();
        let with = sla_lines(&[rows, vec![withdrawn]].concat(), now);
        assert_eq!(with.iter().find(|l| l.owner == ALL).unwrap().count, 4);
    }
}
