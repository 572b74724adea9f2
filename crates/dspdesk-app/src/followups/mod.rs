//! Follow-ups: the kernel every kind shares (cases from the data, support-hub points,
//! and later action items, reviews, renewals). Raise a point, list the queue, read a
//! follow-up with its history, assign, comment, move it through its states, record a
//! recovery, watch it, attach files. Every use case takes the caller and `now`.

mod files;
mod notify;
mod report;

pub use files::{MAX_ATTACHMENT_BYTES, attach, attachment};
pub(crate) use files::{keep_file, path_of};
pub use notify::{About, EVENTS, KIND_PREFIX, Notify};
pub use report::{ALL as SLA_ALL, SlaLine, UNASSIGNED as SLA_UNASSIGNED, sla_report, sla_table};

use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use dspdesk_core::cases::Line;
use dspdesk_core::followups::{Kind, Priority, Sla, State, time_left};
use dspdesk_core::table::{Cell, Table};
use dspdesk_core::{Action, Role, Scope};
use dspdesk_store::{
    AttachmentRow, AuditFilter, AuditRow, CommentRow, Edit, FollowupFilter, FollowupRow,
    NewFollowup, Value,
};

/// The SLA of a kind: the configuration in force (`[cases.sla]` of the score
/// configuration), else the defaults of `metrics.md`.
pub async fn sla_of(ws: &Workspace, kind: Kind) -> Result<Sla, AppError> {
    let model = crate::shared::model::Model::load(ws).await?;
    Ok(model.configs.latest().1.cases.sla_for(kind))
}

/// The zone an action item's due date is read in: its station's, else the network's.
pub(crate) async fn zone_of(ws: &Workspace, station: &str) -> Result<chrono_tz::Tz, AppError> {
    if station.is_empty() {
        return Ok(ws.default_zone);
    }
    Ok(ws
        .store
        .station_zones()
        .await?
        .get(station)
        .and_then(|z| z.parse().ok())
        .unwrap_or(ws.default_zone))
}

/// The end of a due date in `zone`: when an action item falls due.
pub(crate) fn due_at(zone: chrono_tz::Tz, due: NaiveDate) -> DateTime<Utc> {
    let next = (due + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .expect("midnight");
    zone.from_local_datetime(&next)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&next))
}

/// Whether a scope sees a follow-up: `Scope::allows` of its partner and station, the
/// same rule the store's queue applies in SQL.
pub fn may_see(scope: &Scope, f: &FollowupRow) -> bool {
    scope.allows(&f.partner, &f.station)
}

/// The follow-up, if the caller may see it; otherwise "not found" (whether it exists
/// elsewhere is not said).
pub async fn visible(ws: &Workspace, actor: &Actor, id: i64) -> Result<FollowupRow, AppError> {
    match ws.store.followup(id).await? {
        Some(f) if may_see(&actor.scope, &f) && !others_item(actor, &f) => Ok(f),
        _ => Err(AppError::NotFound("follow-up")),
    }
}

/// An action item a partner user does not own: a partner sees only its own.
fn others_item(actor: &Actor, f: &FollowupRow) -> bool {
    actor.role == Role::Partner
        && f.kind == Kind::ActionItem
        && f.owner.as_deref() != Some(actor.username.as_str())
}

/// What the store leaves out of a caller's lists: for a partner user, the action items
/// it does not own.
pub(crate) fn own_items_only(actor: &Actor) -> Option<String> {
    (actor.role == Role::Partner).then(|| actor.username.clone())
}

/// A support-hub point to raise.
#[derive(Debug, Clone, Default)]
pub struct Raise {
    pub partner: String,
    pub station: String,
    pub title: String,
    pub body: String,
    pub priority: Option<Priority>,
    pub owner: Option<String>,
}

const MAX_TITLE: usize = 200;
const MAX_TEXT: usize = 20_000;

fn check_text(field: &'static str, v: &str, max: usize, required: bool) -> Result<(), AppError> {
    let n = v.trim().chars().count();
    if required && n == 0 {
        return Err(AppError::invalid(
            field,
            format!("the {field} is empty: write one"),
        ));
    }
    if n > max {
        return Err(AppError::invalid(
            field,
            format!("the {field} has {n} characters; the most is {max}"),
        ));
    }
    Ok(())
}

