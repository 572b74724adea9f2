//! Reports (`domain.md`, capability 14): what the program team prepares by hand every
//! morning and every week. Each section is a [`Table`] built by the same functions as
//! its screen, so a report, its workbook, its JSON and the screens agree to the digit.
//!
//! The daily report, for a date (default: the last day with data), for the caller's
//! scope narrowed to a station, a coach's portfolio or one partner: the day's and the
//! week-to-date numbers against the same days of the week before, the defaulting
//! partners, the day's unusually bad days, the COD owed, the follow-ups opened that day
//! or past their deadline, the documents lapsing within 30 days and the launches not
//! green.

use crate::cod::{by_pair, pair_table};
use crate::health::{defaulting_table, unusual_table};
use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::model::Model;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use dspdesk_core::table::{Cell, Table};
use dspdesk_core::{Counts, IsoWeek};
use serde::Serialize;
use std::collections::BTreeSet;

pub mod schedule;

/// A workbook's media type.
pub const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// How far ahead the daily report looks for documents and guarantees lapsing.
pub const LAPSING_WITHIN_DAYS: i64 = 30;

/// What a report covers within the caller's scope; each part optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, Serialize)]
pub struct ReportScope {
    pub station: Option<String>,
    /// A coach's portfolio (a user name).
    pub coach: Option<String>,
    pub partner: Option<String>,
}

impl ReportScope {
    /// Empty parts (a form's "any") are no narrowing.
    pub fn normalised(self) -> ReportScope {
        let keep = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        ReportScope {
            station: keep(self.station),
            coach: keep(self.coach),
            partner: keep(self.partner),
        }
    }

    /// In words: "the network", "station BOM1", "coach asha's portfolio", "SWFT".
    pub fn words(&self) -> String {
        let mut parts = Vec::new();
        if let Some(p) = &self.partner {
            parts.push(format!("partner {p}"));
        }
        if let Some(s) = &self.station {
            parts.push(format!("station {s}"));
        }
        if let Some(c) = &self.coach {
            parts.push(format!("{c}'s portfolio"));
        }
        if parts.is_empty() {
            "everything you may see".into()
        } else {
            parts.join(", ")
        }
    }
}

/// One section of a report: a table and the columns a page shows of it.
#[derive(Debug, Clone)]
pub struct Section {
    pub id: &'static str,
    pub title: String,
    /// What the section counts, in a sentence.
    pub note: String,
    pub table: Table,
    pub show: Vec<&'static str>,
}

/// A report: the daily report or the weekly review pack.
#[derive(Debug, Clone)]
pub struct Report {
    /// `daily` or `weekly`.
    pub kind: &'static str,
    /// The last day it covers (the daily's day; the pack's Sunday or last day with data).
    pub date: NaiveDate,
    /// The pack's week.
    pub week: Option<IsoWeek>,
    pub scope: ReportScope,
    pub sections: Vec<Section>,
}

