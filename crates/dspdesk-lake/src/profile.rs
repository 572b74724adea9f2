//! Import profiles: a TOML file that maps another system's export onto the canonical
//! columns (renames, value maps, formats, constants, skipped rows, time zone).

use crate::schema::{ColType, Kind};
use chrono_tz::Tz;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// A rule that drops rows by the value of a source column (they are counted as
/// skipped, not rejected).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SkipRule {
    pub column: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Formats {
    /// A chrono `strftime` format for `date` columns, tried after ISO `YYYY-MM-DD`.
    pub date: Option<String>,
    /// A chrono format for timestamps, tried after ISO 8601. Without `%z` the value
    /// is a wall-clock time in the station's zone.
    pub timestamp: Option<String>,
}

/// Where a JSON file's records are (see `json.rs`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct JsonOptions {
    /// A path to the records: names descend, `*` takes each value of an object (its
    /// key kept as a column), `[]` each element of an array.
    pub records: Option<String>,
    /// Column names for the keys the `*` steps pass, in order (`key1`, … otherwise).
    #[serde(default)]
    pub keys: Vec<String>,
}

/// Columns taken from another file by a key (see `lookup.rs`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Lookup {
    /// The other file, relative to the folder of the file being loaded.
    pub file: String,
    /// The column of the file being loaded that holds the key.
    pub on: String,
    /// The other file's column with the same key.
    pub key: String,
    /// The other file's columns added to every row.
    pub columns: Vec<String>,
    /// How to read the other file when it is JSON.
    pub json: Option<JsonOptions>,
    /// The other file's CSV delimiter.
    pub delimiter: Option<String>,
}

/// A canonical column made from several source columns.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Derive {
    /// The first non-empty of these columns.
    #[serde(default)]
    pub first_of: Vec<String>,
    /// A timestamp from a date column …
    pub date: Option<String>,
    /// … and a time column (`21:00`, `21:00:00`), read in the station's zone.
    pub time: Option<String>,
}

/// The TOML form of an import profile. Every key is optional.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ImportProfile {
    /// The input kind this profile is written for; checked when given.
    pub kind: Option<String>,
    /// Zone of stations this file introduces (known stations keep their own).
    pub timezone: Option<String>,
    /// Lines above the header row to ignore (CSV and Excel).
    #[serde(default)]
    pub skip_lines: usize,
    /// Excel: the sheet to read; the first sheet when absent.
    pub sheet: Option<String>,
    /// CSV: the character between fields (`","` when absent; `";"`, `"|"`, `"\t"`).
    pub delimiter: Option<String>,
    /// The decimal mark of amounts and distances: `"."` (the default) or `","`. With
    /// `","`, dots and spaces in a number are thousands separators: `1.234,56`.
    pub decimal: Option<String>,
    /// Timestamp columns whose values may be dates: a date alone (or a wall-clock
    /// midnight, as spreadsheets write dates) means the end of that local day; a value
    /// with another time or an offset is read as it is.
    #[serde(default)]
    pub end_of_day: Vec<String>,
    /// canonical column = source column
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// canonical column = fixed value, for a column the source does not have
    #[serde(default)]
    pub constants: BTreeMap<String, String>,
    /// `[values.status]` and `[values.mot]`: source value = canonical value
    #[serde(default)]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    pub formats: Formats,
    #[serde(default)]
    pub skip: Vec<SkipRule>,
    /// JSON and JSON Lines: where the records are.
    pub json: Option<JsonOptions>,
    /// canonical column = how to make it from several columns
    #[serde(default)]
    pub derive: BTreeMap<String, Derive>,
    /// canonical column = value used only where the file's cell is empty
    #[serde(default)]
    pub defaults: BTreeMap<String, String>,
    /// Timestamp columns whose values without an offset are UTC (not the station's
    /// local time).
    #[serde(default)]
    pub naive_utc: Vec<String>,
    /// Columns taken from other files by a key.
    #[serde(default)]
    pub lookup: Vec<Lookup>,
    /// station = zone, for stations this file introduces (a stored station keeps its
    /// own; a different zone here is refused).
    #[serde(default)]
    pub zones: BTreeMap<String, String>,
}

