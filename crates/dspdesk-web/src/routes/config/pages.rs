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
    /// The score's settings as a form (the score only).
    form: Option<ScoreFormView>,
}

/// The health score's main settings as form fields, named by their TOML path.
struct ScoreFormView {
    effective_from: String,
    /// (component, label, weight, floor, target)
    components: Vec<(String, String, String, String, String)>,
    /// (group title, [(path, label, value)])
    groups: Vec<(&'static str, Vec<Setting>)>,
}

/// One field: (TOML path, label, value).
type Setting = (String, &'static str, String);

fn num(v: f64) -> String {
    format!("{v}")
}

fn score_form(cfg: &dspdesk_core::health::ScoreConfig) -> ScoreFormView {
    let (t, d, b, g) = (&cfg.tiers, &cfg.defaulting, &cfg.bottom, &cfg.goals);
    let f = |path: &str, label: &'static str, v: String| (path.to_owned(), label, v);
    ScoreFormView {
        effective_from: cfg.effective_from.to_string(),
        components: cfg
            .components
            .iter()
            .map(|(k, c)| {
                (
                    k.clone(),
                    dspdesk_core::metric::label(k),
                    num(c.weight),
                    num(c.floor),
                    num(c.target),
                )
            })
            .collect(),
        groups: vec![
            (
                "Tiers: the lowest score of each",
                vec![
                    f("tiers.fantastic_plus", "Fantastic+", num(t.fantastic_plus)),
                    f("tiers.fantastic", "Fantastic", num(t.fantastic)),
                    f("tiers.great", "Great", num(t.great)),
                    f("tiers.fair", "Fair", num(t.fair)),
                ],
            ),
            (
                "Defaulting on DOT",
                vec![
                    f("defaulting.dot_target", "DOT target %", num(d.dot_target)),
                    f("defaulting.days", "Days below it", d.days.to_string()),
                    f(
                        "defaulting.window",
                        "Of the last (days)",
                        d.window.to_string(),
                    ),
                ],
            ),
            (
                "Consistently bottom",
                vec![
                    f("bottom.share_pct", "Bottom share %", num(b.share_pct)),
                    f("bottom.weeks", "Weeks in it", b.weeks.to_string()),
                    f(
                        "bottom.of_last",
                        "Of the last (weeks)",
                        b.of_last.to_string(),
                    ),
                ],
            ),
            (
                "Route goals",
                vec![
                    f(
                        "goals.window_days",
                        "Suggestion from the last (days)",
                        g.window_days.to_string(),
                    ),
                    f(
                        "goals.shortfall_below_pct",
                        "Shortfall below P50 met %",
                        num(g.shortfall_below_pct),
                    ),
                ],
            ),
        ],
    }
}

fn words(kind: ConfigKind) -> (&'static str, &'static str) {
    match kind {
        ConfigKind::Score => (
            "Health score",
            "Weights, floors and targets of the components, tiers, the lapsed-document cap and the rules of the defaulting, bottom, unusual-day and goal lists. A version starts on a Monday and applies to weeks not yet scored; a week already shown keeps its version until it is scored again (`dspdesk score --week W --rescore`).",
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
        // The form shows the draft being checked, else the newest version.
        let form = (kind == ConfigKind::Score)
            .then(|| dspdesk_core::health::ScoreConfig::from_toml(&text).ok())
            .flatten()
            .map(|c| score_form(&c));
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
                        crate::shared::render::when(v.created_at, u.zone),
                        v.created_by.clone(),
                        v.note.clone(),
                    )
                })
                .collect(),
            text,
            form,
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

/// The score's form: its settings (named by TOML path) applied to the newest version,
/// then checked or loaded as that TOML document, exactly as if it had been typed.
pub async fn score_form_post(
    State(s): State<AppState>,
    f: CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let u = &f.user;
    let field = |k: &str| {
        f.form
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let edits: Vec<(String, String)> = f
        .form
        .iter()
        .filter(|(k, _)| k.contains('.') || k == "effective_from")
        .cloned()
        .collect();
    let today = chrono::Utc::now().date_naive();
    let built = config::score_form_text(&s.ws, &u.actor, &edits, today).await;
    let (ok, text, draft) = match built {
        Ok(text) => {
            let form = ConfigForm {
                kind: "score".into(),
                action: field("action"),
                text: text.clone(),
                note: field("note"),
            };
            let (ok, message) = form_outcome(apply(&s, &u.actor, &form).await)?;
            (ok, message, (!ok || form.action == "check").then_some(text))
        }
        Err(e) => {
            let (ok, message) = form_outcome(Err(e))?;
            (ok, message, None)
        }
    };
    let page = config_page(
        &s,
        u,
        Some((ok, text)),
        draft.as_deref().map(|t| ("score", t)),
    )
    .await?;
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok((status, page).into_response())
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
