//! `truth.json`: the seed, the configuration and the partners with planted
//! problems, the known answer later features are tested against.

use serde::Serialize;

use super::network::Network;

#[derive(Serialize)]
pub(super) struct Truth {
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
    /// The day its improvement plan is issued (`improves_after_plan`, `ignores_plan`).
    #[serde(skip_serializing_if = "Option::is_none")]
    plan_on: Option<String>,
}

impl Network {
    /// What `truth.json` says about this network.
    pub(super) fn truth(&self) -> Truth {
        let partners = self
            .partners
            .iter()
            .filter(|p| p.traits.any())
            .map(|p| TruthPartner {
                partner: code_str(&p.code),
                traits: p.traits.names(),
                plan_on: (p.traits.improves_after_plan || p.traits.ignores_plan)
                    .then(|| self.plan_on().map(|d| d.to_string()))
                    .flatten(),
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
}

fn code_str(c: &[u8; 4]) -> String {
    String::from_utf8_lossy(c).into_owned()
}
