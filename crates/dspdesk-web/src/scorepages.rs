//! The scorecard's screens and API: the network ranking, a partner's scorecard with
//! the why, flags, goals, profitability and the COD ledger. Every table is built by
//! `dspdesk_app::tables`, the same builder the exports use, so a screen, its download
//! and `dspdesk export` agree to the digit.

use crate::AppState;
use crate::auth::{ApiUser, User};
use crate::pages::{Chrome, chrome, money, render, server_error};
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dspdesk_app::profit::{ProfitBy, profit, rate_book};
use dspdesk_app::scorecard::{Model, ScoreRow};
use dspdesk_app::tables::{self, Cell, Table};
use dspdesk_core::score::{COMPONENTS, Tier};
use dspdesk_core::{IsoWeek, Role, Scope};
use dspdesk_store::FlagRow;
use std::sync::Arc;

#[derive(serde::Deserialize, Default)]
pub struct GridQuery {
    download: Option<String>,
    table: Option<String>,
    /// Flags: include cleared ones.
    all: Option<String>,
    /// Flags: one kind.
    kind: Option<String>,
}

/// One table on a page: the display columns picked from a full table (downloads carry
/// every column).
pub struct Grid {
    pub id: &'static str,
    pub title: String,
    pub note: String,
    pub columns: Vec<(String, bool)>,
    pub rows: Vec<Vec<GridCell>>,
    pub dl: String,
    pub empty: String,
}

pub struct GridCell {
    pub text: String,
    /// A tier: the text shows as a coloured badge.
    pub badge: String,
    pub raw: String,
    pub href: String,
    pub class: String,
}

#[derive(Template)]
#[template(path = "grid.html")]
struct GridPage {
    c: Chrome,
    title: String,
    subtitle: String,
    intro: String,
    week: String,
    prev: String,
    next: String,
    tabs: Vec<(&'static str, &'static str, bool)>,
    tiles: Vec<(String, String, String)>,
    grids: Vec<Grid>,
    /// The outcome of a form just sent.
    result: Option<(bool, String)>,
    goal_form: Option<GoalFormView>,
}

/// The goal forms' defaults: the period after the week shown.
pub struct GoalFormView {
    csrf: String,
    from: String,
    to: String,
    may_adopt: bool,
}

const TABS: [(&str, &str); 5] = [
    ("/scores", "Ranking"),
    ("/goals", "Route goals"),
    ("/profit", "Profitability"),
    ("/cod", "COD ledger"),
    ("/flags", "Flags"),
];

fn tabs(current: &str) -> Vec<(&'static str, &'static str, bool)> {
    TABS.iter().map(|(h, l)| (*h, *l, *h == current)).collect()
}

fn label(column: &str) -> String {
    match column {
        "dot_pct" => "DOT %".into(),
        "dcr_pct" => "DCR %".into(),
        "nl_dpmo" => "NL DPMO".into(),
        "cod_shortfall_pct" => "COD short %".into(),
        "goal_p50_met_pct" => "P50 met %".into(),
        "goal_p90_met_pct" => "P90 met %".into(),
        "compliance_pct" => "Compliance %".into(),
        "margin_pct" => "Margin %".into(),
        "share_of_routes_pct" => "Share of routes %".into(),
        "block_hours" => "Block".into(),
        "mot" => "MOT".into(),
        "cod_due" => "COD due".into(),
        "bottom" => "Bottom 10%".into(),
        other => {
            let s = other.replace('_', " ");
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }
    }
}

/// A flag kind in words.
fn kind_label(kind: &str) -> String {
    match kind {
        "cod_overdue" => "COD overdue".into(),
        "loss_making_block" => "Loss-making block".into(),
        "unusual_day" => "Unusual day".into(),
        "bottom" => "Consistently bottom".into(),
        "defaulting" => "Defaulting on DOT".into(),
        "goal_shortfall" => "Goal shortfall".into(),
        other => label(other),
    }
}

fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Money(d) => money(*d),
        Cell::Int(i) => crate::pages::int(*i),
        Cell::Bool(b) => if *b { "yes" } else { "" }.into(),
        other => other.display(),
    }
}

/// Picks display columns of a table; `link` makes a column's cells links.
fn grid(
    id: &'static str,
    title: impl Into<String>,
    note: impl Into<String>,
    table: &Table,
    show: &[&str],
    link: &dyn Fn(&str, &[Cell]) -> Option<String>,
    dl: String,
) -> Grid {
    let idx: Vec<usize> = show.iter().filter_map(|c| table.column(c)).collect();
    Grid {
        id,
        title: title.into(),
        note: note.into(),
        columns: idx
            .iter()
            .map(|&i| {
                let name = table.columns[i];
                let numeric = table.rows.first().is_some_and(|r| r[i].is_numeric());
                (label(name), numeric)
            })
            .collect(),
        rows: table
            .rows
            .iter()
            .map(|r| {
                idx.iter()
                    .map(|&i| {
                        let name = table.columns[i];
                        let class = match name {
                            "reason" => "wrap".to_owned(),
                            _ if r[i].is_numeric() => "n".to_owned(),
                            _ => String::new(),
                        };
                        GridCell {
                            badge: if name == "tier" {
                                r[i].export_text()
                            } else {
                                String::new()
                            },
                            text: match name {
                                "tier" => tier_label(&r[i].export_text()),
                                "kind" => kind_label(&r[i].export_text()),
                                _ => cell_text(&r[i]),
                            },
                            raw: r[i].export_text(),
                            href: link(name, r).unwrap_or_default(),
                            class,
                        }
                    })
                    .collect()
            })
            .collect(),
        dl,
        empty: "Nothing here for this selection.".into(),
    }
}

