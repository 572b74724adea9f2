//! Turning one source record into typed canonical values, per the contract and the
//! import profile. Every failure becomes a `RowError` that names row and column.

use crate::error::{IngestError, RowError};
use crate::profile::ImportProfile;
use crate::schema::{ColType, Column, Kind};
use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;
use csv::ByteRecord;
use dspdesk_core::codes::validate_code;
use dspdesk_core::time::{parse_date, parse_iso};
use dspdesk_core::{Mot, Status, parse_amount};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Where a canonical column's value comes from.
#[derive(Debug, Clone)]
enum Origin {
    Column(usize),
    Constant(Vec<u8>),
    Absent,
    /// The first non-empty of these columns.
    FirstOf(Vec<usize>),
    /// A timestamp from a date column and a time column.
    DateTime(usize, usize),
}

/// A typed value of one canonical column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Null,
    Text(&'a str),
    Date(NaiveDate),
    /// Microseconds since the epoch, UTC.
    Instant(i64),
    Status(Status),
    Mot(Mot),
    /// Minor units (paise).
    Money(i64),
    Int(i32),
    Float(f64),
}

impl Value<'_> {
    /// The value without its borrow of the source text (text becomes empty): for
    /// values made of owned text, which are never text columns.
    fn detached(self) -> Value<'static> {
        match self {
            Value::Null | Value::Text(_) => Value::Null,
            Value::Date(d) => Value::Date(d),
            Value::Instant(i) => Value::Instant(i),
            Value::Status(s) => Value::Status(s),
            Value::Mot(m) => Value::Mot(m),
            Value::Money(m) => Value::Money(m),
            Value::Int(i) => Value::Int(i),
            Value::Float(x) => Value::Float(x),
        }
    }
}

impl std::fmt::Display for Value<'_> {
    /// As a person checking a mapping reads it: instants in UTC.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Null => f.write_str("(empty)"),
            Value::Text(t) => f.write_str(t),
            Value::Date(d) => write!(f, "{d}"),
            Value::Instant(us) => match DateTime::from_timestamp_micros(*us) {
                Some(t) => write!(f, "{}", t.format("%Y-%m-%dT%H:%M:%SZ")),
                None => write!(f, "{us} µs"),
            },
            Value::Status(s) => f.write_str(s.as_str()),
            Value::Mot(m) => f.write_str(m.as_str()),
            Value::Money(m) => f.write_str(&dspdesk_core::format_minor(*m)),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
        }
    }
}

/// A source column and the values that make a row be skipped.
type SkipRule = (usize, HashSet<Vec<u8>>);

/// A header resolved against the contract and a profile: ready to convert rows.
pub struct Mapping {
    pub kind: Kind,
    origins: Vec<Origin>,
    end_of_day: Vec<bool>,
    status_map: HashMap<Vec<u8>, Status>,
    mot_map: HashMap<Vec<u8>, Mot>,
    skip: Vec<SkipRule>,
    date_format: Option<String>,
    ts_format: Option<String>,
    /// Numbers written `1.234,56` (the profile's `decimal = ","`).
    decimal_comma: bool,
    /// Per canonical column: the value used where the cell is empty (`[defaults]`).
    defaults: Vec<Option<Vec<u8>>>,
    /// Per canonical column: timestamps without an offset are UTC (`naive_utc`).
    naive_utc: Vec<bool>,
    header_len: usize,
    /// Where the station sits among the canonical columns: its zone places times.
    station: Option<usize>,
    pub source_columns: Vec<usize>,
}

impl Mapping {
    pub fn new(
        kind: Kind,
        headers: &[String],
        profile: &ImportProfile,
        path: &Path,
    ) -> Result<Mapping, IngestError> {
        let origins = origins(kind, headers, profile, path)?;
        let skip = skip_rules(headers, profile, path)?;
        let status_map = value_map(profile, "status")
            .into_iter()
            .filter_map(|(k, v)| Status::parse(&v).map(|s| (k, s)))
            .collect();
        let mot_map = value_map(profile, "mot")
            .into_iter()
            .filter_map(|(k, v)| Mot::parse(&v).map(|m| (k, m)))
            .collect();
        let end_of_day = kind
            .columns()
            .iter()
            .map(|c| profile.end_of_day.iter().any(|n| n == c.name))
            .collect();
        let source_columns = source_columns(&origins, &skip);
        Ok(Mapping {
            kind,
            origins,
            end_of_day,
            status_map,
            mot_map,
            skip,
            date_format: profile.formats.date.clone(),
            ts_format: profile.formats.timestamp.clone(),
            decimal_comma: profile.decimal_comma(),
            defaults: kind
                .columns()
                .iter()
                .map(|c| profile.defaults.get(c.name).map(|v| v.as_bytes().to_vec()))
                .collect(),
            naive_utc: kind
                .columns()
                .iter()
                .map(|c| profile.naive_utc.iter().any(|n| n == c.name))
                .collect(),
            header_len: headers.len(),
            station: kind.columns().iter().position(|c| c.name == "station"),
            source_columns,
        })
    }

