//! End-to-end checks of the written files.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::*;

fn small(seed: u64) -> SimConfig {
    SimConfig {
        stations: 3,
        partners: 6,
        days: 10,
        start: NaiveDate::from_ymd_opt(2026, 9, 28).unwrap(),
        seed,
        volume: 200,
    }
}

fn read_rows(path: &Path) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|x| x.unwrap()).collect();
    (headers, rows)
}

fn run(cfg: &SimConfig) -> (tempfile::TempDir, SimSummary) {
    let dir = tempfile::tempdir().unwrap();
    let summary = simulate(cfg, dir.path()).unwrap();
    (dir, summary)
}

fn bytes(s: &SimSummary) -> Vec<Vec<u8>> {
    [
        &s.deliveries_path,
        &s.routes_path,
        &s.remittances_path,
        &s.truth_path,
    ]
    .iter()
    .map(|p| std::fs::read(p).unwrap())
    .collect()
}

/// Paise of a money field written with two decimals (or a bare `0`).
fn paise(s: &str) -> u64 {
    if s == "0" {
        return 0;
    }
    let (r, p) = s.split_once('.').expect("two decimals");
    assert_eq!(p.len(), 2, "two decimals in {s}");
    r.parse::<u64>().unwrap() * 100 + p.parse::<u64>().unwrap()
}

#[test]
fn same_seed_same_bytes_other_seed_different() {
    let (_a, sa) = run(&small(7));
    let (_b, sb) = run(&small(7));
    let (_c, sc) = run(&small(8));
    assert_eq!(bytes(&sa), bytes(&sb));
    let (ba, bc) = (bytes(&sa), bytes(&sc));
    assert_ne!(ba[0], bc[0]);
    assert_ne!(ba[1], bc[1]);
    assert!(sa.deliveries > 1000, "{sa:?}");
    assert!(sa.routes > 20, "{sa:?}");
    assert!(sa.remittances > 10, "{sa:?}");
    assert_eq!(sa.station_days, 30);
}

#[test]
fn headers_are_canonical() {
    let (_d, s) = run(&small(1));
    let first = |p: &Path| {
        let t = std::fs::read_to_string(p).unwrap();
        t.lines().next().unwrap().to_string()
    };
    assert_eq!(
        first(&s.deliveries_path),
        "package_id,route_id,date,station,partner,promised_by,status,delivered_at,cod_amount,declared_value,vas"
    );
    assert_eq!(
        first(&s.routes_path),
        "route_id,date,station,partner,block_hours,mot,distance_km,supervisor,driver,payout,cost"
    );
    assert_eq!(
        first(&s.remittances_path),
        "partner,station,date,amount,reference"
    );
}

#[test]
fn deliveries_are_consistent() {
    let (_d, s) = run(&small(3));
    let (_, deliveries) = read_rows(&s.deliveries_path);
    let (_, routes) = read_rows(&s.routes_path);
    let route_keys: HashSet<(String, String)> = routes
        .iter()
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect();
    assert_eq!(route_keys.len(), routes.len(), "route_id unique per date");
    let mut ids = HashSet::new();
    let mut last_key = (String::new(), String::new());
    let mut statuses: BTreeMap<String, u64> = BTreeMap::new();
    let mut at_promise = 0;
    for r in &deliveries {
        assert_eq!(r.len(), 11);
        assert_eq!(r[0].len(), 12);
        assert!(
            ids.insert((r[0].to_string(), r[2].to_string())),
            "package id unique per date"
        );
        assert!(!r[1].is_empty(), "route_id never empty");
        assert!(
            route_keys.contains(&(r[1].to_string(), r[2].to_string())),
            "route {} of {} is in routes",
            &r[1],
            &r[2]
        );
        let key = (r[2].to_string(), r[3].to_string());
        assert!(key >= last_key, "ordered by date then station");
        last_key = key;
        assert!(
            r[5].starts_with(&r[2]) && r[5].ends_with("+05:30"),
            "{}",
            &r[5]
        );
        let status = &r[6];
        *statuses.entry(status.to_string()).or_default() += 1;
        assert!(
            [
                "delivered",
                "attempted",
                "rejected",
                "rts",
                "lost",
                "damaged"
            ]
            .contains(&status),
            "{status}"
        );
        if status == "delivered" {
            assert!(!r[7].is_empty(), "delivered has delivered_at");
            assert!(r[7].ends_with("+05:30"));
            assert!(r[7] >= *format!("{}T08:00:00", &r[2]), "{}", &r[7]);
            if r[7] == r[5] {
                at_promise += 1;
            }
        } else {
            assert!(r[7].is_empty(), "{status} has no delivered_at");
        }
        let cod = paise(&r[8]);
        assert!(cod == 0 || (15_000..=400_000).contains(&cod), "{}", &r[8]);
        let declared = paise(&r[9]);
        assert!((10_000..=800_000).contains(&declared), "{}", &r[9]);
        assert!(["", "open_box", "try_and_buy", "install", "exchange"].contains(&&r[10]));
    }
    let delivered = statuses["delivered"] as f64;
    assert!(delivered / deliveries.len() as f64 > 0.85, "{statuses:?}");
    assert!(statuses["attempted"] > 0, "{statuses:?}");
    assert!(at_promise > 0, "some deliveries exactly at the promise");
}