fn tier_label(raw: &str) -> String {
    [
        Tier::Poor,
        Tier::Fair,
        Tier::Great,
        Tier::Fantastic,
        Tier::FantasticPlus,
    ]
    .into_iter()
    .find(|t| t.as_str() == raw)
    .map_or_else(|| raw.to_owned(), |t| t.label().to_owned())
}

fn text_of(table: &Table, row: &[Cell], column: &str) -> String {
    table
        .column(column)
        .map(|i| row[i].export_text())
        .unwrap_or_default()
}

/// A page's model, its week (the one asked for, else the last complete one) and that
/// week as text; the error page when the model cannot be built.
async fn page_model(
    ws: &dspdesk_app::Workspace,
    week: Option<IsoWeek>,
) -> Result<(Arc<Model>, Option<IsoWeek>, String), Response> {
    let model = Model::load(ws).await.map_err(server_error)?;
    let week = pick_week(&model, week);
    let wk = week.map(|w| w.to_string()).unwrap_or_default();
    Ok((model, week, wk))
}

/// The week asked for, else the last complete week with data.
fn pick_week(model: &Model, week: Option<IsoWeek>) -> Option<IsoWeek> {
    week.or_else(|| model.last_complete_week())
}

fn neighbours(week: Option<IsoWeek>) -> (String, String) {
    match week {
        Some(w) => (
            IsoWeek::of(w.monday() - chrono::Duration::days(1)).to_string(),
            IsoWeek::of(w.sunday() + chrono::Duration::days(1)).to_string(),
        ),
        None => (String::new(), String::new()),
    }
}

fn download(table: &Table, name: &str, format: &str) -> Response {
    crate::tables::download(&crate::tables::from_app(name, table), format)
}

/// The scores a user may see. Partner users see every partner's rank, score and tier,
/// with the other partners' names and numbers withheld.
fn scores_for(model: &Model, rows: &[ScoreRow], u: &User) -> Table {
    let scope = u.scope();
    let visible: Vec<&ScoreRow> = rows
        .iter()
        .filter(|r| u.user.role == Role::Partner || model.sees_partner(&scope, &r.partner))
        .collect();
    let mut table = tables::scores(&visible, false);
    if u.user.role == Role::Partner {
        let keep = ["week", "rank", "ranked", "score", "tier", "config_version"];
        for (row, r) in table.rows.iter_mut().zip(&visible) {
            if !scope.allows_partner(&r.partner) {
                for (i, c) in table.columns.iter().enumerate() {
                    if *c == "partner" {
                        row[i] = Cell::Text("(another partner)".into());
                    } else if !keep.contains(c) {
                        row[i] = Cell::Text(String::new());
                    }
                }
            }
        }
    }
    table
}

pub async fn scores(
    State(s): State<AppState>,
    u: User,
    crate::PageWeek(week): crate::PageWeek,
    Query(q): Query<GridQuery>,
) -> Response {
    let (model, week, wk) = match page_model(&s.ws, week).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let scope = u.scope();
    let (table, version, defaulting, bottom) = match week {
        Some(w) => {
            let scored = model.week(w);
            let t = scores_for(&model, &scored.partners, &u);
            let d = model
                .last
                .map(|last| model.defaulting(last.min(w.sunday())))
                .unwrap_or_default();
            (t, scored.config_version, d, model.consistently_bottom(w))
        }
        None => (
            tables::scores(&[], false),
            0,
            Arc::default(),
            Arc::default(),
        ),
    };
    if let Some(f) = &q.download {
        return download(&table, &format!("scores-{wk}"), f);
    }
    let link = |col: &str, row: &[Cell]| {
        let p = text_of(&table, row, "partner");
        (col == "partner" && !p.starts_with('('))
            .then(|| format!("/partners/{p}/scorecard?week={wk}"))
    };
    let ranked = table.rows.len();
    let scored_partners: Vec<&[Cell]> = table.rows.iter().map(|r| r.as_slice()).collect();
    let tier_counts = |t: Tier| {
        let i = table.column("tier").unwrap_or(0);
        scored_partners
            .iter()
            .filter(|r| r[i].export_text() == t.as_str())
            .count()
    };
    let mut tiles = vec![
        (
            "Partners scored".to_owned(),
            ranked.to_string(),
            format!("configuration version {version}"),
        ),
        (
            "Fantastic or better".to_owned(),
            (tier_counts(Tier::Fantastic) + tier_counts(Tier::FantasticPlus)).to_string(),
            "score 85+".to_owned(),
        ),
        (
            "Poor".to_owned(),
            tier_counts(Tier::Poor).to_string(),
            "score under 40".to_owned(),
        ),
    ];
    if u.user.role == Role::Partner
        && let Some(w) = week
    {
        for r in model
            .week(w)
            .partners
            .iter()
            .filter(|r| scope.allows_partner(&r.partner))
        {
            tiles.insert(
                0,
                (
                    format!("Your rank ({})", r.partner),
                    r.rank
                        .map_or("–".into(), |k| format!("{k} of {}", r.ranked)),
                    format!("score {}", f1(r.score)),
                ),
            );
        }
    }
    let mut grids = vec![grid(
        "ranking",
        "Network ranking",
        "Weighted score of the components present (a component without data is left out and the weights renormalised); ties share a rank; \"bottom\" is the bottom 10% of the network's scores.",
        &table,
        &[
            "rank",
            "partner",
            "tier",
            "score",
            "dot_pct",
            "dcr_pct",
            "nl_dpmo",
            "cod_shortfall_pct",
            "goal_p50_met_pct",
            "dispatched",
            "bottom",
        ],
        &link,
        format!("?week={wk}&table=ranking&download="),
    )];
    if u.user.role != Role::Partner || !defaulting.is_empty() {
        let d_rows: Vec<_> = defaulting
            .iter()
            .filter(|d| model.sees_partner(&scope, &d.partner))
            .collect();
        let b_rows: Vec<_> = bottom
            .iter()
            .filter(|b| model.sees_partner(&scope, &b.partner))
            .collect();
        tiles.push((
            "Defaulting on DOT".into(),
            d_rows.len().to_string(),
            "below target on 3 of the last 7 days".into(),
        ));
        tiles.push((
            "Consistently bottom".into(),
            b_rows.len().to_string(),
            "bottom 10% in 4 of the last 6 weeks".into(),
        ));
        let dt = Table {
            columns: vec![
                "partner",
                "days_below",
                "days_seen",
                "target",
                "worst_day",
                "worst_dot_pct",
            ],
            rows: d_rows
                .iter()
                .map(|d| {
                    vec![
                        Cell::Text(d.partner.clone()),
                        Cell::Int(d.days_below as i64),
                        Cell::Int(d.days_seen as i64),
                        Cell::Num(Some(d.target)),
                        Cell::Text(d.worst.map(|w| w.0.to_string()).unwrap_or_default()),
                        Cell::Num(d.worst.map(|w| w.1)),
                    ]
                })
                .collect(),
        };
        let bt = Table {
            columns: vec!["partner", "weeks_in_bottom", "of_last", "latest_score"],
            rows: b_rows
                .iter()
                .map(|b| {
                    vec![
                        Cell::Text(b.partner.clone()),
                        Cell::Int(b.weeks_in_bottom as i64),
                        Cell::Int(b.of_last as i64),
                        Cell::Num(b.history.last().and_then(|h| h.2)),
                    ]
                })
                .collect(),
        };
        if q.table.as_deref() == Some("defaulting")
            && let Some(f) = &q.download
        {
            return download(&dt, &format!("defaulting-{wk}"), f);
        }
        let plink = |col: &str, row: &[Cell]| {
            (col == "partner")
                .then(|| format!("/partners/{}/scorecard?week={wk}", row[0].export_text()))
        };
        grids.push(grid(
            "defaulting",
            "Defaulting on DOT",
            "DOT below target on at least 3 of the partner's last 7 days with dispatches (all its stations together), up to the week's end.",
            &dt,
            &["partner", "days_below", "days_seen", "target", "worst_day", "worst_dot_pct"],
            &plink,
            format!("?week={wk}&table=defaulting&download="),
        ));
        grids.push(grid(
            "bottom",
            "Consistently bottom",
            "In the bottom 10% of the network's scores in at least 4 of the last 6 weeks.",
            &bt,
            &["partner", "weeks_in_bottom", "of_last", "latest_score"],
            &plink,
            format!("?week={wk}&table=bottom&download="),
        ));
    }
    let (prev, next) = neighbours(week);
    render(GridPage {
        result: None,
        goal_form: None,
        c: chrome(&u, "scores"),
        title: "Network health".into(),
        subtitle: wk.clone(),
        intro: String::new(),
        week: wk,
        prev,
        next,
        tabs: tabs("/scores"),
        tiles,
        grids,
    })
}

