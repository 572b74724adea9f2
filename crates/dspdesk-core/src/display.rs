//! Numbers as people read them: money with the network's currency symbol and digit
//! grouping (₹ and lakh/crore for India), percentages with one decimal, never "-0.0".
//! The network's currency is configuration (the rate book's `[currency]`); a process
//! shows every amount in the one it was last given.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::sync::RwLock;

/// How the digits of a whole number are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    /// 12,34,56,789: thousands, then pairs (lakh, crore).
    #[default]
    Indian,
    /// 123,456,789.
    Thousands,
}

/// The network's currency as shown on screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Currency {
    /// Written before the amount: `₹`, `$`, `€`, `AED `.
    pub symbol: String,
    #[serde(default)]
    pub grouping: Grouping,
}

impl Default for Currency {
    fn default() -> Self {
        Currency {
            symbol: "₹".into(),
            grouping: Grouping::Indian,
        }
    }
}

impl Currency {
    /// Checks a configured currency: a short symbol, no digits or signs in it.
    pub fn check(&self) -> Result<(), String> {
        let s = self.symbol.trim();
        if s.is_empty() || s.chars().count() > 4 {
            return Err(format!(
                "currency symbol {:?} must be 1 to 4 characters, like ₹, $ or AED",
                self.symbol
            ));
        }
        if s.chars().any(|c| c.is_ascii_digit() || "+-.,".contains(c)) {
            return Err(format!(
                "currency symbol {:?} may not hold digits, signs, points or commas",
                self.symbol
            ));
        }
        Ok(())
    }
}

static CURRENCY: RwLock<Option<Currency>> = RwLock::new(None);

/// Sets the currency every amount is shown in from now on.
pub fn set_currency(c: Currency) {
    if let Ok(mut g) = CURRENCY.write() {
        *g = Some(c);
    }
}

/// The currency amounts are shown in (₹ with lakh/crore until configured).
pub fn currency() -> Currency {
    CURRENCY
        .read()
        .ok()
        .and_then(|g| g.clone())
        .unwrap_or_default()
}

