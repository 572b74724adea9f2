use super::*;

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

#[test]
fn stages_move_forward_one_at_a_time_and_live_only_from_the_data() {
    assert_eq!(move_problem(Stage::Applied, Stage::Documents), None);
    assert_eq!(move_problem(Stage::Agreement, Stage::BankGuarantee), None);
    let skip = move_problem(Stage::Applied, Stage::Agreement).unwrap();
    assert!(skip.contains("documents next"), "{skip}");
    assert!(
        move_problem(Stage::Documents, Stage::Applied).is_some(),
        "never back"
    );
    let live = move_problem(Stage::Launch, Stage::Live).unwrap();
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
