//! The COD ledger page: what needs chasing first.

use crate::AppState;
use crate::shared::auth::User;
use crate::shared::download::download;
use crate::shared::error::PageResult;
use crate::shared::extract::PageWeek;
use crate::shared::grid::{GridPage, GridSpec};
use crate::shared::render::{chrome, money, render};
use axum::extract::{Query, State};
use dspdesk_app::cod::{cod_table, ledger_week};
use dspdesk_core::minor_to_decimal;
use dspdesk_core::table::Cell;

#[derive(serde::Deserialize, Default)]
pub struct GridQuery {
    download: Option<String>,
}

pub async fn cod(
    State(s): State<AppState>,
    u: User,
    PageWeek(week): PageWeek,
    Query(q): Query<GridQuery>,
) -> PageResult {
    let (week, mut lines) = ledger_week(&s.ws, &u.actor, week).await?;
    let wk = week.map(|w| w.to_string()).unwrap_or_default();
    if let Some(f) = &q.download {
        return download(&cod_table(&lines), &format!("cod-{wk}"), f);
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
    let table = cod_table(&lines);
    let p = table.column("partner").unwrap_or(0);
    let link = |col: &str, row: &[Cell]| {
        (col == "partner")
            .then(|| format!("/partners/{}/scorecard?week={wk}", row[p].export_text()))
    };
    let mut page = GridPage::new(chrome(&u, "scores"), "/cod", "COD ledger", week);
    page.intro = "Shortfall of a partner at a station on day D = COD due on days up to D−1 minus cash remitted up to D (the cash of D−1 is due by the end of D). Positive two days running is overdue.".into();
    page.tiles = vec![
        (
            "COD due".into(),
            money(minor_to_decimal(due)),
            "this week".into(),
        ),
        (
            "Remitted".into(),
            money(minor_to_decimal(remitted)),
            "this week".into(),
        ),
        (
            "Overdue days".into(),
            overdue.to_string(),
            "partner-station days".into(),
        ),
    ];
    page.grids.push(
        GridSpec {
            id: "cod",
            title: "Ledger, overdue first".into(),
            note: String::new(),
            table: &table,
            show: &[
                "date",
                "partner",
                "station",
                "cod_due",
                "remitted",
                "shortfall",
                "overdue",
            ],
            dl: format!("?week={wk}&download="),
        }
        .build(&link, &|_| None),
    );
    Ok(render(page))
}