    /// The source column feeding a canonical column, for type checks of typed formats.
    pub fn source_of(&self, canonical: usize) -> Option<usize> {
        match self.origins[canonical] {
            Origin::Column(i) => Some(i),
            _ => None,
        }
    }

    /// Where each canonical column comes from, in words: `column "AWB"`,
    /// `constant "0"`, or `absent (empty)`.
    pub fn describe_origins(&self, headers: &[String]) -> Vec<String> {
        self.origins
            .iter()
            .map(|o| match o {
                Origin::Column(i) => format!("column {:?}", headers.get(*i).map_or("", |h| h)),
                Origin::Constant(v) => format!("constant {:?}", String::from_utf8_lossy(v)),
                Origin::Absent => "absent (empty)".into(),
                Origin::FirstOf(cs) => format!(
                    "the first non-empty of {}",
                    cs.iter()
                        .map(|c| format!("{:?}", headers.get(*c).map_or("", |h| h)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Origin::DateTime(d, t) => format!(
                    "date {:?} and time {:?}",
                    headers.get(*d).map_or("", |h| h),
                    headers.get(*t).map_or("", |h| h)
                ),
            })
            .collect()
    }

    /// The raw text a canonical column takes from a record.
    pub fn raw_text(&self, rec: &ByteRecord, i: usize) -> String {
        String::from_utf8_lossy(self.raw(rec, i)).into_owned()
    }

    /// The source's numbers are typed (a spreadsheet, JSON, Parquet): they are written
    /// with a decimal point whatever the profile's `decimal` says of text files.
    pub fn numbers_are_typed(&mut self) {
        self.decimal_comma = false;
    }

    /// True when a profile's skip rule drops this record.
    pub fn skips(&self, rec: &ByteRecord) -> bool {
        self.skip
            .iter()
            .any(|(i, values)| values.contains(trim(rec.get(*i).unwrap_or(b""))))
    }

    fn raw<'r>(&'r self, rec: &'r ByteRecord, i: usize) -> &'r [u8] {
        let v: &'r [u8] = match &self.origins[i] {
            Origin::Column(c) => trim(rec.get(*c).unwrap_or(b"")),
            Origin::Constant(v) => v,
            Origin::Absent | Origin::DateTime(..) => b"",
            Origin::FirstOf(cs) => cs
                .iter()
                .map(|c| trim(rec.get(*c).unwrap_or(b"")))
                .find(|v| !v.is_empty())
                .unwrap_or(b""),
        };
        match (&self.defaults[i], v.is_empty()) {
            (Some(d), true) => d,
            _ => v,
        }
    }

    /// Converts a record into `out` (one value per canonical column). Errors go to
    /// `errors`; returns false when the row is bad. `zone` gives a station's time zone.
    pub fn convert<'r>(
        &'r self,
        rec: &'r ByteRecord,
        row: u64,
        zone: &mut dyn FnMut(&str) -> Tz,
        out: &mut Vec<Value<'r>>,
        errors: &mut Vec<RowError>,
    ) -> bool {
        out.clear();
        let before = errors.len();
        if rec.len() != self.header_len {
            errors.push(RowError {
                row,
                column: "(row)".into(),
                value: String::new(),
                message: format!(
                    "has {} fields and the header has {}; check for a stray comma or quote",
                    rec.len(),
                    self.header_len
                ),
            });
            return false;
        }
        let columns = self.kind.columns();
        // The station's zone is needed before timestamps: find the station first.
        let station_zone = self
            .station
            .and_then(|i| std::str::from_utf8(self.raw(rec, i)).ok())
            .filter(|s| validate_code(s).is_ok())
            .map(&mut *zone);
        for (i, col) in columns.iter().enumerate() {
            if let Origin::DateTime(d, t) = self.origins[i] {
                self.date_time(rec, row, (i, col), (d, t), station_zone, out, errors);
                continue;
            }
            let raw = self.raw(rec, i);
            match self.value(col, i, raw, station_zone) {
                Ok(v) => out.push(v),
                Err(message) => {
                    errors.push(RowError {
                        row,
                        column: col.name.into(),
                        value: String::from_utf8_lossy(raw).into_owned(),
                        message,
                    });
                    out.push(Value::Null);
                }
            }
        }
        self.check_row(row, out, errors);
        errors.len() == before
    }

    /// A timestamp made of a date column and a time column, in the station's zone (or
    /// UTC with `naive_utc`).
    #[allow(clippy::too_many_arguments)]
    fn date_time(
        &self,
        rec: &ByteRecord,
        row: u64,
        (i, col): (usize, &Column),
        (d, t): (usize, usize),
        zone: Option<Tz>,
        out: &mut Vec<Value<'_>>,
        errors: &mut Vec<RowError>,
    ) {
        let date = trim(rec.get(d).unwrap_or(b""));
        let time = trim(rec.get(t).unwrap_or(b""));
        let shown = format!(
            "{} {}",
            String::from_utf8_lossy(date),
            String::from_utf8_lossy(time)
        );
        let read = || -> Result<Value<'static>, String> {
            if date.is_empty() || time.is_empty() {
                return match &self.defaults[i] {
                    Some(v) => self.value(col, i, v, zone).map(|v| v.detached()),
                    None if col.required => Err(format!(
                        "is empty; `{}` is required (its date or time is missing)",
                        col.name
                    )),
                    None => Ok(Value::Null),
                };
            }
            let day = self.date(date, zone)?;
            dspdesk_core::time::supported(day).map_err(|_| outside())?;
            let text = std::str::from_utf8(time).map_err(|_| "is not valid UTF-8 text")?;
            let clock = ["%H:%M:%S", "%H:%M", "%H:%M:%S%.f"]
                .iter()
                .find_map(|f| NaiveTime::parse_from_str(text, f).ok())
                .ok_or("has a time that is not HH:MM or HH:MM:SS")?;
            let local = day.and_time(clock);
            if self.naive_utc[i] {
                return Ok(Value::Instant(local.and_utc().timestamp_micros()));
            }
            let zone = zone.ok_or("cannot be placed in time: the row's station is not valid")?;
            to_utc(local, zone).map(Value::Instant)
        };
        match read() {
            Ok(v) => out.push(v),
            Err(message) => {
                errors.push(RowError {
                    row,
                    column: col.name.into(),
                    value: shown,
                    message,
                });
                out.push(Value::Null);
            }
        }
    }

