//! The ranking page and a partner's scorecard. Words that state a rule (the bottom
//! share, the defaulting window, the tier thresholds) come from the configuration the
//! week is scored with.

use crate::AppState;
use crate::shared::auth::User;
use crate::shared::charts::{
    Series, goal_lines, line_chart_with_targets, value_chart_with_targets,
};
use crate::shared::download::download;
use crate::shared::error::PageResult;
use crate::shared::extract::{PageWeek, partner_code};
use crate::shared::grid::{ChartBox, FilterForm, Grid, GridPage, GridSpec, no_links};
use crate::shared::render::{Chrome, chrome, f1, int, neighbours, render, segment};
use askama::Template;
use axum::extract::{Path, Query, State};
use dspdesk_app::health::{
    self, Choices, Effect, Ranking, RankingFilter, Scorecard, bottom_table, defaulting_table,
    scores_table, unusual_table,
};
use dspdesk_app::{cod::cod_table, goals::goals_table};
use dspdesk_core::health::{ScoreConfig, Tier};
use dspdesk_core::metric::label;
use dspdesk_core::table::{Cell, Table};

#[derive(serde::Deserialize, Default)]
pub struct GridQuery {
    download: Option<String>,
    table: Option<String>,
}

fn scorecard_link(wk: &str) -> impl Fn(&str, &[Cell]) -> Option<String> + '_ {
    move |col: &str, row: &[Cell]| {
        let p = row.first().map(Cell::export_text).unwrap_or_default();
        (col == "partner").then(|| format!("/partners/{p}/scorecard?week={wk}"))
    }
}

fn tiles(r: &Ranking, cfg: &ScoreConfig) -> Vec<(String, String, String)> {
    let tier_of = |t: Tier| {
        let i = r.scores.column("tier").unwrap_or(0);
        r.scores
            .rows
            .iter()
            .filter(|row| row[i].export_text() == t.as_str())
            .count()
    };
    let mut tiles: Vec<(String, String, String)> = r
        .own
        .iter()
        .map(|o| {
            let rank = o
                .rank
                .map_or("–".into(), |k| format!("{k} of {}", o.ranked));
            (
                format!("Your rank ({})", o.partner),
                rank,
                format!("score {}", f1(o.score)),
            )
        })
        .collect();
    tiles.extend([
        (
            "Partners scored".to_owned(),
            r.scores.rows.len().to_string(),
            rules_words(r.config_version),
        ),
        (
            "Fantastic or better".to_owned(),
            (tier_of(Tier::Fantastic) + tier_of(Tier::FantasticPlus)).to_string(),
            format!("score {}+", cfg.tiers.fantastic),
        ),
        (
            "Poor".to_owned(),
            tier_of(Tier::Poor).to_string(),
            format!("score under {}", cfg.tiers.fair),
        ),
    ]);
    if let (Some(d), Some(b)) = (&r.defaulting, &r.bottom) {
        let (dc, bc) = (&cfg.defaulting, &cfg.bottom);
        tiles.push((
            "Defaulting on DOT".into(),
            d.len().to_string(),
            format!("below target on {} of the last {} days", dc.days, dc.window),
        ));
        tiles.push((
            "Consistently bottom".into(),
            b.len().to_string(),
            format!(
                "bottom {}% in {} of the last {} weeks",
                bc.share_pct, bc.weeks, bc.of_last
            ),
        ));
    }
    tiles
}

/// Which scoring rules a week is scored with, in words.
pub fn rules_words(version: i64) -> String {
    if version == 0 {
        "scored with the default rules".into()
    } else {
        format!("scored with rules version {version}")
    }
}

/// The ranking's filters as a form: the week's stations, the coaches, the tiers and
/// the modes of transport run.
fn filter_form(r: &Ranking, choices: &Choices, of: usize) -> FilterForm {
    let mut form = filter_choices(r, choices, of);
    // A choice the week does not offer (another week's station) stays chosen.
    for (_, _, chosen, options) in &mut form.fields {
        if !chosen.is_empty() && !options.iter().any(|(v, _)| v == chosen) {
            options.push((chosen.clone(), chosen.clone()));
        }
    }
    form
}