#[test]
fn routes_are_plausible() {
    let (_d, s) = run(&small(4));
    let (_, routes) = read_rows(&s.routes_path);
    let (_, deliveries) = read_rows(&s.deliveries_path);
    let mut per_route: HashMap<(String, String), u32> = HashMap::new();
    for r in &deliveries {
        *per_route
            .entry((r[1].to_string(), r[2].to_string()))
            .or_default() += 1;
    }
    for r in &routes {
        assert_eq!(r.len(), 11);
        assert!(
            r[0].starts_with(&format!("{}-{}-", &r[2], &r[3])),
            "{}",
            &r[0]
        );
        assert!(["4", "6", "8", "10"].contains(&&r[4]));
        assert!(["2W", "3W", "4W", "EV2W", "EV3W", "EV4W"].contains(&&r[5]));
        let (_, tenth) = r[6].split_once('.').unwrap();
        assert_eq!(tenth.len(), 1);
        assert!(r[6].parse::<f64>().unwrap() > 0.0);
        assert!(
            r[7].starts_with(&format!("{}-S", &r[3])) && r[7].len() == 8,
            "{}",
            &r[7]
        );
        assert!(
            r[8].starts_with(&format!("{}-D", &r[3])) && r[8].len() == 10,
            "{}",
            &r[8]
        );
        assert_eq!(&r[9], "");
        assert_eq!(&r[10], "");
        let n = per_route[&(r[0].to_string(), r[1].to_string())];
        assert!(n > 0 && n <= 155, "route {} carries {n}", &r[0]);
    }
}

