//! Property: whatever the rows, the engine's daily facts rolled up to any slice equal a
//! recount straight from the rows (and ingest's spilling changes nothing).

use chrono::NaiveDate;
use dspdesk_core::{Counts, Outcome, Status};
use dspdesk_lake::{
    DayMode, ImportProfile, Kind, Lake, Progress, StageOptions, Zones, engine, finalize, stage,
};
use proptest::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

#[derive(Debug, Clone)]
struct Row {
    station: usize,
    day: u32,
    partner: usize,
    route: Option<usize>,
    status: Status,
    /// Minutes from the promise to the delivery (negative: early).
    minutes_late: i64,
    cod_paise: i64,
    declared_paise: i64,
    vas: bool,
}

fn any_row() -> impl Strategy<Value = Row> {
    (
        0..2usize,
        20..22u32,
        0..3usize,
        prop::option::weighted(0.9, 0..4usize),
        prop::sample::select(Status::ALL.to_vec()),
        -120..120i64,
        0..500_000i64,
        0..900_000i64,
        any::<bool>(),
    )
        .prop_map(
            |(
                station,
                day,
                partner,
                route,
                status,
                minutes_late,
                cod_paise,
                declared_paise,
                vas,
            )| Row {
                station,
                day,
                partner,
                route,
                status,
                minutes_late,
                cod_paise,
                declared_paise,
                vas,
            },
        )
}

const STATIONS: [&str; 2] = ["DEL4", "BOM1"];
const PARTNERS: [&str; 3] = ["SWFT", "ZIPX", "ACME"];

fn money(p: i64) -> String {
    format!("{}.{:02}", p / 100, p % 100)
}

fn csv_text(rows: &[Row]) -> String {
    let mut s = String::from(
        "package_id,route_id,date,station,partner,promised_by,status,delivered_at,cod_amount,declared_value,vas\n",
    );
    for (i, r) in rows.iter().enumerate() {
        let promise = format!("2026-11-{}T18:00:00+05:30", r.day);
        let delivered = if r.status == Status::Delivered {
            let t = chrono::DateTime::parse_from_rfc3339(&promise).unwrap()
                + chrono::Duration::minutes(r.minutes_late);
            t.to_rfc3339()
        } else {
            String::new()
        };
        s.push_str(&format!(
            "P{i},{},2026-11-{},{},{},{promise},{},{delivered},{},{},{}\n",
            r.route.map(|x| format!("R{x}")).unwrap_or_default(),
            r.day,
            STATIONS[r.station],
            PARTNERS[r.partner],
            r.status,
            money(r.cod_paise),
            money(r.declared_paise),
            if r.vas { "open_box" } else { "" },
        ));
    }
    s
}

/// The engine's facts per (station, date, partner), through stage and finalize.
fn engine_facts(rows: &[Row], spill_rows: usize) -> BTreeMap<(String, NaiveDate, String), Counts> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("d.csv");
    std::fs::write(&input, csv_text(rows)).unwrap();
    let lake = Lake::open(&dir.path().join("lake")).unwrap();
    let zones = Zones {
        by_station: HashMap::new(),
        default: chrono_tz::Asia::Kolkata,
    };
    let opts = StageOptions {
        spill_rows,
        ..StageOptions::default()
    };
    let staged = stage(
        &input,
        Kind::Deliveries,
        &ImportProfile::default(),
        &zones,
        &lake.staging_dir("t"),
        &opts,
        Arc::new(Progress::default()),
    )
    .unwrap();
    let written = finalize(&staged, &lake, "t", &HashMap::new(), DayMode::Strict).unwrap();
    let mut out = BTreeMap::new();
    for day in written {
        let facts = engine::station_day_facts(Some(&lake.absolute(&day.path)), None).unwrap();
        for (partner, c) in facts {
            out.insert((day.station.clone(), day.date, partner), c);
        }
    }
    out
}

/// Counts of a set of rows, recounted one by one, routes as distinct (route, station, day).
fn recount<'a>(rows: impl Iterator<Item = &'a Row>) -> Counts {
    let mut c = Counts::default();
    let mut routes = HashSet::new();
    for r in rows {
        c.add_outcome(&Outcome {
            status: r.status,
            delivered_in_time: r.minutes_late <= 0,
            declared_value_minor: r.declared_paise,
            cod_amount_minor: r.cod_paise,
            has_vas: r.vas,
            has_route: r.route.is_some(),
        });
        if let Some(route) = r.route {
            routes.insert((route, r.station, r.day, r.partner));
        }
    }
    c.routes = routes.len() as i64;
    c
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn rollups_of_engine_facts_equal_a_recount_from_the_rows(
        rows in prop::collection::vec(any_row(), 1..120),
        spill in prop::sample::select(vec![3usize, 17, 1_000_000]),
    ) {
        let facts = engine_facts(&rows, spill);
        // Each fact, and the roll-ups by partner, by station and of the network.
        for ((station, date, partner), c) in &facts {
            let expected = recount(rows.iter().filter(|r| STATIONS[r.station] == station && PARTNERS[r.partner] == partner && r.day == date.format("%d").to_string().parse::<u32>().unwrap()));
            prop_assert_eq!(c, &expected);
        }
        for (p, name) in PARTNERS.iter().enumerate() {
            let rolled: Counts = facts.iter().filter(|(k, _)| k.2 == *name).map(|(_, c)| *c).sum();
            let expected = recount(rows.iter().filter(|r| r.partner == p));
            prop_assert_eq!(rolled, expected);
            prop_assert_eq!(rolled.dot_pct(), expected.dot_pct());
            prop_assert_eq!(rolled.packages_per_route(), expected.packages_per_route());
        }
        for (s, name) in STATIONS.iter().enumerate() {
            let rolled: Counts = facts.iter().filter(|(k, _)| k.0 == *name).map(|(_, c)| *c).sum();
            prop_assert_eq!(rolled, recount(rows.iter().filter(|r| r.station == s)));
        }
        let network: Counts = facts.values().copied().sum();
        prop_assert_eq!(network, recount(rows.iter()));
    }
}
