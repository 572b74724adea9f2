//! One table model for every surface: a screen picks its columns from it, a download
//! writes it as CSV or Excel, the API as JSON and the CLI as text, so the four show
//! the same numbers. Columns are named as in the metric registry (`metric.rs`).

use crate::facts::Counts;
use crate::metric::COUNT_COLUMNS;
use crate::money::minor_to_decimal;
use rust_decimal::Decimal;

/// One value of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A ratio or score; `None` is empty (no denominator, no data).
    Num(Option<f64>),
    /// Money, exact; `None` is empty (unpriced).
    Money(Option<Decimal>),
    Bool(bool),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn money(d: Decimal) -> Cell {
        Cell::Money(Some(d))
    }

    /// Money held in minor units (paise).
    pub fn minor(minor: i64) -> Cell {
        Cell::Money(Some(minor_to_decimal(minor)))
    }

    /// The value as exported (CSV, the CLI's text): numbers in full, money with two
    /// decimals, empty for none.
    pub fn export_text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Num(v) => v.map(|x| x.to_string()).unwrap_or_default(),
            Cell::Money(d) => d.map(|d| format!("{d:.2}")).unwrap_or_default(),
            Cell::Bool(b) => b.to_string(),
        }
    }

    /// The value as a screen shows it: ratios to one decimal place.
    pub fn display(&self) -> String {
        match self {
            Cell::Num(Some(x)) => format!("{x:.1}"),
            Cell::Num(None) | Cell::Money(None) => "–".into(),
            other => other.export_text(),
        }
    }

    /// The value as written to a CSV file: as exported, with text a spreadsheet would
    /// run as a formula made inert (see [`csv_text`]).
    pub fn csv_text(&self) -> String {
        match self {
            Cell::Text(s) => csv_text(s).into_owned(),
            other => other.export_text(),
        }
    }

    pub fn is_numeric(&self) -> bool {
        !matches!(self, Cell::Text(_))
    }
}

/// Columns and rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| *c == name)
    }

    /// A row's value in a column, as exported; empty when there is no such column.
    pub fn text_of(&self, row: &[Cell], column: &str) -> String {
        self.column(column)
            .and_then(|i| row.get(i))
            .map(Cell::export_text)
            .unwrap_or_default()
    }

    /// A table of daily counts keyed by leading text columns.
    pub fn of_counts(
        keys: &[&'static str],
        rows: impl IntoIterator<Item = (Vec<String>, Counts)>,
    ) -> Table {
        let mut columns = keys.to_vec();
        columns.extend(COUNT_COLUMNS);
        Table {
            columns,
            rows: rows
                .into_iter()
                .map(|(k, c)| {
                    k.into_iter()
                        .map(Cell::Text)
                        .chain(count_cells(&c))
                        .collect()
                })
                .collect(),
        }
    }
}

/// The cells of [`COUNT_COLUMNS`] for a sum of counts.
pub fn count_cells(c: &Counts) -> Vec<Cell> {
    vec![
        Cell::Int(c.dispatched),
        Cell::Int(c.delivered),
        Cell::Int(c.on_time),
        Cell::Num(c.dot_pct()),
        Cell::Num(c.dcr_pct()),
        Cell::Int(c.lost),
        Cell::Num(c.nl_dpmo()),
        Cell::minor(c.nl_value_minor),
        Cell::minor(c.cod_due_minor),
        Cell::Int(c.routes),
        Cell::Num(c.packages_per_route()),
        Cell::Int(c.packages_routed),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_tables_name_their_columns_and_leave_empty_ratios_empty() {
        let t = Table::of_counts(&["partner"], [(vec!["SWFT".into()], Counts::default())]);
        assert_eq!(t.columns.len(), 1 + COUNT_COLUMNS.len());
        assert_eq!(t.text_of(&t.rows[0], "partner"), "SWFT");
        assert_eq!(t.text_of(&t.rows[0], "dot_pct"), "");
        assert_eq!(t.text_of(&t.rows[0], "cod_due"), "0.00");
        assert_eq!(Cell::Num(None).display(), "–");
        assert_eq!(Cell::Money(None).export_text(), "");
    }
}

/// Text as written to a CSV file. A spreadsheet runs a cell that starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return as a formula (`=HYPERLINK(…)`, `+cmd|…`), so
/// such text gets a leading `'`, as OWASP recommends for CSV injection; numbers are
/// written as numbers and never changed.
pub fn csv_text(s: &str) -> std::borrow::Cow<'_, str> {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

#[cfg(test)]
mod csv_tests {
    use super::*;

    #[test]
    fn text_a_spreadsheet_would_run_is_made_inert() {
        for evil in [
            "=HYPERLINK(\"http://x\")",
            "=1+1",
            "@SUM(A1)",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "\t=1",
        ] {
            assert_eq!(csv_text(evil), format!("'{evil}"), "{evil}");
        }
        assert_eq!(csv_text("R-1"), "R-1");
        assert_eq!(csv_text(""), "");
        assert_eq!(Cell::Int(-5).csv_text(), "-5");
        assert_eq!(Cell::Num(Some(-0.5)).csv_text(), "-0.5");
        assert_eq!(Cell::text("=1+1").csv_text(), "'=1+1");
    }
}
