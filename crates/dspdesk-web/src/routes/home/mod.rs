//! Home: "what needs me today". The program team, coaches and station managers see
//! their worklist (open follow-ups and the flags without a case of their own, most
//! urgent first, each with its severity, owner and action); a partner sees its own
//! home: score, tier, rank and the change, what to fix first, goals, COD owed, cases.

use super::Route;
use crate::AppState;
use crate::shared::auth::{ApiUser, User};
use crate::shared::error::{ApiError, PageResult};
use crate::shared::render::{Chrome, chrome, render};
use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::routing::get;
use chrono::Utc;
use dspdesk_app::home::{self, PartnerHome, WorkItem, Worklist};
use dspdesk_core::display::{money, money_short, one_decimal, pct, pts};
use dspdesk_core::home::Severity;
use dspdesk_core::minor_to_decimal;
use serde_json::{Value, json};

/// Items shown on the page; the rest are counted and the queue has them all.
const SHOWN: usize = 60;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/", get(page)),
        Route::api(
            "/api/v1/home",
            get(api),
            "What needs the caller today: open follow-ups and the flags without a case of their own, each with severity (critical, high, medium, low), money at risk in minor units, days outstanding, owner and the action it needs, most urgent first (?mine=1: only the caller's own).",
            &[],
        ),
    ]
}

#[derive(serde::Deserialize, Default)]
pub struct Q {
    #[serde(default)]
    mine: String,
}

impl Q {
    fn mine(&self) -> bool {
        matches!(self.mine.as_str(), "1" | "true" | "yes")
    }
}

/// One worklist line as shown.
pub struct Line {
    pub severity: &'static str,
    pub severity_code: &'static str,
    pub item: WorkItem,
    pub money: String,
    pub days: String,
}

fn line(i: &WorkItem) -> Line {
    Line {
        severity: i.severity.label(),
        severity_code: i.severity.as_str(),
        money: if i.money_minor > 0 {
            money(minor_to_decimal(i.money_minor))
        } else {
            String::new()
        },
        days: match i.days {
            0 => "today".into(),
            1 => "1 day".into(),
            n => format!("{n} days"),
        },
        item: i.clone(),
    }
}

#[derive(Template)]
#[template(path = "home/worklist.html")]
struct WorkPage {
    c: Chrome,
    lines: Vec<Line>,
    total: usize,
    counts: Vec<(&'static str, &'static str, usize)>,
    at_risk: String,
    mine: bool,
    scope: &'static str,
}

/// One goal line of a partner's home.
pub struct GoalRow {
    pub station: String,
    pub p50: String,
    pub p90: String,
    pub per_day: String,
    pub met: String,
}

/// One thing to fix, in words.
pub struct Fix {
    pub what: String,
    pub now: String,
    pub target: String,
    pub points: String,
}

#[derive(Template)]
#[template(path = "home/partner.html")]
struct PartnerPage {
    c: Chrome,
    h: PartnerHome,
    week: String,
    score: String,
    tier: String,
    tier_code: String,
    rank: String,
    change: String,
    fixes: Vec<Fix>,
    goals: Vec<GoalRow>,
    cod: Vec<(String, String, String)>,
    cod_total: String,
    cases: Vec<Line>,
}

fn component_words(name: &str) -> &'static str {
    match name {
        "dot_pct" => "On-time delivery (DOT)",
        "dcr_pct" => "Delivery completion (DCR)",
        "nl_dpmo" => "Lost packages per million (NL DPMO)",
        "cod_shortfall_pct" => "COD not remitted, % of COD due",
        "goal_p50_met_pct" => "Days your routes met the P50 goal",
        "compliance_pct" => "Mandatory documents valid",
        _ => "Other",
    }
}

fn value_words(name: &str, v: f64) -> String {
    match name {
        "nl_dpmo" => dspdesk_core::display::dpmo(Some(v)),
        _ => pct(Some(v)),
    }
}

