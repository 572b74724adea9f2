//! The COD remittances: deposits of the cash each partner collected, on time or
//! (late remitters) late and in parts.

use super::format::{push_paise, push_u64};
use super::network::Network;
use super::rng::{Rng, tag};

/// COD collected by one partner at one station on one day.
pub(super) struct Collection {
    pub(super) day: u32,
    pub(super) station: usize,
    pub(super) slot: usize,
    pub(super) paise: u64,
}

/// One deposit.
pub(super) struct Remittance {
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
    pub(super) fn remittances(&self, collections: &[Collection]) -> Vec<Remittance> {
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
            // A partner that stops remitting deposits nothing of the last quarter.
            if partner.traits.stops_remitting && c.day >= self.days - self.days / 4 {
                continue;
            }
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

    pub(super) fn push_remittance(&self, b: &mut Vec<u8>, r: &Remittance) {
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