/// Raises a support-hub point. A partner user raises it about its own company; others
/// about any partner and station of their scope (or the network, for the program team).
pub async fn raise(
    ws: &Workspace,
    actor: &Actor,
    r: Raise,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    actor.must(Action::RaisePoints)?;
    check_text("title", &r.title, MAX_TITLE, true)?;
    check_text("text", &r.body, MAX_TEXT, false)?;
    let mut partner = r.partner.trim().to_owned();
    if actor.role == Role::Partner
        && let Scope::Partners(own) = &actor.scope
        && partner.is_empty()
        && own.len() == 1
    {
        partner = own.iter().next().cloned().unwrap_or_default();
    }
    let station = r.station.trim().to_owned();
    check_codes(ws, &partner, &station).await?;
    if !actor.scope.allows(&partner, &station) {
        return Err(AppError::invalid(
            "partner",
            match &actor.scope {
                Scope::Stations(_) => {
                    "name one of your stations: a point is raised about a partner at a station you manage"
                }
                _ => "name a partner of your scope",
            },
        ));
    }
    let notify = Notify::load(ws).await?;
    let owner = point_owner(&notify, actor, r.owner.as_deref(), &partner, &station)?;
    let new = NewFollowup {
        kind: Kind::Point,
        key: None,
        partner: partner.clone(),
        station: station.clone(),
        subject: String::new(),
        title: r.title.trim().to_owned(),
        body: r.body.trim().to_owned(),
        owner: owner.clone(),
        priority: r.priority.unwrap_or(Priority::Normal),
        amount_minor: None,
        data_date: None,
        as_of: None,
        opened_by: actor.audit.clone(),
        opened_at: now,
        clock: sla_of(ws, Kind::Point).await?.clock(now),
        lines: Vec::new(),
        lines_more: 0,
        watchers: vec![actor.username.clone()],
        closed: None,
    };
    let mut to: Vec<String> = owner.into_iter().collect();
    if owner_is_none(&new) {
        to.extend(notify.program_team());
    }
    let message = format!("New point from {}: {}", actor.username, new.title);
    let notes = notify.build(
        &to,
        "assigned",
        &message,
        Some(&actor.username),
        About {
            partner: &partner,
            station: &station,
            kind: Kind::Point,
        },
    );
    ws.store
        .open_followup(&new, &notes)
        .await?
        .ok_or_else(|| AppError::Internal("the point was not stored".into()))
}

fn owner_is_none(f: &NewFollowup) -> bool {
    f.owner.is_none()
}

/// The owner of a new point: the one named (only by those who work follow-ups; a
/// partner's point goes to its coach), else the partner's coach.
fn point_owner(
    notify: &Notify,
    actor: &Actor,
    named: Option<&str>,
    partner: &str,
    station: &str,
) -> Result<Option<String>, AppError> {
    let chosen = named
        .map(str::trim)
        .filter(|o| !o.is_empty() && actor.role.may(Action::WorkFollowups));
    Ok(match chosen {
        Some(o) => Some(check_owner(notify, o, partner, station)?),
        None => notify.coaches_of(partner).first().cloned(),
    })
}

pub(crate) async fn check_codes(
    ws: &Workspace,
    partner: &str,
    station: &str,
) -> Result<(), AppError> {
    let model = crate::shared::model::Model::load(ws).await?;
    if !partner.is_empty() && !model.partners().any(|p| p == partner) {
        return Err(AppError::invalid(
            "partner",
            format!(
                "no partner {partner:?} in the data: use a partner code as on the partners page"
            ),
        ));
    }
    if !station.is_empty() && !model.pairs.iter().any(|p| p.station == station) {
        return Err(AppError::invalid(
            "station",
            format!(
                "no station {station:?} in the data: use a station code as on the stations page"
            ),
        ));
    }
    if !partner.is_empty() && !station.is_empty() && !model.works_at(partner, station) {
        return Err(AppError::invalid(
            "station",
            format!(
                "{partner} does not work at {station} in the data: name one of its stations, or none"
            ),
        ));
    }
    Ok(())
}

/// An owner must be an active person who is not a partner user and who may see the
/// follow-up.
pub(crate) fn check_owner(
    notify: &Notify,
    owner: &str,
    partner: &str,
    station: &str,
) -> Result<String, AppError> {
    check_owner_of(notify, owner, partner, station, false)
}

