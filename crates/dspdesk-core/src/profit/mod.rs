//! Profitability (`metrics.md`, "Profitability"): rate cards and cost models as
//! configuration with dates of validity and station overrides, and the payout, cost and
//! profit of routes, exactly, in decimals.
//!
//! The formulas are linear in a route's delivered packages, block hours and distance,
//! so a group of routes with the same station, date, block and MOT is priced exactly
//! from its sums ([`BlockCounts`]): the same result as pricing each route and adding.
//! Amounts are kept exact and rounded to the currency's 2 places only when shown.

use crate::money::minor_to_decimal;
use crate::status::Mot;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::ops::AddAssign;

/// What a profit line is grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfitBy {
    Partner,
    Station,
    Block,
    Mot,
    Day,
    Week,
}

impl ProfitBy {
    /// A grouping by name (`block` or `block_hours`, `day` or `date`).
    pub fn parse(raw: &str) -> Option<ProfitBy> {
        Some(match raw {
            "partner" => ProfitBy::Partner,
            "station" => ProfitBy::Station,
            "block" | "block_hours" => ProfitBy::Block,
            "mot" => ProfitBy::Mot,
            "day" | "date" => ProfitBy::Day,
            "week" => ProfitBy::Week,
            _ => return None,
        })
    }
}

/// The largest rate or cost in a rate book.
pub const MAX_RATE: i64 = 10_000_000;

/// A decimal written as a string (`"620.50"`), an integer or a plain number in TOML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
pub struct Amount(pub Decimal);

/// A GST rate in percent as basis points: 0 to 40%, at most two places, an even number
/// of basis points.
fn gst_bp(pct: Decimal) -> Result<i64, String> {
    let bp = pct * Decimal::from(100);
    let ok = bp.fract().is_zero() && bp >= Decimal::ZERO && bp <= Decimal::from(4000);
    let bp = i64::try_from(bp).unwrap_or(-1);
    if !ok || bp % 2 != 0 {
        return Err(format!(
            "gst_rate_pct = {pct}: write a rate from 0 to 40 with at most two places whose CGST and SGST halves are exact, e.g. 18 or 12.5"
        ));
    }
    Ok(bp)
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            S(String),
            I(i64),
            F(f64),
        }
        let parsed = match Raw::deserialize(d)? {
            Raw::S(s) => s.trim().parse::<Decimal>().map_err(|_| s),
            Raw::I(i) => Ok(Decimal::from(i)),
            // Rust prints the shortest text that reads back as the same float, so
            // `4.1` becomes exactly 4.1.
            Raw::F(f) => f.to_string().parse::<Decimal>().map_err(|_| f.to_string()),
        };
        match parsed {
            Ok(v) if v.is_sign_negative() && !v.is_zero() => Err(serde::de::Error::custom(
                format!("{v} is negative; amounts must be 0 or more"),
            )),
            Ok(v) if v.scale() > 4 => Err(serde::de::Error::custom(format!(
                "{v} has more than 4 decimal places"
            ))),
            // A rate per route, package, hour, day or km: bounded so that pricing any
            // number of routes stays within exact decimal arithmetic.
            Ok(v) if v > Decimal::from(MAX_RATE) => Err(serde::de::Error::custom(format!(
                "{v} is more than {MAX_RATE}, the largest rate dspdesk takes"
            ))),
            Ok(v) => Ok(Amount(v)),
            Err(raw) => Err(serde::de::Error::custom(format!(
                "{raw:?} is not an amount; write it like \"620.50\""
            ))),
        }
    }
}

/// Which stations and dates a card or model applies to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Validity {
    pub name: String,
    pub valid_from: NaiveDate,
    /// Inclusive; open-ended when absent.
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
    /// Empty: the network's default. Otherwise an override for these stations.
    #[serde(default)]
    pub stations: Vec<String>,
}

