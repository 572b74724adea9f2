use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn types() -> Vec<DocType> {
    [
        ("trade_licence", true),
        ("pan", true),
        ("insurance", true),
        ("vehicle_papers", false),
    ]
    .into_iter()
    .map(|(c, m)| DocType {
        code: c.into(),
        label: c.into(),
        mandatory: m,
    })
    .collect()
}

fn doc(t: &str, state: DocState, from: NaiveDate, to: Option<NaiveDate>) -> DocDates<'_> {
    DocDates {
        doc_type: t,
        state,
        issued_on: from,
        expires_on: to,
    }
}

#[test]
fn compliance_is_the_share_of_mandatory_types_valid_on_the_day() {
    let v = DocState::Verified;
    let docs = [
        doc("trade_licence", v, d(2026, 1, 1), Some(d(2026, 12, 31))),
        doc("pan", v, d(2020, 1, 1), None),
        doc(
            "insurance",
            DocState::Uploaded,
            d(2026, 1, 1),
            Some(d(2026, 12, 31)),
        ),
        doc("vehicle_papers", v, d(2026, 1, 1), Some(d(2026, 12, 31))),
    ];
    let s = standing(&types(), &docs, &[], d(2026, 6, 1));
    // 2 of the 3 mandatory types: the insurance is not verified yet, the vehicle papers
    // are not mandatory.
    assert_eq!(s.compliance_pct, Some(100.0 * 2.0 / 3.0));
    assert!(!s.is_lapsed());
    // The last day of the licence counts; the day after, it has lapsed.
    let last = standing(&types(), &docs, &[], d(2026, 12, 31));
    assert_eq!(last.compliance_pct, Some(100.0 * 2.0 / 3.0));
    let after = standing(&types(), &docs, &[], d(2027, 1, 1));
    assert_eq!(after.compliance_pct, Some(100.0 / 3.0));
    assert_eq!(after.lapsed, ["trade_licence"]);
    // Renewed from the day after: valid again, nothing lapsed.
    let renewed = [
        docs.to_vec(),
        vec![doc(
            "trade_licence",
            v,
            d(2027, 1, 1),
            Some(d(2027, 12, 31)),
        )],
    ]
    .concat();
    let s = standing(&types(), &renewed, &[], d(2027, 1, 1));
    assert_eq!(s.compliance_pct, Some(100.0 * 2.0 / 3.0));
    assert!(!s.is_lapsed());
}

#[test]
fn no_documents_on_file_is_no_data_and_a_missing_type_is_not_lapsed() {
    assert_eq!(
        standing(&types(), &[], &[], d(2026, 6, 1)),
        Standing::default()
    );
    let rejected = [doc("pan", DocState::Rejected, d(2020, 1, 1), None)];
    assert_eq!(
        standing(&types(), &rejected, &[], d(2026, 6, 1)).compliance_pct,
        None,
        "a rejected upload is not a document on file"
    );
    let waiting = [doc("pan", DocState::Uploaded, d(2020, 1, 1), None)];
    assert_eq!(
        standing(&types(), &waiting, &[], d(2026, 6, 1)).compliance_pct,
        None,
        "an upload waiting to be checked starts nothing"
    );
    let one = [doc("pan", DocState::Verified, d(2026, 3, 1), None)];
    let s = standing(&types(), &one, &[], d(2026, 6, 1));
    assert_eq!(s.compliance_pct, Some(100.0 / 3.0), "tracked: 1 of 3");
    assert!(!s.is_lapsed(), "never held is not lapsed");
    assert_eq!(
        standing(&types(), &one, &[], d(2026, 2, 28)).compliance_pct,
        None,
        "before its first verified document's issue, a partner is not tracked"
    );
    let none_mandatory = vec![DocType {
        code: "x".into(),
        label: "x".into(),
        mandatory: false,
    }];
    assert_eq!(
        standing(&none_mandatory, &one, &[], d(2026, 6, 1)).compliance_pct,
        None
    );
}

