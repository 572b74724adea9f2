//! Launch readiness: the program team opens a launch (a new station, or a partner at a
//! station) with a target date; its checklist is a copy of the template the admin edits;
//! items are done with their evidence, gate by gate; the go/no-go board colours every
//! launch on the day.

use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, NaiveDate, Utc};
use dspdesk_core::launches::{Colour, Item, colour, gate_problem, open_gate};
use dspdesk_core::{Action, Scope};
use dspdesk_store::{LaunchRow, TemplateItem};

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
    l.items
        .iter()
        .map(|i| Item {
            gate: i.gate,
            mandatory: i.mandatory,
            done: i.done_at.is_some(),
        })
        .collect()
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

/// The checklist template (the admin).
pub async fn template(ws: &Workspace, actor: &Actor) -> Result<Vec<TemplateItem>, AppError> {
    actor.must(Action::ManageConfig)?;
    Ok(ws.store.launch_template().await?)
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
    if ws.store.launch_template().await?.is_empty() {
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

/// A file given as evidence: its name and bytes.
pub type Evidence<'a> = Option<(&'a str, &'a [u8])>;

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
    let Some(it) = v.launch.items.iter().find(|i| i.id == item) else {
        return Err(AppError::NotFound("checklist item"));
    };
    if it.done_at.is_some() {
        return Err(AppError::invalid(
            "item",
            format!("{:?} is done already", it.title),
        ));
    }
    if let Some(p) = gate_problem(&items(&v.launch), it.gate) {
        return Err(AppError::invalid("item", format!("{:?}: {p}", it.title)));
    }
    let evidence = evidence.trim();
    if (evidence.is_empty() && file.is_none()) || evidence.chars().count() > 2000 {
        return Err(AppError::invalid(
            "evidence",
            "say what shows it is done (up to 2,000 characters) or attach the file that does",
        ));
    }
    let kept = match file {
        Some((name, bytes)) => {
            let (name, kind, sha) =
                crate::followups::keep_file(ws, name, bytes, &EVIDENCE_FILES).await?;
            (sha, name, kind.to_owned())
        }
        None => Default::default(),
    };
    Ok(ws
        .store
        .finish_launch_item(
            launch,
            item,
            evidence,
            (&kept.0, &kept.1, &kept.2),
            &actor.audit,
            now,
        )
        .await?)
}

/// The file types evidence takes.
const EVIDENCE_FILES: [&str; 3] = ["application/pdf", "image/png", "image/jpeg"];

/// An item's evidence file and where its bytes are, for one who may see the launch.
pub async fn evidence_file(
    ws: &Workspace,
    actor: &Actor,
    launch: i64,
    item: i64,
    now: DateTime<Utc>,
) -> Result<(String, String, std::path::PathBuf), AppError> {
    let v = show(ws, actor, launch, now).await?;
    let it = v
        .launch
        .items
        .iter()
        .find(|i| i.id == item && !i.file_sha.is_empty())
        .ok_or(AppError::NotFound("evidence"))?;
    Ok((
        it.file_name.clone(),
        it.file_type.clone(),
        crate::followups::path_of(ws, &it.file_sha),
    ))
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
    let notify = crate::followups::Notify::load(ws).await?;
    let owner = crate::followups::check_owner_of(
        &notify,
        owner.trim(),
        &v.launch.partner,
        &v.launch.station,
        true,
    )?;
    Ok(ws
        .store
        .assign_launch_item(launch, item, &owner, &actor.audit, now)
        .await?)
}

/// The admin edits the checklist template: adds an item at a gate, or removes one.
pub async fn edit_template(
    ws: &Workspace,
    actor: &Actor,
    add: Option<(i64, String, bool)>,
    remove: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Vec<TemplateItem>, AppError> {
    actor.must(Action::ManageConfig)?;
    if let Some((gate, title, _)) = &add
        && (!(1..=20).contains(gate) || title.trim().is_empty() || title.chars().count() > 200)
    {
        return Err(AppError::invalid(
            "item",
            "an item has a gate from 1 to 20 and a title of 1 to 200 characters",
        ));
    }
    let add = add.as_ref().map(|(g, t, m)| (*g, t.trim(), *m));
    ws.store
        .edit_launch_template(add, remove, &actor.audit, now)
        .await?;
    Ok(ws.store.launch_template().await?)
}
