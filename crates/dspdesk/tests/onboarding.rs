//! Onboarding with the real binary: an applicant moves one stage at a time once its
//! checklist lets it, never to live by hand; loading its first routes makes it live on
//! the day of the first route.

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
    ] {
        let r = env.run(&["onboarding", "advance", &partner, to, "--on", on]);
        assert!(
            r.code != 0 && r.stderr.contains(says),
            "{says}: {}",
            r.stderr
        );
    }
    // The checklist holds it at applied: gate 1's mandatory item is open.
    let held = env.run(&[
        "onboarding",
        "advance",
        &partner,
        "documents",
        "--on",
        "2026-01-12",
    ]);
    assert!(
        held.code != 0
            && held
                .stderr
                .contains("1 mandatory checklist item of Applied"),
        "{}",
        held.stderr
    );
    let b = board(&env);
    assert_eq!(b[0]["holding"], 1, "{b:?}");
    let item = |gate: i64, mandatory: bool| {
        b[0]["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["gate"] == gate && i["mandatory"] == mandatory)
            .map(|i| i["id"].as_i64().unwrap().to_string())
            .unwrap()
    };
    let (form, docs) = (item(1, true), item(2, true));
    // The documents item waits until the partner is at documents.
    let early = env.run(&["onboarding", "done", &partner, &docs, "--evidence", "x"]);
    assert!(
        early.code != 0 && early.stderr.contains("once the partner reaches that stage"),
        "{}",
        early.stderr
    );
    let scan = env.path("form.pdf");
    std::fs::write(&scan, b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n").unwrap();
    let done = env
        .run(&[
            "onboarding",
            "done",
            &partner,
            &form,
            "--file",
            scan.to_str().unwrap(),
        ])
        .ok();
    assert!(
        done.stdout.contains("0 mandatory items holding it"),
        "{}",
        done.stdout
    );
    let again = env.run(&["onboarding", "done", &partner, &form, "--evidence", "x"]);
    assert!(
        again.code != 0 && again.stderr.contains("done already"),
        "{}",
        again.stderr
    );
    // A later stage's item waits until the partner reaches that stage.
    let later = env.run(&["onboarding", "done", &partner, &docs, "--evidence", "x"]);
    assert!(
        later.code != 0 && later.stderr.contains("once the partner reaches that stage"),
        "{}",
        later.stderr
    );
    // Never before the stage it is at.
    let before = env.run(&[
        "onboarding",
        "advance",
        &partner,
        "documents",
        "--on",
        "2026-01-01",
    ]);
    assert!(
        before.code != 0 && before.stderr.contains("from then to today"),
        "{}",
        before.stderr
    );
    let nobody = env.run(&["onboarding", "assign", &partner, &docs, "nobody"]);
    assert!(
        nobody.code != 0 && nobody.stderr.contains("no active user"),
        "{}",
        nobody.stderr
    );
    env.run(&[
        "onboarding",
        "advance",
        &partner,
        "documents",
        "--on",
        "2026-01-12",
    ])
    .ok();
    let show = env.run(&["onboarding", "show", &partner]).ok().stdout;
    assert!(
        show.contains("at documents since 2026-01-12")
            && show.contains("1 mandatory item holding it"),
        "{show}"
    );
    // The admin's template: an onboarding item goes at a stage's gate, 1 to 6.
    let wide = env.run(&[
        "launches",
        "template",
        "--checklist",
        "onboarding",
        "--gate",
        "7",
        "--title",
        "x",
    ]);
    assert!(
        wide.code != 0 && wide.stderr.contains("gate from 1 to 6"),
        "{}",
        wide.stderr
    );
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
