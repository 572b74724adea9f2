//! Onboarding with the real binary: an applicant moves one stage at a time, never to
//! live by hand; loading its first routes makes it live on the day of the first route.

mod common;

use common::Env;
use serde_json::Value;

fn board(env: &Env) -> Vec<Value> {
    let out = env
        .run(&[
            "onboarding",
            "board",
            "--format",
            "json",
            "--now",
            "2026-03-01T06:00:00Z",
        ])
        .ok();
    serde_json::from_str::<Vec<Value>>(&out.stdout).unwrap()
}

#[test]
fn an_applicant_moves_stage_by_stage_and_goes_live_with_its_first_route() {
    let env = Env::new();
    let sim = env.path("sim");
    env.run(&[
        "simulate",
        "--stations",
        "1",
        "--partners",
        "2",
        "--days",
        "7",
        "--start",
        "2026-02-02",
        "--volume",
        "60",
        "--out",
        sim.to_str().unwrap(),
    ])
    .ok();
    let routes = std::fs::read_to_string(sim.join("routes.csv")).unwrap();
    let partner = routes
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(3)
        .unwrap()
        .to_owned();
    let first_day = routes
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(3) == Some(partner.as_str()))
        .map(|l| l.split(',').nth(1).unwrap().to_owned())
        .min()
        .unwrap();
    let now = ["--now", "2026-01-20T06:00:00Z"];
    env.run(
        &[
            &[
                "onboarding",
                "add",
                &partner,
                "--name",
                "Swift Riders Pvt Ltd",
                "--on",
                "2026-01-05",
            ][..],
            &now[..],
        ]
        .concat(),
    )
    .ok();
    let twice = env.run(&[
        "onboarding",
        "add",
        &partner,
        "--name",
        "x",
        "--on",
        "2026-01-05",
    ]);
    assert!(
        twice.code != 0 && twice.stderr.contains("in onboarding already"),
        "{}",
        twice.stderr
    );
    // One stage at a time; never to live by hand; never before the stage it is at.
    for (to, on, says) in [
        ("agreement", "2026-01-10", "documents next"),
        ("live", "2026-01-10", "first route"),
        ("documents", "2026-01-01", "from then to today"),
    ] {
        let r = env.run(&["onboarding", "advance", &partner, to, "--on", on]);
        assert!(
            r.code != 0 && r.stderr.contains(says),
            "{says}: {}",
            r.stderr
        );
    }
    env.run(&[
        "onboarding",
        "advance",
        &partner,
        "documents",
        "--on",
        "2026-01-12",
    ])
    .ok();
    let b = board(&env);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["stage"], "documents");
    assert_eq!(b[0]["since"], "2026-01-12");
    assert_eq!(b[0]["days_in_stage"], 48, "12 January to 1 March");
    // Its first routes arrive: live since the first one, whatever stage it was at.
    env.run(&["ingest", "routes", sim.join("routes.csv").to_str().unwrap()])
        .ok();
    let b = board(&env);
    assert_eq!(b[0]["stage"], "live", "{b:?}");
    assert_eq!(b[0]["since"], first_day.as_str());
    let history: Vec<&str> = b[0]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h[0].as_str().unwrap())
        .collect();
    assert_eq!(history, ["applied", "documents", "live"]);
    let after = env.run(&[
        "onboarding",
        "advance",
        &partner,
        "verification",
        "--on",
        "2026-02-20",
    ]);
    assert!(
        after.code != 0 && after.stderr.contains("it is live"),
        "{}",
        after.stderr
    );
    // Its file, by command: a bad GSTIN refused with its field; the account masked.
    let bad = env.run(&[
        "partners",
        "set",
        &partner,
        "--legal-name",
        "Swift Riders",
        "--gstin",
        "27AAPFU0939F1ZW",
    ]);
    assert!(
        bad.code != 0 && bad.stderr.contains("check character"),
        "{}",
        bad.stderr
    );
    env.run(&[
        "partners",
        "set",
        &partner,
        "--legal-name",
        "Swift Riders Pvt Ltd",
        "--gstin",
        "27AAPFU0939F1ZV",
        "--pan",
        "AAPFU0939F",
        "--bank-account",
        "50100123456789",
        "--fleet-2w",
        "20",
        "--fleet-ev",
        "4",
    ])
    .ok();
    env.run(&["partners", "set", &partner, "--contact-phone", "9845012345"])
        .ok();
    let file = env.run(&["partners", "file", &partner]).ok().stdout;
    assert!(
        file.contains("••••••••••6789") && !file.contains("50100123456789"),
        "{file}"
    );
    assert!(
        file.contains("Swift Riders Pvt Ltd") && file.contains("9845012345"),
        "{file}"
    );
}