#[derive(Template)]
#[template(path = "scorecard.html")]
struct ScorecardPage {
    c: Chrome,
    partner: String,
    week: String,
    prev: String,
    next: String,
    score: String,
    tier: String,
    tier_class: String,
    rank: String,
    change: String,
    version: i64,
    components: Vec<ComponentLine>,
    stations: Vec<(String, String, String, String)>,
    days: Vec<(String, String, String, String)>,
    grids: Vec<Grid>,
}

struct ComponentLine {
    name: String,
    value: String,
    before: String,
    weight: String,
    points: String,
    delta: String,
    delta_class: String,
}

fn f1(v: Option<f64>) -> String {
    v.map_or("–".into(), |x| format!("{x:.1}"))
}

pub async fn scorecard(
    State(s): State<AppState>,
    u: User,
    crate::PageWeek(week): crate::PageWeek,
    Path(code): Path<String>,
    Query(q): Query<GridQuery>,
) -> Response {
    let scope = u.scope();
    let model = match Model::load(&s.ws).await {
        Ok(m) => m,
        Err(e) => return server_error(e),
    };
    if !model.sees_partner(&scope, &code) {
        return crate::pages::not_found().await;
    }
    let Some(week) = pick_week(&model, week) else {
        return crate::pages::not_found().await;
    };
    let Some(e) = model.explain(&code, week) else {
        return crate::pages::not_found().await;
    };
    let wk = week.to_string();
    let scored = model.week(week);
    let row = scored.partner(&code);
    let cfg = model.configs.for_week(week).1.clone();
    // Station users see the partner at their stations only.
    let goals: Vec<_> = model
        .goals_week(week)
        .iter()
        .filter(|g| g.partner == code && scope.allows(&g.partner, &g.station))
        .cloned()
        .collect();
    let gt = tables::goals(&goals.iter().collect::<Vec<_>>());
    let cod: Vec<_> = model
        .cod_ledger(week.monday(), week.sunday())
        .into_iter()
        .filter(|l| l.partner == code && scope.allows(&l.partner, &l.station))
        .collect();
    let ct = tables::cod(&cod.iter().collect::<Vec<_>>());
    let unusual: Vec<_> = model
        .unusual_days(week.monday(), week.sunday())
        .iter()
        .filter(|x| x.partner == code && scope.allows(&x.partner, &x.station))
        .cloned()
        .collect();
    let ut = Table {
        columns: vec![
            "date",
            "station",
            "metric",
            "value",
            "median",
            "z",
            "history_days",
        ],
        rows: unusual
            .iter()
            .map(|x| {
                vec![
                    Cell::Text(x.date.to_string()),
                    Cell::Text(x.station.clone()),
                    Cell::Text(x.metric.into()),
                    Cell::Num(Some(x.value)),
                    Cell::Num(Some(x.median)),
                    Cell::Num(Some(x.z)),
                    Cell::Int(x.history_days as i64),
                ]
            })
            .collect(),
    };
    let pair_rows: Vec<&ScoreRow> = scored
        .pairs
        .iter()
        .filter(|r| r.partner == code && scope.allows(&code, r.station.as_deref().unwrap_or("")))
        .collect();
    let st = tables::scores(&pair_rows, true);
    if let Some(f) = &q.download {
        let (t, name) = match q.table.as_deref() {
            Some("stations") => (&st, "stations"),
            Some("cod") => (&ct, "cod"),
            Some("unusual") => (&ut, "unusual"),
            _ => (&gt, "goals"),
        };
        return download(t, &format!("{code}-{name}-{wk}"), f);
    }
    let none = |_: &str, _: &[Cell]| None;
    let station_link = |col: &str, row: &[Cell]| {
        (col == "station").then(|| format!("/stations/{}?week={wk}", text_of(&st, row, "station")))
    };
    let grids = vec![
        grid(
            "stations",
            "Score at each station",
            "The same score computed from the partner's numbers at one station; the partner's score above sums its stations' counts first (never an average of scores).",
            &st,
            &[
                "station",
                "score",
                "tier",
                "rank",
                "dot_pct",
                "dcr_pct",
                "nl_dpmo",
                "cod_shortfall_pct",
                "goal_p50_met_pct",
                "dispatched",
            ],
            &station_link,
            format!("?week={wk}&table=stations&download="),
        ),
        grid(
            "goals",
            "Route goals",
            "Daily routes against the P50 and P90 goals (set, adopted, or suggested from the 28 days before the week); days the station ran no route are not counted, days it did but the partner did not count as 0.",
            &gt,
            &[
                "station",
                "goal_p50",
                "goal_p90",
                "goal_source",
                "routes",
                "route_days",
                "goal_p50_met_pct",
                "goal_p90_met_pct",
                "shortfall_days",
                "suggested_p50",
                "suggested_p90",
            ],
            &none,
            format!("?week={wk}&table=goals&download="),
        ),
        grid(
            "cod",
            "COD ledger",
            "Shortfall on day D = COD due on days up to D−1 minus cash remitted up to D; overdue when positive two days running.",
            &ct,
            &[
                "date",
                "station",
                "cod_due",
                "remitted",
                "shortfall",
                "overdue",
            ],
            &none,
            format!("?week={wk}&table=cod&download="),
        ),
        grid(
            "unusual",
            "Unusual days",
            "Days whose DOT or DCR is far from the partner's own previous 28 days: robust z = 0.6745 × (value − median) ÷ MAD, unusual at |z| ≥ 3.5.",
            &ut,
            &[
                "date",
                "station",
                "metric",
                "value",
                "median",
                "z",
                "history_days",
            ],
            &none,
            format!("?week={wk}&table=unusual&download="),
        ),
    ];
    let components = e
        .components
        .iter()
        .map(|c| {
            let weight = cfg.component(&c.component).map(|x| x.weight);
            ComponentLine {
                name: label(&c.component),
                value: f1(c.value_now),
                before: f1(c.value_before),
                weight: weight.map_or("off".into(), |w| format!("{w}")),
                points: f1(c.contribution_now),
                delta: format!("{:+.1}", c.delta),
                delta_class: if c.delta < -0.05 {
                    "down".into()
                } else if c.delta > 0.05 {
                    "up".into()
                } else {
                    String::new()
                },
            }
        })
        .collect();
    let effect = |x: &dspdesk_app::scorecard::Effect| {
        (
            x.what.clone(),
            format!("{:+.1}", x.effect),
            f1(x.dot_pct),
            crate::pages::int(x.dispatched),
        )
    };
    let (prev, next) = neighbours(Some(week));
    render(ScorecardPage {
        c: chrome(&u, "scores"),
        partner: code.clone(),
        week: wk,
        prev,
        next,
        score: f1(e.score_now),
        tier: e.tier_now.map_or("–".into(), |t| t.label().into()),
        tier_class: e.tier_now.map_or("".into(), |t| t.as_str().into()),
        rank: row
            .and_then(|r| r.rank.map(|k| format!("{k} of {}", r.ranked)))
            .unwrap_or_else(|| "–".into()),
        change: e.change().map_or("–".into(), |c| format!("{c:+.1}")),
        version: scored.config_version,
        components,
        stations: e
            .stations
            .iter()
            .filter(|x| scope.allows(&code, &x.what))
            .map(effect)
            .collect(),
        days: e
            .days
            .iter()
            .filter(|d| d.effect < 0.0)
            .map(effect)
            .collect(),
        grids,
    })
}

