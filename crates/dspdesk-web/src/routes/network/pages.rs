//! The network's pages: overview, partners, stations, a partner's day, a route.

use crate::AppState;
use crate::shared::auth::User;
use crate::shared::charts::{Series, line_chart_with_targets};
use crate::shared::download::download;
use crate::shared::error::PageError;
use crate::shared::error::PageResult;
use crate::shared::extract::{PageWeek, partner_code, station_code};
use crate::shared::render::{Chrome, chrome, int, money, pct, render, segment};
use askama::Template;
use axum::extract::{Path, Query, State};
use chrono::NaiveDate;
use dspdesk_app::network::{drill, views};
use dspdesk_core::table::Table;
use dspdesk_core::{Counts, IsoWeek};

/// A table row of formatted metrics.
pub struct Line {
    pub label: String,
    /// The partner's legal name beside its code (empty when none is written).
    pub name: String,
    pub href: String,
    pub stations: String,
    pub dispatched: String,
    pub dot: String,
    pub dot_raw: String,
    pub dcr: String,
    pub nl_dpmo: String,
    pub cod_due: String,
    pub routes: String,
    pub ppr: String,
}

fn line(label: &str, href: String, stations: Option<usize>, c: &Counts) -> Line {
    Line {
        label: label.into(),
        name: String::new(),
        href,
        stations: stations.map(|s| s.to_string()).unwrap_or_default(),
        dispatched: int(c.dispatched),
        dot: pct(c.dot_pct()),
        dot_raw: c.dot_pct().map(|x| format!("{x:.4}")).unwrap_or_default(),
        dcr: pct(c.dcr_pct()),
        nl_dpmo: c
            .nl_dpmo()
            .map(|x| format!("{x:.0}"))
            .unwrap_or_else(|| "–".into()),
        cod_due: money(c.cod_due()),
        routes: int(c.routes),
        ppr: c
            .packages_per_route()
            .map(|x| format!("{x:.1}"))
            .unwrap_or_else(|| "–".into()),
    }
}

fn trend(daily: &[(NaiveDate, Counts)]) -> String {
    trend_with(daily, &[])
}

fn trend_with(daily: &[(NaiveDate, Counts)], targets: &[(&str, f64)]) -> String {
    let points = |f: fn(&Counts) -> Option<f64>| {
        daily
            .iter()
            .map(|(d, c)| (d.format("%d %b").to_string(), f(c)))
            .collect()
    };
    line_chart_with_targets(
        "On-time delivery (DOT) and completion (DCR), % by day",
        &[
            Series {
                name: "DOT",
                class: "s1",
                points: points(Counts::dot_pct),
            },
            Series {
                name: "DCR",
                class: "s2",
                points: points(Counts::dcr_pct),
            },
        ],
        targets,
    )
}

