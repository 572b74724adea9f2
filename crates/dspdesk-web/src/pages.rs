//! HTML pages. Each handler parses, calls one view, renders a template.

use crate::AppState;
use crate::auth::{LOGIN_CSRF_COOKIE, SESSION_COOKIE, User, cookie, set_cookie};
use crate::charts::{Series, line_chart};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use dspdesk_app::people::{LoginError, SESSION_HOURS};
use dspdesk_app::views;
use dspdesk_core::{Counts, IsoWeek};

pub fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.2}%")).unwrap_or_else(|| "–".into())
}

pub fn int(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Money with thousands separators and two decimals: 64,883,642.90.
pub fn money(d: rust_decimal::Decimal) -> String {
    let s = format!("{:.2}", d);
    let (whole, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let n: i64 = whole.parse().unwrap_or(0);
    let sign = if whole.starts_with('-') && n == 0 {
        "-"
    } else {
        ""
    };
    format!("{sign}{}.{frac}", int(n))
}

/// A table row of formatted metrics.
pub struct Line {
    pub label: String,
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
    let points = |f: fn(&Counts) -> Option<f64>| {
        daily
            .iter()
            .map(|(d, c)| (d.format("%d %b").to_string(), f(c)))
            .collect()
    };
    line_chart(
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
    )
}

pub(crate) fn render(t: impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

pub(crate) fn server_error(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "request failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong; it has been logged.",
    )
        .into_response()
}

/// Header and menu facts every page shows.
pub struct Chrome {
    pub user: String,
    pub role: String,
    pub csrf: String,
    pub nav: &'static str,
}

pub(crate) fn chrome(u: &User, nav: &'static str) -> Chrome {
    Chrome {
        user: u.user.display_name.clone(),
        role: u.user.role.to_string(),
        csrf: u.csrf.clone(),
        nav,
    }
}

#[derive(serde::Deserialize)]
pub struct WeekQuery {
    /// `csv` or `xlsx`: the page's table as a file.
    download: Option<String>,
    /// Which table, on pages with several.
    table: Option<String>,
}

/// The link prefix of a table's downloads: append `csv` or `xlsx`.
fn dl(week: &str, table: &str) -> String {
    format!("?week={week}&table={table}&download=")
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    c: Chrome,
    empty: bool,
    week: String,
    prev_week: String,
    last_day: String,
    tiles: Vec<(&'static str, String, String)>,
    chart: String,
    attention: Vec<Line>,
    partners: usize,
    stations: usize,
    dl: String,
}

pub async fn overview(
    State(s): State<AppState>,
    u: User,
    crate::PageWeek(week): crate::PageWeek,
    Query(q): Query<WeekQuery>,
) -> Response {
    let ov = match views::overview(&s.ws, &u.scope(), week)
        .await
        .map(|v| (*v).clone())
    {
        Ok(v) => v,
        Err(e) => return server_error(e),
    };
    let Some(ov) = ov else {
        return render(OverviewPage {
            c: chrome(&u, "overview"),
            empty: true,
            week: String::new(),
            prev_week: String::new(),
            last_day: String::new(),
            tiles: Vec::new(),
            chart: String::new(),
            attention: Vec::new(),
            partners: 0,
            stations: 0,
            dl: String::new(),
        });
    };
    let w = &ov.week_counts;
    let d = &ov.day_counts;
    let tiles = vec![
        ("Dispatched", int(w.dispatched), int(d.dispatched)),
        ("DOT", pct(w.dot_pct()), pct(d.dot_pct())),
        ("DCR", pct(w.dcr_pct()), pct(d.dcr_pct())),
        (
            "NL DPMO",
            w.nl_dpmo().map(|x| format!("{x:.0}")).unwrap_or_default(),
            d.nl_dpmo().map(|x| format!("{x:.0}")).unwrap_or_default(),
        ),
        ("COD due", money(w.cod_due()), money(d.cod_due())),
    ];
    let prev = IsoWeek::of(ov.week.monday() - chrono::Duration::days(7)).to_string();
    if let Some(format) = &q.download {
        let rows = ov
            .attention
            .iter()
            .map(|p| (vec![p.partner.clone()], p.counts));
        return crate::tables::download(
            &crate::tables::counts_table(&format!("attention-{}", ov.week), &["partner"], rows),
            format,
        );
    }
    render(OverviewPage {
        c: chrome(&u, "overview"),
        dl: dl(&ov.week.to_string(), "attention"),
        empty: false,
        week: ov.week.to_string(),
        prev_week: prev,
        last_day: ov.last_day.to_string(),
        tiles,
        chart: trend(&ov.daily),
        attention: ov
            .attention
            .iter()
            .map(|p| {
                line(
                    &p.partner,
                    format!("/partners/{}?week={}", p.partner, ov.week),
                    Some(p.stations),
                    &p.counts,
                )
            })
            .collect(),
        partners: ov.partners,
        stations: ov.stations,
    })
}

#[derive(Template)]
#[template(path = "partners.html")]
struct PartnersPage {
    c: Chrome,
    week: String,
    rows: Vec<Line>,
    dl: String,
}

pub async fn partners(
    State(s): State<AppState>,
    u: User,
    crate::PageWeek(week): crate::PageWeek,
    Query(q): Query<WeekQuery>,
) -> Response {
    match views::partners(&s.ws, &u.scope(), week).await {
        Ok((week, list)) => {
            let wk = week.map(|w| w.to_string()).unwrap_or_default();
            if let Some(format) = &q.download {
                let rows = list.iter().map(|p| (vec![p.partner.clone()], p.counts));
                return crate::tables::download(
                    &crate::tables::counts_table(&format!("partners-{wk}"), &["partner"], rows),
                    format,
                );
            }
            let rows = list
                .iter()
                .map(|p| {
                    line(
                        &p.partner,
                        format!("/partners/{}?week={wk}", p.partner),
                        Some(p.stations),
                        &p.counts,
                    )
                })
                .collect();
            render(PartnersPage {
                c: chrome(&u, "partners"),
                dl: dl(&wk, "partners"),
                week: wk,
                rows,
            })
        }
        Err(e) => server_error(e),
    }
}

#[derive(Template)]
#[template(path = "partner.html")]
struct PartnerPage {
    c: Chrome,
    partner: String,
    week: String,
    summary: Line,
    chart: String,
    weeks: Vec<Line>,
    stations: Vec<Line>,
    days: Vec<Line>,
    dl_stations: String,
    dl_weeks: String,
    dl_days: String,
}

pub async fn partner(
    State(s): State<AppState>,
    u: User,
    crate::PageWeek(week): crate::PageWeek,
    Path(code): Path<String>,
    Query(q): Query<WeekQuery>,
) -> Response {
    match views::partner(&s.ws, &u.scope(), &code, week)
        .await
        .map(|v| (*v).clone())
    {
        Ok(Some(v)) if q.download.is_some() => {
            let format = q.download.as_deref().unwrap_or("csv");
            let table = match q.table.as_deref() {
                Some("weeks") => crate::tables::counts_table(
                    &format!("{}-weeks", v.partner),
                    &["week"],
                    v.weeks.iter().map(|(w, c)| (vec![w.to_string()], *c)),
                ),
                Some("days") => crate::tables::counts_table(
                    &format!("{}-days", v.partner),
                    &["date"],
                    v.daily.iter().map(|(d, c)| (vec![d.to_string()], *c)),
                ),
                _ => crate::tables::counts_table(
                    &format!("{}-stations-{}", v.partner, v.week),
                    &["station"],
                    v.by_station.iter().map(|(st, c)| (vec![st.clone()], *c)),
                ),
            };
            crate::tables::download(&table, format)
        }
        Ok(Some(v)) => render(PartnerPage {
            c: chrome(&u, "partners"),
            dl_stations: dl(&v.week.to_string(), "stations"),
            dl_weeks: dl(&v.week.to_string(), "weeks"),
            dl_days: dl(&v.week.to_string(), "days"),
            partner: v.partner.clone(),
            week: v.week.to_string(),
            summary: line(&v.partner, String::new(), None, &v.week_counts),
            chart: trend(&v.daily),
            weeks: v
                .weeks
                .iter()
                .rev()
                .map(|(w, c)| {
                    line(
                        &w.to_string(),
                        format!("/partners/{}?week={w}", v.partner),
                        None,
                        c,
                    )
                })
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
                .take(14)
                .map(|(d, c)| {
                    line(
                        &d.to_string(),
                        format!("/partners/{}/days/{d}", v.partner),
                        None,
                        c,
                    )
                })
                .collect(),
        }),
        Ok(None) => not_found_for(&u),
        Err(e) => server_error(e),
    }
}

#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundPage {
    c: Option<Chrome>,
}

fn not_found_for(u: &User) -> Response {
    (
        StatusCode::NOT_FOUND,
        render(NotFoundPage {
            c: Some(chrome(u, "")),
        }),
    )
        .into_response()
}

pub async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, render(NotFoundPage { c: None })).into_response()
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    error: String,
}

