//! Invoices for a simulated network: one per partner per calendar month of the data,
//! priced independently of the engine (a recount of `routes.csv` and `deliveries.csv`
//! with the rate book), some planted wrong: padded over the routes' payout, the wrong
//! kind of tax, or the wrong amount. `invoices_truth.json` lists each planted fault.

use super::SimError;
use chrono::{Datelike, NaiveDate};
use dspdesk_core::compliance::gstin_check_char;
use dspdesk_core::invoices::{financial_year, share};
use dspdesk_core::profit::{BlockCounts, RateBook, round_money};
use rust_decimal::prelude::ToPrimitive;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const INVOICES_FILE: &str = "invoices.csv";
pub const INVOICES_TRUTH_FILE: &str = "invoices_truth.json";

/// The network's own GSTIN (the recipient), in Karnataka (29).
pub fn network_gstin() -> String {
    let head = "29AAACN4321K1Z";
    format!("{head}{}", gstin_check_char(head))
}

/// The GSTIN the simulation gives a partner: a PAN made of its code, registered in
/// Maharashtra (27, an inter-state supply to the network) for every third partner by
/// code, else in Karnataka (29).
pub fn partner_gstin(partner: &str) -> String {
    let letters: String = partner
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_uppercase())
        .chain(std::iter::repeat('X'))
        .take(4)
        .collect();
    let n: u32 = partner.bytes().map(u32::from).sum::<u32>() % 9000 + 1000;
    let state = if n.is_multiple_of(3) { "27" } else { "29" };
    let head = format!("{state}{letters}P{n}K1Z");
    format!("{head}{}", gstin_check_char(&head))
}

/// A planted fault of one invoice (`none` for a clean one).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PlantedInvoice {
    pub partner: String,
    pub number: String,
    /// `padded`, `wrong_kind`, `wrong_amount` or `none`.
    pub fault: String,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> SimError + '_ {
    move |source| SimError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn bad(path: &Path, m: impl std::fmt::Display) -> SimError {
    SimError::BadConfig(format!("{}: {m}", path.display()))
}

/// Delivered packages per (route, date), from the deliveries file.
fn delivered(path: &Path) -> Result<HashMap<(String, String), i64>, SimError> {
    let mut r = csv::Reader::from_path(path).map_err(|e| bad(path, e))?;
    let h = r.headers().map_err(|e| bad(path, e))?.clone();
    let col = |n: &str| {
        h.iter()
            .position(|x| x == n)
            .ok_or_else(|| bad(path, format!("no column {n}")))
    };
    let (route, date, status) = (col("route_id")?, col("date")?, col("status")?);
    let mut out: HashMap<(String, String), i64> = HashMap::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| bad(path, e))?;
        if rec.get(status) == Some("delivered") && !rec[route].is_empty() {
            *out.entry((rec[route].to_owned(), rec[date].to_owned()))
                .or_default() += 1;
        }
    }
    Ok(out)
}

/// Payout per (partner, month start) per station, in paise, from the routes file.
type Payouts = BTreeMap<(String, NaiveDate), BTreeMap<String, (i64, NaiveDate, NaiveDate)>>;

fn payouts(dir: &Path, book: &RateBook) -> Result<Payouts, SimError> {
    let dpath = dir.join(super::DELIVERIES_FILE);
    let delivered = delivered(&dpath)?;
    let path = dir.join(super::ROUTES_FILE);
    let mut r = csv::Reader::from_path(&path).map_err(|e| bad(&path, e))?;
    let h = r.headers().map_err(|e| bad(&path, e))?.clone();
    let col = |n: &str| {
        h.iter()
            .position(|x| x == n)
            .ok_or_else(|| bad(&path, format!("no column {n}")))
    };
    let (rid, date, station, partner, block, mot) = (
        col("route_id")?,
        col("date")?,
        col("station")?,
        col("partner")?,
        col("block_hours")?,
        col("mot")?,
    );
    let mut out: Payouts = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| bad(&path, e))?;
        let day = dspdesk_core::time::parse_day(&rec[date]).map_err(|e| bad(&path, e))?;
        let hours: i32 = rec[block].parse().map_err(|e| bad(&path, e))?;
        let n = delivered
            .get(&(rec[rid].to_owned(), rec[date].to_owned()))
            .copied()
            .unwrap_or(0);
        let counts = BlockCounts {
            routes: 1,
            delivered: n,
            delivered_unpaid_rows: n,
            ..BlockCounts::default()
        };
        let m = book.price(&rec[station], day, hours, &rec[mot], &counts);
        let paise = (round_money(m.payout) * rust_decimal::Decimal::from(100))
            .to_i64()
            .unwrap_or(0);
        let month = day.with_day(1).unwrap_or(day);
        let e = out
            .entry((rec[partner].to_owned(), month))
            .or_default()
            .entry(rec[station].to_owned())
            .or_insert((0, day, day));
        e.0 += paise;
        e.1 = e.1.min(day);
        e.2 = e.2.max(day);
    }
    Ok(out)
}

