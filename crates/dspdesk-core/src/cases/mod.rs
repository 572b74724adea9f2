//! Cases opened from the data (`metrics.md`, "Cases opened from the data"): which
//! situations open a case, for what amount, with which lines, and when one resolves by
//! itself. The rules read what the lake and the facts say, reduced to the plain rows
//! below, so a unit test reaches every boundary with hand-made rows.

use crate::followups::{Kind, Sla};
use crate::week::IsoWeek;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[cfg(test)]
mod tests;

/// The thresholds of the data's cases: configuration, with these defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CaseRules {
    /// A package attempted or rejected at least this many days ago is ageing.
    pub ageing_days: i64,
    /// A delivery more than this many hours past its promise is late for SLP.
    pub slp_late_hours: i64,
    /// A week whose `slp_late_pct` is above this opens an SLP case.
    pub slp_pct: f64,
    /// At most this many lines are kept on one case (the count says how many more).
    pub max_lines: usize,
    /// Hours to respond and to resolve, per kind of follow-up, where they differ from
    /// the defaults: `[cases.sla] cod = { respond_hours = 12, resolve_hours = 48 }`.
    pub sla: BTreeMap<String, Sla>,
}

impl Default for CaseRules {
    fn default() -> Self {
        CaseRules {
            ageing_days: 3,
            slp_late_hours: 24,
            slp_pct: 1.0,
            max_lines: 500,
            sla: BTreeMap::new(),
        }
    }
}

impl CaseRules {
    /// The SLA of a kind: configured, else the default of `metrics.md`.
    pub fn sla_for(&self, kind: Kind) -> Sla {
        self.sla
            .get(kind.as_str())
            .copied()
            .unwrap_or(kind.default_sla())
    }

    pub fn check(&self) -> Vec<String> {
        let mut errors = Vec::new();
        for (kind, sla) in &self.sla {
            if Kind::parse(kind).is_none() {
                let all: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                errors.push(format!(
                    "cases.sla.{kind}: not a kind of follow-up; use one of {}",
                    all.join(", ")
                ));
            } else if !(1..=24 * 365).contains(&sla.respond_hours)
                || !(1..=24 * 365).contains(&sla.resolve_hours)
                || sla.respond_hours > sla.resolve_hours
            {
                errors.push(format!(
                    "cases.sla.{kind}: respond_hours and resolve_hours must be between 1 and 8760, respond at most resolve"
                ));
            }
        }
        if !(1..=365).contains(&self.ageing_days) {
            errors.push("cases.ageing_days must be between 1 and 365".into());
        }
        if !(0..=24 * 365).contains(&self.slp_late_hours) {
            errors.push("cases.slp_late_hours must be between 0 and 8760".into());
        }
        if !(0.0..=100.0).contains(&self.slp_pct) {
            errors.push("cases.slp_pct must be between 0 and 100".into());
        }
        if !(1..=100_000).contains(&self.max_lines) {
            errors.push("cases.max_lines must be between 1 and 100000".into());
        }
        errors
    }
}

/// A lost or damaged package (status `lost` or `damaged`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostRow {
    pub partner: String,
    pub package_id: String,
    pub date: NaiveDate,
    pub declared_value_minor: i64,
}

/// A delivered package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveredRow {
    pub partner: String,
    pub package_id: String,
    pub date: NaiveDate,
    pub promised_by: DateTime<Utc>,
    pub delivered_at: DateTime<Utc>,
}

/// A package whose row with the latest date is `attempted` or `rejected`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingPackage {
    pub partner: String,
    pub package_id: String,
    /// The date of its first row.
    pub first_date: NaiveDate,
    /// `attempted` or `rejected`.
    pub status: String,
    pub declared_value_minor: i64,
}

/// Per partner, the packages ageing at the end of a day and their declared value.
pub type AgeingDay = BTreeMap<String, (i64, i64)>;

/// What one station's lake says, for the cases: `as_of` is its last date with data.
#[derive(Debug, Clone, Default)]
pub struct StationRows {
    pub station: String,
    pub as_of: Option<NaiveDate>,
    pub lost: Vec<LostRow>,
    /// Only the delivered rows more than `slp_late_hours` late.
    pub late: Vec<DeliveredRow>,
    /// Rows per partner and ISO week (the denominator of `slp_late_pct`).
    pub dispatched: BTreeMap<(String, IsoWeek), i64>,
    pub pending: Vec<PendingPackage>,
    /// For each date with deliveries at the station, in order: per partner, the
    /// packages ageing at the end of that day and their declared value.
    pub ageing_by_date: Vec<(NaiveDate, AgeingDay)>,
}

