//! Fast, strict ISO 8601 parsing for the ingest hot path.
//!
//! A timestamp with an offset (`Z`, `+05:30`, `+0530`, `+05`) is an instant as given;
//! one without is a wall-clock time to be read in the station's time zone (the caller
//! does that, it knows the zone). A bare date is reported as such: the import profile
//! decides whether a date may stand for the end of that day.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// A parsed ISO 8601 value, before any time zone is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IsoValue {
    pub local: NaiveDateTime,
    /// Offset east of UTC in seconds, when the text carried one.
    pub offset_secs: Option<i32>,
    /// True when the text was only `YYYY-MM-DD`.
    pub date_only: bool,
}

impl IsoValue {
    /// Microseconds since the Unix epoch, for values that carry an offset.
    pub fn utc_micros(&self) -> Option<i64> {
        self.offset_secs
            .map(|off| self.local.and_utc().timestamp_micros() - i64::from(off) * 1_000_000)
    }
}

/// The years dspdesk works with: dates, weeks and timestamps outside them are refused
/// where they are read (files, the CLI, URLs), so date arithmetic never leaves
/// chrono's range.
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2199;

/// The sentence that refuses a date outside [`FIRST_YEAR`]..=[`LAST_YEAR`].
pub fn outside_years() -> String {
    format!("is outside the years {FIRST_YEAR} to {LAST_YEAR} that dspdesk works with")
}

/// The date, when its year is one dspdesk works with.
pub fn supported(d: NaiveDate) -> Result<NaiveDate, String> {
    use chrono::Datelike;
    if (FIRST_YEAR..=LAST_YEAR).contains(&d.year()) {
        Ok(d)
    } else {
        Err(format!("{d} {}", outside_years()))
    }
}

/// A date typed by a person (`YYYY-MM-DD`, in the supported years), or a sentence
/// saying what is wrong with it.
pub fn parse_day(raw: &str) -> Result<NaiveDate, String> {
    let raw = raw.trim();
    let d = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| format!("{raw:?} is not a date; write it like 2026-11-23"))?;
    supported(d)
}

fn digits(s: &[u8], at: usize, n: usize) -> Option<u32> {
    let part = s.get(at..at + n)?;
    let mut v = 0u32;
    for &c in part {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

/// Parses `YYYY-MM-DD` exactly.
pub fn parse_date(s: &[u8]) -> Option<NaiveDate> {
    if s.len() != 10 || s[4] != b'-' || s[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(s, 0, 4)? as i32, digits(s, 5, 2)?, digits(s, 8, 2)?)
}

/// Parses an ISO 8601 date or date-time, with or without an offset.
pub fn parse_iso(s: &[u8]) -> Option<IsoValue> {
    let date = parse_date(s.get(..10)?)?;
    if s.len() == 10 {
        return Some(IsoValue {
            local: date.and_time(NaiveTime::MIN),
            offset_secs: None,
            date_only: true,
        });
    }
    if !matches!(s[10], b'T' | b't' | b' ') {
        return None;
    }
    let hour = digits(s, 11, 2)?;
    if s.get(13) != Some(&b':') {
        return None;
    }
    let minute = digits(s, 14, 2)?;
    let mut i = 16;
    let mut second = 0;
    let mut nanos = 0u32;
    if s.get(i) == Some(&b':') {
        second = digits(s, i + 1, 2)?;
        i += 3;
        if s.get(i) == Some(&b'.') || s.get(i) == Some(&b',') {
            i += 1;
            let start = i;
            while i < s.len() && s[i].is_ascii_digit() {
                if i - start < 9 {
                    nanos = nanos * 10 + u32::from(s[i] - b'0');
                }
                i += 1;
            }
            let n = i - start;
            if n == 0 {
                return None;
            }
            for _ in n..9 {
                nanos *= 10;
            }
        }
    }
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    let offset_secs = parse_offset(&s[i..])?;
    Some(IsoValue {
        local: date.and_time(time),
        offset_secs,
        date_only: false,
    })
}

/// `Some(None)`: no offset; `Some(Some(secs))`: an offset; `None`: malformed.
fn parse_offset(s: &[u8]) -> Option<Option<i32>> {
    match s {
        [] => Some(None),
        [b'Z'] | [b'z'] => Some(Some(0)),
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let (h, m) = match rest.len() {
                2 => (digits(rest, 0, 2)?, 0),
                4 => (digits(rest, 0, 2)?, digits(rest, 2, 2)?),
                5 if rest[2] == b':' => (digits(rest, 0, 2)?, digits(rest, 3, 2)?),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let secs = (h * 3600 + m * 60) as i32;
            Some(Some(if *sign == b'-' { -secs } else { secs }))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> Option<IsoValue> {
        parse_iso(s.as_bytes())
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date(b"2026-11-20"),
            NaiveDate::from_ymd_opt(2026, 11, 20)
        );
        assert_eq!(parse_date(b"2026-02-30"), None);
        assert_eq!(parse_date(b"20-11-2026"), None);
        assert_eq!(parse_date(b"2026-11-2"), None);
    }

    #[test]
    fn offsets_are_instants() {
        let a = iso("2026-11-20T10:00:00+05:30").unwrap();
        let b = iso("2026-11-20T04:30:00Z").unwrap();
        let c = iso("2026-11-20 04:30Z").unwrap();
        let d = iso("2026-11-19T23:30:00-0500").unwrap();
        assert_eq!(a.utc_micros(), b.utc_micros());
        assert_eq!(b.utc_micros(), c.utc_micros());
        assert_eq!(c.utc_micros(), d.utc_micros());
        assert_eq!(iso("2026-11-20T10:00+05").unwrap().offset_secs, Some(18000));
    }

    #[test]
    fn local_times_and_fractions() {
        let v = iso("2026-11-20T10:00:00.250").unwrap();
        assert_eq!(v.offset_secs, None);
        assert!(!v.date_only);
        assert_eq!(v.local.and_utc().timestamp_subsec_millis(), 250);
        assert!(iso("2026-11-20").unwrap().date_only);
    }

    #[test]
    fn malformed_values_are_refused() {
        for bad in [
            "2026-11-20T25:00:00",
            "2026-11-20T10",
            "2026-11-20X10:00",
            "2026-11-20T10:00:00+5",
            "2026-11-20T10:00:00 IST",
            "2026-11-20T10:00:00.",
            "yesterday",
            "",
        ] {
            assert_eq!(iso(bad), None, "{bad}");
        }
    }
}

#[cfg(test)]
mod range_tests {
    use super::*;

    #[test]
    fn days_outside_the_supported_years_are_refused_with_a_sentence() {
        assert_eq!(
            parse_day(" 2026-11-23 ").unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        );
        let e = parse_day("0001-01-01").unwrap_err();
        assert!(e.contains("outside the years 2000 to 2199"), "{e}");
        assert!(
            parse_day("262143-01-01")
                .unwrap_err()
                .contains("not a date")
        );
        assert!(parse_day("2199-12-31").is_ok());
        assert!(parse_day("2200-01-01").is_err());
    }
}
