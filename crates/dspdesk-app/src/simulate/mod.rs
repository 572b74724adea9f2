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
//!   `low_dot`, `high_loss`, `late_remitter` and `degrading` partners;
//! - routes by mode of transport and block, packages on routes, COD collected and
//!   remitted (late and in parts by late remitters).

use std::collections::HashSet;
use std::f64::consts::PI;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, Days, NaiveDate};
use rayon::prelude::*;
use serde::Serialize;

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
        let prev = pending.take();
        let (written, next) = rayon::join(
            || match prev {
                Some(batch) => sink.take(batch),
                None => Ok(()),
            },
            || (day < days).then(|| net.generate_day(day)),
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

// ---------------------------------------------------------------------------
// Random numbers
// ---------------------------------------------------------------------------

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Purposes of random streams: each gets its own, so adding draws to one purpose
/// does not shift another.
mod tag {
    pub const STATIONS: u64 = 1;
    pub const PARTNERS: u64 = 2;
    pub const TRAITS: u64 = 3;
    pub const ASSIGN: u64 = 4;
    pub const QUALITY: u64 = 5;
    pub const DAY: u64 = 6;
    pub const REMIT: u64 = 7;
    pub const PACKAGE_ID: u64 = 8;
}

/// xoshiro256** (Blackman and Vigna), seeded through SplitMix64.
#[derive(Clone, Debug)]
struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A stream for `seed` and a key naming its purpose (tag, day, station, …).
    fn new(seed: u64, key: &[u64]) -> Rng {
        let mut st = seed;
        let mut h = splitmix64(&mut st);
        for &k in key {
            let mut st = h ^ k.wrapping_mul(0xD6E8_FEB8_6659_FD93);
            h = splitmix64(&mut st);
        }
        let mut st = h;
        let s = [
            splitmix64(&mut st),
            splitmix64(&mut st),
            splitmix64(&mut st),
            splitmix64(&mut st),
        ];
        Rng { s }
    }

    #[inline]
    fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    #[inline]
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [lo, hi).
    #[inline]
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in [0, n); n > 0.
    #[inline]
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform integer in [lo, hi] (inclusive).
    #[inline]
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    #[inline]
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Standard normal (Box–Muller, one value per call).
    fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.unit(); // (0, 1]
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (2.0 * PI * u2).cos()
    }

    /// An index drawn with the given (not necessarily normalised) weights.
    fn weighted(&mut self, w: &[f64]) -> usize {
        let total: f64 = w.iter().sum();
        let mut x = self.unit() * total;
        for (i, &wi) in w.iter().enumerate() {
            if x < wi {
                return i;
            }
            x -= wi;
        }
        w.len() - 1
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            v.swap(i, j);
        }
    }
}

// ---------------------------------------------------------------------------
// The network
// ---------------------------------------------------------------------------

/// City prefixes (airport codes, as station codes usually are) and the weight
/// of each city in the station count.
const CITIES: &[(&str, u32)] = &[
    ("DEL", 14),
    ("BOM", 13),
    ("BLR", 13),
    ("HYD", 9),
    ("MAA", 8),
    ("CCU", 7),
    ("PNQ", 6),
    ("AMD", 5),
    ("JAI", 3),
    ("LKO", 3),
    ("COK", 2),
    ("IXC", 2),
    ("NAG", 2),
    ("IDR", 2),
    ("BHO", 2),
    ("PAT", 2),
    ("GAU", 2),
    ("VTZ", 2),
    ("CJB", 2),
    ("BBI", 2),
    ("STV", 2),
    ("TRV", 1),
    ("IXR", 1),
    ("RPR", 1),
    ("IXM", 1),
];

/// Modes of transport: the three vehicle kinds, then their EV variants.
const MOT: [&[u8]; 6] = [b"2W", b"3W", b"4W", b"EV2W", b"EV3W", b"EV4W"];
/// Packages per route by vehicle kind (EV variants carry the same).
const LOAD: [(u32, u32); 3] = [(20, 35), (40, 70), (80, 140)];
/// Kilometres per block hour by vehicle kind.
const KM_PER_HOUR: [f64; 3] = [7.5, 6.0, 8.5];
const BLOCKS: [u32; 4] = [4, 6, 8, 10];
/// Where in the load range a route of each block tends to fall.
const BLOCK_LOAD_BIAS: [f64; 4] = [0.0, 0.2, 0.3, 0.5];
/// Weekday volume factors, Monday first (normalised to a mean of 1 at use).
const WEEKDAY: [f64; 7] = [1.10, 1.06, 1.03, 1.00, 0.99, 0.92, 0.70];

const PROMISE_EVENING: u32 = 21 * 3600;
const PROMISE_EARLY: u32 = 18 * 3600;
const DAY_START: u32 = 8 * 3600;
const SHARE_EARLY_PROMISE: f64 = 0.15;
const EXACTLY_AT_PROMISE: f64 = 0.003;
const P_LOST: f64 = 0.0002;
const P_DAMAGED: f64 = 0.0001;
const HIGH_LOSS_FACTOR: f64 = 10.0;
const SHARE_COD: f64 = 0.55;
/// Split of undelivered packages: attempted, rejected, rts.
const UNDELIVERED: [f64; 3] = [0.68, 0.18, 0.14];
const VAS: [&[u8]; 4] = [b"open_box", b"try_and_buy", b"install", b"exchange"];
const VAS_WEIGHTS: [f64; 4] = [0.45, 0.25, 0.15, 0.15];

