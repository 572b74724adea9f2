//! Scoring a week and keeping the run; re-scoring it under another version.

use super::WeekScores;
use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::model::Model;
use crate::shared::workspace::Workspace;
use dspdesk_core::{Action, IsoWeek};
use dspdesk_store::{ScoreRun, ScoreSnapshot};

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
    actor: &Actor,
) -> Result<ScoreReport, AppError> {
    actor.must(Action::ManageConfig)?;
    let model = Model::load(ws).await?;
    let (held, _) = model.configs.for_week(week);
    let target = match (rescore, version) {
        (false, Some(v)) if v != held => {
            return Err(AppError::invalid(
                "rescore",
                format!(
                    "{week} is scored with version {held}; moving it to version {v} is a re-score"
                ),
            ));
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
            AppError::invalid(
                "config-version",
                format!("there is no score configuration version {target}; the configuration's versions list them"),
            )
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
        .record_score_run(&actor.audit, &week.to_string(), target, &reason, &snapshots)
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

/// The scoring runs of a week, oldest first.
pub async fn runs(ws: &Workspace, week: IsoWeek) -> Result<Vec<ScoreRun>, AppError> {
    Ok(ws.store.score_runs(&week.to_string()).await?)
}