    fn value<'r>(
        &self,
        col: &Column,
        i: usize,
        raw: &'r [u8],
        zone: Option<Tz>,
    ) -> Result<Value<'r>, String> {
        if raw.is_empty() {
            return if col.required {
                Err(format!("is empty; `{}` is required", col.name))
            } else {
                Ok(default_for(col))
            };
        }
        let text = || std::str::from_utf8(raw).map_err(|_| "is not valid UTF-8 text".to_owned());
        match col.ty {
            ColType::Text => Ok(Value::Text(text()?)),
            ColType::Code => {
                let t = text()?;
                validate_code(t).map_err(|e| e.to_string())?;
                Ok(Value::Text(t))
            }
            ColType::Date => self
                .date(raw, zone)
                .and_then(|d| dspdesk_core::time::supported(d).map_err(|_| outside()))
                .map(Value::Date),
            ColType::Timestamp => {
                let zone = zone.ok_or("cannot be placed in time: the row's station is not valid")?;
                self.instant(raw, zone, self.end_of_day[i], self.naive_utc[i])
                    .map(Value::Instant)
            }
            ColType::Status => match Status::parse(text()?) {
                Some(s) => Ok(Value::Status(s)),
                None => self.status_map.get(raw).map(|s| Value::Status(*s)).ok_or_else(|| {
                    "is not a status; use one of delivered, attempted, rejected, rts, lost, damaged, or map it in the profile's [values.status]".to_owned()
                }),
            },
            ColType::Mot => match Mot::parse(text()?) {
                Some(m) => Ok(Value::Mot(m)),
                None => self.mot_map.get(raw).map(|m| Value::Mot(*m)).ok_or_else(|| {
                    "is not a mode of transport; use one of 2W, 3W, 4W, EV2W, EV3W, EV4W, or map it in the profile's [values.mot]".to_owned()
                }),
            },
            ColType::Amount | ColType::PositiveAmount => {
                let point = self.decimal_point(raw);
                let v = parse_amount(&point, false).map_err(|e| e.to_string())?;
                if col.ty == ColType::PositiveAmount && v == 0 {
                    return Err("is 0; it must be more than 0".into());
                }
                Ok(Value::Money(v))
            }
            ColType::Hours => {
                let h: i32 = text()?
                    .parse()
                    .map_err(|_| "is not a whole number of hours".to_owned())?;
                if !(1..=24).contains(&h) {
                    return Err("is not between 1 and 24 hours".into());
                }
                Ok(Value::Int(h))
            }
            ColType::Km => {
                let point = self.decimal_point(raw);
                let km: f64 = std::str::from_utf8(&point)
                    .ok()
                    .and_then(|t| t.parse().ok())
                    .ok_or_else(|| "is not a number".to_owned())?;
                if !km.is_finite() || km < 0.0 {
                    return Err("must be a number, 0 or more".into());
                }
                if km > MAX_KM {
                    return Err(format!(
                        "is more than {MAX_KM} km, longer than any route; give the distance in kilometres"
                    ));
                }
                Ok(Value::Float(km))
            }
        }
    }

    /// A number's text with a decimal point: as written, or, with the profile's
    /// `decimal = ","`, with its thousands separators (`.`, spaces) dropped and the
    /// comma made the point.
    fn decimal_point<'r>(&self, raw: &'r [u8]) -> std::borrow::Cow<'r, [u8]> {
        if !self.decimal_comma {
            return raw.into();
        }
        raw.iter()
            .filter(|b| !matches!(b, b'.' | b' '))
            .map(|&b| if b == b',' { b'.' } else { b })
            .collect::<Vec<u8>>()
            .into()
    }

    /// A day: `YYYY-MM-DD`, a timestamp's day (a wall-clock time's as written; an
    /// instant with an offset's in the station's zone, never the UTC day), or the
    /// profile's `[formats] date`.
    fn date(&self, raw: &[u8], zone: Option<Tz>) -> Result<NaiveDate, String> {
        if let Some(d) = parse_date(raw) {
            return Ok(d);
        }
        let local_day = |utc_micros: i64| -> Result<NaiveDate, String> {
            let zone = zone.ok_or("cannot be placed in a day: the row's station is not valid")?;
            DateTime::from_timestamp_micros(utc_micros)
                .map(|t| t.with_timezone(&zone).date_naive())
                .ok_or_else(|| "is out of range".to_owned())
        };
        if let Some(v) = parse_iso(raw) {
            return match v.utc_micros() {
                Some(micros) => local_day(micros),
                None => Ok(v.local.date()),
            };
        }
        if let (Some(fmt), Ok(text)) = (&self.date_format, std::str::from_utf8(raw)) {
            if let Ok(t) = DateTime::parse_from_str(text, fmt) {
                return local_day(t.timestamp_micros());
            }
            if let Ok(d) = NaiveDate::parse_from_str(text, fmt) {
                return Ok(d);
            }
            return Err(format!(
                "is not a date in the form YYYY-MM-DD nor {fmt} (the profile's [formats] date)"
            ));
        }
        Err("is not a date in the form YYYY-MM-DD; if the file writes dates another way, give it in the import profile's [formats], e.g. date = \"%d/%m/%Y\"".into())
    }

    fn instant(&self, raw: &[u8], zone: Tz, end_of_day: bool, utc: bool) -> Result<i64, String> {
        let parsed = parse_iso(raw)
            .map(|v| (v.local, v.offset_secs, v.date_only))
            .or_else(|| self.formatted(raw));
        let Some((local, offset, date_only)) = parsed else {
            return Err(match &self.ts_format {
                Some(f) => format!("is not an ISO 8601 timestamp nor in the form {f}"),
                None => "is not an ISO 8601 timestamp such as 2026-11-20T18:30:00+05:30".into(),
            });
        };
        if dspdesk_core::time::supported(local.date()).is_err() {
            return Err(outside());
        }
        // "By the end of that day" is what a date alone means, and a wall-clock midnight
        // is how spreadsheets write a date; a value with another time, or an offset, is
        // an instant as given.
        let a_date = date_only || (offset.is_none() && local.time() == NaiveTime::MIN);
        if end_of_day && a_date {
            let next = local
                .date()
                .checked_add_days(Days::new(1))
                .ok_or("is out of range")?;
            return Ok(start_of_day(next, zone)? - 1);
        }
        if date_only {
            return Err("is a date without a time; give the time, or, if the date means \"by the end of that day\", list the column in the profile's end_of_day".into());
        }
        match offset {
            Some(secs) => Ok(local.and_utc().timestamp_micros() - i64::from(secs) * 1_000_000),
            None if utc => Ok(local.and_utc().timestamp_micros()),
            None => to_utc(local, zone),
        }
    }

    fn formatted(&self, raw: &[u8]) -> Option<(NaiveDateTime, Option<i32>, bool)> {
        let text = std::str::from_utf8(raw).ok()?;
        let Some(fmt) = self.ts_format.as_deref() else {
            let date_fmt = self.date_format.as_deref()?;
            return NaiveDate::parse_from_str(text, date_fmt)
                .ok()
                .map(|d| (d.and_time(NaiveTime::MIN), None, true));
        };
        if let Ok(t) = DateTime::parse_from_str(text, fmt) {
            return Some((t.naive_local(), Some(t.offset().local_minus_utc()), false));
        }
        if let Ok(t) = NaiveDateTime::parse_from_str(text, fmt) {
            return Some((t, None, false));
        }
        // A date alone, in the timestamp format or the date format.
        NaiveDate::parse_from_str(text, fmt)
            .ok()
            .or_else(|| {
                let date_fmt = self.date_format.as_deref()?;
                NaiveDate::parse_from_str(text, date_fmt).ok()
            })
            .map(|d| (d.and_time(NaiveTime::MIN), None, true))
    }

    /// Rules that tie columns together.
    fn check_row(&self, row: u64, values: &[Value<'_>], errors: &mut Vec<RowError>) {
        // A delivery time that did not parse has its own error already.
        let unreadable = errors
            .iter()
            .any(|e| e.row == row && e.column == "delivered_at");
        if self.kind == Kind::Deliveries
            && values[6] == Value::Status(Status::Delivered)
            && values[7] == Value::Null
            && !unreadable
        {
            errors.push(RowError {
                row,
                column: "delivered_at".into(),
                value: String::new(),
                message: "is empty; a delivered package needs its delivery time".into(),
            });
        }
    }
}