fn login_page(s: &AppState, error: &str, status: StatusCode) -> Response {
    let csrf = match dspdesk_app::people::random_token() {
        Ok(t) => t,
        Err(e) => return server_error(e),
    };
    let mut resp = (
        status,
        render(LoginPage {
            csrf: csrf.clone(),
            error: error.into(),
        }),
    )
        .into_response();
    if let Ok(v) = set_cookie(LOGIN_CSRF_COOKIE, &csrf, 3600, s.secure_cookies).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

pub async fn login_form(State(s): State<AppState>) -> Response {
    login_page(&s, "", StatusCode::OK)
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    csrf: String,
}

pub async fn login(
    State(s): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    // Double-submit: the form's token must match the cookie set with the form.
    if cookie(&headers, LOGIN_CSRF_COOKIE) != Some(f.csrf.as_str()) {
        return login_page(
            &s,
            "The form expired; please log in again.",
            StatusCode::FORBIDDEN,
        );
    }
    match dspdesk_app::people::login(&s.ws, f.username.trim(), &f.password).await {
        Ok(session) => {
            let mut resp = Redirect::to("/").into_response();
            if let Ok(v) = set_cookie(
                SESSION_COOKIE,
                &session.token,
                SESSION_HOURS * 3600,
                s.secure_cookies,
            )
            .parse()
            {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            resp
        }
        Err(LoginError::App(e)) => server_error(e),
        Err(e @ LoginError::Throttled) => {
            login_page(&s, &e.to_string(), StatusCode::TOO_MANY_REQUESTS)
        }
        // A form is answered with its message (200), as a person expects; the API says 401.
        Err(e) => login_page(
            &s,
            &format!("{}.", capitalise(&e.to_string())),
            StatusCode::OK,
        ),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[derive(serde::Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn logout(State(s): State<AppState>, u: User, Form(f): Form<CsrfForm>) -> Response {
    if f.csrf != u.csrf {
        return (StatusCode::FORBIDDEN, "The form expired; reload the page.").into_response();
    }
    if let Err(e) = dspdesk_app::people::logout(&s.ws, &u.token).await {
        return server_error(e);
    }
    let mut resp = Redirect::to("/login").into_response();
    if let Ok(v) = set_cookie(SESSION_COOKIE, "", 0, s.secure_cookies).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

pub async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/app.css"),
    )
        .into_response()
}

pub async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../static/favicon.svg"),
    )
        .into_response()
}

pub async fn js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/app.js"),
    )
        .into_response()
}

fn parse_date(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()
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
#[template(path = "day.html")]
struct DayPage {
    c: Chrome,
    partner: String,
    date: String,
    routes: Vec<RouteRow>,
    dl: String,
}

pub async fn partner_day(
    State(s): State<AppState>,
    u: User,
    Path((code, date)): Path<(String, String)>,
    Query(q): Query<WeekQuery>,
) -> Response {
    let Some(day) = parse_date(&date) else {
        return not_found_for(&u);
    };
    match dspdesk_app::drill::partner_day(&s.ws, &u.scope(), &code, day).await {
        Ok(Some(lines)) if q.download.is_some() => {
            use crate::tables::{COUNT_COLUMNS, Cell, Table, count_cells};
            let mut header: Vec<String> = [
                "station",
                "route_id",
                "block_hours",
                "mot",
                "distance_km",
                "supervisor",
                "driver",
                "payout",
                "cost",
                "profit",
                "margin_pct",
            ]
            .map(String::from)
            .to_vec();
            header.extend(COUNT_COLUMNS.iter().map(|c| c.to_string()));
            let minor = |d: Option<rust_decimal::Decimal>| {
                d.and_then(|d| (d * rust_decimal::Decimal::from(100)).try_into().ok())
                    .map_or(Cell::Num(None), Cell::Money)
            };
            let rows = lines
                .iter()
                .map(|r| {
                    let mut row = vec![
                        Cell::Text(r.station.clone()),
                        Cell::Text(r.route_id.clone()),
                        r.block_hours
                            .map(|h| Cell::Int(h.into()))
                            .unwrap_or(Cell::Num(None)),
                        Cell::Text(r.mot.clone().unwrap_or_default()),
                        Cell::Num(r.distance_km),
                        Cell::Text(r.supervisor.clone().unwrap_or_default()),
                        Cell::Text(r.driver.clone().unwrap_or_default()),
                        minor(r.payout),
                        minor(r.cost),
                        minor(r.profit),
                        Cell::Num(r.margin_pct),
                    ];
                    row.extend(count_cells(&r.counts));
                    row
                })
                .collect();
            crate::tables::download(
                &Table {
                    name: format!("{code}-routes-{date}"),
                    header,
                    rows,
                },
                q.download.as_deref().unwrap_or("csv"),
            )
        }
        Ok(Some(lines)) => render(DayPage {
            c: chrome(&u, "partners"),
            dl: "?download=".into(),
            partner: code.clone(),
            date: date.clone(),
            routes: lines
                .iter()
                .map(|r| RouteRow {
                    href: format!("/stations/{}/days/{date}/routes/{}", r.station, r.route_id),
                    station: r.station.clone(),
                    route_id: r.route_id.clone(),
                    block: r
                        .block_hours
                        .map(|h| format!("{h} h"))
                        .unwrap_or_else(|| "–".into()),
                    mot: r.mot.clone().unwrap_or_else(|| "–".into()),
                    km: r
                        .distance_km
                        .map(|k| format!("{k:.1}"))
                        .unwrap_or_else(|| "–".into()),
                    supervisor: r.supervisor.clone().unwrap_or_default(),
                    driver: r.driver.clone().unwrap_or_default(),
                    payout: r.payout.map_or("–".into(), money),
                    cost: r.cost.map_or("–".into(), money),
                    profit: r.profit.map_or("–".into(), money),
                    loss: r
                        .profit
                        .is_some_and(|p| p.is_sign_negative() && !p.is_zero()),
                    margin: r.margin_pct.map_or("–".into(), |m| format!("{m:.1}%")),
                    dispatched: int(r.counts.dispatched),
                    delivered: int(r.counts.delivered),
                    dot: pct(r.counts.dot_pct()),
                    dot_raw: r
                        .counts
                        .dot_pct()
                        .map(|x| format!("{x:.4}"))
                        .unwrap_or_default(),
                })
                .collect(),
        }),
        Ok(None) => not_found_for(&u),
        Err(e) => server_error(e),
    }
}

#[derive(Template)]
#[template(path = "route.html")]
struct RoutePage {
    c: Chrome,
    v: dspdesk_app::drill::RouteView,
    dot: String,
    dl: String,
}

pub async fn route(
    State(s): State<AppState>,
    u: User,
    Path((station, date, route)): Path<(String, String, String)>,
    Query(q): Query<WeekQuery>,
) -> Response {
    let Some(day) = parse_date(&date) else {
        return not_found_for(&u);
    };
    match dspdesk_app::drill::route(&s.ws, &u.scope(), &station, day, &route).await {
        Ok(Some(v)) if q.download.is_some() => {
            use crate::tables::{Cell, Table};
            let header = [
                "package_id",
                "status",
                "promised_by",
                "delivered_at",
                "on_time",
                "cod_amount",
                "declared_value",
                "vas",
            ]
            .map(String::from)
            .to_vec();
            let rows = v
                .packages
                .iter()
                .map(|p| {
                    vec![
                        Cell::Text(p.package_id.clone()),
                        Cell::Text(p.status.to_string()),
                        Cell::Text(p.promised_by.clone()),
                        Cell::Text(p.delivered_at.clone().unwrap_or_default()),
                        Cell::Text(if p.on_time { "yes" } else { "no" }.into()),
                        Cell::Text(p.cod_amount.clone()),
                        Cell::Text(p.declared_value.clone()),
                        Cell::Text(p.vas.clone().unwrap_or_default()),
                    ]
                })
                .collect();
            crate::tables::download(
                &Table {
                    name: format!("route-{}-{}", v.route_id, v.date),
                    header,
                    rows,
                },
                q.download.as_deref().unwrap_or("csv"),
            )
        }
        Ok(Some(v)) => render(RoutePage {
            c: chrome(&u, "partners"),
            dl: "?download=".into(),
            dot: pct(v.counts.dot_pct()),
            v,
        }),
        Ok(None) => not_found_for(&u),
        Err(e) => server_error(e),
    }
}

#[derive(Template)]
#[template(path = "upload.html")]
struct UploadPage {
    c: Chrome,
    /// What happened to the last upload: (ok, text).
    result: Option<(bool, String)>,
}

fn may_upload(u: &User) -> bool {
    matches!(
        u.user.role,
        dspdesk_core::Role::Admin | dspdesk_core::Role::Program
    )
}

pub async fn upload_form(u: User) -> Response {
    if !may_upload(&u) {
        return (StatusCode::FORBIDDEN, "Only the program team loads files.").into_response();
    }
    render(UploadPage {
        c: chrome(&u, "upload"),
        result: None,
    })
}

/// Receives a file, loads it like `dspdesk ingest`, and shows the outcome or every error.
pub async fn upload(
    State(s): State<AppState>,
    u: User,
    mut form: axum::extract::Multipart,
) -> Response {
    if !may_upload(&u) {
        return (StatusCode::FORBIDDEN, "Only the program team loads files.").into_response();
    }
    let (mut kind, mut csrf, mut skip, mut saved) = (None, None, false, None);
    let dir = s.ws.data_dir.join("uploads");
    if let Err(e) = std::fs::create_dir_all(&dir) {
        return server_error(e);
    }
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return (
                    StatusCode::BAD_REQUEST,
                    format!("The upload was cut short: {e}"),
                )
                    .into_response();
            }
        };
        match field.name().unwrap_or("") {
            "kind" => {
                kind = field
                    .text()
                    .await
                    .ok()
                    .and_then(|k| dspdesk_app::Kind::parse(&k))
            }
            "csrf" => csrf = field.text().await.ok(),
            "skip_bad_rows" => skip = true,
            "file" => {
                // Keep the extension (it names the format) and nothing else of the name.
                let name = field.file_name().unwrap_or("upload.csv").to_string();
                let ext = std::path::Path::new(&name)
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or("csv")
                    .to_ascii_lowercase();
                let token = match dspdesk_app::people::random_token() {
                    Ok(t) => t,
                    Err(e) => return server_error(e),
                };
                let path = dir.join(format!("{}.{ext}", &token[..16]));
                let bytes = match field.bytes().await {
                    Ok(b) => b,
                    Err(e) => {
                        return (
                            StatusCode::BAD_REQUEST,
                            format!("The upload was cut short: {e}"),
                        )
                            .into_response();
                    }
                };
                if let Err(e) = std::fs::write(&path, &bytes) {
                    return server_error(e);
                }
                saved = Some((path, name));
            }
            _ => {}
        }
    }
    if csrf.as_deref() != Some(u.csrf.as_str()) {
        return (StatusCode::FORBIDDEN, "The form expired; reload the page.").into_response();
    }
    let (Some(kind), Some((path, name))) = (kind, saved) else {
        return render(UploadPage {
            c: chrome(&u, "upload"),
            result: Some((
                false,
                "Choose what the file holds and the file itself.".into(),
            )),
        });
    };
    let opts = dspdesk_app::ingest::IngestOptions {
        skip_bad_rows: skip,
        loaded_by: u.user.username.clone(),
        ..Default::default()
    };
    let outcome = dspdesk_app::ingest::ingest(&s.ws, kind, &path, &opts, Default::default()).await;
    let result = match outcome {
        Ok(r) if r.outcome == "unchanged" => (
            true,
            format!("{name}: unchanged: the same content is already loaded and current."),
        ),
        Ok(r) => {
            // The flags follow the data, as after `dspdesk ingest`.
            let flags = match dspdesk_app::scoring::refresh_flags(&s.ws).await {
                Ok(f) => format!(" Flags: {} opened, {} cleared.", f.opened, f.cleared),
                Err(e) => {
                    tracing::error!(error = %e, "flag refresh failed after an upload");
                    " The flags could not be refreshed; it has been logged.".into()
                }
            };
            (
                true,
                format!(
                    "{name}: loaded {} {} rows{}; {} station-days replaced; {} daily facts.{flags}",
                    int(r.rows_loaded as i64),
                    r.kind,
                    if r.rows_rejected > 0 {
                        format!(", {} rejected", int(r.rows_rejected as i64))
                    } else {
                        String::new()
                    },
                    int(r.station_days as i64),
                    int(r.facts as i64)
                ),
            )
        }
        // The error names the stored file: show the name the person chose, and the
        // CLI's advice in the page's words.
        Err(e) => {
            let text = e.to_string().replace(&path.display().to_string(), &name);
            let text = match text.split_once("Correct the file, or run again with --skip-bad-rows")
            {
                Some((head, _)) => format!(
                    "{head}Correct the file, or tick “Load the good rows” and load it again."
                ),
                None => text,
            };
            (false, text)
        }
    };
    if !result.0 || !skip {
        let _ = std::fs::remove_file(&path);
    }
    render(UploadPage {
        c: chrome(&u, "upload"),
        result: Some(result),
    })
}