#[test]
fn remittances_are_unique_and_never_exceed_cod() {
    // Enough partners for late remitters to be planted.
    let cfg = SimConfig {
        stations: 6,
        partners: 34,
        days: 14,
        volume: 150,
        ..small(5)
    };
    let (_d, s) = run(&cfg);
    let text = std::fs::read_to_string(&s.truth_path).unwrap();
    assert!(text.contains("late_remitter"), "{text}");
    let (_, deliveries) = read_rows(&s.deliveries_path);
    let (_, remits) = read_rows(&s.remittances_path);
    let mut collected: HashMap<(String, String), u64> = HashMap::new();
    for r in deliveries.iter().filter(|r| &r[6] == "delivered") {
        *collected
            .entry((r[4].to_string(), r[3].to_string()))
            .or_default() += paise(&r[8]);
    }
    let mut remitted: HashMap<(String, String), u64> = HashMap::new();
    let mut refs = HashSet::new();
    let mut last_date = String::new();
    for r in &remits {
        let amount = paise(&r[3]);
        assert!(amount > 0);
        assert!(
            refs.insert((r[0].to_string(), r[4].to_string())),
            "reference {} unique",
            &r[4]
        );
        assert!(r[4].starts_with(&format!("{}-{}-", &r[0], &r[1])));
        assert!(r[2] >= *last_date.as_str());
        last_date = r[2].to_string();
        *remitted
            .entry((r[0].to_string(), r[1].to_string()))
            .or_default() += amount;
    }
    for (k, v) in &remitted {
        assert!(*v <= collected[k], "{k:?} remitted {v} of {}", collected[k]);
    }
    // Good partners remit everything but the last day's cash (a partner that stops
    // remitting is planted like a late remitter).
    let planted: Vec<String> =
        serde_json::from_str::<serde_json::Value>(&text).unwrap()["partners"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| {
                p["traits"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|t| t == "late_remitter" || t == "stops_remitting")
            })
            .map(|p| p["partner"].as_str().unwrap().to_string())
            .collect();
    let last = (cfg.start + Days::new(u64::from(cfg.days) - 1)).to_string();
    let mut last_day: HashMap<(String, String), u64> = HashMap::new();
    for r in deliveries
        .iter()
        .filter(|r| &r[6] == "delivered" && r[2] == *last)
    {
        *last_day
            .entry((r[4].to_string(), r[3].to_string()))
            .or_default() += paise(&r[8]);
    }
    for (k, c) in &collected {
        if !planted.contains(&k.0) {
            let r = remitted.get(k).copied().unwrap_or(0);
            assert_eq!(r + last_day.get(k).copied().unwrap_or(0), *c, "{k:?}");
        }
    }
}

#[test]
fn truth_lists_planted_partners() {
    let cfg = SimConfig {
        stations: 30,
        partners: 150,
        days: 3,
        volume: 10,
        ..SimConfig::default()
    };
    let (_d, s) = run(&cfg);
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&s.truth_path).unwrap()).unwrap();
    assert_eq!(v["seed"], 42);
    let partners = v["partners"].as_array().unwrap();
    assert!(!partners.is_empty());
    let mut by_trait: HashMap<String, usize> = HashMap::new();
    for p in partners {
        let code = p["partner"].as_str().unwrap();
        assert!(code.len() == 4 && code.bytes().all(|c| c.is_ascii_uppercase()));
        for t in p["traits"].as_array().unwrap() {
            *by_trait.entry(t.as_str().unwrap().to_string()).or_default() += 1;
        }
    }
    assert_eq!(by_trait["low_dot"], 12);
    assert_eq!(by_trait["high_loss"], 8);
    assert_eq!(by_trait["late_remitter"], 9);
    assert_eq!(by_trait["degrading"], 8);
    // 3 days leave no room for a plan: none is planted.
    assert!(!by_trait.contains_key("improves_after_plan"));
}

