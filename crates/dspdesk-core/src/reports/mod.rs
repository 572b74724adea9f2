//! When a report subscription falls due (`domain.md`, capability 14): a daily time in
//! the network's zone, or a weekday and a time for the weekly pack. The rule takes the
//! zone and `now`; it names each due run by its period (the local day it fell due on),
//! which the store keeps once per subscription, so a run is sent once whoever runs it.

use crate::week::IsoWeek;
use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};

/// A run sent this long after it fell due is marked late (the scheduler runs every
/// minute, so only downtime makes a run this late).
pub const LATE_AFTER_MINUTES: i64 = 15;

/// How often a subscription's report goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cadence {
    /// The daily report, every day at this local time.
    Daily { at: NaiveTime },
    /// The weekly pack, on this weekday at this local time.
    Weekly { weekday: Weekday, at: NaiveTime },
}

/// One due run of a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    /// The local day it fell due on: the run's name, once per subscription.
    pub period: NaiveDate,
    pub due_at: DateTime<Utc>,
}

impl Due {
    /// Whether a run sent at `now` is late.
    pub fn late(&self, now: DateTime<Utc>) -> bool {
        now - self.due_at > Duration::minutes(LATE_AFTER_MINUTES)
    }

    /// The day a daily run reports: the day before it fell due.
    pub fn report_date(&self) -> NaiveDate {
        self.period - Duration::days(1)
    }

    /// The week a weekly run reports: the last week that ended before it fell due.
    pub fn report_week(&self) -> IsoWeek {
        IsoWeek::of(self.period - Duration::days(7))
    }
}

/// A weekday from its English name or its first three letters, or 1 (Monday) to 7.
pub fn parse_weekday(raw: &str) -> Result<Weekday, String> {
    let t = raw.trim().to_ascii_lowercase();
    let days = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
    if let Ok(n) = t.parse::<usize>()
        && (1..=7).contains(&n)
    {
        return Ok(days[n - 1]);
    }
    t.parse::<Weekday>()
        .ok()
        .filter(|_| t.len() >= 3)
        .ok_or_else(|| {
            format!("{raw:?} is not a weekday: write monday … sunday, mon … sun or 1 … 7")
        })
}

/// A local time written `HH:MM` (24 hours).
pub fn parse_time(raw: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M")
        .map_err(|_| format!("{raw:?} is not a time of day: write it as HH:MM, e.g. 07:30"))
}

impl Cadence {
    /// `daily` or `weekly`.
    pub fn kind(&self) -> &'static str {
        match self {
            Cadence::Daily { .. } => "daily",
            Cadence::Weekly { .. } => "weekly",
        }
    }

    pub fn at(&self) -> NaiveTime {
        match *self {
            Cadence::Daily { at } | Cadence::Weekly { at, .. } => at,
        }
    }

    pub fn weekday(&self) -> Option<Weekday> {
        match *self {
            Cadence::Daily { .. } => None,
            Cadence::Weekly { weekday, .. } => Some(weekday),
        }
    }

    /// In words: "every day at 07:30", "every Monday at 08:00".
    pub fn words(&self) -> String {
        let at = self.at().format("%H:%M");
        match self.weekday() {
            None => format!("every day at {at}"),
            Some(w) => format!("every {} at {at}", weekday_name(w)),
        }
    }

    /// The latest time it fell due at or before `now`, in `zone`'s local time. A local
    /// time the clocks skip (a DST gap) falls due when they reach it again, an hour on;
    /// one they pass twice, the first time.
    pub fn latest<Z: TimeZone>(&self, zone: &Z, now: DateTime<Utc>) -> Option<Due> {
        let today = now.with_timezone(zone).date_naive();
        (0..=8).find_map(|back| {
            let day = today - Duration::days(back);
            if self
                .weekday()
                .is_some_and(|w| chrono::Datelike::weekday(&day) != w)
            {
                return None;
            }
            let due_at = local_to_utc(zone, day, self.at())?;
            (due_at <= now).then_some(Due {
                period: day,
                due_at,
            })
        })
    }

    /// The run due at `now` for a subscription made at `since`: none before its first
    /// time. A run missed in downtime is the latest one only, so it is sent once, late.
    pub fn due<Z: TimeZone>(
        &self,
        zone: &Z,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Option<Due> {
        self.latest(zone, now).filter(|d| d.due_at >= since)
    }
}

/// A weekday's English name.
pub fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