impl Validity {
    fn covers(&self, date: NaiveDate) -> bool {
        date >= self.valid_from && self.valid_to.is_none_or(|t| date <= t)
    }
    fn applies(&self, station: &str, date: NaiveDate) -> Option<u8> {
        if !self.covers(date) {
            return None;
        }
        if self.stations.is_empty() {
            Some(0)
        } else if self.stations.iter().any(|s| s == station) {
            Some(1)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateCard {
    #[serde(flatten)]
    pub validity: Validity,
    /// `block_rate[mot][block_hours]`: paid per route.
    pub block_rate: BTreeMap<String, BTreeMap<String, Amount>>,
    /// Paid per delivered package, per MOT.
    #[serde(default)]
    pub per_delivered: BTreeMap<String, Amount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostModel {
    #[serde(flatten)]
    pub validity: Validity,
    pub driver_per_hour: BTreeMap<String, Amount>,
    pub vehicle_per_day: BTreeMap<String, Amount>,
    #[serde(default)]
    pub energy_per_km: BTreeMap<String, Amount>,
}

/// The rate cards and cost models of a network: one configuration document.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateBook {
    /// The GST rate partners' invoices are checked at, in percent (default 18; up to two
    /// places, an even number of basis points so CGST and SGST halve it exactly).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gst_rate_pct: Option<Amount>,
    /// The currency amounts are shown in (default ₹ with lakh/crore grouping).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<crate::display::Currency>,
    #[serde(default, rename = "rate_card")]
    pub rate_cards: Vec<RateCard>,
    #[serde(default, rename = "cost_model")]
    pub cost_models: Vec<CostModel>,
}

/// Sums over the routes of one partner × station × date × block × MOT: what pricing
/// needs. Routes whose row carries a payout (or cost) are summed as given; the others
/// are priced from the configuration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockCounts {
    pub routes: i64,
    /// Delivered packages on these routes.
    pub delivered: i64,
    /// Distance in metres.
    pub distance_m: i64,
    /// Routes whose row gave a payout, and the sum of those payouts.
    pub payout_given_routes: i64,
    pub payout_given_minor: i64,
    /// Delivered packages on routes without a payout in the row.
    pub delivered_unpaid_rows: i64,
    /// Routes whose row gave a cost, and the sum of those costs.
    pub cost_given_routes: i64,
    pub cost_given_minor: i64,
    /// Distance in metres of routes without a cost in the row.
    pub distance_m_uncosted: i64,
}

/// Saturating, as `Counts` roll-ups are: each day's money sums are checked at load.
impl AddAssign for BlockCounts {
    fn add_assign(&mut self, o: BlockCounts) {
        let add = |a: &mut i64, b: i64| *a = a.saturating_add(b);
        add(&mut self.routes, o.routes);
        add(&mut self.delivered, o.delivered);
        add(&mut self.distance_m, o.distance_m);
        add(&mut self.payout_given_routes, o.payout_given_routes);
        add(&mut self.payout_given_minor, o.payout_given_minor);
        add(&mut self.delivered_unpaid_rows, o.delivered_unpaid_rows);
        add(&mut self.cost_given_routes, o.cost_given_routes);
        add(&mut self.cost_given_minor, o.cost_given_minor);
        add(&mut self.distance_m_uncosted, o.distance_m_uncosted);
    }
}

/// Payout, cost and the routes that could not be priced, of a group of routes or any
/// sum of groups.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Money {
    pub routes: i64,
    pub payout: Decimal,
    pub cost: Decimal,
    /// Routes with no payout in the row and no rate for their block and MOT.
    pub unpriced_routes: i64,
    /// Routes with no cost in the row and no cost model for their MOT.
    pub uncosted_routes: i64,
}

impl AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        self.routes += o.routes;
        self.payout += o.payout;
        self.cost += o.cost;
        self.unpriced_routes += o.unpriced_routes;
        self.uncosted_routes += o.uncosted_routes;
    }
}

impl Money {
    pub fn profit(&self) -> Decimal {
        self.payout - self.cost
    }
    /// `100 * profit / payout`; `None` when nothing was paid or some routes could not
    /// be priced or costed (the margin would be wrong).
    pub fn margin_pct(&self) -> Option<f64> {
        use rust_decimal::prelude::ToPrimitive;
        (!self.payout.is_zero() && self.unpriced_routes == 0 && self.uncosted_routes == 0)
            .then(|| (Decimal::from(100) * self.profit() / self.payout).to_f64())
            .flatten()
    }
}

