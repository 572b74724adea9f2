//! The daily metrics of `metrics.md` as additive counts, and the ratios computed from them.
//!
//! Roll-ups add `Counts` and recompute ratios from the sums: never an average of
//! percentages. A ratio whose denominator is 0 is `None` (shown empty), never 0.

use crate::money::minor_to_decimal;
use crate::status::Status;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::iter::Sum;
use std::ops::{Add, AddAssign, SubAssign};

/// Additive counts of one partner × station × date, or of any roll-up of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub dispatched: i64,
    pub delivered: i64,
    pub on_time: i64,
    pub attempted: i64,
    pub rejected: i64,
    pub rts: i64,
    /// `lost` plus `damaged` rows.
    pub lost: i64,
    /// Sum of `declared_value` over lost rows, in minor units.
    pub nl_value_minor: i64,
    /// Sum of `cod_amount` over delivered rows, in minor units.
    pub cod_due_minor: i64,
    pub vas_dispatched: i64,
    pub vas_delivered: i64,
    pub routes: i64,
    /// Rows with a non-empty `route_id`: the numerator of `packages_per_route`.
    pub packages_routed: i64,
}

/// One deliveries row reduced to what the metrics read; the reference the columnar
/// engine is tested against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    /// `delivered_at <= promised_by`; meaningful only when delivered.
    pub delivered_in_time: bool,
    pub declared_value_minor: i64,
    pub cod_amount_minor: i64,
    pub has_vas: bool,
    pub has_route: bool,
}

fn ratio(num: i64, den: i64, scale: f64) -> Option<f64> {
    (den != 0).then(|| scale * num as f64 / den as f64)
}

impl Counts {
    /// Adds one row's contribution (routes are counted by the caller: they are distinct
    /// route ids or routes-file rows, not a per-row property).
    pub fn add_outcome(&mut self, o: &Outcome) {
        self.dispatched += 1;
        match o.status {
            Status::Delivered => {
                self.delivered += 1;
                self.cod_due_minor += o.cod_amount_minor;
                if o.delivered_in_time {
                    self.on_time += 1;
                }
                if o.has_vas {
                    self.vas_delivered += 1;
                }
            }
            Status::Attempted => self.attempted += 1,
            Status::Rejected => self.rejected += 1,
            Status::Rts => self.rts += 1,
            Status::Lost | Status::Damaged => {
                self.lost += 1;
                self.nl_value_minor += o.declared_value_minor;
            }
        }
        if o.has_vas {
            self.vas_dispatched += 1;
        }
        if o.has_route {
            self.packages_routed += 1;
        }
    }

    pub fn dot_pct(&self) -> Option<f64> {
        ratio(self.on_time, self.dispatched, 100.0)
    }

    pub fn dcr_pct(&self) -> Option<f64> {
        ratio(self.delivered, self.dispatched, 100.0)
    }

    pub fn nl_dpmo(&self) -> Option<f64> {
        ratio(self.lost, self.dispatched, 1e6)
    }

    pub fn packages_per_route(&self) -> Option<f64> {
        ratio(self.packages_routed, self.routes, 1.0)
    }

    pub fn nl_value(&self) -> Decimal {
        minor_to_decimal(self.nl_value_minor)
    }

    pub fn cod_due(&self) -> Decimal {
        minor_to_decimal(self.cod_due_minor)
    }
}

impl Counts {
    /// Applies `f` to each count and the matching count of `o`.
    fn each(&mut self, o: &Counts, f: impl Fn(&mut i64, i64)) {
        f(&mut self.dispatched, o.dispatched);
        f(&mut self.delivered, o.delivered);
        f(&mut self.on_time, o.on_time);
        f(&mut self.attempted, o.attempted);
        f(&mut self.rejected, o.rejected);
        f(&mut self.rts, o.rts);
        f(&mut self.lost, o.lost);
        f(&mut self.nl_value_minor, o.nl_value_minor);
        f(&mut self.cod_due_minor, o.cod_due_minor);
        f(&mut self.vas_dispatched, o.vas_dispatched);
        f(&mut self.vas_delivered, o.vas_delivered);
        f(&mut self.routes, o.routes);
        f(&mut self.packages_routed, o.packages_routed);
    }
}

