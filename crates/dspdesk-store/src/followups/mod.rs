//! Follow-ups: the kernel's rows (the follow-up, its lines, comments, attachments and
//! watchers) and the notifications and e-mail they cause. Every change is one
//! transaction that also writes the audit row (the follow-up's history) and the
//! notifications it causes, so none can be missed or recorded for a change that failed.

mod notify;
mod query;

pub(crate) use notify::insert as insert_notes;
pub use notify::{MailRow, NewNotification, NotificationRow};
pub use query::FollowupFilter;
pub(crate) use query::scope_clause;

use crate::db::{Result, Store, StoreError, on_pool};
use chrono::{DateTime, NaiveDate, Utc};
use dspdesk_core::cases::Line;
use dspdesk_core::followups::{Clock, Kind, Priority, State};
use sqlx::Row;

/// A follow-up to open.
#[derive(Debug, Clone)]
pub struct NewFollowup {
    pub kind: Kind,
    /// The data's key of a case (never opened twice); `None` for a point.
    pub key: Option<String>,
    pub partner: String,
    pub station: String,
    pub subject: String,
    pub title: String,
    pub body: String,
    pub owner: Option<String>,
    pub priority: Priority,
    pub amount_minor: Option<i64>,
    pub data_date: Option<NaiveDate>,
    pub as_of: Option<NaiveDate>,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    pub clock: Clock,
    pub lines: Vec<Line>,
    pub lines_more: i64,
    /// People who follow it from the start (the person who raised it).
    pub watchers: Vec<String>,
    /// Stored already closed: (state, outcome, note kept as a comment). A breach the
    /// data shows opened and cleared before anyone saw it.
    pub closed: Option<(State, String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FollowupRow {
    pub id: i64,
    pub kind: Kind,
    pub key: Option<String>,
    pub partner: String,
    pub station: String,
    pub subject: String,
    pub title: String,
    pub body: String,
    pub owner: Option<String>,
    pub state: State,
    pub outcome: String,
    pub priority: Priority,
    pub amount_minor: Option<i64>,
    pub recovered_minor: i64,
    pub data_date: Option<NaiveDate>,
    pub as_of: Option<NaiveDate>,
    pub lines_more: i64,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    /// When the SLA clock started: the opening, or the last reopen.
    pub clock_from: DateTime<Utc>,
    pub respond_by: DateTime<Utc>,
    pub resolve_by: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub escalation: i64,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CommentRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub author: String,
    pub role: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AttachmentRow {
    pub id: i64,
    pub followup_id: i64,
    pub sha256: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

/// A value to set on a follow-up's column.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(Option<String>),
    Int(Option<i64>),
    Time(Option<DateTime<Utc>>),
    Date(Option<NaiveDate>),
}

/// One change to a follow-up, applied in one transaction with its audit row, its
/// comment or attachment, and its notifications.
#[derive(Debug, Clone)]
pub struct Edit {
    /// How the audit log names who did it (`web:asha`).
    pub actor: String,
    pub at: DateTime<Utc>,
    /// The history's verb: `state`, `assign`, `comment`, `escalate`, …
    pub action: String,
    pub detail: String,
    /// Columns to set (names from this crate's callers, never from input).
    pub set: Vec<(&'static str, Value)>,
    /// Refuse the change unless the follow-up is still in this state.
    pub expect_state: Option<State>,
    /// Refuse the change unless the escalation level is still below this.
    pub expect_escalation_below: Option<i64>,
    /// Refuse the change unless nothing changed the follow-up since it was read.
    pub expect_updated_at: Option<DateTime<Utc>>,
    pub comment: Option<(String, String, String)>,
    pub attachment: Option<AttachmentRow>,
    pub lines: Option<(Vec<Line>, i64)>,
    pub watch: Vec<String>,
    pub unwatch: Vec<String>,
    pub notify: Vec<NewNotification>,
}

impl Edit {
    pub fn new(actor: &str, at: DateTime<Utc>, action: &str, detail: String) -> Edit {
        Edit {
            actor: actor.to_owned(),
            at,
            action: action.to_owned(),
            detail,
            set: Vec::new(),
            expect_state: None,
            expect_escalation_below: None,
            expect_updated_at: None,
            comment: None,
            attachment: None,
            lines: None,
            watch: Vec::new(),
            unwatch: Vec::new(),
            notify: Vec::new(),
        }
    }
}

pub(crate) const COLUMNS: &str = "id, kind, key, partner, station, subject, title, body, owner, state, outcome, priority, amount_minor, recovered_minor, data_date, as_of, lines_more, opened_by, opened_at, clock_from, respond_by, resolve_by, responded_at, resolved_at, escalation, updated_at";

/// A `FollowupRow` from a row of either backend (selected with `COLUMNS`).
macro_rules! decode_followup {
    ($r:expr) => {{
        let r = $r;
        $crate::followups::FollowupRow {
            id: r.try_get("id")?,
            kind: $crate::db::vocabulary(
                r.try_get("kind")?,
                "kind",
                dspdesk_core::followups::Kind::parse,
            )?,
            key: r.try_get("key")?,
            partner: r.try_get("partner")?,
            station: r.try_get("station")?,
            subject: r.try_get("subject")?,
            title: r.try_get("title")?,
            body: r.try_get("body")?,
            owner: r.try_get("owner")?,
            state: $crate::db::vocabulary(
                r.try_get("state")?,
                "state",
                dspdesk_core::followups::State::parse,
            )?,
            outcome: r.try_get("outcome")?,
            priority: $crate::db::vocabulary(
                r.try_get("priority")?,
                "priority",
                dspdesk_core::followups::Priority::parse,
            )?,
            amount_minor: r.try_get("amount_minor")?,
            recovered_minor: r.try_get("recovered_minor")?,
            data_date: r.try_get("data_date")?,
            as_of: r.try_get("as_of")?,
            lines_more: r.try_get("lines_more")?,
            opened_by: r.try_get("opened_by")?,
            opened_at: r.try_get("opened_at")?,
            clock_from: r.try_get("clock_from")?,
            respond_by: r.try_get("respond_by")?,
            resolve_by: r.try_get("resolve_by")?,
            responded_at: r.try_get("responded_at")?,
            resolved_at: r.try_get("resolved_at")?,
            escalation: r.try_get("escalation")?,
            updated_at: r.try_get("updated_at")?,
        }
    }};
}
pub(crate) use decode_followup;

macro_rules! insert_lines {
    ($exec:expr, $id:expr, $lines:expr) => {
        for (n, l) in $lines.iter().enumerate() {
            sqlx::query("INSERT INTO followup_lines (followup_id, n, reference, date, amount_minor, detail) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind($id)
                .bind(n as i64)
                .bind(&l.reference)
                .bind(l.date)
                .bind(l.amount_minor)
                .bind(&l.detail)
                .execute($exec)
                .await?;
        }
    };
}
pub(crate) use insert_lines;

/// Writes what a new follow-up carries besides its row: the note of one stored
/// closed, and its first watchers.
macro_rules! open_extras {
    ($exec:expr, $id:expr, $f:expr) => {
        let (id, f) = ($id, $f);
            if let Some((_, _, note)) = &f.closed {
                sqlx::query("INSERT INTO followup_comments (followup_id, at, author, role, body) VALUES ($1, $2, $3, 'system', $4)")
                    .bind(id)
                    .bind(f.opened_at)
                    .bind(&f.opened_by)
                    .bind(note)
                    .execute(&mut *$exec)
                    .await?;
            }
            for w in &f.watchers {
                sqlx::query("INSERT INTO followup_watchers (followup_id, username) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(id)
                    .bind(w)
                    .execute(&mut *$exec)
                    .await?;
            }
    };
}
pub(crate) use open_extras;

/// Inserts a new follow-up with its lines, note, watchers and history on an executor
/// (the caller's transaction); evaluates to its id.
macro_rules! insert_followup {
    ($exec:expr, $f:expr) => {{
        let f = $f;
        let id: i64 = sqlx::query(
                "INSERT INTO followups (kind, key, partner, station, subject, title, body, owner, state, priority, amount_minor, data_date, as_of, lines_more, opened_by, opened_at, clock_from, respond_by, resolve_by, updated_at, outcome, resolved_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $18, $9, $10, $11, $12, $13, $14, $15, $15, $16, $17, $15, $19, $20) RETURNING id",
            )
            .bind(f.kind.as_str())
            .bind(&f.key)
            .bind(&f.partner)
            .bind(&f.station)
            .bind(&f.subject)
            .bind(&f.title)
            .bind(&f.body)
            .bind(&f.owner)
            .bind(f.priority.as_str())
            .bind(f.amount_minor)
            .bind(f.data_date)
            .bind(f.as_of)
            .bind(f.lines_more)
            .bind(&f.opened_by)
            .bind(f.opened_at)
            .bind(f.clock.respond_by)
            .bind(f.clock.resolve_by)
            .bind(f.closed.as_ref().map_or(dspdesk_core::followups::State::Open, |c| c.0).as_str())
            .bind(f.closed.as_ref().map(|c| c.1.clone()).unwrap_or_default())
            .bind(f.closed.as_ref().map(|_| f.opened_at))
            .fetch_one(&mut *$exec)
            .await?
            .try_get("id")?;
            $crate::followups::insert_lines!(&mut *$exec, id, f.lines);
            $crate::followups::open_extras!(&mut *$exec, id, f);
            let detail = format!(
                "{} {}{}: {}",
                f.kind,
                f.partner,
                if f.station.is_empty() {
                    String::new()
                } else {
                    format!(" at {}", f.station)
                },
                f.title
            );
            $crate::db::write_audit!(
                &mut *$exec,
                f.opened_at,
                &f.opened_by,
                "open",
                "followup",
                id.to_string(),
                detail
            );
        id
    }};
}
pub(crate) use insert_followup;

/// The UPDATE of an [`Edit`]: its columns, and the conditions it expects.
pub(crate) fn update_sql(e: &Edit) -> String {
    let mut sql = String::from("UPDATE followups SET updated_at = $1");
    for (i, (col, _)) in e.set.iter().enumerate() {
        sql.push_str(&format!(", {col} = ${}", i + 3));
    }
    sql.push_str(" WHERE id = $2");
    let mut n = e.set.len() + 3;
    if e.expect_state.is_some() {
        sql.push_str(&format!(" AND state = ${n}"));
        n += 1;
    }
    if e.expect_escalation_below.is_some() {
        sql.push_str(&format!(" AND escalation < ${n}"));
        n += 1;
    }
    if e.expect_updated_at.is_some() {
        sql.push_str(&format!(" AND updated_at = ${n}"));
    }
    sql
}

/// Writes what an [`Edit`] adds besides its columns: a comment, a file, the lines,
/// watchers; on the transaction of the change.
macro_rules! write_extras {
    ($exec:expr, $id:expr, $e:expr) => {
        let (id, e) = ($id, $e);
        if let Some((author, role, body)) = &e.comment {
            sqlx::query("INSERT INTO followup_comments (followup_id, at, author, role, body) VALUES ($1, $2, $3, $4, $5)")
                .bind(id)
                .bind(e.at)
                .bind(author)
                .bind(role)
                .bind(body)
                .execute(&mut *$exec)
                .await?;
        }
        if let Some(a) = &e.attachment {
            sqlx::query("INSERT INTO followup_attachments (followup_id, sha256, filename, content_type, size, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id)
                .bind(&a.sha256)
                .bind(&a.filename)
                .bind(&a.content_type)
                .bind(a.size)
                .bind(&a.uploaded_by)
                .bind(e.at)
                .execute(&mut *$exec)
                .await?;
        }
        if let Some((lines, _)) = &e.lines {
            sqlx::query("DELETE FROM followup_lines WHERE followup_id = $1")
                .bind(id)
                .execute(&mut *$exec)
                .await?;
            $crate::followups::insert_lines!(&mut *$exec, id, lines);
        }
        for w in &e.watch {
            sqlx::query("INSERT INTO followup_watchers (followup_id, username) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(w)
                .execute(&mut *$exec)
                .await?;
        }
        for w in &e.unwatch {
            sqlx::query("DELETE FROM followup_watchers WHERE followup_id = $1 AND username = $2")
                .bind(id)
                .bind(w)
                .execute(&mut *$exec)
                .await?;
        }
    };
}
pub(crate) use write_extras;

/// Applies one change to follow-up `id` inside a transaction (see `edit_followup`):
/// `Err(NotFound)` from the enclosing block when it is gone or changed meanwhile.
macro_rules! apply_edit {
    ($tx:expr, $id:expr, $e:expr) => {{
        let (id, e): (i64, &$crate::followups::Edit) = ($id, $e);
        let sql = $crate::followups::update_sql(e);
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(e.at).bind(id);
        for (_, v) in &e.set {
            q = match v {
                $crate::followups::Value::Text(t) => q.bind(t.clone()),
                $crate::followups::Value::Int(i) => q.bind(*i),
                $crate::followups::Value::Time(t) => q.bind(*t),
                $crate::followups::Value::Date(d) => q.bind(*d),
            };
        }
        if let Some(s) = e.expect_state {
            q = q.bind(s.as_str());
        }
        if let Some(l) = e.expect_escalation_below {
            q = q.bind(l);
        }
        if let Some(t) = e.expect_updated_at {
            q = q.bind(t);
        }
        if q.execute($tx).await?.rows_affected() == 0 {
            return Err($crate::db::StoreError::NotFound(format!(
                "follow-up {id} as it was: it changed meanwhile, or it is not there"
            )));
        }
        $crate::followups::write_extras!($tx, id, e);
        $crate::db::write_audit!(
            $tx,
            e.at,
            &e.actor,
            &e.action,
            "followup",
            id.to_string(),
            &e.detail
        );
        $crate::followups::insert_notes!($tx, Some(id), e.at, &e.notify);
    }};
}
pub(crate) use apply_edit;

impl Store {
    /// Opens a follow-up with its lines, watchers, history and notifications. A case
    /// whose key is already stored is not opened again: `Ok(None)`, also when another
    /// writer stored the key between the check and the insert.
    pub async fn open_followup(
        &self,
        f: &NewFollowup,
        notes: &[NewNotification],
    ) -> Result<Option<i64>> {
        match self.open_followup_unless_keyed(f, notes).await {
            Err(StoreError::Sql(e))
                if f.key.is_some()
                    && e.as_database_error()
                        .is_some_and(|d| d.is_unique_violation()) =>
            {
                Ok(None)
            }
            other => other,
        }
    }

    async fn open_followup_unless_keyed(
        &self,
        f: &NewFollowup,
        notes: &[NewNotification],
    ) -> Result<Option<i64>> {
        let id = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            if let Some(key) = &f.key {
                let exists = sqlx::query("SELECT id FROM followups WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&mut *tx)
                    .await?;
                if exists.is_some() {
                    return Ok(None);
                }
            }
            let id = insert_followup!(&mut *tx, f);
            notify::insert!(&mut *tx, Some(id), f.opened_at, notes);
            tx.commit().await?;
            Some(id)
        });
        Ok(id)
    }

    pub async fn followup(&self, id: i64) -> Result<Option<FollowupRow>> {
        let sql = format!("SELECT {COLUMNS} FROM followups WHERE id = $1");
        let row = on_pool!(self, |pool| {
            match sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?
            {
                Some(r) => Some(decode_followup!(&r)),
                None => None,
            }
        });
        Ok(row)
    }

    /// The follow-ups with these ids, by id, in one query per 500 (a list that shows
    /// each row's follow-up reads them at once, not one by one).
    pub async fn followups_by_id(
        &self,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, FollowupRow>> {
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(crate::db::ROWS_PER_STATEMENT) {
            let rows = on_pool!(self, |pool| {
                let sql = format!(
                    "SELECT {COLUMNS} FROM followups WHERE id IN ({})",
                    crate::db::placeholders(pool, chunk.len(), 1)
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for id in chunk {
                    q = q.bind(*id);
                }
                q.fetch_all(pool)
                    .await?
                    .iter()
                    .map(|r| Ok(decode_followup!(r)))
                    .collect::<Result<Vec<FollowupRow>, sqlx::Error>>()?
            });
            out.extend(rows.into_iter().map(|f| (f.id, f)));
        }
        Ok(out)
    }

    /// Applies one change. `Err(NotFound)` when the follow-up is gone or no longer in
    /// the expected state (someone else changed it first): nothing is written.
    pub async fn edit_followup(&self, id: i64, e: &Edit) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            apply_edit!(&mut *tx, id, e);
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn followup_lines(&self, id: i64) -> Result<Vec<Line>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query("SELECT reference, date, amount_minor, detail FROM followup_lines WHERE followup_id = $1 ORDER BY n")
                .bind(id)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(Line {
                        reference: r.try_get("reference")?,
                        date: r.try_get("date")?,
                        amount_minor: r.try_get("amount_minor")?,
                        detail: r.try_get("detail")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    pub async fn followup_comments(&self, id: i64) -> Result<Vec<CommentRow>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query("SELECT id, at, author, role, body FROM followup_comments WHERE followup_id = $1 ORDER BY id")
                .bind(id)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(CommentRow {
                        id: r.try_get("id")?,
                        at: r.try_get("at")?,
                        author: r.try_get("author")?,
                        role: r.try_get("role")?,
                        body: r.try_get("body")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    pub async fn followup_attachments(&self, id: i64) -> Result<Vec<AttachmentRow>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query("SELECT id, followup_id, sha256, filename, content_type, size, uploaded_by, uploaded_at FROM followup_attachments WHERE followup_id = $1 ORDER BY id")
                .bind(id)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(AttachmentRow {
                        id: r.try_get("id")?,
                        followup_id: r.try_get("followup_id")?,
                        sha256: r.try_get("sha256")?,
                        filename: r.try_get("filename")?,
                        content_type: r.try_get("content_type")?,
                        size: r.try_get("size")?,
                        uploaded_by: r.try_get("uploaded_by")?,
                        uploaded_at: r.try_get("uploaded_at")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    pub async fn followup_watchers(&self, id: i64) -> Result<Vec<String>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query(
                "SELECT username FROM followup_watchers WHERE followup_id = $1 ORDER BY username",
            )
            .bind(id)
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|r| r.try_get("username"))
            .collect::<Result<Vec<String>, sqlx::Error>>()?
        });
        Ok(rows)
    }
}