#[derive(serde::Deserialize)]
pub struct TableQuery {
    /// `csv` or `xlsx`: the page's table as a file.
    download: Option<String>,
    /// Which table, on pages with several.
    table: Option<String>,
    /// A date range (a partner's page): its first and last days, as typed.
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// A typed date of a range, or the error naming the field.
fn range_day(field: &str, raw: &str) -> Result<Option<chrono::NaiveDate>, PageError> {
    match raw.trim() {
        "" => Ok(None),
        d => dspdesk_core::time::parse_day(d)
            .map(Some)
            .map_err(|e| PageError::bad_request(format!("{field}={d:?}: {e}"))),
    }
}

/// The link prefix of a table's downloads: append `csv` or `xlsx`.
fn dl(week: &str, table: &str) -> String {
    format!("?week={week}&table={table}&download=")
}

#[derive(Template)]
#[template(path = "network/overview.html")]
struct OverviewPage {
    c: Chrome,
    empty: bool,
    week: String,
    prev_week: String,
    /// The following week, when any of it is loaded, and its label.
    next_week: String,
    next_label: String,
    /// "so far: 23 Nov to 25 Nov (3 of 7 days)" for an incomplete week, else empty.
    so_far: String,
    last_day: String,
    tiles: Vec<(&'static str, String, String)>,
    chart: String,
    attention: Vec<Line>,
    partners: usize,
    stations: usize,
    dl: String,
}

fn overview_tiles(w: &Counts, d: &Counts) -> Vec<(&'static str, String, String)> {
    let dpmo = |c: &Counts| c.nl_dpmo().map(|x| format!("{x:.0}")).unwrap_or_default();
    vec![
        ("Dispatched", int(w.dispatched), int(d.dispatched)),
        ("DOT", pct(w.dot_pct()), pct(d.dot_pct())),
        ("DCR", pct(w.dcr_pct()), pct(d.dcr_pct())),
        ("NL DPMO", dpmo(w), dpmo(d)),
        (
            "COD due",
            dspdesk_core::display::money_short(w.cod_due()),
            dspdesk_core::display::money_short(d.cod_due()),
        ),
    ]
}

/// How much of an incomplete week the numbers cover, in words; empty when complete.
pub fn so_far(ov: &views::Overview) -> String {
    match ov.covered {
        Some((a, b)) if !ov.complete => format!(
            "so far: {} to {} ({} of 7 days)",
            a.format("%a %-d %b"),
            b.format("%a %-d %b"),
            (b - a).num_days() + 1
        ),
        _ => String::new(),
    }
}

pub async fn overview(
    State(s): State<AppState>,
    u: User,
    PageWeek(week): PageWeek,
    Query(q): Query<TableQuery>,
) -> PageResult {
    let ov = views::overview(&s.ws, &u.actor, week).await?;
    let Some(ov) = ov.as_ref() else {
        return Ok(render(OverviewPage {
            c: chrome(&u, "overview"),
            empty: true,
            week: String::new(),
            prev_week: String::new(),
            next_week: String::new(),
            next_label: String::new(),
            so_far: String::new(),
            last_day: String::new(),
            tiles: Vec::new(),
            chart: String::new(),
            attention: Vec::new(),
            partners: 0,
            stations: 0,
            dl: String::new(),
        }));
    };
    if let Some(format) = &q.download {
        let rows = ov
            .attention
            .iter()
            .map(|p| (vec![p.partner.clone()], p.counts));
        let t = Table::of_counts(&["partner"], rows);
        return download(&t, &format!("attention-{}", ov.week), format);
    }
    let names = dspdesk_app::partners::names(&s.ws).await?;
    let next = (ov.week.sunday() < ov.newest)
        .then(|| IsoWeek::of(ov.week.sunday() + chrono::Duration::days(1)));
    Ok(render(OverviewPage {
        c: chrome(&u, "overview"),
        dl: dl(&ov.week.to_string(), "attention"),
        empty: false,
        week: ov.week.to_string(),
        prev_week: IsoWeek::of(ov.week.monday() - chrono::Duration::days(7)).to_string(),
        next_week: next.map(|w| w.to_string()).unwrap_or_default(),
        next_label: next
            .map(|w| {
                if ov.newest < w.sunday() {
                    format!("{w} so far")
                } else {
                    w.to_string()
                }
            })
            .unwrap_or_default(),
        so_far: so_far(ov),
        last_day: ov.last_day.format("%a %-d %b %Y").to_string(),
        tiles: overview_tiles(&ov.week_counts, &ov.day_counts),
        chart: trend_with(
            &ov.daily,
            &[(&format!("DOT target {}%", ov.dot_target), ov.dot_target)],
        ),
        attention: ov
            .attention
            .iter()
            .map(|p| {
                let href = format!("/partners/{}?week={}", p.partner, ov.week);
                Line {
                    name: names.get(&p.partner).cloned().unwrap_or_default(),
                    ..line(&p.partner, href, Some(p.stations), &p.counts)
                }
            })
            .collect(),
        partners: ov.partners,
        stations: ov.stations,
    }))
}

/// The partners or the stations of a week, one line each.
#[derive(Template)]
#[template(path = "network/list.html")]
struct ListPage {
    c: Chrome,
    title: &'static str,
    /// What the filter box filters, in words.
    noun: &'static str,
    /// The first column's header, and the header of the count of the others.
    first: &'static str,
    count_label: &'static str,
    week: String,
    rows: Vec<Line>,
    dl: String,
}

/// What a list page lists: its name in the URL, its words, and the key column.
struct Listing {
    path: &'static str,
    title: &'static str,
    noun: &'static str,
    first: &'static str,
    count_label: &'static str,
    key: &'static str,
}

const PARTNERS: Listing = Listing {
    path: "partners",
    title: "Partners",
    noun: "partners",
    first: "Partner",
    count_label: "Stations",
    key: "partner",
};

const STATIONS: Listing = Listing {
    path: "stations",
    title: "Stations",
    noun: "stations",
    first: "Station",
    count_label: "Partners",
    key: "station",
};

/// A list page, or its download: `lines` are (code, how many of the others, counts).
fn list_page(
    u: &User,
    what: &Listing,
    week: Option<IsoWeek>,
    lines: Vec<(&str, usize, &Counts)>,
    names: &std::collections::HashMap<String, String>,
    download_as: Option<&str>,
) -> PageResult {
    let wk = week.map(|w| w.to_string()).unwrap_or_default();
    if let Some(format) = download_as {
        let rows = lines.iter().map(|(k, _, c)| (vec![k.to_string()], **c));
        let t = Table::of_counts(&[what.key], rows);
        return download(&t, &format!("{}-{wk}", what.path), format);
    }
    let rows = lines
        .iter()
        .map(|(k, n, c)| Line {
            name: names.get(*k).cloned().unwrap_or_default(),
            ..line(k, format!("/{}/{k}?week={wk}", what.path), Some(*n), c)
        })
        .collect();
    Ok(render(ListPage {
        c: chrome(u, what.path),
        title: what.title,
        noun: what.noun,
        first: what.first,
        count_label: what.count_label,
        dl: dl(&wk, what.path),
        week: wk,
        rows,
    }))
}

pub async fn partners(
    State(s): State<AppState>,
    u: User,
    PageWeek(week): PageWeek,
    Query(q): Query<TableQuery>,
) -> PageResult {
    let (week, list) = views::partners(&s.ws, &u.actor, week).await?;
    let lines = list
        .iter()
        .map(|p| (p.partner.as_str(), p.stations, &p.counts))
        .collect();
    let names = dspdesk_app::partners::names(&s.ws).await?;
    list_page(&u, &PARTNERS, week, lines, &names, q.download.as_deref())
}

#[derive(Template)]
#[template(path = "network/partner.html")]
struct PartnerPage {
    c: Chrome,
    partner: String,
    week: String,
    /// The date range shown, as typed back into its form (empty: the week's view).
    from: String,
    to: String,
    /// What the page covers, in words: "2026-W47" or "1 Nov to 20 Nov 2026".
    span: String,
    summary: Line,
    chart: String,
    weeks: Vec<Line>,
    stations: Vec<Line>,
    days: Vec<Line>,
    dl_stations: String,
    dl_weeks: String,
    dl_days: String,
}

fn partner_table(v: &views::PartnerView, table: Option<&str>) -> (Table, String) {
    match table {
        Some("weeks") => (
            Table::of_counts(
                &["week"],
                v.weeks.iter().map(|(w, c)| (vec![w.to_string()], *c)),
            ),
            format!("{}-weeks", v.partner),
        ),
        Some("days") => (
            Table::of_counts(
                &["date"],
                v.daily.iter().map(|(d, c)| (vec![d.to_string()], *c)),
            ),
            format!("{}-days", v.partner),
        ),
        _ => (
            Table::of_counts(
                &["station"],
                v.by_station.iter().map(|(st, c)| (vec![st.clone()], *c)),
            ),
            format!("{}-stations-{}", v.partner, v.week),
        ),
    }
}

pub async fn partner(
    State(s): State<AppState>,
    u: User,
    PageWeek(week): PageWeek,
    Path(code): Path<String>,
    Query(q): Query<TableQuery>,
) -> PageResult {
    let code = partner_code(&code)?;
    let range = match (range_day("from", &q.from)?, range_day("to", &q.to)?) {
        (Some(a), Some(b)) => Some((a, b)),
        (None, None) => None,
        _ => {
            return Err(PageError::bad_request(
                "a date range needs both from and to (YYYY-MM-DD)",
            ));
        }
    };
    let ranged;
    let view;
    let v = match range {
        Some((a, b)) => {
            ranged = views::partner_between(&s.ws, &u.actor, &code, a, b).await?;
            ranged.as_ref()
        }
        None => {
            view = views::partner(&s.ws, &u.actor, &code, week).await?;
            view.as_ref().as_ref()
        }
    }
    .ok_or_else(|| PageError::not_found("partner with data in that range"))?;
    if let Some(format) = &q.download {
        let (t, name) = partner_table(v, q.table.as_deref());
        return download(&t, &name, format);
    }
    let wk = v.week.to_string();
    let link = |what: &str| format!("/partners/{}{what}", v.partner);
    let keep = range.map_or(String::new(), |(a, b)| format!("&from={a}&to={b}"));
    let dl = |table: &str| format!("?week={wk}{keep}&table={table}&download=");
    let span = range.map_or(wk.clone(), |(a, b)| {
        format!("{} to {}", a.format("%-d %b"), b.format("%-d %b %Y"))
    });
    Ok(render(PartnerPage {
        c: chrome(&u, "partners"),
        dl_stations: dl("stations"),
        dl_weeks: dl("weeks"),
        dl_days: dl("days"),
        from: range.map(|r| r.0.to_string()).unwrap_or_default(),
        to: range.map(|r| r.1.to_string()).unwrap_or_default(),
        span,
        partner: v.partner.clone(),
        summary: line(&v.partner, String::new(), None, &v.week_counts),
        chart: trend(&v.daily),
        weeks: v
            .weeks
            .iter()
            .rev()
            .map(|(w, c)| line(&w.to_string(), link(&format!("?week={w}")), None, c))
            .collect(),
        stations: v
            .by_station
            .iter()
            .map(|(st, c)| line(st, String::new(), None, c))
            .collect(),
        days: v
            .daily
            .iter()
            .rev()
            .take(if range.is_some() { usize::MAX } else { 14 })
            .map(|(d, c)| line(&d.to_string(), link(&format!("/days/{d}")), None, c))
            .collect(),
        week: wk,
    }))
}

pub struct RouteRow {
    pub href: String,
    pub station: String,
    pub route_id: String,
    pub block: String,
    pub mot: String,
    pub km: String,
    pub supervisor: String,
    pub driver: String,
    pub payout: String,
    pub cost: String,
    pub profit: String,
    pub loss: bool,
    pub margin: String,
    pub dispatched: String,
    pub delivered: String,
    pub dot: String,
    pub dot_raw: String,
}

#[derive(Template)]
#[template(path = "network/day.html")]
struct DayPage {
    c: Chrome,
    partner: String,
    date: String,
    routes: Vec<RouteRow>,
    dl: String,
}

fn route_row(r: &drill::RouteLine, date: &str) -> RouteRow {
    let dash = || "–".to_owned();
    RouteRow {
        href: format!(
            "/stations/{}/days/{date}/routes/{}",
            r.station,
            segment(&r.route_id)
        ),
        station: r.station.clone(),
        route_id: r.route_id.clone(),
        block: r.block_hours.map_or_else(dash, |h| format!("{h} h")),
        mot: r.mot.clone().unwrap_or_else(dash),
        km: r.distance_km.map_or_else(dash, |k| format!("{k:.1}")),
        supervisor: r.supervisor.clone().unwrap_or_default(),
        driver: r.driver.clone().unwrap_or_default(),
        payout: r.payout.map_or_else(dash, money),
        cost: r.cost.map_or_else(dash, money),
        profit: r.profit.map_or_else(dash, money),
        loss: r
            .profit
            .is_some_and(|p| p.is_sign_negative() && !p.is_zero()),
        margin: r.margin_pct.map_or_else(dash, |m| format!("{m:.1}%")),
        dispatched: int(r.counts.dispatched),
        delivered: int(r.counts.delivered),
        dot: pct(r.counts.dot_pct()),
        dot_raw: r
            .counts
            .dot_pct()
            .map(|x| format!("{x:.4}"))
            .unwrap_or_default(),
    }
}

pub async fn partner_day(
    State(s): State<AppState>,
    u: User,
    Path((code, date)): Path<(String, String)>,
    Query(q): Query<TableQuery>,
) -> PageResult {
    let day = dspdesk_core::time::parse_day(&date).map_err(|_| PageError::not_found("day"))?;
    let lines = drill::partner_day(&s.ws, &u.actor, &partner_code(&code)?, day)
        .await?
        .ok_or_else(|| PageError::not_found("day"))?;
    if let Some(format) = &q.download {
        return download(
            &drill::day_table(&lines),
            &format!("{code}-routes-{date}"),
            format,
        );
    }
    Ok(render(DayPage {
        c: chrome(&u, "partners"),
        dl: "?download=".into(),
        partner: code.clone(),
        routes: lines.iter().map(|r| route_row(r, &date)).collect(),
        date,
    }))
}

#[derive(Template)]
#[template(path = "network/route.html")]
struct RoutePage {
    c: Chrome,
    v: drill::RouteView,
    dot: String,
    dl: String,
}

pub async fn route(
    State(s): State<AppState>,
    u: User,
    Path((station, date, route)): Path<(String, String, String)>,
    Query(q): Query<TableQuery>,
) -> PageResult {
    let day = dspdesk_core::time::parse_day(&date).map_err(|_| PageError::not_found("day"))?;
    let v = drill::route(&s.ws, &u.actor, &station_code(&station)?, day, &route)
        .await?
        .ok_or_else(|| PageError::not_found("route"))?;
    if let Some(format) = &q.download {
        let name = format!("route-{}-{}", v.route_id, v.date);
        return download(&drill::packages_table(&v), &name, format);
    }
    Ok(render(RoutePage {
        c: chrome(&u, "partners"),
        dl: "?download=".into(),
        dot: pct(v.counts.dot_pct()),
        v,
    }))
}

pub async fn stations(
    State(s): State<AppState>,
    u: User,
    PageWeek(week): PageWeek,
    Query(q): Query<TableQuery>,
) -> PageResult {
    let v = views::stations(&s.ws, &u.actor, week).await?;
    let (week, list) = v.as_ref();
    let lines = list
        .iter()
        .map(|l| (l.station.as_str(), l.partners, &l.counts))
        .collect();
    let names = dspdesk_app::network::station_names(&s.ws).await?;
    list_page(&u, &STATIONS, *week, lines, &names, q.download.as_deref())
}

#[derive(Template)]
#[template(path = "network/station.html")]
struct StationPage {
    c: Chrome,
    station: String,
    /// The station's name, or empty.
    name: String,
    week: String,
    summary: Line,
    chart: String,
    partners: Vec<Line>,
    dl: String,
}

pub async fn station(
    State(s): State<AppState>,
    u: User,
    PageWeek(week): PageWeek,
    Path(code): Path<String>,
    Query(q): Query<TableQuery>,
) -> PageResult {
    let view = views::station(&s.ws, &u.actor, &station_code(&code)?, week).await?;
    let v = view
        .as_ref()
        .as_ref()
        .ok_or_else(|| PageError::not_found("station"))?;
    let wk = v.week.to_string();
    if let Some(format) = &q.download {
        let rows = v
            .partners
            .iter()
            .map(|p| (vec![p.partner.clone()], p.counts));
        let t = Table::of_counts(&["partner"], rows);
        return download(&t, &format!("{}-partners-{wk}", v.station), format);
    }
    let names = dspdesk_app::partners::names(&s.ws).await?;
    Ok(render(StationPage {
        c: chrome(&u, "stations"),
        station: v.station.clone(),
        name: dspdesk_app::network::station_names(&s.ws)
            .await?
            .remove(&v.station)
            .unwrap_or_default(),
        summary: line(&v.station, String::new(), None, &v.week_counts),
        chart: trend(&v.daily),
        partners: v
            .partners
            .iter()
            .map(|p| {
                let href = format!("/partners/{}?week={wk}", p.partner);
                Line {
                    name: names.get(&p.partner).cloned().unwrap_or_default(),
                    ..line(&p.partner, href, Some(p.stations), &p.counts)
                }
            })
            .collect(),
        dl: dl(&wk, "partners"),
        week: wk,
    }))
}