/// An owner as [`check_owner`] says; with `partner_may`, also a user of the partner
/// itself (an action item the partner owns).
pub(crate) fn check_owner_of(
    notify: &Notify,
    owner: &str,
    partner: &str,
    station: &str,
    partner_may: bool,
) -> Result<String, AppError> {
    let Some(u) = notify.user(owner).filter(|u| !u.disabled) else {
        return Err(AppError::invalid(
            "owner",
            format!("no active user {owner:?}: name an owner as on the users page"),
        ));
    };
    if u.role == Role::Partner && !partner_may {
        return Err(AppError::invalid(
            "owner",
            format!(
                "{owner} is a partner user; a follow-up is owned by the program team, a coach or a station manager"
            ),
        ));
    }
    if !u.scope().allows(partner, station) {
        return Err(AppError::invalid(
            "owner",
            format!("{owner} may not see this follow-up: choose someone whose scope holds it"),
        ));
    }
    Ok(u.username.clone())
}

/// The queue's filters, as the screen, the API and the CLI take them.
#[derive(Debug, Clone, Default)]
pub struct Queue {
    /// Only the caller's own.
    pub mine: bool,
    /// Owned by the caller or anyone who shares a partner or station with them.
    pub team: bool,
    pub overdue: bool,
    /// Resolved and closed ones too.
    pub all: bool,
    pub unassigned: bool,
    pub kind: Option<Kind>,
    pub state: Option<State>,
    pub partner: Option<String>,
    pub station: Option<String>,
    pub page: i64,
    pub per_page: i64,
}

