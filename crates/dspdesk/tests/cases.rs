//! Follow-ups end to end with the real binary: the cases a simulated network's files
//! open (recounted here from the files' rows), detection twice, the lifecycle and its
//! refusals, escalation by the scheduler at fixed clocks (twice on PostgreSQL, from
//! two processes at once), and e-mail through a real SMTP server on loopback.

mod common;

use chrono::{Duration, NaiveDate};
use common::Env;
use dspdesk_core::IsoWeek;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

fn rows(path: &Path) -> Vec<csv::StringRecord> {
    let mut rd = csv::Reader::from_path(path).unwrap();
    rd.records().map(|r| r.unwrap()).collect()
}

fn paise(s: &str) -> i64 {
    if s.is_empty() {
        return 0;
    }
    dspdesk_core::parse_amount(s.as_bytes(), false).unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(&s[..10], "%Y-%m-%d").unwrap()
}

fn time(s: &str) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(s).unwrap()
}

/// Simulates a network with every planted kind and loads it; returns the sim folder.
fn load_network(env: &Env) -> std::path::PathBuf {
    let out = env.path("sim");
    env.run(&[
        "simulate",
        "--stations",
        "8",
        "--partners",
        "50",
        "--days",
        "28",
        "--volume",
        "100",
        "--seed",
        "7",
        "--out",
        out.to_str().unwrap(),
    ])
    .ok();
    for (kind, file) in [
        ("routes", "routes.csv"),
        ("deliveries", "deliveries.csv"),
        ("remittances", "cod_remittances.csv"),
    ] {
        env.run(&[
            "ingest",
            kind,
            out.join(file).to_str().unwrap(),
            "--format",
            "json",
        ])
        .ok();
    }
    out
}

