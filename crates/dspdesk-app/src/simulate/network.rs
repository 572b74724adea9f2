//! The network, built once from the configuration: dates, stations, partners,
//! their planted traits and quality, and which partners serve which stations.

use std::collections::HashSet;
use std::f64::consts::PI;

use chrono::{Datelike, Days, NaiveDate};

use super::rng::{Rng, splitmix64, tag};
use super::{MAX_PARTNERS_PER_STATION, MAX_STATIONS_PER_PARTNER, SimConfig};

/// The city of a simulated station's code: `BOM12` is "Mumbai 12".
pub fn station_name(code: &str) -> Option<String> {
    const NAMES: [(&str, &str); 25] = [
        ("DEL", "Delhi"),
        ("BOM", "Mumbai"),
        ("BLR", "Bengaluru"),
        ("HYD", "Hyderabad"),
        ("MAA", "Chennai"),
        ("CCU", "Kolkata"),
        ("PNQ", "Pune"),
        ("AMD", "Ahmedabad"),
        ("JAI", "Jaipur"),
        ("LKO", "Lucknow"),
        ("COK", "Kochi"),
        ("IXC", "Chandigarh"),
        ("NAG", "Nagpur"),
        ("IDR", "Indore"),
        ("BHO", "Bhopal"),
        ("PAT", "Patna"),
        ("GAU", "Guwahati"),
        ("VTZ", "Visakhapatnam"),
        ("CJB", "Coimbatore"),
        ("BBI", "Bhubaneswar"),
        ("STV", "Surat"),
        ("TRV", "Thiruvananthapuram"),
        ("IXR", "Ranchi"),
        ("RPR", "Raipur"),
        ("IXM", "Madurai"),
    ];
    let (prefix, number) = code.split_at(code.len().min(3));
    let city = NAMES.iter().find(|(p, _)| *p == prefix)?.1;
    Some(format!("{city} {number}").trim().to_owned())
}

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

/// Weekday volume factors, Monday first (normalised to a mean of 1 at use).
const WEEKDAY: [f64; 7] = [1.10, 1.06, 1.03, 1.00, 0.99, 0.92, 0.70];

const RATE_LOW_DOT: f64 = 0.08;
const RATE_HIGH_LOSS: f64 = 0.05;
const RATE_LATE_REMITTER: f64 = 0.06;
const RATE_DEGRADING: f64 = 0.05;
const RATE_STUCK: f64 = 0.04;
const RATE_SLOW: f64 = 0.04;
const RATE_STOPS_REMITTING: f64 = 0.03;
/// Shares of the partners planted for improvement plans (at least one each where the
/// period has room for a plan, see [`plan_day`]).
const RATE_IMPROVES: f64 = 0.03;
const RATE_IGNORES: f64 = 0.03;
/// The on-time level a partner that improves after its plan reaches.
const IMPROVED_DOT: f64 = 0.975;
/// The on-time a partner that ignores its plan loses after it.
const IGNORED_DROP: f64 = 0.06;

/// The problems planted in a partner (see `truth.json`).
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Traits {
    low_dot: bool,
    pub(super) high_loss: bool,
    pub(super) late_remitter: bool,
    degrading: bool,
    /// Leaves most of its attempted packages at the station (ageing packages).
    pub(super) stuck: bool,
    /// Delivers a share of its packages more than a day late (SLP).
    pub(super) slow: bool,
    /// Stops depositing COD for the last quarter of the period.
    pub(super) stops_remitting: bool,
    /// Low on-time until the plan day, then on time (an improvement plan that works).
    pub(super) improves_after_plan: bool,
    /// Low on-time that gets worse after the plan day (a plan that does not work).
    pub(super) ignores_plan: bool,
}

impl Traits {
    pub(super) fn names(&self) -> Vec<&'static str> {
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
        if self.stuck {
            v.push("stuck");
        }
        if self.slow {
            v.push("slow");
        }
        if self.stops_remitting {
            v.push("stops_remitting");
        }
        if self.improves_after_plan {
            v.push("improves_after_plan");
        }
        if self.ignores_plan {
            v.push("ignores_plan");
        }
        v
    }

    pub(super) fn any(&self) -> bool {
        self.low_dot
            || self.high_loss
            || self.late_remitter
            || self.degrading
            || self.stuck
            || self.slow
            || self.stops_remitting
            || self.improves_after_plan
            || self.ignores_plan
    }
}

