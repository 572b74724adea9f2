//! The metric registry: every column a table, a download, the JSON API or a screen
//! shows, with its name (as in `metrics.md`), its label on screen and its unit. A
//! screen's column headers, a download's columns and the JSON fields all come from
//! the same name, so they cannot drift apart.

/// What a value measures, which decides how it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Packages, routes, days: whole numbers.
    Count,
    /// A percentage, 0–100.
    Percent,
    /// Per million (DPMO).
    PerMillion,
    /// Money, exact to the paisa.
    Money,
    /// A 0–100 score.
    Score,
    /// Routes per day, distances, packages per route: may be fractional.
    Routes,
    /// A route goal (routes a day): exact in exports, shown as the whole routes it
    /// asks for (routes are whole, so `routes >= 12.5` is `routes >= 13`).
    Goal,
    /// A change from the week before, in points: shown with its sign.
    Change,
    /// A date, a week, a code, words.
    Text,
    /// Yes or no.
    Flag,
}

/// One entry of the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metric {
    pub name: &'static str,
    pub label: &'static str,
    pub unit: Unit,
}

const fn m(name: &'static str, label: &'static str, unit: Unit) -> Metric {
    Metric { name, label, unit }
}

/// Every named column, in no particular order.
pub const METRICS: &[Metric] = &[
    m("dispatched", "Dispatched", Unit::Count),
    m("delivered", "Delivered", Unit::Count),
    m("on_time", "On time", Unit::Count),
    m("attempted", "Attempted", Unit::Count),
    m("rejected", "Rejected", Unit::Count),
    m("rts", "RTS", Unit::Count),
    m("lost", "Lost", Unit::Count),
    m("dot_pct", "DOT %", Unit::Percent),
    m("dcr_pct", "DCR %", Unit::Percent),
    m("nl_value", "NL value", Unit::Money),
    m("nl_dpmo", "NL DPMO", Unit::PerMillion),
    m("cod_due", "COD due", Unit::Money),
    m("vas_dispatched", "VAS dispatched", Unit::Count),
    m("vas_delivered", "VAS delivered", Unit::Count),
    m("routes", "Routes", Unit::Count),
    m("packages_per_route", "Packages per route", Unit::Routes),
    m("packages_routed", "Packages routed", Unit::Count),
    m("cod_shortfall_pct", "COD short %", Unit::Percent),
    m("cod_shortfall", "COD shortfall", Unit::Money),
    m("goal_p50_met_pct", "P50 met %", Unit::Percent),
    m("goal_p90_met_pct", "P90 met %", Unit::Percent),
    m("compliance_pct", "Compliance %", Unit::Percent),
    m("score", "Score", Unit::Score),
    m("latest_score", "Latest score", Unit::Score),
    m("tier", "Tier", Unit::Text),
    m("rank", "Rank", Unit::Count),
    m("ranked", "Ranked", Unit::Count),
    m("bottom", "Bottom", Unit::Flag),
    m("config_version", "Config version", Unit::Count),
    m("goal_p50", "P50 goal, routes a day", Unit::Goal),
    m("goal_p90", "P90 goal, routes a day", Unit::Goal),
    m("goal_source", "Goal source", Unit::Text),
    m("route_days", "Route days", Unit::Count),
    m("shortfall_days", "Shortfall days", Unit::Count),
    m("suggested_p50", "Suggested P50, routes a day", Unit::Goal),
    m("suggested_p90", "Suggested P90, routes a day", Unit::Goal),
    m("suggestion_days", "Suggestion days", Unit::Count),
    m("payout", "Payout", Unit::Money),
    m("cost", "Cost", Unit::Money),
    m("profit", "Profit", Unit::Money),
    m("margin_pct", "Margin %", Unit::Percent),
    m("share_of_routes_pct", "Share of routes %", Unit::Percent),
    m("unpriced_routes", "Unpriced routes", Unit::Count),
    m("uncosted_routes", "Uncosted routes", Unit::Count),
    m("block_hours", "Block", Unit::Count),
    m("mot", "MOT", Unit::Text),
    m("distance_km", "Distance km", Unit::Routes),
    m("remitted", "Remitted", Unit::Money),
    m("shortfall", "Shortfall", Unit::Money),
    m("owed", "Owed now", Unit::Money),
    m("overdue_since", "Overdue since", Unit::Text),
    m("overdue_days", "Overdue days", Unit::Count),
    m("overdue", "Overdue", Unit::Flag),
    m("days_below", "Days below", Unit::Count),
    m("days_seen", "Days seen", Unit::Count),
    m("target", "Target", Unit::Percent),
    m("worst_day", "Worst day", Unit::Text),
    m("worst_dot_pct", "Worst DOT %", Unit::Percent),
    m("weeks_in_bottom", "Weeks in bottom", Unit::Count),
    m("of_last", "Of last", Unit::Count),
    m("value", "Value", Unit::Percent),
    m("median", "Usual (median)", Unit::Percent),
    m("z", "Z", Unit::Score),
    m("history_days", "History days", Unit::Count),
    m("day_kind", "Good or bad", Unit::Text),
    m("partner_name", "Name", Unit::Text),
    m("routes_per_day", "Routes a day (average)", Unit::Routes),
    m("station_name", "Station name", Unit::Text),
    m("coach", "Coach", Unit::Text),
    m("score_change", "Score vs last week", Unit::Change),
    m("dot_change", "DOT vs last week, pts", Unit::Change),
    m("tier_before", "Tier last week", Unit::Text),
    m("change", "Change", Unit::Change),
];