fn filter_choices(r: &Ranking, choices: &Choices, of: usize) -> FilterForm {
    let f = &r.filter;
    let same = |v: &[String]| v.iter().map(|x| (x.clone(), x.clone())).collect::<Vec<_>>();
    FilterForm {
        fields: vec![
            (
                "station",
                "Station",
                f.station.clone().unwrap_or_default(),
                same(&choices.stations),
            ),
            (
                "coach",
                "Coach",
                f.coach.clone().unwrap_or_default(),
                same(&choices.coaches),
            ),
            (
                "tier",
                "Tier",
                f.tier.clone().unwrap_or_default(),
                Tier::ALL
                    .iter()
                    .rev()
                    .map(|t| (t.as_str().to_owned(), t.label().to_owned()))
                    .collect(),
            ),
            (
                "mot",
                "MOT",
                f.mot.clone().unwrap_or_default(),
                same(&choices.mots),
            ),
        ],
        count: if f.is_empty() {
            format!("{} partners", int(r.scores.rows.len() as i64))
        } else {
            format!(
                "{} of {} partners; ranks are the network's",
                int(r.scores.rows.len() as i64),
                int(of as i64)
            )
        },
    }
}

fn ranking_grid(r: &Ranking, wk: &str) -> Grid {
    let share = r.config.bottom.share_pct;
    let p = r.scores.column("partner").unwrap_or(0);
    let link = |col: &str, row: &[Cell]| {
        let code = row[p].export_text();
        (col == "partner" && !code.starts_with('('))
            .then(|| format!("/partners/{code}/scorecard?week={wk}"))
    };
    let grid = GridSpec {
        id: "ranking",
        title: "Network ranking".into(),
        note: format!("Weighted score of the components present (a component without data is left out and the weights renormalised); ties share a rank; \"bottom\" is the bottom {share}% of the network's scores."),
        table: &r.scores,
        show: &["rank", "partner", "partner_name", "coach", "tier", "tier_before", "score", "score_change", "dot_pct", "dot_change", "dcr_pct", "nl_dpmo", "cod_shortfall_pct", "goal_p50_met_pct", "dispatched", "bottom"],
        dl: format!("?week={wk}{}&table=ranking&download=", r.filter.query()),
    }
    .build(&link, &|c| (c == "bottom").then(|| format!("Bottom {share}%")));
    // The rows come ranked: the rank column shows it is the sort.
    let mut grid = grid;
    grid.sorted = Some(0);
    grid.fold("partner", "partner_name", |name, _| name.to_owned());
    grid.fold("tier", "tier_before", |before, now| {
        let now = Tier::parse(now).map(|t| t.label()).unwrap_or_default();
        match before {
            b if b.is_empty() || b == now => String::new(),
            b => format!("was {b}"),
        }
    });
    grid
}

/// A list's row links its partner to the scorecard and, for those who issue plans, its
/// count to the form that issues one on `metric` at `target`.
fn plan_link<'a>(
    wk: &'a str,
    plan: Option<(&'static str, &'static str, f64)>,
) -> impl Fn(&str, &[Cell]) -> Option<String> + 'a {
    let card = scorecard_link(wk);
    move |col: &str, row: &[Cell]| match plan {
        Some((on, metric, target)) if col == on => {
            let p = row.first().map(Cell::export_text).unwrap_or_default();
            Some(format!(
                "/plans?partner={}&metric={metric}&target={target}",
                segment(&p)
            ))
        }
        _ => card(col, row),
    }
}

fn list_grids(cfg: &ScoreConfig, d: &Table, b: &Table, wk: &str, may_plan: bool) -> [Grid; 2] {
    let (dc, bc) = (&cfg.defaulting, &cfg.bottom);
    let plan_note = if may_plan {
        " The count opens an improvement plan for the partner, filled in."
    } else {
        ""
    };
    let dlink = plan_link(
        wk,
        may_plan.then_some(("days_below", "dot_pct", dc.dot_target)),
    );
    let blink = plan_link(
        wk,
        may_plan.then_some(("weeks_in_bottom", "score", cfg.tiers.great)),
    );
    [
        GridSpec {
            id: "defaulting",
            title: "Defaulting on DOT".into(),
            note: format!("DOT below target on at least {} of the partner's last {} days with dispatches (all its stations together), up to the week's end.{plan_note}", dc.days, dc.window),
            table: d,
            show: &["partner", "days_below", "days_seen", "target", "worst_day", "worst_dot_pct"],
            dl: format!("?week={wk}&table=defaulting&download="),
        }
        .build(&dlink, &|_| None),
        GridSpec {
            id: "bottom",
            title: "Consistently bottom".into(),
            note: format!("In the bottom {}% of the network's scores in at least {} of the last {} weeks.{plan_note}", bc.share_pct, bc.weeks, bc.of_last),
            table: b,
            show: &["partner", "weeks_in_bottom", "of_last", "latest_score"],
            dl: format!("?week={wk}&table=bottom&download="),
        }
        .build(&blink, &|_| None),
    ]
}