/// Names other systems give the canonical columns.
const SYNONYMS: &[(&str, &[&str])] = &[
    (
        "package_id",
        &[
            "awb",
            "tracking",
            "trackingid",
            "trackingnumber",
            "shipmentid",
            "packageid",
            "parcelid",
            "orderid",
        ],
    ),
    (
        "route_id",
        &["route", "routeid", "routecode", "tripid", "trip"],
    ),
    (
        "date",
        &[
            "dispatchdate",
            "shipdate",
            "day",
            "routedate",
            "dateyyyymmdd",
        ],
    ),
    (
        "station",
        &[
            "hub",
            "stationcode",
            "depot",
            "node",
            "facility",
            "deliverystation",
        ],
    ),
    (
        "partner",
        &[
            "dsp",
            "dspcode",
            "carrier",
            "vendor",
            "company",
            "partnercode",
        ],
    ),
    (
        "promised_by",
        &[
            "promise",
            "promisedate",
            "edd",
            "estimateddelivery",
            "sla",
            "due",
            "endtimeutc",
        ],
    ),
    (
        "status",
        &["scanstatus", "deliverystatus", "state", "orderstatus"],
    ),
    (
        "delivered_at",
        &[
            "deliveredat",
            "deliverytime",
            "delivereddate",
            "podtime",
            "deliveredon",
        ],
    ),
    (
        "cod_amount",
        &["cod", "codamount", "cashondelivery", "collectable"],
    ),
    (
        "declared_value",
        &["value", "declaredvalue", "price", "invoicevalue"],
    ),
    ("block_hours", &["block", "blockhours", "shifthours"]),
    ("mot", &["vehicle", "vehicletype", "modeoftransport"]),
    ("distance_km", &["distance", "km", "kms", "distancekm"]),
    ("amount", &["depositamount", "amountdeposited", "cash"]),
    (
        "reference",
        &["ref", "utr", "depositref", "receipt", "transactionid"],
    ),
];