fn visible_flag(model: &Model, scope: &Scope, f: &FlagRow) -> bool {
    match (f.partner.is_empty(), f.station.is_empty()) {
        (false, true) => model.sees_partner(scope, &f.partner),
        (false, false) => scope.allows(&f.partner, &f.station),
        // Station-level flags (loss-making blocks) are about the network's rates.
        (true, _) => match scope {
            Scope::All => true,
            Scope::Stations(s) => s.contains(&f.station),
            Scope::Partners(_) => false,
        },
    }
}

async fn flags_table(
    s: &AppState,
    u: &User,
    q: &GridQuery,
) -> Result<Table, dspdesk_app::AppError> {
    let scope = u.scope();
    let model = Model::load(&s.ws).await?;
    let rows = s.ws.store.flags(q.all.is_some()).await?;
    let rows: Vec<&FlagRow> = rows
        .iter()
        .filter(|f| visible_flag(&model, &scope, f))
        .filter(|f| {
            q.kind
                .as_deref()
                .is_none_or(|k| k.is_empty() || f.kind == k)
        })
        .collect();
    Ok(tables::flags(&rows))
}

pub async fn flags(State(s): State<AppState>, u: User, Query(q): Query<GridQuery>) -> Response {
    let table = match flags_table(&s, &u, &q).await {
        Ok(t) => t,
        Err(e) => return server_error(e),
    };
    if let Some(f) = &q.download {
        return download(&table, "flags", f);
    }
    let kinds = [
        "defaulting",
        "bottom",
        "goal_shortfall",
        "cod_overdue",
        "unusual_day",
        "loss_making_block",
    ];
    let ki = table.column("kind").unwrap_or(0);
    let tiles = kinds
        .iter()
        .map(|k| {
            let n = table
                .rows
                .iter()
                .filter(|r| r[ki].export_text() == *k)
                .count();
            (kind_label(k), n.to_string(), format!("/flags?kind={k}"))
        })
        .collect();
    let link = |col: &str, row: &[Cell]| {
        let p = text_of(&table, row, "partner");
        (col == "partner" && !p.is_empty()).then(|| format!("/partners/{p}/scorecard"))
    };
    let all = if q.all.is_some() { "&all=1" } else { "" };
    let kind = q.kind.clone().unwrap_or_default();
    render(GridPage {
        result: None,
        goal_form: None,
        c: chrome(&u, "scores"),
        title: "Flags".into(),
        subtitle: if kind.is_empty() {
            "everything that needs a person".into()
        } else {
            kind_label(&kind)
        },
        intro: "Computed from the data after every load, as of the last day and the last complete week; a flag clears by itself when the data no longer shows it. Cases (a later feature) are opened from flags.".into(),
        week: String::new(),
        prev: String::new(),
        next: String::new(),
        tabs: tabs("/flags"),
        tiles,
        grids: vec![grid(
            "flags",
            if q.all.is_some() { "All flags, cleared ones too" } else { "Open flags" },
            "",
            &table,
            &["kind", "partner", "station", "subject", "reason", "data_date", "first_seen", "cleared_at"],
            &link,
            format!("?kind={kind}{all}&download="),
        )],
    })
}