/// The digits of `n` grouped: `group("1234567", Indian)` is `12,34,567`.
pub fn group(digits: &str, g: Grouping) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / 2);
    for (i, c) in digits.chars().enumerate() {
        let left = n - i;
        let sep = i > 0
            && match g {
                Grouping::Thousands => left.is_multiple_of(3),
                Grouping::Indian => left == 3 || (left > 3 && (left - 3).is_multiple_of(2)),
            };
        if sep {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Money in a currency: `₹12,34,567.50`, `−₹1,234.50`; a negative zero is `₹0.00`.
pub fn money_in(d: Decimal, c: &Currency) -> String {
    let r = d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    let negative = r.is_sign_negative() && !r.is_zero();
    let s = format!("{:.2}", r.abs());
    let (whole, frac) = s.split_once('.').unwrap_or((&s, "00"));
    format!(
        "{}{}{}.{frac}",
        if negative { "−" } else { "" },
        c.symbol,
        group(whole, c.grouping)
    )
}

/// Money in the network's currency.
pub fn money(d: Decimal) -> String {
    money_in(d, &currency())
}

/// A large amount in words a person reads at a glance: `₹12.35 lakh`, `₹4.56 crore`
/// (Indian grouping) or `$1.23M` (thousands); small amounts in full without paise.
pub fn money_short_in(d: Decimal, c: &Currency) -> String {
    let negative = d.is_sign_negative() && !d.is_zero();
    let a = d.abs();
    let sign = if negative { "−" } else { "" };
    let scaled = |unit: i64| {
        (a / Decimal::from(unit))
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    };
    let steps: &[(i64, &str)] = match c.grouping {
        Grouping::Indian => &[(10_000_000, " crore"), (100_000, " lakh")],
        Grouping::Thousands => &[(1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K")],
    };
    for &(unit, word) in steps {
        if a >= Decimal::from(unit) {
            return format!("{sign}{}{:.2}{word}", c.symbol, scaled(unit));
        }
    }
    let whole = a.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    format!(
        "{sign}{}{}",
        c.symbol,
        group(&whole.trunc().to_string(), c.grouping)
    )
}

/// [`money_short_in`] in the network's currency.
pub fn money_short(d: Decimal) -> String {
    money_short_in(d, &currency())
}

/// A whole number grouped as the network groups digits.
pub fn count(n: i64) -> String {
    let g = group(&n.unsigned_abs().to_string(), currency().grouping);
    if n < 0 { format!("−{g}") } else { g }
}

/// A percentage with one decimal and its sign: `95.4%`; never `-0.0%`; a dash when
/// there is none.
pub fn pct(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{}%", one_decimal(x)),
        _ => "–".into(),
    }
}

/// A number to one decimal, with `-0.0` shown as `0.0`.
pub fn one_decimal(x: f64) -> String {
    let s = format!("{x:.1}");
    if s == "-0.0" { "0.0".into() } else { s }
}

/// A change from the week before with its sign and no unit: `+1.2`, `−0.4`, `±0.0`.
pub fn change(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => {
            let s = one_decimal(x.abs());
            if s == "0.0" {
                "±0.0".into()
            } else if x > 0.0 {
                format!("+{s}")
            } else {
                format!("−{s}")
            }
        }
        _ => "–".into(),
    }
}

/// A change of a percentage in points with its sign: `+1.2 pts`, `−0.4 pts`, `±0.0 pts`.
pub fn pts(v: Option<f64>) -> String {
    match change(v) {
        dash if dash == "–" => dash,
        c => format!("{c} pts"),
    }
}

/// A route goal as the whole routes it asks for: a day meets a goal of 12.5 with 13
/// routes, so it shows as 13 (the exact goal stays in exports).
pub fn goal_routes(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => count(x.ceil().max(0.0) as i64),
        _ => "–".into(),
    }
}

/// DPMO as a whole number with separators.
pub fn dpmo(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => count(x.round() as i64),
        _ => "–".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn indian_grouping_is_thousands_then_lakh_and_crore() {
        assert_eq!(group("0", Grouping::Indian), "0");
        assert_eq!(group("999", Grouping::Indian), "999");
        assert_eq!(group("1000", Grouping::Indian), "1,000");
        assert_eq!(group("100000", Grouping::Indian), "1,00,000");
        assert_eq!(group("1234567", Grouping::Indian), "12,34,567");
        assert_eq!(group("123456789", Grouping::Indian), "12,34,56,789");
        assert_eq!(group("1234567", Grouping::Thousands), "1,234,567");
        assert_eq!(group("123456", Grouping::Thousands), "123,456");
    }

    #[test]
    fn money_carries_the_symbol_and_no_negative_zero() {
        let inr = Currency::default();
        assert_eq!(money_in(d("1234567.5"), &inr), "₹12,34,567.50");
        assert_eq!(money_in(d("-1234.5"), &inr), "−₹1,234.50");
        assert_eq!(money_in(d("-0.00"), &inr), "₹0.00");
        assert_eq!(money_in(d("-0.001"), &inr), "₹0.00");
        assert_eq!(money_in(d("0.005"), &inr), "₹0.01");
        let usd = Currency {
            symbol: "$".into(),
            grouping: Grouping::Thousands,
        };
        assert_eq!(money_in(d("64883642.9"), &usd), "$64,883,642.90");
    }

    #[test]
    fn large_amounts_read_in_lakh_and_crore() {
        let inr = Currency::default();
        assert_eq!(money_short_in(d("1234567"), &inr), "₹12.35 lakh");
        assert_eq!(money_short_in(d("45600000"), &inr), "₹4.56 crore");
        assert_eq!(money_short_in(d("99999.6"), &inr), "₹1,00,000");
        assert_eq!(money_short_in(d("-250000"), &inr), "−₹2.50 lakh");
        let usd = Currency {
            symbol: "$".into(),
            grouping: Grouping::Thousands,
        };
        assert_eq!(money_short_in(d("1234567"), &usd), "$1.23M");
        assert_eq!(money_short_in(d("999"), &usd), "$999");
    }

    #[test]
    fn percentages_have_one_decimal_and_never_minus_zero() {
        assert_eq!(pct(Some(95.44)), "95.4%");
        assert_eq!(pct(Some(-0.04)), "0.0%");
        assert_eq!(pct(Some(-1.26)), "-1.3%");
        assert_eq!(pct(None), "–");
        assert_eq!(pct(Some(f64::NAN)), "–");
        assert_eq!(pts(Some(-0.04)), "±0.0 pts");
        assert_eq!(pts(Some(1.26)), "+1.3 pts");
        assert_eq!(pts(Some(-2.0)), "−2.0 pts");
        assert_eq!(dpmo(Some(1234.6)), "1,235");
        assert_eq!(change(Some(-0.04)), "±0.0");
        assert_eq!(change(Some(3.26)), "+3.3");
        assert_eq!(change(Some(-12.0)), "−12.0");
        assert_eq!(change(None), "–");
    }

    #[test]
    fn goals_show_as_the_whole_routes_a_day_needs() {
        assert_eq!(goal_routes(Some(12.0)), "12");
        assert_eq!(goal_routes(Some(12.25)), "13");
        assert_eq!(goal_routes(Some(0.5)), "1");
        assert_eq!(goal_routes(None), "–");
    }

    #[test]
    fn a_symbol_is_checked() {
        assert!(Currency::default().check().is_ok());
        let bad = Currency {
            symbol: "1$".into(),
            grouping: Grouping::Thousands,
        };
        assert!(bad.check().unwrap_err().contains("digits"));
        let long = Currency {
            symbol: "RUPEES".into(),
            grouping: Grouping::Indian,
        };
        assert!(long.check().unwrap_err().contains("1 to 4"));
    }
}