const RATE_LOW_DOT: f64 = 0.08;
const RATE_HIGH_LOSS: f64 = 0.05;
const RATE_LATE_REMITTER: f64 = 0.06;
const RATE_DEGRADING: f64 = 0.05;

#[derive(Debug, Default, Clone, Copy)]
struct Traits {
    low_dot: bool,
    high_loss: bool,
    late_remitter: bool,
    degrading: bool,
}

impl Traits {
    fn names(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.low_dot {
            v.push("low_dot");
        }
        if self.high_loss {
            v.push("high_loss");
        }
        if self.late_remitter {
            v.push("late_remitter");
        }
        if self.degrading {
            v.push("degrading");
        }
        v
    }

    fn any(&self) -> bool {
        self.low_dot || self.high_loss || self.late_remitter || self.degrading
    }
}

#[derive(Debug)]
struct Partner {
    code: [u8; 4],
    traits: Traits,
    /// On-time probability of a delivered package, per simulated week.
    dot_week: Vec<f64>,
    /// Delivery completion probability, per simulated week.
    dcr_week: Vec<f64>,
    /// On-time lost by the last day (degrading partners), else 0.
    degrade_drop: f64,
    /// Route weights of 2W, 3W, 4W.
    mot_w: [f64; 3],
    /// Share of routes on an EV.
    ev_share: f64,
    /// Route weights of the blocks 4, 6, 8, 10 hours.
    block_w: [f64; 4],
    vas_rate: f64,
    /// Late remitters: chance that a deposit is only part of the cash.
    partial_rate: f64,
}

#[derive(Debug)]
struct Slot {
    partner: usize,
    share: f64,
    n_sup: u32,
    sup_base: u32,
    n_drv: u32,
    drv_base: u32,
}

#[derive(Debug)]
struct Station {
    code: String,
    city: usize,
    /// Mean packages per day before seasonality.
    volume: f64,
    dot_adj: f64,
    dcr_adj: f64,
    /// Partners of the station, in partner-code order.
    slots: Vec<Slot>,
}

#[derive(Debug)]
struct DateInfo {
    iso: [u8; 10],
    compact: [u8; 8],
    /// Weekday × festive volume factor.
    factor: f64,
    /// 0 outside the festive season, else in [0, 1].
    festive: f64,
    festive_on: bool,
}

struct Network {
    seed: u64,
    cfg: SimConfig,
    days: u32,
    stations: Vec<Station>,
    partners: Vec<Partner>,
    /// Days 0..=days (one extra for deliveries late past midnight).
    dates: Vec<DateInfo>,
    id_key: u64,
}

impl Network {
    fn build(cfg: &SimConfig) -> Network {
        let seed = cfg.seed;
        let dates = build_dates(cfg);
        let mut stations = build_stations(cfg);
        let mut partners = build_partners(cfg);
        assign(cfg, &mut stations, &partners);
        plant_traits(cfg, &mut partners);
        build_quality(cfg, &mut partners);
        let mut st = seed ^ tag::PACKAGE_ID;
        let id_key = splitmix64(&mut st);
        Network {
            seed,
            cfg: cfg.clone(),
            days: cfg.days,
            stations,
            partners,
            dates,
            id_key,
        }
    }

    fn truth(&self) -> Truth {
        let partners = self
            .partners
            .iter()
            .filter(|p| p.traits.any())
            .map(|p| TruthPartner {
                partner: code_str(&p.code),
                traits: p.traits.names(),
            })
            .collect();
        Truth {
            seed: self.seed,
            config: TruthConfig {
                stations: self.cfg.stations,
                partners: self.cfg.partners,
                days: self.cfg.days,
                start: self.cfg.start.to_string(),
                volume: self.cfg.volume,
            },
            partners,
        }
    }

    fn generate_day(&self, day: u32) -> Vec<StationDay> {
        (0..self.stations.len())
            .into_par_iter()
            .map(|si| self.station_day(day, si))
            .collect()
    }
}

#[derive(Serialize)]
struct Truth {
    seed: u64,
    config: TruthConfig,
    partners: Vec<TruthPartner>,
}

#[derive(Serialize)]
struct TruthConfig {
    stations: u32,
    partners: u32,
    days: u32,
    start: String,
    volume: u32,
}

#[derive(Serialize)]
struct TruthPartner {
    partner: String,
    traits: Vec<&'static str>,
}

fn code_str(c: &[u8; 4]) -> String {
    String::from_utf8_lossy(c).into_owned()
}

fn build_dates(cfg: &SimConfig) -> Vec<DateInfo> {
    let mean_wd = WEEKDAY.iter().sum::<f64>() / 7.0;
    (0..=cfg.days)
        .map(|d| {
            let date = cfg.start + Days::new(u64::from(d));
            let s = date.format("%Y-%m-%d").to_string();
            let mut iso = [0u8; 10];
            iso.copy_from_slice(s.as_bytes());
            let mut compact = [0u8; 8];
            compact[..4].copy_from_slice(&iso[..4]);
            compact[4..6].copy_from_slice(&iso[5..7]);
            compact[6..].copy_from_slice(&iso[8..10]);
            let wd = WEEKDAY[date.weekday().num_days_from_monday() as usize] / mean_wd;
            let (festive_on, festive) = festive_intensity(date);
            let fest_factor = if festive_on { 1.4 + 0.3 * festive } else { 1.0 };
            DateInfo {
                iso,
                compact,
                factor: wd * fest_factor,
                festive,
                festive_on,
            }
        })
        .collect()
}