impl Report {
    /// A report of its sections; a section that names no columns shows them all.
    fn assemble(
        kind: &'static str,
        date: NaiveDate,
        week: Option<IsoWeek>,
        scope: ReportScope,
        mut sections: Vec<Section>,
    ) -> Report {
        for s in &mut sections {
            if s.show.is_empty() {
                s.show = s.table.columns.clone();
            }
        }
        Report {
            kind,
            date,
            week,
            scope,
            sections,
        }
    }

    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    /// The report as JSON: its date, scope and each section's rows.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "report": self.kind,
            "date": self.date,
            "week": self.week,
            "scope": self.scope,
            "sections": self.sections.iter().map(|s| serde_json::json!({
                "id": s.id,
                "title": s.title,
                "rows": crate::shared::table::to_json(&s.table),
            })).collect::<Vec<_>>(),
        })
    }

    /// The e-mail's subject: "Daily report, 2026-11-22 (station BOM1)".
    pub fn subject(&self) -> String {
        let what = match self.week {
            Some(w) => format!("Weekly review pack, {w}"),
            None => format!("Daily report, {}", self.date),
        };
        if self.scope == ReportScope::default() {
            what
        } else {
            format!("{what} ({})", self.scope.words())
        }
    }

    /// The file name of its workbook.
    pub fn file_name(&self) -> String {
        match self.week {
            Some(w) => format!("weekly-{w}.xlsx"),
            None => format!("daily-{}.xlsx", self.date),
        }
    }

    /// The e-mail's body: the first section whole (the headline, or the ranking) and a
    /// line per other section with how many lines it holds; the workbook has the rest.
    /// As (plain text, HTML).
    pub fn email(&self) -> (String, String) {
        let mut text = format!("{}\n\n", self.subject());
        let mut html = format!(
            "<html><body style=\"font-family:sans-serif\"><h2>{}</h2>",
            esc(&self.subject())
        );
        if let Some(first) = self.sections.first() {
            let cols: Vec<usize> = first
                .show
                .iter()
                .filter_map(|c| first.table.column(c))
                .take(8)
                .collect();
            html.push_str(&format!("<h3>{}</h3><table border=\"1\" cellpadding=\"4\" style=\"border-collapse:collapse\"><tr>", esc(&first.title)));
            for &i in &cols {
                html.push_str(&format!(
                    "<th>{}</th>",
                    esc(&dspdesk_core::metric::label(first.table.columns[i]))
                ));
            }
            html.push_str("</tr>");
            text.push_str(&format!("{}\n", first.title));
            for row in first.table.rows.iter().take(40) {
                let cells: Vec<String> = cols
                    .iter()
                    .map(|&i| cell_words(first.table.columns[i], &row[i]))
                    .collect();
                text.push_str(&format!("  {}\n", cells.join(" · ")));
                html.push_str("<tr>");
                for (k, c) in cells.iter().enumerate() {
                    let align = if k == 0 { "left" } else { "right" };
                    html.push_str(&format!("<td style=\"text-align:{align}\">{}</td>", esc(c)));
                }
                html.push_str("</tr>");
            }
            html.push_str("</table>");
        }
        html.push_str("<ul>");
        text.push('\n');
        for s in self.sections.iter().skip(1) {
            let line = format!("{}: {} lines", s.title, s.table.rows.len());
            html.push_str(&format!("<li>{}</li>", esc(&line)));
            text.push_str(&format!("{line}\n"));
        }
        let tail = format!(
            "Every section is in the attached workbook, {}.",
            self.file_name()
        );
        html.push_str(&format!("</ul><p>{}</p></body></html>", esc(&tail)));
        text.push_str(&format!("\n{tail}\n"));
        (text, html)
    }

    /// The report as one HTML document that prints: every section whole, each on its
    /// own page.
    pub fn to_html(&self) -> String {
        let mut html = format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{0}</title><style>body{{font-family:sans-serif;margin:1.5rem}}table{{border-collapse:collapse;margin:.5rem 0 1.5rem}}th,td{{border:1px solid #ccc;padding:.25rem .5rem}}td.n{{text-align:right;font-variant-numeric:tabular-nums}}section+section{{break-before:page}}p.note{{color:#555}}</style></head><body><h1>{0}</h1>",
            esc(&self.subject())
        );
        for s in &self.sections {
            html.push_str(&format!(
                "<section id=\"{}\"><h2>{}</h2><p class=\"note\">{}</p>",
                s.id,
                esc(&s.title),
                esc(&s.note)
            ));
            if s.table.rows.is_empty() {
                html.push_str("<p>Nothing to show.</p></section>");
                continue;
            }
            let cols: Vec<usize> = s.show.iter().filter_map(|c| s.table.column(c)).collect();
            html.push_str("<table><thead><tr>");
            for &i in &cols {
                html.push_str(&format!(
                    "<th>{}</th>",
                    esc(&dspdesk_core::metric::label(s.table.columns[i]))
                ));
            }
            html.push_str("</tr></thead><tbody>");
            for row in &s.table.rows {
                html.push_str("<tr>");
                for &i in &cols {
                    let numeric = !matches!(row[i], Cell::Text(_));
                    html.push_str(&format!(
                        "<td{}>{}</td>",
                        if numeric { " class=\"n\"" } else { "" },
                        esc(&cell_words(s.table.columns[i], &row[i]))
                    ));
                }
                html.push_str("</tr>");
            }
            html.push_str("</tbody></table></section>");
        }
        html.push_str("</body></html>\n");
        html
    }

    /// The report as a workbook: one sheet per section, numbers as numbers with their
    /// formats, headers frozen; the trend's sheet carries native charts of its columns.
    pub fn workbook(&self) -> Result<Vec<u8>, AppError> {
        use crate::shared::table::{ChartKind, ChartSpec};
        let trend_charts = |t: &Table| -> Vec<ChartSpec> {
            let col = |c: &str| t.column(c);
            let (Some(dispatched), Some(dot), Some(dcr)) =
                (col("dispatched"), col("dot_pct"), col("dcr_pct"))
            else {
                return Vec::new();
            };
            vec![
                ChartSpec {
                    title: "DOT and DCR (%)".into(),
                    kind: ChartKind::Line,
                    category: 0,
                    series: vec![dot, dcr],
                },
                ChartSpec {
                    title: "Dispatched".into(),
                    kind: ChartKind::Column,
                    category: 0,
                    series: vec![dispatched],
                },
            ]
        };
        let charts: Vec<Vec<ChartSpec>> = self
            .sections
            .iter()
            .map(|s| {
                if s.id == "trend" {
                    trend_charts(&s.table)
                } else {
                    Vec::new()
                }
            })
            .collect();
        let sheets: Vec<(&str, &Table, &[ChartSpec])> = self
            .sections
            .iter()
            .zip(&charts)
            .map(|(s, c)| (s.id, &s.table, c.as_slice()))
            .collect();
        crate::shared::table::charted_workbook(&sheets)
            .map_err(|e| AppError::Internal(format!("writing the workbook failed: {e}")))
    }
}

