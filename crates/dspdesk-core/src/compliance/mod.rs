//! Compliance: a partner's documents and bank guarantees, and what they say on a day
//! (`metrics.md`, the health score's compliance component and its cap). Pure: the caller
//! passes the document types, the partner's documents and guarantees, and the day.
//!
//! - A document or guarantee **counts** once the program team has verified it; it is
//!   **valid** on a day from its issue (or start) date to its expiry (or end) date, both
//!   included; a document without an expiry date (a PAN) never expires.
//! - **compliance_pct** on a day: the share of the mandatory document types with a valid
//!   document, %, for a partner tracked on that day: from the issue date of its first
//!   verified document. Before that it has no compliance data (the component is left out
//!   and the weights renormalised), so a network that does not track documents in
//!   dspdesk scores as before, and uploads waiting to be checked change nothing.
//! - **Lapsed**: a mandatory type whose verified documents all ended before the day, or
//!   a bank guarantee that ended before the day with none valid on it; it caps the tier
//!   (a guarantee does so even where no document type is configured).
//! - **Renewal reminders** 60, 30 and 7 days before the expiry, once each.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[cfg(test)]
mod tests;

/// Where a document stands with the program team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocState {
    /// Uploaded, waiting to be verified.
    Uploaded,
    Verified,
    Rejected,
}

impl DocState {
    pub const ALL: [DocState; 3] = [DocState::Uploaded, DocState::Verified, DocState::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            DocState::Uploaded => "uploaded",
            DocState::Verified => "verified",
            DocState::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<DocState> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for DocState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// A kind of document the admin configures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocType {
    /// `trade_licence`, `gst_registration`, …
    pub code: String,
    pub label: String,
    pub mandatory: bool,
}

/// What the rules read of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocDates<'a> {
    pub doc_type: &'a str,
    pub state: DocState,
    pub issued_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
}

impl DocDates<'_> {
    /// Verified and in force on `day`.
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.state == DocState::Verified
            && self.issued_on <= day
            && self.expires_on.is_none_or(|e| day <= e)
    }

    /// Verified, and its expiry was before `day`.
    fn ended_before(&self, day: NaiveDate) -> bool {
        self.state == DocState::Verified && self.expires_on.is_some_and(|e| e < day)
    }
}

/// What the rules read of a bank guarantee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuaranteeDates {
    pub verified: bool,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
}

impl GuaranteeDates {
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.verified && self.valid_from <= day && day <= self.valid_to
    }
}

/// A partner's compliance on a day.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Standing {
    /// The share of mandatory types with a valid document, %; `None` without documents
    /// on file or without mandatory types.
    pub compliance_pct: Option<f64>,
    /// The mandatory types (by code) and guarantees (`bank_guarantee`) that lapsed.
    pub lapsed: Vec<String>,
}

impl Standing {
    pub fn is_lapsed(&self) -> bool {
        !self.lapsed.is_empty()
    }
}

