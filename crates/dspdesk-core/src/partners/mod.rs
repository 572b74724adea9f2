//! The partner's file: who a partner is, checked field by field (GSTIN and PAN per
//! `metrics.md`, the GSTIN's PAN the partner's, contact, bank, registered fleet), the
//! bank account shown masked, the fleet's EV share.

use serde::{Deserialize, Serialize};

use crate::compliance::{gstin_problem, pan_problem};

#[cfg(test)]
mod tests;

/// A partner's file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerFile {
    pub partner: String,
    pub legal_name: String,
    pub gstin: String,
    pub pan: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub bank_account: String,
    pub bank_ifsc: String,
    pub fleet_2w: i64,
    pub fleet_3w: i64,
    pub fleet_4w: i64,
    /// Of the fleet, vehicles that are electric.
    pub fleet_ev: i64,
}

impl PartnerFile {
    /// The same file with its identifiers in capitals and its text trimmed.
    pub fn normalised(mut self) -> PartnerFile {
        for s in [
            &mut self.legal_name,
            &mut self.contact_name,
            &mut self.contact_phone,
            &mut self.contact_email,
        ] {
            *s = s.trim().to_owned();
        }
        for s in [
            &mut self.gstin,
            &mut self.pan,
            &mut self.bank_ifsc,
            &mut self.bank_account,
        ] {
            *s = s.trim().to_ascii_uppercase().replace(' ', "");
        }
        self
    }

