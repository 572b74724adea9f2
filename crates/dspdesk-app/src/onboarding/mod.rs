//! Onboarding: the program team adds an applicant and moves it through the stages one
//! at a time, once the mandatory items of its checklist up to its stage are done (the
//! launch checklist's machinery, a stage per gate); a partner goes live when its first
//! route arrives in the data. The board shows every partner in onboarding by stage with
//! its days in the stage and what holds it there.

use crate::shared::actor::Actor;
use crate::shared::checklist::{self, Evidence};
use crate::shared::error::AppError;
use crate::shared::model::Model;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, NaiveDate, Utc};
use dspdesk_core::onboarding::{Stage, current, days_in_stage, move_problem};
use dspdesk_core::{Action, PartnerCode, Scope};
use dspdesk_store::{Checklist, ChecklistItem, OnboardingRow};

/// A partner on the board.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Card {
    pub partner: String,
    pub legal_name: String,
    pub stage: Stage,
    pub since: NaiveDate,
    pub days_in_stage: i64,
    /// Every stage reached and when (live: the first route's day).
    pub history: Vec<(Stage, NaiveDate)>,
    /// Its checklist, by gate (a stage is a gate: applied 1 ... launch 6).
    pub items: Vec<ChecklistItem>,
    /// Mandatory items open at its stage or before: they hold it there.
    pub holding: usize,
}

/// Adds an applicant (the program team) at `applied` on `on`.
pub async fn apply(
    ws: &Workspace,
    actor: &Actor,
    partner: &str,
    legal_name: &str,
    on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.must(Action::VerifyDocuments)?;
    let code = PartnerCode::parse(partner.trim())
        .map_err(|e| AppError::invalid("partner", format!("{partner:?}: {e}")))?;
    let today = now.with_timezone(&ws.default_zone).date_naive();
    if on > today {
        return Err(AppError::invalid(
            "on",
            format!("applied on {on}: a day up to today ({today})"),
        ));
    }
    let name = legal_name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::invalid(
            "legal_name",
            "the legal name, 1 to 200 characters",
        ));
    }
    let added = ws
        .store
        .add_applicant(code.as_str(), name, "", on, &actor.audit, now)
        .await?;
    if !added {
        return Err(AppError::invalid(
            "partner",
            format!("{} is in onboarding already", code.as_str()),
        ));
    }
    Ok(())
}

/// Moves a partner to the next stage (the program team), reached on `on`.
pub async fn advance(
    ws: &Workspace,
    actor: &Actor,
    partner: &str,
    to: Stage,
    on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.must(Action::VerifyDocuments)?;
    let card = board(ws, actor, now)
        .await?
        .into_iter()
        .find(|c| c.partner == partner)
        .ok_or(AppError::NotFound("partner"))?;
    if let Some(p) = move_problem(card.stage, to, &checklist::rules_of(&card.items)) {
        return Err(AppError::invalid("stage", format!("{partner}: {p}")));
    }
    let today = now.with_timezone(&ws.default_zone).date_naive();
    if on < card.since || on > today {
        return Err(AppError::invalid(
            "on",
            format!(
                "{partner} reached {} on {}: {to} is reached on a day from then to today ({today}), not {on}",
                card.stage, card.since
            ),
        ));
    }
    // Another hand moved it first: say so, not an internal error.
    match ws
        .store
        .advance_onboarding(partner, card.stage, to, on, &actor.audit, now)
        .await
    {
        Err(dspdesk_store::StoreError::NotFound(_)) => Err(AppError::invalid(
            "stage",
            format!("{partner} moved on meanwhile: reload and try again"),
        )),
        other => Ok(other?),
    }
}

/// The board: every partner in onboarding the caller may see, by stage (a partner in
/// onboarding has no station yet: the program team, its coach and the partner see it).
pub async fn board(
    ws: &Workspace,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<Card>, AppError> {
    let model = Model::load(ws).await?;
    let today = now.with_timezone(&ws.default_zone).date_naive();
    let rows = ws.store.onboarding().await?;
    Ok(rows
        .into_iter()
        .filter(|r| match &actor.scope {
            Scope::Stations(_) => model.sees_partner(&actor.scope, &r.partner),
            s => s.allows_partner(&r.partner),
        })
        .filter_map(|r| card(&model, r, today))
        .collect())
}

fn card(model: &Model, r: OnboardingRow, today: NaiveDate) -> Option<Card> {
    let first_route = model.first_route(&r.partner);
    let (stage, since) = current(&r.stages, first_route)?;
    let mut history = r.stages;
    if let Some(d) = first_route {
        history.push((Stage::Live, d));
    }
    let holding = dspdesk_core::onboarding::holding(stage, &checklist::rules_of(&r.items));
    Some(Card {
        partner: r.partner,
        legal_name: r.legal_name,
        stage,
        since,
        days_in_stage: days_in_stage(since, today),
        history,
        items: r.items,
        holding,
    })
}

/// One partner in onboarding, for one who may see it.
pub async fn show(
    ws: &Workspace,
    actor: &Actor,
    partner: &str,
    now: DateTime<Utc>,
) -> Result<Card, AppError> {
    board(ws, actor, now)
        .await?
        .into_iter()
        .find(|c| c.partner == partner)
        .ok_or(AppError::NotFound("partner in onboarding"))
}

/// Whether the caller works this item: the program team, or the user it was given to.
fn may_work(actor: &Actor, card: &Card, item: i64) -> bool {
    actor.role.may(Action::VerifyDocuments)
        || card
            .items
            .iter()
            .any(|i| i.id == item && !i.owner.is_empty() && i.owner == actor.username)
}

/// Marks an item of a partner's onboarding checklist done with its evidence, once its
/// gate is open (the program team, or the item's owner).
pub async fn finish(
    ws: &Workspace,
    actor: &Actor,
    partner: &str,
    item: i64,
    evidence: &str,
    file: Evidence<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let card = show(ws, actor, partner, now).await?;
    if !may_work(actor, &card, item) {
        return Err(AppError::Forbidden(Action::VerifyDocuments));
    }
    // A stage's items are done while the partner is at it (or before it moves past it).
    if let Some(it) = card.items.iter().find(|i| i.id == item)
        && card.stage != Stage::Live
        && it.gate > card.stage.gate()
    {
        return Err(AppError::invalid(
            "item",
            format!(
                "{:?} is an item of {}; {partner} is at {}: it is done once the partner reaches that stage",
                it.title,
                Stage::of_gate(it.gate).map_or("a later stage", |s| s.label()),
                card.stage.label()
            ),
        ));
    }
    checklist::finish(
        ws,
        Checklist::Onboarding(partner),
        &card.items,
        item,
        evidence,
        file,
        &actor.audit,
        now,
    )
    .await
}

/// Gives an open item to an owner (the program team): a user whose scope holds the
/// partner, its own users included.
pub async fn assign(
    ws: &Workspace,
    actor: &Actor,
    partner: &str,
    item: i64,
    owner: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.must(Action::VerifyDocuments)?;
    let card = show(ws, actor, partner, now).await?;
    checklist::assign(
        ws,
        Checklist::Onboarding(partner),
        &card.items,
        item,
        owner,
        (partner, ""),
        &actor.audit,
        now,
    )
    .await
}

/// An item's evidence file, for one who may see the partner's onboarding.
pub async fn evidence_file(
    ws: &Workspace,
    actor: &Actor,
    partner: &str,
    item: i64,
    now: DateTime<Utc>,
) -> Result<(String, String, std::path::PathBuf), AppError> {
    let card = show(ws, actor, partner, now).await?;
    checklist::evidence_file(ws, &card.items, item)
}
