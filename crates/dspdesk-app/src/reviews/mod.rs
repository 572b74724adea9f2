//! Reviews and action items: a DSP review or a WBR is recorded with its attendees,
//! notes and the action items agreed; each action item is a follow-up due on its date,
//! owned by a person or by the partner (one of its users), and escalates when overdue
//! like every follow-up.

use crate::followups::{About, Notify, check_owner_of};
use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use dspdesk_core::followups::{Kind, Priority, Sla};
use dspdesk_core::reviews::{ReviewKind, due_problem};
use dspdesk_core::{Action, IsoWeek};
use dspdesk_store::{FollowupFilter, FollowupRow, NewFollowup, NewReview, ReviewRow};

/// An action item to record with a review.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub title: String,
    /// A user name (a partner user owns it for the partner).
    pub owner: String,
    pub due: NaiveDate,
}

/// A review to record.
#[derive(Debug, Clone)]
pub struct Record {
    pub kind: ReviewKind,
    pub date: NaiveDate,
    pub partner: String,
    pub station: String,
    pub attendees: String,
    pub notes: String,
    pub items: Vec<NewItem>,
}

const MAX_ITEMS: usize = 100;

/// Records a review and its action items (one transaction). The program team records
/// any; coaches and station managers within their scope.
pub async fn record(
    ws: &Workspace,
    actor: &Actor,
    r: Record,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    actor.must(Action::WorkFollowups)?;
    let (partner, station) = (r.partner.trim().to_owned(), r.station.trim().to_owned());
    if r.kind == ReviewKind::DspReview && partner.is_empty() {
        return Err(AppError::invalid(
            "partner",
            "a DSP review is about one partner: name it",
        ));
    }
    if !actor.scope.allows(&partner, &station) {
        return Err(AppError::invalid(
            "partner",
            "name a partner or station of your scope",
        ));
    }
    crate::followups::check_codes(ws, &partner, &station).await?;
    if r.attendees.chars().count() > 2000 || r.notes.chars().count() > 20_000 {
        return Err(AppError::invalid(
            "notes",
            "the attendees take at most 2,000 characters and the notes 20,000",
        ));
    }
    if r.items.len() > MAX_ITEMS {
        return Err(AppError::invalid(
            "items",
            format!(
                "{} action items; a review takes at most {MAX_ITEMS}",
                r.items.len()
            ),
        ));
    }
    let notify = Notify::load(ws).await?;
    let mut items = Vec::with_capacity(r.items.len());
    for (i, it) in r.items.iter().enumerate() {
        items.push(item(
            ws, &notify, actor, &r, &partner, &station, i, it, now,
        )?);
    }
    let review = NewReview {
        kind: r.kind,
        date: r.date,
        partner,
        station,
        attendees: r.attendees.trim().to_owned(),
        notes: r.notes.trim().to_owned(),
        created_by: actor.audit.clone(),
        created_at: now,
    };
    // Each owner hears of an item in the transaction that stores it.
    let notes: Vec<_> = items
        .iter()
        .map(|f| {
            let about = About {
                partner: &f.partner,
                station: &f.station,
                kind: Kind::ActionItem,
            };
            let due = f.data_date.map(|d| d.to_string()).unwrap_or_default();
            let message = format!(
                "Action item from the {} of {}: {} (due {due})",
                r.kind.label(),
                r.date,
                f.title
            );
            notify.build(
                &f.owner.iter().cloned().collect::<Vec<_>>(),
                "assigned",
                &message,
                Some(&actor.username),
                about,
            )
        })
        .collect();
    let id = ws.store.create_review(&review, &items, &notes).await?;
    Ok(id)
}

/// The end of a due date in the network's zone: when an action item falls due.
fn due_at(ws: &Workspace, due: NaiveDate) -> DateTime<Utc> {
    let next = (due + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .expect("midnight");
    ws.default_zone
        .from_local_datetime(&next)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&next))
}

#[allow(clippy::too_many_arguments)]
fn item(
    ws: &Workspace,
    notify: &Notify,
    actor: &Actor,
    r: &Record,
    partner: &str,
    station: &str,
    i: usize,
    it: &NewItem,
    now: DateTime<Utc>,
) -> Result<NewFollowup, AppError> {
    let n = i + 1;
    let title = it.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(AppError::invalid(
            "items",
            format!("action item {n}: a title of 1 to 200 characters"),
        ));
    }
    if let Some(problem) = due_problem(r.date, it.due) {
        return Err(AppError::invalid(
            "items",
            format!("action item {n}: {problem}"),
        ));
    }
    let today = now.with_timezone(&ws.default_zone).date_naive();
    if it.due < today {
        return Err(AppError::invalid(
            "items",
            format!(
                "action item {n}: due {} is already past (today is {today}): give it a date from today on",
                it.due
            ),
        ));
    }
    let owner = check_owner_of(notify, it.owner.trim(), partner, station, true)
        .map_err(|e| AppError::invalid("items", format!("action item {n}: {e}")))?;
    Ok(NewFollowup {
        kind: Kind::ActionItem,
        key: None,
        partner: partner.to_owned(),
        station: station.to_owned(),
        subject: String::new(),
        title: title.to_owned(),
        body: String::new(),
        owner: Some(owner),
        priority: Priority::Normal,
        amount_minor: None,
        data_date: Some(it.due),
        as_of: None,
        opened_by: actor.audit.clone(),
        opened_at: now,
        clock: Sla::due(due_at(ws, it.due)),
        lines: Vec::new(),
        lines_more: 0,
        watchers: vec![actor.username.clone()],
        closed: None,
    })
}

/// The reviews the caller may see, newest first.
pub async fn list(ws: &Workspace, actor: &Actor, limit: i64) -> Result<Vec<ReviewRow>, AppError> {
    Ok(ws
        .store
        .reviews(&actor.scope, limit.clamp(1, 10_000))
        .await?)
}

/// A review the caller may see, with its action items.
pub async fn show(
    ws: &Workspace,
    actor: &Actor,
    id: i64,
) -> Result<(ReviewRow, Vec<FollowupRow>), AppError> {
    let r = ws
        .store
        .review(id)
        .await?
        .ok_or(AppError::NotFound("review"))?;
    if !actor.scope.allows(&r.partner, &r.station) {
        return Err(AppError::NotFound("review"));
    }
    let filter = FollowupFilter {
        kind: Some(Kind::ActionItem),
        subject: Some(dspdesk_store::review_subject(id)),
        own_items_of: crate::followups::own_items_only(actor),
        limit: 1000,
        ..Default::default()
    };
    let (items, _) = ws.store.followups(&actor.scope, &filter).await?;
    Ok((r, items))
}

/// Where the week a review discussed is on screen: the partner's scorecard, the
/// station's page or the overview, for the ISO week of the review's date.
pub fn numbers_link(r: &ReviewRow) -> String {
    let week = IsoWeek::of(r.date);
    match (r.partner.as_str(), r.station.as_str()) {
        ("", "") => format!("/?week={week}"),
        ("", s) => format!("/stations/{s}?week={week}"),
        (p, _) => format!("/partners/{p}/scorecard?week={week}"),
    }
}