/// A line of a case: a package, a day or an amount behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub reference: String,
    pub date: NaiveDate,
    pub amount_minor: Option<i64>,
    pub detail: String,
}

/// A case the data shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    pub kind: Kind,
    pub partner: String,
    pub station: String,
    /// The ISO week for `nl` and `slp`; empty for `cod` and `ageing`.
    pub subject: String,
    /// The day the data opened it (a COD case: the second consecutive day of positive
    /// shortfall; an NL or SLP case: the first day of the week with the rows).
    pub opened_on: NaiveDate,
    /// The day the data shows it as of.
    pub as_of: NaiveDate,
    pub amount_minor: Option<i64>,
    /// The day the data resolved it by itself (a COD shortfall back to zero or below).
    pub resolved_on: Option<NaiveDate>,
    pub summary: String,
    pub lines: Vec<Line>,
    /// Lines left off beyond `max_lines`.
    pub more_lines: usize,
}

impl Detected {
    /// The key that makes a case the same case on two evaluations. `ageing` is one per
    /// partner × station at a time and is matched to its open case instead.
    pub fn key(&self) -> String {
        match self.kind {
            Kind::Cod => format!("cod|{}|{}|{}", self.partner, self.station, self.opened_on),
            Kind::Ageing => format!(
                "ageing|{}|{}|{}",
                self.partner, self.station, self.opened_on
            ),
            k => format!("{k}|{}|{}|{}", self.partner, self.station, self.subject),
        }
    }

    /// The title shown in the queue.
    pub fn title(&self) -> String {
        match self.kind {
            Kind::Nl => format!("Lost packages in {}", self.subject),
            Kind::Slp => format!("Late deliveries in {}", self.subject),
            Kind::Cod => format!("COD not remitted since {}", self.opened_on),
            Kind::Ageing => "Packages ageing at the station".to_owned(),
            k => k.label().to_owned(),
        }
    }
}

fn capped(mut lines: Vec<Line>, max: usize) -> (Vec<Line>, usize) {
    let more = lines.len().saturating_sub(max);
    lines.truncate(max);
    (lines, more)
}

/// `nl`: one case per partner × station × ISO week with a lost row; the amount is the
/// week's `nl_value` (a lost row without a declared value still opens one, at 0.00).
pub fn nl_cases(rows: &StationRows, rules: &CaseRules) -> Vec<Detected> {
    let Some(as_of) = rows.as_of else {
        return Vec::new();
    };
    let mut weeks: BTreeMap<(String, IsoWeek), Vec<&LostRow>> = BTreeMap::new();
    for r in &rows.lost {
        weeks
            .entry((r.partner.clone(), IsoWeek::of(r.date)))
            .or_default()
            .push(r);
    }
    weeks
        .into_iter()
        .map(|((partner, week), mut lost)| {
            lost.sort_by(|a, b| (a.date, &a.package_id).cmp(&(b.date, &b.package_id)));
            let amount: i64 = lost.iter().map(|r| r.declared_value_minor).sum();
            let n = lost.len();
            let lines = lost
                .iter()
                .map(|r| Line {
                    reference: r.package_id.clone(),
                    date: r.date,
                    amount_minor: Some(r.declared_value_minor),
                    detail: "lost or damaged".into(),
                })
                .collect();
            let (lines, more_lines) = capped(lines, rules.max_lines);
            Detected {
                kind: Kind::Nl,
                partner,
                station: rows.station.clone(),
                subject: week.to_string(),
                opened_on: lost[0].date,
                as_of,
                amount_minor: Some(amount),
                resolved_on: None,
                summary: format!(
                    "{n} package{} lost or damaged in {week}",
                    if n == 1 { "" } else { "s" }
                ),
                lines,
                more_lines,
            }
        })
        .collect()
}