pub async fn goals(
    State(s): State<AppState>,
    u: User,
    crate::PageWeek(week): crate::PageWeek,
    Query(q): Query<GridQuery>,
) -> Response {
    goals_page(&s, &u, week, &q, None).await
}

fn may_set_goals(u: &User) -> bool {
    matches!(u.user.role, Role::Admin | Role::Program | Role::Coach)
}

#[derive(serde::Deserialize)]
pub struct GoalForm {
    csrf: String,
    action: String,
    from: String,
    to: String,
    #[serde(default)]
    partner: String,
    #[serde(default)]
    station: String,
    #[serde(default)]
    p50: String,
    #[serde(default)]
    p90: String,
}

/// Adopts the suggestions (admin, program) or sets one pair's goals (and a coach, for
/// the partners of its portfolio); audited.
pub async fn set_goals(
    State(s): State<AppState>,
    u: User,
    axum::Form(f): axum::Form<GoalForm>,
) -> Response {
    if !may_set_goals(&u) {
        return (StatusCode::FORBIDDEN, "Your role does not set goals.").into_response();
    }
    if f.csrf != u.csrf {
        return (StatusCode::FORBIDDEN, "The form expired; reload the page.").into_response();
    }
    let actor = format!("web:{}", u.user.username);
    let result = async {
        let date = |what: &str, raw: &str| {
            chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
                .map_err(|_| format!("{what}: {raw:?} is not a date; write it like 2026-11-23"))
        };
        let (from, to) = (date("from", &f.from)?, date("to", &f.to)?);
        match f.action.as_str() {
            "adopt" => {
                if !matches!(u.user.role, Role::Admin | Role::Program) {
                    return Err("Only the program team adopts goals for the whole network.".into());
                }
                let n = dspdesk_app::scoring::adopt_goals(&s.ws, from, to, &actor)
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(format!(
                    "Adopted the suggested goals of {n} partner-station pairs for {from} to {to}."
                ))
            }
            "set" => {
                let partner = f.partner.trim().to_uppercase();
                let station = f.station.trim().to_uppercase();
                if !u.scope().allows(&partner, &station) {
                    return Err(format!("{partner} at {station} is not in your scope."));
                }
                let num = |what: &str, raw: &str| {
                    raw.trim()
                        .parse::<f64>()
                        .map_err(|_| format!("{what}: {raw:?} is not a number of routes"))
                };
                let (p50, p90) = (num("P50", &f.p50)?, num("P90", &f.p90)?);
                dspdesk_app::scoring::set_goal(
                    &s.ws, &partner, &station, from, to, p50, p90, &actor,
                )
                .await
                .map_err(|e| e.to_string())?;
                Ok(format!(
                    "Set {partner} at {station}: P50 {p50}, P90 {p90} for {from} to {to}."
                ))
            }
            other => Err(format!("unknown action {other:?}")),
        }
    }
    .await;
    let ok = result.is_ok();
    let text = result.unwrap_or_else(|e: String| e);
    let week = chrono::NaiveDate::parse_from_str(f.from.trim(), "%Y-%m-%d")
        .ok()
        .map(|d| IsoWeek::of(d - chrono::Duration::days(1)));
    let mut r = goals_page(&s, &u, week, &GridQuery::default(), Some((ok, text))).await;
    if !ok {
        *r.status_mut() = StatusCode::BAD_REQUEST;
    }
    r
}