pub async fn scores(
    State(s): State<AppState>,
    u: User,
    PageWeek(week): PageWeek,
    Query(q): Query<GridQuery>,
    Query(filter): Query<RankingFilter>,
) -> PageResult {
    let r = health::ranking_filtered(&s.ws, &u.actor, week, filter).await?;
    let wk = r.week.map(|w| w.to_string()).unwrap_or_default();
    let lists = r
        .defaulting
        .as_ref()
        .zip(r.bottom.as_ref())
        .map(|(d, b)| (defaulting_table(d), bottom_table(b)));
    if let Some(f) = &q.download {
        return match (q.table.as_deref(), &lists) {
            (Some("defaulting"), Some((d, _))) => download(d, &format!("defaulting-{wk}"), f),
            (Some("bottom"), Some((_, b))) => download(b, &format!("bottom-{wk}"), f),
            _ => download(&r.scores, &format!("scores-{wk}"), f),
        };
    }
    let mut page = GridPage::new(chrome(&u, "scores"), "/scores", "Network health", r.week);
    if let Some((a, b)) = r.so_far {
        page.so_far = format!(
            "so far: {} to {}, {} of 7 days; the ranking may change as the week fills",
            a.format("%a %-d %b"),
            b.format("%a %-d %b"),
            (b - a).num_days() + 1
        );
    }
    page.tiles = tiles(&r, &r.config);
    if let Some(w) = r.week
        && !u
            .user
            .role
            .may(dspdesk_core::Action::RankAmongAnonymousPeers)
    {
        let choices = health::choices(&s.ws, &u.actor, w).await?;
        page.filters = Some(filter_form(&r, &choices, r.unfiltered));
        page.keep = r.filter.query();
    }
    let mut ranking = ranking_grid(&r, &wk);
    // A partner finds its own row at a glance among the anonymous ones.
    let own: Vec<&str> = r.own.iter().map(|o| o.partner.as_str()).collect();
    for row in &mut ranking.rows {
        if row.iter().any(|c| own.contains(&c.raw.as_str())) {
            for c in row.iter_mut() {
                c.class.push_str(" own");
            }
        }
    }
    page.grids.push(ranking);
    if let Some((d, b)) = &lists {
        let may_plan = u.user.role.may(dspdesk_core::Action::SetGoals);
        page.grids
            .extend(list_grids(&r.config, d, b, &wk, may_plan));
    }
    page.name_partners(&dspdesk_app::partners::names(&s.ws).await?);
    Ok(render(page))
}

#[derive(Template)]
#[template(path = "health/scorecard.html")]
struct ScorecardPage {
    c: Chrome,
    partner: String,
    /// Its legal name from its file, or empty.
    name: String,
    charts: Vec<ChartBox>,
    /// A station manager's stations: the card is made of their numbers alone.
    within: Option<String>,
    week: String,
    prev: String,
    next: String,
    score: String,
    tier: String,
    tier_class: String,
    /// Why the tier is capped ("insurance lapsed"), or empty.
    capped: String,
    rank: String,
    change: String,
    version: i64,
    components: Vec<ComponentLine>,
    stations: Vec<(String, String, String, String)>,
    days: Vec<(String, String, String, String)>,
    grids: Vec<Grid>,
    /// The form that issues a plan, filled from this card (empty: the role may not).
    plan_link: String,
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

/// The scorecard's tables: (id, title, note, table, columns shown).
fn card_tables(
    card: &Scorecard,
) -> Vec<(
    &'static str,
    &'static str,
    String,
    Table,
    &'static [&'static str],
)> {
    let cfg = &card.config;
    let stations: Vec<&_> = card.stations.iter().collect();
    vec![
        ("stations", "Score at each station",
         "The same score computed from the partner's numbers at one station; the partner's score above sums its stations' counts first (never an average of scores).".into(),
         scores_table(&stations, true),
         &["station", "score", "tier", "rank", "dot_pct", "dcr_pct", "nl_dpmo", "cod_shortfall_pct", "goal_p50_met_pct", "dispatched"]),
        ("goals", "Route goals",
         format!("Daily routes against the P50 and P90 goals (set, adopted, or suggested from the {} days before the week); days the station ran no route are not counted, days it did but the partner did not count as 0.", cfg.goals.window_days),
         goals_table(&card.goals),
         &["station", "goal_p50", "goal_p90", "goal_source", "routes", "route_days", "goal_p50_met_pct", "goal_p90_met_pct", "shortfall_days", "suggested_p50", "suggested_p90"]),
        ("cod", "COD ledger",
         "Shortfall on day D = COD due on days up to D−1 minus cash remitted up to D; overdue when positive two days running.".into(),
         cod_table(&card.cod),
         &["date", "station", "cod_due", "remitted", "shortfall", "overdue"]),
        ("unusual", "Unusual days",
         format!("Days whose DOT or DCR was far from the partner's usual at the station (the middle of its previous {} days there). A bad day is worth asking the station about; a good day is worth knowing what went right.", cfg.unusual.window_days),
         unusual_table(&card.unusual),
         &["date", "station", "day_kind", "metric", "value", "median", "history_days"]),
    ]
}