#[derive(Debug, thiserror::Error)]
#[error("import profile {path}: {message}")]
pub struct ProfileError {
    pub path: String,
    pub message: String,
}

impl ImportProfile {
    pub fn load(path: &Path) -> Result<ImportProfile, ProfileError> {
        let err = |message: String| ProfileError {
            path: path.display().to_string(),
            message,
        };
        let text =
            std::fs::read_to_string(path).map_err(|e| err(format!("cannot read it: {e}")))?;
        toml::from_str(&text).map_err(|e| err(e.to_string()))
    }

    /// Checks every name and value against the contract for `kind`.
    pub fn validate(&self, kind: Kind, path: &str) -> Result<(), ProfileError> {
        self.check_reading(kind)
            .and_then(|_| self.check_names(kind))
            .and_then(|_| self.check_derive(kind))
            .and_then(|_| self.check_values())
            .map_err(|message| ProfileError {
                path: path.to_owned(),
                message,
            })
    }

    /// The kind, the CSV options and the zones.
    fn check_reading(&self, kind: Kind) -> Result<(), String> {
        if let Some(k) = &self.kind
            && Kind::parse(k) != Some(kind)
        {
            return Err(format!(
                "it is written for `{k}` files, and this is a {kind} ingest"
            ));
        }
        if let Some(d) = &self.delimiter
            && self.delimiter_byte().is_none()
        {
            return Err(format!(
                "delimiter {d:?} is not one character; use \",\", \";\", \"|\" or \"\\t\""
            ));
        }
        if let Some(d) = &self.decimal
            && d != "."
            && d != ","
        {
            return Err(format!("decimal {d:?}: use \".\" or \",\""));
        }
        if let Some(tz) = &self.timezone
            && tz.parse::<Tz>().is_err()
        {
            return Err(format!(
                "timezone {tz:?} is not an IANA zone name such as Asia/Kolkata"
            ));
        }
        for (station, zone) in &self.zones {
            if zone.parse::<Tz>().is_err() {
                return Err(format!(
                    "[zones] {station} = {zone:?} is not an IANA zone name such as Asia/Kolkata"
                ));
            }
        }
        Ok(())
    }

    /// Every canonical name the profile uses is one of the kind's columns.
    fn check_names(&self, kind: Kind) -> Result<(), String> {
        let known: Vec<&str> = kind.columns().iter().map(|c| c.name).collect();
        let check = |section: &str, name: &str| {
            if known.contains(&name) {
                Ok(())
            } else {
                Err(format!(
                    "{section}: `{name}` is not a {kind} column; the columns are {}",
                    known.join(", ")
                ))
            }
        };
        let sections: [(&str, Vec<&String>); 6] = [
            ("[columns]", self.columns.keys().collect()),
            ("[constants]", self.constants.keys().collect()),
            ("[derive]", self.derive.keys().collect()),
            ("[defaults]", self.defaults.keys().collect()),
            ("naive_utc", self.naive_utc.iter().collect()),
            ("end_of_day", self.end_of_day.iter().collect()),
        ];
        for (section, names) in sections {
            for name in names {
                check(section, name)?;
            }
        }
        for name in &self.end_of_day {
            let col = kind.columns().iter().find(|c| c.name == name);
            if col.map(|c| c.ty) != Some(ColType::Timestamp) {
                return Err(format!("end_of_day: `{name}` is not a timestamp column"));
            }
        }
        Ok(())
    }

