//! One table on a page: the display columns picked from a full table (its download
//! carries every column), labelled from the metric registry.

use crate::shared::render::{int, money};
use dspdesk_core::flags::FlagKind;
use dspdesk_core::health::Tier;
use dspdesk_core::metric::label;
use dspdesk_core::table::{Cell, Table};

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

/// A grid under construction: `Grid::of(...)` then optional links and labels.
pub struct GridSpec<'a> {
    pub id: &'static str,
    pub title: String,
    pub note: String,
    pub table: &'a Table,
    pub show: &'a [&'a str],
    /// The link prefix of its downloads: `csv` or `xlsx` is appended.
    pub dl: String,
}

/// No cell is a link.
pub fn no_links(_: &str, _: &[Cell]) -> Option<String> {
    None
}

fn cell_text(column: &str, c: &Cell) -> String {
    let raw = c.export_text();
    match (column, c) {
        ("tier", _) => Tier::parse(&raw).map_or(raw, |t| t.label().to_owned()),
        ("kind", _) => FlagKind::parse(&raw)
            .map(|k| k.label())
            .or_else(|| dspdesk_core::followups::Kind::parse(&raw).map(|k| k.label()))
            .map_or(raw, str::to_owned),
        ("metric", _) if dspdesk_core::metric::metric(&raw).is_some() => label(&raw),
        (_, Cell::Money(Some(d))) => money(*d),
        (_, Cell::Num(Some(x))) => match dspdesk_core::metric::metric(column).map(|m| m.unit) {
            Some(dspdesk_core::metric::Unit::PerMillion) => dspdesk_core::display::dpmo(Some(*x)),
            Some(dspdesk_core::metric::Unit::Percent) => dspdesk_core::display::pct(Some(*x)),
            _ => dspdesk_core::display::one_decimal(*x),
        },
        (_, Cell::Int(i)) => int(*i),
        (_, Cell::Bool(b)) => if *b { "yes" } else { "" }.into(),
        _ => c.display(),
    }
}

impl GridSpec<'_> {
    /// The grid, with the cells `link` names as links and `relabel` overriding the
    /// registry's label of a column (a label that states a configurable rule).
    pub fn build(
        self,
        link: &dyn Fn(&str, &[Cell]) -> Option<String>,
        relabel: &dyn Fn(&str) -> Option<String>,
    ) -> Grid {
        let t = self.table;
        let idx: Vec<usize> = self.show.iter().filter_map(|c| t.column(c)).collect();
        let columns = idx
            .iter()
            .map(|&i| {
                let name = t.columns[i];
                let numeric = t.rows.first().is_some_and(|r| r[i].is_numeric());
                (relabel(name).unwrap_or_else(|| label(name)), numeric)
            })
            .collect();
        let rows = t
            .rows
            .iter()
            .map(|r| {
                idx.iter()
                    .map(|&i| {
                        let name = t.columns[i];
                        GridCell {
                            badge: if name == "tier" {
                                r[i].export_text()
                            } else {
                                String::new()
                            },
                            text: cell_text(name, &r[i]),
                            raw: r[i].export_text(),
                            href: link(name, r).unwrap_or_default(),
                            class: match name {
                                "reason" => "wrap".to_owned(),
                                _ if r[i].is_numeric() => "n".to_owned(),
                                _ => String::new(),
                            },
                        }
                    })
                    .collect()
            })
            .collect();
        Grid {
            id: self.id,
            title: self.title,
            note: self.note,
            columns,
            rows,
            dl: self.dl,
            empty: "Nothing here for this selection.".into(),
        }
    }
}

/// The tabs under **Scorecard**: the capabilities of the program's weekly numbers.
const TABS: [(&str, &str); 5] = [
    ("/scores", "Ranking"),
    ("/goals", "Route goals"),
    ("/profit", "Profitability"),
    ("/cod", "COD ledger"),
    ("/flags", "Flags"),
];

/// The goal forms' defaults: the period after the week shown.
pub struct GoalFormView {
    pub csrf: String,
    pub from: String,
    pub to: String,
    pub may_adopt: bool,
    /// Days of history a suggestion reads (configuration).
    pub window_days: u32,
}

/// A page of tiles and grids under the scorecard's tabs.
#[derive(askama::Template)]
#[template(path = "shared/grid.html")]
pub struct GridPage {
    pub c: crate::shared::render::Chrome,
    pub title: String,
    pub subtitle: String,
    /// "so far: …" when the week shown is incomplete.
    pub so_far: String,
    pub intro: String,
    pub week: String,
    pub prev: String,
    pub next: String,
    pub tabs: Vec<(&'static str, &'static str, bool)>,
    pub tiles: Vec<(String, String, String)>,
    pub grids: Vec<Grid>,
    /// The outcome of a form just sent.
    pub result: Option<(bool, String)>,
    pub goal_form: Option<GoalFormView>,
    /// The audit log's filter form: user, subject, id, from, to as typed.
    pub audit_form: Option<(String, String, String, String, String)>,
}

impl GridPage {
    /// A page under the tab `tab`, for the week shown (if any).
    pub fn new(
        c: crate::shared::render::Chrome,
        tab: &str,
        title: &str,
        week: Option<dspdesk_core::IsoWeek>,
    ) -> GridPage {
        let (prev, next) = crate::shared::render::neighbours(week);
        let week = week.map(|w| w.to_string()).unwrap_or_default();
        GridPage {
            c,
            title: title.into(),
            subtitle: week.clone(),
            so_far: String::new(),
            intro: String::new(),
            week,
            prev,
            next,
            tabs: TABS.iter().map(|(h, l)| (*h, *l, *h == tab)).collect(),
            tiles: Vec::new(),
            grids: Vec::new(),
            result: None,
            goal_form: None,
            audit_form: None,
        }
    }
}
