//! The COD ledger page: what needs chasing first.

use crate::AppState;
use crate::shared::auth::User;
use crate::shared::charts::{Series, value_chart};
use crate::shared::download::download;
use crate::shared::error::PageResult;
use crate::shared::extract::PageWeek;
use crate::shared::grid::{ChartBox, GridPage, GridSpec, no_links};
use crate::shared::render::{chrome, render, segment};
use axum::extract::{Query, State};
use dspdesk_app::cod::{cod_table, owed_by_day, pair_table, pairs_week};
use dspdesk_core::display::money_short;
use dspdesk_core::minor_to_decimal;
use dspdesk_core::table::Cell;

#[derive(serde::Deserialize, Default)]
pub struct GridQuery {
    download: Option<String>,
    /// `days` downloads the ledger by day; otherwise by partner × station.
    table: Option<String>,
    /// One pair's days, opened from its row.
    #[serde(default)]
    partner: String,
    #[serde(default)]
    station: String,
}

pub async fn cod(
    State(s): State<AppState>,
    u: User,
    PageWeek(week): PageWeek,
    Query(q): Query<GridQuery>,
) -> PageResult {
    let (week, lines, pairs) = pairs_week(&s.ws, &u.actor, week).await?;
    let wk = week.map(|w| w.to_string()).unwrap_or_default();
    if let Some(f) = &q.download {
        return match q.table.as_deref() {
            Some("days") => download(&cod_table(&lines), &format!("cod-days-{wk}"), f),
            _ => download(&pair_table(&pairs), &format!("cod-{wk}"), f),
        };
    }
    let overdue = pairs.iter().filter(|p| p.overdue_since.is_some()).count();
    let due: i64 = pairs.iter().map(|l| l.cod_due_minor).sum();
    let remitted: i64 = pairs.iter().map(|l| l.remitted_minor).sum();
    let owed: i64 = pairs.iter().map(|l| l.owed_minor.max(0)).sum();
    let table = pair_table(&pairs);
    let link = |col: &str, row: &[Cell]| {
        let (p, st) = (row[0].export_text(), row[1].export_text());
        match col {
            "partner" => Some(format!("/partners/{}/scorecard?week={wk}", segment(&p))),
            "owed" | "station" => Some(format!(
                "/cod?week={wk}&partner={}&station={}#days",
                segment(&p),
                segment(&st)
            )),
            _ => None,
        }
    };
    let mut page = GridPage::new(chrome(&u, "scores"), "/cod", "COD ledger", week);
    page.intro = "One line per partner at a station: what it owes at the week's end and since when it is overdue; open a line for its days. Shortfall of a partner at a station on day D = COD due on days up to D−1 minus cash remitted up to D (the cash of D−1 is due by the end of D). Positive two days running is overdue.".into();
    page.tiles = vec![
        (
            "COD due".into(),
            money_short(minor_to_decimal(due)),
            "this week".into(),
        ),
        (
            "Remitted".into(),
            money_short(minor_to_decimal(remitted)),
            "this week".into(),
        ),
        (
            "Owed at the week's end".into(),
            money_short(minor_to_decimal(owed)),
            "where short".into(),
        ),
        (
            "Overdue".into(),
            overdue.to_string(),
            "partner-stations".into(),
        ),
    ];
    if let Some(w) = week {
        let days = owed_by_day(&s.ws, &u.actor, w, 6).await?;
        let major = |m: i64| Some(m as f64 / 100.0);
        let label = |d: &chrono::NaiveDate| d.format("%-d %b").to_string();
        let sym = dspdesk_core::display::currency().symbol;
        page.charts.push(ChartBox {
            title: format!("Owed day by day, the 6 weeks to {wk} ({sym})"),
            svg: value_chart(
                "COD owed by day",
                &[
                    Series {
                        name: "Owed",
                        class: "s1",
                        points: days.iter().map(|(d, o, _)| (label(d), major(*o))).collect(),
                    },
                    Series {
                        name: "Overdue",
                        class: "s4",
                        points: days.iter().map(|(d, _, o)| (label(d), major(*o))).collect(),
                    },
                ],
            ),
            legend: vec![
                ("s1", "Owed (positive shortfalls)".into()),
                ("s4", "Of which overdue".into()),
            ],
        });
    }
    page.grids.push(
        GridSpec {
            id: "cod",
            title: "Owed, overdue first".into(),
            note: String::new(),
            table: &table,
            show: &[
                "partner",
                "station",
                "owed",
                "overdue_since",
                "overdue_days",
                "cod_due",
                "remitted",
            ],
            dl: format!("?week={wk}&download="),
        }
        .build(&link, &|_| None),
    );
    if let Some(pair) = pairs
        .iter()
        .find(|p| p.partner == q.partner && p.station == q.station)
    {
        let days = cod_table(&pair.days);
        page.grids.push(
            GridSpec {
                id: "days",
                title: format!("{} at {}, day by day", pair.partner, pair.station),
                note: String::new(),
                table: &days,
                show: &["date", "cod_due", "remitted", "shortfall", "overdue"],
                dl: format!("?week={wk}&table=days&download="),
            }
            .build(&no_links, &|_| None),
        );
    }
    page.name_partners(&dspdesk_app::partners::names(&s.ws).await?);
    page.name_stations(&dspdesk_app::network::station_names(&s.ws).await?);
    Ok(render(page))
}
