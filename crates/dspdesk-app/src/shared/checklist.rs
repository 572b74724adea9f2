//! The checklist machinery launches and onboarding share: an item is done with its
//! evidence (a note, a file or both) once its gate is open, given to an owner, and its
//! evidence file given back to those who see the checklist.

use crate::shared::error::AppError;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, Utc};
use dspdesk_core::launches::{Item, gate_problem};
use dspdesk_store::{Checklist, ChecklistItem};

/// A file given as evidence: its name and bytes.
pub type Evidence<'a> = Option<(&'a str, &'a [u8])>;

/// The file types evidence takes.
const EVIDENCE_FILES: [&str; 3] = ["application/pdf", "image/png", "image/jpeg"];

/// What the gate rules read of the items.
pub fn rules_of(items: &[ChecklistItem]) -> Vec<Item> {
    items
        .iter()
        .map(|i| Item {
            gate: i.gate,
            mandatory: i.mandatory,
            done: i.done_at.is_some(),
        })
        .collect()
}

/// Marks `item` of `list` (whose items are `items`, as the caller may see them) done.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn finish(
    ws: &Workspace,
    list: Checklist<'_>,
    items: &[ChecklistItem],
    item: i64,
    evidence: &str,
    file: Evidence<'_>,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(it) = items.iter().find(|i| i.id == item) else {
        return Err(AppError::NotFound("checklist item"));
    };
    if it.done_at.is_some() {
        return Err(AppError::invalid(
            "item",
            format!("{:?} is done already", it.title),
        ));
    }
    if let Some(p) = gate_problem(&rules_of(items), it.gate) {
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
        .finish_checklist_item(list, item, evidence, (&kept.0, &kept.1, &kept.2), by, now)
        .await?)
}

/// An item's evidence file: its name, type and where its bytes are.
pub(crate) fn evidence_file(
    ws: &Workspace,
    items: &[ChecklistItem],
    item: i64,
) -> Result<(String, String, std::path::PathBuf), AppError> {
    let it = items
        .iter()
        .find(|i| i.id == item && !i.file_sha.is_empty())
        .ok_or(AppError::NotFound("evidence"))?;
    Ok((
        it.file_name.clone(),
        it.file_type.clone(),
        crate::followups::path_of(ws, &it.file_sha),
    ))
}

/// Checks an item and an owner (a user whose scope holds `partner` at `station`; a
/// partner's user too) and gives it to them.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn assign(
    ws: &Workspace,
    list: Checklist<'_>,
    items: &[ChecklistItem],
    item: i64,
    owner: &str,
    (partner, station): (&str, &str),
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if !items.iter().any(|i| i.id == item) {
        return Err(AppError::NotFound("checklist item"));
    }
    let notify = crate::followups::Notify::load(ws).await?;
    let owner = crate::followups::check_owner_of(&notify, owner.trim(), partner, station, true)?;
    Ok(ws
        .store
        .assign_checklist_item(list, item, &owner, by, now)
        .await?)
}

/// The template's items of a checklist; `add`s an item at a gate in `gates` or
/// `remove`s one first when given (the admin's edit).
pub(crate) async fn edit_template(
    ws: &Workspace,
    checklist: &str,
    gates: std::ops::RangeInclusive<i64>,
    add: Option<(i64, String, bool)>,
    remove: Option<i64>,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Vec<dspdesk_store::TemplateItem>, AppError> {
    if let Some((gate, title, _)) = &add
        && (!gates.contains(gate) || title.trim().is_empty() || title.chars().count() > 200)
    {
        return Err(AppError::invalid(
            "item",
            format!(
                "an item of the {checklist} checklist has a gate from {} to {} and a title of 1 to 200 characters",
                gates.start(),
                gates.end()
            ),
        ));
    }
    let add = add.as_ref().map(|(g, t, m)| (*g, t.trim(), *m));
    if add.is_some() || remove.is_some() {
        ws.store
            .edit_launch_template(checklist, add, remove, by, now)
            .await?;
    }
    Ok(ws.store.launch_template(checklist).await?)
}