/// Whether `date` is in the festive season (1 Oct to 15 Nov) and how intense it
/// is: a bump from 0 at the edges to 1 in the middle (around Diwali).
fn festive_intensity(date: NaiveDate) -> (bool, f64) {
    let (m, d) = (date.month(), date.day());
    if !(m == 10 || (m == 11 && d <= 15)) {
        return (false, 0.0);
    }
    let oct1 = NaiveDate::from_ymd_opt(date.year(), 10, 1).expect("1 Oct exists");
    let t = (date - oct1).num_days() as f64 / 45.0;
    (true, (PI * t).sin())
}

fn build_stations(cfg: &SimConfig) -> Vec<Station> {
    let mut rng = Rng::new(cfg.seed, &[tag::STATIONS]);
    let weights: Vec<f64> = CITIES.iter().map(|c| f64::from(c.1)).collect();
    let mut counters = vec![0u32; CITIES.len()];
    let n = cfg.stations as usize;
    // Heavy-tailed sizes: log-normal, smallest about a tenth of the mean.
    let sigma = 0.85;
    let mut sizes: Vec<f64> = (0..n).map(|_| (sigma * rng.normal()).exp()).collect();
    for _ in 0..2 {
        let mean = sizes.iter().sum::<f64>() / n as f64;
        for s in &mut sizes {
            *s = (*s / mean).max(0.1);
        }
    }
    let mut stations: Vec<Station> = sizes
        .into_iter()
        .map(|size| {
            let city = rng.weighted(&weights);
            counters[city] += 1 + rng.below(3) as u32;
            Station {
                code: format!("{}{}", CITIES[city].0, counters[city]),
                city,
                volume: size * f64::from(cfg.volume),
                dot_adj: 0.008 * rng.normal(),
                dcr_adj: 0.004 * rng.normal(),
                slots: Vec::new(),
            }
        })
        .collect();
    stations.sort_by(|a, b| a.code.cmp(&b.code));
    stations
}

fn build_partners(cfg: &SimConfig) -> Vec<Partner> {
    const CONS: &[u8] = b"BCDFGHJKLMNPRSTVWXZ";
    const VOW: &[u8] = b"AEIOU";
    const ANY: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    // C: consonant, V: vowel, A: any letter.
    const PATTERNS: [&[u8; 4]; 5] = [b"CVCC", b"CCVC", b"CVCV", b"CCCC", b"CVCA"];
    const PATTERN_W: [f64; 5] = [0.35, 0.25, 0.15, 0.15, 0.10];
    let mut rng = Rng::new(cfg.seed, &[tag::PARTNERS]);
    let mut seen = HashSet::new();
    let mut partners = Vec::with_capacity(cfg.partners as usize);
    while partners.len() < cfg.partners as usize {
        let pat = PATTERNS[rng.weighted(&PATTERN_W)];
        let mut code = [0u8; 4];
        for (c, &p) in code.iter_mut().zip(pat.iter()) {
            let set = match p {
                b'C' => CONS,
                b'V' => VOW,
                _ => ANY,
            };
            *c = set[rng.below(set.len() as u64) as usize];
        }
        if !seen.insert(code) {
            continue;
        }
        let mut mot_w = [
            rng.uniform(0.45, 0.65),
            rng.uniform(0.18, 0.32),
            rng.uniform(0.10, 0.22),
        ];
        let t: f64 = mot_w.iter().sum();
        mot_w.iter_mut().for_each(|w| *w /= t);
        let block_w = [
            rng.uniform(0.05, 0.12),
            rng.uniform(0.12, 0.22),
            rng.uniform(0.50, 0.65),
            rng.uniform(0.10, 0.22),
        ];
        partners.push(Partner {
            code,
            traits: Traits::default(),
            dot_week: Vec::new(),
            dcr_week: Vec::new(),
            degrade_drop: 0.0,
            mot_w,
            ev_share: rng.uniform(0.05, 0.15),
            block_w,
            vas_rate: rng.uniform(0.015, 0.065),
            partial_rate: rng.uniform(0.3, 0.6),
        });
    }
    partners.sort_by_key(|a| a.code);
    partners
}

/// Plants the bad partners: fixed shares of the partners, drawn at random.
/// `low_dot` and `degrading` exclude each other; the others may combine.
fn plant_traits(cfg: &SimConfig, partners: &mut [Partner]) {
    let mut rng = Rng::new(cfg.seed, &[tag::TRAITS]);
    let n = partners.len();
    let count = |rate: f64| ((n as f64 * rate).round() as usize).min(n);
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    let n_low = count(RATE_LOW_DOT);
    let n_deg = count(RATE_DEGRADING).min(n - n_low);
    for &i in &order[..n_low] {
        partners[i].traits.low_dot = true;
    }
    for &i in &order[n_low..n_low + n_deg] {
        partners[i].traits.degrading = true;
    }
    rng.shuffle(&mut order);
    for &i in &order[..count(RATE_HIGH_LOSS)] {
        partners[i].traits.high_loss = true;
    }
    rng.shuffle(&mut order);
    for &i in &order[..count(RATE_LATE_REMITTER)] {
        partners[i].traits.late_remitter = true;
    }
}