/// Rounds an exact amount to the currency's 2 places (half away from zero), for showing.
pub fn round_money(d: Decimal) -> Decimal {
    let mut r = d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    r
}

impl RateBook {
    /// Parses and validates a TOML document; the error names the key or the rule.
    pub fn from_toml(text: &str) -> Result<RateBook, String> {
        let book: RateBook = toml::from_str(text).map_err(|e| e.to_string())?;
        book.validate()?;
        Ok(book)
    }

    /// The GST rate in basis points: the book's, or 18%.
    pub fn gst_rate_bp(&self) -> i64 {
        self.gst_rate_pct
            .as_ref()
            .and_then(|r| gst_bp(r.0).ok())
            .unwrap_or(crate::invoices::GST_RATE_BP)
    }

    pub fn validate(&self) -> Result<(), String> {
        let mut errors = Vec::new();
        if let Some(Err(e)) = self.gst_rate_pct.as_ref().map(|r| gst_bp(r.0)) {
            errors.push(e);
        }
        if let Some(Err(e)) = self.currency.as_ref().map(|c| c.check()) {
            errors.push(e);
        }
        let check_mot = |what: &str, mot: &str, errors: &mut Vec<String>| {
            if Mot::parse(mot).is_none() {
                errors.push(format!(
                    "{what}: {mot:?} is not a mode of transport; use one of 2W, 3W, 4W, EV2W, EV3W, EV4W"
                ));
            }
        };
        for c in &self.rate_cards {
            let what = format!("rate_card {:?}", c.validity.name);
            check_validity(&what, &c.validity, &mut errors);
            for (mot, blocks) in &c.block_rate {
                check_mot(&format!("{what} block_rate"), mot, &mut errors);
                for hours in blocks.keys() {
                    match hours.parse::<u8>() {
                        Ok(h) if (1..=24).contains(&h) && h.to_string() == *hours => {}
                        Ok(h) if (1..=24).contains(&h) => errors.push(format!(
                            "{what} block_rate.{mot}: write {h}, not {hours:?}"
                        )),
                        _ => errors.push(format!(
                            "{what} block_rate.{mot}: {hours:?} is not a number of block hours (1 to 24)"
                        )),
                    }
                }
            }
            for mot in c.per_delivered.keys() {
                check_mot(&format!("{what} per_delivered"), mot, &mut errors);
            }
        }
        for m in &self.cost_models {
            let what = format!("cost_model {:?}", m.validity.name);
            check_validity(&what, &m.validity, &mut errors);
            for map in [&m.driver_per_hour, &m.vehicle_per_day, &m.energy_per_km] {
                for mot in map.keys() {
                    check_mot(&what, mot, &mut errors);
                }
            }
        }
        overlaps(
            "rate_card",
            &self
                .rate_cards
                .iter()
                .map(|c| &c.validity)
                .collect::<Vec<_>>(),
            &mut errors,
        );
        overlaps(
            "cost_model",
            &self
                .cost_models
                .iter()
                .map(|c| &c.validity)
                .collect::<Vec<_>>(),
            &mut errors,
        );
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("\n"))
        }
    }

    /// The rate card for a station on a date: a station override wins over the
    /// network's default.
    pub fn rate_card(&self, station: &str, date: NaiveDate) -> Option<&RateCard> {
        pick(&self.rate_cards, |c| c.validity.applies(station, date))
    }

    pub fn cost_model(&self, station: &str, date: NaiveDate) -> Option<&CostModel> {
        pick(&self.cost_models, |c| c.validity.applies(station, date))
    }

    /// Prices a group of routes of one station, date, block and MOT.
    pub fn price(
        &self,
        station: &str,
        date: NaiveDate,
        block_hours: i32,
        mot: &str,
        b: &BlockCounts,
    ) -> Money {
        let mut m = Money {
            routes: b.routes,
            payout: minor_to_decimal(b.payout_given_minor),
            cost: minor_to_decimal(b.cost_given_minor),
            ..Money::default()
        };
        let unpaid = b.routes - b.payout_given_routes;
        if unpaid > 0 {
            let card = self.rate_card(station, date);
            let rate = card.and_then(|c| {
                c.block_rate
                    .get(mot)
                    .and_then(|r| r.get(&block_hours.to_string()))
            });
            match (card, rate) {
                (Some(card), Some(rate)) => {
                    let per = card.per_delivered.get(mot).copied().unwrap_or_default().0;
                    m.payout += rate.0 * Decimal::from(unpaid)
                        + per * Decimal::from(b.delivered_unpaid_rows);
                }
                _ => m.unpriced_routes = unpaid,
            }
        }
        let uncosted = b.routes - b.cost_given_routes;
        if uncosted > 0 {
            let model = self.cost_model(station, date);
            let parts = model.and_then(|c| {
                Some((
                    c.driver_per_hour.get(mot)?.0,
                    c.vehicle_per_day.get(mot)?.0,
                    c.energy_per_km.get(mot).copied().unwrap_or_default().0,
                ))
            });
            match parts {
                Some((driver, vehicle, energy)) => {
                    m.cost += (driver * Decimal::from(block_hours) + vehicle)
                        * Decimal::from(uncosted)
                        + energy * Decimal::new(b.distance_m_uncosted, 3);
                }
                None => m.uncosted_routes = uncosted,
            }
        }
        m
    }
}

