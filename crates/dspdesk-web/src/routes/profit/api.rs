//! Profitability as JSON.

use crate::AppState;
use crate::shared::auth::ApiUser;
use crate::shared::error::ApiError;
use crate::shared::extract::ApiWeek;
use axum::Json;
use axum::extract::{Query, State};
use dspdesk_app::profit::{parse_by, profit_table, profit_week};
use dspdesk_app::shared::table::to_json;
use serde_json::{Value, json};

#[derive(serde::Deserialize, Default)]
pub struct ProfitQuery {
    by: Option<String>,
}

pub async fn profit(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    ApiWeek(week): ApiWeek,
    Query(q): Query<ProfitQuery>,
) -> Result<Json<Value>, ApiError> {
    let by = parse_by(q.by.as_deref().unwrap_or("block,mot"))?;
    Ok(Json(
        match profit_week(&s.ws, &u.actor, week, &by).await? {
            (Some(w), lines) => json!({ "week": w, "profit": to_json(&profit_table(&lines)) }),
            (None, _) => json!({ "profit": [] }),
        },
    ))
}
