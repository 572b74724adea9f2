//! ISO weeks (Monday first), written `2026-W47`.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IsoWeek {
    pub year: i32,
    pub week: u32,
}

impl IsoWeek {
    pub fn of(date: NaiveDate) -> IsoWeek {
        let w = date.iso_week();
        IsoWeek {
            year: w.year(),
            week: w.week(),
        }
    }

    pub fn monday(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Mon)
            .expect("an IsoWeek is only built from a valid week")
    }

    pub fn sunday(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Sun)
            .expect("an IsoWeek is only built from a valid week")
    }

    /// Parses `2026-W47` (also `2026W47`).
    pub fn parse(raw: &str) -> Result<IsoWeek, String> {
        let bad = || format!("{raw:?} is not an ISO week; write it like 2026-W47");
        let (y, w) = raw
            .split_once("-W")
            .or_else(|| raw.split_once('W'))
            .ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let week: u32 = w.parse().map_err(|_| bad())?;
        if !(crate::time::FIRST_YEAR..=crate::time::LAST_YEAR).contains(&year) {
            return Err(format!("{raw:?} {}", crate::time::outside_years()));
        }
        NaiveDate::from_isoywd_opt(year, week, Weekday::Mon)
            .map(|_| IsoWeek { year, week })
            .ok_or_else(|| format!("{raw:?}: year {year} has no week {week}"))
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-W{:02}", self.year, self.week)
    }
}

impl TryFrom<String> for IsoWeek {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        IsoWeek::parse(&raw)
    }
}

impl From<IsoWeek> for String {
    fn from(w: IsoWeek) -> String {
        w.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_cross_year_boundaries() {
        let d = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        assert_eq!(IsoWeek::of(d).to_string(), "2026-W53");
        let w = IsoWeek::parse("2026-W47").unwrap();
        assert_eq!(w.monday(), NaiveDate::from_ymd_opt(2026, 11, 16).unwrap());
        assert_eq!(w.sunday(), NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
        assert!(IsoWeek::parse("2025-W53").is_err());
        assert!(IsoWeek::parse("week 3").is_err());
        let e = IsoWeek::parse("262143-W01").unwrap_err();
        assert!(e.contains("outside the years"), "{e}");
        assert!(IsoWeek::parse("1999-W10").is_err());
    }
}