/// Base quality per partner and its week-to-week drift (a mean-reverting random
/// walk).
fn build_quality(cfg: &SimConfig, partners: &mut [Partner]) {
    let weeks = cfg.days.div_ceil(7) as usize;
    for (i, p) in partners.iter_mut().enumerate() {
        let mut rng = Rng::new(cfg.seed, &[tag::QUALITY, i as u64]);
        // Most partners are good: skewed towards the top of the range.
        let base_dot = if p.traits.low_dot {
            rng.uniform(0.70, 0.85)
        } else {
            0.995 - 0.07 * rng.unit().powi(2)
        };
        let base_dcr = 0.995 - 0.055 * rng.unit().powi(2);
        if p.traits.degrading {
            p.degrade_drop = rng.uniform(0.12, 0.22);
        }
        let (mut walk_dot, mut walk_dcr) = (0.0, 0.0);
        for _ in 0..weeks {
            walk_dot = 0.7 * walk_dot + 0.006 * rng.normal();
            walk_dcr = 0.7 * walk_dcr + 0.003 * rng.normal();
            p.dot_week.push((base_dot + walk_dot).clamp(0.5, 0.995));
            p.dcr_week.push((base_dcr + walk_dcr).clamp(0.8, 0.998));
        }
    }
}

/// Decides which partners serve which stations: each partner 1 to 3 stations,
/// each station 2 to 8 partners (1 to 8 when partners are too few), bigger
/// stations more partners. Then sets partner shares and driver and supervisor
/// pools.
fn assign(cfg: &SimConfig, stations: &mut [Station], partners: &[Partner]) {
    let mut rng = Rng::new(cfg.seed, &[tag::ASSIGN]);
    let s = stations.len();
    let p = partners.len();
    let lo = if p >= 2 && 2 * s <= 3 * p { 2 } else { 1 };
    let max_k = (MAX_STATIONS_PER_PARTNER as usize).min(s);
    let max_d = (MAX_PARTNERS_PER_STATION as usize).min(p);
    let k_lo = p.max(lo * s);
    let k_hi = (p * max_k).min(s * max_d);
    let total = ((p as f64 * 1.35).round() as usize).clamp(k_lo, k_hi);

    // Stations per partner.
    let mut k = vec![1usize; p];
    let mut extra = total - p;
    while extra > 0 {
        let i = rng.below(p as u64) as usize;
        if k[i] < max_k {
            k[i] += 1;
            extra -= 1;
        }
    }

    // Partners per station, by size.
    let vol_total: f64 = stations.iter().map(|st| st.volume).sum();
    let spare = (total - lo * s) as f64;
    let want: Vec<f64> = stations
        .iter()
        .map(|st| lo as f64 + spare * st.volume / vol_total)
        .collect();
    let mut d: Vec<usize> = want
        .iter()
        .map(|&w| (w.floor() as usize).min(max_d))
        .collect();
    let mut by_rest: Vec<usize> = (0..s).collect();
    by_rest.sort_by(|&a, &b| {
        let ra = want[a] - d[a] as f64;
        let rb = want[b] - d[b] as f64;
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let mut left = total - d.iter().sum::<usize>();
    while left > 0 {
        for &i in &by_rest {
            if left > 0 && d[i] < max_d {
                d[i] += 1;
                left -= 1;
            }
        }
    }

    // Realise the two degree sequences (Ryser's greedy: partners with most
    // stations first, each to the stations with most room left; ties go to the
    // partner's home city, then at random).
    let mut order: Vec<usize> = (0..p).collect();
    rng.shuffle(&mut order);
    order.sort_by(|&a, &b| k[b].cmp(&k[a]));
    let tiebreak: Vec<u64> = (0..s).map(|_| rng.next_u64()).collect();
    let mut room = d.clone();
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); s];
    let mut of_partner: Vec<Vec<usize>> = vec![Vec::new(); p];
    for &pi in &order {
        let home = stations[rng.below(s as u64) as usize].city;
        let mut cand: Vec<usize> = (0..s).filter(|&i| room[i] > 0).collect();
        cand.sort_by(|&a, &b| {
            room[b]
                .cmp(&room[a])
                .then((stations[b].city == home).cmp(&(stations[a].city == home)))
                .then(tiebreak[a].cmp(&tiebreak[b]))
        });
        for &si in cand.iter().take(k[pi]) {
            room[si] -= 1;
            members[si].push(pi);
            of_partner[pi].push(si);
        }
    }
    // Repairs, for sequences the greedy could not realise (tiny networks only):
    // every partner gets a station, every station gets partners.
    for (pi, at) in of_partner.iter_mut().enumerate() {
        if at.is_empty() {
            let si = (0..s)
                .min_by_key(|&i| (members[i].len(), i))
                .expect("a station");
            members[si].push(pi);
            at.push(si);
        }
    }
    for (si, mem) in members.iter_mut().enumerate() {
        while mem.len() < lo.min(p) {
            let pi = (0..p)
                .filter(|pi| !mem.contains(pi))
                .min_by_key(|&pi| (of_partner[pi].len(), pi))
                .expect("a partner not yet at the station");
            mem.push(pi);
            of_partner[pi].push(si);
        }
    }

    // Shares, pools of drivers and supervisors (numbered per partner across its
    // stations, in station order).
    let mut next_drv = vec![0u32; p];
    let mut next_sup = vec![0u32; p];
    for (st, mut mem) in stations.iter_mut().zip(members) {
        mem.sort_unstable();
        let shares: Vec<f64> = mem.iter().map(|_| (0.7 * rng.normal()).exp()).collect();
        let sum: f64 = shares.iter().sum();
        st.slots = mem
            .into_iter()
            .zip(shares)
            .map(|(pi, sh)| {
                let share = sh / sum;
                // Peak day: festive 1.7, Monday, noise; ~40 packages a route.
                let peak_routes = st.volume * share * 1.7 * 1.15 * 1.25 / 40.0;
                let n_drv = (peak_routes * 1.2).ceil() as u32 + 2;
                let n_sup = if n_drv < 6 {
                    1
                } else {
                    n_drv.div_ceil(12).clamp(2, 6)
                };
                let slot = Slot {
                    partner: pi,
                    share,
                    n_sup,
                    sup_base: next_sup[pi],
                    n_drv,
                    drv_base: next_drv[pi],
                };
                next_sup[pi] += n_sup;
                next_drv[pi] += n_drv;
                slot
            })
            .collect();
    }
}