#[derive(Template)]
#[template(path = "stations.html")]
struct StationsPage {
    c: Chrome,
    week: String,
    rows: Vec<Line>,
    dl: String,
}

pub async fn stations(
    State(s): State<AppState>,
    u: User,
    crate::PageWeek(week): crate::PageWeek,
    Query(q): Query<WeekQuery>,
) -> Response {
    let v = match views::stations(&s.ws, &u.scope(), week).await {
        Ok(v) => v,
        Err(e) => return server_error(e),
    };
    let (week, list) = v.as_ref();
    let wk = week.map(|w| w.to_string()).unwrap_or_default();
    if let Some(format) = &q.download {
        let rows = list.iter().map(|l| (vec![l.station.clone()], l.counts));
        return crate::tables::download(
            &crate::tables::counts_table(&format!("stations-{wk}"), &["station"], rows),
            format,
        );
    }
    let rows = list
        .iter()
        .map(|l| {
            line(
                &l.station,
                format!("/stations/{}?week={wk}", l.station),
                Some(l.partners),
                &l.counts,
            )
        })
        .collect();
    render(StationsPage {
        c: chrome(&u, "stations"),
        dl: dl(&wk, "stations"),
        week: wk,
        rows,
    })
}

#[derive(Template)]
#[template(path = "station.html")]
struct StationPage {
    c: Chrome,
    station: String,
    week: String,
    summary: Line,
    chart: String,
    partners: Vec<Line>,
    dl: String,
}

