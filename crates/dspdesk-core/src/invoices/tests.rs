use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A valid GSTIN of Maharashtra (27) and one of Karnataka (29), on the same PAN.
const MH: &str = "27AAPFU0939F1ZV";

fn ka() -> String {
    let head = "29AAPFU0939F1Z";
    format!("{head}{}", crate::compliance::gstin_check_char(head))
}

fn invoice(place: &str, taxable: i64, cgst: i64, sgst: i64, igst: i64) -> Invoice {
    Invoice {
        partner: "SWFT".into(),
        number: "SW/26-27/001".into(),
        invoice_date: d(2026, 11, 5),
        period_from: d(2026, 10, 1),
        period_to: d(2026, 10, 31),
        stations: vec!["PNQ5".into()],
        supplier_gstin: MH.into(),
        recipient_gstin: ka(),
        place_of_supply: place.into(),
        taxable,
        cgst,
        sgst,
        igst,
        total: taxable + cgst + sgst + igst,
    }
}

#[test]
fn the_financial_year_runs_april_to_march() {
    assert_eq!(financial_year(d(2026, 3, 31)), "2025-26");
    assert_eq!(financial_year(d(2026, 4, 1)), "2026-27");
    assert_eq!(financial_year(d(2027, 1, 15)), "2026-27");
    assert_eq!(financial_year(d(1999, 12, 31)), "1999-00");
}

#[test]
fn intra_state_is_cgst_and_sgst_at_half_the_rate_each() {
    // ₹10,000.00 taxable in Maharashtra, supplied from Maharashtra: 900 + 900.
    let ok = gst_check(&invoice("27", 1_000_000, 90_000, 90_000, 0), GST_RATE_BP).unwrap();
    assert!(ok.intra_state && !ok.failed(), "{ok:?}");
    assert_eq!(
        (ok.expected_cgst, ok.expected_sgst, ok.expected_igst),
        (90_000, 90_000, 0)
    );
    // IGST charged instead: the wrong kind, the amount right (difference 0.00).
    let kind = gst_check(&invoice("27", 1_000_000, 0, 0, 180_000), GST_RATE_BP).unwrap();
    assert!(kind.wrong_kind && kind.failed(), "{kind:?}");
    assert_eq!(kind.difference, 0);
    assert!(kind.reason().unwrap().contains("wrong kind"));
    // ₹10,000.50: 9% rounds to 900.05 twice (1,800.10) against 18% as 1,800.09: still
    // only the kind is wrong, so 0.00.
    let odd = gst_check(&invoice("27", 1_000_050, 0, 0, 180_009), GST_RATE_BP).unwrap();
    assert!(odd.wrong_kind, "{odd:?}");
    assert_eq!(odd.difference, 0);
}

#[test]
fn inter_state_is_igst_at_the_full_rate() {
    let ok = gst_check(&invoice("29", 1_000_000, 0, 0, 180_000), GST_RATE_BP).unwrap();
    assert!(!ok.intra_state && !ok.failed(), "{ok:?}");
    let kind = gst_check(&invoice("29", 1_000_000, 90_000, 90_000, 0), GST_RATE_BP).unwrap();
    assert!(kind.wrong_kind, "{kind:?}");
    // 20% charged as IGST: ₹200 over.
    let over = gst_check(&invoice("29", 1_000_000, 0, 0, 200_000), GST_RATE_BP).unwrap();
    assert!(over.wrong_amount && !over.wrong_kind);
    assert_eq!(over.difference, 20_000);
}

#[test]
fn a_tax_amount_within_one_rupee_passes_and_past_it_fails() {
    for (igst, fails) in [
        (180_100, false),
        (179_900, false),
        (180_101, true),
        (179_899, true),
    ] {
        let c = gst_check(&invoice("29", 1_000_000, 0, 0, igst), GST_RATE_BP).unwrap();
        assert_eq!(c.failed(), fails, "IGST {igst}: {c:?}");
        assert_eq!(c.difference, igst - 180_000);
    }
    // The expected tax is rounded to the paisa, half away from zero: 9% of ₹0.50 is
    // 4.5 paise, so 5.
    assert_eq!(share(50, 900), Some(5));
    assert_eq!(share(49, 900), Some(4));
}

#[test]
fn the_payout_tolerance_is_the_larger_of_one_rupee_and_half_a_percent() {
    // Expected ₹100.00: the tolerance is ₹1.00 (0.5% is 50 paise).
    assert_eq!(payout_mismatch(10_000, 10_100), None);
    assert_eq!(payout_mismatch(10_000, 10_101), Some(101));
    assert_eq!(payout_mismatch(10_000, 9_899), Some(-101));
    // Expected ₹1,00,000.00: 0.5% is ₹500.00.
    assert_eq!(payout_mismatch(10_000_000, 10_050_000), None);
    assert_eq!(payout_mismatch(10_000_000, 10_050_001), Some(50_001));
    assert_eq!(payout_mismatch(10_000_000, 9_949_999), Some(-50_001));
    // Nothing expected (no routes): anything over ₹1.00 is a mismatch.
    assert_eq!(payout_mismatch(0, 100), None);
    assert_eq!(payout_mismatch(0, 101), Some(101));
}

#[test]
fn an_invoice_is_refused_with_each_field_that_is_wrong() {
    let mut bad = invoice("27", 1_000_000, 90_000, 90_000, 0);
    bad.supplier_gstin = "27AAPFU0939F1ZW".into();
    bad.place_of_supply = "40".into();
    bad.cgst = -1;
    let p = problems(&bad);
    let fields: Vec<&str> = p.iter().map(|(f, _)| *f).collect();
    assert_eq!(
        fields,
        ["supplier_gstin", "place_of_supply", "cgst"],
        "{p:?}"
    );
    assert!(p[0].1.contains("check character"), "{p:?}");
    let mut total = invoice("27", 1_000_000, 90_000, 90_000, 0);
    total.total += 101;
    assert_eq!(problems(&total)[0].0, "total");
    total.total -= 1;
    assert!(problems(&total).is_empty(), "within ₹1.00");
    assert!(problems(&invoice("27", 0, 0, 0, 0)).is_empty());
    assert!(state_code_ok("97") && state_code_ok("01") && !state_code_ok("00"));
    assert!(!state_code_ok("7") && !state_code_ok("39"));
}

#[test]
fn a_dispute_settles_by_credit_or_debit_note() {
    // Over-invoiced by ₹500, ₹200 of it accepted: ₹300 back by a credit note.
    assert_eq!(settlement_problem(50_000, 20_000, "CN-7"), None);
    assert_eq!(settling_note(50_000, 20_000), Some((Note::Credit, 30_000)));
    assert_eq!(settling_note(50_000, 50_000), None);
    assert!(settlement_problem(50_000, 60_000, "CN-7").is_some());
    assert!(settlement_problem(50_000, -1, "CN-7").is_some());
    assert!(settlement_problem(50_000, 0, " ").is_some());
    // Under-invoiced by ₹500, all accepted: the network pays it by a debit note.
    assert_eq!(settlement_problem(-50_000, -50_000, "DN-2"), None);
    assert_eq!(settling_note(-50_000, -50_000), Some((Note::Debit, 50_000)));
    assert_eq!(settling_note(-50_000, 0), None);
}