fn partner_page(u: &User, h: PartnerHome) -> PartnerPage {
    let row = h.card.as_ref().and_then(|c| c.row.clone());
    let week = h
        .card
        .as_ref()
        .map(|c| c.week.to_string())
        .unwrap_or_default();
    let fixes = h
        .fixes
        .iter()
        .take(4)
        .map(|f| Fix {
            what: component_words(&f.component).into(),
            now: value_words(&f.component, f.value),
            target: value_words(&f.component, f.target),
            points: one_decimal(f.points),
        })
        .collect();
    let goals = h
        .card
        .as_ref()
        .map(|c| {
            c.goals
                .iter()
                .map(|g| GoalRow {
                    station: g.station.clone(),
                    p50: g
                        .goal
                        .map(|x| format!("{:.0}", x.p50.ceil()))
                        .unwrap_or("–".into()),
                    p90: g
                        .goal
                        .map(|x| format!("{:.0}", x.p90.ceil()))
                        .unwrap_or("–".into()),
                    per_day: if g.route_days > 0 {
                        one_decimal(g.routes as f64 / g.route_days as f64)
                    } else {
                        "–".into()
                    },
                    met: pct(g.goal_p50_met_pct),
                })
                .collect()
        })
        .unwrap_or_default();
    let total: i64 = h.cod_owed.iter().map(|(_, m, _)| m).sum();
    let cod = h
        .cod_owed
        .iter()
        .map(|(s, m, since)| {
            (
                s.clone(),
                money(minor_to_decimal(*m)),
                since
                    .map(|d| d.format("%-d %b").to_string())
                    .unwrap_or_default(),
            )
        })
        .collect();
    PartnerPage {
        c: chrome(u, "home"),
        week,
        score: row
            .as_ref()
            .and_then(|r| r.score)
            .map(one_decimal)
            .unwrap_or("–".into()),
        tier: row
            .as_ref()
            .and_then(|r| r.tier)
            .map(|t| t.label().to_owned())
            .unwrap_or_default(),
        tier_code: row
            .as_ref()
            .and_then(|r| r.tier)
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default(),
        rank: row
            .as_ref()
            .and_then(|r| Some(format!("{} of {}", r.rank?, r.ranked)))
            .unwrap_or("–".into()),
        change: h
            .card
            .as_ref()
            .and_then(|c| c.explanation.change())
            .map(|x| pts(Some(x)).replace(" pts", " points"))
            .unwrap_or("–".into()),
        fixes,
        goals,
        cod_total: money_short(minor_to_decimal(total)),
        cod,
        cases: h.cases.iter().map(line).collect(),
        h,
    }
}

pub async fn page(State(s): State<AppState>, u: User, Query(q): Query<Q>) -> PageResult {
    let now = Utc::now();
    if let Some(h) = home::partner_home(&s.ws, &u.actor, now).await? {
        return Ok(render(partner_page(&u, h)));
    }
    let w = home::worklist(&s.ws, &u.actor, now, q.mine(), SHOWN).await?;
    Ok(render(work_page(&u, &w)))
}

fn work_page(u: &User, w: &Worklist) -> WorkPage {
    let counts = Severity::ALL
        .into_iter()
        .map(|s| (s.label(), s.as_str(), w.by_severity[s as usize]))
        .collect();
    WorkPage {
        c: chrome(u, "home"),
        lines: w.items.iter().map(line).collect(),
        total: w.total,
        counts,
        at_risk: money_short(minor_to_decimal(w.money_minor)),
        mine: w.mine_only,
        scope: match u.user.role {
            dspdesk_core::Role::Coach => "your partners",
            dspdesk_core::Role::Station => "your stations",
            _ => "the network",
        },
    }
}

pub async fn api(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<Q>,
) -> Result<Json<Value>, ApiError> {
    let w = home::worklist(&s.ws, &u.actor, Utc::now(), q.mine(), 1000).await?;
    Ok(Json(json!({
        "total": w.total,
        "by_severity": Severity::ALL
            .into_iter()
            .map(|s| (s.as_str().to_owned(), json!(w.by_severity[s as usize])))
            .collect::<serde_json::Map<_, _>>(),
        "money_at_risk": minor_to_decimal(w.money_minor).to_string(),
        "items": w.items.iter().map(|i| json!({
            "severity": i.severity, "what": i.what, "title": i.title,
            "partner": i.partner, "partner_name": i.partner_name, "station": i.station,
            "owner": i.owner, "action": i.action,
            "money_at_risk": minor_to_decimal(i.money_minor).to_string(),
            "days": i.days, "overdue": i.overdue, "href": i.href, "mine": i.mine,
        })).collect::<Vec<_>>(),
    })))
}
