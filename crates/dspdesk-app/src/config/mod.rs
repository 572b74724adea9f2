//! Versioned configuration (the health score's weights and rules, rate cards and cost
//! models): checking a document, loading it as a new version, listing versions.

use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::model::Model;
use crate::shared::workspace::Workspace;
use chrono::{Duration, NaiveDate};
use dspdesk_core::config::ConfigKind;
use dspdesk_core::health::ScoreConfig;
use dspdesk_core::profit::RateBook;
use dspdesk_core::{Action, IsoWeek};
use dspdesk_store::ConfigVersion;

/// What a valid document holds, for the message of `config check`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ConfigSummary {
    pub kind: ConfigKind,
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
                kind: ConfigKind::Score,
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
                kind: ConfigKind::Rates,
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
    actor: &Actor,
) -> Result<(i64, ConfigSummary), AppError> {
    actor.must(Action::ManageConfig)?;
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
            &actor.audit,
            kind,
            summary.effective_from,
            text,
            note,
            &pins,
        )
        .await?;
    if kind == ConfigKind::Rates {
        crate::profit::apply_currency(ws).await?;
    }
    Ok((version, summary))
}

/// Every version of a kind, oldest first.
pub async fn versions(ws: &Workspace, kind: ConfigKind) -> Result<Vec<ConfigVersion>, AppError> {
    Ok(ws.store.config_versions(kind).await?)
}

/// The versions of a kind, for an admin's screen.
pub async fn versions_for(
    ws: &Workspace,
    actor: &Actor,
    kind: ConfigKind,
) -> Result<Vec<ConfigVersion>, AppError> {
    actor.must(Action::ManageConfig)?;
    versions(ws, kind).await
}

/// The score configuration a new version starts from: the newest version's, else the
/// defaults effective from the Monday after `today`.
pub async fn newest_score(
    ws: &Workspace,
    actor: &Actor,
    today: NaiveDate,
) -> Result<ScoreConfig, AppError> {
    let versions = versions_for(ws, actor, ConfigKind::Score).await?;
    let text = starting_text(ConfigKind::Score, versions.last(), today);
    ScoreConfig::from_toml(&text).map_err(AppError::Config)
}

/// The newest score configuration with a form's edits (settings named by their TOML
/// path, as typed), as the TOML document to check or load: the form and the file are
/// one configuration.
pub async fn score_form_text(
    ws: &Workspace,
    actor: &Actor,
    edits: &[(String, String)],
    today: NaiveDate,
) -> Result<String, AppError> {
    let edited = newest_score(ws, actor, today)
        .await?
        .with_edits(edits)
        .map_err(AppError::Config)?;
    edited.to_toml().map_err(AppError::Config)
}

/// The text a new version of a kind starts from: the newest version, else the
/// documented defaults (the score's effective from the Monday after `today`).
pub fn starting_text(kind: ConfigKind, newest: Option<&ConfigVersion>, today: NaiveDate) -> String {
    if let Some(v) = newest {
        return v.body.clone();
    }
    match kind {
        ConfigKind::Score => {
            let monday = IsoWeek::of(today).sunday() + Duration::days(1);
            include_str!("../../../../examples/config/score.toml").replace(
                "effective_from = \"2026-01-05\"",
                &format!("effective_from = \"{monday}\""),
            )
        }
        ConfigKind::Rates => include_str!("../../../../examples/config/rates.toml").to_owned(),
    }
}
