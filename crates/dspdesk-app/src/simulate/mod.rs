//! A realistic synthetic last-mile delivery network in India.
//!
//! [`simulate`] writes the three canonical input files of `metrics.md`
//! (`deliveries.csv`, `routes.csv`, `cod_remittances.csv`) plus `truth.json`, the
//! list of partners with planted problems, so that later features can be tested
//! against a known answer.
//!
//! The output is a pure function of the [`SimConfig`]: the same configuration and
//! seed give byte-identical files, whatever the number of threads. Every random
//! draw comes from a small xoshiro256** generator written here, seeded per
//! purpose (network set-up, station-day, remittance) from the seed with
//! SplitMix64, so work can be spread over threads without changing a byte.
//! Money is integer paise throughout; floats only shape probabilities and sizes.
//!
//! The shape of the network:
//! - stations (`DEL4`, `BOM12`, …) with heavy-tailed (log-normal) daily volumes;
//! - partners (4-letter codes) serving 1 to 3 stations, each station 2 to 8
//!   partners (fewer only when there are too few partners to allow 2);
//! - weekday pattern, festive season (1 Oct to 15 Nov: more volume, a little
//!   later), day-to-day noise;
//! - partner quality (on-time, completion) drifting week to week, with planted
//!   `low_dot`, `high_loss`, `late_remitter` and `degrading` partners, and (where
//!   the period has 4 complete weeks before and 3 after a plan day) partners late
//!   until an improvement plan that then improve (`improves_after_plan`) or get
//!   worse (`ignores_plan`), each with its `plan_on` date in `truth.json`;
//! - routes by mode of transport and block, packages on routes, COD collected and
//!   remitted (late and in parts by late remitters).
//!
//! The parts: `rng` (the random streams), `network` (stations, partners and who
//! serves where, built once), `day` (the rows of one station on one day), `remit`
//! (deposits of the collected COD), `write` (the output files), `format` (bytes
//! of numbers, dates and ids) and `truth` (`truth.json`).

mod day;
mod format;
pub mod invoices;
mod network;
pub use network::station_name;
mod remit;
mod rng;
mod truth;
mod write;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};

use day::StationDay;
use network::Network;
use write::{Out, Sink};

/// What to simulate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimConfig {
    /// Number of delivery stations.
    pub stations: u32,
    /// Number of delivery partners (DSPs).
    pub partners: u32,
    /// Number of consecutive days, starting at `start`.
    pub days: u32,
    /// First simulated date.
    pub start: NaiveDate,
    /// Seed of every random draw.
    pub seed: u64,
    /// Mean packages per station per day before seasonality (weekday, festive).
    pub volume: u32,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            stations: 30,
            partners: 150,
            days: 120,
            start: NaiveDate::from_ymd_opt(2026, 7, 27).expect("2026-07-27 is a date"),
            seed: 42,
            volume: 1000,
        }
    }
}

/// What [`simulate`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimSummary {
    /// Rows written to `deliveries.csv`.
    pub deliveries: u64,
    /// Rows written to `routes.csv`.
    pub routes: u64,
    /// Rows written to `cod_remittances.csv`.
    pub remittances: u64,
    /// Station × day pairs simulated.
    pub station_days: u64,
    pub deliveries_path: PathBuf,
    pub routes_path: PathBuf,
    pub remittances_path: PathBuf,
    pub truth_path: PathBuf,
}

/// Why [`simulate`] failed.
#[derive(thiserror::Error, Debug)]
pub enum SimError {
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid simulation settings: {0}")]
    BadConfig(String),
}

pub const DELIVERIES_FILE: &str = "deliveries.csv";
pub const ROUTES_FILE: &str = "routes.csv";
pub const REMITTANCES_FILE: &str = "cod_remittances.csv";
pub const TRUTH_FILE: &str = "truth.json";

const DELIVERIES_HEADER: &[u8] = b"package_id,route_id,date,station,partner,promised_by,status,delivered_at,cod_amount,declared_value,vas\n";
const ROUTES_HEADER: &[u8] =
    b"route_id,date,station,partner,block_hours,mot,distance_km,supervisor,driver,payout,cost\n";
const REMITTANCES_HEADER: &[u8] = b"partner,station,date,amount,reference\n";

/// The most stations a partner serves.
const MAX_STATIONS_PER_PARTNER: u32 = 3;
/// The most partners at a station.
const MAX_PARTNERS_PER_STATION: u32 = 8;
/// The largest accepted `volume`.
const MAX_VOLUME: u32 = 10_000_000;

// ---------------------------------------------------------------------------
// Public entry point
// ---------------------------------------------------------------------------