pub async fn station(
    State(s): State<AppState>,
    u: User,
    crate::PageWeek(week): crate::PageWeek,
    Path(code): Path<String>,
    Query(q): Query<WeekQuery>,
) -> Response {
    let v = match views::station(&s.ws, &u.scope(), &code, week).await {
        Ok(v) => v,
        Err(e) => return server_error(e),
    };
    let Some(v) = v.as_ref() else {
        return not_found_for(&u);
    };
    let wk = v.week.to_string();
    if let Some(format) = &q.download {
        let rows = v
            .partners
            .iter()
            .map(|p| (vec![p.partner.clone()], p.counts));
        return crate::tables::download(
            &crate::tables::counts_table(
                &format!("{}-partners-{wk}", v.station),
                &["partner"],
                rows,
            ),
            format,
        );
    }
    render(StationPage {
        c: chrome(&u, "stations"),
        station: v.station.clone(),
        summary: line(&v.station, String::new(), None, &v.week_counts),
        chart: trend(&v.daily),
        partners: v
            .partners
            .iter()
            .map(|p| {
                line(
                    &p.partner,
                    format!("/partners/{}?week={wk}", p.partner),
                    Some(p.stations),
                    &p.counts,
                )
            })
            .collect(),
        dl: dl(&wk, "partners"),
        week: wk,
    })
}

