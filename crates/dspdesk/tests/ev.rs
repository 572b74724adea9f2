//! The EV share with the real binary: per partner and week it equals a recount of the
//! routes file; a goal's trajectory says who is behind.

mod common;

use chrono::Datelike;
use common::Env;
use serde_json::Value;
use std::collections::BTreeMap;

#[test]
fn the_ev_share_is_a_recount_of_the_routes_and_a_goal_says_who_is_behind() {
    let env = Env::new();
    let sim = env.simulated(2, 6, 28, &["routes"]);
    let routes = std::fs::read_to_string(sim.join("routes.csv")).unwrap();
    // The recount: (partner, week) -> (routes, EV routes), straight from the file.
    let mut want: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for line in routes.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        let d = chrono::NaiveDate::parse_from_str(c[1], "%Y-%m-%d").unwrap();
        let w = d.iso_week();
        let e = want
            .entry((c[3].to_owned(), format!("{}-W{:02}", w.year(), w.week())))
            .or_default();
        e.0 += 1;
        e.1 += i64::from(c[5].starts_with("EV"));
    }
    assert!(
        want.values().any(|v| v.1 > 0),
        "the simulation runs some EVs"
    );
    let out = env
        .run(&[
            "ev",
            "share",
            "--from",
            "2026-09-07",
            "--to",
            "2026-10-04",
            "--format",
            "json",
        ])
        .ok();
    let got: Vec<Value> = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(got.len(), want.len());
    for g in &got {
        let key = (
            g["partner"].as_str().unwrap().to_owned(),
            g["week"].as_str().unwrap().to_owned(),
        );
        let (r, ev) = want[&key];
        assert_eq!(
            (g["routes"].as_i64(), g["ev_routes"].as_i64()),
            (Some(r), Some(ev)),
            "{key:?}"
        );
        let pct = g["ev_routes_pct"].as_f64().unwrap();
        assert!((pct - 100.0 * ev as f64 / r as f64).abs() < 1e-9, "{key:?}");
    }
    let partner = &got[0]["partner"].as_str().unwrap().to_owned();
    let bad = env.run(&[
        "ev",
        "goal",
        partner,
        "--target",
        "120",
        "--by",
        "2026-12-31",
        "--now",
        "2026-10-05T09:00:00Z",
    ]);
    assert!(
        bad.code != 0 && bad.stderr.contains("from 0 to 100"),
        "{}",
        bad.stderr
    );
}