/// One page of the queue.
#[derive(Debug, Clone)]
pub struct QueuePage {
    pub rows: Vec<FollowupRow>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

pub async fn queue(
    ws: &Workspace,
    actor: &Actor,
    q: &Queue,
    now: DateTime<Utc>,
) -> Result<QueuePage, AppError> {
    let per_page = if q.per_page <= 0 {
        50
    } else {
        q.per_page.min(1000)
    };
    let page = q.page.clamp(1, 1_000_000);
    let owners = if q.team {
        let notify = Notify::load(ws).await?;
        Some(team_of(&notify, actor))
    } else {
        None
    };
    let filter = FollowupFilter {
        kind: q.kind,
        state: q.state,
        open_only: !q.all && q.state.is_none(),
        partner: q.partner.clone().filter(|p| !p.is_empty()),
        station: q.station.clone().filter(|s| !s.is_empty()),
        owner: q.mine.then(|| actor.username.clone()),
        subject: None,
        own_items_of: own_items_only(actor),
        unassigned: q.unassigned,
        owners,
        overdue_at: q.overdue.then_some(now),
        limit: per_page,
        offset: (page - 1) * per_page,
    };
    let (rows, total) = ws.store.followups(&actor.scope, &filter).await?;
    Ok(QueuePage {
        rows,
        total,
        page,
        per_page,
    })
}

/// The caller and everyone whose scope shares a partner or station with theirs.
fn team_of(notify: &Notify, actor: &Actor) -> Vec<String> {
    let codes = |s: &Scope| match s {
        Scope::All => None,
        Scope::Partners(c) | Scope::Stations(c) => Some(c.clone()),
    };
    let mine = codes(&actor.scope);
    let mut out = vec![actor.username.clone()];
    for u in notify.all_active() {
        let shares = match (&mine, codes(&u.scope())) {
            (None, _) | (_, None) => true,
            (Some(m), Some(t)) => t.iter().any(|c| m.contains(c)),
        };
        if u.role != Role::Partner && shares {
            out.push(u.username.clone());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// What the caller may do to a follow-up now.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Allowed {
    pub comment: bool,
    pub attach: bool,
    pub assign: bool,
    /// Move it on (in progress, waiting, resolve, close).
    pub work: bool,
    pub reopen: bool,
    pub recover: bool,
}

/// A follow-up with everything its page shows.
#[derive(Debug, Clone)]
pub struct Detail {
    pub row: FollowupRow,
    pub lines: Vec<Line>,
    pub comments: Vec<CommentRow>,
    pub attachments: Vec<AttachmentRow>,
    pub history: Vec<AuditRow>,
    pub watchers: Vec<String>,
    pub allowed: Allowed,
    /// The states it may move to, for the caller.
    pub next: Vec<State>,
}

pub async fn show(ws: &Workspace, actor: &Actor, id: i64) -> Result<Detail, AppError> {
    let row = visible(ws, actor, id).await?;
    let history = ws
        .store
        .audit_search(&AuditFilter {
            entity: Some("followup".into()),
            entity_id: Some(id.to_string()),
            limit: 10_000,
            ..Default::default()
        })
        .await?
        .into_iter()
        .rev()
        .collect();
    let works = actor.role.may(Action::WorkFollowups);
    // A partner resolves the action items it owns.
    let own_item = actor.role == Role::Partner
        && row.kind == Kind::ActionItem
        && row.owner.as_deref() == Some(actor.username.as_str())
        && row.state.is_open();
    let allowed = Allowed {
        comment: row.state != State::Closed,
        attach: row.state != State::Closed,
        assign: works && row.state.is_open(),
        work: (works || own_item) && row.state.is_open(),
        reopen: works && !row.state.is_open(),
        recover: works && row.kind == Kind::Nl,
    };
    let next = if works {
        State::ALL
            .into_iter()
            .filter(|s| row.state.check(*s).is_ok())
            .collect()
    } else if own_item {
        vec![State::Resolved]
    } else {
        Vec::new()
    };
    Ok(Detail {
        lines: ws.store.followup_lines(id).await?,
        comments: ws.store.followup_comments(id).await?,
        attachments: ws.store.followup_attachments(id).await?,
        watchers: ws.store.followup_watchers(id).await?,
        history,
        allowed,
        next,
        row,
    })
}

/// Who hears of a change: owner, watchers and the partner's users, never the actor.
async fn audience(
    ws: &Workspace,
    notify: &Notify,
    f: &FollowupRow,
) -> Result<Vec<String>, AppError> {
    let mut to: Vec<String> = f.owner.iter().cloned().collect();
    to.extend(ws.store.followup_watchers(f.id).await?);
    // A partner hears of its action items only as their owner.
    if f.kind != Kind::ActionItem {
        to.extend(notify.partner_users(&f.partner));
    }
    Ok(to)
}

/// Marks the first response by someone other than the partner (the respond clock).
fn responded(e: &mut Edit, actor: &Actor, f: &FollowupRow, now: DateTime<Utc>) {
    if f.responded_at.is_none() && actor.role != Role::Partner {
        e.set.push(("responded_at", Value::Time(Some(now))));
    }
}

pub async fn assign(
    ws: &Workspace,
    actor: &Actor,
    id: i64,
    owner: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.must(Action::WorkFollowups)?;
    let f = visible(ws, actor, id).await?;
    if !f.state.is_open() {
        return Err(AppError::invalid(
            "state",
            format!(
                "follow-up {id} is {}: reopen it before assigning it",
                f.state
            ),
        ));
    }
    let notify = Notify::load(ws).await?;
    let owner = match owner.map(str::trim).filter(|o| !o.is_empty()) {
        Some(o) => Some(check_owner_of(
            &notify,
            o,
            &f.partner,
            &f.station,
            f.kind == Kind::ActionItem,
        )?),
        None => None,
    };
    let mut e = Edit::new(
        &actor.audit,
        now,
        "assign",
        format!(
            "owner {} -> {}",
            f.owner.as_deref().unwrap_or("nobody"),
            owner.as_deref().unwrap_or("nobody")
        ),
    );
    e.set.push(("owner", Value::Text(owner.clone())));
    e.expect_state = Some(f.state);
    if let Some(o) = &owner {
        e.notify = notify.build(
            std::slice::from_ref(o),
            "assigned",
            &format!("{} assigned you #{id}: {}", actor.username, f.title),
            Some(&actor.username),
            About::from(&f),
        );
    }
    save(ws, id, &e).await
}

pub async fn comment(
    ws: &Workspace,
    actor: &Actor,
    id: i64,
    body: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.must(Action::CommentOnFollowups)?;
    check_text("comment", body, MAX_TEXT, true)?;
    let f = visible(ws, actor, id).await?;
    if f.state == State::Closed {
        return Err(AppError::invalid(
            "state",
            format!("follow-up {id} is closed: reopen it to comment"),
        ));
    }
    let notify = Notify::load(ws).await?;
    let mut e = Edit::new(&actor.audit, now, "comment", first_words(body));
    e.comment = Some((
        actor.username.clone(),
        actor.role.as_str().into(),
        body.trim().to_owned(),
    ));
    e.expect_state = Some(f.state);
    responded(&mut e, actor, &f, now);
    // The partner answering brings a follow-up that waits on it back to work.
    if actor.role == Role::Partner && f.state == State::WaitingOnPartner {
        e.set.push((
            "state",
            Value::Text(Some(State::InProgress.as_str().into())),
        ));
        e.detail = format!("{} (waiting_on_partner -> in_progress)", e.detail);
    }
    let mut to = audience(ws, &notify, &f).await?;
    if actor.role == Role::Partner && f.owner.is_none() {
        to.extend(notify.coaches_of(&f.partner));
    }
    e.notify = notify.build(
        &to,
        "comment",
        &format!(
            "{} on #{id} {}: {}",
            actor.username,
            f.title,
            first_words(body)
        ),
        Some(&actor.username),
        About::from(&f),
    );
    e.watch = vec![actor.username.clone()];
    save(ws, id, &e).await
}

fn first_words(s: &str) -> String {
    let t: String = s.trim().chars().take(140).collect();
    if t.len() < s.trim().len() {
        format!("{t}…")
    } else {
        t
    }
}

/// Moves a follow-up to `to` (resolve, close, reopen, …), with an optional note kept
/// as a comment. Refused transitions change nothing.
pub async fn transition(
    ws: &Workspace,
    actor: &Actor,
    id: i64,
    to: State,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (f, e) = transition_edit(ws, actor, id, to, note, now).await?;
    if f.kind == Kind::Dispute {
        return Err(AppError::invalid(
            "state",
            format!(
                "follow-up {id} is an invoice dispute: it is resolved by settling it on its invoice's page (dspdesk invoices settle)"
            ),
        ));
    }
    // A connect is resolved by recording its outcome; it may still be closed (called
    // off) or reopened here.
    if f.kind == Kind::EvConnect && to == State::Resolved {
        return Err(AppError::invalid(
            "state",
            format!(
                "follow-up {id} is an EV connect: it is resolved by recording its outcome on the EV page (dspdesk ev outcome)"
            ),
        ));
    }
    save(ws, id, &e).await
}

/// The change `transition` applies, checked but not yet applied: for a capability that
/// writes its own fields with it in one transaction (a dispute's settlement).
pub(crate) async fn transition_edit(
    ws: &Workspace,
    actor: &Actor,
    id: i64,
    to: State,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(FollowupRow, Edit), AppError> {
    check_text("note", note, MAX_TEXT, false)?;
    let f = visible(ws, actor, id).await?;
    // A partner closes its own action items (resolves them); nothing else.
    let own_item = actor.role == Role::Partner
        && f.kind == Kind::ActionItem
        && f.owner.as_deref() == Some(actor.username.as_str())
        && to == State::Resolved;
    if !own_item {
        actor.must(Action::WorkFollowups)?;
    }
    f.state
        .check(to)
        .map_err(|e| AppError::invalid("state", format!("follow-up {id}: {e}")))?;
    let notify = Notify::load(ws).await?;
    let mut e = Edit::new(&actor.audit, now, "state", format!("{} -> {to}", f.state));
    e.set.push(("state", Value::Text(Some(to.as_str().into()))));
    e.expect_state = Some(f.state);
    if own_item {
        // The partner's right rests on owning the item as read: nothing may have changed.
        e.expect_updated_at = Some(f.updated_at);
    }
    match to {
        State::Resolved | State::Closed if f.state.is_open() => {
            e.set.push(("resolved_at", Value::Time(Some(now))));
            e.set.push((
                "outcome",
                Value::Text(Some(
                    if to == State::Resolved {
                        "resolved"
                    } else {
                        "closed"
                    }
                    .into(),
                )),
            ));
        }
        State::Open => {
            // Reopened: a new resolve clock, escalation from the start.
            let resolve_by = reopened_resolve_by(ws, &f, now).await?;
            e.set.push(("resolved_at", Value::Time(None)));
            e.set.push(("outcome", Value::Text(Some(String::new()))));
            e.set.push(("resolve_by", Value::Time(Some(resolve_by))));
            e.set.push(("escalation", Value::Int(Some(0))));
            e.set.push(("clock_from", Value::Time(Some(now))));
        }
        _ => {}
    }
    responded(&mut e, actor, &f, now);
    if !note.trim().is_empty() {
        e.comment = Some((
            actor.username.clone(),
            actor.role.as_str().into(),
            note.trim().to_owned(),
        ));
        e.detail = format!("{}: {}", e.detail, first_words(note));
    }
    let to_people = audience(ws, &notify, &f).await?;
    e.notify = notify.build(
        &to_people,
        "state",
        &format!("#{id} {} is now {}", f.title, to.label().to_lowercase()),
        Some(&actor.username),
        About::from(&f),
    );
    Ok((f, e))
}

/// When a reopened follow-up must be resolved: its kind's SLA from now, except that an
/// action item keeps its agreed due date while that is still ahead.
async fn reopened_resolve_by(
    ws: &Workspace,
    f: &FollowupRow,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, AppError> {
    if let (Kind::ActionItem | Kind::EvConnect, Some(due)) = (f.kind, f.data_date) {
        let end = due_at(zone_of(ws, &f.station).await?, due);
        if end > now {
            return Ok(end);
        }
    }
    Ok(sla_of(ws, f.kind).await?.clock(now).resolve_by)
}

/// Records what was recovered of an NL case's amount (`outstanding = amount - recovered`).
pub async fn record_recovery(
    ws: &Workspace,
    actor: &Actor,
    id: i64,
    recovered_minor: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.must(Action::WorkFollowups)?;
    let f = visible(ws, actor, id).await?;
    if f.kind != Kind::Nl {
        return Err(AppError::invalid(
            "recovered",
            format!(
                "follow-up {id} is {}: only an NL case records a recovery",
                f.kind
            ),
        ));
    }
    let amount = f.amount_minor.unwrap_or(0);
    if recovered_minor < 0 || recovered_minor > amount {
        return Err(AppError::invalid(
            "recovered",
            format!(
                "{} is not between 0 and the case's amount {}",
                dspdesk_core::format_minor(recovered_minor),
                dspdesk_core::format_minor(amount)
            ),
        ));
    }
    let mut e = Edit::new(
        &actor.audit,
        now,
        "recovery",
        format!(
            "recovered {} -> {} of {}",
            dspdesk_core::format_minor(f.recovered_minor),
            dspdesk_core::format_minor(recovered_minor),
            dspdesk_core::format_minor(amount)
        ),
    );
    e.set
        .push(("recovered_minor", Value::Int(Some(recovered_minor))));
    responded(&mut e, actor, &f, now);
    save(ws, id, &e).await
}

pub async fn watch(
    ws: &Workspace,
    actor: &Actor,
    id: i64,
    on: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    visible(ws, actor, id).await?;
    let mut e = Edit::new(
        &actor.audit,
        now,
        if on { "watch" } else { "unwatch" },
        actor.username.clone(),
    );
    if on {
        e.watch.push(actor.username.clone());
    } else {
        e.unwatch.push(actor.username.clone());
    }
    save(ws, id, &e).await
}

/// Applies a change; one that lost a race (someone changed the follow-up first) is the
/// caller's to retry, not a failure of ours.
pub(crate) async fn save(ws: &Workspace, id: i64, e: &Edit) -> Result<(), AppError> {
    match ws.store.edit_followup(id, e).await {
        Ok(()) => Ok(()),
        Err(dspdesk_store::StoreError::NotFound(_)) => Err(AppError::invalid(
            "state",
            format!("follow-up {id} changed while you were looking at it: reload it and try again"),
        )),
        Err(e) => Err(e.into()),
    }
}

/// The queue as a table (screen, CSV, API), with the time left at `now`.
pub fn queue_table(rows: &[FollowupRow], now: DateTime<Utc>) -> Table {
    Table {
        columns: vec![
            "id",
            "kind",
            "partner",
            "station",
            "title",
            "owner",
            "state",
            "priority",
            "amount",
            "recovered",
            "opened_at",
            "respond_by",
            "resolve_by",
            "time_left",
            "escalation",
        ],
        rows: rows
            .iter()
            .map(|f| {
                vec![
                    Cell::Int(f.id),
                    Cell::text(f.kind.as_str()),
                    Cell::text(&f.partner),
                    Cell::text(&f.station),
                    Cell::text(&f.title),
                    Cell::text(f.owner.clone().unwrap_or_default()),
                    Cell::text(f.state.as_str()),
                    Cell::text(f.priority.as_str()),
                    f.amount_minor.map(Cell::minor).unwrap_or(Cell::Money(None)),
                    Cell::minor(f.recovered_minor),
                    Cell::text(crate::shared::table::stamp(f.opened_at)),
                    Cell::text(crate::shared::table::stamp(f.respond_by)),
                    Cell::text(crate::shared::table::stamp(f.resolve_by)),
                    Cell::text(if f.state.is_open() {
                        time_left(f.resolve_by, now)
                    } else {
                        String::new()
                    }),
                    Cell::Int(f.escalation),
                ]
            })
            .collect(),
    }
}
