use super::*;

fn good() -> PartnerFile {
    PartnerFile {
        partner: "SWFT".into(),
        legal_name: "Swift Riders Pvt Ltd".into(),
        gstin: "27aapfu0939f1zv".into(),
        pan: "aapfu0939f".into(),
        contact_name: "Asha Rao".into(),
        contact_phone: "+91 98450 12345".into(),
        contact_email: "asha@swift.example".into(),
        bank_account: "5010 0123 4567 89".into(),
        bank_ifsc: "hdfc0001234".into(),
        fleet_2w: 40,
        fleet_3w: 10,
        fleet_4w: 0,
        fleet_ev: 5,
    }
    .normalised()
}

#[test]
fn a_good_file_has_no_problem_and_masks_its_account() {
    let f = good();
    assert_eq!(f.problems(), vec![]);
    assert_eq!(f.gstin, "27AAPFU0939F1ZV");
    assert_eq!(f.bank_account_masked(), "••••••••••6789");
    assert_eq!(f.fleet_ev_pct(), Some(10.0));
    assert_eq!(masked(""), "");
    assert_eq!(masked("12"), "12");
}

#[test]
fn each_bad_field_is_named() {
    let field = |f: PartnerFile| f.problems().into_iter().map(|(k, _)| k).collect::<Vec<_>>();
    let mut f = good();
    f.gstin = "27AAPFU0939F1ZW".into();
    assert_eq!(field(f), ["gstin"], "wrong check character");
    let mut f = good();
    f.pan = "ABCDE1234F".into();
    let p = f.problems();
    assert!(p[0].1.contains("carries the PAN AAPFU0939F"), "{p:?}");
    let mut f = good();
    f.bank_ifsc = "HDFC1001234".into();
    f.contact_email = "asha@".into();
    f.fleet_ev = 51;
    assert_eq!(field(f), ["contact_email", "bank_ifsc", "fleet_ev"]);
    let mut f = good();
    f.legal_name = String::new();
    f.bank_account = "12AB".into();
    assert_eq!(field(f), ["legal_name", "bank_account"]);
    let other = PartnerFile {
        contact_phone: "9845000000".into(),
        ..good()
    };
    assert_eq!(other.changed_from(&good()), ["contact_phone"]);
}