/// Writes `invoices.csv` and `invoices_truth.json` into `dir` (beside the simulated
/// files) and returns the invoices with their planted faults.
pub fn write_invoices(dir: &Path, book: &RateBook) -> Result<Vec<PlantedInvoice>, SimError> {
    let by_month = payouts(dir, book)?;
    let partners: BTreeSet<&String> = by_month.keys().map(|(p, _)| p).collect();
    let last_month: BTreeMap<&String, NaiveDate> =
        by_month
            .keys()
            .map(|(p, m)| (p, *m))
            .fold(BTreeMap::new(), |mut acc, (p, m)| {
                let e = acc.entry(p).or_insert(m);
                *e = (*e).max(m);
                acc
            });
    let path: PathBuf = dir.join(INVOICES_FILE);
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).map_err(io(&path))?);
    writeln!(f, "partner,invoice_number,invoice_date,period_from,period_to,stations,supplier_gstin,recipient_gstin,place_of_supply,taxable_value,cgst,sgst,igst,total").map_err(io(&path))?;
    let recipient = network_gstin();
    let mut seq: BTreeMap<(String, String), u32> = BTreeMap::new();
    let mut planted = Vec::new();
    for ((partner, month), stations) in &by_month {
        let i = partners.iter().position(|p| *p == partner).unwrap_or(0);
        let from = stations.values().map(|s| s.1).min().unwrap_or(*month);
        let to = stations.values().map(|s| s.2).max().unwrap_or(*month);
        let expected: i64 = stations.values().map(|s| s.0).sum();
        let date = to + chrono::Duration::days(3);
        let fy = financial_year(date);
        let n = seq.entry((partner.clone(), fy.clone())).or_insert(0);
        *n += 1;
        let number = format!("{}/{fy}/{:03}", &partner[..partner.len().min(4)], n);
        // The fault, on the partner's last month only.
        let fault = match (last_month.get(partner) == Some(month), i % 6) {
            (true, 1) => "padded",
            (true, 3) => "wrong_kind",
            (true, 5) => "wrong_amount",
            _ => "none",
        };
        let gstin = partner_gstin(partner);
        let intra = gstin.starts_with("29");
        let taxable = if fault == "padded" {
            share(expected, 10_400).unwrap_or(expected)
        } else {
            expected
        };
        let rate = if fault == "wrong_amount" {
            book.gst_rate_bp() + 200
        } else {
            book.gst_rate_bp()
        };
        let half = share(taxable, rate / 2).unwrap_or(0);
        let full = share(taxable, rate).unwrap_or(0);
        let (cgst, sgst, igst) = match (intra, fault == "wrong_kind") {
            (true, false) | (false, true) => (half, half, 0),
            _ => (0, 0, full),
        };
        let total = taxable + cgst + sgst + igst;
        let m = dspdesk_core::money::format_minor;
        writeln!(
            f,
            "{partner},{number},{date},{from},{to},{},{gstin},{recipient},29,{},{},{},{},{}",
            stations.keys().cloned().collect::<Vec<_>>().join(";"),
            m(taxable),
            m(cgst),
            m(sgst),
            m(igst),
            m(total)
        )
        .map_err(io(&path))?;
        planted.push(PlantedInvoice {
            partner: partner.clone(),
            number,
            fault: fault.into(),
        });
    }
    f.flush().map_err(io(&path))?;
    let tpath = dir.join(INVOICES_TRUTH_FILE);
    let json = serde_json::to_string_pretty(&planted).map_err(|e| bad(&tpath, e))?;
    std::fs::write(&tpath, json).map_err(io(&tpath))?;
    Ok(planted)
}