/// A delivery partner: its code, traits, quality and habits.
#[derive(Debug)]
pub(super) struct Partner {
    pub(super) code: [u8; 4],
    pub(super) traits: Traits,
    /// On-time probability of a delivered package, per simulated week.
    pub(super) dot_week: Vec<f64>,
    /// Delivery completion probability, per simulated week.
    pub(super) dcr_week: Vec<f64>,
    /// On-time lost by the last day (degrading partners), else 0.
    pub(super) degrade_drop: f64,
    /// On-time gained (or lost, when negative) from the plan day on.
    pub(super) plan_change: f64,
    /// Route weights of 2W, 3W, 4W.
    pub(super) mot_w: [f64; 3],
    /// Share of routes on an EV.
    pub(super) ev_share: f64,
    /// Route weights of the blocks 4, 6, 8, 10 hours.
    pub(super) block_w: [f64; 4],
    pub(super) vas_rate: f64,
    /// Late remitters: chance that a deposit is only part of the cash.
    pub(super) partial_rate: f64,
}

/// A partner at a station: its share of the volume and its pools of
/// supervisors and drivers.
#[derive(Debug)]
pub(super) struct Slot {
    pub(super) partner: usize,
    pub(super) share: f64,
    pub(super) n_sup: u32,
    pub(super) sup_base: u32,
    pub(super) n_drv: u32,
    pub(super) drv_base: u32,
}

/// A delivery station and the partners serving it.
#[derive(Debug)]
pub(super) struct Station {
    pub(super) code: String,
    city: usize,
    /// Mean packages per day before seasonality.
    pub(super) volume: f64,
    pub(super) dot_adj: f64,
    pub(super) dcr_adj: f64,
    /// Partners of the station, in partner-code order.
    pub(super) slots: Vec<Slot>,
}

/// A simulated date, preformatted, and its volume factors.
#[derive(Debug)]
pub(super) struct DateInfo {
    pub(super) iso: [u8; 10],
    pub(super) compact: [u8; 8],
    /// Weekday × festive volume factor.
    pub(super) factor: f64,
    /// 0 outside the festive season, else in [0, 1].
    pub(super) festive: f64,
    pub(super) festive_on: bool,
}

/// Everything fixed before the first day is generated.
pub(super) struct Network {
    pub(super) seed: u64,
    pub(super) cfg: SimConfig,
    pub(super) days: u32,
    pub(super) stations: Vec<Station>,
    pub(super) partners: Vec<Partner>,
    /// Days 0..=days (one extra for deliveries late past midnight).
    pub(super) dates: Vec<DateInfo>,
    pub(super) id_key: u64,
    /// The day (from 0) an improvement plan is issued to the planted partners.
    pub(super) plan_day: Option<u32>,
}

impl Network {
    pub(super) fn build(cfg: &SimConfig) -> Network {
        let seed = cfg.seed;
        let dates = build_dates(cfg);
        let mut stations = build_stations(cfg);
        let mut partners = build_partners(cfg);
        assign(cfg, &mut stations, &partners);
        let plan_day = plan_day(cfg);
        plant_traits(cfg, &mut partners, plan_day.is_some());
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
            plan_day,
        }
    }

    /// The date an improvement plan is issued to the planted partners.
    pub(super) fn plan_on(&self) -> Option<NaiveDate> {
        self.plan_day
            .map(|d| self.cfg.start + Days::new(u64::from(d)))
    }
}

