//! Reviews with the real binary: a WBR with two action items, its refusals, and an
//! action item overdue by one day escalating at a fixed clock.

mod common;

use common::Env;
use serde_json::Value;

#[test]
fn a_wbr_records_its_action_items_and_an_overdue_one_escalates() {
    let env = Env::new();
    let (_, station) = env.tiny_network();
    env.run_with(
        &[
            "users",
            "add",
            "asha",
            "--role",
            "station",
            "--station",
            &station,
        ],
        &[("DSPDESK_PASSWORD", "pw-pw-pw-pw-pw")],
    )
    .ok();
    let now = ["--now", "2030-01-07T09:00:00Z"];
    // Refused, and nothing recorded: a DSP review without its partner, a due date before
    // the meeting, an owner nobody knows, an item not in three parts.
    for (args, says) in [
        (
            vec!["--kind", "dsp_review", "--date", "2030-01-07"],
            "--partner",
        ),
        (
            vec![
                "--kind",
                "wbr",
                "--date",
                "2030-01-07",
                "--station",
                &station,
                "--item",
                "x;asha;2030-01-06",
            ],
            "before the review",
        ),
        (
            vec![
                "--kind",
                "wbr",
                "--date",
                "2030-01-07",
                "--station",
                &station,
                "--item",
                "x;ghost;2030-01-08",
            ],
            "ghost",
        ),
        (
            vec!["--kind", "wbr", "--date", "2030-01-07", "--item", "x;asha"],
            "TITLE;OWNER;DUE",
        ),
    ] {
        let r = env.run(&[&["reviews", "add"][..], &args[..], &now[..]].concat());
        assert!(
            r.code != 0 && r.stderr.contains(says),
            "{says}: {}",
            r.stderr
        );
    }
    assert!(
        env.run(&["reviews", "list"])
            .ok()
            .stdout
            .contains("0 reviews")
    );
    let added = env
        .run(&[
            "reviews",
            "add",
            "--kind",
            "wbr",
            "--date",
            "2030-01-07",
            "--station",
            &station,
            "--attendees",
            "Asha, Ravi",
            "--notes",
            "DOT dipped on Friday.",
            "--item",
            "Fix the van roster;asha;2030-01-09",
            "--item",
            "Call the owner;asha;2030-01-14",
            now[0],
            now[1],
        ])
        .ok();
    assert!(
        added.stdout.contains("with 2 action items"),
        "{}",
        added.stdout
    );
    let show: Value = serde_json::from_str(
        &env.run(&["reviews", "show", "1", "--format", "json"])
            .ok()
            .stdout,
    )
    .unwrap();
    let items = show["action_items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|i| i["kind"] == "action_item"
        && i["owner"] == "asha"
        && i["station"] == station.as_str()));
    assert_eq!(
        show["numbers"],
        format!("/stations/{station}?week=2030-W02")
    );
    let first = items
        .iter()
        .find(|i| i["data_date"] == "2030-01-09")
        .unwrap()["id"]
        .to_string();
    // Due by the end of 9 January in the network's zone (IST): 18:30 UTC.
    let item: Value = serde_json::from_str(
        &env.run(&["cases", "show", &first, "--format", "json"])
            .ok()
            .stdout,
    )
    .unwrap();
    assert_eq!(item["followup"]["resolve_by"], "2030-01-09T18:30:00Z");
    let level = |at: &str| {
        env.run(&["jobs", "run", "--now", at]).ok();
        let v: Value = serde_json::from_str(
            &env.run(&["cases", "show", &first, "--format", "json"])
                .ok()
                .stdout,
        )
        .unwrap();
        v["followup"]["escalation"].as_i64().unwrap()
    };
    assert_eq!(level("2030-01-09T18:29:00Z"), 0, "not yet due");
    assert_eq!(
        level("2030-01-10T18:30:00Z"),
        1,
        "overdue by one day: the coaches"
    );
    // Reopened before its due date, an item keeps it; reopened after, it gets a new
    // clock from the reopening.
    let second = items
        .iter()
        .find(|i| i["data_date"] == "2030-01-14")
        .unwrap()["id"]
        .to_string();
    let resolve_by = |id: &str| {
        let v: Value = serde_json::from_str(
            &env.run(&["cases", "show", id, "--format", "json"])
                .ok()
                .stdout,
        )
        .unwrap();
        v["followup"]["resolve_by"].as_str().unwrap().to_owned()
    };
    for (id, done, again) in [
        (&second, "2030-01-08T09:00:00Z", "2030-01-10T09:00:00Z"),
        (&first, "2030-01-11T09:00:00Z", "2030-01-12T09:00:00Z"),
    ] {
        env.run(&["cases", "resolve", id, "--now", done]).ok();
        env.run(&["cases", "reopen", id, "--now", again]).ok();
    }
    assert_eq!(resolve_by(&second), "2030-01-14T18:30:00Z");
    let renewed = resolve_by(&first);
    assert!(renewed.as_str() > "2030-01-12T09:00:00Z", "{renewed}");
}