/// A partner's compliance on `day` from its documents and guarantees.
pub fn standing(
    types: &[DocType],
    docs: &[DocDates<'_>],
    guarantees: &[GuaranteeDates],
    day: NaiveDate,
) -> Standing {
    let mandatory: Vec<&DocType> = types.iter().filter(|t| t.mandatory).collect();
    let valid_of = |code: &str| docs.iter().any(|d| d.doc_type == code && d.valid_on(day));
    let ended_of = |code: &str| {
        docs.iter()
            .any(|d| d.doc_type == code && d.ended_before(day))
    };
    let valid = mandatory.iter().filter(|t| valid_of(&t.code)).count();
    // Tracked from the issue of its first verified document: uploads waiting to be
    // checked neither lower a score nor start tracking, and past weeks stay as they were.
    let on_file = docs
        .iter()
        .any(|d| d.state == DocState::Verified && d.issued_on <= day);
    let compliance_pct =
        (on_file && !mandatory.is_empty()).then(|| 100.0 * valid as f64 / mandatory.len() as f64);
    let mut lapsed: Vec<String> = mandatory
        .iter()
        .filter(|t| ended_of(&t.code) && !valid_of(&t.code))
        .map(|t| t.code.clone())
        .collect();
    let verified: Vec<&GuaranteeDates> = guarantees.iter().filter(|g| g.verified).collect();
    if verified.iter().any(|g| g.valid_to < day) && !verified.iter().any(|g| g.valid_on(day)) {
        lapsed.push("bank_guarantee".into());
    }
    Standing {
        compliance_pct,
        lapsed,
    }
}

/// The days before an expiry that a renewal reminder goes out.
pub const REMINDER_DAYS: [i64; 3] = [60, 30, 7];

/// The reminder due on `today` for something expiring on `expires_on`: the smallest of
/// [`REMINDER_DAYS`] whose day has come (a reminder missed while the scheduler was down
/// is sent late, once; an earlier one it skipped is not sent after a later one), unless
/// `sent` (the days already reminded) holds it or a smaller one. `None` once it expired.
pub fn reminder_due(expires_on: NaiveDate, today: NaiveDate, sent: &[i64]) -> Option<i64> {
    let left = (expires_on - today).num_days();
    if left < 0 {
        return None;
    }
    let due = REMINDER_DAYS.iter().copied().filter(|d| left <= *d).min()?;
    (!sent.iter().any(|s| *s <= due)).then_some(due)
}

/// A GSTIN's problem, or `None` when it is valid: 15 characters, a state code (01–38,
/// 97 or 99), a PAN, an entity character, `Z` and the mod-36 check character.
pub fn gstin_problem(gstin: &str) -> Option<String> {
    const CHARS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let g = gstin.trim().to_ascii_uppercase();
    let b = g.as_bytes();
    if b.len() != 15 || !b.iter().all(|c| CHARS.contains(c)) {
        return Some(format!(
            "{gstin:?} is not a GSTIN: 15 letters and digits, e.g. 29ABCDE1234F1Z5"
        ));
    }
    let state: u32 = g[..2].parse().unwrap_or(0);
    if !((1..=38).contains(&state) || state == 97 || state == 99) {
        return Some(format!(
            "{gstin:?}: the state code {} is not one (01–38, 97 or 99)",
            &g[..2]
        ));
    }
    if let Some(p) = pan_problem(&g[2..12]) {
        return Some(format!("{gstin:?}: characters 3–12 are the PAN: {p}"));
    }
    if b[13] != b'Z' {
        return Some(format!("{gstin:?}: the 14th character is Z"));
    }
    let check = gstin_check_char(&g[..14]) as u8;
    (b[14] != check).then(|| {
        format!(
            "{gstin:?}: the check character is {} where the GSTIN's checksum gives {}",
            b[14] as char, check as char
        )
    })
}

/// The mod-36 check character of a GSTIN's first 14 characters (letters and digits).
pub fn gstin_check_char(first14: &str) -> char {
    const CHARS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut sum = 0u32;
    for (i, c) in first14.bytes().take(14).enumerate() {
        let v = CHARS
            .iter()
            .position(|x| *x == c.to_ascii_uppercase())
            .unwrap_or(0) as u32;
        let p = v * if i % 2 == 0 { 1 } else { 2 };
        sum += p / 36 + p % 36;
    }
    CHARS[((36 - sum % 36) % 36) as usize] as char
}

/// A PAN's problem, or `None` when it is valid: 5 letters, 4 digits, 1 letter.
pub fn pan_problem(pan: &str) -> Option<String> {
    let b = pan.trim().as_bytes();
    let ok = b.len() == 10
        && b[..5].iter().all(u8::is_ascii_uppercase)
        && b[5..9].iter().all(u8::is_ascii_digit)
        && b[9].is_ascii_uppercase();
    (!ok).then(|| format!("{pan:?} is not a PAN: 5 letters, 4 digits, 1 letter (ABCDE1234F)"))
}

/// The quarter of a day, as its key: `2026Q4`.
pub fn quarter(day: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}Q{}", day.year(), day.month0() / 3 + 1)
}

/// One line of a quarterly compliance check: what was checked, in order or not, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckLine {
    pub item: String,
    pub ok: bool,
    pub detail: String,
}

/// A partner's quarterly checklist on `day`: each mandatory document type valid (and
/// until when), the bank guarantee, the partner's file complete (legal name, GSTIN, PAN,
/// bank account).
pub fn checklist(
    types: &[DocType],
    docs: &[DocDates<'_>],
    guarantees: &[GuaranteeDates],
    file_missing: &[&str],
    day: NaiveDate,
) -> Vec<CheckLine> {
    let mut out = Vec::new();
    for t in types.iter().filter(|t| t.mandatory) {
        let valid = docs
            .iter()
            .filter(|d| d.doc_type == t.code && d.valid_on(day))
            .map(|d| d.expires_on)
            .max();
        let (ok, detail) = match valid {
            Some(Some(e)) => (true, format!("valid to {e}")),
            Some(None) => (true, "valid, no expiry".to_owned()),
            None if docs
                .iter()
                .any(|d| d.doc_type == t.code && d.ended_before(day)) =>
            {
                (false, "lapsed: renew it".to_owned())
            }
            None => (false, "none verified on file".to_owned()),
        };
        out.push(CheckLine {
            item: t.label.clone(),
            ok,
            detail,
        });
    }
    let bg = guarantees
        .iter()
        .filter(|g| g.valid_on(day))
        .map(|g| g.valid_to)
        .max();
    out.push(CheckLine {
        item: "Bank guarantee".into(),
        ok: bg.is_some(),
        detail: bg.map_or("none valid".to_owned(), |e| format!("valid to {e}")),
    });
    out.push(CheckLine {
        item: "The partner's file".into(),
        ok: file_missing.is_empty(),
        detail: if file_missing.is_empty() {
            "complete".to_owned()
        } else {
            format!("missing: {}", file_missing.join(", "))
        },
    });
    out
}