/// The lapsed documents and guarantees that cap the tier, in words.
fn capped(card: &Scorecard) -> String {
    let lapsed = card
        .row
        .as_ref()
        .map(|r| r.lapsed.clone())
        .unwrap_or_default();
    if lapsed.is_empty() {
        return String::new();
    }
    let names: Vec<String> = lapsed.iter().map(|l| l.replace('_', " ")).collect();
    format!(
        "at most {}: {} lapsed",
        card.config.lapsed_mandatory_cap.label(),
        names.join(", ")
    )
}

/// A component's value as its unit is shown: DPMO whole, percentages to one decimal.
fn component_value(name: &str, v: Option<f64>) -> String {
    match dspdesk_core::metric::metric(name).map(|m| m.unit) {
        Some(dspdesk_core::metric::Unit::PerMillion) => dspdesk_core::display::dpmo(v),
        Some(dspdesk_core::metric::Unit::Percent) => dspdesk_core::display::pct(v),
        _ => f1(v),
    }
}

fn component_lines(card: &Scorecard) -> Vec<ComponentLine> {
    card.explanation
        .components
        .iter()
        .map(|c| ComponentLine {
            name: label(c.component.as_str()),
            value: component_value(c.component.as_str(), c.value_now),
            before: component_value(c.component.as_str(), c.value_before),
            weight: card
                .config
                .component(c.component.as_str())
                .map_or("off".into(), |x| format!("{}", x.weight)),
            points: f1(c.contribution_now),
            delta: format!("{:+.1}", c.delta),
            delta_class: match c.delta {
                d if d < -0.05 => "down".into(),
                d if d > 0.05 => "up".into(),
                _ => String::new(),
            },
        })
        .collect()
}

/// The scorecard's charts: the score and its main components over the weeks, and each
/// station's daily routes against its goals this week.
fn card_charts(card: &Scorecard) -> Vec<ChartBox> {
    let weeks = |f: &dyn Fn(&dspdesk_app::health::ScoreRow) -> Option<f64>| {
        card.trend
            .iter()
            .map(|(w, r)| (format!("W{:02}", w.week), r.as_ref().and_then(f)))
            .collect::<Vec<_>>()
    };
    let series = [
        ("Score", "s1", weeks(&|r| r.score)),
        ("DOT %", "s2", weeks(&|r| r.value("dot_pct"))),
        ("DCR %", "s5", weeks(&|r| r.value("dcr_pct"))),
        ("P50 met %", "s4", weeks(&|r| r.value("goal_p50_met_pct"))),
    ];
    let tiers = &card.config.tiers;
    let mut charts = vec![ChartBox {
        title: format!(
            "Score and components, the {} weeks to {}",
            card.trend.len(),
            card.week
        ),
        svg: line_chart_with_targets(
            "Score and components over the weeks",
            &series
                .iter()
                .map(|(name, class, points)| Series {
                    name,
                    class,
                    points: points.clone(),
                })
                .collect::<Vec<_>>(),
            &[(&format!("Fantastic {}", tiers.fantastic), tiers.fantastic)],
        ),
        legend: series
            .iter()
            .map(|(name, class, _)| (*class, (*name).to_owned()))
            .collect(),
    }];
    for g in card.goals.iter().filter(|g| g.goal.is_some()).take(4) {
        let goal = g.goal.as_ref().map(|x| (x.p50.ceil(), x.p90.ceil()));
        let (p50, p90) = goal.unwrap_or((f64::NAN, f64::NAN));
        let targets = goal_lines(p50, p90);
        let targets: Vec<(&str, f64)> = targets.iter().map(|(l, v)| (l.as_str(), *v)).collect();
        charts.push(ChartBox {
            title: format!("Daily routes at {} against its goals", g.station),
            svg: value_chart_with_targets(
                "Daily routes against the P50 and P90 goals",
                &[Series {
                    name: "Routes",
                    class: "s1",
                    points: g
                        .daily
                        .iter()
                        .map(|(d, r)| (d.format("%a %-d").to_string(), Some(*r as f64)))
                        .collect(),
                }],
                &targets,
            ),
            legend: vec![("s1", "Routes run each day; dashed: the goals".into())],
        });
    }
    charts
}