/// The registry entry of a column.
pub fn metric(name: &str) -> Option<&'static Metric> {
    METRICS.iter().find(|m| m.name == name)
}

/// A column's label on screen: the registry's, else the name in words
/// (`first_seen` → "First seen").
pub fn label(name: &str) -> String {
    if let Some(m) = metric(name) {
        return m.label.to_owned();
    }
    let words = name.replace('_', " ");
    let mut c = words.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// A whole number grouped as the network groups digits: 1,234,567 (or 12,34,567).
pub fn show_int(n: i64) -> String {
    crate::display::count(n)
}

/// Money in the network's currency: ₹6,48,83,642.90.
pub fn show_money(d: rust_decimal::Decimal) -> String {
    crate::display::money(d)
}

/// A percentage to one decimal with its sign, or a dash when there is none.
pub fn show_pct(v: Option<f64>) -> String {
    crate::display::pct(v)
}

/// The columns of a table of daily counts, in the order the downloads write them.
pub const COUNT_COLUMNS: [&str; 12] = [
    "dispatched",
    "delivered",
    "on_time",
    "dot_pct",
    "dcr_pct",
    "lost",
    "nl_dpmo",
    "nl_value",
    "cod_due",
    "routes",
    "packages_per_route",
    "packages_routed",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_registered_once_and_labels_read_as_words() {
        for (i, a) in METRICS.iter().enumerate() {
            assert!(
                METRICS[i + 1..].iter().all(|b| b.name != a.name),
                "{} twice",
                a.name
            );
        }
        for c in COUNT_COLUMNS {
            assert!(metric(c).is_some(), "{c} is not registered");
        }
        for c in crate::health::COMPONENTS {
            assert!(metric(c).is_some(), "{c} is not registered");
        }
        assert_eq!(label("dot_pct"), "DOT %");
        assert_eq!(label("first_seen"), "First seen");
    }

    #[test]
    fn numbers_show_with_separators() {
        assert_eq!(show_int(1234567), "12,34,567");
        assert_eq!(show_int(-1000), "−1,000");
        assert_eq!(show_money("64883642.9".parse().unwrap()), "₹6,48,83,642.90");
        assert_eq!(show_money("-0.05".parse().unwrap()), "−₹0.05");
        assert_eq!(show_pct(None), "–");
        assert_eq!(show_pct(Some(12.345)), "12.3%");
    }
}