#[test]
fn a_bank_guarantee_lapses_after_its_end_unless_another_is_valid() {
    let g = |from, to| GuaranteeDates {
        verified: true,
        valid_from: from,
        valid_to: to,
    };
    let old = g(d(2025, 1, 1), d(2025, 12, 31));
    assert!(!standing(&types(), &[], &[old], d(2025, 12, 31)).is_lapsed());
    assert_eq!(
        standing(&types(), &[], &[old], d(2026, 1, 1)).lapsed,
        ["bank_guarantee"]
    );
    let new = g(d(2026, 1, 1), d(2026, 12, 31));
    assert!(!standing(&types(), &[], &[old, new], d(2026, 1, 1)).is_lapsed());
    let unverified = GuaranteeDates {
        verified: false,
        ..old
    };
    assert!(!standing(&types(), &[], &[unverified], d(2026, 1, 1)).is_lapsed());
}

#[test]
fn renewal_reminders_go_at_60_30_and_7_days_once_each() {
    let exp = d(2026, 12, 31);
    assert_eq!(
        reminder_due(exp, d(2026, 10, 31), &[]),
        None,
        "61 days before"
    );
    assert_eq!(reminder_due(exp, d(2026, 11, 1), &[]), Some(60), "60 days");
    assert_eq!(reminder_due(exp, d(2026, 11, 2), &[60]), None, "once");
    assert_eq!(reminder_due(exp, d(2026, 12, 1), &[60]), Some(30));
    assert_eq!(reminder_due(exp, d(2026, 12, 24), &[60, 30]), Some(7));
    assert_eq!(reminder_due(exp, d(2026, 12, 31), &[60, 30, 7]), None);
    // The scheduler was down for the 60- and 30-day reminders: one late reminder, the
    // 7-day one still to come.
    assert_eq!(reminder_due(exp, d(2026, 12, 10), &[]), Some(30));
    assert_eq!(reminder_due(exp, d(2026, 12, 12), &[30]), None);
    assert_eq!(reminder_due(exp, d(2027, 1, 1), &[]), None, "expired");
}

#[test]
fn gstins_and_pans_are_checked_with_the_reason() {
    for good in [
        "27AAPFU0939F1ZV",
        "29AAGCB7383J1Z4",
        "33AAACH7409R1Z8",
        "27AAACR5055K1Z7",
    ] {
        assert_eq!(gstin_problem(good), None, "{good}");
    }
    let wrong_check = gstin_problem("27AAPFU0939F1ZW").unwrap();
    assert!(wrong_check.contains("check character is W") && wrong_check.contains("gives V"));
    assert!(
        gstin_problem("40AAPFU0939F1ZV")
            .unwrap()
            .contains("state code 40")
    );
    assert!(gstin_problem("27AAPFU0939F1ZV1").unwrap().contains("15"));
    assert!(gstin_problem("27AAPF10939F1ZV").unwrap().contains("PAN"));
    assert!(gstin_problem("27AAPFU0939F1YV").unwrap().contains("Z"));
    assert_eq!(gstin_check_char("27AAPFU0939F1Z"), 'V');
    assert_eq!(pan_problem("AAPFU0939F"), None);
    assert!(pan_problem("AAPFU0939").is_some());
    assert!(pan_problem("AAPF10939F").is_some());
}

#[test]
fn the_quarterly_checklist_says_what_is_in_order_and_what_is_not() {
    assert_eq!(quarter(d(2026, 12, 31)), "2026Q4");
    assert_eq!(quarter(d(2027, 1, 1)), "2027Q1");
    let v = DocState::Verified;
    let docs = [
        doc("trade_licence", v, d(2025, 1, 1), Some(d(2025, 12, 31))),
        doc("pan", v, d(2020, 1, 1), None),
    ];
    let lines = checklist(&types(), &docs, &[], &["gstin"], d(2026, 1, 5));
    let got: Vec<(&str, bool, &str)> = lines
        .iter()
        .map(|l| (l.item.as_str(), l.ok, l.detail.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("trade_licence", false, "lapsed: renew it"),
            ("pan", true, "valid, no expiry"),
            ("insurance", false, "none verified on file"),
            ("Bank guarantee", false, "none valid"),
            ("The partner's file", false, "missing: gstin"),
        ]
    );
}
