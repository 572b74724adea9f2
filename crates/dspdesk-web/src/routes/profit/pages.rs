//! The profitability page: the network by block and MOT, each station's block mix,
//! and each partner.

use crate::AppState;
use crate::shared::auth::User;
use crate::shared::charts::bar_chart;
use crate::shared::download::download;
use crate::shared::error::PageResult;
use crate::shared::extract::PageWeek;
use crate::shared::grid::{ChartBox, Grid, GridPage, GridSpec, no_links};
use crate::shared::render::{chrome, render, segment};
use axum::extract::{Query, State};
use dspdesk_app::profit::{profit_table, profit_week, rate_book};
use dspdesk_core::profit::ProfitBy;
use dspdesk_core::table::{Cell, Table};

#[derive(serde::Deserialize, Default)]
pub struct GridQuery {
    download: Option<String>,
    table: Option<String>,
    /// The station whose block mix is shown; without one, a line per station.
    #[serde(default)]
    station: String,
}

/// One table of the page: id, title, note, grouping, columns shown.
type Spec = (
    &'static str,
    &'static str,
    &'static str,
    &'static [ProfitBy],
    &'static [&'static str],
);

const SPECS: [Spec; 3] = [
    (
        "blocks",
        "By block and MOT",
        "The network's routes by block length and mode of transport.",
        &[ProfitBy::Block, ProfitBy::Mot],
        &[
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
        &[ProfitBy::Station, ProfitBy::Block, ProfitBy::Mot],
        &[
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
        &[ProfitBy::Partner],
        &[
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

/// Marks the loss-making rows' profit cell (shown at column `shown`).
fn mark_losses(g: &mut Grid, table: &Table, shown: usize) {
    if let Some(pi) = table.column("profit") {
        for (row, cells) in g.rows.iter_mut().zip(&table.rows) {
            if matches!(&cells[pi], Cell::Money(Some(d)) if d.is_sign_negative() && !d.is_zero()) {
                row[shown].class.push_str(" loss");
            }
        }
    }
}

/// The grid, its loss-making rows marked.
fn grid(spec: &Spec, table: &Table, wk: &str) -> Grid {
    let (id, title, note, _, show) = *spec;
    let mut g = GridSpec {
        id,
        title: title.into(),
        note: note.into(),
        table,
        show,
        dl: format!("?week={wk}&table={id}&download="),
    }
    .build(&no_links, &|_| None);
    if let Some(si) = show.iter().position(|c| *c == "profit") {
        mark_losses(&mut g, table, si);
    }
    g
}

pub async fn profit(
    State(s): State<AppState>,
    u: User,
    PageWeek(week): PageWeek,
    Query(q): Query<GridQuery>,
) -> PageResult {
    // The first table settles the default week; the others are asked for that week.
    let mut shown_week = week;
    let mut tables = Vec::new();
    for spec in &SPECS {
        let (w, lines) = profit_week(&s.ws, &u.actor, shown_week, spec.3).await?;
        shown_week = w;
        tables.push(profit_table(&lines));
    }
    let wk = shown_week.map(|w| w.to_string()).unwrap_or_default();
    if let Some(f) = &q.download {
        let want = q.table.as_deref().unwrap_or("blocks");
        if let Some(i) = SPECS.iter().position(|s| s.0 == want) {
            return download(&tables[i], &format!("profit-{want}-{wk}"), f);
        }
    }
    let book = rate_book(&s.ws).await?;
    let mut page = GridPage::new(chrome(&u, "scores"), "/profit", "Profitability", shown_week);
    page.intro = match &book {
        Some((v, b)) => format!(
            "Payout = block rate + per-delivered rate × delivered; cost = driver per hour × block hours + vehicle per day + energy per km × distance, from rates version {v} ({} rate cards, {} cost models) unless the routes file gave the amount. Amounts are exact decimals, rounded to 2 places when shown.",
            b.rate_cards.len(),
            b.cost_models.len()
        ),
        None => "No rate cards are loaded, so routes without a payout in the file are unpriced. Load them with `dspdesk config load rates FILE` (examples/config/rates.toml is a template).".into(),
    };
    if let Some(blocks) = tables.first() {
        let (b, m, g) = (
            blocks.column("block_hours"),
            blocks.column("mot"),
            blocks.column("margin_pct"),
        );
        if let (Some(b), Some(m), Some(g)) = (b, m, g) {
            let bars: Vec<(String, Option<f64>)> = blocks
                .rows
                .iter()
                .map(|r| {
                    let margin = match &r[g] {
                        Cell::Num(v) => *v,
                        _ => None,
                    };
                    (
                        format!("{}h {}", r[b].export_text(), r[m].export_text()),
                        margin,
                    )
                })
                .collect();
            page.charts.push(ChartBox {
                title: format!("Margin by block and MOT, {wk}"),
                svg: bar_chart("Margin % by block and mode of transport", &bars, "%"),
                legend: Vec::new(),
            });
        }
    }
    let station = q.station.trim();
    let mut grids = Vec::new();
    for (spec, t) in SPECS.iter().zip(&tables) {
        if spec.0 != "mix" {
            grids.push(grid(spec, t, &wk));
            continue;
        }
        if station.is_empty() {
            // A line per station; each opens to its block mix.
            let (_, lines) = profit_week(&s.ws, &u.actor, shown_week, &[ProfitBy::Station]).await?;
            let by_station = profit_table(&lines);
            let link = |col: &str, row: &[Cell]| {
                (col == "station")
                    .then(|| format!("?week={wk}&station={}#mix", segment(&row[0].export_text())))
            };
            let mut g = GridSpec {
                id: "mix",
                title: "By station: open one for its block mix".into(),
                note: String::new(),
                table: &by_station,
                show: &[
                    "station",
                    "routes",
                    "delivered",
                    "payout",
                    "cost",
                    "profit",
                    "margin_pct",
                ],
                dl: format!("?week={wk}&table=mix&download="),
            }
            .build(&link, &|_| None);
            mark_losses(&mut g, &by_station, 5);
            grids.push(g);
        } else {
            let mut one = t.clone();
            let si = one.column("station").unwrap_or(0);
            one.rows.retain(|r| r[si].export_text() == station);
            let mut g = grid(spec, &one, &wk);
            g.title = format!("Block mix and margin at {station}");
            grids.push(g);
        }
    }
    page.grids = grids;
    page.name_partners(&dspdesk_app::partners::names(&s.ws).await?);
    page.name_stations(&dspdesk_app::network::station_names(&s.ws).await?);
    Ok(render(page))
}
