//! The COD ledger as JSON.

use crate::AppState;
use crate::shared::auth::ApiUser;
use crate::shared::error::ApiError;
use crate::shared::extract::ApiWeek;
use axum::Json;
use axum::extract::State;
use dspdesk_app::cod::{cod_table, ledger_week};
use dspdesk_app::shared::table::to_json;
use serde_json::{Value, json};

pub async fn cod(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    ApiWeek(week): ApiWeek,
) -> Result<Json<Value>, ApiError> {
    let (_, lines) = ledger_week(&s.ws, &u.actor, week).await?;
    Ok(Json(json!({ "cod": to_json(&cod_table(&lines)) })))
}
