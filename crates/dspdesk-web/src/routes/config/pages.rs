//! The configuration screen: check a document, or load it as a new version (which
//! refreshes the flags).

use crate::AppState;
use crate::shared::auth::User;
use crate::shared::error::PageResult;
use crate::shared::error::form_outcome;
use crate::shared::extract::{Can, CsrfForm, may};
use crate::shared::render::{Chrome, chrome, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use dspdesk_app::{Actor, AppError, config};
use dspdesk_core::config::ConfigKind;

#[derive(Template)]
#[template(path = "config/config.html")]
struct ConfigPage {
    c: Chrome,
    result: Option<(bool, String)>,
    kinds: Vec<ConfigKindView>,
}

struct ConfigKindView {
    kind: &'static str,
    title: &'static str,
    help: &'static str,
    versions: Vec<(i64, String, String, String, String)>,
    text: String,
}

fn words(kind: ConfigKind) -> (&'static str, &'static str) {
    match kind {
        ConfigKind::Score => (
            "Health score",
            "Weights, floors and targets of the components, tiers, the lapsed-document cap and the rules of the defaulting, bottom, unusual-day and goal lists. Set effective_from to the Monday the version starts. A new version applies to weeks not yet scored; weeks already shown keep their version until `dspdesk score --week W --rescore`.",
        ),
        ConfigKind::Rates => (
            "Rate cards and cost models",
            "What a route pays (block rate by MOT and block hours, per delivered package) and costs (driver per hour, vehicle per day, energy per km), with dates of validity and station overrides. Profitability always uses the newest version; a route row's own payout or cost wins.",
        ),
    }
}

async fn config_page(
    s: &AppState,
    u: &User,
    result: Option<(bool, String)>,
    draft: Option<(&str, &str)>,
) -> PageResult {
    let mut kinds = Vec::new();
    for kind in ConfigKind::ALL {
        let versions = config::versions_for(&s.ws, &u.actor, kind).await?;
        let text = match draft {
            Some((k, t)) if k == kind.as_str() => t.to_owned(),
            _ => config::starting_text(kind, versions.last(), chrono::Utc::now().date_naive()),
        };
        let (title, help) = words(kind);
        kinds.push(ConfigKindView {
            kind: kind.as_str(),
            title,
            help,
            versions: versions
                .iter()
                .rev()
                .map(|v| {
                    (
                        v.version,
                        v.effective_from.to_string(),
                        crate::shared::render::when(v.created_at, s.ws.default_zone),
                        v.created_by.clone(),
                        v.note.clone(),
                    )
                })
                .collect(),
            text,
        });
    }
    Ok(render(ConfigPage {
        c: chrome(u, "config"),
        result,
        kinds,
    }))
}

pub async fn config(State(s): State<AppState>, Can(u, _): Can<may::ManageConfig>) -> PageResult {
    config_page(&s, &u, None, None).await
}

#[derive(serde::Deserialize)]
pub struct ConfigForm {
    kind: String,
    action: String,
    text: String,
    #[serde(default)]
    note: String,
}

async fn apply(s: &AppState, actor: &Actor, f: &ConfigForm) -> Result<String, AppError> {
    let kind = ConfigKind::parse(&f.kind).ok_or_else(|| {
        AppError::invalid(
            "kind",
            format!(
                "{:?} is not a kind of configuration; use score or rates",
                f.kind
            ),
        )
    })?;
    match f.action.as_str() {
        "check" => config::check(kind, &f.text)
            .map(|s| format!("Valid: {}. Nothing was saved.", s.summary)),
        "load" => {
            let (version, summary) =
                config::load(&s.ws, kind, &f.text, f.note.trim(), actor).await?;
            let r = dspdesk_app::cases::refresh(&s.ws, chrono::Utc::now()).await?;
            Ok(format!(
                "Loaded as {kind} version {version}: {}. Flags: {} opened, {} cleared. Cases: {} opened, {} resolved, {} withdrawn.",
                summary.summary,
                r.flags.opened,
                r.flags.cleared,
                r.cases.opened,
                r.cases.resolved,
                r.cases.withdrawn
            ))
        }
        other => Err(AppError::invalid(
            "action",
            format!("unknown action {other:?}"),
        )),
    }
}

/// Checks a document, or loads it as a new version (then refreshes the flags). A
/// refused document stays in the form with its message (400).
pub async fn config_post(State(s): State<AppState>, f: CsrfForm<ConfigForm>) -> PageResult {
    let u = &f.user;
    let (ok, text) = form_outcome(apply(&s, &u.actor, &f.form).await)?;
    let draft =
        (!ok || f.form.action == "check").then_some((f.form.kind.as_str(), f.form.text.as_str()));
    let page = config_page(&s, u, Some((ok, text)), draft).await?;
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok((status, page).into_response())
}
