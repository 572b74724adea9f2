use super::*;

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

#[test]
fn stages_move_forward_one_at_a_time_and_live_only_from_the_data() {
    assert_eq!(move_problem(Stage::Applied, Stage::Documents, &[]), None);
    assert_eq!(
        move_problem(Stage::Agreement, Stage::BankGuarantee, &[]),
        None
    );
    let skip = move_problem(Stage::Applied, Stage::Agreement, &[]).unwrap();
    assert!(skip.contains("documents next"), "{skip}");
    assert!(
        move_problem(Stage::Documents, Stage::Applied, &[]).is_some(),
        "never back"
    );
    let live = move_problem(Stage::Launch, Stage::Live, &[]).unwrap();
    assert!(live.contains("first route"), "{live}");
    assert_eq!(Stage::Launch.next(), Some(Stage::Live));
    assert_eq!(Stage::Live.next(), None);
    assert_eq!(
        Stage::ALL
            .iter()
            .map(|s| Stage::parse(s.as_str()))
            .collect::<Vec<_>>(),
        Stage::ALL.map(Some)
    );
}

#[test]
fn the_first_route_makes_a_partner_live_whatever_stage_it_was_at() {
    let reached = [(Stage::Applied, d(1, 5)), (Stage::Documents, d(1, 20))];
    assert_eq!(current(&reached, None), Some((Stage::Documents, d(1, 20))));
    assert_eq!(
        current(&reached, Some(d(2, 3))),
        Some((Stage::Live, d(2, 3)))
    );
    assert_eq!(current(&[], None), None);
    assert_eq!(days_in_stage(d(1, 20), d(1, 20)), 0);
    assert_eq!(days_in_stage(d(1, 20), d(2, 3)), 14);
}

fn item(gate: i64, mandatory: bool, done: bool) -> Item {
    Item {
        gate,
        mandatory,
        done,
    }
}

#[test]
fn a_stage_is_a_gate_and_its_mandatory_items_hold_the_partner_there() {
    assert_eq!(Stage::Applied.gate(), 1);
    assert_eq!(Stage::Launch.gate(), 6);
    assert_eq!(Stage::of_gate(5), Some(Stage::BankGuarantee));
    assert_eq!(Stage::of_gate(0), None);
    assert_eq!(Stage::of_gate(8), None);
    // At documents (gate 2): its own open mandatory item holds it ...
    let items = [
        item(1, true, true),
        item(2, true, false),
        item(2, false, false),
        item(3, true, false),
    ];
    let held = move_problem(Stage::Documents, Stage::Verification, &items).unwrap();
    assert!(
        held.contains("1 mandatory checklist item of Documents"),
        "{held}"
    );
    // ... an optional one and a later gate's do not.
    let done = [
        item(1, true, true),
        item(2, true, true),
        item(2, false, false),
        item(3, true, false),
    ];
    assert_eq!(
        move_problem(Stage::Documents, Stage::Verification, &done),
        None
    );
    // An earlier gate's item left open (a template item added later) holds it too.
    let earlier = [item(1, true, false), item(2, true, true)];
    assert!(move_problem(Stage::Documents, Stage::Verification, &earlier).is_some());
    // The step rule comes first: the wrong stage is named, not the checklist.
    let skip = move_problem(Stage::Documents, Stage::Agreement, &items).unwrap();
    assert!(skip.contains("verification next"), "{skip}");
}