    /// Each `[derive]` entry is one of its two forms, for a column it can make.
    fn check_derive(&self, kind: Kind) -> Result<(), String> {
        for (name, d) in &self.derive {
            if self.columns.contains_key(name) {
                return Err(format!(
                    "[derive] {name}: the column is also in [columns]; give one of the two"
                ));
            }
            let ty = kind.columns().iter().find(|c| c.name == name).map(|c| c.ty);
            match (d.first_of.is_empty(), &d.date, &d.time) {
                (false, None, None) => {}
                (true, Some(_), Some(_)) if ty == Some(ColType::Timestamp) => {}
                (true, Some(_), Some(_)) => {
                    return Err(format!(
                        "[derive] {name}: date and time make a timestamp, and `{name}` is not a timestamp column"
                    ));
                }
                _ => {
                    return Err(format!(
                        "[derive] {name}: give first_of = [\"A\", \"B\"], or date = \"…\" and time = \"…\""
                    ));
                }
            }
        }
        Ok(())
    }

    /// `[values.status]` and `[values.mot]` map onto the contract's values.
    fn check_values(&self) -> Result<(), String> {
        for (column, map) in &self.values {
            let allowed: Vec<&str> = match column.as_str() {
                "status" => dspdesk_core::Status::ALL
                    .iter()
                    .map(|s| s.as_str())
                    .collect(),
                "mot" => dspdesk_core::Mot::ALL.iter().map(|m| m.as_str()).collect(),
                other => {
                    return Err(format!(
                        "[values.{other}]: value maps are for `status` and `mot` only"
                    ));
                }
            };
            for (from, to) in map {
                if !allowed.contains(&to.as_str()) {
                    return Err(format!(
                        "[values.{column}]: {from:?} maps to {to:?}, which is not one of {}",
                        allowed.join(", ")
                    ));
                }
            }
        }
        Ok(())
    }

    /// The CSV delimiter as a byte (`\t` may be written `"\\t"` or `"tab"`).
    pub fn delimiter_byte(&self) -> Option<u8> {
        match self.delimiter.as_deref() {
            None => Some(b','),
            Some("\\t" | "tab" | "\t") => Some(b'\t'),
            Some(d) if d.len() == 1 && d.is_ascii() => Some(d.as_bytes()[0]),
            Some(_) => None,
        }
    }

    /// True when numbers are written with a decimal comma.
    pub fn decimal_comma(&self) -> bool {
        self.decimal.as_deref() == Some(",")
    }

    /// The zone the profile gives a station: its `[zones]` entry, else `timezone`.
    pub fn zone_of(&self, station: &str) -> Option<Tz> {
        self.zones
            .get(station)
            .and_then(|z| z.parse().ok())
            .or_else(|| self.default_zone())
    }

    pub fn default_zone(&self) -> Option<Tz> {
        self.timezone.as_deref().and_then(|t| t.parse().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ImportProfile {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn a_full_profile_parses_and_validates() {
        let p = parse(
            r#"
            kind = "deliveries"
            timezone = "America/Sao_Paulo"
            skip_lines = 2
            end_of_day = ["promised_by"]
            [columns]
            package_id = "order_id"
            [constants]
            cod_amount = "0"
            [values.status]
            shipped = "attempted"
            [formats]
            date = "%d/%m/%Y"
            [[skip]]
            column = "order_status"
            values = ["canceled"]
            "#,
        );
        p.validate(Kind::Deliveries, "p.toml").unwrap();
        assert_eq!(p.skip_lines, 2);
        assert_eq!(p.default_zone(), Some(chrono_tz::America::Sao_Paulo));
    }

    #[test]
    fn mistakes_are_named() {
        let e = parse("[columns]\nstatuss = \"x\"")
            .validate(Kind::Deliveries, "p.toml")
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("`statuss` is not a deliveries column"),
            "{e}"
        );
        let e = parse("[values.status]\nshipped = \"sent\"")
            .validate(Kind::Deliveries, "p.toml")
            .unwrap_err();
        assert!(e.to_string().contains("\"sent\""), "{e}");
        let e = parse("timezone = \"IST\"")
            .validate(Kind::Deliveries, "p.toml")
            .unwrap_err();
        assert!(e.to_string().contains("IANA"), "{e}");
        let e = parse("kind = \"routes\"")
            .validate(Kind::Deliveries, "p.toml")
            .unwrap_err();
        assert!(e.to_string().contains("written for `routes`"), "{e}");
        assert!(toml::from_str::<ImportProfile>("colums = {}").is_err());
    }
}