fn effect(x: &Effect) -> (String, String, String, String) {
    (
        x.what.clone(),
        format!("{:+.1}", x.effect),
        f1(x.dot_pct),
        int(x.dispatched),
    )
}

pub async fn scorecard(
    State(s): State<AppState>,
    u: User,
    PageWeek(week): PageWeek,
    Path(code): Path<String>,
    Query(q): Query<GridQuery>,
) -> PageResult {
    let card = health::scorecard(&s.ws, &u.actor, &partner_code(&code)?, week).await?;
    let wk = card.week.to_string();
    let tables = card_tables(&card);
    if let Some(f) = &q.download {
        let want = q.table.as_deref().unwrap_or("goals");
        let (id, _, _, t, _) = tables.iter().find(|x| x.0 == want).unwrap_or(&tables[1]);
        return download(t, &format!("{code}-{id}-{wk}"), f);
    }
    let grids = tables
        .iter()
        .map(|(id, title, note, t, show)| {
            let station = |col: &str, row: &[Cell]| {
                (*id == "stations" && col == "station")
                    .then(|| format!("/stations/{}?week={wk}", t.text_of(row, "station")))
            };
            let link: &dyn Fn(&str, &[Cell]) -> Option<String> = if *id == "stations" {
                &station
            } else {
                &no_links
            };
            GridSpec {
                id,
                title: (*title).into(),
                note: note.clone(),
                table: t,
                show,
                dl: format!("?week={wk}&table={id}&download="),
            }
            .build(link, &|_| None)
        })
        .collect();
    let e = &card.explanation;
    let (prev, next) = neighbours(Some(card.week));
    let within = match &u.actor.scope {
        dspdesk_core::Scope::Stations(s) => Some(s.iter().cloned().collect::<Vec<_>>().join(", ")),
        _ => None,
    };
    let name = dspdesk_app::partners::names(&s.ws)
        .await?
        .remove(&card.partner)
        .unwrap_or_default();
    Ok(render(ScorecardPage {
        c: chrome(&u, "scores"),
        partner: code.clone(),
        name,
        charts: card_charts(&card),
        within,
        prev,
        next,
        score: f1(e.score_now),
        tier: e.tier_now.map_or("–".into(), |t| t.label().into()),
        tier_class: e.tier_now.map_or("".into(), |t| t.as_str().into()),
        capped: capped(&card),
        rank: card
            .row
            .as_ref()
            .and_then(|r| r.rank.map(|k| format!("{k} of {}", r.ranked)))
            .unwrap_or_else(|| "–".into()),
        change: e.change().map_or("–".into(), |c| format!("{c:+.1}")),
        version: card.config_version,
        components: component_lines(&card),
        plan_link: if u.user.role.may(dspdesk_core::Action::SetGoals) {
            let mut q = format!("/plans?partner={}", segment(&card.partner));
            for (m, t) in dspdesk_app::plans::suggested_metrics(&card) {
                q.push_str(&format!("&metric={m}&target={t}"));
            }
            q
        } else {
            String::new()
        },
        stations: e.stations.iter().map(effect).collect(),
        days: e
            .days
            .iter()
            .filter(|d| d.effect < 0.0)
            .map(effect)
            .collect(),
        grids,
        week: wk,
    }))
}
