//! Invoices and GST (`metrics.md`, "Invoices and GST"): the financial year of a date,
//! the tax an invoice should carry, the GST check, the payout check and a dispute's
//! settlement. Pure rules over integer paise, checked arithmetic; the caller passes the
//! rate and the expected payout.

use crate::compliance::gstin_problem;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

#[cfg(test)]
mod tests;

/// The default GST rate, in basis points (18%).
pub const GST_RATE_BP: i64 = 1800;

/// ₹1.00, the tolerance of a tax amount and of the total, in paise.
pub const TAX_TOLERANCE: i64 = 100;

/// An invoice as entered, uploaded or sent; amounts in paise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invoice {
    pub partner: String,
    pub number: String,
    pub invoice_date: NaiveDate,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub stations: Vec<String>,
    pub supplier_gstin: String,
    pub recipient_gstin: String,
    /// The place of supply, a state code (`29`).
    pub place_of_supply: String,
    pub taxable: i64,
    pub cgst: i64,
    pub sgst: i64,
    pub igst: i64,
    pub total: i64,
}

/// The financial year (April to March) of a day, as `2026-27`.
pub fn financial_year(day: NaiveDate) -> String {
    let start = if day.month() >= 4 {
        day.year()
    } else {
        day.year() - 1
    };
    format!("{start}-{:02}", (start + 1).rem_euclid(100))
}

/// Whether a state code is one GST knows: 01–38, 97 or 99.
pub fn state_code_ok(code: &str) -> bool {
    code.len() == 2
        && code.bytes().all(|b| b.is_ascii_digit())
        && matches!(code.parse::<u32>(), Ok(1..=38 | 97 | 99))
}

/// What refuses an invoice before it is checked: each problem as (field, reason). An
/// empty list: it may be stored (the GST and payout checks then run on it).
pub fn problems(inv: &Invoice) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let n = inv.number.trim();
    if n.is_empty() || n.chars().count() > 16 {
        out.push((
            "invoice_number",
            "the invoice number, 1 to 16 characters".to_owned(),
        ));
    }
    if inv.period_from > inv.period_to {
        out.push((
            "period_to",
            format!(
                "the period ends ({}) before it starts ({})",
                inv.period_to, inv.period_from
            ),
        ));
    }
    if inv.stations.is_empty() {
        out.push((
            "stations",
            "the stations the invoice is for, codes separated by ;".to_owned(),
        ));
    }
    for (field, g) in [
        ("supplier_gstin", &inv.supplier_gstin),
        ("recipient_gstin", &inv.recipient_gstin),
    ] {
        if let Some(p) = gstin_problem(g) {
            out.push((field, p));
        }
    }
    if !state_code_ok(inv.place_of_supply.trim()) {
        out.push((
            "place_of_supply",
            format!(
                "{:?} is not a state code: two digits, 01–38, 97 or 99",
                inv.place_of_supply
            ),
        ));
    }
    for (field, v) in [
        ("taxable_value", inv.taxable),
        ("cgst", inv.cgst),
        ("sgst", inv.sgst),
        ("igst", inv.igst),
        ("total", inv.total),
    ] {
        if v < 0 {
            out.push((
                field,
                format!(
                    "{} is negative; amounts are 0 or more",
                    crate::money::format_minor(v)
                ),
            ));
        }
    }
    if out.is_empty() {
        let sum = [inv.cgst, inv.sgst, inv.igst]
            .iter()
            .try_fold(inv.taxable, |a, b| a.checked_add(*b));
        match sum {
            Some(s) if s.abs_diff(inv.total) <= TAX_TOLERANCE as u64 => {}
            Some(s) => out.push((
                "total",
                format!(
                    "the total {} is not the taxable value plus the taxes ({}) within ₹1.00",
                    crate::money::format_minor(inv.total),
                    crate::money::format_minor(s)
                ),
            )),
            None => out.push(("total", "the amounts are too large to add up".to_owned())),
        }
    }
    out
}

/// `part` basis points of `amount` paise, rounded to the paisa (half away from zero).
pub fn share(amount: i64, bp: i64) -> Option<i64> {
    let x = i128::from(amount) * i128::from(bp);
    let q = x / 10_000;
    let r = x % 10_000;
    let q = if r.abs() * 2 >= 10_000 {
        q + x.signum()
    } else {
        q
    };
    i64::try_from(q).ok()
}

/// The tax an invoice should carry, and what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TaxCheck {
    /// Supplier state (the GSTIN's first two digits) equal to the place of supply.
    pub intra_state: bool,
    pub expected_cgst: i64,
    pub expected_sgst: i64,
    pub expected_igst: i64,
    /// Tax charged minus tax expected, in paise.
    pub difference: i64,
    /// CGST and SGST where IGST is due, or the other way round.
    pub wrong_kind: bool,
    /// A tax amount more than ₹1.00 from its expected value.
    pub wrong_amount: bool,
}