fn pick<T>(items: &[T], rank: impl Fn(&T) -> Option<u8>) -> Option<&T> {
    items
        .iter()
        .filter_map(|c| rank(c).map(|r| (r, c)))
        .max_by_key(|(r, _)| *r)
        .map(|(_, c)| c)
}

fn check_validity(what: &str, v: &Validity, errors: &mut Vec<String>) {
    if v.valid_to.is_some_and(|t| t < v.valid_from) {
        errors.push(format!("{what}: valid_to is before valid_from"));
    }
}

/// Two cards of the same reach (the network, or a shared station) may not both be
/// valid on one day: which applies would be a guess.
fn overlaps(kind: &str, items: &[&Validity], errors: &mut Vec<String>) {
    for (i, a) in items.iter().enumerate() {
        for b in &items[i + 1..] {
            let same_reach = (a.stations.is_empty() && b.stations.is_empty())
                || a.stations.iter().any(|s| b.stations.contains(s));
            let a_to = a.valid_to.unwrap_or(NaiveDate::MAX);
            let b_to = b.valid_to.unwrap_or(NaiveDate::MAX);
            if same_reach && a.valid_from <= b_to && b.valid_from <= a_to {
                errors.push(format!(
                    "{kind} {:?} and {:?} are both valid on {} for the same stations; end one before the other starts",
                    a.name,
                    b.name,
                    a.valid_from.max(b.valid_from)
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOK: &str = r#"
[[rate_card]]
name = "network"
valid_from = "2026-01-01"
valid_to = "2026-11-18"
block_rate.2W = { 4 = "600", 8 = "1100.50" }
per_delivered.2W = 4.1

[[rate_card]]
name = "network from 19 Nov"
valid_from = "2026-11-19"
block_rate.2W = { 8 = "1200" }

[[rate_card]]
name = "Delhi"
valid_from = "2026-01-01"
stations = ["DEL4"]
block_rate.2W = { 8 = "1300" }

[[cost_model]]
name = "network"
valid_from = "2026-01-01"
driver_per_hour = { 2W = "90" }
vehicle_per_day = { 2W = "150" }
energy_per_km = { 2W = "2.125" }
"#;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_route_is_priced_by_the_card_in_force_with_station_overrides() {
        let book = RateBook::from_toml(BOOK).unwrap();
        let b = BlockCounts {
            routes: 2,
            delivered: 50,
            distance_m: 40_500,
            delivered_unpaid_rows: 50,
            distance_m_uncosted: 40_500,
            ..Default::default()
        };
        let m = book.price("BOM1", d("2026-11-18"), 8, "2W", &b);
        assert_eq!(m.payout, "2406.00".parse::<Decimal>().unwrap()); // 2*1100.50 + 50*4.1
        // 2 * (90*8 + 150) + 2.125 * 40.5
        assert_eq!(m.cost, "1826.0625".parse::<Decimal>().unwrap());
        assert_eq!(
            round_money(m.profit()),
            "579.94".parse::<Decimal>().unwrap()
        );
        // A card change mid-week: the next day is priced by the new card.
        let next = book.price("BOM1", d("2026-11-19"), 8, "2W", &b);
        assert_eq!(next.payout, Decimal::from(2400));
        // The station override wins over the network.
        let del = book.price("DEL4", d("2026-11-18"), 8, "2W", &b);
        assert_eq!(del.payout, Decimal::from(2600));
    }

    #[test]
    fn given_payouts_are_kept_and_missing_rates_are_counted() {
        let book = RateBook::from_toml(BOOK).unwrap();
        let b = BlockCounts {
            routes: 3,
            payout_given_routes: 1,
            payout_given_minor: 99_999,
            delivered_unpaid_rows: 0,
            ..Default::default()
        };
        let m = book.price("BOM1", d("2026-02-01"), 6, "2W", &b);
        assert_eq!(m.payout, "999.99".parse::<Decimal>().unwrap());
        assert_eq!(m.unpriced_routes, 2, "no 6-hour 2W rate");
        let m = book.price("BOM1", d("2026-02-01"), 4, "EV3W", &b);
        assert_eq!(m.uncosted_routes, 3);
        assert_eq!(
            m.margin_pct(),
            None,
            "a margin over uncosted routes would be wrong"
        );
    }

    #[test]
    fn bad_books_are_refused_with_the_reason() {
        let overlap = BOOK.replace("valid_to = \"2026-11-18\"", "");
        let e = RateBook::from_toml(&overlap).unwrap_err();
        assert!(e.contains("are both valid on 2026-11-19"), "{e}");
        let e = RateBook::from_toml(&BOOK.replace("2W = { 8 = \"1300\" }", "5W = { 8 = 1 }"))
            .unwrap_err();
        assert!(e.contains("\"5W\" is not a mode of transport"), "{e}");
        let e =
            RateBook::from_toml(&BOOK.replace("per_delivered.2W", "per_delivred.2W")).unwrap_err();
        assert!(e.contains("per_delivred"), "{e}");
        let e = RateBook::from_toml(&BOOK.replace("4 = \"600\"", "04 = \"600\"")).unwrap_err();
        assert!(e.contains("write 4, not \"04\""), "{e}");
        let e = RateBook::from_toml(&BOOK.replace("\"1100.50\"", "\"-1\"")).unwrap_err();
        assert!(e.contains("negative"), "{e}");
        // A rate so large that pricing routes would leave exact decimal arithmetic.
        let e = RateBook::from_toml(&BOOK.replace("\"1100.50\"", "\"1e27\"")).unwrap_err();
        assert!(
            e.contains("not an amount") || e.contains("largest rate"),
            "{e}"
        );
        let e = RateBook::from_toml(&BOOK.replace("\"1100.50\"", "\"79228162514264337593543\""))
            .unwrap_err();
        assert!(e.contains("largest rate"), "{e}");
    }

    #[test]
    fn the_gst_rate_is_configuration_with_eighteen_percent_by_default() {
        assert_eq!(RateBook::from_toml(BOOK).unwrap().gst_rate_bp(), 1800);
        let twelve = RateBook::from_toml(&format!("gst_rate_pct = \"12\"\n{BOOK}")).unwrap();
        assert_eq!(twelve.gst_rate_bp(), 1200);
        let half = format!("gst_rate_pct = 12.5\n{BOOK}");
        assert_eq!(RateBook::from_toml(&half).unwrap().gst_rate_bp(), 1250);
        for bad in ["12.01", "12.25", "41", "-5", "12.345"] {
            let e = RateBook::from_toml(&format!("gst_rate_pct = \"{bad}\"\n{BOOK}")).unwrap_err();
            assert!(e.contains("gst_rate_pct"), "{bad}: {e}");
        }
    }
}