/// Simulates the network described by `cfg` and writes its files into `out_dir`
/// (created when missing): `deliveries.csv`, `routes.csv`, `cod_remittances.csv`
/// and `truth.json`.
pub fn simulate(cfg: &SimConfig, out_dir: &Path) -> Result<SimSummary, SimError> {
    validate(cfg)?;
    std::fs::create_dir_all(out_dir).map_err(|source| SimError::Io {
        path: out_dir.to_path_buf(),
        source,
    })?;
    let net = Network::build(cfg);

    let deliveries_path = out_dir.join(DELIVERIES_FILE);
    let routes_path = out_dir.join(ROUTES_FILE);
    let remittances_path = out_dir.join(REMITTANCES_FILE);
    let truth_path = out_dir.join(TRUTH_FILE);

    let mut sink = Sink {
        deliveries: Out::create(&deliveries_path)?,
        routes: Out::create(&routes_path)?,
        collections: Vec::new(),
        delivery_rows: 0,
        route_rows: 0,
    };
    sink.deliveries.write(DELIVERIES_HEADER)?;
    sink.routes.write(ROUTES_HEADER)?;

    // Generate day d+1 while day d is written.
    let days = net.days;
    let mut pending: Option<Vec<StationDay>> = None;
    for day in 0..=days {
        let mut prev = pending.take();
        // Packages left attempted or rejected yesterday go out again today.
        let carry: Vec<_> = prev
            .as_mut()
            .map(|batch| {
                batch
                    .iter_mut()
                    .map(|sd| std::mem::take(&mut sd.carry))
                    .collect()
            })
            .unwrap_or_default();
        let (written, next) = rayon::join(
            || match prev {
                Some(batch) => sink.take(batch),
                None => Ok(()),
            },
            || (day < days).then(|| net.generate_day(day, &carry)),
        );
        written?;
        pending = next;
    }
    sink.deliveries.finish()?;
    sink.routes.finish()?;

    let remittances = net.remittances(&sink.collections);
    let mut out = Out::create(&remittances_path)?;
    out.write(REMITTANCES_HEADER)?;
    let mut buf = Vec::with_capacity(1 << 16);
    for r in &remittances {
        net.push_remittance(&mut buf, r);
        if buf.len() > 1 << 15 {
            out.write(&buf)?;
            buf.clear();
        }
    }
    out.write(&buf)?;
    out.finish()?;

    let mut truth = serde_json::to_vec_pretty(&net.truth()).expect("truth serializes");
    truth.push(b'\n');
    std::fs::write(&truth_path, truth).map_err(|source| SimError::Io {
        path: truth_path.clone(),
        source,
    })?;

    Ok(SimSummary {
        deliveries: sink.delivery_rows,
        routes: sink.route_rows,
        remittances: remittances.len() as u64,
        station_days: u64::from(cfg.stations) * u64::from(cfg.days),
        deliveries_path,
        routes_path,
        remittances_path,
        truth_path,
    })
}

fn validate(cfg: &SimConfig) -> Result<(), SimError> {
    let bad = |m: String| Err(SimError::BadConfig(m));
    if cfg.stations == 0 {
        return bad(
            "--stations must be at least 1: give the number of delivery stations to simulate"
                .into(),
        );
    }
    if cfg.partners == 0 {
        return bad(
            "--partners must be at least 1: give the number of delivery partners to simulate"
                .into(),
        );
    }
    if cfg.days == 0 {
        return bad("--days must be at least 1: give the number of days to simulate".into());
    }
    if cfg.volume == 0 {
        return bad(
            "--volume must be at least 1: give the mean packages per station per day".into(),
        );
    }
    if cfg.volume > MAX_VOLUME {
        return bad(format!(
            "--volume {} is too large: use at most {MAX_VOLUME} packages per station per day",
            cfg.volume
        ));
    }
    let (s, p) = (u64::from(cfg.stations), u64::from(cfg.partners));
    if s > p * u64::from(MAX_STATIONS_PER_PARTNER) {
        return bad(format!(
            "--stations {s} is more than {MAX_STATIONS_PER_PARTNER} times --partners {p}: a partner serves at most \
             {MAX_STATIONS_PER_PARTNER} stations, so some stations would have no partner; raise --partners to at \
             least {} or lower --stations",
            s.div_ceil(u64::from(MAX_STATIONS_PER_PARTNER))
        ));
    }
    if p > s * u64::from(MAX_PARTNERS_PER_STATION) {
        return bad(format!(
            "--partners {p} is more than {MAX_PARTNERS_PER_STATION} times --stations {s}: a station has at most \
             {MAX_PARTNERS_PER_STATION} partners, so some partners would have no station; raise --stations to at \
             least {} or lower --partners",
            p.div_ceil(u64::from(MAX_PARTNERS_PER_STATION))
        ));
    }
    if s * u64::from(cfg.days) >= 1 << 28 {
        return bad(format!(
            "--stations {s} times --days {} is too large: keep the number of station-days below {}",
            cfg.days,
            1u64 << 28
        ));
    }
    if cfg
        .start
        .checked_add_days(Days::new(u64::from(cfg.days) + 8))
        .is_none()
    {
        return bad(format!(
            "--start {} plus --days {} goes past the last supported date: use fewer days or an earlier start",
            cfg.start, cfg.days
        ));
    }
    Ok(())
}
