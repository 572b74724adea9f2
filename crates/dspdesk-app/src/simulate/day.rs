//! One station on one day: the routes of each of its partners, the packages on
//! them, and the COD each partner collected.

use rayon::prelude::*;

use super::format::{push_base36_12, push_hms, push_padded, push_paise, push_u64, scramble60};
use super::network::{DateInfo, Network, Partner, Slot, Station};
use super::rng::{Rng, tag};

/// Modes of transport: the three vehicle kinds, then their EV variants.
const MOT: [&[u8]; 6] = [b"2W", b"3W", b"4W", b"EV2W", b"EV3W", b"EV4W"];
/// Packages per route by vehicle kind (EV variants carry the same).
const LOAD: [(u32, u32); 3] = [(20, 35), (40, 70), (80, 140)];
/// Kilometres per block hour by vehicle kind.
const KM_PER_HOUR: [f64; 3] = [7.5, 6.0, 8.5];
const BLOCKS: [u32; 4] = [4, 6, 8, 10];
/// Where in the load range a route of each block tends to fall.
const BLOCK_LOAD_BIAS: [f64; 4] = [0.0, 0.2, 0.3, 0.5];

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

/// A supervisor's own mark on their routes, fixed by their id: the share of the period
/// gone by when they join (founding supervisors, index 0, and about a third of the
/// others are there from the start), and how much their routes' on-time chance differs
/// from the partner's (-4 to +4 points), so the reckoner has tenure and quality to tell
/// apart.
fn supervisor_mark(partner: &[u8], global: u32, founding: bool) -> (f64, f64) {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in partner {
        h = (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
    }
    let x = scramble60(h ^ u64::from(global), 0x0005_EED5_u64);
    let unit = |bits: u64| (bits % 10_000) as f64 / 10_000.0;
    let joins = if founding || unit(x) < 0.35 {
        0.0
    } else {
        0.8 * unit(x >> 14)
    };
    (joins, 0.08 * (unit(x >> 28) - 0.5))
}

/// The rows of one station on one day, and the COD each partner collected.
pub(super) struct StationDay {
    pub(super) deliveries: Vec<u8>,
    pub(super) routes: Vec<u8>,
    pub(super) delivery_rows: u64,
    pub(super) route_rows: u64,
    pub(super) day: u32,
    pub(super) station: usize,
    /// (slot index, paise collected) for slots that collected any.
    pub(super) cod: Vec<(usize, u64)>,
    /// Packages left attempted or rejected today, dispatched again tomorrow.
    pub(super) carry: Vec<Carry>,
}

/// A package to dispatch again: attempted (tried again) or rejected (returned).
#[derive(Debug, Clone, Copy)]
pub(super) struct Carry {
    slot: usize,
    id: u64,
    cod: u64,
    declared: u64,
    vas: Option<usize>,
    rejected: bool,
    tries: u8,
}

/// Share of a stuck partner's attempted packages it never dispatches again.
const STUCK_LEFT: f64 = 0.85;
/// Share of a slow partner's deliveries that arrive more than a day late.
const SLOW_LATE: f64 = 0.04;
/// Attempts after which a package goes back to the seller.
const MAX_TRIES: u8 = 3;

/// One route: vehicle kind (index into `LOAD`), EV or not, block (index into
/// `BLOCKS`) and packages carried.
struct RouteSpec {
    kind: usize,
    ev: bool,
    block: usize,
    load: u32,
}

impl StationDay {
    /// Empty rows, with room for about `packages` deliveries.
    fn new(day: u32, station: usize, packages: f64) -> StationDay {
        let expect = (packages as usize) * 150 + 1024;
        StationDay {
            deliveries: Vec::with_capacity(expect),
            routes: Vec::with_capacity(expect / 20),
            delivery_rows: 0,
            route_rows: 0,
            day,
            station,
            cod: Vec::new(),
            carry: Vec::new(),
        }
    }
}

/// How one day shifts the quality of every partner.
struct DayShift {
    /// The simulated week (index into the partners' weekly quality).
    week: usize,
    /// How far through the simulated period: 0 on the first day, 1 on the last.
    t_period: f64,
    /// On-time lost to the festive season.
    fest_dot: f64,
    /// Completion lost to the festive season.
    fest_dcr: f64,
    /// How far a planted partner has moved since its improvement plan: 0 before the
    /// plan day, rising to 1 a week after.
    since_plan: f64,
}

/// One partner at the station on the day: what its routes and packages share.
struct PartnerDay<'a> {
    station: &'a Station,
    slot: &'a Slot,
    partner: &'a Partner,
    date: &'a DateInfo,
    /// The next date, for deliveries late past midnight.
    next_date: &'a DateInfo,
    /// The day's on-time share of dispatched packages.
    dot: f64,
    /// The day's delivery completion probability.
    dcr: f64,
    /// Chance that a package is lost.
    p_lost: f64,
    /// Chance that a package is lost or damaged.
    p_gone: f64,
}