/// The day (from 0) the planted partners get their improvement plan: the Monday that
/// leaves 3 complete ISO weeks after its week and 4 complete ones before it (the
/// baseline), or none when the period is too short for both.
fn plan_day(cfg: &SimConfig) -> Option<u32> {
    let last = cfg.start + Days::new(u64::from(cfg.days.checked_sub(1)?));
    // The last complete ISO week ends on the last Sunday of the period.
    let back = u64::from(last.weekday().num_days_from_monday() + 1) % 7;
    let last_sunday = last - Days::new(back);
    let monday = last_sunday - Days::new(6 + 3 * 7);
    let first_baseline = monday - Days::new(4 * 7);
    (first_baseline >= cfg.start).then(|| (monday - cfg.start).num_days() as u32)
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
            plan_change: 0.0,
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
fn plant_traits(cfg: &SimConfig, partners: &mut [Partner], room_for_plans: bool) {
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
    // Planted after the others, so adding them left the others' draws as they were.
    rng.shuffle(&mut order);
    for &i in &order[..count(RATE_STUCK)] {
        partners[i].traits.stuck = true;
    }
    rng.shuffle(&mut order);
    for &i in &order[..count(RATE_SLOW)] {
        partners[i].traits.slow = true;
    }
    rng.shuffle(&mut order);
    for &i in &order[..count(RATE_STOPS_REMITTING)] {
        partners[i].traits.stops_remitting = true;
    }
    if !room_for_plans {
        return;
    }
    // Plans go to partners whose on-time has no other trait in it, one each at least.
    rng.shuffle(&mut order);
    let free: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| {
            let t = &partners[i].traits;
            !(t.low_dot || t.degrading || t.slow || t.stuck)
        })
        .collect();
    let n_imp = count(RATE_IMPROVES).max(1).min(free.len() / 2);
    let n_ign = count(RATE_IGNORES).max(1).min(free.len() / 2);
    for &i in &free[..n_imp] {
        partners[i].traits.improves_after_plan = true;
    }
    for &i in &free[n_imp..n_imp + n_ign] {
        partners[i].traits.ignores_plan = true;
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
        // A partner planted for a plan is late before it (drawn after the others, so
        // the others' draws stay as they were).
        let base_dot = if p.traits.improves_after_plan || p.traits.ignores_plan {
            let mut plan_rng = Rng::new(cfg.seed, &[tag::PLAN, i as u64]);
            let before = plan_rng.uniform(0.78, 0.84);
            p.plan_change = if p.traits.improves_after_plan {
                IMPROVED_DOT - before
            } else {
                -IGNORED_DROP
            };
            before
        } else {
            base_dot
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

    let k = stations_per_partner(&mut rng, p, total, max_k);
    let d = partners_per_station(stations, lo, total, max_d);
    let members = realise(&mut rng, stations, &k, &d, lo);
    staff(&mut rng, stations, members, p);
}

/// Stations per partner: one each, the rest of the `total` links spread at
/// random, at most `max_k` a partner.
fn stations_per_partner(rng: &mut Rng, p: usize, total: usize, max_k: usize) -> Vec<usize> {
    let mut k = vec![1usize; p];
    let mut extra = total - p;
    while extra > 0 {
        let i = rng.below(p as u64) as usize;
        if k[i] < max_k {
            k[i] += 1;
            extra -= 1;
        }
    }
    k
}

/// Partners per station, by size: `lo` each, the rest of the `total` links in
/// proportion to volume (largest remainders first), at most `max_d` a station.
fn partners_per_station(stations: &[Station], lo: usize, total: usize, max_d: usize) -> Vec<usize> {
    let s = stations.len();
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
    d
}

/// The partners of each station: realises the degree sequences `k` (stations
/// per partner) and `d` (partners per station) with Ryser's greedy: partners
/// with most stations first, each to the stations with most room left; ties go
/// to the partner's home city, then at random.
fn realise(
    rng: &mut Rng,
    stations: &[Station],
    k: &[usize],
    d: &[usize],
    lo: usize,
) -> Vec<Vec<usize>> {
    let s = stations.len();
    let p = k.len();
    let mut order: Vec<usize> = (0..p).collect();
    rng.shuffle(&mut order);
    order.sort_by(|&a, &b| k[b].cmp(&k[a]));
    let tiebreak: Vec<u64> = (0..s).map(|_| rng.next_u64()).collect();
    let mut room = d.to_vec();
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
    members
}

/// Shares, pools of drivers and supervisors (numbered per partner across its
/// stations, in station order) of the `p` partners, given each station's
/// `members`.
fn staff(rng: &mut Rng, stations: &mut [Station], members: Vec<Vec<usize>>, p: usize) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::validate;

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
}