async fn goals_page(
    s: &AppState,
    u: &User,
    week: Option<IsoWeek>,
    q: &GridQuery,
    result: Option<(bool, String)>,
) -> Response {
    let (model, week, wk) = match page_model(&s.ws, week).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let scope = u.scope();
    let lines: Vec<_> = week
        .map(|w| model.goals_week(w))
        .unwrap_or_default()
        .iter()
        .filter(|g| scope.allows(&g.partner, &g.station))
        .cloned()
        .collect();
    let table = tables::goals(&lines.iter().collect::<Vec<_>>());
    if let Some(f) = &q.download {
        return download(&table, &format!("goals-{wk}"), f);
    }
    let link = |col: &str, row: &[Cell]| {
        (col == "partner").then(|| {
            format!(
                "/partners/{}/scorecard?week={wk}",
                text_of(&table, row, "partner")
            )
        })
    };
    let short = lines.iter().filter(|g| g.shortfall_days > 0).count();
    let (prev, next) = neighbours(week);
    let goal_form = may_set_goals(u).then(|| {
        let from = week.map_or_else(
            || chrono::Utc::now().date_naive(),
            |w| w.sunday() + chrono::Duration::days(1),
        );
        GoalFormView {
            csrf: u.csrf.clone(),
            from: from.to_string(),
            to: (from + chrono::Duration::days(27)).to_string(),
            may_adopt: matches!(u.user.role, Role::Admin | Role::Program),
        }
    });
    render(GridPage {
        result,
        goal_form,
        c: chrome(u, "scores"),
        title: "Route goals".into(),
        subtitle: wk.clone(),
        intro: "Each partner commits to a P50 (typical) and P90 (peak) number of daily routes per station. The goal in force is the one set or adopted for the period, else the suggestion from the 28 days before the week (PERCENTILE.INC of daily routes, counting 0 on days the station ran routes and the partner none). The suggestion for the next period uses the 28 days ending with this week. `dspdesk goals adopt` or `dspdesk goals set` stores goals.".into(),
        week: wk.clone(),
        prev,
        next,
        tabs: tabs("/goals"),
        tiles: vec![
            ("Partner-stations".into(), lines.len().to_string(), "active this week".into()),
            ("With shortfall days".into(), short.to_string(), "routes below P50 on some day".into()),
        ],
        grids: vec![grid(
            "goals",
            "Goals and attainment",
            "",
            &table,
            &["partner", "station", "goal_p50", "goal_p90", "goal_source", "routes", "route_days", "goal_p50_met_pct", "goal_p90_met_pct", "shortfall_days", "suggested_p50", "suggested_p90"],
            &link,
            format!("?week={wk}&download="),
        )],
    })
}

pub async fn profit_page(
    State(s): State<AppState>,
    u: User,
    crate::PageWeek(week): crate::PageWeek,
    Query(q): Query<GridQuery>,
) -> Response {
    let (_, week, wk) = match page_model(&s.ws, week).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let scope = u.scope();
    let book = match rate_book(&s.ws).await {
        Ok(b) => b,
        Err(e) => return server_error(e),
    };
    type Spec = (
        &'static str,
        &'static str,
        &'static str,
        Vec<ProfitBy>,
        Vec<&'static str>,
    );
    let specs: [Spec; 3] = [
        (
            "blocks",
            "By block and MOT",
            "The network's routes by block length and mode of transport.",
            vec![ProfitBy::Block, ProfitBy::Mot],
            vec![
                "block_hours",
                "mot",
                "routes",
                "delivered",
                "payout",
                "cost",
                "profit",
                "margin_pct",
                "share_of_routes_pct",
                "unpriced_routes",
            ],
        ),
        (
            "mix",
            "Block mix and margin by station",
            "Share of each station's routes in each block and MOT; a negative profit is a loss-making block.",
            vec![ProfitBy::Station, ProfitBy::Block, ProfitBy::Mot],
            vec![
                "station",
                "block_hours",
                "mot",
                "routes",
                "share_of_routes_pct",
                "payout",
                "cost",
                "profit",
                "margin_pct",
            ],
        ),
        (
            "partners",
            "By partner",
            "",
            vec![ProfitBy::Partner],
            vec![
                "partner",
                "routes",
                "delivered",
                "payout",
                "cost",
                "profit",
                "margin_pct",
                "unpriced_routes",
                "uncosted_routes",
            ],
        ),
    ];
    let mut grids = Vec::new();
    for (id, title, note, by, show) in specs {
        let lines = match week {
            Some(w) => match profit(&s.ws, w.monday(), w.sunday(), &by, &scope).await {
                Ok(l) => l,
                Err(e) => return server_error(e),
            },
            None => Vec::new(),
        };
        let table = tables::profit(&lines);
        if q.table.as_deref().unwrap_or("blocks") == id
            && let Some(f) = &q.download
        {
            return download(&table, &format!("profit-{id}-{wk}"), f);
        }
        let loss_col = table.column("profit");
        let mut g = grid(
            id,
            title,
            note,
            &table,
            &show,
            &|_, _| None,
            format!("?week={wk}&table={id}&download="),
        );
        if let Some(pi) = loss_col {
            let shown = show.iter().position(|c| *c == "profit");
            for (row, cells) in g.rows.iter_mut().zip(&table.rows) {
                if matches!(&cells[pi], Cell::Money(d) if d.is_sign_negative() && !d.is_zero())
                    && let Some(si) = shown
                {
                    row[si].class.push_str(" loss");
                }
            }
        }
        grids.push(g);
    }
    let intro = match &book {
        Some((v, b)) => format!(
            "Payout = block rate + per-delivered rate × delivered; cost = driver per hour × block hours + vehicle per day + energy per km × distance (metrics.md), from rates version {v} ({} rate cards, {} cost models) unless the routes file gave the amount. Amounts are exact decimals, rounded to 2 places when shown.",
            b.rate_cards.len(),
            b.cost_models.len()
        ),
        None => "No rate cards are loaded, so routes without a payout in the file are unpriced. Load them with `dspdesk config load rates FILE` (examples/config/rates.toml is a template).".into(),
    };
    let (prev, next) = neighbours(week);
    render(GridPage {
        result: None,
        goal_form: None,
        c: chrome(&u, "scores"),
        title: "Profitability".into(),
        subtitle: wk.clone(),
        intro,
        week: wk,
        prev,
        next,
        tabs: tabs("/profit"),
        tiles: Vec::new(),
        grids,
    })
}

