//! The real Olist sample through the shipped preparation step and import profile.

mod common;

#[path = "../examples/olist_prepare.rs"]
mod olist_prepare;

use common::Env;
use std::path::PathBuf;

fn olist_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/olist");
    if dir.join("olist_orders_dataset.csv").exists() {
        Some(dir)
    } else {
        dspdesk_store::testing::skip_notice(&format!(
            "\n*** SKIPPED: the Olist sample is not at {} ***\n",
            dir.display()
        ));
        None
    }
}

#[test]
fn the_olist_sample_loads_with_its_profile_and_the_rejects_are_explained() {
    let Some(dir) = olist_dir() else { return };
    let env = Env::new();
    let prepared = env.path("olist-deliveries.csv");
    let n = olist_prepare::prepare(&dir, &prepared).unwrap();
    assert_eq!(n, 8365, "one row per order item");
    let profile = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/olist/olist.toml");

    // Without --skip-bad-rows the real data's flaws stop the load and are listed.
    let r = env.run(&[
        "ingest",
        "deliveries",
        prepared.to_str().unwrap(),
        "--profile",
        profile.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 65, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("a delivered package needs its delivery time"),
        "{}",
        r.stderr
    );

    let r = env
        .run(&[
            "ingest",
            "deliveries",
            prepared.to_str().unwrap(),
            "--profile",
            profile.to_str().unwrap(),
            "--skip-bad-rows",
        ])
        .ok();
    let rejects = std::fs::read_to_string(env.path("olist-deliveries.csv.rejects.csv")).unwrap();
    let mut rd = csv::Reader::from_reader(rejects.as_bytes());
    let reasons: Vec<String> = rd.records().map(|r| r.unwrap()[1].to_string()).collect();
    assert!(!reasons.is_empty());
    for reason in &reasons {
        assert!(
            reason.contains("a delivered package needs its delivery time")
                || reason.contains("is not a status"),
            "an unexpected reason: {reason}"
        );
    }
    let line = r.stdout.trim().to_string();
    println!("{line}");
    // "FILE: loaded L deliveries rows, R rejected (see …), S skipped by the profile; …"
    let after = line.split_once(": loaded ").unwrap().1;
    let number = |text: &str| text.trim().replace(',', "").parse::<u64>().unwrap();
    let loaded = number(after.split_once(" deliveries rows").unwrap().0);
    let rejected = number(
        after
            .split_once(", ")
            .unwrap()
            .1
            .split_once(" rejected")
            .unwrap()
            .0,
    );
    assert_eq!(rejected as usize, reasons.len());
    assert!(loaded > 6000, "{line}");
    let year = env.export("week", "", "2016-01-01", "2019-12-31");
    let dispatched: u64 = year[1..].iter().map(|r| r[1].parse::<u64>().unwrap()).sum();
    assert_eq!(dispatched, loaded);
}