pub struct UserRowView {
    pub username: String,
    pub name: String,
    pub role: String,
    pub scope: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    c: Chrome,
    users: Vec<UserRowView>,
    /// What the last action did: (ok, text).
    result: Option<(bool, String)>,
}

async fn users_page(s: &AppState, u: &User, result: Option<(bool, String)>) -> Response {
    match s.ws.store.list_users().await {
        Ok(list) => render(UsersPage {
            c: chrome(u, "users"),
            users: list
                .into_iter()
                .map(|x| UserRowView {
                    scope: x
                        .scopes
                        .iter()
                        .map(|(k, c)| format!("{k}:{c}"))
                        .collect::<Vec<_>>()
                        .join(" "),
                    username: x.username,
                    name: x.display_name,
                    role: x.role.to_string(),
                    active: !x.disabled,
                })
                .collect(),
            result,
        }),
        Err(e) => server_error(e),
    }
}

fn admin_only(u: &User) -> Option<Response> {
    (u.user.role != dspdesk_core::Role::Admin)
        .then(|| (StatusCode::FORBIDDEN, "Only an admin manages users.").into_response())
}

pub async fn users(State(s): State<AppState>, u: User) -> Response {
    if let Some(r) = admin_only(&u) {
        return r;
    }
    users_page(&s, &u, None).await
}