/// The header most likely meant by a canonical name: the same but for case and
/// punctuation, a common synonym, or the closest by edits.
pub fn likely_header<'h>(headers: &'h [String], canonical: &str) -> Option<&'h str> {
    let norm = normalized;
    let synonyms = SYNONYMS
        .iter()
        .find(|(c, _)| *c == canonical)
        .map_or(&[][..], |(_, s)| *s);
    // The last dotted part of a flattened JSON name counts too.
    let tail = |h: &str| norm(h.rsplit('.').next().unwrap_or(h));
    let parts = PARTS
        .iter()
        .filter(|(c, _)| *c == canonical)
        .flat_map(|(_, p)| p.iter());
    let by_parts = |h: &&String| {
        let n = norm(h);
        parts.clone().any(|p| p.iter().all(|w| n.contains(w)))
    };
    headers
        .iter()
        .find(|h| norm(h) == norm(canonical))
        .or_else(|| {
            headers
                .iter()
                .find(|h| synonyms.contains(&tail(h).as_str()))
        })
        .or_else(|| headers.iter().find(by_parts))
        .map(String::as_str)
        .or_else(|| closest(headers, canonical))
}

/// Words that together name a canonical column inside a longer header
/// (`order_delivered_customer_date` is when it was delivered).
const PARTS: &[(&str, &[&[&str]])] = &[
    (
        "date",
        &[&["carrier", "date"], &["dispatch"], &["ship", "date"]],
    ),
    ("partner", &[&["seller"], &["dsp"]]),
    ("station", &[&["station"], &["hub"], &["state"]]),
    ("promised_by", &[&["estimat"], &["promis"]]),
    (
        "delivered_at",
        &[&["delivered", "customer"], &["delivered", "time"], &["pod"]],
    ),
    ("status", &[&["status"]]),
];