fn local_to_utc<Z: TimeZone>(zone: &Z, day: NaiveDate, at: NaiveTime) -> Option<DateTime<Utc>> {
    let mut local = day.and_time(at);
    for _ in 0..4 {
        match zone.from_local_datetime(&local) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => {
                return Some(t.with_timezone(&Utc));
            }
            LocalResult::None => local += Duration::hours(1),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn ist() -> FixedOffset {
        FixedOffset::east_opt(5 * 3600 + 1800).unwrap()
    }

    #[test]
    fn a_daily_run_falls_due_at_its_local_time() {
        let c = Cadence::Daily {
            at: parse_time("07:30").unwrap(),
        };
        // 07:30 IST is 02:00 UTC.
        let before = c.latest(&ist(), utc("2026-11-30T01:59:00Z")).unwrap();
        assert_eq!(before.period.to_string(), "2026-11-29");
        let at = c.latest(&ist(), utc("2026-11-30T02:00:00Z")).unwrap();
        assert_eq!(at.period.to_string(), "2026-11-30");
        assert_eq!(at.due_at, utc("2026-11-30T02:00:00Z"));
        assert_eq!(at.report_date().to_string(), "2026-11-29");
        assert!(!at.late(utc("2026-11-30T02:15:00Z")));
        assert!(at.late(utc("2026-11-30T02:15:01Z")));
    }

    #[test]
    fn a_weekly_run_falls_due_on_its_weekday_and_reports_the_week_before() {
        let c = Cadence::Weekly {
            weekday: parse_weekday("mon").unwrap(),
            at: parse_time("08:00").unwrap(),
        };
        // Wednesday 2 December 2026: the latest Monday 08:00 IST was 30 November.
        let d = c.latest(&ist(), utc("2026-12-02T10:00:00Z")).unwrap();
        assert_eq!(d.period.to_string(), "2026-11-30");
        assert_eq!(d.report_week().to_string(), "2026-W48");
        // A Sunday's pack reports the week that ended the Sunday before.
        let sunday = Cadence::Weekly {
            weekday: Weekday::Sun,
            at: parse_time("20:00").unwrap(),
        };
        let d = sunday.latest(&ist(), utc("2026-11-29T15:00:00Z")).unwrap();
        assert_eq!(d.period.to_string(), "2026-11-29");
        assert_eq!(d.report_week().to_string(), "2026-W47");
    }

    #[test]
    fn a_subscription_made_after_today_s_time_waits_for_tomorrow() {
        let c = Cadence::Daily {
            at: parse_time("07:30").unwrap(),
        };
        let made = utc("2026-11-30T09:00:00Z");
        assert_eq!(c.due(&ist(), made, utc("2026-11-30T10:00:00Z")), None);
        let next = c.due(&ist(), made, utc("2026-12-01T02:00:00Z")).unwrap();
        assert_eq!(next.period.to_string(), "2026-12-01");
        // Three days down: only the latest run is due, and it is late.
        let after = c.due(&ist(), made, utc("2026-12-04T11:00:00Z")).unwrap();
        assert_eq!(after.period.to_string(), "2026-12-04");
        assert!(after.late(utc("2026-12-04T11:00:00Z")));
    }

    #[test]
    fn a_time_the_clocks_skip_falls_due_an_hour_on() {
        let ny = chrono_tz::America::New_York;
        let c = Cadence::Daily {
            at: parse_time("02:30").unwrap(),
        };
        // 8 March 2026: New York's clocks go from 02:00 to 03:00 EST→EDT.
        let d = c.latest(&ny, utc("2026-03-08T12:00:00Z")).unwrap();
        assert_eq!(d.period.to_string(), "2026-03-08");
        assert_eq!(d.due_at, utc("2026-03-08T07:30:00Z"), "03:30 EDT");
        // 1 November 2026: 01:30 happens twice; the first counts.
        let c = Cadence::Daily {
            at: parse_time("01:30").unwrap(),
        };
        let d = c.latest(&ny, utc("2026-11-01T12:00:00Z")).unwrap();
        assert_eq!(d.due_at, utc("2026-11-01T05:30:00Z"), "01:30 EDT");
    }

    #[test]
    fn weekdays_and_times_are_read_or_refused_in_words() {
        assert_eq!(parse_weekday("Monday"), Ok(Weekday::Mon));
        assert_eq!(parse_weekday("7"), Ok(Weekday::Sun));
        assert!(parse_weekday("mo").unwrap_err().contains("not a weekday"));
        assert!(parse_weekday("8").is_err());
        assert!(parse_time("7.30").unwrap_err().contains("HH:MM"));
        assert!(parse_time("24:00").is_err());
    }
}