impl Network {
    /// The station-days of `day`, in station order (generated in parallel).
    /// `carry` holds each station's packages from the day before.
    pub(super) fn generate_day(&self, day: u32, carry: &[Vec<Carry>]) -> Vec<StationDay> {
        (0..self.stations.len())
            .into_par_iter()
            .map(|si| self.station_day(day, si, carry.get(si).map_or(&[][..], |c| &c[..])))
            .collect()
    }

    /// How `day` shifts the quality of every partner.
    fn day_shift(&self, day: u32) -> DayShift {
        let date = &self.dates[day as usize];
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
        let since_plan = self
            .plan_day
            .filter(|p| day >= *p)
            .map_or(0.0, |p| (f64::from(day - p + 1) / 7.0).min(1.0));
        DayShift {
            week,
            t_period,
            fest_dot,
            fest_dcr,
            since_plan,
        }
    }

    fn station_day(&self, day: u32, si: usize, carried: &[Carry]) -> StationDay {
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

        let mut out = StationDay::new(day, si, n_total);
        let shift = self.day_shift(day);
        let id_base = (u64::from(day) * self.stations.len() as u64 + si as u64) << 32;
        let mut pkg_index: u64 = 0;
        let mut specs: Vec<RouteSpec> = Vec::new();
        let mut pool: Vec<u32> = Vec::new();
        let mut prefix: Vec<u8> = Vec::with_capacity(96);

        for (slot_i, (slot, w)) in st.slots.iter().zip(&weights).enumerate() {
            let n = (n_total * w / wsum).round() as u32;
            let mine: Vec<&Carry> = carried.iter().filter(|c| c.slot == slot_i).collect();
            if n == 0 {
                // No routes today: yesterday's packages wait for the next day.
                out.carry.extend(mine.iter().copied());
                continue;
            }
            let partner = &self.partners[slot.partner];
            let pd = PartnerDay::draw(&mut rng, &shift, st, slot, partner, (date, next_date));

            plan_routes(&mut rng, partner, n, &mut specs);
            pool.clear();
            pool.extend(0..slot.n_drv);

            let mut cod_paise: u64 = 0;
            for (r, spec) in specs.iter().enumerate() {
                let sup_adj = pd.push_route(
                    &mut out.routes,
                    &mut rng,
                    &mut pool,
                    &mut prefix,
                    (r, shift.t_period),
                    spec,
                );
                out.route_rows += 1;

                // A route has good and bad days of its own, and its supervisor's mark.
                // `dot` is the day's on-time share of dispatched packages; only
                // delivered ones can be on time, so the chance per delivered package
                // is dot / dcr.
                let p_on = (pd.dot / pd.dcr + sup_adj + 0.03 * rng.normal()).clamp(0.3, 0.999);

                for _ in 0..spec.load {
                    let id = scramble60(id_base | pkg_index, self.id_key);
                    pkg_index += 1;
                    let (paise, again) =
                        pd.push_package(&mut out.deliveries, &mut rng, id, &prefix, p_on);
                    cod_paise += paise;
                    out.carry.extend(again.map(|c| Carry { slot: slot_i, ..c }));
                    out.delivery_rows += 1;
                }
                // Yesterday's packages, spread over today's routes.
                for c in mine.iter().skip(r).step_by(specs.len()) {
                    if pd.partner.traits.stuck && rng.chance(STUCK_LEFT) {
                        continue; // left at the station: it ages
                    }
                    let (paise, again) =
                        pd.push_retry(&mut out.deliveries, &mut rng, c, &prefix, p_on);
                    cod_paise += paise;
                    out.carry.extend(again);
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

/// Routes for `n` packages, into `specs`: vehicles until their capacity covers
/// the packages, then the packages spread over them (or over one vehicle fewer
/// when the others can take the last one's packages within 10% over capacity).
fn plan_routes(rng: &mut Rng, partner: &Partner, n: u32, specs: &mut Vec<RouteSpec>) {
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
}

impl<'a> PartnerDay<'a> {
    /// The partner of `slot` at `station` on `dates` (the day and the next),
    /// with its quality of the day drawn.
    fn draw(
        rng: &mut Rng,
        shift: &DayShift,
        station: &'a Station,
        slot: &'a Slot,
        partner: &'a Partner,
        (date, next_date): (&'a DateInfo, &'a DateInfo),
    ) -> PartnerDay<'a> {
        let dot = partner.dot_week[shift.week] + station.dot_adj + 0.012 * rng.normal()
            - shift.fest_dot
            - partner.degrade_drop * shift.t_period
            + partner.plan_change * shift.since_plan;
        let dcr = (partner.dcr_week[shift.week] + station.dcr_adj + 0.006 * rng.normal()
            - shift.fest_dcr)
            .clamp(0.6, 0.998);
        let loss = if partner.traits.high_loss {
            HIGH_LOSS_FACTOR
        } else {
            1.0
        };
        let p_lost = P_LOST * loss;
        let p_gone = p_lost + P_DAMAGED * loss;
        PartnerDay {
            station,
            slot,
            partner,
            date,
            next_date,
            dot,
            dcr,
            p_lost,
            p_gone,
        }
    }

    /// Writes the row of route `r` (from 0) to `rt`, drawing its driver from
    /// `pool`, and leaves in `prefix` what the rows of its packages share after
    /// the package id: route id, date, station, partner.
    fn push_route(
        &self,
        rt: &mut Vec<u8>,
        rng: &mut Rng,
        pool: &mut [u32],
        prefix: &mut Vec<u8>,
        (r, t_period): (usize, f64),
        spec: &RouteSpec,
    ) -> f64 {
        let (st, slot, date) = (self.station, self.slot, self.date);
        let code = &self.partner.code;

        // Route id and the row prefix shared by its packages.
        prefix.clear();
        prefix.extend_from_slice(st.code.as_bytes());
        prefix.push(b'-');
        prefix.extend_from_slice(code);
        prefix.push(b'-');
        prefix.extend_from_slice(&date.compact);
        prefix.push(b'-');
        push_padded(prefix, r as u64 + 1, 3);
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
        // The driver's supervisor, or the founding one before they join.
        let mut sup = drv % slot.n_sup;
        let (joins, mut adj) = supervisor_mark(code, slot.sup_base + sup, sup == 0);
        if t_period < joins {
            sup = 0;
            adj = supervisor_mark(code, slot.sup_base, true).1;
        }
        // Marks tell supervisors apart without moving the partner: less their mean.
        let mean = (0..slot.n_sup)
            .map(|k| supervisor_mark(code, slot.sup_base + k, k == 0).1)
            .sum::<f64>()
            / f64::from(slot.n_sup);
        adj -= mean;
        let hours = BLOCKS[spec.block];
        let km10 = (f64::from(hours) * KM_PER_HOUR[spec.kind] * rng.uniform(0.75, 1.25) * 10.0)
            .round() as u64;
        let mot = MOT[spec.kind + if spec.ev { 3 } else { 0 }];

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

        prefix.push(b',');
        prefix.extend_from_slice(&date.iso);
        prefix.push(b',');
        prefix.extend_from_slice(st.code.as_bytes());
        prefix.push(b',');
        prefix.extend_from_slice(code);
        prefix.push(b',');
        adj
    }

    /// Writes the row of package `id` to `d`, after the `prefix` its route's
    /// rows share, given `p_on`, the route's on-time chance of a delivered
    /// package. Returns the COD it collected: 0 unless delivered.
    fn push_package(
        &self,
        d: &mut Vec<u8>,
        rng: &mut Rng,
        id: u64,
        prefix: &[u8],
        p_on: f64,
    ) -> (u64, Option<Carry>) {
        let date = self.date;
        push_base36_12(d, id);
        d.push(b',');
        d.extend_from_slice(prefix);

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

        let mut collected = 0;
        let mut again: Option<bool> = None;
        let u = rng.unit();
        if u < self.p_gone {
            d.extend_from_slice(if u < self.p_lost {
                b"lost,,"
            } else {
                b"damaged,,"
            });
        } else if rng.chance(self.dcr) {
            d.extend_from_slice(b"delivered,");
            let (day_info, secs) = self.delivered_at(rng, promise, p_on);
            d.extend_from_slice(&day_info.iso);
            d.push(b'T');
            push_hms(d, secs);
            d.extend_from_slice(b"+05:30,");
            collected = cod;
        } else {
            let which = rng.weighted(&UNDELIVERED);
            d.extend_from_slice([&b"attempted,,"[..], &b"rejected,,"[..], &b"rts,,"[..]][which]);
            if which < 2 {
                again = Some(which == 1);
            }
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
        let mut vas = None;
        if rng.chance(self.partner.vas_rate) {
            let k = rng.weighted(&VAS_WEIGHTS);
            d.extend_from_slice(VAS[k]);
            vas = Some(k);
        }
        d.push(b'\n');
        let carry = again.map(|rejected| Carry {
            slot: 0,
            id,
            cod,
            declared,
            vas,
            rejected,
            tries: 1,
        });
        (collected, carry)
    }

    /// Writes the row of a package dispatched again: a rejected one goes back to the
    /// seller; an attempted one is mostly delivered, else attempted again (at most
    /// `MAX_TRIES` times) or returned. Returns the COD collected and the package when
    /// it must go out once more.
    fn push_retry(
        &self,
        d: &mut Vec<u8>,
        rng: &mut Rng,
        c: &Carry,
        prefix: &[u8],
        p_on: f64,
    ) -> (u64, Option<Carry>) {
        push_base36_12(d, c.id);
        d.push(b',');
        d.extend_from_slice(prefix);
        d.extend_from_slice(&self.date.iso);
        d.extend_from_slice(b"T21:00:00+05:30,");
        let mut collected = 0;
        let mut again = None;
        let u = rng.unit();
        if c.rejected || c.tries >= MAX_TRIES || u >= 0.97 {
            d.extend_from_slice(b"rts,,");
        } else if u < 0.9 {
            d.extend_from_slice(b"delivered,");
            let (day_info, secs) = self.delivered_at(rng, PROMISE_EVENING, p_on);
            d.extend_from_slice(&day_info.iso);
            d.push(b'T');
            push_hms(d, secs);
            d.extend_from_slice(b"+05:30,");
            collected = c.cod;
        } else {
            d.extend_from_slice(b"attempted,,");
            again = Some(Carry {
                tries: c.tries + 1,
                ..*c
            });
        }
        if c.cod == 0 {
            d.push(b'0');
        } else {
            push_paise(d, c.cod);
        }
        d.push(b',');
        push_paise(d, c.declared);
        d.push(b',');
        if let Some(k) = c.vas {
            d.extend_from_slice(VAS[k]);
        }
        d.push(b'\n');
        (collected, again)
    }

    /// When a delivered package with the given `promise` (seconds after
    /// midnight) arrived: the date and the seconds after its midnight.
    fn delivered_at(&self, rng: &mut Rng, promise: u32, p_on: f64) -> (&DateInfo, u32) {
        let date = self.date;
        if self.partner.traits.slow && rng.chance(SLOW_LATE) {
            // A slow partner's package a little over a day late: 24 h 10 min to 26 h 50 min.
            return (self.next_date, promise + 600 + rng.below(9_600) as u32);
        }
        let v = rng.unit();
        if v < EXACTLY_AT_PROMISE {
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
                (self.next_date, s - 86_400)
            } else {
                (date, s)
            }
        }
    }
}