/// `slp`: one case per partner × station × ISO week whose `slp_late_pct` (delivered
/// more than `slp_late_hours` after the promise, over the week's dispatched rows) is
/// above `slp_pct`. The week is the row's `date`.
pub fn slp_cases(rows: &StationRows, rules: &CaseRules) -> Vec<Detected> {
    let Some(as_of) = rows.as_of else {
        return Vec::new();
    };
    let limit = Duration::hours(rules.slp_late_hours);
    let mut weeks: BTreeMap<(String, IsoWeek), Vec<&DeliveredRow>> = BTreeMap::new();
    for r in rows
        .late
        .iter()
        .filter(|r| r.delivered_at > r.promised_by + limit)
    {
        weeks
            .entry((r.partner.clone(), IsoWeek::of(r.date)))
            .or_default()
            .push(r);
    }
    let mut out = Vec::new();
    for ((partner, week), mut late) in weeks {
        let dispatched = rows
            .dispatched
            .get(&(partner.clone(), week))
            .copied()
            .unwrap_or(0);
        if dispatched == 0 {
            continue;
        }
        let pct = 100.0 * late.len() as f64 / dispatched as f64;
        if pct <= rules.slp_pct {
            continue;
        }
        late.sort_by(|a, b| (a.date, &a.package_id).cmp(&(b.date, &b.package_id)));
        let lines = late
            .iter()
            .map(|r| Line {
                reference: r.package_id.clone(),
                date: r.date,
                amount_minor: None,
                detail: format!(
                    "delivered {} h after the promise",
                    (r.delivered_at - r.promised_by).num_hours()
                ),
            })
            .collect();
        let (lines, more_lines) = capped(lines, rules.max_lines);
        out.push(Detected {
            kind: Kind::Slp,
            partner,
            station: rows.station.clone(),
            subject: week.to_string(),
            opened_on: late[0].date,
            as_of,
            amount_minor: None,
            resolved_on: None,
            summary: format!(
                "{} of {dispatched} packages ({pct:.1}%) delivered more than {} h late in {week}",
                late.len(),
                rules.slp_late_hours
            ),
            lines,
            more_lines,
        });
    }
    out
}

/// Ageing buckets of packages, by days since their first row: 3–7, 8–15, 16–30, 31+.
pub const AGEING_BUCKETS: [&str; 4] = ["3-7", "8-15", "16-30", "31+"];

pub fn ageing_bucket(days: i64) -> usize {
    match days {
        ..=7 => 0,
        8..=15 => 1,
        16..=30 => 2,
        _ => 3,
    }
}

/// `ageing`: a case per partner × station and stretch of days with a package ageing
/// (its latest row attempted or rejected, its first row at least `ageing_days`
/// before), read over every date with data: it opens on the first such day and
/// resolves by itself on the first day with none. The one still open on `as_of` has
/// its packages as lines and their declared value as its amount; one that resolved has
/// the value of its last day.
pub fn ageing_cases(rows: &StationRows, rules: &CaseRules) -> Vec<Detected> {
    let mut now = ageing_now(rows, rules);
    let mut out = Vec::new();
    let mut open: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    let mut last: BTreeMap<&str, (NaiveDate, i64, i64)> = BTreeMap::new();
    for (date, pairs) in &rows.ageing_by_date {
        for (partner, (n, value)) in pairs.iter().filter(|(_, (n, _))| *n > 0) {
            open.entry(partner).or_insert(*date);
            last.insert(partner, (*date, *n, *value));
        }
        let cleared: Vec<&str> = open
            .keys()
            .copied()
            .filter(|p| !pairs.contains_key(*p))
            .collect();
        for partner in cleared {
            let start = open.remove(partner).expect("open");
            let (end, n, value) = last[partner];
            out.push(Detected {
                kind: Kind::Ageing,
                partner: partner.to_owned(),
                station: rows.station.clone(),
                subject: String::new(),
                opened_on: start,
                as_of: rows.as_of.unwrap_or(*date),
                amount_minor: Some(value),
                resolved_on: Some(*date),
                summary: format!(
                    "{n} package{} ageing on {end}; none on {date}",
                    if n == 1 { "" } else { "s" }
                ),
                lines: Vec::new(),
                more_lines: 0,
            });
        }
    }
    // Still open on the last day: the packages as they are now, dated from the start.
    for (partner, start) in open {
        if let Some(mut d) = now.remove(partner) {
            d.opened_on = start;
            out.push(d);
        }
    }
    out.extend(now.into_values());
    out
}

