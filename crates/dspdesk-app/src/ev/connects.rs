//! EV connects: the EV vendors the program team keeps (name, vehicles offered,
//! contacts), and meetings between a vendor and a partner on the follow-up kernel: each
//! connect is a follow-up of kind `ev_connect` due at the end of its meeting day (so the
//! kernel escalates one whose outcome is not recorded), its owner reminded the day
//! before, resolved by recording the outcome and next step (a next step with a date
//! schedules the next connect in the same transaction).

use crate::followups::{About, Notify};
use crate::followups::{due_at, transition_edit, visible};
use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::model::Model;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use dspdesk_core::Action;
use dspdesk_core::ev::{meeting_problem, vendor_problem};
use dspdesk_core::followups::{Kind, Priority, Sla, State};
pub use dspdesk_store::{ConnectRow, NewVendor, VendorRow};
use dspdesk_store::{FollowupFilter, FollowupRow, NewConnect, NewFollowup, StoreError};
use std::collections::BTreeMap;

/// The vendors, by name.
pub async fn vendors(ws: &Workspace) -> Result<Vec<VendorRow>, AppError> {
    Ok(ws.store.vendors().await?)
}

/// Adds a vendor (the program team): its id.
pub async fn add_vendor(
    ws: &Workspace,
    actor: &Actor,
    v: NewVendor,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    actor.must(Action::ManageVendors)?;
    if let Some((field, p)) =
        vendor_problem(&v.name, &v.vehicles, &v.contact_phone, &v.contact_email)
    {
        return Err(AppError::invalid(field, p));
    }
    let v = NewVendor {
        name: v.name.trim().to_owned(),
        vehicles: v.vehicles.trim().to_owned(),
        contact_name: v.contact_name.trim().to_owned(),
        contact_phone: v.contact_phone.trim().to_owned(),
        contact_email: v.contact_email.trim().to_owned(),
    };
    match ws.store.add_vendor(&v, &actor.audit, now).await {
        Err(StoreError::NotFound(m)) => Err(AppError::invalid("name", m)),
        other => Ok(other?),
    }
}

/// A connect to schedule.
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    pub partner: String,
    pub vendor: i64,
    pub date: Option<NaiveDate>,
    /// Who will be there, as written.
    pub attendees: String,
    /// What it is about (the follow-up's title); default "EV connect: VENDOR and PARTNER".
    pub agenda: String,
    /// Who follows it up (a user of the program team); default the caller when a user,
    /// else nobody yet (the program team's queue).
    pub owner: String,
}

/// A connect as the screens show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ConnectView {
    pub followup: FollowupRow,
    pub vendor: String,
    #[serde(flatten)]
    pub connect: ConnectRow,
}