fn cases(env: &Env) -> Vec<Value> {
    let r = env
        .run(&[
            "cases", "list", "--all", "--limit", "10000", "--format", "json",
        ])
        .ok();
    serde_json::from_str::<Value>(&r.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn key(c: &Value) -> (String, String, String) {
    (
        c["partner"].as_str().unwrap().into(),
        c["station"].as_str().unwrap().into(),
        c["subject"].as_str().unwrap().into(),
    )
}

/// What the files say, recounted from their rows here (not by dspdesk's code).
struct Expected {
    nl: BTreeMap<(String, String, String), i64>,
    slp: BTreeSet<(String, String, String)>,
    ageing: BTreeMap<(String, String), i64>,
    /// Shortfall on the station's last day, per partner and station.
    shortfall: BTreeMap<(String, String), i64>,
}

fn recount(sim: &Path) -> Expected {
    let deliveries = rows(&sim.join("deliveries.csv"));
    let routes = rows(&sim.join("routes.csv"));
    let remits = rows(&sim.join("cod_remittances.csv"));
    let mut as_of: HashMap<String, NaiveDate> = HashMap::new();
    for (station, d) in deliveries
        .iter()
        .map(|r| (&r[3], day(&r[2])))
        .chain(routes.iter().map(|r| (&r[2], day(&r[1]))))
    {
        let e = as_of.entry(station.to_string()).or_insert(d);
        *e = (*e).max(d);
    }
    let mut nl = BTreeMap::new();
    let mut late: HashMap<(String, String, String), i64> = HashMap::new();
    let mut dispatched: HashMap<(String, String, String), i64> = HashMap::new();
    // package -> (first date, last date, status, partner, station, value)
    let mut pkg: HashMap<String, (NaiveDate, NaiveDate, String, String, String, i64)> =
        HashMap::new();
    let mut due: BTreeMap<(String, String), BTreeMap<NaiveDate, i64>> = BTreeMap::new();
    for r in &deliveries {
        let (d, station, partner, status) = (day(&r[2]), r[3].to_string(), r[4].to_string(), &r[6]);
        let week = IsoWeek::of(d).to_string();
        let k = (partner.clone(), station.clone(), week);
        *dispatched.entry(k.clone()).or_default() += 1;
        if status == "lost" || status == "damaged" {
            *nl.entry(k.clone()).or_default() += paise(&r[9]);
        }
        if status == "delivered" {
            if time(&r[7]) > time(&r[5]) + Duration::hours(24) {
                *late.entry(k).or_default() += 1;
            }
            *due.entry((partner.clone(), station.clone()))
                .or_default()
                .entry(d)
                .or_default() += paise(&r[8]);
        }
        let e = pkg.entry(r[0].to_string()).or_insert((
            d,
            d,
            status.to_string(),
            partner.clone(),
            station.clone(),
            paise(&r[9]),
        ));
        e.0 = e.0.min(d);
        if d >= e.1 {
            e.1 = d;
            e.2 = status.to_string();
        }
    }
    let slp = late
        .iter()
        .filter(|(k, n)| 100.0 * **n as f64 / dispatched[*k] as f64 > 1.0)
        .map(|(k, _)| k.clone())
        .collect();
    let mut ageing = BTreeMap::new();
    for (first, _, status, partner, station, value) in pkg.values() {
        if (status == "attempted" || status == "rejected")
            && (as_of[station] - *first).num_days() >= 3
        {
            *ageing
                .entry((partner.clone(), station.clone()))
                .or_default() += value;
        }
    }
    let mut paid: BTreeMap<(String, String), BTreeMap<NaiveDate, i64>> = BTreeMap::new();
    for r in &remits {
        *paid
            .entry((r[0].to_string(), r[1].to_string()))
            .or_default()
            .entry(day(&r[2]))
            .or_default() += paise(&r[3]);
    }
    let mut shortfall = BTreeMap::new();
    for (k, days) in &due {
        let last = as_of[&k.1];
        let owed: i64 = days.range(..last).map(|(_, v)| v).sum();
        let deposited: i64 = paid
            .get(k)
            .map(|p| p.range(..=last).map(|(_, v)| v).sum())
            .unwrap_or(0);
        shortfall.insert(k.clone(), owed - deposited);
    }
    Expected {
        nl,
        slp,
        ageing,
        shortfall,
    }
}

#[test]
fn every_planted_situation_has_its_case_and_detecting_again_opens_nothing() {
    let env = Env::new();
    let sim = load_network(&env);
    let want = recount(&sim);
    let all = cases(&env);
    let of = |kind: &'static str| all.iter().filter(move |c| c["kind"] == kind);
    let nl: BTreeMap<_, _> = of("nl")
        .map(|c| (key(c), c["amount_minor"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        nl, want.nl,
        "NL: one case per partner, station and week with a lost row, for its value"
    );
    let slp: BTreeSet<_> = of("slp").map(key).collect();
    assert_eq!(slp, want.slp, "SLP: weeks above 1% late");
    let ageing: BTreeMap<_, _> = of("ageing")
        .filter(|c| c["state"] == "open")
        .map(|c| {
            (
                (
                    c["partner"].as_str().unwrap().to_string(),
                    c["station"].as_str().unwrap().to_string(),
                ),
                c["amount_minor"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ageing, want.ageing,
        "ageing: packages attempted or rejected 3+ days ago"
    );
    let open_cod: Vec<&Value> = of("cod").filter(|c| c["state"] == "open").collect();
    assert!(!open_cod.is_empty());
    for c in &open_cod {
        let k = (
            c["partner"].as_str().unwrap().to_string(),
            c["station"].as_str().unwrap().to_string(),
        );
        assert_eq!(
            c["amount_minor"].as_i64(),
            Some(want.shortfall[&k]),
            "COD case {k:?}: the shortfall on the last day"
        );
        assert!(want.shortfall[&k] > 0);
    }
    // Each kind of planted partner shows in its cases (a small partner may have too
    // few packages for its trait to show; the recounts above check every case).
    let truth: Value =
        serde_json::from_slice(&std::fs::read(sim.join("truth.json")).unwrap()).unwrap();
    for (trait_, kind) in [
        ("stuck", "ageing"),
        ("slow", "slp"),
        ("stops_remitting", "cod"),
        ("high_loss", "nl"),
    ] {
        let planted: Vec<&str> = truth["partners"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["traits"].as_array().unwrap().iter().any(|t| t == trait_))
            .map(|p| p["partner"].as_str().unwrap())
            .collect();
        assert!(
            planted
                .iter()
                .any(|code| of(kind).any(|c| c["partner"] == *code)),
            "no partner planted {trait_} ({planted:?}) has a {kind} case"
        );
    }
    // Detecting again opens, changes and closes nothing.
    let again = env.run(&["cases", "detect"]).ok();
    assert!(
        again
            .stdout
            .starts_with("cases: 0 opened, 0 updated, 0 resolved by the data, 0 withdrawn"),
        "{}",
        again.stdout
    );
    assert_eq!(cases(&env).len(), all.len());
    // The SLA report agrees with the cases counted by hand.
    let sla: Value =
        serde_json::from_str(&env.run(&["cases", "sla", "--format", "json"]).ok().stdout).unwrap();
    for kind in ["nl", "cod", "ageing", "slp"] {
        let line = sla
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["kind"] == kind && l["owner"] == "(all)")
            .unwrap();
        let withdrawn = of(kind).filter(|c| c["outcome"] == "withdrawn").count();
        assert_eq!(
            line["count"].as_u64().unwrap() as usize,
            of(kind).count() - withdrawn,
            "{kind}"
        );
        let open = of(kind)
            .filter(|c| {
                ["open", "in_progress", "waiting_on_partner"]
                    .contains(&c["state"].as_str().unwrap())
            })
            .count();
        let by_age: u64 = line["open_by_age"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(by_age as usize, open, "{kind}");
    }
}

#[test]
fn a_point_moves_through_its_states_and_bad_requests_change_nothing() {
    let env = Env::new();
    load_network(&env);
    let partner = cases(&env)[0]["partner"].as_str().unwrap().to_string();
    let now = ["--now", "2026-12-01T09:00:00Z"];
    let unknown = env.run(&[
        "cases",
        "open",
        "--partner",
        "NOPE",
        "--title",
        "x",
        now[0],
        now[1],
    ]);
    assert_eq!(unknown.code, 1);
    assert!(
        unknown.stderr.contains("--partner") && unknown.stderr.contains("NOPE"),
        "{}",
        unknown.stderr
    );
    let opened = env
        .run(&[
            "cases",
            "open",
            "--partner",
            &partner,
            "--title",
            "Van off road",
            "--text",
            "since Monday",
            now[0],
            now[1],
        ])
        .ok();
    let id = opened
        .stdout
        .trim()
        .trim_start_matches("opened #")
        .to_string();
    let owner = env.run(&["cases", "assign", &id, "ghost"]);
    assert!(
        owner.code != 0 && owner.stderr.contains("--owner") && owner.stderr.contains("ghost"),
        "{}",
        owner.stderr
    );
    let bad = env.run(&["cases", "state", &id, "open"]);
    assert!(
        bad.code != 0 && bad.stderr.contains("already"),
        "{}",
        bad.stderr
    );
    env.run(&["cases", "comment", &id, "Called the owner", now[0], now[1]])
        .ok();
    env.run(&["cases", "close", &id, "--note", "Van back", now[0], now[1]])
        .ok();
    let closed = env.run(&["cases", "comment", &id, "late word"]);
    assert!(
        closed.code != 0 && closed.stderr.contains("closed") && closed.stderr.contains("reopen"),
        "{}",
        closed.stderr
    );
    let resolve = env.run(&["cases", "resolve", &id]);
    assert!(
        resolve.code != 0 && resolve.stderr.contains("reopen it first"),
        "{}",
        resolve.stderr
    );
    env.run(&["cases", "reopen", &id, "--note", "again", now[0], now[1]])
        .ok();
    let show: Value = serde_json::from_str(
        &env.run(&["cases", "show", &id, "--format", "json"])
            .ok()
            .stdout,
    )
    .unwrap();
    assert_eq!(show["followup"]["state"], "open");
    let actions: Vec<&str> = show["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["open", "comment", "state", "state"],
        "refused requests left no trace"
    );
    assert_eq!(
        show["comments"].as_array().unwrap().len(),
        3,
        "the comment and the two notes"
    );
    assert_eq!(show["followup"]["responded_at"], "2026-12-01T09:00:00Z");
    // An NL case records what was recovered, never more than its amount.
    let nl = cases(&env)
        .into_iter()
        .find(|c| c["kind"] == "nl" && c["amount_minor"].as_i64() > Some(100))
        .unwrap();
    let (nl_id, amount) = (nl["id"].to_string(), nl["amount_minor"].as_i64().unwrap());
    let half = format!("{}.{:02}", amount / 200, (amount / 2) % 100);
    env.run(&["cases", "recover", &nl_id, &half]).ok();
    let too_much = format!("{}.{:02}", (amount + 1) / 100, (amount + 1) % 100);
    let refused = env.run(&["cases", "recover", &nl_id, &too_much]);
    assert!(
        refused.code != 0 && refused.stderr.contains("not between 0 and"),
        "{}",
        refused.stderr
    );
    let after: Value = serde_json::from_str(
        &env.run(&["cases", "show", &nl_id, "--format", "json"])
            .ok()
            .stdout,
    )
    .unwrap();
    assert_eq!(
        after["followup"]["recovered_minor"].as_i64(),
        Some(amount / 2)
    );
    let on_point = env.run(&["cases", "recover", &id, "1.00"]);
    assert!(
        on_point.code != 0 && on_point.stderr.contains("only an NL case"),
        "{}",
        on_point.stderr
    );
}

/// Escalates at fixed clocks: nothing before `resolve_by`, level 1 after it, level 2
/// after twice the SLA, each once however often the scheduler runs.
fn escalate_once(env: &Env, two_at_once: bool) {
    load_network(env);
    env.run_with(
        &[
            "users",
            "add",
            "coachy",
            "--role",
            "coach",
            "--partner",
            "AAAA",
        ],
        &[("DSPDESK_PASSWORD", "pw-pw-pw-pw-pw")],
    )
    .ok();
    let all = cases(env);
    let open = all.iter().filter(|c| c["state"] == "open").count();
    let first: Value = all
        .iter()
        .find(|c| c["kind"] == "cod" && c["state"] == "open")
        .unwrap()
        .clone();
    let opened = time(first["opened_at"].as_str().unwrap());
    let at = |h: i64| (opened + Duration::hours(h)).to_rfc3339();
    let run = |h: i64| env.run(&["jobs", "run", "--now", &at(h)]).ok().stdout;
    assert!(run(71).contains("escalated 0"), "before resolve_by");
    let runs = |h: i64| {
        if two_at_once {
            let a = std::thread::scope(|s| {
                let x = s.spawn(|| run(h));
                let y = s.spawn(|| run(h));
                (x.join().unwrap(), y.join().unwrap())
            });
            format!("{}\n{}", a.0, a.1)
        } else {
            format!("{}\n{}", run(h), run(h))
        }
    };
    let level1 = runs(72);
    assert!(level1.contains("escalated"), "{level1}");
    runs(144);
    // Past twice the longest SLA (NL: 336 h), every kind is at level 2.
    runs(700);
    let id = first["id"].to_string();
    let show: Value = serde_json::from_str(
        &env.run(&["cases", "show", &id, "--format", "json"])
            .ok()
            .stdout,
    )
    .unwrap();
    let escalations: Vec<&str> = show["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["action"] == "escalate")
        .map(|h| h["detail"].as_str().unwrap())
        .collect();
    assert_eq!(escalations.len(), 2, "{escalations:?}");
    assert!(
        escalations[0].starts_with("level 1") && escalations[1].starts_with("level 2"),
        "{escalations:?}"
    );
    assert_eq!(show["followup"]["escalation"], 2);
    // Every open case is at level 2 (they opened within seconds of each other), and
    // each level is written once in its history, whoever ran the rounds.
    let after = cases(env);
    let open_now: Vec<&Value> = after.iter().filter(|c| c["state"] == "open").collect();
    assert_eq!(open_now.len(), open);
    assert!(open_now.iter().all(|c| c["escalation"] == 2));
    let log = env
        .run(&[
            "cases",
            "show",
            &open_now[open / 2]["id"].to_string(),
            "--format",
            "json",
        ])
        .ok();
    let history: Value = serde_json::from_str(&log.stdout).unwrap();
    let n = history["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["action"] == "escalate")
        .count();
    assert_eq!(n, 2);
}

#[test]
fn the_scheduler_escalates_each_level_once_on_sqlite() {
    escalate_once(&Env::new(), false);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_schedulers_on_postgresql_escalate_each_level_once() {
    let Some(pg) = dspdesk_store::testing::TestStore::postgres().await else {
        return;
    };
    let url = pg.url.clone();
    tokio::task::spawn_blocking(move || {
        let mut env = Env::new();
        env.database_url = Some(url);
        escalate_once(&env, true);
    })
    .await
    .unwrap();
    pg.finish().await;
}

#[test]
fn a_reopened_point_escalates_on_the_clock_of_its_reopening() {
    let env = Env::new();
    let (partner, _) = env.tiny_network();
    let at = |h: i64| {
        (chrono::DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z").unwrap() + Duration::hours(h))
            .to_rfc3339()
    };
    let opened = env
        .run(&[
            "cases",
            "open",
            "--partner",
            &partner,
            "--title",
            "Uniforms",
            "--now",
            &at(0),
        ])
        .ok();
    let id = opened
        .stdout
        .trim()
        .trim_start_matches("opened #")
        .to_string();
    env.run(&["cases", "close", &id, "--now", &at(10)]).ok();
    env.run(&["cases", "reopen", &id, "--now", &at(500)]).ok();
    let level = |h: i64| {
        env.run(&["jobs", "run", "--now", &at(h)]).ok();
        let show: Value = serde_json::from_str(
            &env.run(&["cases", "show", &id, "--format", "json"])
                .ok()
                .stdout,
        )
        .unwrap();
        show["followup"]["escalation"].as_i64().unwrap()
    };
    // A point's SLA resolves in 72 h: from the reopening, not from the first opening.
    assert_eq!(level(571), 0);
    assert_eq!(level(572), 1);
    assert_eq!(level(643), 1);
    assert_eq!(level(644), 2);
}
