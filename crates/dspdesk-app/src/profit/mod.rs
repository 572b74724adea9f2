//! Profitability over any slice (`metrics.md`, "Profitability"): route blocks priced
//! with the rate book loaded last, summed by any of partner, station, block, MOT, day
//! and week. Money stays exact until shown, then rounds to 2 places.

use crate::shared::actor::Actor;
use crate::shared::cache::ViewKey;
use crate::shared::error::AppError;
use crate::shared::workspace::Workspace;
use chrono::NaiveDate;
use dspdesk_core::config::ConfigKind;
use dspdesk_core::profit::{Money, ProfitBy, RateBook, round_money};
use dspdesk_core::table::{Cell, Table};
use dspdesk_core::{IsoWeek, Scope};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// `block` or `block_hours`, `day` or `date`, …: one grouping, or the caller's error.
fn parse_one(raw: &str) -> Result<ProfitBy, AppError> {
    ProfitBy::parse(raw).ok_or_else(|| {
        AppError::invalid(
            "by",
            format!("{raw:?} is not a grouping; use partner, station, block, mot, day or week"),
        )
    })
}

/// Payout, cost and profit of one slice.
#[derive(Debug, Clone, Serialize)]
pub struct ProfitLine {
    pub partner: Option<String>,
    pub station: Option<String>,
    pub block_hours: Option<i32>,
    pub mot: Option<String>,
    pub date: Option<NaiveDate>,
    pub week: Option<IsoWeek>,
    #[serde(skip)]
    pub money: Money,
    pub routes: i64,
    pub delivered: i64,
    pub payout: Decimal,
    pub cost: Decimal,
    pub profit: Decimal,
    pub margin_pct: Option<f64>,
    /// This slice's share of the routes of its group without the block and MOT
    /// (the block mix, when grouped by station, block and MOT).
    pub share_of_routes_pct: Option<f64>,
    pub unpriced_routes: i64,
    pub uncosted_routes: i64,
}

impl ProfitLine {
    pub fn profit_text(&self) -> String {
        self.profit.to_string()
    }
}

/// The rate book loaded last, and its version; `None` before any is loaded.
pub async fn rate_book(ws: &Workspace) -> Result<Option<(i64, RateBook)>, AppError> {
    let versions = ws.store.config_versions(ConfigKind::Rates).await?;
    match versions.last() {
        Some(v) => {
            let book = RateBook::from_toml(&v.body).map_err(AppError::Config)?;
            dspdesk_core::display::set_currency(book.currency.clone().unwrap_or_default());
            Ok(Some((v.version, book)))
        }
        None => Ok(None),
    }
}

/// Shows amounts in the currency of the rate book loaded last (at start and after a
/// rate book is loaded).
pub async fn apply_currency(ws: &Workspace) -> Result<(), AppError> {
    if rate_book(ws).await?.is_none() {
        dspdesk_core::display::set_currency(Default::default());
    }
    Ok(())
}

/// Profit lines for `from..=to` that the caller may see, grouped by `by`, largest
/// payout first within each key order.
pub async fn profit(
    ws: &Workspace,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
    by: &[ProfitBy],
) -> Result<Vec<ProfitLine>, AppError> {
    lines_in(ws, from, to, by, &actor.scope).await
}

pub(crate) async fn lines_in(
    ws: &Workspace,
    from: NaiveDate,
    to: NaiveDate,
    by: &[ProfitBy],
    scope: &Scope,
) -> Result<Vec<ProfitLine>, AppError> {
    // The same slice is asked for by every user of the screen; the data version (which
    // loading rates bumps too) keys the cache.
    let key = ViewKey::Profit(from, to, by.to_vec(), scope.clone());
    let lines = ws
        .views
        .get_or(&ws.store, key, || compute(ws, from, to, by, scope))
        .await?;
    Ok((*lines).clone())
}