/// Roll-ups saturate instead of wrapping: a day's sums are checked when it is loaded
/// (each amount is at most `money::MAX_MINOR`), so a roll-up reaches `i64::MAX` only
/// from absurd amounts, and then it stays the largest number, never a negative one.
impl AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.each(&o, |a, b| *a = a.saturating_add(b));
    }
}

/// Takes a part back out of a sum (the score without one day or station).
impl SubAssign for Counts {
    fn sub_assign(&mut self, o: Counts) {
        self.each(&o, |a, b| *a = a.saturating_sub(b));
    }
}

impl Add for Counts {
    type Output = Counts;
    fn add(mut self, o: Counts) -> Counts {
        self += o;
        self
    }
}

impl Sum for Counts {
    fn sum<I: Iterator<Item = Counts>>(iter: I) -> Counts {
        iter.fold(Counts::default(), Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn outcome(status: Status, in_time: bool) -> Outcome {
        Outcome {
            status,
            delivered_in_time: in_time,
            declared_value_minor: 1000,
            cod_amount_minor: 250,
            has_vas: false,
            has_route: true,
        }
    }

    #[test]
    fn empty_denominators_are_none_not_zero() {
        let c = Counts::default();
        assert_eq!(c.dot_pct(), None);
        assert_eq!(c.dcr_pct(), None);
        assert_eq!(c.nl_dpmo(), None);
        assert_eq!(c.packages_per_route(), None);
        let with_packages_no_routes = Counts {
            dispatched: 3,
            packages_routed: 3,
            ..Counts::default()
        };
        assert_eq!(with_packages_no_routes.packages_per_route(), None);
        assert_eq!(with_packages_no_routes.dot_pct(), Some(0.0));
    }

    #[test]
    fn undelivered_packages_are_dot_misses() {
        let mut c = Counts::default();
        c.add_outcome(&outcome(Status::Delivered, true));
        c.add_outcome(&outcome(Status::Delivered, false));
        c.add_outcome(&outcome(Status::Attempted, false));
        c.add_outcome(&outcome(Status::Damaged, false));
        assert_eq!(c.dot_pct(), Some(25.0));
        assert_eq!(c.dcr_pct(), Some(50.0));
        assert_eq!(c.nl_dpmo(), Some(250_000.0));
        assert_eq!(c.nl_value().to_string(), "10.00");
        assert_eq!(c.cod_due().to_string(), "5.00");
        assert_eq!((c.attempted, c.lost), (1, 1));
    }

    #[test]
    fn rollup_is_not_an_average_of_percentages() {
        let big = Counts {
            dispatched: 1000,
            on_time: 990,
            ..Counts::default()
        };
        let small = Counts {
            dispatched: 10,
            on_time: 0,
            ..Counts::default()
        };
        let total = big + small;
        let pct = total.dot_pct().unwrap();
        assert!((pct - 100.0 * 990.0 / 1010.0).abs() < 1e-12);
        assert!((pct - 49.5).abs() > 1.0);
    }

    fn any_counts() -> impl Strategy<Value = Counts> {
        proptest::collection::vec(0i64..1_000_000, 13).prop_map(|v| Counts {
            dispatched: v[0],
            delivered: v[1],
            on_time: v[2],
            attempted: v[3],
            rejected: v[4],
            rts: v[5],
            lost: v[6],
            nl_value_minor: v[7],
            cod_due_minor: v[8],
            vas_dispatched: v[9],
            vas_delivered: v[10],
            routes: v[11],
            packages_routed: v[12],
        })
    }

    proptest! {
        #[test]
        fn rollup_is_associative_and_order_free(parts in proptest::collection::vec(any_counts(), 0..20)) {
            let forward: Counts = parts.iter().copied().sum();
            let backward: Counts = parts.iter().rev().copied().sum();
            prop_assert_eq!(forward, backward);
            let (a, b) = parts.split_at(parts.len() / 2);
            let halves = a.iter().copied().sum::<Counts>() + b.iter().copied().sum::<Counts>();
            prop_assert_eq!(forward, halves);
        }
    }
}