/// A `[derive]` entry resolved against the header: every column it names must be there.
fn derived(
    name: &str,
    d: &crate::profile::Derive,
    headers: &[String],
    path: &Path,
) -> Result<Origin, IngestError> {
    let at = |source: &str| -> Result<usize, IngestError> {
        find_once(headers, source, path)?.ok_or_else(|| IngestError::Unreadable {
            path: path.into(),
            message: format!(
                "the import profile's [derive] {name} reads the column {source:?}, which the file does not have{}; the file's columns are {}",
                closest(headers, source)
                    .map(|c| format!(" (did you mean {c:?}?)"))
                    .unwrap_or_default(),
                headers.join(", ")
            ),
        })
    };
    match (&d.date, &d.time) {
        (Some(date), Some(time)) => Ok(Origin::DateTime(at(date)?, at(time)?)),
        _ => Ok(Origin::FirstOf(
            d.first_of.iter().map(|c| at(c)).collect::<Result<_, _>>()?,
        )),
    }
}

/// The header closest to a name: the same but for case, spaces and punctuation, else
/// the one fewest edits away (at most a third of the name).
fn closest<'h>(headers: &'h [String], name: &str) -> Option<&'h str> {
    let norm = normalized;
    let want = norm(name);
    if let Some(h) = headers.iter().find(|h| norm(h) == want) {
        return Some(h);
    }
    headers
        .iter()
        .map(|h| (edits(&norm(h), &want), h))
        .filter(|(d, _)| *d <= want.chars().count().div_ceil(3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, h)| h.as_str())
}

/// A name as compared: letters and digits only, in lower case (`"COD Amount"` and
/// `cod_amount` are the same).
fn normalized(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Levenshtein distance.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The longest route distance read: half the Earth's circumference.
pub const MAX_KM: f64 = 20_000.0;

fn outside() -> String {
    dspdesk_core::time::outside_years()
}

/// The position of a column the mapping reads; a header that names it twice is
/// refused, as either could be the one meant.
fn find_once(headers: &[String], name: &str, path: &Path) -> Result<Option<usize>, IngestError> {
    let mut at = headers.iter().enumerate().filter(|(_, h)| *h == name);
    let first = at.next().map(|(i, _)| i);
    if let (Some(i), Some((j, _))) = (first, at.next()) {
        return Err(IngestError::Unreadable {
            path: path.into(),
            message: format!(
                "the header names the column `{name}` twice (columns {} and {}); rename one in the file so that it is clear which to read",
                i + 1,
                j + 1
            ),
        });
    }
    Ok(first)
}

/// Where each canonical column comes from: the header (under the profile's name for
/// it), else a profile constant. Every required column missing is listed at once.
fn origins(
    kind: Kind,
    headers: &[String],
    profile: &ImportProfile,
    path: &Path,
) -> Result<Vec<Origin>, IngestError> {
    let mut origins = Vec::new();
    let mut missing = Vec::new();
    for col in kind.columns() {
        if let Some(d) = profile.derive.get(col.name) {
            origins.push(derived(col.name, d, headers, path)?);
            continue;
        }
        let source_name = profile
            .columns
            .get(col.name)
            .map(String::as_str)
            .unwrap_or(col.name);
        let found = find_once(headers, source_name, path)?;
        if found.is_none() && profile.columns.contains_key(col.name) {
            return Err(IngestError::Unreadable {
                path: path.into(),
                message: format!(
                    "the import profile's [columns] {} = {source_name:?} names a column the file does not have{}; the file's columns are {}",
                    col.name,
                    closest(headers, source_name)
                        .map(|c| format!(" (did you mean {c:?}?)"))
                        .unwrap_or_default(),
                    headers.join(", ")
                ),
            });
        }
        let origin = match (found, profile.constants.get(col.name)) {
            (Some(i), _) => Origin::Column(i),
            (None, Some(v)) => Origin::Constant(v.as_bytes().to_vec()),
            (None, None) => {
                if col.required {
                    missing.push(if source_name == col.name {
                        col.name.to_owned()
                    } else {
                        format!("{} (mapped from `{source_name}`)", col.name)
                    });
                }
                Origin::Absent
            }
        };
        origins.push(origin);
    }
    if !missing.is_empty() {
        if let [only] = headers
            && let Some(d) = [';', '\t', '|', ',']
                .into_iter()
                .find(|d| only.contains(*d))
        {
            let shown = if d == '\t' {
                "\\t".to_owned()
            } else {
                d.to_string()
            };
            return Err(IngestError::Unreadable {
                path: path.into(),
                message: format!(
                    "the header did not split into columns: it reads as one column, {only:?}. It looks separated by {shown:?}: set delimiter = {shown:?} in an import profile (--profile)"
                ),
            });
        }
        return Err(IngestError::MissingColumns {
            path: path.into(),
            missing,
            found: headers.to_vec(),
        });
    }
    Ok(origins)
}

/// The profile's `[[skip]]` rules as source column and values.
fn skip_rules(
    headers: &[String],
    profile: &ImportProfile,
    path: &Path,
) -> Result<Vec<SkipRule>, IngestError> {
    let mut skip = Vec::new();
    for rule in &profile.skip {
        let i = find_once(headers, &rule.column, path)?.ok_or_else(|| IngestError::Unreadable {
            path: path.into(),
            message: format!(
                "the import profile's [[skip]] rule reads the column {:?}, which the file does not have{}; the file's columns are {}",
                rule.column,
                closest(headers, &rule.column)
                    .map(|c| format!(" (did you mean {c:?}?)"))
                    .unwrap_or_default(),
                headers.join(", ")
            ),
        })?;
        skip.push((
            i,
            rule.values.iter().map(|v| v.as_bytes().to_vec()).collect(),
        ));
    }
    Ok(skip)
}

/// The profile's `[values.<column>]` table, keyed by the raw bytes rows carry.
fn value_map(profile: &ImportProfile, column: &str) -> HashMap<Vec<u8>, String> {
    profile
        .values
        .get(column)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.as_bytes().to_vec(), v.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// The source columns that conversion and skip rules read; a typed source may leave
/// the others unread.
fn source_columns(origins: &[Origin], skip: &[SkipRule]) -> Vec<usize> {
    let mut source_columns: Vec<usize> = origins
        .iter()
        .flat_map(|o| match o {
            Origin::Column(i) => vec![*i],
            Origin::FirstOf(cs) => cs.clone(),
            Origin::DateTime(d, t) => vec![*d, *t],
            _ => Vec::new(),
        })
        .chain(skip.iter().map(|(i, _)| *i))
        .collect();
    source_columns.sort_unstable();
    source_columns.dedup();
    source_columns
}

fn default_for(col: &Column) -> Value<'static> {
    match (col.ty, col.name) {
        (ColType::Amount, "payout" | "cost") => Value::Null,
        (ColType::Amount, _) => Value::Money(0),
        (ColType::Km, _) => Value::Float(0.0),
        _ => Value::Null,
    }
}

/// The first instant of a local day: midnight, or, where the clocks skip midnight (a
/// DST change at 00:00, as Brazil had), the first wall-clock time that exists.
fn start_of_day(day: NaiveDate, zone: Tz) -> Result<i64, String> {
    let midnight = day.and_time(NaiveTime::MIN);
    for minutes in 0..=24 * 60 {
        let t = midnight + chrono::Duration::minutes(minutes);
        if let Some(first) = zone.from_local_datetime(&t).earliest() {
            return Ok(first.timestamp_micros());
        }
    }
    Err(format!("{day} has no time that exists in {zone}"))
}

fn to_utc(local: NaiveDateTime, zone: Tz) -> Result<i64, String> {
    match zone.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => Ok(t.timestamp_micros()),
        // A wall-clock time that occurs twice (clocks going back): the earlier instant.
        chrono::LocalResult::Ambiguous(early, _) => Ok(early.timestamp_micros()),
        chrono::LocalResult::None => Err(format!(
            "does not exist in {zone}: the clocks skip it; give the time with its offset"
        )),
    }
}