// ---------------------------------------------------------------------------
// One station-day
// ---------------------------------------------------------------------------

/// The rows of one station on one day, and the COD each partner collected.
struct StationDay {
    deliveries: Vec<u8>,
    routes: Vec<u8>,
    delivery_rows: u64,
    route_rows: u64,
    day: u32,
    station: usize,
    /// (slot index, paise collected) for slots that collected any.
    cod: Vec<(usize, u64)>,
}

struct RouteSpec {
    kind: usize,
    ev: bool,
    block: usize,
    load: u32,
}

impl Network {
    fn station_day(&self, day: u32, si: usize) -> StationDay {
        let st = &self.stations[si];
        let date = &self.dates[day as usize];
        let next_date = &self.dates[day as usize + 1];
        let mut rng = Rng::new(self.seed, &[tag::DAY, u64::from(day), si as u64]);

        let noise = (0.06 * rng.normal()).exp();
        let n_total = (st.volume * date.factor * noise).round();
        let weights: Vec<f64> = st
            .slots
            .iter()
            .map(|sl| sl.share * (0.15 * rng.normal()).exp())
            .collect();
        let wsum: f64 = weights.iter().sum();

        let expect = (n_total as usize) * 150 + 1024;
        let mut out = StationDay {
            deliveries: Vec::with_capacity(expect),
            routes: Vec::with_capacity(expect / 20),
            delivery_rows: 0,
            route_rows: 0,
            day,
            station: si,
            cod: Vec::new(),
        };
        let week = (day / 7) as usize;
        let t_period = if self.days > 1 {
            f64::from(day) / f64::from(self.days - 1)
        } else {
            0.0
        };
        let (fest_dot, fest_dcr) = if date.festive_on {
            (0.02 + 0.02 * date.festive, 0.005 + 0.01 * date.festive)
        } else {
            (0.0, 0.0)
        };
        let id_base = (u64::from(day) * self.stations.len() as u64 + si as u64) << 32;
        let mut pkg_index: u64 = 0;
        let mut specs: Vec<RouteSpec> = Vec::new();
        let mut pool: Vec<u32> = Vec::new();
        let mut prefix: Vec<u8> = Vec::with_capacity(96);

        for (slot_i, (slot, w)) in st.slots.iter().zip(&weights).enumerate() {
            let n = (n_total * w / wsum).round() as u32;
            if n == 0 {
                continue;
            }
            let partner = &self.partners[slot.partner];
            let code = &partner.code;

            // Quality of the day.
            let dot = partner.dot_week[week] + st.dot_adj + 0.012 * rng.normal()
                - fest_dot
                - partner.degrade_drop * t_period;
            let dcr = (partner.dcr_week[week] + st.dcr_adj + 0.006 * rng.normal() - fest_dcr)
                .clamp(0.6, 0.998);
            let loss = if partner.traits.high_loss {
                HIGH_LOSS_FACTOR
            } else {
                1.0
            };
            let p_lost = P_LOST * loss;
            let p_gone = p_lost + P_DAMAGED * loss;

            // Routes: vehicles until their capacity covers the packages, then
            // the packages spread over them (or over one vehicle fewer when the
            // others can take the last one's packages within 10% over capacity).
            specs.clear();
            let mut capacity = 0;
            while capacity < n {
                let mut kind = rng.weighted(&partner.mot_w);
                let ev = rng.chance(partner.ev_share);
                let block = rng.weighted(&partner.block_w);
                if n - capacity < LOAD[kind].0 {
                    kind = 0;
                }
                let (lo, hi) = LOAD[kind];
                let u = (0.5 * rng.unit() + BLOCK_LOAD_BIAS[block]).min(1.0);
                let cap = lo + (f64::from(hi - lo) * u).round() as u32;
                capacity += cap;
                specs.push(RouteSpec {
                    kind,
                    ev,
                    block,
                    load: cap,
                });
            }
            if specs.len() > 1 {
                let last = specs[specs.len() - 1].load;
                if u64::from(n) * 10 <= u64::from(capacity - last) * 11 {
                    specs.pop();
                    capacity -= last;
                }
            }
            let mut assigned = 0;
            for spec in specs.iter_mut() {
                spec.load = (u64::from(spec.load) * u64::from(n) / u64::from(capacity)) as u32;
                assigned += spec.load;
            }
            // Rounding down left fewer than one package per route.
            for spec in specs.iter_mut().take((n - assigned) as usize) {
                spec.load += 1;
            }
            pool.clear();
            pool.extend(0..slot.n_drv);

            let mut cod_paise: u64 = 0;
            for (r, spec) in specs.iter().enumerate() {
                // Route id and the row prefix shared by its packages.
                prefix.clear();
                prefix.extend_from_slice(st.code.as_bytes());
                prefix.push(b'-');
                prefix.extend_from_slice(code);
                prefix.push(b'-');
                prefix.extend_from_slice(&date.compact);
                prefix.push(b'-');
                push_padded(&mut prefix, r as u64 + 1, 3);
                let id_len = prefix.len();

                // Driver (one route a day while the pool lasts) and their
                // supervisor.
                let drv = if r < pool.len() {
                    let j = r + rng.below((pool.len() - r) as u64) as usize;
                    pool.swap(r, j);
                    pool[r]
                } else {
                    rng.below(u64::from(slot.n_drv)) as u32
                };
                let sup = drv % slot.n_sup;
                let hours = BLOCKS[spec.block];
                let km10 =
                    (f64::from(hours) * KM_PER_HOUR[spec.kind] * rng.uniform(0.75, 1.25) * 10.0)
                        .round() as u64;
                let mot = MOT[spec.kind + if spec.ev { 3 } else { 0 }];

                let rt = &mut out.routes;
                rt.extend_from_slice(&prefix[..id_len]);
                rt.push(b',');
                rt.extend_from_slice(&date.iso);
                rt.push(b',');
                rt.extend_from_slice(st.code.as_bytes());
                rt.push(b',');
                rt.extend_from_slice(code);
                rt.push(b',');
                push_u64(rt, u64::from(hours));
                rt.push(b',');
                rt.extend_from_slice(mot);
                rt.push(b',');
                push_u64(rt, km10 / 10);
                rt.push(b'.');
                rt.push(b'0' + (km10 % 10) as u8);
                rt.push(b',');
                rt.extend_from_slice(code);
                rt.extend_from_slice(b"-S");
                push_padded(rt, u64::from(slot.sup_base + sup + 1), 2);
                rt.push(b',');
                rt.extend_from_slice(code);
                rt.extend_from_slice(b"-D");
                push_padded(rt, u64::from(slot.drv_base + drv + 1), 4);
                rt.extend_from_slice(b",,\n");
                out.route_rows += 1;

                prefix.push(b',');
                prefix.extend_from_slice(&date.iso);
                prefix.push(b',');
                prefix.extend_from_slice(st.code.as_bytes());
                prefix.push(b',');
                prefix.extend_from_slice(code);
                prefix.push(b',');

                // A route has good and bad days of its own.
                // `dot` is the day's on-time share of dispatched packages; only
                // delivered ones can be on time, so the chance per delivered package
                // is dot / dcr.
                let p_on = (dot / dcr + 0.03 * rng.normal()).clamp(0.3, 0.999);

                let d = &mut out.deliveries;
                for _ in 0..spec.load {
                    let id = scramble60(id_base | pkg_index, self.id_key);
                    pkg_index += 1;
                    push_base36_12(d, id);
                    d.push(b',');
                    d.extend_from_slice(&prefix);

                    let early = rng.chance(SHARE_EARLY_PROMISE);
                    let promise = if early {
                        PROMISE_EARLY
                    } else {
                        PROMISE_EVENING
                    };
                    d.extend_from_slice(&date.iso);
                    d.extend_from_slice(if early {
                        b"T18:00:00+05:30,"
                    } else {
                        b"T21:00:00+05:30,"
                    });

                    let cod = if rng.chance(SHARE_COD) {
                        let rupees = 150.0 + 3850.0 * rng.unit().powi(2);
                        (rupees as u64).min(3999) * 100 + rng.below(100)
                    } else {
                        0
                    };

                    let u = rng.unit();
                    if u < p_gone {
                        d.extend_from_slice(if u < p_lost { b"lost,," } else { b"damaged,," });
                    } else if rng.chance(dcr) {
                        d.extend_from_slice(b"delivered,");
                        let v = rng.unit();
                        let (day_info, secs) = if v < EXACTLY_AT_PROMISE {
                            (date, promise)
                        } else if v < p_on {
                            // Before the promise, mostly around midday.
                            let span = f64::from(promise - DAY_START);
                            let x = 0.5 * (rng.unit() + rng.unit());
                            let s = DAY_START + ((span * x) as u32).min(promise - DAY_START - 1);
                            (date, s)
                        } else {
                            // 10 minutes to 20 hours late, mostly a little.
                            let x = rng.unit();
                            let late = 600 + (71_400.0 * x * x) as u32;
                            let s = promise + late;
                            if s >= 86_400 {
                                (next_date, s - 86_400)
                            } else {
                                (date, s)
                            }
                        };
                        d.extend_from_slice(&day_info.iso);
                        d.push(b'T');
                        push_hms(d, secs);
                        d.extend_from_slice(b"+05:30,");
                        cod_paise += cod;
                    } else {
                        let which = rng.weighted(&UNDELIVERED);
                        d.extend_from_slice(
                            [&b"attempted,,"[..], &b"rejected,,"[..], &b"rts,,"[..]][which],
                        );
                    }

                    if cod == 0 {
                        d.push(b'0');
                    } else {
                        push_paise(d, cod);
                    }
                    d.push(b',');
                    let declared = if cod > 0 {
                        let v = (cod as f64 * rng.uniform(0.85, 1.1)) as u64;
                        v.clamp(10_000, 800_000)
                    } else {
                        let rupees = 100.0 + 7900.0 * rng.unit().powi(2);
                        (rupees as u64).min(7999) * 100 + rng.below(100)
                    };
                    push_paise(d, declared);
                    d.push(b',');
                    if rng.chance(partner.vas_rate) {
                        d.extend_from_slice(VAS[rng.weighted(&VAS_WEIGHTS)]);
                    }
                    d.push(b'\n');
                    out.delivery_rows += 1;
                }
            }
            if cod_paise > 0 {
                out.cod.push((slot_i, cod_paise));
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

struct Out {
    path: PathBuf,
    w: BufWriter<File>,
}

impl Out {
    fn create(path: &Path) -> Result<Out, SimError> {
        let f = File::create(path).map_err(|source| SimError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Out {
            path: path.to_path_buf(),
            w: BufWriter::with_capacity(4 << 20, f),
        })
    }

    fn write(&mut self, b: &[u8]) -> Result<(), SimError> {
        self.w.write_all(b).map_err(|source| SimError::Io {
            path: self.path.clone(),
            source,
        })
    }

    fn finish(&mut self) -> Result<(), SimError> {
        self.w.flush().map_err(|source| SimError::Io {
            path: self.path.clone(),
            source,
        })
    }
}

/// COD collected by one partner at one station on one day.
struct Collection {
    day: u32,
    station: usize,
    slot: usize,
    paise: u64,
}

struct Sink {
    deliveries: Out,
    routes: Out,
    collections: Vec<Collection>,
    delivery_rows: u64,
    route_rows: u64,
}

impl Sink {
    fn take(&mut self, batch: Vec<StationDay>) -> Result<(), SimError> {
        for sd in batch {
            self.deliveries.write(&sd.deliveries)?;
            self.routes.write(&sd.routes)?;
            self.delivery_rows += sd.delivery_rows;
            self.route_rows += sd.route_rows;
            self.collections
                .extend(sd.cod.iter().map(|&(slot, paise)| Collection {
                    day: sd.day,
                    station: sd.station,
                    slot,
                    paise,
                }));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Remittances
// ---------------------------------------------------------------------------

struct Remittance {
    day: u32,
    station: usize,
    partner: usize,
    paise: u64,
    /// Position among the deposits of the partner at the station that day, from 1.
    seq: u32,
}

impl Network {
    /// Deposits of the collected COD: the next day, or for late remitters 2 to 5
    /// days after that, sometimes only 60–95% with the rest 1 to 4 days later.
    /// Deposits after the last simulated day are dropped.
    fn remittances(&self, collections: &[Collection]) -> Vec<Remittance> {
        let mut out = Vec::with_capacity(collections.len() + collections.len() / 8);
        for c in collections {
            let slot = &self.stations[c.station].slots[c.slot];
            let partner = &self.partners[slot.partner];
            let mut push = |day: u32, paise: u64| {
                if day < self.days && paise > 0 {
                    out.push(Remittance {
                        day,
                        station: c.station,
                        partner: slot.partner,
                        paise,
                        seq: 0,
                    });
                }
            };
            if !partner.traits.late_remitter {
                push(c.day + 1, c.paise);
                continue;
            }
            let mut rng = Rng::new(
                self.seed,
                &[
                    tag::REMIT,
                    u64::from(c.day),
                    c.station as u64,
                    c.slot as u64,
                ],
            );
            let first = c.day + 1 + rng.between(2, 5) as u32;
            if rng.chance(partner.partial_rate) {
                let part = c.paise * rng.between(600, 950) / 1000;
                push(first, part);
                push(first + rng.between(1, 4) as u32, c.paise - part);
            } else {
                push(first, c.paise);
            }
        }
        // Stable sort: deposits of the same partner, station and day keep the
        // order of the days they settle.
        out.sort_by_key(|a| (a.day, a.station, a.partner));
        let mut prev: Option<(u32, usize, usize)> = None;
        let mut seq = 0;
        for r in &mut out {
            let key = (r.day, r.station, r.partner);
            seq = if prev == Some(key) { seq + 1 } else { 1 };
            prev = Some(key);
            r.seq = seq;
        }
        out
    }

    fn push_remittance(&self, b: &mut Vec<u8>, r: &Remittance) {
        let code = &self.partners[r.partner].code;
        let st = self.stations[r.station].code.as_bytes();
        let date = &self.dates[r.day as usize];
        b.extend_from_slice(code);
        b.push(b',');
        b.extend_from_slice(st);
        b.push(b',');
        b.extend_from_slice(&date.iso);
        b.push(b',');
        push_paise(b, r.paise);
        b.push(b',');
        b.extend_from_slice(code);
        b.push(b'-');
        b.extend_from_slice(st);
        b.push(b'-');
        b.extend_from_slice(&date.compact);
        b.push(b'-');
        push_u64(b, u64::from(r.seq));
        b.push(b'\n');
    }
}

// ---------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------

const MASK60: u64 = (1 << 60) - 1;

/// A bijection of 60-bit integers keyed by `key`: distinct inputs give distinct
/// package ids that look random.
fn scramble60(x: u64, key: u64) -> u64 {
    let mut x = (x ^ key) & MASK60;
    x = x.wrapping_mul(0x9E37_79B9_7F4A_7C15) & MASK60;
    x ^= x >> 29;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9) & MASK60;
    x ^= x >> 32;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB) & MASK60;
    x ^= x >> 29;
    x
}

/// Twelve base-36 digits (0-9, A-Z), zero-padded; 36^12 > 2^60.
fn push_base36_12(b: &mut Vec<u8>, mut x: u64) {
    const DIGITS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut tmp = [b'0'; 12];
    for c in tmp.iter_mut().rev() {
        *c = DIGITS[(x % 36) as usize];
        x /= 36;
    }
    b.extend_from_slice(&tmp);
}

fn push_u64(b: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    b.extend_from_slice(&tmp[i..]);
}

/// `n` with leading zeros to at least `width` digits.
fn push_padded(b: &mut Vec<u8>, n: u64, width: usize) {
    let mut digits = 1;
    let mut m = n / 10;
    while m > 0 {
        digits += 1;
        m /= 10;
    }
    for _ in digits..width {
        b.push(b'0');
    }
    push_u64(b, n);
}

/// Paise as rupees with two decimals: 12345 → `123.45`.
fn push_paise(b: &mut Vec<u8>, paise: u64) {
    push_u64(b, paise / 100);
    let c = (paise % 100) as u8;
    b.push(b'.');
    b.push(b'0' + c / 10);
    b.push(b'0' + c % 10);
}

fn push_2(b: &mut Vec<u8>, n: u32) {
    b.push(b'0' + (n / 10) as u8);
    b.push(b'0' + (n % 10) as u8);
}

/// Seconds after midnight as `HH:MM:SS`.
fn push_hms(b: &mut Vec<u8>, secs: u32) {
    push_2(b, secs / 3600);
    b.push(b':');
    push_2(b, secs / 60 % 60);
    b.push(b':');
    push_2(b, secs % 60);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, HashMap};

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
        // Good partners remit everything but the last day's cash.
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
                        .any(|t| t == "late_remitter")
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

    #[test]
    fn assignment_follows_the_rules() {
        for (stations, partners) in [
            (1, 1),
            (1, 2),
            (1, 8),
            (2, 3),
            (3, 1),
            (3, 2),
            (3, 6),
            (5, 4),
            (9, 6),
            (10, 80),
            (30, 150),
            (100, 500),
            (40, 27),
        ] {
            let cfg = SimConfig {
                stations,
                partners,
                ..SimConfig::default()
            };
            validate(&cfg).unwrap();
            let net = Network::build(&cfg);
            let lo = if partners >= 2 && 2 * stations <= 3 * partners {
                2
            } else {
                1
            };
            let mut per_partner = vec![0u32; partners as usize];
            let codes: HashSet<&String> = net.stations.iter().map(|s| &s.code).collect();
            assert_eq!(codes.len(), stations as usize);
            for st in &net.stations {
                let n = st.slots.len() as u32;
                assert!(
                    n >= lo && n <= 8,
                    "{stations}/{partners}: {} has {n}",
                    st.code
                );
                let distinct: HashSet<usize> = st.slots.iter().map(|s| s.partner).collect();
                assert_eq!(distinct.len(), st.slots.len());
                for sl in &st.slots {
                    per_partner[sl.partner] += 1;
                }
            }
            for (i, k) in per_partner.iter().enumerate() {
                assert!(
                    (1..=3).contains(k),
                    "{stations}/{partners}: partner {i} at {k}"
                );
            }
        }
    }

    #[test]
    fn station_sizes_are_heavy_tailed() {
        let net = Network::build(&SimConfig::default());
        let v: Vec<f64> = net.stations.iter().map(|s| s.volume).collect();
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        let min = v.iter().cloned().fold(f64::MAX, f64::min);
        let max = v.iter().cloned().fold(0.0, f64::max);
        assert!((mean - 1000.0).abs() < 1.0, "{mean}");
        assert!((60.0..=200.0).contains(&min), "{min}");
        assert!(max > 2500.0, "{max}");
    }

    #[test]
    fn formatting_helpers() {
        let mut b = Vec::new();
        push_paise(&mut b, 12345);
        b.push(b' ');
        push_paise(&mut b, 5);
        b.push(b' ');
        push_padded(&mut b, 7, 3);
        b.push(b' ');
        push_padded(&mut b, 1234, 3);
        b.push(b' ');
        push_hms(&mut b, 75600 + 61);
        assert_eq!(
            String::from_utf8(b).unwrap(),
            "123.45 0.05 007 1234 21:01:01"
        );
        let ids: HashSet<u64> = (0..10_000u64).map(|x| scramble60(x, 99)).collect();
        assert_eq!(ids.len(), 10_000);
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
}