#[derive(serde::Deserialize)]
pub struct NewUserForm {
    csrf: String,
    username: String,
    name: String,
    role: String,
    #[serde(default)]
    partners: String,
    #[serde(default)]
    stations: String,
}

fn codes(raw: &str) -> Vec<String> {
    raw.split([',', ' '])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(String::from)
        .collect()
}

pub async fn add_user(State(s): State<AppState>, u: User, Form(f): Form<NewUserForm>) -> Response {
    if let Some(r) = admin_only(&u) {
        return r;
    }
    if f.csrf != u.csrf {
        return (StatusCode::FORBIDDEN, "The form expired; reload the page.").into_response();
    }
    let actor = format!("web:{}", u.user.username);
    let result = async {
        let role = dspdesk_core::Role::parse(&f.role)
            .ok_or_else(|| format!("{:?} is not a role", f.role))?;
        let scopes =
            dspdesk_app::people::scopes_for(role, &codes(&f.partners), &codes(&f.stations))
                .map_err(|e| e.to_string())?;
        let password =
            dspdesk_app::people::random_token().map_err(|e| e.to_string())?[..20].to_string();
        let name = if f.name.trim().is_empty() {
            f.username.trim()
        } else {
            f.name.trim()
        };
        dspdesk_app::people::create_user(
            &s.ws,
            &actor,
            f.username.trim(),
            name,
            role,
            scopes,
            &password,
        )
        .await
        .map_err(|e| e.to_string())?;
        Ok::<_, String>(format!(
            "Added {} ({role}). Their password, shown once: {password}",
            f.username.trim()
        ))
    }
    .await;
    users_page(
        &s,
        &u,
        Some(match result {
            Ok(t) => (true, t),
            Err(e) => (false, e),
        }),
    )
    .await
}

pub async fn disable_user(
    State(s): State<AppState>,
    u: User,
    Path(name): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Some(r) = admin_only(&u) {
        return r;
    }
    if f.csrf != u.csrf {
        return (StatusCode::FORBIDDEN, "The form expired; reload the page.").into_response();
    }
    if name == u.user.username {
        return users_page(&s, &u, Some((false, "You cannot disable yourself.".into()))).await;
    }
    let result = match s
        .ws
        .store
        .set_user_disabled(&format!("web:{}", u.user.username), &name, true)
        .await
    {
        Ok(()) => (true, format!("Disabled {name}; their sessions have ended.")),
        Err(e) => (false, e.to_string()),
    };
    users_page(&s, &u, Some(result)).await
}
