//! `dspdesk today` with the real binary: after a load, every open case the data opened
//! is on the worklist, most urgent first, with its money; a named user sees their scope
//! only; an unknown user is refused by name.

mod common;

use common::Env;
use serde_json::Value;

#[test]
fn the_worklist_holds_every_open_case_most_urgent_first() {
    let env = Env::new();
    env.simulated(2, 4, 14, &["deliveries", "remittances"]);
    let now = "2026-09-22T09:00:00Z";
    let run = env
        .run(&[
            "today", "--format", "json", "--limit", "10000", "--now", now,
        ])
        .ok();
    let w: Value = serde_json::from_str(&run.stdout).unwrap();
    let items = w["items"].as_array().unwrap();
    assert_eq!(w["total"].as_u64().unwrap() as usize, items.len());
    assert!(
        !items.is_empty(),
        "a simulated network has something to chase"
    );
    let order = ["critical", "high", "medium", "low"];
    let rank = |i: &Value| order.iter().position(|s| i["severity"] == *s).unwrap();
    for pair in items.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(rank(a) <= rank(b), "{a} before {b}");
        if rank(a) == rank(b) {
            assert!(
                a["money_minor"].as_i64() >= b["money_minor"].as_i64(),
                "{a} before {b}"
            );
        }
    }
    // Every open case the data opened is on it, with its amount as money at risk.
    let cases: Value = serde_json::from_str(
        &env.run(&[
            "cases", "list", "--format", "json", "--limit", "1000", "--now", now,
        ])
        .ok()
        .stdout,
    )
    .unwrap();
    let open = cases.as_array().unwrap();
    assert!(!open.is_empty());
    for c in open {
        let href = format!("/followups/{}", c["id"]);
        assert!(
            items.iter().any(|i| i["href"] == href.as_str()),
            "case {} is missing",
            c["id"]
        );
    }
    // The severities counted add up to the total.
    let counted: u64 = w["by_severity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(counted, w["total"].as_u64().unwrap());
    // The operator owns nothing; an unknown user is refused by name.
    let mine = env
        .run(&["today", "--mine", "--format", "json", "--now", now])
        .ok();
    let mine: Value = serde_json::from_str(&mine.stdout).unwrap();
    assert_eq!(mine["total"], 0);
    let refused = env.run(&["today", "--user", "nobody"]);
    assert_ne!(refused.code, 0);
    assert!(
        refused.stderr.contains("no user \"nobody\""),
        "{}",
        refused.stderr
    );
}
