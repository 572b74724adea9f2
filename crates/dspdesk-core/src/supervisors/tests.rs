use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn sup(routes: i64, dispatched: i64, on_time: i64) -> Counts {
    Counts {
        routes,
        dispatched,
        on_time,
        ..Counts::default()
    }
}

#[test]
fn tenure_counts_the_first_day() {
    assert_eq!(tenure_days(d("2026-11-30"), d("2026-11-30")), 1);
    assert_eq!(tenure_days(d("2026-09-02"), d("2026-11-30")), 90);
    assert_eq!(tenure_days(d("2026-09-03"), d("2026-11-30")), 89);
    assert_eq!(window_start(d("2026-11-30")), d("2026-11-03"));
}

#[test]
fn top_fifth_by_dot_with_ties_in() {
    // Ten eligible: the top 20% is two; the second and third tie, so both are in.
    let mut w: Vec<Counts> = (0..10).map(|i| sup(20, 100, 50 + i)).collect();
    w[8] = sup(20, 100, 58);
    w[7] = sup(25, 200, 116); // 58% too: a tie across different denominators
    let top = in_top_dot(&w);
    let ins: Vec<usize> = (0..10).filter(|&i| top[i]).collect();
    assert_eq!(ins, vec![7, 8, 9]);
}

#[test]
fn the_cut_counts_only_supervisors_with_twenty_routes() {
    // A star with 19 routes is not compared: among the five eligible one is top.
    let mut w: Vec<Counts> = (0..5).map(|i| sup(20, 100, 60 + i)).collect();
    w.push(sup(19, 100, 100));
    let top = in_top_dot(&w);
    assert_eq!(top, vec![false, false, false, false, true, false]);
    // Four eligible: 20% of four is 0.8, so only those with nobody higher are in.
    let top = in_top_dot(&w[1..]);
    assert_eq!(top, vec![false, false, false, true, false]);
}

#[test]
fn no_packages_is_no_dot_and_never_top() {
    let w = vec![sup(20, 0, 0), sup(20, 0, 0)];
    assert_eq!(in_top_dot(&w), vec![false, false]);
    assert_eq!(sup(20, 0, 0).dot_pct(), None);
    assert!(in_top_dot(&[]).is_empty());
    // Four with a DOT and four without: the cut is over the four, so only the best.
    let mut w: Vec<Counts> = (0..4).map(|i| sup(20, 100, 90 + i)).collect();
    w.extend((0..4).map(|_| sup(30, 0, 0)));
    let top = in_top_dot(&w);
    assert_eq!(top.iter().filter(|t| **t).count(), 1);
    assert!(top[3]);
}

#[test]
fn a_top_performer_needs_tenure_and_routes() {
    let c = sup(20, 100, 99);
    assert!(is_top_performer(90, &c, true));
    assert!(!is_top_performer(89, &c, true));
    assert!(!is_top_performer(90, &sup(19, 100, 99), true));
    assert!(!is_top_performer(400, &c, false));
}

#[test]
fn phones_are_checked() {
    assert_eq!(contact_problem("Asha", "+91 98450-12345"), None);
    assert_eq!(contact_problem("", ""), None);
    assert!(
        contact_problem("Asha", "call me")
            .unwrap()
            .contains("characters")
    );
    assert!(
        contact_problem("Asha", "12345")
            .unwrap()
            .contains("5 digits")
    );
    assert!(contact_problem(&"x".repeat(121), "").is_some());
}
