//! Rendering: a template to HTML, the header every page shows, and the one-line
//! formats of numbers on screen (from the metric registry's formats).

use crate::shared::auth::User;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
pub use dspdesk_core::metric::{show_int as int, show_money as money, show_pct as pct};

/// The page, or a logged 500 when the template fails.
pub fn render(t: impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Header and menu facts every page shows.
pub struct Chrome {
    pub user: String,
    pub role: String,
    pub csrf: String,
    pub nav: &'static str,
    pub unread: i64,
}

pub fn chrome(u: &User, nav: &'static str) -> Chrome {
    Chrome {
        user: u.user.display_name.clone(),
        role: u.user.role.to_string(),
        csrf: u.csrf.clone(),
        nav,
        unread: u.unread,
    }
}

/// A ratio to one decimal, or a dash.
pub fn f1(v: Option<f64>) -> String {
    v.map_or("–".into(), |x| format!("{x:.1}"))
}

/// A time in a zone, in words: "28 Nov 2026, 09:46 IST" (the zone's abbreviation, or
/// its offset where it has none).
pub fn when(t: chrono::DateTime<chrono::Utc>, zone: dspdesk_app::Tz) -> String {
    t.with_timezone(&zone)
        .format("%-d %b %Y, %H:%M %Z")
        .to_string()
}

/// The weeks before and after, for the week navigation.
pub fn neighbours(week: Option<dspdesk_core::IsoWeek>) -> (String, String) {
    use dspdesk_core::IsoWeek;
    match week {
        Some(w) => (
            IsoWeek::of(w.monday() - chrono::Duration::days(1)).to_string(),
            IsoWeek::of(w.sunday() + chrono::Duration::days(1)).to_string(),
        ),
        None => (String::new(), String::new()),
    }
}

/// Text as one segment of a URL path: everything but letters, digits and `-._~` is
/// percent-encoded, so a route id such as `R/1`, `R?x=1` or `R#1` links to itself; a
/// segment that is `.` or `..` is encoded whole, or a browser would collapse it.
pub fn segment(s: &str) -> String {
    if s == "." || s == ".." {
        return "%2E".repeat(s.len());
    }
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod when_tests {
    use chrono::TimeZone;

    #[test]
    fn times_read_in_the_zone_with_its_name() {
        let t = chrono::Utc
            .with_ymd_and_hms(2026, 11, 28, 4, 16, 0)
            .unwrap();
        assert_eq!(
            super::when(t, dspdesk_app::Tz::Asia__Kolkata),
            "28 Nov 2026, 09:46 IST"
        );
        assert_eq!(
            super::when(t, dspdesk_app::Tz::Asia__Dubai),
            "28 Nov 2026, 08:16 +04"
        );
        // Across midnight the date is the zone's, not UTC's.
        let late = chrono::Utc
            .with_ymd_and_hms(2026, 11, 28, 20, 0, 0)
            .unwrap();
        assert_eq!(
            super::when(late, dspdesk_app::Tz::Asia__Kolkata),
            "29 Nov 2026, 01:30 IST"
        );
        assert_eq!(
            super::when(late, dspdesk_app::Tz::America__New_York),
            "28 Nov 2026, 15:00 EST"
        );
    }
}

#[cfg(test)]
mod segment_tests {
    #[test]
    fn dot_segments_are_encoded_whole() {
        assert_eq!(super::segment("."), "%2E");
        assert_eq!(super::segment(".."), "%2E%2E");
        assert_eq!(super::segment("..."), "...");
    }

    #[test]
    fn a_segment_keeps_only_unreserved_characters() {
        assert_eq!(super::segment("R-1_a.b~"), "R-1_a.b~");
        assert_eq!(super::segment("R/1"), "R%2F1");
        assert_eq!(super::segment("R?x=1"), "R%3Fx%3D1");
        assert_eq!(super::segment("R#1 é"), "R%231%20%C3%A9");
    }
}