fn new_connect(
    actor: &Actor,
    s: &Schedule,
    vendor: &VendorRow,
    date: NaiveDate,
    owner: Option<&str>,
    zone: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> NewFollowup {
    let title = match s.agenda.trim() {
        "" => format!("EV connect: {} and {}", vendor.name, s.partner),
        a => a.to_owned(),
    };
    NewFollowup {
        kind: Kind::EvConnect,
        key: None,
        partner: s.partner.clone(),
        station: String::new(),
        subject: format!("ev_vendor:{}", vendor.id),
        title,
        body: format!(
            "Meeting on {date} with {}: {}",
            vendor.name,
            s.attendees.trim()
        ),
        owner: owner.map(str::to_owned),
        priority: Priority::Normal,
        amount_minor: None,
        data_date: Some(date),
        as_of: None,
        opened_by: actor.audit.clone(),
        opened_at: now,
        clock: Sla::due(due_at(zone, date)),
        lines: Vec::new(),
        lines_more: 0,
        watchers: vec![actor.username.clone()],
        closed: None,
    }
}

/// Checks a connect to schedule: the partner, the vendor, the date, the owner.
async fn checked(
    ws: &Workspace,
    actor: &Actor,
    s: &Schedule,
    notify: &Notify,
    today: NaiveDate,
) -> Result<(VendorRow, NaiveDate, Option<String>), AppError> {
    actor.must(Action::ManageVendors)?;
    let model = Model::load(ws).await?;
    if !model.partners().any(|p| *p == s.partner) || !actor.scope.allows_partner(&s.partner) {
        return Err(AppError::invalid(
            "partner",
            format!("{:?} is not a partner of the data in your scope", s.partner),
        ));
    }
    let vendor = ws
        .store
        .vendors()
        .await?
        .into_iter()
        .find(|v| v.id == s.vendor)
        .ok_or_else(|| {
            AppError::invalid("vendor", format!("no vendor {}: add it first", s.vendor))
        })?;
    let date = s
        .date
        .ok_or_else(|| AppError::invalid("date", "give the meeting's date"))?;
    if let Some(p) = meeting_problem(date, today) {
        return Err(AppError::invalid("date", p));
    }
    if s.attendees.trim().is_empty() || s.attendees.chars().count() > 500 {
        return Err(AppError::invalid(
            "attendees",
            "say who attends (at most 500 characters)",
        ));
    }
    let owner = match s.owner.trim() {
        "" if notify.user(&actor.username).is_some() => actor.username.clone(),
        "" => return Ok((vendor, date, None)),
        o => o.to_owned(),
    };
    let may_own = notify.user(&owner).is_some_and(|u| {
        !u.disabled && u.role.may(Action::ManageVendors) && u.scope().allows_partner(&s.partner)
    });
    if !may_own {
        return Err(AppError::invalid(
            "owner",
            format!(
                "{owner:?} is not an active user of the program team who sees {}",
                s.partner
            ),
        ));
    }
    Ok((vendor, date, Some(owner)))
}

/// Schedules a connect (the program team): its follow-up's id. The owner is told.
pub async fn schedule(
    ws: &Workspace,
    actor: &Actor,
    s: Schedule,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let zone = ws.default_zone;
    let today = now.with_timezone(&zone).date_naive();
    let notify = Notify::load(ws).await?;
    let (vendor, date, owner) = checked(ws, actor, &s, &notify, today).await?;
    let f = new_connect(actor, &s, &vendor, date, owner.as_deref(), zone, now);
    let to = match owner {
        Some(o) => vec![o],
        None => notify.program_team(),
    };
    let notes = notify.build(
        &to,
        "assigned",
        &format!("EV connect on {date}: {} and {}", vendor.name, s.partner),
        Some(&actor.username),
        About {
            partner: &s.partner,
            station: "",
            kind: Kind::EvConnect,
        },
    );
    Ok(ws
        .store
        .schedule_connect(&NewConnect {
            followup: &f,
            notes: &notes,
            vendor_id: vendor.id,
            meeting_date: date,
            attendees: s.attendees.trim(),
        })
        .await?)
}

/// The connects the caller may see: the next meetings first, then the past ones.
pub async fn list(ws: &Workspace, actor: &Actor) -> Result<Vec<ConnectView>, AppError> {
    let filter = FollowupFilter {
        kind: Some(Kind::EvConnect),
        limit: 10_000,
        ..FollowupFilter::default()
    };
    let (rows, _) = ws.store.followups(&actor.scope, &filter).await?;
    let mut by_id: BTreeMap<i64, FollowupRow> = rows.into_iter().map(|f| (f.id, f)).collect();
    let names: BTreeMap<i64, String> = ws
        .store
        .vendors()
        .await?
        .into_iter()
        .map(|v| (v.id, v.name))
        .collect();
    let mut out: Vec<ConnectView> = ws
        .store
        .connects()
        .await?
        .into_iter()
        .filter_map(|c| {
            let followup = by_id.remove(&c.followup_id)?;
            Some(ConnectView {
                vendor: names.get(&c.vendor_id).cloned().unwrap_or_default(),
                followup,
                connect: c,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (!a.followup.state.is_open())
            .cmp(&!b.followup.state.is_open())
            .then_with(|| {
                if a.followup.state.is_open() {
                    a.connect.meeting_date.cmp(&b.connect.meeting_date)
                } else {
                    b.connect.meeting_date.cmp(&a.connect.meeting_date)
                }
            })
    });
    Ok(out)
}

/// What a meeting came to.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub outcome: String,
    pub next_step: String,
    /// When given, the next connect is scheduled on it with the same vendor, partner,
    /// attendees and owner.
    pub next_date: Option<NaiveDate>,
}

/// Records a connect's outcome and next step and resolves it (the program team);
/// returns the next connect's id when one was scheduled.
pub async fn record(
    ws: &Workspace,
    actor: &Actor,
    id: i64,
    o: Outcome,
    now: DateTime<Utc>,
) -> Result<Option<i64>, AppError> {
    actor.must(Action::ManageVendors)?;
    let f = visible(ws, actor, id).await?;
    let c = ws
        .store
        .connects()
        .await?
        .into_iter()
        .find(|c| c.followup_id == id && f.kind == Kind::EvConnect)
        .ok_or(AppError::NotFound("connect"))?;
    // Reopened, a connect takes a new outcome (the old one stays in its history).
    if !f.state.is_open() {
        return Err(AppError::invalid(
            "outcome",
            format!(
                "connect {id} is {} and its outcome is recorded already: reopen it first",
                f.state.label().to_lowercase()
            ),
        ));
    }
    let outcome = o.outcome.trim();
    if outcome.is_empty() || outcome.chars().count() > 2000 {
        return Err(AppError::invalid(
            "outcome",
            "say what the meeting came to (at most 2000 characters)",
        ));
    }
    let summary = match o.next_step.trim() {
        "" => format!("Outcome: {outcome}"),
        n => format!("Outcome: {outcome}\nNext step: {n}"),
    };
    let (_, edit) = transition_edit(ws, actor, id, State::Resolved, &summary, now).await?;
    let next = next_connect(ws, actor, &f, &c, &o, now).await?;
    let next_connect = next.as_ref().map(|(f, date)| NewConnect {
        followup: f,
        notes: &[],
        vendor_id: c.vendor_id,
        meeting_date: *date,
        attendees: &c.attendees,
    });
    match ws
        .store
        .record_connect(
            id,
            outcome,
            o.next_step.trim(),
            &edit,
            next_connect.as_ref(),
        )
        .await
    {
        Err(StoreError::NotFound(_)) => Err(AppError::invalid(
            "outcome",
            format!("connect {id} changed meanwhile: look again"),
        )),
        other => Ok(other?),
    }
}

/// The connect a next step with a date schedules: with the same vendor, partner,
/// attendees and owner.
async fn next_connect(
    ws: &Workspace,
    actor: &Actor,
    f: &FollowupRow,
    c: &ConnectRow,
    o: &Outcome,
    now: DateTime<Utc>,
) -> Result<Option<(NewFollowup, NaiveDate)>, AppError> {
    let zone = ws.default_zone;
    let today = now.with_timezone(&zone).date_naive();
    let notify = Notify::load(ws).await?;
    Ok(match o.next_date {
        Some(date) => {
            let s = Schedule {
                partner: f.partner.clone(),
                vendor: c.vendor_id,
                date: Some(date),
                attendees: c.attendees.clone(),
                agenda: match o.next_step.trim() {
                    "" => String::new(),
                    n => format!("EV connect: {n}"),
                },
                owner: f.owner.clone().unwrap_or_default(),
            };
            let (vendor, date, owner) = checked(ws, actor, &s, &notify, today).await?;
            Some((
                new_connect(actor, &s, &vendor, date, owner.as_deref(), zone, now),
                date,
            ))
        }
        None => None,
    })
}

/// Reminds each open connect's owner (and the partner's users) the day before its
/// meeting, once; a connect scheduled for today or tomorrow after that day is reminded
/// at once. Returns how many connects were reminded.
pub async fn remind(ws: &Workspace, now: DateTime<Utc>) -> Result<u64, AppError> {
    let today = now.with_timezone(&ws.default_zone).date_naive();
    let notify = Notify::load(ws).await?;
    let mut sent = 0;
    for c in ws.store.connects().await? {
        if c.reminded_at.is_some()
            || c.meeting_date < today
            || c.meeting_date > today + Duration::days(1)
        {
            continue;
        }
        let Some(f) = ws.store.followup(c.followup_id).await? else {
            continue;
        };
        if !f.state.is_open() {
            continue;
        }
        let mut to: Vec<String> = match &f.owner {
            Some(o) => vec![o.clone()],
            None => notify.program_team(),
        };
        to.extend(notify.partner_users(&f.partner));
        let when = if c.meeting_date == today {
            "today"
        } else {
            "tomorrow"
        };
        let message = format!("EV connect {when} ({}): {}", c.meeting_date, f.title);
        let notes = notify.build(&to, "reminder", &message, None, About::from(&f));
        if ws
            .store
            .mark_connect_reminded(c.followup_id, &notes, now)
            .await?
        {
            sent += 1;
        }
    }
    Ok(sent)
}