pub async fn cod(
    State(s): State<AppState>,
    u: User,
    crate::PageWeek(week): crate::PageWeek,
    Query(q): Query<GridQuery>,
) -> Response {
    let (model, week, wk) = match page_model(&s.ws, week).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let scope = u.scope();
    let mut lines: Vec<_> = week
        .map(|w| model.cod_ledger(w.monday(), w.sunday()))
        .unwrap_or_default()
        .into_iter()
        .filter(|l| scope.allows(&l.partner, &l.station))
        .collect();
    let table_all = tables::cod(&lines.iter().collect::<Vec<_>>());
    if let Some(f) = &q.download {
        return download(&table_all, &format!("cod-{wk}"), f);
    }
    // The screen leads with what needs chasing: overdue, then the largest shortfalls.
    lines.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then(b.shortfall_minor.cmp(&a.shortfall_minor))
    });
    let overdue = lines.iter().filter(|l| l.overdue).count();
    let due: i64 = lines.iter().map(|l| l.cod_due_minor).sum();
    let remitted: i64 = lines.iter().map(|l| l.remitted_minor).sum();
    let table = tables::cod(&lines.iter().collect::<Vec<_>>());
    let link = |col: &str, row: &[Cell]| {
        (col == "partner").then(|| {
            format!(
                "/partners/{}/scorecard?week={wk}",
                text_of(&table, row, "partner")
            )
        })
    };
    let (prev, next) = neighbours(week);
    render(GridPage {
        result: None,
        goal_form: None,
        c: chrome(&u, "scores"),
        title: "COD ledger".into(),
        subtitle: wk.clone(),
        intro: "Shortfall of a partner at a station on day D = COD due on days up to D−1 minus cash remitted up to D (the cash of D−1 is due by the end of D). Positive two days running is overdue.".into(),
        week: wk.clone(),
        prev,
        next,
        tabs: tabs("/cod"),
        tiles: vec![
            ("COD due".into(), money(dspdesk_core::minor_to_decimal(due)), "this week".into()),
            ("Remitted".into(), money(dspdesk_core::minor_to_decimal(remitted)), "this week".into()),
            ("Overdue days".into(), overdue.to_string(), "partner-station days".into()),
        ],
        grids: vec![grid(
            "cod",
            "Ledger, overdue first",
            "",
            &table,
            &["date", "partner", "station", "cod_due", "remitted", "shortfall", "overdue"],
            &link,
            format!("?week={wk}&download="),
        )],
    })
}

// ---- API ----------------------------------------------------------------------

fn table_json(t: &Table) -> serde_json::Value {
    let mut buf = Vec::new();
    let _ = t.write_json(&mut buf);
    serde_json::from_slice(&buf).unwrap_or(serde_json::Value::Null)
}

async fn api_model(s: &AppState) -> Result<Arc<Model>, Response> {
    Model::load(&s.ws).await.map_err(crate::api::internal)
}

pub async fn api_scores(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    crate::ApiWeek(week): crate::ApiWeek,
) -> Response {
    let model = match api_model(&s).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let Some(w) = pick_week(&model, week) else {
        return Json(serde_json::json!({ "week": null, "scores": [] })).into_response();
    };
    let scored = model.week(w);
    let t = scores_for(&model, &scored.partners, &u);
    Json(serde_json::json!({ "week": w, "config_version": scored.config_version, "scores": table_json(&t) }))
        .into_response()
}

pub async fn api_scorecard(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    crate::ApiWeek(week): crate::ApiWeek,
    Path(code): Path<String>,
) -> Response {
    let model = match api_model(&s).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    if !model.sees_partner(&u.scope(), &code) {
        return crate::api::error(StatusCode::NOT_FOUND, "no such partner in your scope");
    }
    let Some(w) = pick_week(&model, week) else {
        return crate::api::error(StatusCode::NOT_FOUND, "no data yet");
    };
    let scored = model.week(w);
    match (scored.partner(&code), model.explain(&code, w)) {
        (Some(row), Some(e)) => {
            let t = tables::scores(&[row], false);
            Json(serde_json::json!({
                "week": w,
                "score": table_json(&t).get(0).cloned(),
                "components": COMPONENTS.iter().map(|c| (c.to_string(), row.value(c))).collect::<std::collections::BTreeMap<_, _>>(),
                "explanation": e,
            }))
            .into_response()
        }
        _ => crate::api::error(StatusCode::NOT_FOUND, "the partner has no score that week"),
    }
}

pub async fn api_flags(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<GridQuery>,
) -> Response {
    match flags_table(&s, &u, &q).await {
        Ok(t) => Json(serde_json::json!({ "flags": table_json(&t) })).into_response(),
        Err(e) => crate::api::internal(e),
    }
}

pub async fn api_goals(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    crate::ApiWeek(week): crate::ApiWeek,
) -> Response {
    let model = match api_model(&s).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let scope = u.scope();
    let lines: Vec<_> = pick_week(&model, week)
        .map(|w| model.goals_week(w))
        .unwrap_or_default()
        .iter()
        .filter(|g| scope.allows(&g.partner, &g.station))
        .cloned()
        .collect();
    Json(serde_json::json!({ "goals": table_json(&tables::goals(&lines.iter().collect::<Vec<_>>())) }))
        .into_response()
}

pub async fn api_cod(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    crate::ApiWeek(week): crate::ApiWeek,
) -> Response {
    let model = match api_model(&s).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let scope = u.scope();
    let lines: Vec<_> = pick_week(&model, week)
        .map(|w| model.cod_ledger(w.monday(), w.sunday()))
        .unwrap_or_default()
        .into_iter()
        .filter(|l| scope.allows(&l.partner, &l.station))
        .collect();
    Json(serde_json::json!({ "cod": table_json(&tables::cod(&lines.iter().collect::<Vec<_>>())) }))
        .into_response()
}

#[derive(serde::Deserialize, Default)]
pub struct ProfitQuery {
    by: Option<String>,
}

