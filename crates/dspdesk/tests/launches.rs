//! Launch readiness with the real binary: a launch copies the checklist, gates open in
//! order, the colour turns amber 7 days before the target and red 2 days before with a
//! mandatory item open, green once every mandatory item is done.

mod common;

use common::Env;
use serde_json::Value;

fn colour(env: &Env, now: &str) -> String {
    let out = env
        .run(&["launches", "board", "--format", "json", "--now", now])
        .ok();
    let v: Vec<Value> = serde_json::from_str(&out.stdout).unwrap();
    v[0]["colour"].as_str().unwrap().to_owned()
}

#[test]
fn a_launch_goes_gate_by_gate_and_turns_amber_red_and_green_on_its_dates() {
    let env = Env::new();
    let (partner, station) = env.tiny_network();
    let now = ["--now", "2026-12-01T06:00:00Z"];
    let past = env.run(&[
        "launches",
        "open",
        "--station",
        &station,
        "--partner",
        &partner,
        "--target",
        "2026-11-30",
        now[0],
        now[1],
    ]);
    assert!(
        past.code != 0 && past.stderr.contains("is past"),
        "{}",
        past.stderr
    );
    env.run(&[
        "launches",
        "open",
        "--station",
        &station,
        "--partner",
        &partner,
        "--target",
        "2026-12-20",
        now[0],
        now[1],
    ])
    .ok();
    let show = env
        .run(&["launches", "show", "1", now[0], now[1]])
        .ok()
        .stdout;
    // The default template: 7 items in 3 gates, one optional.
    let items: Vec<(i64, i64, bool)> = show
        .lines()
        .skip(1)
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (
                w[0].trim_start_matches('#').parse().unwrap(),
                w[2].parse().unwrap(),
                l.contains("(optional)"),
            )
        })
        .collect();
    assert_eq!(items.len(), 7, "{show}");
    assert_eq!(colour(&env, "2026-12-12T06:00:00Z"), "open", "8 days");
    assert_eq!(colour(&env, "2026-12-13T06:00:00Z"), "amber", "7 days");
    assert_eq!(colour(&env, "2026-12-18T06:00:00Z"), "red", "2 days");
    // Gate 2 waits for gate 1.
    let gate2 = items.iter().find(|i| i.1 == 2).unwrap().0.to_string();
    let early = env.run(&["launches", "done", "1", &gate2, "--evidence", "x"]);
    assert!(
        early.code != 0 && early.stderr.contains("gate 2 opens once"),
        "{}",
        early.stderr
    );
    let no_evidence = env.run(&[
        "launches",
        "done",
        "1",
        &items[0].0.to_string(),
        "--evidence",
        " ",
    ]);
    assert!(
        no_evidence.code != 0 && no_evidence.stderr.contains("what shows it"),
        "{}",
        no_evidence.stderr
    );
    // Evidence as a file: a photo of the SIM register for the first item; an executable
    // is refused; the others with a note. An item is given to an owner.
    let photo = env.path("sims.png");
    std::fs::write(&photo, b"\x89PNG\r\n\x1a\nregister").unwrap();
    let exe = env.path("setup.pdf");
    std::fs::write(&exe, b"MZ\x90\x00").unwrap();
    let first = items[0].0.to_string();
    let refused = env.run(&[
        "launches",
        "done",
        "1",
        &first,
        "--file",
        exe.to_str().unwrap(),
    ]);
    assert!(
        refused.code != 0 && refused.stderr.contains("not a PDF"),
        "{}",
        refused.stderr
    );
    env.run(&[
        "launches",
        "done",
        "1",
        &first,
        "--file",
        photo.to_str().unwrap(),
        now[0],
        now[1],
    ])
    .ok();
    env.run_with(
        &["users", "add", "ravi", "--role", "program"],
        &[("DSPDESK_PASSWORD", "pw-pw-pw-pw-pw")],
    )
    .ok();
    let last = items.last().unwrap().0.to_string();
    env.run(&["launches", "assign", "1", &last, "ravi"]).ok();
    let ghost = env.run(&["launches", "assign", "1", &last, "ghost"]);
    assert!(
        ghost.code != 0 && ghost.stderr.contains("ghost"),
        "{}",
        ghost.stderr
    );
    for (id, _, optional) in items.iter().skip(1) {
        if !optional {
            env.run(&[
                "launches",
                "done",
                "1",
                &id.to_string(),
                "--evidence",
                "checked on site",
                now[0],
                now[1],
            ])
            .ok();
        }
    }
    let board: Vec<Value> = serde_json::from_str(
        &env.run(&["launches", "board", "--format", "json"])
            .ok()
            .stdout,
    )
    .unwrap();
    let done: Vec<&Value> = board[0]["launch"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(
        done[0]["file_name"].as_str().unwrap().rsplit('/').next(),
        Some("sims.png")
    );
    assert_eq!(done.last().unwrap()["owner"], "ravi");

    assert_eq!(
        colour(&env, "2026-12-19T06:00:00Z"),
        "green",
        "the optional item may stay open"
    );
    let again = env.run(&["launches", "done", "1", &first, "--evidence", "x"]);
    assert!(
        again.code != 0 && again.stderr.contains("done already"),
        "{}",
        again.stderr
    );
}
