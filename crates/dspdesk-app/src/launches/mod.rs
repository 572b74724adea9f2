//! Launch readiness: the program team opens a launch (a new station, or a partner at a
//! station) with a target date; its checklist is a copy of the template the admin edits;
//! items are done with their evidence, gate by gate; the go/no-go board colours every
//! launch on the day.

use crate::shared::actor::Actor;
use crate::shared::checklist;
pub use crate::shared::checklist::Evidence;
use crate::shared::error::AppError;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, NaiveDate, Utc};
use dspdesk_core::launches::{Colour, Item, colour, open_gate};
use dspdesk_core::{Action, Scope};
use dspdesk_store::{Checklist, LaunchRow, TemplateItem};

/// A launch with where it stands on the day.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LaunchView {
    pub launch: LaunchRow,
    pub colour: Colour,
    pub days_left: i64,
    /// The first gate with a mandatory item open.
    pub open_gate: Option<i64>,
    pub mandatory_open: usize,
}

fn items(l: &LaunchRow) -> Vec<Item> {
    checklist::rules_of(&l.items)
}

fn view(l: LaunchRow, today: NaiveDate) -> LaunchView {
    let it = items(&l);
    LaunchView {
        colour: colour(&it, l.target_date, today),
        days_left: (l.target_date - today).num_days(),
        open_gate: open_gate(&it),
        mandatory_open: it.iter().filter(|i| i.mandatory && !i.done).count(),
        launch: l,
    }
}

fn sees(scope: &Scope, l: &LaunchRow) -> bool {
    match (scope, l.partner.as_str()) {
        // A new station's launch: its managers and the program team.
        (Scope::Partners(_), "") => false,
        (s, p) => s.allows(p, &l.station),
    }
}

/// The board: the launches the caller may see, red first.
pub async fn board(
    ws: &Workspace,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<LaunchView>, AppError> {
    let today = now.with_timezone(&ws.default_zone).date_naive();
    let mut out: Vec<LaunchView> = ws
        .store
        .launches()
        .await?
        .into_iter()
        .filter(|l| sees(&actor.scope, l))
        .map(|l| view(l, today))
        .collect();
    out.sort_by_key(|v| (v.colour, v.launch.target_date, v.launch.id));
    Ok(out)
}

pub async fn show(
    ws: &Workspace,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<LaunchView, AppError> {
    board(ws, actor, now)
        .await?
        .into_iter()
        .find(|v| v.launch.id == id)
        .ok_or(AppError::NotFound("launch"))
}

/// Whether the caller opens launches at all: a role that works follow-ups, over a scope
/// of stations (the program team's or a station manager's), not a partner portfolio.
pub fn may_open(actor: &Actor) -> bool {
    actor.role.may(Action::WorkFollowups) && !matches!(actor.scope, Scope::Partners(_))
}

/// The kinds of checklist the template holds, with the gates each takes: a launch's
/// gates are the admin's to number; an applicant's are its stages (applied 1 ... launch 6).
pub fn checklists() -> [(&'static str, std::ops::RangeInclusive<i64>); 2] {
    [
        ("launch", 1..=20),
        (
            "onboarding",
            dspdesk_core::onboarding::Stage::Applied.gate()
                ..=dspdesk_core::onboarding::Stage::Launch.gate(),
        ),
    ]
}

/// The checklist template of one kind (`launch` or `onboarding`), for the admin.
pub async fn template(
    ws: &Workspace,
    actor: &Actor,
    checklist: &str,
) -> Result<Vec<TemplateItem>, AppError> {
    actor.must(Action::ManageConfig)?;
    let kind = kind_of(checklist)?.0;
    Ok(ws.store.launch_template(kind).await?)
}

fn kind_of(checklist: &str) -> Result<(&'static str, std::ops::RangeInclusive<i64>), AppError> {
    checklists()
        .into_iter()
        .find(|(k, _)| *k == checklist)
        .ok_or_else(|| {
            AppError::invalid(
                "checklist",
                format!("{checklist:?} is not a checklist; use launch or onboarding"),
            )
        })
}

/// Opens a launch (the program team, or a station's manager for its station).
pub async fn open(
    ws: &Workspace,
    actor: &Actor,
    partner: &str,
    station: &str,
    target: NaiveDate,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    actor.must(Action::WorkFollowups)?;
    let (partner, station) = (partner.trim(), station.trim());
    if station.is_empty() {
        return Err(AppError::invalid(
            "station",
            "a launch is at a station: name it",
        ));
    }
    dspdesk_core::StationCode::parse(station)
        .map_err(|e| AppError::invalid("station", format!("{station:?}: {e}")))?;
    if !partner.is_empty() {
        dspdesk_core::PartnerCode::parse(partner)
            .map_err(|e| AppError::invalid("partner", format!("{partner:?}: {e}")))?;
    }
    if !(may_open(actor) && actor.scope.allows(partner, station)) {
        return Err(AppError::invalid(
            "station",
            "open launches at a station of your scope",
        ));
    }
    let today = now.with_timezone(&ws.default_zone).date_naive();
    if target < today {
        return Err(AppError::invalid(
            "target",
            format!("the target {target} is past (today is {today})"),
        ));
    }
    if ws.store.launch_template("launch").await?.is_empty() {
        return Err(AppError::invalid(
            "template",
            "the launch checklist template is empty: the admin adds its items first",
        ));
    }
    Ok(ws
        .store
        .create_launch(partner, station, target, "", &actor.audit, now)
        .await?)
}

/// Marks an item done with its evidence (a note, a file or both), once its gate is open.
pub async fn finish(
    ws: &Workspace,
    actor: &Actor,
    launch: i64,
    item: i64,
    evidence: &str,
    file: Evidence<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.must(Action::WorkFollowups)?;
    let v = show(ws, actor, launch, now).await?;
    checklist::finish(
        ws,
        Checklist::Launch(launch),
        &v.launch.items,
        item,
        evidence,
        file,
        &actor.audit,
        now,
    )
    .await
}

/// An item's evidence file and where its bytes are, for one who may see the launch.
pub async fn evidence_file(
    ws: &Workspace,
    actor: &Actor,
    launch: i64,
    item: i64,
    now: DateTime<Utc>,
) -> Result<(String, String, std::path::PathBuf), AppError> {
    let v = show(ws, actor, launch, now).await?;
    checklist::evidence_file(ws, &v.launch.items, item)
}

/// Gives an open item to an owner: a user whose scope holds the launch (a partner's user
/// for a partner's launch).
pub async fn assign(
    ws: &Workspace,
    actor: &Actor,
    launch: i64,
    item: i64,
    owner: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.must(Action::WorkFollowups)?;
    let v = show(ws, actor, launch, now).await?;
    checklist::assign(
        ws,
        Checklist::Launch(launch),
        &v.launch.items,
        item,
        owner,
        (&v.launch.partner, &v.launch.station),
        &actor.audit,
        now,
    )
    .await
}

/// The admin edits a checklist of the template (`launch` or `onboarding`): adds an item
/// at a gate, or removes one. Launches and applicants already there keep their copies.
pub async fn edit_template(
    ws: &Workspace,
    actor: &Actor,
    checklist: &str,
    add: Option<(i64, String, bool)>,
    remove: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Vec<TemplateItem>, AppError> {
    actor.must(Action::ManageConfig)?;
    let (kind, gates) = kind_of(checklist)?;
    checklist::edit_template(ws, kind, gates, add, remove, &actor.audit, now).await
}