async fn compute(
    ws: &Workspace,
    from: NaiveDate,
    to: NaiveDate,
    by: &[ProfitBy],
    scope: &Scope,
) -> Result<Vec<ProfitLine>, AppError> {
    let book = rate_book(ws).await?.map(|b| b.1).unwrap_or_default();
    let blocks = ws.store.blocks_in_scope(from, to, scope).await?;
    type Key = (
        Option<String>,
        Option<String>,
        Option<i32>,
        Option<String>,
        Option<NaiveDate>,
        Option<IsoWeek>,
    );
    let has = |b: ProfitBy| by.contains(&b);
    let mut groups: BTreeMap<Key, (Money, i64)> = BTreeMap::new();
    for b in &blocks {
        let m = book.price(&b.station, b.date, b.block_hours, &b.mot, &b.counts);
        let key: Key = (
            has(ProfitBy::Partner).then(|| b.partner.clone()),
            has(ProfitBy::Station).then(|| b.station.clone()),
            has(ProfitBy::Block).then_some(b.block_hours),
            has(ProfitBy::Mot).then(|| b.mot.clone()),
            has(ProfitBy::Day).then_some(b.date),
            has(ProfitBy::Week).then(|| IsoWeek::of(b.date)),
        );
        let e = groups.entry(key).or_default();
        e.0 += m;
        e.1 += b.counts.delivered;
    }
    // Routes of each group without block and MOT, for the mix.
    let mut parents: BTreeMap<Key, i64> = BTreeMap::new();
    for (k, (m, _)) in &groups {
        let parent = (k.0.clone(), k.1.clone(), None, None, k.4, k.5);
        *parents.entry(parent).or_default() += m.routes;
    }
    Ok(groups
        .into_iter()
        .map(|(k, (m, delivered))| {
            let parent = (k.0.clone(), k.1.clone(), None, None, k.4, k.5);
            let total = parents.get(&parent).copied().unwrap_or(0);
            ProfitLine {
                share_of_routes_pct: (total > 0 && (k.2.is_some() || k.3.is_some()))
                    .then(|| 100.0 * m.routes as f64 / total as f64),
                partner: k.0,
                station: k.1,
                block_hours: k.2,
                mot: k.3,
                date: k.4,
                week: k.5,
                routes: m.routes,
                delivered,
                payout: round_money(m.payout),
                cost: round_money(m.cost),
                profit: round_money(m.profit()),
                margin_pct: m.margin_pct(),
                unpriced_routes: m.unpriced_routes,
                uncosted_routes: m.uncosted_routes,
                money: m,
            }
        })
        .collect())
}

/// Station blocks (block hours × MOT) that lost money over the dates.
pub async fn loss_making_blocks(
    ws: &Workspace,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ProfitLine>, AppError> {
    let by = [ProfitBy::Station, ProfitBy::Block, ProfitBy::Mot];
    let lines = lines_in(ws, from, to, &by, &Scope::All).await?;
    Ok(lines
        .into_iter()
        .filter(|l| {
            l.money.profit() < Decimal::ZERO && l.unpriced_routes == 0 && l.uncosted_routes == 0
        })
        .collect())
}

/// Profit lines with the grouping columns that are set.
pub fn profit_table(lines: &[ProfitLine]) -> Table {
    let first = lines.first();
    let has_week = first.is_some_and(|l| l.week.is_some());
    let has_date = first.is_some_and(|l| l.date.is_some());
    let has_partner = first.is_some_and(|l| l.partner.is_some());
    let has_station = first.is_some_and(|l| l.station.is_some());
    let has_block = first.is_some_and(|l| l.block_hours.is_some());
    let has_mot = first.is_some_and(|l| l.mot.is_some());
    let mut columns = Vec::new();
    for (on, name) in [
        (has_date, "date"),
        (has_week, "week"),
        (has_partner, "partner"),
        (has_station, "station"),
        (has_block, "block_hours"),
        (has_mot, "mot"),
    ] {
        if on {
            columns.push(name);
        }
    }
    columns.extend([
        "routes",
        "delivered",
        "payout",
        "cost",
        "profit",
        "margin_pct",
        "share_of_routes_pct",
        "unpriced_routes",
        "uncosted_routes",
    ]);
    let rows = lines
        .iter()
        .map(|l| {
            let mut v = Vec::new();
            if has_date {
                v.push(Cell::text(
                    l.date.map(|d| d.to_string()).unwrap_or_default(),
                ));
            }
            if has_week {
                v.push(Cell::text(
                    l.week.map(|w| w.to_string()).unwrap_or_default(),
                ));
            }
            if has_partner {
                v.push(Cell::text(l.partner.clone().unwrap_or_default()));
            }
            if has_station {
                v.push(Cell::text(l.station.clone().unwrap_or_default()));
            }
            if has_block {
                v.push(Cell::Int(i64::from(l.block_hours.unwrap_or_default())));
            }
            if has_mot {
                v.push(Cell::text(l.mot.clone().unwrap_or_default()));
            }
            v.extend([
                Cell::Int(l.routes),
                Cell::Int(l.delivered),
                Cell::money(l.payout),
                Cell::money(l.cost),
                Cell::money(l.profit),
                Cell::Num(l.margin_pct),
                Cell::Num(l.share_of_routes_pct),
                Cell::Int(l.unpriced_routes),
                Cell::Int(l.uncosted_routes),
            ]);
            v
        })
        .collect();
    Table { columns, rows }
}

/// The profit lines of a week (default: the last complete one) that the caller may
/// see, grouped by `by`.
pub async fn profit_week(
    ws: &Workspace,
    actor: &Actor,
    week: Option<IsoWeek>,
    by: &[ProfitBy],
) -> Result<(Option<IsoWeek>, Vec<ProfitLine>), AppError> {
    let week = match week {
        Some(w) => Some(w),
        None => crate::shared::model::Model::load(ws)
            .await?
            .last_complete_week(),
    };
    let lines = match week {
        Some(w) => profit(ws, actor, w.monday(), w.sunday(), by).await?,
        None => Vec::new(),
    };
    Ok((week, lines))
}

/// `partner,station,block`: the groupings of a list; empty parts are ignored.
pub fn parse_by(raw: &str) -> Result<Vec<ProfitBy>, AppError> {
    raw.split(',')
        .filter(|b| !b.is_empty())
        .map(parse_one)
        .collect()
}