#[test]
fn a_partner_below_its_goals_trajectory_in_a_later_week_is_behind() {
    let env = Env::new();
    let sim = env.path("sim");
    env.run(&[
        "simulate",
        "--stations",
        "2",
        "--partners",
        "6",
        "--days",
        "28",
        "--start",
        "2026-09-07",
        "--volume",
        "200",
        "--out",
        sim.to_str().unwrap(),
    ])
    .ok();
    // Three weeks first (W37–W39), the goal set, then the fourth week (W40).
    let routes = std::fs::read_to_string(sim.join("routes.csv")).unwrap();
    let mut lines = routes.lines();
    let header = lines.next().unwrap();
    let (early, late): (Vec<&str>, Vec<&str>) =
        lines.partition(|l| l.split(',').nth(1).unwrap() < "2026-09-28");
    for (name, rows) in [("early.csv", &early), ("late.csv", &late)] {
        std::fs::write(env.path(name), format!("{header}\n{}\n", rows.join("\n"))).unwrap();
    }
    env.run(&["ingest", "routes", env.path("early.csv").to_str().unwrap()])
        .ok();
    let partners: Vec<String> = early
        .iter()
        .map(|l| l.split(',').nth(3).unwrap().to_owned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    // 100% of routes on EVs by the end of W40: its trajectory there is 100%.
    for p in &partners {
        let set = env
            .run(&[
                "ev",
                "goal",
                p,
                "--target",
                "100",
                "--by",
                "2026-10-04",
                "--now",
                "2026-09-28T09:00:00Z",
            ])
            .ok();
        assert!(set.stdout.contains("in 2026-W39"), "{}", set.stdout);
    }
    let board = |env: &Env| -> Vec<Value> {
        serde_json::from_str(&env.run(&["ev", "board", "--format", "json"]).ok().stdout).unwrap()
    };
    // In the week it was set, the trajectory is the partner's own share: none behind.
    let before = board(&env);
    assert!(before.iter().all(|l| l["behind"] == false), "{before:?}");
    env.run(&["ingest", "routes", env.path("late.csv").to_str().unwrap()])
        .ok();
    let after = board(&env);
    for l in &after {
        let all_ev = l["ev_routes_pct"].as_f64() == Some(100.0);
        assert_eq!(l["week"], "2026-W40");
        assert_eq!(l["trajectory_pct"].as_f64(), Some(100.0), "{l}");
        assert_eq!(l["behind"], !all_ev, "{l}");
        assert_eq!(l["trend"].as_array().unwrap().len(), 8);
    }
    assert!(after.iter().any(|l| l["behind"] == true));
    // Behind ones first.
    let first_not = after
        .iter()
        .position(|l| l["behind"] != true)
        .unwrap_or(after.len());
    assert!(after[first_not..].iter().all(|l| l["behind"] != true));
}

#[test]
fn a_connect_is_reminded_the_day_before_escalates_unrecorded_and_schedules_its_next_step() {
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
        "2026-11-23",
        "--volume",
        "100",
        "--out",
        sim.to_str().unwrap(),
    ])
    .ok();
    env.run(&[
        "ingest",
        "deliveries",
        sim.join("deliveries.csv").to_str().unwrap(),
    ])
    .ok();
    let text = std::fs::read_to_string(sim.join("deliveries.csv")).unwrap();
    let partner = text
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(4)
        .unwrap()
        .to_owned();
    let now = |t: &str| format!("2026-12-{t}Z");
    // A vendor with a bad e-mail is refused; a good one is kept.
    let bad = env.run(&[
        "ev",
        "vendor",
        "--name",
        "Volta",
        "--vehicles",
        "EV3W",
        "--email",
        "fleet@",
    ]);
    assert!(
        bad.code != 0 && bad.stderr.contains("e-mail"),
        "{}",
        bad.stderr
    );
    let added = env
        .run(&[
            "ev",
            "vendor",
            "--name",
            "Volta Motors",
            "--vehicles",
            "EV3W: Volta Cargo",
            "--contact",
            "Ravi M",
            "--phone",
            "+91 80 4000 1234",
            "--email",
            "fleet@volta.example",
        ])
        .ok();
    let vendor = added
        .stdout
        .split_whitespace()
        .nth(1)
        .unwrap()
        .trim_end_matches(':')
        .to_owned();
    let again = env.run(&[
        "ev",
        "vendor",
        "--name",
        "Volta Motors",
        "--vehicles",
        "EV3W",
    ]);
    assert!(
        again.code != 0 && again.stderr.contains("kept already"),
        "{}",
        again.stderr
    );
    // A meeting in the past is refused; one on the 10th is scheduled.
    let past = env.run(&[
        "ev",
        "connect",
        &partner,
        "--vendor",
        &vendor,
        "--date",
        "2026-11-30",
        "--attendees",
        "Ravi",
        "--now",
        &now("01T09:00:00"),
    ]);
    assert!(
        past.code != 0 && past.stderr.contains("past"),
        "{}",
        past.stderr
    );
    let made = env
        .run(&[
            "ev",
            "connect",
            &partner,
            "--vendor",
            &vendor,
            "--date",
            "2026-12-10",
            "--attendees",
            "Ravi M (Volta), the owner",
            "--now",
            &now("01T09:00:00"),
        ])
        .ok();
    let id = made
        .stdout
        .split_whitespace()
        .nth(1)
        .unwrap()
        .trim_end_matches(':')
        .to_owned();
    let jobs = |at: &str| env.run(&["jobs", "run", "--now", &now(at)]).ok().stdout;
    // Reminded once, the day before; not earlier, not twice.
    assert!(jobs("08T09:00:00").contains("; 0 EV connect reminders"));
    assert!(jobs("09T09:00:00").contains("; 1 EV connect reminders"));
    assert!(jobs("09T10:00:00").contains("; 0 EV connect reminders"));
    // Due at the end of its day: unrecorded the day after, it escalates.
    let late = jobs("11T09:00:00");
    assert!(!late.starts_with("escalated 0 "), "{late}");
    // The queue's state change cannot resolve it; recording the outcome does.
    let queue = env.run(&["cases", "resolve", &id, "--now", &now("11T10:00:00")]);
    assert!(
        queue.code != 0 && queue.stderr.contains("recording its outcome"),
        "{}",
        queue.stderr
    );
    let rec = env
        .run(&[
            "ev",
            "outcome",
            &id,
            "--outcome",
            "10 EV3W on a month's trial",
            "--next-step",
            "review the trial",
            "--next-date",
            "2027-01-12",
            "--now",
            &now("11T10:00:00"),
        ])
        .ok();
    assert!(
        rec.stdout.contains("the next one is connect"),
        "{}",
        rec.stdout
    );
    let twice = env.run(&[
        "ev",
        "outcome",
        &id,
        "--outcome",
        "again",
        "--now",
        &now("11T11:00:00"),
    ]);
    assert!(
        twice.code != 0 && twice.stderr.contains("recorded already"),
        "{}",
        twice.stderr
    );
    // Reopened, it takes a new outcome (and no second next connect without a date).
    env.run(&["cases", "reopen", &id, "--now", &now("11T12:00:00")])
        .ok();
    env.run(&[
        "ev",
        "outcome",
        &id,
        "--outcome",
        "trial moved to February",
        "--now",
        &now("11T13:00:00"),
    ])
    .ok();
    let list: Vec<Value> =
        serde_json::from_str(&env.run(&["ev", "connects", "--format", "json"]).ok().stdout)
            .unwrap();
    assert_eq!(list.len(), 2);
    // The open next one first, then the resolved one with its outcome.
    assert_eq!(list[0]["meeting_date"], "2027-01-12");
    assert_eq!(list[0]["followup"]["state"], "open");
    assert_eq!(list[0]["followup"]["title"], "EV connect: review the trial");
    assert_eq!(list[1]["followup"]["state"], "resolved");
    assert_eq!(list[1]["outcome"], "trial moved to February");
    assert_eq!(list[1]["next_step"], "");
    // The next connect scheduled before stays linked.
    assert_eq!(list[1]["next_id"], list[0]["followup"]["id"]);
}