impl TaxCheck {
    pub fn failed(&self) -> bool {
        self.wrong_kind || self.wrong_amount
    }

    /// Why it failed, in a sentence (`None` when it passed).
    pub fn reason(&self) -> Option<String> {
        let f = crate::money::format_minor;
        let due = if self.intra_state {
            format!(
                "intra-state: CGST {} and SGST {} are due, no IGST",
                f(self.expected_cgst),
                f(self.expected_sgst)
            )
        } else {
            format!(
                "inter-state: IGST {} is due, no CGST or SGST",
                f(self.expected_igst)
            )
        };
        match (self.wrong_kind, self.wrong_amount) {
            (false, false) => None,
            (true, _) => Some(format!(
                "the wrong kind of tax ({due}); charged minus expected: {}",
                f(self.difference)
            )),
            (false, true) => Some(format!(
                "a tax amount more than ₹1.00 off ({due}); charged minus expected: {}",
                f(self.difference)
            )),
        }
    }
}

/// The GST check of an invoice at `rate_bp` (an invoice that passed `problems`).
pub fn gst_check(inv: &Invoice, rate_bp: i64) -> Option<TaxCheck> {
    let intra = inv.supplier_gstin.trim().get(..2) == Some(inv.place_of_supply.trim());
    let igst = share(inv.taxable, rate_bp)?;
    let half = share(inv.taxable, rate_bp / 2)?;
    let (ec, es, ei) = if intra { (half, half, 0) } else { (0, 0, igst) };
    let wrong_kind = if intra {
        inv.igst > 0
    } else {
        inv.cgst > 0 || inv.sgst > 0
    };
    let off = |charged: i64, expected: i64| charged.abs_diff(expected) > TAX_TOLERANCE as u64;
    let wrong_amount = off(inv.cgst, ec) || off(inv.sgst, es) || off(inv.igst, ei);
    let charged = inv.cgst.checked_add(inv.sgst)?.checked_add(inv.igst)?;
    let expected = ec.checked_add(es)?.checked_add(ei)?;
    let mut difference = charged.checked_sub(expected)?;
    // Only the kind wrong (the total within ₹1.00, e.g. 18% as IGST where 9% + 9%,
    // each rounded, was due): the case's amount is 0.00.
    if wrong_kind && difference.abs() <= TAX_TOLERANCE {
        difference = 0;
    }
    Some(TaxCheck {
        intra_state: intra,
        expected_cgst: ec,
        expected_sgst: es,
        expected_igst: ei,
        difference,
        wrong_kind,
        wrong_amount,
    })
}

/// The payout check: the invoiced taxable value against the payout expected for the
/// partner's routes in the period. `Some(invoiced - expected)` when they differ by more
/// than max(₹1.00, 0.5% of expected); `None` when within it.
pub fn payout_mismatch(expected: i64, invoiced: i64) -> Option<i64> {
    let diff = invoiced.checked_sub(expected)?;
    // |diff| > max(100, expected * 0.005), compared in thousandths to stay exact.
    let lhs = i128::from(diff).abs() * 1000;
    let rhs = (100i128 * 1000).max(i128::from(expected).abs() * 5);
    (lhs > rhs).then_some(diff)
}

/// How a dispute is settled: by a credit note (the partner owes back) or a debit note
/// (the network pays more).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Note {
    Credit,
    Debit,
}

impl Note {
    pub fn parse(s: &str) -> Option<Note> {
        match s.trim() {
            "credit" => Some(Note::Credit),
            "debit" => Some(Note::Debit),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Note::Credit => "credit",
            Note::Debit => "debit",
        }
    }
}

/// Why a settlement is refused, or `None`. The claimed amount is the invoiced taxable
/// value minus the expected payout (negative when the partner invoiced less); the
/// accepted amount lies between 0 and the claimed one, of the same sign; a note has a
/// number.
pub fn settlement_problem(claimed: i64, accepted: i64, note_number: &str) -> Option<String> {
    let (lo, hi) = (claimed.min(0), claimed.max(0));
    if accepted < lo || accepted > hi {
        return Some(format!(
            "the accepted amount {} lies between 0.00 and the claimed {}",
            crate::money::format_minor(accepted),
            crate::money::format_minor(claimed)
        ));
    }
    let n = note_number.trim();
    (n.is_empty() || n.chars().count() > 40)
        .then(|| "the note's number, 1 to 40 characters".to_owned())
}

/// The note that settles a dispute. Over-invoiced (claimed > 0): what is not accepted
/// comes back by a credit note. Under-invoiced (claimed < 0): what the network accepts
/// to pay more comes by a debit note. `None` when no note is due.
pub fn settling_note(claimed: i64, accepted: i64) -> Option<(Note, i64)> {
    if claimed > 0 {
        let back = claimed.checked_sub(accepted)?;
        (back > 0).then_some((Note::Credit, back))
    } else {
        (accepted < 0).then(|| (Note::Debit, accepted.saturating_neg()))
    }
}
