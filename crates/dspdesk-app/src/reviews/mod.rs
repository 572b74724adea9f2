//! Reviews and action items: a DSP review or a WBR is recorded with its attendees,
//! notes and the action items agreed; each action item is a follow-up due on its date,
//! owned by a person or by the partner (one of its users), and escalates when overdue
//! like every follow-up.

use crate::followups::{About, Notify, check_owner_of, due_at, zone_of};
use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use dspdesk_core::followups::{Kind, Priority, Sla};
use dspdesk_core::reviews::{ReviewKind, due_problem};
use dspdesk_core::{Action, IsoWeek};
use dspdesk_store::{FlagRow, FollowupFilter, FollowupRow, NewFollowup, NewReview, ReviewRow};

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
    let (notify, zone) = (Notify::load(ws).await?, zone_of(ws, &station).await?);
    let items = (r.items.iter().enumerate())
        .map(|(i, it)| item(zone, &notify, actor, &r, &partner, &station, i, it, now))
        .collect::<Result<Vec<_>, AppError>>()?;
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

#[allow(clippy::too_many_arguments)]
fn item(
    zone: chrono_tz::Tz,
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
    let today = now.with_timezone(&zone).date_naive();
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
        clock: Sla::due(due_at(zone, it.due)),
        lines: Vec::new(),
        lines_more: 0,
        watchers: vec![actor.username.clone()],
        closed: None,
    })
}

/// The reviews the caller may see, newest first.
pub async fn list(
    ws: &Workspace,
    actor: &Actor,
    limit: i64,
    offset: i64,
) -> Result<Vec<ReviewRow>, AppError> {
    Ok(ws
        .store
        .reviews(&actor.scope, limit.clamp(1, 10_000), offset)
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

/// An action item agreed on a flag.
#[derive(Debug, Clone)]
pub struct FromFlag {
    pub flag: i64,
    /// Empty: the flag's kind and subject.
    pub title: String,
    /// A user name (a partner user owns it for the partner).
    pub owner: String,
    pub due: NaiveDate,
}

/// Turns a flag into an action item: about the flag's partner and station, its reason
/// and numbers in the text, owned and due as given; one per flag (a second is refused
/// with the first's number).
pub async fn item_from_flag(
    ws: &Workspace,
    actor: &Actor,
    f: FromFlag,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    actor.must(Action::WorkFollowups)?;
    let flag = agreeable_flag(ws, actor, f.flag).await?;
    let zone = zone_of(ws, &flag.station).await?;
    let title = flag_item_title(&flag, &f, zone, now)?;
    let notify = Notify::load(ws).await?;
    let owner = check_owner_of(&notify, f.owner.trim(), &flag.partner, &flag.station, true)?;
    let subject = format!("flag:{}", flag.id);
    let new = NewFollowup {
        kind: Kind::ActionItem,
        key: Some(subject.clone()),
        partner: flag.partner.clone(),
        station: flag.station.clone(),
        subject,
        title,
        body: format!(
            "From flag {} (the data of {}): {}",
            flag.id, flag.data_date, flag.reason
        ),
        owner: Some(owner.clone()),
        priority: Priority::Normal,
        amount_minor: None,
        data_date: Some(f.due),
        as_of: None,
        opened_by: actor.audit.clone(),
        opened_at: now,
        clock: Sla::due(due_at(zone, f.due)),
        lines: Vec::new(),
        lines_more: 0,
        watchers: vec![actor.username.clone()],
        closed: None,
    };
    let message = format!("Action item on a flag: {} (due {})", new.title, f.due);
    let notes = notify.build(
        &[owner],
        "assigned",
        &message,
        Some(&actor.username),
        About {
            partner: &flag.partner,
            station: &flag.station,
            kind: Kind::ActionItem,
        },
    );
    match ws.store.open_followup(&new, &notes).await? {
        Some(id) => Ok(id),
        None => Err(AppError::invalid(
            "flag",
            match item_of_flag(ws, actor, flag.id).await? {
                Some(first) => format!(
                    "flag {} has its action item already: #{}",
                    flag.id, first.id
                ),
                None => format!("flag {} has its action item already", flag.id),
            },
        )),
    }
}

/// Whether the caller's scope holds all a flag is about (its partner and station).
fn holds_flag(actor: &Actor, flag: &FlagRow) -> bool {
    actor.scope.allows(&flag.partner, &flag.station)
}

/// Whether the caller may agree an action item on this flag now: its role works
/// follow-ups, its scope holds the flag, and the flag is open.
pub fn may_agree(actor: &Actor, flag: &FlagRow) -> bool {
    actor.role.may(Action::WorkFollowups) && holds_flag(actor, flag) && flag.cleared_at.is_none()
}

/// A flag the caller may agree an action item on. A partner's flag shows at each of its
/// stations; the action item is about the whole partner, which only a scope holding
/// the partner may agree.
async fn agreeable_flag(ws: &Workspace, actor: &Actor, id: i64) -> Result<FlagRow, AppError> {
    let flag = crate::flags::flag_by_id(ws, actor, id).await?;
    if !holds_flag(actor, &flag) {
        return Err(AppError::invalid(
            "flag",
            format!(
                "flag {} is about all of {}, beyond your stations: raise it as a point, or ask the partner's coach",
                flag.id, flag.partner
            ),
        ));
    }
    if let Some(at) = flag.cleared_at {
        return Err(AppError::invalid(
            "flag",
            format!(
                "flag {} cleared on {}: the data no longer shows it",
                flag.id,
                at.date_naive()
            ),
        ));
    }
    Ok(flag)
}

/// The title of an action item on a flag (as named, else the flag's kind and subject),
/// once its due date is from today to a year ahead in `zone`.
fn flag_item_title(
    flag: &FlagRow,
    f: &FromFlag,
    zone: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let today = now.with_timezone(&zone).date_naive();
    if f.due < today || f.due > today + Duration::days(366) {
        return Err(AppError::invalid(
            "due",
            format!(
                "due {}: give a date from today ({today}) to a year ahead",
                f.due
            ),
        ));
    }
    let title = match f.title.trim() {
        "" if flag.subject.is_empty() => flag.kind.label().to_owned(),
        "" => format!("{}: {}", flag.kind.label(), flag.subject),
        t => t.to_owned(),
    };
    if title.chars().count() > 200 {
        return Err(AppError::invalid(
            "title",
            "a title of at most 200 characters",
        ));
    }
    Ok(title)
}

/// The action item agreed on a flag, if there is one the caller may see.
pub async fn item_of_flag(
    ws: &Workspace,
    actor: &Actor,
    flag: i64,
) -> Result<Option<FollowupRow>, AppError> {
    let (rows, _) = ws
        .store
        .followups(
            &actor.scope,
            &FollowupFilter {
                kind: Some(Kind::ActionItem),
                subject: Some(format!("flag:{flag}")),
                own_items_of: crate::followups::own_items_only(actor),
                limit: 1,
                ..Default::default()
            },
        )
        .await?;
    Ok(rows.into_iter().next())
}
