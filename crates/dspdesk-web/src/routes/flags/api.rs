//! Flags as JSON.

use super::FlagQuery;
use crate::AppState;
use crate::shared::auth::ApiUser;
use crate::shared::error::ApiError;
use axum::Json;
use axum::extract::{Query, State};
use dspdesk_app::flags::{flags as list, flags_table};
use dspdesk_app::shared::table::to_json;
use serde_json::{Value, json};

pub async fn flags(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<FlagQuery>,
) -> Result<Json<Value>, ApiError> {
    let filter = q.filter().map_err(ApiError::bad_request)?;
    let rows = list(&s.ws, &u.actor, filter).await?;
    Ok(Json(json!({ "flags": to_json(&flags_table(&rows)) })))
}
