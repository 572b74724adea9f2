use super::*;

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn completion_is_null_without_packages() {
    let mut c = VasCounts::default();
    assert_eq!(c.completion_pct(), None);
    c.add(VasCounts {
        dispatched: 8,
        delivered: 6,
    });
    c.add(VasCounts {
        dispatched: 2,
        delivered: 2,
    });
    assert_eq!(c.completion_pct(), Some(80.0));
}

#[test]
fn enrolment_counts_only_kinds_offered() {
    let e = enrolment(
        &set(&["open_box", "try_and_buy"]),
        &set(&["open_box", "cod_card", "install"]),
    );
    assert_eq!((e.enrolled, e.offered), (1, 3));
    assert!((e.pct.unwrap() - 100.0 / 3.0).abs() < 1e-9);
    let none = enrolment(&set(&["open_box"]), &set(&[]));
    assert_eq!(none.pct, None);
    assert_eq!(enrolment(&set(&[]), &set(&["x"])).pct, Some(0.0));
}

#[test]
fn ranking_puts_empty_last() {
    assert!(rank_key(Some(0.0), None) > rank_key(None, Some(100.0)));
    assert!(rank_key(Some(50.0), Some(90.0)) > rank_key(Some(50.0), Some(80.0)));
}

#[test]
fn kind_names() {
    assert_eq!(kind_problem("open_box"), None);
    assert!(kind_problem("Open Box").is_some());
    assert!(kind_problem("").is_some());
}