    /// Every problem, each naming its field (empty: the file is good). Empty fields are
    /// allowed but the legal name.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.legal_name.is_empty() || self.legal_name.chars().count() > 200 {
            out.push((
                "legal_name",
                "the legal name, 1 to 200 characters".to_owned(),
            ));
        }
        if !self.gstin.is_empty()
            && let Some(p) = gstin_problem(&self.gstin)
        {
            out.push(("gstin", p));
        }
        if !self.pan.is_empty()
            && let Some(p) = pan_problem(&self.pan)
        {
            out.push(("pan", p));
        }
        if self.gstin.len() == 15 && !self.pan.is_empty() && self.gstin[2..12] != self.pan {
            out.push((
                "gstin",
                format!(
                    "the GSTIN {} carries the PAN {}, not {}",
                    self.gstin,
                    &self.gstin[2..12],
                    self.pan
                ),
            ));
        }
        let digits = |s: &str| s.bytes().filter(u8::is_ascii_digit).count();
        if !self.contact_phone.is_empty() && !(10..=13).contains(&digits(&self.contact_phone)) {
            out.push((
                "contact_phone",
                format!(
                    "{:?} is not a phone number: 10 digits, or with +91",
                    self.contact_phone
                ),
            ));
        }
        if !self.contact_email.is_empty()
            && !self
                .contact_email
                .split_once('@')
                .is_some_and(|(a, b)| !a.is_empty() && b.contains('.'))
        {
            out.push((
                "contact_email",
                format!("{:?} is not an e-mail address", self.contact_email),
            ));
        }
        let acct = self.bank_account.as_bytes();
        let acct_ok = (9..=18).contains(&acct.len()) && acct.iter().all(u8::is_ascii_digit);
        if !acct.is_empty() && !acct_ok {
            out.push((
                "bank_account",
                "a bank account number is 9 to 18 digits".to_owned(),
            ));
        }
        let ifsc = self.bank_ifsc.as_bytes();
        let ifsc_ok = ifsc.len() == 11
            && ifsc[..4].iter().all(u8::is_ascii_uppercase)
            && ifsc[4] == b'0'
            && ifsc[5..].iter().all(u8::is_ascii_alphanumeric);
        if !ifsc.is_empty() && !ifsc_ok {
            out.push((
                "bank_ifsc",
                format!(
                    "{:?} is not an IFSC: 4 letters, 0, 6 letters or digits (HDFC0001234)",
                    self.bank_ifsc
                ),
            ));
        }
        let fleet = [self.fleet_2w, self.fleet_3w, self.fleet_4w, self.fleet_ev];
        if fleet.iter().any(|n| !(0..=100_000).contains(n)) {
            out.push(("fleet", "fleet counts are 0 to 100,000".to_owned()));
        } else if self.fleet_ev > self.fleet_total() {
            out.push((
                "fleet_ev",
                format!("{} EVs in a fleet of {}", self.fleet_ev, self.fleet_total()),
            ));
        }
        out
    }

    pub fn fleet_total(&self) -> i64 {
        self.fleet_2w + self.fleet_3w + self.fleet_4w
    }

    /// The registered fleet's EV share, %.
    pub fn fleet_ev_pct(&self) -> Option<f64> {
        let t = self.fleet_total();
        (t > 0).then(|| 100.0 * self.fleet_ev as f64 / t as f64)
    }

    /// The bank account as screens show it: all but its last 4 digits hidden.
    pub fn bank_account_masked(&self) -> String {
        masked(&self.bank_account)
    }

    /// The fields that differ from `other`, by name.
    pub fn changed_from(&self, other: &PartnerFile) -> Vec<&'static str> {
        let (a, b) = (self.values(), other.values());
        a.iter()
            .zip(b.iter())
            .filter(|(x, y)| x.1 != y.1)
            .map(|(x, _)| x.0)
            .collect()
    }

    /// This file with the named fields taken from `from` (a proposal applied to the file
    /// as it is now, so later edits of other fields stay).
    pub fn with_fields_of(&self, from: &PartnerFile, fields: &[&str]) -> PartnerFile {
        let mut out = self.clone();
        for f in fields {
            match *f {
                "legal_name" => out.legal_name = from.legal_name.clone(),
                "gstin" => out.gstin = from.gstin.clone(),
                "pan" => out.pan = from.pan.clone(),
                "contact_name" => out.contact_name = from.contact_name.clone(),
                "contact_phone" => out.contact_phone = from.contact_phone.clone(),
                "contact_email" => out.contact_email = from.contact_email.clone(),
                "bank_account" => out.bank_account = from.bank_account.clone(),
                "bank_ifsc" => out.bank_ifsc = from.bank_ifsc.clone(),
                "fleet_2w" => out.fleet_2w = from.fleet_2w,
                "fleet_3w" => out.fleet_3w = from.fleet_3w,
                "fleet_4w" => out.fleet_4w = from.fleet_4w,
                "fleet_ev" => out.fleet_ev = from.fleet_ev,
                _ => {}
            }
        }
        out
    }

    /// Each field with its value as text, in the order of [`FIELDS`].
    pub fn values(&self) -> [(&'static str, String); 12] {
        let v = [
            self.legal_name.clone(),
            self.gstin.clone(),
            self.pan.clone(),
            self.contact_name.clone(),
            self.contact_phone.clone(),
            self.contact_email.clone(),
            self.bank_account.clone(),
            self.bank_ifsc.clone(),
            self.fleet_2w.to_string(),
            self.fleet_3w.to_string(),
            self.fleet_4w.to_string(),
            self.fleet_ev.to_string(),
        ];
        let mut i = 0;
        v.map(|x| {
            i += 1;
            (FIELDS[i - 1], x)
        })
    }
}

/// The fields of a file, in order.
pub const FIELDS: [&str; 12] = [
    "legal_name",
    "gstin",
    "pan",
    "contact_name",
    "contact_phone",
    "contact_email",
    "bank_account",
    "bank_ifsc",
    "fleet_2w",
    "fleet_3w",
    "fleet_4w",
    "fleet_ev",
];

/// A bank account with all but its last 4 characters hidden.
pub fn masked(account: &str) -> String {
    let n = account.chars().count();
    if n == 0 {
        return String::new();
    }
    let keep: String = account.chars().skip(n.saturating_sub(4)).collect();
    format!("{}{keep}", "•".repeat(n.saturating_sub(4)))
}