/// The cases of the packages ageing on `as_of`, one per partner.
fn ageing_now(rows: &StationRows, rules: &CaseRules) -> BTreeMap<String, Detected> {
    let Some(as_of) = rows.as_of else {
        return BTreeMap::new();
    };
    let mut pairs: BTreeMap<&str, Vec<(&PendingPackage, i64)>> = BTreeMap::new();
    for p in &rows.pending {
        let days = (as_of - p.first_date).num_days();
        if days >= rules.ageing_days {
            pairs.entry(&p.partner).or_default().push((p, days));
        }
    }
    pairs
        .into_iter()
        .map(|(partner, mut pkgs)| {
            pkgs.sort_by(|a, b| (b.1, &a.0.package_id).cmp(&(a.1, &b.0.package_id)));
            let amount: i64 = pkgs.iter().map(|(p, _)| p.declared_value_minor).sum();
            let mut buckets = [0usize; 4];
            for (_, d) in &pkgs {
                buckets[ageing_bucket(*d)] += 1;
            }
            let lines = pkgs
                .iter()
                .map(|(p, d)| Line {
                    reference: p.package_id.clone(),
                    date: p.first_date,
                    amount_minor: Some(p.declared_value_minor),
                    detail: format!("{} for {d} days", p.status),
                })
                .collect();
            let (lines, more_lines) = capped(lines, rules.max_lines);
            let spread = AGEING_BUCKETS
                .iter()
                .zip(buckets)
                .filter(|(_, n)| *n > 0)
                .map(|(b, n)| format!("{n} at {b} days"))
                .collect::<Vec<_>>()
                .join(", ");
            let d = Detected {
                kind: Kind::Ageing,
                partner: partner.to_owned(),
                station: rows.station.clone(),
                subject: String::new(),
                opened_on: as_of,
                as_of,
                amount_minor: Some(amount),
                resolved_on: None,
                summary: format!(
                    "{} package{} ageing on {as_of} ({spread})",
                    pkgs.len(),
                    if pkgs.len() == 1 { "" } else { "s" }
                ),
                lines,
                more_lines,
            };
            (partner.to_owned(), d)
        })
        .collect()
}

/// A partner at a station: the COD shortfall on each calendar day from `first` to
/// `as_of` (`sum(cod_due on days <= D-1) - sum(remitted on days <= D)`).
#[derive(Debug, Clone)]
pub struct CodSeries {
    pub partner: String,
    pub station: String,
    pub first: NaiveDate,
    pub as_of: NaiveDate,
    /// One shortfall per calendar day from `first` to `as_of`, in minor units.
    pub shortfall: Vec<i64>,
}

/// `cod`: a case opens on the second consecutive calendar day of positive shortfall,
/// with the shortfall on `as_of` as its amount (on the last positive day when it has
/// resolved); it resolves by itself on the first day the shortfall is zero or below,
/// and a later breach opens a new case. Every date from `first` to `as_of` is read.
pub fn cod_cases(s: &CodSeries) -> Vec<Detected> {
    let day = |i: usize| s.first + Duration::days(i as i64);
    let mut out: Vec<Detected> = Vec::new();
    let mut open: Option<usize> = None;
    for i in 1..s.shortfall.len() {
        match open {
            None if s.shortfall[i - 1] > 0 && s.shortfall[i] > 0 => {
                open = Some(out.len());
                out.push(Detected {
                    kind: Kind::Cod,
                    partner: s.partner.clone(),
                    station: s.station.clone(),
                    subject: String::new(),
                    opened_on: day(i),
                    as_of: s.as_of,
                    amount_minor: Some(s.shortfall[i]),
                    resolved_on: None,
                    summary: String::new(),
                    lines: Vec::new(),
                    more_lines: 0,
                });
            }
            Some(k) if s.shortfall[i] <= 0 => {
                out[k].resolved_on = Some(day(i));
                open = None;
            }
            Some(k) => out[k].amount_minor = Some(s.shortfall[i]),
            None => {}
        }
    }
    for c in &mut out {
        let start = (c.opened_on - s.first).num_days() as usize - 1;
        let end = match c.resolved_on {
            Some(r) => (r - s.first).num_days() as usize,
            None => s.shortfall.len() - 1,
        };
        c.lines = (start..=end)
            .map(|i| Line {
                reference: String::new(),
                date: day(i),
                amount_minor: Some(s.shortfall[i]),
                detail: "shortfall at the end of the day".into(),
            })
            .collect();
        let amount = crate::money::format_minor(c.amount_minor.unwrap_or(0));
        c.summary = match c.resolved_on {
            Some(r) => format!("shortfall of {amount}, cleared on {r}"),
            None => format!(
                "shortfall of {amount} on {}, positive since {}",
                s.as_of,
                day(start)
            ),
        };
    }
    out
}

