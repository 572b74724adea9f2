//! The flags page: counts by kind, then every open flag with its reason.

use super::FlagQuery;
use crate::AppState;
use crate::shared::auth::User;
use crate::shared::download::download;
use crate::shared::error::PageError;
use crate::shared::error::PageResult;
use crate::shared::grid::{GridPage, GridSpec};
use crate::shared::render::{chrome, render, segment};
use axum::extract::{Query, State};
use dspdesk_app::flags::{flags as list, flags_table};
use dspdesk_core::flags::FlagKind;
use dspdesk_core::table::Cell;

pub async fn flags(State(s): State<AppState>, u: User, Query(q): Query<FlagQuery>) -> PageResult {
    let filter = q.filter().map_err(PageError::bad_request)?;
    let rows = list(&s.ws, &u.actor, filter).await?;
    let table = flags_table(&rows);
    if let Some(f) = &q.download {
        return download(&table, "flags", f);
    }
    let mut page = GridPage::new(chrome(&u, "flags"), "/flags", "Flags", None);
    page.subtitle = match filter.kind {
        Some(k) => k.label().into(),
        None => "everything that needs a person".into(),
    };
    page.intro = "Computed from the data after every load, as of the last day and the last complete week; a flag clears by itself when the data no longer shows it. Click a flag's number to agree an action item on it (an owner and a due date), or its reason to raise it as a support-hub point; lost packages, COD not remitted, ageing packages and late deliveries open their cases by themselves (Follow-ups).".into();
    page.tiles = FlagKind::ALL
        .iter()
        .map(|k| {
            let n = rows.iter().filter(|r| r.kind == *k).count();
            (
                k.label().to_owned(),
                n.to_string(),
                format!("/flags?kind={k}"),
            )
        })
        .collect();
    let p = table.column("partner").unwrap_or(0);
    let st = table.column("station").unwrap_or(0);
    let kind = table.column("kind").unwrap_or(0);
    let reason = table.column("reason").unwrap_or(0);
    let id = table.column("id").unwrap_or(0);
    // A partner links to its scorecard; a reason to the form that turns the flag into
    // a support-hub point someone follows up.
    let link = |col: &str, row: &[Cell]| {
        let code = row[p].export_text();
        match col {
            "id" => Some(format!("/flags/{}", row[id].export_text())),
            "partner" if !code.is_empty() => Some(format!("/partners/{code}/scorecard")),
            "reason" => {
                let title = FlagKind::parse(&row[kind].export_text()).map_or("Flag", |k| k.label());
                Some(format!(
                    "/followups/new?partner={}&station={}&title={}&text={}",
                    segment(&code),
                    segment(&row[st].export_text()),
                    segment(title),
                    segment(&row[reason].export_text())
                ))
            }
            _ => None,
        }
    };
    let all = if filter.all { "&all=1" } else { "" };
    let kind = filter.kind.map(|k| k.as_str()).unwrap_or("");
    page.grids.push(
        GridSpec {
            id: "flags",
            title: if filter.all {
                "All flags, cleared ones too"
            } else {
                "Open flags"
            }
            .into(),
            note: String::new(),
            table: &table,
            show: &[
                "id",
                "kind",
                "partner",
                "station",
                "subject",
                "reason",
                "data_date",
                "first_seen",
                "cleared_at",
            ],
            dl: format!("?kind={kind}{all}&download="),
        }
        .build(&link, &|_| None),
    );
    page.name_partners(&dspdesk_app::partners::names(&s.ws).await?);
    page.name_stations(&dspdesk_app::network::station_names(&s.ws).await?);
    Ok(render(page))
}
