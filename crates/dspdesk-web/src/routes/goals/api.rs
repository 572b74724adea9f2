//! Route goals as JSON.

use crate::AppState;
use crate::shared::auth::ApiUser;
use crate::shared::error::ApiError;
use crate::shared::extract::ApiWeek;
use axum::Json;
use axum::extract::State;
use dspdesk_app::goals::{goals_table, goals_week};
use dspdesk_app::shared::table::to_json;
use serde_json::{Value, json};

pub async fn goals(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    ApiWeek(week): ApiWeek,
) -> Result<Json<Value>, ApiError> {
    let goals = goals_week(&s.ws, &u.actor, week).await?;
    Ok(Json(
        json!({ "goals": to_json(&goals_table(&goals.lines)) }),
    ))
}
