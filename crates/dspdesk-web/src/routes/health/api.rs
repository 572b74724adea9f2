//! Health scores as JSON.

use crate::AppState;
use crate::shared::auth::ApiUser;
use crate::shared::error::ApiError;
use crate::shared::extract::{ApiWeek, partner_code};
use axum::Json;
use axum::extract::{Path, Query, State};
use dspdesk_app::health::{self, scores_table};
use dspdesk_app::shared::table::to_json;
use dspdesk_core::health::COMPONENTS;
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub async fn scores(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    ApiWeek(week): ApiWeek,
    Query(filter): Query<health::RankingFilter>,
) -> Result<Json<Value>, ApiError> {
    let r = health::ranking_filtered(&s.ws, &u.actor, week, filter).await?;
    Ok(Json(match r.week {
        Some(w) => {
            json!({ "week": w, "config_version": r.config_version, "scores": to_json(&r.scores) })
        }
        None => json!({ "week": null, "scores": [] }),
    }))
}

pub async fn scorecard(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    ApiWeek(week): ApiWeek,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let card = health::scorecard(&s.ws, &u.actor, &partner_code(&code)?, week).await?;
    let row = card
        .row
        .as_ref()
        .ok_or_else(|| ApiError::not_found("the partner has no score that week"))?;
    let components: BTreeMap<String, Option<f64>> = COMPONENTS
        .iter()
        .map(|c| (c.to_string(), row.value(c)))
        .collect();
    Ok(Json(json!({
        "week": card.week,
        "score": to_json(&scores_table(&[row], false)).get(0).cloned(),
        "components": components,
        "explanation": card.explanation,
    })))
}