/// Text made safe inside HTML (an element's text or an attribute's value).
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A cell as an e-mail shows it: a metric's label, money and percentages as people
/// read them.
fn cell_words(column: &str, c: &Cell) -> String {
    use dspdesk_core::display;
    match c {
        Cell::Text(t) if column == "metric" => dspdesk_core::metric::label(t),
        Cell::Money(Some(d)) => display::money(*d),
        Cell::Int(i) => display::count(*i),
        Cell::Num(Some(x)) => display::one_decimal(*x),
        other => other.display(),
    }
}

/// Who passes the report's scope: the caller's scope, then the narrowing.
struct Keep {
    actor: Actor,
    scope: ReportScope,
    /// The partners the caller may see (a station manager: those at its stations).
    seen: BTreeSet<String>,
    /// The coach's portfolio when one is asked for.
    portfolio: Option<BTreeSet<String>>,
}

impl Keep {
    /// The caller's scope narrowed by `scope`; a partner the caller may not see (or
    /// that is unknown) is "not found".
    async fn new(
        ws: &Workspace,
        actor: &Actor,
        model: &Model,
        scope: &ReportScope,
    ) -> Result<Keep, AppError> {
        if let Some(p) = &scope.partner
            && (!model.partners().any(|x| x == p) || !model.sees_partner(&actor.scope, p))
        {
            return Err(AppError::NotFound("partner"));
        }
        let portfolio = match &scope.coach {
            None => None,
            Some(c) => Some(
                crate::partners::coaches(ws)
                    .await?
                    .into_iter()
                    .filter(|(_, cs)| cs.contains(c))
                    .map(|(p, _)| p)
                    .collect(),
            ),
        };
        Ok(Keep {
            actor: actor.clone(),
            scope: scope.clone(),
            seen: model
                .partners()
                .filter(|p| model.sees_partner(&actor.scope, p))
                .cloned()
                .collect(),
            portfolio,
        })
    }

    fn partner(&self, p: &str) -> bool {
        self.seen.contains(p)
            && self.scope.partner.as_deref().is_none_or(|x| x == p)
            && self.portfolio.as_ref().is_none_or(|k| k.contains(p))
    }

    fn pair(&self, p: &str, st: &str) -> bool {
        self.actor.scope.allows(p, st)
            && self.partner(p)
            && self.scope.station.as_deref().is_none_or(|x| x == st)
    }

    /// A partner-wide line (a document, a defaulting partner): a station narrowing
    /// keeps the partners that work there.
    fn partner_at(&self, model: &Model, p: &str) -> bool {
        self.partner(p)
            && self
                .scope
                .station
                .as_deref()
                .is_none_or(|st| model.works_at(p, st))
    }
}

/// The counts of the pairs the report keeps, summed over `from..=to`.
fn counts_between(model: &Model, keep: &Keep, from: NaiveDate, to: NaiveDate) -> Counts {
    model
        .pairs
        .iter()
        .filter(|p| keep.pair(&p.partner, &p.station))
        .flat_map(|p| p.days_between(from, to).iter().map(|(_, c)| *c))
        .sum()
}

