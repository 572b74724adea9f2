//! One table on a page: the display columns picked from a full table (its download
//! carries every column), labelled from the metric registry.

use crate::shared::render::{int, money};
use dspdesk_core::display;
use dspdesk_core::flags::FlagKind;
use dspdesk_core::health::Tier;
use dspdesk_core::metric::{Unit, label};

fn unit(column: &str) -> Option<Unit> {
    dspdesk_core::metric::metric(column).map(|m| m.unit)
}

/// A change's colour where up is good (a score, DOT); a mixed column of changes (a
/// report's, where lower NL is better) stays uncoloured.
fn change_class(column: &str, c: &Cell) -> &'static str {
    if column == "change" {
        return "";
    }
    match (unit(column), c) {
        (Some(Unit::Change), Cell::Num(Some(x))) if *x >= 0.05 => " up",
        (Some(Unit::Change), Cell::Num(Some(x))) if *x <= -0.05 => " down",
        _ => "",
    }
}
use dspdesk_core::table::{Cell, Table};

pub struct Grid {
    pub id: &'static str,
    pub title: String,
    pub note: String,
    pub columns: Vec<(String, bool)>,
    pub rows: Vec<Vec<GridCell>>,
    pub dl: String,
    pub empty: String,
    /// The column the rows come sorted by (ascending), shown in its header.
    pub sorted: Option<usize>,
    /// The table's name of each column shown.
    pub keys: Vec<&'static str>,
}

impl Grid {
    /// Whether the rows come sorted by column `i` (its header says so).
    pub fn sorted_by(&self, i: impl std::borrow::Borrow<usize>) -> bool {
        self.sorted == Some(*i.borrow())
    }

    /// Moves column `from` under column `into` as a second, smaller line of each cell
    /// (`words` turns its text into the line; empty: none): a name under a code, the
    /// tier last week under this week's.
    pub fn fold(&mut self, into: &str, from: &str, words: impl Fn(&str, &str) -> String) {
        let (Some(i), Some(j)) = (
            self.keys.iter().position(|k| *k == into),
            self.keys.iter().position(|k| *k == from),
        ) else {
            return;
        };
        for row in &mut self.rows {
            let line = words(&row[j].text, &row[i].raw);
            row[i].sub = line;
            row.remove(j);
        }
        self.columns.remove(j);
        self.keys.remove(j);
        if let Some(k) = self.sorted {
            self.sorted = match k.cmp(&j) {
                std::cmp::Ordering::Less => Some(k),
                std::cmp::Ordering::Equal => None,
                std::cmp::Ordering::Greater => Some(k - 1),
            };
        }
    }
}

pub struct GridCell {
    pub text: String,
    /// A tier: the text shows as a coloured badge.
    pub badge: String,
    pub raw: String,
    pub href: String,
    pub class: String,
    /// A second, smaller line under the text (a partner's name under its code).
    pub sub: String,
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
        ("tier_before", _) => Tier::parse(&raw).map_or(raw, |t| t.label().to_owned()),
        (_, Cell::Num(Some(x))) => match unit(column) {
            Some(Unit::PerMillion) => display::dpmo(Some(*x)),
            Some(Unit::Percent) => display::pct(Some(*x)),
            Some(Unit::Goal) => display::goal_routes(Some(*x)),
            Some(Unit::Change) => display::change(Some(*x)),
            _ => display::one_decimal(*x),
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
                                "reason" | "title" | "document" => "wrap".to_owned(),
                                _ if r[i].is_numeric() => {
                                    format!("n{}", change_class(name, &r[i]))
                                }
                                _ => String::new(),
                            },
                            sub: String::new(),
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
            sorted: None,
            keys: idx.iter().map(|&i| t.columns[i]).collect(),
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
    /// The ranking's filters (station, coach, tier, MOT).
    pub filters: Option<FilterForm>,
    /// Charts above the tables.
    pub charts: Vec<ChartBox>,
    /// Query parameters the week links and downloads keep (`&station=…`).
    pub keep: String,
}

/// A chart with its heading and legend (series class, name).
pub struct ChartBox {
    pub title: String,
    /// Server-rendered SVG (escaped where it carries text).
    pub svg: String,
    pub legend: Vec<(&'static str, String)>,
}

/// One filter: (query name, label, chosen value, options of (value, label)).
pub type FilterField = (&'static str, &'static str, String, Vec<(String, String)>);

/// A page's filters as a form of choices: each (name, label, chosen, options of
/// (value, label)); an empty choice is "any".
pub struct FilterForm {
    pub fields: Vec<FilterField>,
    /// How many rows pass, in words ("12 of 30 partners").
    pub count: String,
}

/// Each code of column `key` gets its name (from `names`) under it, in every grid that
/// has the column; a cell with a line under it already keeps it.
pub fn name_column(
    grids: &mut [Grid],
    key: &str,
    names: &std::collections::HashMap<String, String>,
) {
    for g in grids {
        let Some(i) = g.keys.iter().position(|k| *k == key) else {
            continue;
        };
        for row in &mut g.rows {
            if row[i].sub.is_empty()
                && let Some(n) = names.get(&row[i].raw)
            {
                row[i].sub = n.clone();
            }
        }
    }
}

impl GridPage {
    /// Each partner's name under its code, in every grid with a partner column (codes
    /// stay in links and downloads).
    pub fn name_partners(&mut self, names: &std::collections::HashMap<String, String>) {
        self.name_column("partner", names);
    }

    /// Each station's name under its code, in every grid with a station column.
    pub fn name_stations(&mut self, names: &std::collections::HashMap<String, String>) {
        self.name_column("station", names);
    }

    fn name_column(&mut self, key: &str, names: &std::collections::HashMap<String, String>) {
        name_column(&mut self.grids, key, names);
    }

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
            filters: None,
            charts: Vec::new(),
            keep: String::new(),
        }
    }
}
