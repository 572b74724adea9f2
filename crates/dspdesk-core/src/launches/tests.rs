use super::*;

fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, day).unwrap()
}

fn item(gate: i64, mandatory: bool, done: bool) -> Item {
    Item {
        gate,
        mandatory,
        done,
    }
}

#[test]
fn colours_turn_at_7_and_2_days_with_a_mandatory_item_open() {
    let open = [
        item(1, true, true),
        item(2, true, false),
        item(2, false, false),
    ];
    let target = d(20);
    assert_eq!(colour(&open, target, d(12)), Colour::Open, "8 days");
    assert_eq!(colour(&open, target, d(13)), Colour::Amber, "7 days");
    assert_eq!(colour(&open, target, d(17)), Colour::Amber, "3 days");
    assert_eq!(colour(&open, target, d(18)), Colour::Red, "2 days");
    assert_eq!(colour(&open, target, d(25)), Colour::Red, "past");
    // Only an optional item open: green, whatever the date.
    let done = [
        item(1, true, true),
        item(2, true, true),
        item(2, false, false),
    ];
    assert_eq!(colour(&done, target, d(25)), Colour::Green);
}

#[test]
fn gates_open_in_order() {
    let items = [
        item(1, true, false),
        item(1, false, false),
        item(2, true, false),
    ];
    assert_eq!(open_gate(&items), Some(1));
    assert_eq!(gate_problem(&items, 1), None, "its own gate is open");
    assert!(gate_problem(&items, 2).unwrap().contains("gate 1"));
    // The first gate's mandatory item done: gate 2 opens though an optional one is open.
    let next = [
        item(1, true, true),
        item(1, false, false),
        item(2, true, false),
    ];
    assert_eq!(gate_problem(&next, 2), None);
    assert_eq!(open_gate(&[item(1, true, true)]), None);
}