/// A headline row: its metric and how its value is read from counts.
type Reading = (&'static str, fn(&Counts) -> Cell);

/// The rows of the headline read from counts.
fn headline_rows() -> [Reading; 8] {
    [
        ("dispatched", |c| Cell::Int(c.dispatched)),
        ("dot_pct", |c| Cell::Num(c.dot_pct())),
        ("dcr_pct", |c| Cell::Num(c.dcr_pct())),
        ("nl_dpmo", |c| Cell::Num(c.nl_dpmo())),
        ("nl_value", |c| Cell::money(c.nl_value())),
        ("cod_due", |c| Cell::money(c.cod_due())),
        ("routes", |c| Cell::Int(c.routes)),
        ("packages_per_route", |c| Cell::Num(c.packages_per_route())),
    ]
}

/// How many days the daily report's trend shows, and weeks the pack's.
pub const TREND_DAYS: i64 = 14;
pub const TREND_WEEKS: i64 = 8;

/// The trend: per period (a day or an ISO week, as its first column's text) the
/// dispatches, DOT, DCR and NL of the pairs the report keeps, summed as the headline
/// sums them.
fn trend(
    model: &Model,
    keep: &Keep,
    first: &'static str,
    periods: &[(String, NaiveDate, NaiveDate)],
) -> Table {
    let mut rows: Vec<Vec<Cell>> = periods
        .iter()
        .map(|(label, from, to)| {
            let c = counts_between(model, keep, *from, *to);
            vec![
                Cell::text(label),
                Cell::Int(c.dispatched),
                Cell::Num(c.dot_pct()),
                Cell::Num(c.dcr_pct()),
                Cell::Num(c.nl_dpmo()),
            ]
        })
        .collect();
    // Periods before anything was dispatched (before the data begins) say nothing.
    let empty = rows
        .iter()
        .take_while(|r| matches!(r[1], Cell::Int(0)))
        .count();
    rows.drain(..empty);
    Table {
        columns: vec![first, "dispatched", "dot_pct", "dcr_pct", "nl_dpmo"],
        rows,
    }
}

fn trend_section(title: String, table: Table) -> Section {
    Section {
        id: "trend",
        title,
        note: "Dispatches, DOT, DCR and NL per period (from the first with dispatches), for what this report covers; the workbook draws them as charts.".into(),
        table,
        show: vec![],
    }
}

/// `b − a` in the cells' unit (points for a percentage), empty when either is.
fn change(a: &Cell, b: &Cell) -> Cell {
    match (a, b) {
        (Cell::Int(a), Cell::Int(b)) => Cell::Int(b - a),
        (Cell::Num(Some(a)), Cell::Num(Some(b))) => {
            // `+ 0.0` makes a rounded -0.0 read 0.0.
            Cell::Num(Some(((b - a) * 10.0).round() / 10.0 + 0.0))
        }
        (Cell::Money(Some(a)), Cell::Money(Some(b))) => Cell::Money(b.checked_sub(*a)),
        _ => Cell::Num(None),
    }
}

/// The headline: the day, the week to date and the same days of the week before, and
/// the change; then the COD owed at the day's end and the share of partner-station
/// days at or above their P50 route goal.
fn headline(model: &Model, keep: &Keep, date: NaiveDate) -> Table {
    let week = IsoWeek::of(date);
    let before = date - Duration::days(7);
    let sum = |from: NaiveDate, to: NaiveDate| counts_between(model, keep, from, to);
    let (day, wtd, last) = (
        sum(date, date),
        sum(week.monday(), date),
        sum(week.monday() - Duration::days(7), before),
    );
    let mut rows: Vec<Vec<Cell>> = headline_rows()
        .iter()
        .map(|(name, read)| {
            let (w, l) = (read(&wtd), read(&last));
            vec![
                Cell::text(*name),
                read(&day),
                w.clone(),
                l.clone(),
                change(&l, &w),
            ]
        })
        .collect();
    // COD owed at the end of the day (positive shortfalls), and a week before.
    let owed = |d: NaiveDate| -> Cell {
        let minor: i64 = model
            .cod_ledger(d, d)
            .iter()
            .filter(|l| keep.pair(&l.partner, &l.station))
            .map(|l| l.shortfall_minor.max(0))
            .sum();
        Cell::minor(minor)
    };
    let (now, then) = (owed(date), owed(before));
    rows.push(vec![
        Cell::text("owed"),
        now.clone(),
        now.clone(),
        then.clone(),
        change(&then, &now),
    ]);
    // Route goals: the share of partner-station days at or above the P50 in force.
    let met = |w: IsoWeek, from: NaiveDate, to: NaiveDate| -> Cell {
        let (mut days, mut at) = (0usize, 0usize);
        for g in model.goals_week(w).iter() {
            let Some(goal) = g.goal.filter(|_| keep.pair(&g.partner, &g.station)) else {
                continue;
            };
            for (d, r) in &g.daily {
                if *d >= from && *d <= to {
                    days += 1;
                    at += usize::from(*r as f64 >= goal.p50);
                }
            }
        }
        Cell::Num((days > 0).then(|| 100.0 * at as f64 / days as f64))
    };
    let prev = IsoWeek::of(week.monday() - Duration::days(7));
    let (g_day, g_wtd, g_last) = (
        met(week, date, date),
        met(week, week.monday(), date),
        met(prev, prev.monday(), before),
    );
    rows.push(vec![
        Cell::text("goal_p50_met_pct"),
        g_day,
        g_wtd.clone(),
        g_last.clone(),
        change(&g_last, &g_wtd),
    ]);
    Table {
        columns: vec![
            "metric",
            "day",
            "week_to_date",
            "same_days_last_week",
            "change",
        ],
        rows,
    }
}

/// The follow-ups section's columns (the page leaves out the amount).
const CASE_COLUMNS: [&str; 9] = [
    "id",
    "kind",
    "partner",
    "station",
    "title",
    "owner",
    "why",
    "resolve_by",
    "amount",
];

/// The follow-ups open in the report's scope that are new (opened in the day before
/// `now`, or from the report day's data) or past their deadline at `now`.
async fn cases(
    ws: &Workspace,
    keep: &Keep,
    date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Table, AppError> {
    let q = crate::followups::Queue {
        per_page: 1000,
        ..Default::default()
    };
    let page = crate::followups::queue(ws, &keep.actor, &q, now).await?;
    let zone = ws.default_zone;
    let rows = page
        .rows
        .iter()
        .filter(|f| {
            (f.partner.is_empty() || keep.partner(&f.partner))
                && (f.station.is_empty()
                    || keep.scope.station.as_deref().is_none_or(|s| s == f.station))
                && (f.partner.is_empty()
                    || f.station.is_empty()
                    || keep.pair(&f.partner, &f.station))
        })
        .filter_map(|f| {
            // New: opened in the day before `now`, or opened from the report day's data.
            let new = (f.opened_at > now - Duration::days(1) && f.opened_at <= now)
                || f.data_date == Some(date);
            let late = f.resolve_by < now;
            (new || late).then(|| {
                vec![
                    Cell::Int(f.id),
                    Cell::text(f.kind.label()),
                    Cell::text(&f.partner),
                    Cell::text(&f.station),
                    Cell::text(&f.title),
                    Cell::text(f.owner.clone().unwrap_or_else(|| "unassigned".into())),
                    Cell::text(if late { "past its deadline" } else { "new" }),
                    Cell::text(
                        f.resolve_by
                            .with_timezone(&zone)
                            .format("%Y-%m-%d %H:%M")
                            .to_string(),
                    ),
                    f.amount_minor
                        .map_or(Cell::Money(None), |m| Cell::minor(m - f.recovered_minor)),
                ]
            })
        })
        .collect();
    Ok(Table {
        columns: CASE_COLUMNS.to_vec(),
        rows,
    })
}

/// The launches section of both reports: go / no-go.
fn launches_section(table: Table) -> Section {
    Section {
        id: "launches",
        title: "Launches not green: go / no-go".into(),
        note: "Red: the target is near with mandatory items open; amber: within a week.".into(),
        // Every column but the launch's id.
        show: table.columns[1..].to_vec(),
        table,
    }
}

/// The launches not green in the report's scope, red first.
async fn launches_table(
    ws: &Workspace,
    keep: &Keep,
    now: DateTime<Utc>,
) -> Result<Table, AppError> {
    let rows = crate::launches::board(ws, &keep.actor, now)
        .await?
        .into_iter()
        .filter(|l| l.colour != dspdesk_core::launches::Colour::Green)
        .filter(|l| {
            let (p, st) = (&l.launch.partner, &l.launch.station);
            (p.is_empty() || keep.partner(p))
                && keep.scope.station.as_deref().is_none_or(|s| s == st)
        })
        .map(|l| {
            vec![
                Cell::Int(l.launch.id),
                Cell::text(&l.launch.partner),
                Cell::text(&l.launch.station),
                Cell::text(l.colour.as_str()),
                Cell::text(l.launch.target_date.to_string()),
                Cell::Int(l.days_left),
                Cell::Int(l.mandatory_open as i64),
            ]
        })
        .collect();
    Ok(Table {
        columns: vec![
            "id",
            "partner",
            "station",
            "colour",
            "target_date",
            "days_left",
            "mandatory_open",
        ],
        rows,
    })
}

/// The daily report for `date` (default: the last day with data) as the caller may see
/// it, narrowed by `scope`; `now` dates the follow-ups' deadlines and the documents.
pub async fn daily(
    ws: &Workspace,
    actor: &Actor,
    date: Option<NaiveDate>,
    scope: ReportScope,
    now: DateTime<Utc>,
) -> Result<Report, AppError> {
    let scope = scope.normalised();
    let model = Model::load(ws).await?;
    let date = date
        .or(model.last)
        .ok_or(AppError::NotFound("day with data"))?;
    let keep = Keep::new(ws, actor, &model, &scope).await?;
    let cfg = model.configs.for_week(IsoWeek::of(date)).1.clone();

    let defaulting: Vec<_> = model
        .defaulting(date)
        .iter()
        .filter(|d| keep.partner_at(&model, &d.partner))
        .cloned()
        .collect();
    let unusual: Vec<_> = model
        .unusual_days(date, date)
        .iter()
        .filter(|u| u.z < 0.0 && keep.pair(&u.partner, &u.station))
        .cloned()
        .collect();
    let week = IsoWeek::of(date);
    let lines: Vec<_> = model
        .cod_ledger(week.monday(), date)
        .into_iter()
        .filter(|l| keep.pair(&l.partner, &l.station))
        .collect();
    let mut owed: Vec<_> = by_pair(&lines)
        .into_iter()
        .filter(|p| p.owed_minor > 0)
        .collect();
    crate::cod::true_starts(&model, date, &mut owed);
    let today = now.with_timezone(&ws.default_zone).date_naive();
    let lapsing = crate::documents::lapsing(ws, actor, today, LAPSING_WITHIN_DAYS)
        .await?
        .into_iter()
        .filter(|l| keep.partner_at(&model, &l.partner))
        .map(|l| {
            vec![
                Cell::text(&l.partner),
                Cell::text(&l.what),
                Cell::text(l.expires_on.to_string()),
                Cell::Int(l.days_left),
            ]
        })
        .collect();
    let launches = launches_table(ws, &keep, now).await?;
    let weekday = date.format("%A").to_string();
    // Unusual days carry their partner in the first column.
    let mut unusual_rows = unusual_table(&unusual);
    unusual_rows.columns.insert(0, "partner");
    for (row, u) in unusual_rows.rows.iter_mut().zip(&unusual) {
        row.insert(0, Cell::text(&u.partner));
    }
    let sections = vec![
        Section {
            id: "headline",
            title: format!("{weekday} {date}: the day and the week so far"),
            note: format!(
                "The week to date ({} to {date}) against the same days of the week before; the change is in the row's unit (points for a percentage). Owed: COD shortfalls at the day's end. P50 met: partner-station days at or above their P50 route goal.",
                week.monday()
            ),
            table: headline(&model, &keep, date),
            show: vec![
                "metric",
                "day",
                "week_to_date",
                "same_days_last_week",
                "change",
            ],
        },
        trend_section(
            format!("The last {TREND_DAYS} days to {date}"),
            trend(
                &model,
                &keep,
                "date",
                &(0..TREND_DAYS)
                    .rev()
                    .map(|back| {
                        let d = date - Duration::days(back);
                        (d.to_string(), d, d)
                    })
                    .collect::<Vec<_>>(),
            ),
        ),
        Section {
            id: "defaulting",
            title: "Defaulting on DOT".into(),
            note: format!(
                "DOT below {}% on at least {} of the partner's last {} days with dispatches, up to {date}.",
                cfg.defaulting.dot_target, cfg.defaulting.days, cfg.defaulting.window
            ),
            table: defaulting_table(&defaulting),
            show: vec![
                "partner",
                "days_below",
                "days_seen",
                "worst_day",
                "worst_dot_pct",
            ],
        },
        Section {
            id: "unusual",
            title: "Unusually bad days".into(),
            note: "The partner-stations whose DOT or DCR that day was far below their usual."
                .into(),
            table: unusual_rows,
            show: vec!["partner", "station", "metric", "value", "median"],
        },
        Section {
            id: "cod",
            title: "COD owed".into(),
            note: format!(
                "What each partner owes at a station at the end of {date}, overdue first."
            ),
            table: pair_table(&owed),
            show: vec!["partner", "station", "owed", "overdue_since"],
        },
        Section {
            id: "cases",
            title: "Follow-ups new or past their deadline".into(),
            note: "Open cases, points, action items, disputes and checks.".into(),
            table: cases(ws, &keep, date, now).await?,
            show: CASE_COLUMNS[..8].to_vec(),
        },
        Section {
            id: "documents",
            title: format!("Documents and guarantees lapsing within {LAPSING_WITHIN_DAYS} days"),
            note: "Verified ones not renewed yet, soonest first (negative days: lapsed).".into(),
            table: Table {
                columns: vec!["partner", "document", "expires_on", "days_left"],
                rows: lapsing,
            },
            show: vec![],
        },
        launches_section(launches),
    ];
    Ok(Report::assemble("daily", date, None, scope, sections))
}

/// Keeps the rows of `t` whose partner passes (a table without a partner column is
/// kept whole; an anonymous peer's row of a partner user's ranking stays).
fn retain_partners(t: &mut Table, keep: impl Fn(&str) -> bool) {
    if let Some(i) = t.column("partner") {
        t.rows.retain(|r| {
            let p = r[i].export_text();
            p.starts_with('(') || keep(&p)
        });
    }
}

/// Why a partner's score is low, in words: the components that cost it the most
/// points against their targets.
fn reasons(model: &Model, partner: &str, week: IsoWeek) -> String {
    let cfg = model.configs.for_week(week).1;
    let Some(row) = model.week(week).partner(partner).cloned() else {
        return String::new();
    };
    cfg.headroom(&row.values)
        .iter()
        .take(2)
        .map(|h| {
            format!(
                "{} {} against {} ({:.1} points)",
                dspdesk_core::metric::label(&h.component),
                dspdesk_core::display::one_decimal(h.value),
                h.target,
                h.points
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The weekly review pack for `week` (default: the last complete one) as the caller
/// may see it, narrowed by `scope`: the ranking with tiers and change, the bottom and
/// consistently-bottom partners with their reasons, improvement plans, action items
/// open and overdue, profitability by block and MOT, the COD ledger, EV share, VAS
/// adoption and the launches not green. Each section is its screen's own table.
pub async fn weekly(
    ws: &Workspace,
    actor: &Actor,
    week: Option<IsoWeek>,
    scope: ReportScope,
    now: DateTime<Utc>,
) -> Result<Report, AppError> {
    use crate::health::{RankingFilter, bottom_table, ranking_filtered};
    use dspdesk_core::profit::ProfitBy;
    let scope = scope.normalised();
    let model = Model::load(ws).await?;
    let w = week
        .or_else(|| model.last_complete_week())
        .ok_or(AppError::NotFound("week with data"))?;
    let keep = Keep::new(ws, actor, &model, &scope).await?;
    let last = model.last.map_or(w.sunday(), |l| l.min(w.sunday()));

    // The ranking, narrowed as the ranking page narrows it.
    let r = ranking_filtered(
        ws,
        actor,
        Some(w),
        RankingFilter {
            station: scope.station.clone(),
            coach: scope.coach.clone(),
            ..RankingFilter::default()
        },
    )
    .await?;
    let mut ranking = r.scores.clone();
    retain_partners(&mut ranking, |p| keep.partner(p));
    // The week's bottom share and the consistently bottom, with their reasons.
    let bottom_rows: Vec<Vec<Cell>> = {
        let (p, b, sc, t) = (
            ranking.column("partner").unwrap_or(1),
            ranking.column("bottom"),
            ranking.column("score"),
            ranking.column("tier"),
        );
        ranking
            .rows
            .iter()
            .filter(|row| b.is_some_and(|b| row[b] == Cell::Bool(true)))
            .filter(|row| !row[p].export_text().starts_with('('))
            .map(|row| {
                let partner = row[p].export_text();
                vec![
                    Cell::text(&partner),
                    sc.map_or(Cell::Num(None), |i| row[i].clone()),
                    t.map_or(Cell::text(""), |i| row[i].clone()),
                    Cell::text(reasons(&model, &partner, w)),
                ]
            })
            .collect()
    };
    let mut consistently = bottom_table(&r.bottom.clone().unwrap_or_default());
    retain_partners(&mut consistently, |p| keep.partner(p));
    consistently.columns.push("reason");
    for row in &mut consistently.rows {
        let partner = row[0].export_text();
        row.push(Cell::text(reasons(&model, &partner, w)));
    }

    let plans: Vec<_> = crate::plans::list(ws, actor, now)
        .await?
        .into_iter()
        .filter(|v| keep.pair(&v.plan.partner, &v.plan.station))
        .collect();
    let items = crate::followups::queue(
        ws,
        actor,
        &crate::followups::Queue {
            kind: Some(dspdesk_core::followups::Kind::ActionItem),
            per_page: 1000,
            ..Default::default()
        },
        now,
    )
    .await?;
    let items: Vec<_> = items
        .rows
        .into_iter()
        .filter(|f| keep.partner(&f.partner))
        .filter(|f| keep.scope.station.as_deref().is_none_or(|s| s == f.station))
        .collect();
    let narrowed = scope != ReportScope::default();
    let by: &[ProfitBy] = if narrowed {
        &[
            ProfitBy::Partner,
            ProfitBy::Station,
            ProfitBy::Block,
            ProfitBy::Mot,
        ]
    } else {
        &[ProfitBy::Block, ProfitBy::Mot]
    };
    let (_, lines) = crate::profit::profit_week(ws, actor, Some(w), by).await?;
    let lines: Vec<_> = lines
        .into_iter()
        .filter(|l| {
            !narrowed
                || keep.pair(
                    l.partner.as_deref().unwrap_or(""),
                    l.station.as_deref().unwrap_or(""),
                )
        })
        .collect();
    let (_, _, pairs) = crate::cod::pairs_week(ws, actor, Some(w)).await?;
    let pairs: Vec<_> = pairs
        .into_iter()
        .filter(|p| keep.pair(&p.partner, &p.station))
        .collect();
    let mut ev = crate::ev::weeks_table(
        &crate::ev::weekly(ws, actor, w.monday(), w.sunday())
            .await?
            .iter()
            .filter(|x| keep.partner_at(&model, &x.partner))
            .cloned()
            .collect::<Vec<_>>(),
    );
    ev.rows
        .sort_by(|a, b| a[0].export_text().cmp(&b[0].export_text()));
    let mut vas = crate::vas::table(&crate::vas::adoption(ws, actor, w.monday(), last).await?);
    retain_partners(&mut vas, |p| keep.partner_at(&model, p));
    let so_far = model
        .so_far(w)
        .map(|(a, b)| format!(" (so far: {a} to {b})"))
        .unwrap_or_default();
    let cfg = &r.config;
    let sections = vec![
        Section {
            id: "ranking",
            title: format!("Health ranking, {w}{so_far}"),
            note: "Every partner's score, tier and rank, with its change from the week before."
                .into(),
            table: ranking,
            show: vec![
                "rank",
                "partner",
                "coach",
                "tier",
                "tier_before",
                "score",
                "score_change",
                "dot_pct",
                "dot_change",
                "nl_dpmo",
                "cod_shortfall_pct",
                "goal_p50_met_pct",
            ],
        },
        trend_section(
            format!("The last {TREND_WEEKS} weeks to {w}"),
            trend(
                &model,
                &keep,
                "week",
                &(0..TREND_WEEKS)
                    .rev()
                    .map(|back| {
                        let x = IsoWeek::of(w.monday() - Duration::weeks(back));
                        (x.to_string(), x.monday(), x.sunday().min(last))
                    })
                    .collect::<Vec<_>>(),
            ),
        ),
        Section {
            id: "bottom",
            title: format!("Bottom {}% this week", cfg.bottom.share_pct),
            note: "The components that cost each the most points against their targets.".into(),
            table: Table {
                columns: vec!["partner", "score", "tier", "reason"],
                rows: bottom_rows,
            },
            show: vec![],
        },
        Section {
            id: "consistently_bottom",
            title: "Consistently bottom".into(),
            note: format!(
                "In the bottom {}% in at least {} of the last {} weeks.",
                cfg.bottom.share_pct, cfg.bottom.weeks, cfg.bottom.of_last
            ),
            table: consistently,
            show: vec![
                "partner",
                "weeks_in_bottom",
                "of_last",
                "latest_score",
                "reason",
            ],
        },
        Section {
            id: "plans",
            title: "Improvement plans".into(),
            note: "Every plan in scope with what the data says of it.".into(),
            table: crate::plans::plans_table(&plans),
            show: vec![],
        },
        Section {
            id: "action_items",
            title: "Action items open".into(),
            note: "Open action items; the time left is negative when overdue.".into(),
            table: crate::followups::queue_table(&items, now),
            show: vec![],
        },
        Section {
            id: "profit",
            title: format!("Profitability by block and MOT, {w}"),
            note: "Payout, cost, profit and margin of the week's routes.".into(),
            table: crate::profit::profit_table(&lines),
            show: vec![],
        },
        Section {
            id: "cod",
            title: format!("COD ledger, {w}"),
            note: "What each partner owes at a station at the week's end, overdue first.".into(),
            table: pair_table(&pairs),
            show: vec![
                "partner",
                "station",
                "owed",
                "overdue_since",
                "cod_due",
                "remitted",
            ],
        },
        Section {
            id: "ev",
            title: format!("EV share of routes, {w}"),
            note: "Routes run with an electric vehicle.".into(),
            table: ev,
            show: vec![],
        },
        Section {
            id: "vas",
            title: format!("VAS adoption, {} to {last}", w.monday()),
            note: "Each partner's value-added services against the network.".into(),
            table: vas,
            show: vec![],
        },
        launches_section(launches_table(ws, &keep, now).await?),
    ];
    Ok(Report::assemble("weekly", last, Some(w), scope, sections))
}