/// Partners planted for improvement plans: only where the period has 4 complete weeks
/// before the plan's week and 3 after it, issued on a Monday, never a partner late of
/// its own; late before the plan, then on time or later still.
#[test]
fn plans_are_planted_where_the_period_has_room() {
    let plan_partners = |days: u32| {
        let cfg = SimConfig {
            stations: 3,
            partners: 20,
            days,
            start: NaiveDate::from_ymd_opt(2026, 2, 2).unwrap(),
            seed: 7,
            volume: 300,
        };
        let (dir, s) = run(&cfg);
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&s.truth_path).unwrap()).unwrap();
        let planted: Vec<(String, String, String)> = v["partners"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| {
                let traits: Vec<&str> = p["traits"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().unwrap())
                    .collect();
                assert!(!(traits.contains(&"low_dot") && p.get("plan_on").is_some()));
                let t = traits
                    .iter()
                    .find(|t| t.contains("plan"))
                    .map(|t| t.to_string())?;
                Some((
                    p["partner"].as_str().unwrap().to_owned(),
                    t,
                    p["plan_on"].as_str().unwrap().to_owned(),
                ))
            })
            .collect();
        (dir, s, planted)
    };
    // 55 days end on a Saturday: the last complete week leaves no 4 weeks of baseline.
    assert!(plan_partners(55).2.is_empty());
    let (_dir, s, planted) = plan_partners(56);
    let kinds: HashSet<&str> = planted.iter().map(|p| p.1.as_str()).collect();
    assert_eq!(
        kinds,
        HashSet::from(["improves_after_plan", "ignores_plan"])
    );
    // Monday 2 March 2026: weeks of 2 Feb to 1 Mar before it, 9 to 29 March after it.
    assert!(planted.iter().all(|p| p.2 == "2026-03-02"));
    // On-time before the plan's week and after it, from the delivered rows.
    let plan = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let (h, rows) = read_rows(&s.deliveries_path);
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (pc, dc, sc, pb, da) = (
        col("partner"),
        col("date"),
        col("status"),
        col("promised_by"),
        col("delivered_at"),
    );
    for (partner, kind, _) in &planted {
        let mut on = [[0u32; 2]; 2];
        for r in rows.iter().filter(|r| &r[pc] == partner) {
            let day = NaiveDate::parse_from_str(&r[dc], "%Y-%m-%d").unwrap();
            let half = if day < plan {
                0
            } else if day >= plan + chrono::Duration::days(7) {
                1
            } else {
                continue;
            };
            on[half][1] += 1;
            if &r[sc] == "delivered" && r[da] <= r[pb] {
                on[half][0] += 1;
            }
        }
        let pct = |x: [u32; 2]| f64::from(x[0]) / f64::from(x[1]);
        let (before, after) = (pct(on[0]), pct(on[1]));
        assert!(before < 0.9, "{partner} is late before its plan: {before}");
        if kind == "improves_after_plan" {
            assert!(
                after > before + 0.08,
                "{partner} improves: {before} → {after}"
            );
        } else {
            assert!(
                after < before - 0.03,
                "{partner} gets worse: {before} → {after}"
            );
        }
    }
}

#[test]
fn bad_config_names_the_option() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            SimConfig {
                stations: 0,
                ..small(1)
            },
            "--stations",
        ),
        (
            SimConfig {
                partners: 0,
                ..small(1)
            },
            "--partners",
        ),
        (
            SimConfig {
                days: 0,
                ..small(1)
            },
            "--days",
        ),
        (
            SimConfig {
                volume: 0,
                ..small(1)
            },
            "--volume",
        ),
        (
            SimConfig {
                stations: 19,
                partners: 6,
                ..small(1)
            },
            "--stations",
        ),
        (
            SimConfig {
                stations: 1,
                partners: 9,
                ..small(1)
            },
            "--partners",
        ),
    ];
    for (cfg, option) in cases {
        match simulate(&cfg, dir.path()) {
            Err(SimError::BadConfig(m)) => assert!(m.contains(option), "{m}"),
            other => panic!("{cfg:?} gave {other:?}"),
        }
    }
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}

#[test]
fn creates_the_output_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a").join("b");
    let s = simulate(
        &SimConfig {
            days: 2,
            ..small(1)
        },
        &out,
    )
    .unwrap();
    assert!(s.deliveries_path.starts_with(&out));
    assert!(out.join(TRUTH_FILE).exists());
}

/// Throughput: `cargo test --release -p dspdesk-app -- --ignored --nocapture`.
#[test]
#[ignore]
fn ten_million_rows() {
    let cfg = SimConfig {
        stations: 100,
        partners: 500,
        days: 100,
        volume: 1000,
        ..SimConfig::default()
    };
    let out = std::env::temp_dir().join("dspdesk-sim-bench");
    let t = std::time::Instant::now();
    let s = simulate(&cfg, &out).unwrap();
    let secs = t.elapsed().as_secs_f64();
    let size = std::fs::metadata(&s.deliveries_path).unwrap().len();
    println!(
        "{} deliveries, {} routes, {} remittances in {secs:.2} s ({:.0} rows/s, {} MB deliveries)",
        s.deliveries,
        s.routes,
        s.remittances,
        s.deliveries as f64 / secs,
        size >> 20
    );
    std::fs::remove_dir_all(&out).unwrap();
}
