//! The scorecard's actions: loading and checking configuration, scoring a week (and
//! re-scoring it under a new version, keeping history), setting and adopting goals,
//! and refreshing the flags.

use crate::profit::loss_making_blocks;
use crate::scorecard::{Model, WeekScores};
use crate::workspace::{AppError, Workspace};
use chrono::{Duration, NaiveDate};
use dspdesk_core::IsoWeek;
use dspdesk_core::profit::RateBook;
use dspdesk_core::score::ScoreConfig;
use dspdesk_store::{FlagSync, NewGoal, ScoreRun, ScoreSnapshot};

/// The kinds of configuration document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigKind {
    /// The health score: components, tiers, caps and the rules of the lists.
    Score,
    /// Rate cards and cost models.
    Rates,
}

impl ConfigKind {
    pub fn parse(raw: &str) -> Result<ConfigKind, AppError> {
        match raw {
            "score" => Ok(ConfigKind::Score),
            "rates" => Ok(ConfigKind::Rates),
            other => Err(AppError::Invalid(format!(
                "{other:?} is not a kind of configuration; use score or rates"
            ))),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigKind::Score => "score",
            ConfigKind::Rates => "rates",
        }
    }
}

/// What a valid document holds, for the message of `config check`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ConfigSummary {
    pub kind: &'static str,
    pub effective_from: NaiveDate,
    pub summary: String,
}

/// Validates a document; the error lists every problem with its key.
pub fn check(kind: ConfigKind, text: &str) -> Result<ConfigSummary, AppError> {
    match kind {
        ConfigKind::Score => {
            let c = ScoreConfig::from_toml(text).map_err(AppError::Config)?;
            let weights: Vec<String> = c
                .components
                .iter()
                .map(|(k, v)| format!("{k} {}", v.weight))
                .collect();
            Ok(ConfigSummary {
                kind: "score",
                effective_from: c.effective_from,
                summary: format!(
                    "weights: {}; tiers {}/{}/{}/{}; defaulting below {}% on {} of {} days; bottom {}% in {} of {} weeks",
                    weights.join(", "),
                    c.tiers.fantastic_plus,
                    c.tiers.fantastic,
                    c.tiers.great,
                    c.tiers.fair,
                    c.defaulting.dot_target,
                    c.defaulting.days,
                    c.defaulting.window,
                    c.bottom.share_pct,
                    c.bottom.weeks,
                    c.bottom.of_last
                ),
            })
        }
        ConfigKind::Rates => {
            let b = RateBook::from_toml(text).map_err(AppError::Config)?;
            let from = b
                .rate_cards
                .iter()
                .map(|c| c.validity.valid_from)
                .chain(b.cost_models.iter().map(|c| c.validity.valid_from))
                .min()
                .unwrap_or(NaiveDate::MIN);
            Ok(ConfigSummary {
                kind: "rates",
                effective_from: from,
                summary: format!(
                    "{} rate cards, {} cost models",
                    b.rate_cards.len(),
                    b.cost_models.len()
                ),
            })
        }
    }
}

/// Stores a checked document as a new version. For the score, every week with data
/// that has no pin yet is pinned to the version it is scored with now, so the new
/// version never silently changes a week already shown: re-scoring is explicit.
pub async fn load(
    ws: &Workspace,
    kind: ConfigKind,
    text: &str,
    note: &str,
    actor: &str,
) -> Result<(i64, ConfigSummary), AppError> {
    let summary = check(kind, text)?;
    let mut pins = Vec::new();
    if kind == ConfigKind::Score {
        let model = Model::load(ws).await?;
        if let (Some(first), Some(last)) = (model.first, model.last) {
            let mut w = IsoWeek::of(first);
            while w.monday() <= last {
                if !model.configs.pins.contains_key(&w.to_string()) {
                    pins.push((w.to_string(), model.configs.for_week(w).0));
                }
                w = IsoWeek::of(w.sunday() + Duration::days(1));
            }
        }
    }
    let version = ws
        .store
        .add_config_version(
            actor,
            kind.as_str(),
            summary.effective_from,
            text,
            note,
            &pins,
        )
        .await?;
    Ok((version, summary))
}

/// What a scoring run did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScoreReport {
    pub week: IsoWeek,
    pub version: i64,
    pub previous_version: Option<i64>,
    pub run_id: i64,
    pub partners: usize,
    pub scores: WeekScores,
}