fn trim(b: &[u8]) -> &[u8] {
    b.trim_ascii()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(kind: Kind, header: &str, profile: &str) -> Mapping {
        let headers: Vec<String> = header.split(',').map(String::from).collect();
        let profile: ImportProfile = toml::from_str(profile).unwrap();
        Mapping::new(kind, &headers, &profile, Path::new("f.csv")).unwrap()
    }

    const HEADER: &str = "package_id,route_id,date,station,partner,promised_by,status,delivered_at,cod_amount,declared_value,vas";

    fn convert(m: &Mapping, line: &str) -> Result<Vec<String>, Vec<RowError>> {
        let rec = ByteRecord::from(line.split(',').collect::<Vec<_>>());
        let mut out = Vec::new();
        let mut errors = Vec::new();
        let mut zone = |_: &str| chrono_tz::Asia::Kolkata;
        if m.convert(&rec, 2, &mut zone, &mut out, &mut errors) {
            Ok(out.iter().map(|v| format!("{v:?}")).collect())
        } else {
            Err(errors)
        }
    }

    #[test]
    fn offsets_and_station_zones_give_the_same_instant() {
        let m = mapping(Kind::Deliveries, HEADER, "");
        let with_offset = convert(&m, "P1,R1,2026-11-20,DEL4,SWFT,2026-11-20T21:00:00+05:30,delivered,2026-11-20T15:30:00Z,0,0,").unwrap();
        let local = convert(
            &m,
            "P1,R1,2026-11-20,DEL4,SWFT,2026-11-20 21:00,delivered,2026-11-20T21:00:00,0,0,",
        )
        .unwrap();
        assert_eq!(with_offset[5], local[5]);
        assert_eq!(with_offset[7], local[7]);
    }

    #[test]
    fn every_bad_value_is_named() {
        let m = mapping(Kind::Deliveries, HEADER, "");
        let errs =
            convert(&m, ",R1,2026-13-01,DEL 4,SWFT,tomorrow,shipped,,-5,1.234,").unwrap_err();
        let cols: Vec<&str> = errs.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(
            cols,
            [
                "package_id",
                "date",
                "station",
                "promised_by",
                "status",
                "cod_amount",
                "declared_value"
            ]
        );
        assert!(
            errs[4].to_string().contains("\"shipped\" is not a status"),
            "{}",
            errs[4]
        );
        assert!(errs[5].message.contains("negative"));
    }

    #[test]
    fn delivered_needs_a_delivery_time() {
        let m = mapping(Kind::Deliveries, HEADER, "");
        let errs = convert(
            &m,
            "P1,R1,2026-11-20,DEL4,SWFT,2026-11-20T21:00:00+05:30,delivered,,0,0,",
        )
        .unwrap_err();
        assert_eq!(errs[0].column, "delivered_at");
        assert!(
            convert(
                &m,
                "P1,R1,2026-11-20,DEL4,SWFT,2026-11-20T21:00:00+05:30,attempted,,0,0,"
            )
            .is_ok()
        );
    }

    #[test]
    fn a_date_only_promise_is_the_end_of_that_day_only_when_the_profile_says_so() {
        let strict = mapping(Kind::Deliveries, HEADER, "");
        let errs = convert(
            &strict,
            "P1,,2026-11-20,DEL4,SWFT,2026-11-20,attempted,,0,0,",
        )
        .unwrap_err();
        assert!(errs[0].message.contains("end_of_day"), "{}", errs[0]);
        let eod = mapping(Kind::Deliveries, HEADER, "end_of_day = [\"promised_by\"]");
        let a = convert(&eod, "P1,,2026-11-20,DEL4,SWFT,2026-11-20,attempted,,0,0,").unwrap();
        let b = convert(
            &eod,
            "P1,,2026-11-20,DEL4,SWFT,2026-11-20 00:00:00,attempted,,0,0,",
        )
        .unwrap();
        assert_eq!(a[5], b[5]);
        // 2026-11-21 00:00 IST is 2026-11-20 18:30 UTC; the promise is one microsecond before.
        let expected = chrono::DateTime::parse_from_rfc3339("2026-11-20T18:30:00Z")
            .unwrap()
            .timestamp_micros()
            - 1;
        assert_eq!(a[5], format!("Instant({expected})"));
    }

    #[test]
    fn profiles_rename_map_and_fill() {
        let m = mapping(
            Kind::Deliveries,
            "id,day,hub,dsp,due,state,done_at",
            r#"
            [columns]
            package_id = "id"
            date = "day"
            station = "hub"
            partner = "dsp"
            promised_by = "due"
            status = "state"
            delivered_at = "done_at"
            [constants]
            cod_amount = "10.5"
            [values.status]
            OK = "delivered"
            [formats]
            date = "%d/%m/%Y"
            timestamp = "%d/%m/%Y %H:%M"
            "#,
        );
        let rec = ByteRecord::from(vec![
            "P1",
            "20/11/2026",
            "DEL4",
            "SWFT",
            "20/11/2026 21:00",
            "OK",
            "20/11/2026 20:00",
        ]);
        let mut out = Vec::new();
        let mut errors = Vec::new();
        let mut zone = |_: &str| chrono_tz::Asia::Kolkata;
        assert!(
            m.convert(&rec, 2, &mut zone, &mut out, &mut errors),
            "{errors:?}"
        );
        assert_eq!(out[6], Value::Status(Status::Delivered));
        assert_eq!(out[8], Value::Money(1050));
        assert_eq!(
            out[2],
            Value::Date(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap())
        );
    }

    #[test]
    fn missing_required_columns_are_listed_with_what_the_file_has() {
        let headers: Vec<String> = ["package_id", "date"].map(String::from).to_vec();
        let err = Mapping::new(
            Kind::Deliveries,
            &headers,
            &ImportProfile::default(),
            Path::new("x.csv"),
        )
        .err()
        .unwrap()
        .to_string();
        assert!(
            err.contains("missing required columns station, partner, promised_by, status"),
            "{err}"
        );
        assert!(err.contains("the file has package_id, date"), "{err}");
    }

    #[test]
    fn ragged_rows_are_refused() {
        let m = mapping(Kind::Deliveries, HEADER, "");
        let errs = convert(&m, "P1,R1,2026-11-20").unwrap_err();
        assert_eq!(errs[0].column, "(row)");
        assert!(
            errs[0]
                .message
                .contains("has 3 fields and the header has 11")
        );
    }
}