pub async fn api_profit(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    crate::ApiWeek(week): crate::ApiWeek,
    Query(q): Query<ProfitQuery>,
) -> Response {
    let by: Result<Vec<ProfitBy>, String> =
        q.by.as_deref()
            .unwrap_or("block,mot")
            .split(',')
            .filter(|b| !b.is_empty())
            .map(ProfitBy::parse)
            .collect();
    let by = match by {
        Ok(b) => b,
        Err(e) => return crate::api::error(StatusCode::BAD_REQUEST, &e),
    };
    let model = match api_model(&s).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let Some(w) = pick_week(&model, week) else {
        return Json(serde_json::json!({ "profit": [] })).into_response();
    };
    match profit(&s.ws, w.monday(), w.sunday(), &by, &u.scope()).await {
        Ok(lines) => {
            Json(serde_json::json!({ "week": w, "profit": table_json(&tables::profit(&lines)) }))
                .into_response()
        }
        Err(e) => crate::api::internal(e),
    }
}

// ---- Configuration (admin) ----------------------------------------------------

#[derive(Template)]
#[template(path = "config.html")]
struct ConfigPage {
    c: Chrome,
    result: Option<(bool, String)>,
    kinds: Vec<ConfigKindView>,
}

struct ConfigKindView {
    kind: &'static str,
    title: &'static str,
    help: &'static str,
    versions: Vec<(i64, String, String, String, String)>,
    text: String,
}

#[derive(serde::Deserialize)]
pub struct ConfigForm {
    csrf: String,
    kind: String,
    action: String,
    text: String,
    #[serde(default)]
    note: String,
}

async fn config_page(
    s: &AppState,
    u: &User,
    result: Option<(bool, String)>,
    draft: Option<(&str, &str)>,
) -> Response {
    let mut kinds = Vec::new();
    for (kind, title, help) in [
        (
            "score",
            "Health score",
            "Weights, floors and targets of the components, tiers, the lapsed-document cap and the rules of the defaulting, bottom, unusual-day and goal lists. Set effective_from to the Monday the version starts. A new version applies to weeks not yet scored; weeks already shown keep their version until `dspdesk score --week W --rescore`.",
        ),
        (
            "rates",
            "Rate cards and cost models",
            "What a route pays (block rate by MOT and block hours, per delivered package) and costs (driver per hour, vehicle per day, energy per km), with dates of validity and station overrides. Profitability always uses the newest version; a route row's own payout or cost wins.",
        ),
    ] {
        let versions = match s.ws.store.config_versions(kind).await {
            Ok(v) => v,
            Err(e) => return server_error(e),
        };
        let text = match draft {
            Some((k, t)) if k == kind => t.to_owned(),
            _ => match versions.last() {
                Some(v) => v.body.clone(),
                // The documented defaults, starting next Monday.
                None if kind == "score" => {
                    let today = chrono::Utc::now().date_naive();
                    let monday = IsoWeek::of(today).sunday() + chrono::Duration::days(1);
                    include_str!("../../../examples/config/score.toml").replace(
                        "effective_from = \"2026-01-05\"",
                        &format!("effective_from = \"{monday}\""),
                    )
                }
                None => include_str!("../../../examples/config/rates.toml").to_owned(),
            },
        };
        kinds.push(ConfigKindView {
            kind,
            title,
            help,
            versions: versions
                .iter()
                .rev()
                .map(|v| {
                    (
                        v.version,
                        v.effective_from.to_string(),
                        v.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                        v.created_by.clone(),
                        v.note.clone(),
                    )
                })
                .collect(),
            text,
        });
    }
    render(ConfigPage {
        c: chrome(u, "config"),
        result,
        kinds,
    })
}

fn admin(u: &User) -> Option<Response> {
    (u.user.role != Role::Admin).then(|| {
        (
            StatusCode::FORBIDDEN,
            "Only an admin changes rate cards and score weights.",
        )
            .into_response()
    })
}

pub async fn config(State(s): State<AppState>, u: User) -> Response {
    if let Some(r) = admin(&u) {
        return r;
    }
    config_page(&s, &u, None, None).await
}

/// Checks a document, or loads it as a new version (then refreshes the flags).
pub async fn config_post(
    State(s): State<AppState>,
    u: User,
    axum::Form(f): axum::Form<ConfigForm>,
) -> Response {
    if let Some(r) = admin(&u) {
        return r;
    }
    if f.csrf != u.csrf {
        return (StatusCode::FORBIDDEN, "The form expired; reload the page.").into_response();
    }
    use dspdesk_app::scoring::{self, ConfigKind};
    let result = async {
        let kind = ConfigKind::parse(&f.kind).map_err(|e| e.to_string())?;
        match f.action.as_str() {
            "check" => scoring::check(kind, &f.text)
                .map(|s| format!("Valid: {}. Nothing was saved.", s.summary))
                .map_err(|e| e.to_string()),
            "load" => {
                let actor = format!("web:{}", u.user.username);
                let (version, summary) = scoring::load(&s.ws, kind, &f.text, f.note.trim(), &actor)
                    .await
                    .map_err(|e| e.to_string())?;
                let flags = scoring::refresh_flags(&s.ws)
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(format!(
                    "Loaded as {} version {version}: {}. Flags: {} opened, {} cleared.",
                    kind.as_str(),
                    summary.summary,
                    flags.opened,
                    flags.cleared
                ))
            }
            other => Err(format!("unknown action {other:?}")),
        }
    }
    .await;
    let ok = result.is_ok();
    let text = result.unwrap_or_else(|e| e);
    let draft = (!ok || f.action == "check").then_some((f.kind.as_str(), f.text.as_str()));
    let mut r = config_page(&s, &u, Some((ok, text)), draft).await;
    if !ok {
        *r.status_mut() = StatusCode::BAD_REQUEST;
    }
    r
}