/// What to do with the cases already stored, given what the data shows now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A case the data shows and no stored case has (index into the detected list).
    Open(usize),
    /// A stored case the data still shows: new amount, lines or as-of date.
    Update { id: i64, detected: usize },
    /// A stored open case the data now resolves (a COD shortfall cleared, no package
    /// ageing any more).
    Resolve {
        id: i64,
        note: String,
        detected: Option<usize>,
    },
    /// A stored open case the data no longer shows at all: it never happened.
    Withdraw { id: i64, note: String },
    /// A case the data had closed by itself (withdrawn, or resolved by the data) that
    /// the data shows open again.
    Reopen { id: i64, detected: usize },
}

/// A stored case from the data, as reconciliation needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub id: i64,
    pub key: String,
    pub kind: Kind,
    pub partner: String,
    pub station: String,
    pub open: bool,
    /// How it was closed: `withdrawn` and `resolved_by_data` are the data's own.
    pub outcome: String,
}

impl Stored {
    fn closed_by_data(&self) -> bool {
        !self.open && matches!(self.outcome.as_str(), "withdrawn" | "resolved_by_data")
    }
}

/// Why the data resolved a case by itself, in words.
pub fn resolved_note(kind: Kind, day: NaiveDate) -> String {
    match kind {
        Kind::Ageing => format!("the data shows no package ageing at the station on {day}"),
        _ => format!("the data shows the shortfall at or below zero on {day}"),
    }
}

/// Brings the stored cases of the evaluated stations in line with the data: opens
/// what is new (never a key twice), updates what is still shown, resolves what the data
/// resolves and withdraws what the data no longer shows. Evaluating twice changes
/// nothing the second time.
pub fn reconcile(stored: &[Stored], detected: &[Detected]) -> Vec<Change> {
    let by_key: BTreeMap<&str, &Stored> = stored.iter().map(|s| (s.key.as_str(), s)).collect();
    // Ageing and COD are about a partner × station: an open one follows its pair even
    // when the data now dates it differently.
    let open_pair: BTreeMap<(Kind, &str, &str), &Stored> = stored
        .iter()
        .filter(|s| matches!(s.kind, Kind::Ageing | Kind::Cod) && s.open)
        .map(|s| ((s.kind, s.partner.as_str(), s.station.as_str()), s))
        .collect();
    let mut seen: std::collections::BTreeSet<i64> = Default::default();
    let mut out = Vec::new();
    for (i, d) in detected.iter().enumerate() {
        let pair = (d.kind, d.partner.as_str(), d.station.as_str());
        let existing = match d.kind {
            Kind::Ageing if d.resolved_on.is_none() => open_pair
                .get(&pair)
                .copied()
                .or_else(|| by_key.get(d.key().as_str()).copied()),
            // A COD episode still open in the data follows the pair's open case.
            Kind::Cod if d.resolved_on.is_none() => by_key
                .get(d.key().as_str())
                .copied()
                .filter(|s| s.open || s.closed_by_data())
                .or_else(|| open_pair.get(&pair).copied())
                .or_else(|| by_key.get(d.key().as_str()).copied()),
            _ => by_key.get(d.key().as_str()).copied(),
        };
        match existing {
            // A breach that cleared before anyone saw it is recorded resolved.
            None => out.push(Change::Open(i)),
            Some(s) => {
                seen.insert(s.id);
                match d.resolved_on {
                    Some(r) if s.open => out.push(Change::Resolve {
                        id: s.id,
                        note: resolved_note(d.kind, r),
                        detected: Some(i),
                    }),
                    None if s.closed_by_data() => out.push(Change::Reopen {
                        id: s.id,
                        detected: i,
                    }),
                    _ => out.push(Change::Update {
                        id: s.id,
                        detected: i,
                    }),
                }
            }
        }
    }
    for s in stored.iter().filter(|s| s.open && !seen.contains(&s.id)) {
        out.push(match s.kind {
            Kind::Ageing => Change::Resolve {
                id: s.id,
                note: "no package at the station is ageing any more".into(),
                detected: None,
            },
            _ => Change::Withdraw {
                id: s.id,
                note: "withdrawn: the data as loaded now no longer shows this case".into(),
            },
        });
    }
    out
}