/// Scores a week and keeps the result as a run. Without `rescore` the week keeps the
/// version it is held to; with it, the week moves to `version` (default: the version
/// in force for its date, the newest one effective by then).
pub async fn score_week(
    ws: &Workspace,
    week: IsoWeek,
    rescore: bool,
    version: Option<i64>,
    actor: &str,
) -> Result<ScoreReport, AppError> {
    let model = Model::load(ws).await?;
    let (held, _) = model.configs.for_week(week);
    let target = match (rescore, version) {
        (false, Some(v)) if v != held => {
            return Err(AppError::Invalid(format!(
                "{week} is scored with version {held}; moving it to version {v} is a re-score: add --rescore"
            )));
        }
        (false, _) => held,
        (true, Some(v)) => v,
        (true, None) => model.configs.in_force(week).0,
    };
    let cfg = model
        .configs
        .versions
        .iter()
        .find(|(n, _)| *n == target)
        .map(|(_, c)| c.clone())
        .ok_or_else(|| {
            AppError::Invalid(format!(
                "there is no score configuration version {target}; `dspdesk config list score` lists them"
            ))
        })?;
    let scores = model.week_with(week, target, &cfg);
    let snapshots: Vec<ScoreSnapshot> = scores
        .partners
        .iter()
        .chain(scores.pairs.iter())
        .map(|r| ScoreSnapshot {
            partner: r.partner.clone(),
            station: r.station.clone().unwrap_or_default(),
            score: r.score,
            tier: r.tier.map(|t| t.as_str().to_owned()),
            rank: r.rank.map(|r| r as i64),
            components: serde_json::to_string(&r.values).unwrap_or_default(),
        })
        .collect();
    let reason = if rescore {
        format!("re-scored with version {target}")
    } else {
        "scored".to_owned()
    };
    let run: ScoreRun = ws
        .store
        .record_score_run(actor, &week.to_string(), target, &reason, &snapshots)
        .await?;
    Ok(ScoreReport {
        week,
        version: target,
        previous_version: run.previous_version,
        run_id: run.id,
        partners: scores.partners.len(),
        scores,
    })
}

/// Recomputes every flag from the data and brings the flags table in line.
pub async fn refresh_flags(ws: &Workspace) -> Result<FlagSync, AppError> {
    let model = Model::load(ws).await?;
    let losses = match model.last_complete_week() {
        Some(w) => loss_making_blocks(ws, w.monday(), w.sunday()).await?,
        None => Vec::new(),
    };
    let flags = model.flags(&losses);
    Ok(ws.store.sync_flags(&flags).await?)
}

/// Adopts the suggested goals (the window ending the day before `from`) for every
/// pair active then, for `from..=to`. Returns how many were set.
pub async fn adopt_goals(
    ws: &Workspace,
    from: NaiveDate,
    to: NaiveDate,
    actor: &str,
) -> Result<u64, AppError> {
    if to < from {
        return Err(AppError::Invalid(format!(
            "--to {to} is before --from {from}"
        )));
    }
    let model = Model::load(ws).await?;
    let window = model.configs.latest().1.goals.window_days;
    let goals: Vec<NewGoal> = model
        .suggestions(from - Duration::days(1), window)
        .into_iter()
        .map(|(partner, station, p50, p90, _)| NewGoal {
            partner,
            station,
            valid_from: from,
            valid_to: to,
            p50,
            p90,
            source: "adopted".into(),
        })
        .collect();
    Ok(ws.store.set_goals(actor, &goals).await?)
}

/// Sets one goal by hand.
#[allow(clippy::too_many_arguments)]
pub async fn set_goal(
    ws: &Workspace,
    partner: &str,
    station: &str,
    from: NaiveDate,
    to: NaiveDate,
    p50: f64,
    p90: f64,
    actor: &str,
) -> Result<(), AppError> {
    if to < from {
        return Err(AppError::Invalid(format!(
            "--to {to} is before --from {from}"
        )));
    }
    if !(p50.is_finite() && p90.is_finite() && p50 >= 0.0 && p90 >= p50) {
        return Err(AppError::Invalid(format!(
            "goals need 0 <= P50 <= P90; got P50 {p50}, P90 {p90}"
        )));
    }
    let model = Model::load(ws).await?;
    if !model.partners().any(|p| p == partner) {
        return Err(AppError::Invalid(format!(
            "partner {partner:?} has no data; check the code"
        )));
    }
    if !model.works_at(partner, station) {
        return Err(AppError::Invalid(format!(
            "partner {partner} has no data at station {station:?}; check the station code"
        )));
    }
    ws.store
        .set_goals(
            actor,
            &[NewGoal {
                partner: partner.into(),
                station: station.into(),
                valid_from: from,
                valid_to: to,
                p50,
                p90,
                source: "set".into(),
            }],
        )
        .await?;
    Ok(())
}
