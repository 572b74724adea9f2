//! The queue: follow-ups by the caller's scope and the filters of the queue screen,
//! sorted by time left, with a count for paging.

use super::{COLUMNS, FollowupRow, decode_followup};
use crate::db::{Result, Store, map_rows, on_pool};
use chrono::{DateTime, Utc};
use dspdesk_core::Scope;
use dspdesk_core::followups::{Kind, State};
use sqlx::Row;

/// Which follow-ups to list. The scope is the caller's: the store never lists outside it.
#[derive(Debug, Clone, Default)]
pub struct FollowupFilter {
    pub kind: Option<Kind>,
    pub state: Option<State>,
    /// Only those still open (any of the three open states).
    pub open_only: bool,
    pub partner: Option<String>,
    pub station: Option<String>,
    pub owner: Option<String>,
    /// About this subject (a review's action items: `review:<id>`).
    pub subject: Option<String>,
    /// A partner user's lists: of the action items, only those this user owns.
    pub own_items_of: Option<String>,
    /// Only those without an owner.
    pub unassigned: bool,
    /// Owned by any of these (a coach's team: the people who share its partners).
    pub owners: Option<Vec<String>>,
    /// Only those open past their `resolve_by` at this time.
    pub overdue_at: Option<DateTime<Utc>>,
    pub limit: i64,
    pub offset: i64,
}

enum Bind {
    Text(String),
    Time(DateTime<Utc>),
}

fn push(sql: &mut String, binds: &mut Vec<Bind>, clause: &str, b: Bind) {
    binds.push(b);
    sql.push_str(&clause.replace('?', &format!("${}", binds.len())));
}

fn within<'a>(
    sql: &mut String,
    binds: &mut Vec<Bind>,
    col: &str,
    codes: impl Iterator<Item = &'a String>,
) {
    let mut names = Vec::new();
    for c in codes {
        binds.push(Bind::Text(c.clone()));
        names.push(format!("${}", binds.len()));
    }
    if names.is_empty() {
        sql.push_str(" AND 1 = 0");
    } else {
        sql.push_str(&format!(" AND {col} IN ({})", names.join(",")));
    }
}

/// `Scope::allows(partner, station)` as SQL over a table's `partner` and `station`
/// columns: the codes of the scope as text binds, numbered after `binds`.
pub(crate) fn scope_clause(sql: &mut String, binds: &mut Vec<String>, scope: &Scope) {
    let (col, codes) = match scope {
        Scope::All => return,
        Scope::Partners(p) => ("partner", p),
        Scope::Stations(s) => ("station", s),
    };
    let mut names = Vec::new();
    for c in codes {
        binds.push(c.clone());
        names.push(format!("${}", binds.len()));
    }
    if names.is_empty() {
        sql.push_str(" AND 1 = 0");
    } else {
        sql.push_str(&format!(" AND {col} IN ({})", names.join(",")));
    }
}

fn clauses(scope: &Scope, f: &FollowupFilter) -> (String, Vec<Bind>) {
    let mut sql = String::from(" WHERE 1 = 1");
    let mut binds: Vec<Bind> = Vec::new();
    let b = &mut binds;
    match scope {
        Scope::All => {}
        Scope::Partners(p) => within(&mut sql, b, "partner", p.iter()),
        Scope::Stations(s) => within(&mut sql, b, "station", s.iter()),
    }
    if let Some(owners) = &f.owners {
        within(&mut sql, b, "owner", owners.iter());
    }
    if let Some(k) = f.kind {
        push(&mut sql, b, " AND kind = ?", Bind::Text(k.as_str().into()));
    }
    if let Some(s) = f.state {
        push(&mut sql, b, " AND state = ?", Bind::Text(s.as_str().into()));
    }
    if f.open_only || f.overdue_at.is_some() {
        sql.push_str(" AND state IN ('open', 'in_progress', 'waiting_on_partner')");
    }
    if let Some(p) = &f.partner {
        push(&mut sql, b, " AND partner = ?", Bind::Text(p.clone()));
    }
    if let Some(s) = &f.station {
        push(&mut sql, b, " AND station = ?", Bind::Text(s.clone()));
    }
    if let Some(o) = &f.owner {
        push(&mut sql, b, " AND owner = ?", Bind::Text(o.clone()));
    }
    if let Some(s) = &f.subject {
        push(&mut sql, b, " AND subject = ?", Bind::Text(s.clone()));
    }
    if let Some(u) = &f.own_items_of {
        push(
            &mut sql,
            b,
            " AND (kind <> 'action_item' OR owner = ?)",
            Bind::Text(u.clone()),
        );
    }
    if f.unassigned {
        sql.push_str(" AND owner IS NULL");
    }
    if let Some(t) = f.overdue_at {
        push(&mut sql, b, " AND resolve_by < ?", Bind::Time(t));
    }
    (sql, binds)
}

macro_rules! bind_all {
    ($q:expr, $binds:expr) => {{
        let mut q = $q;
        for b in $binds {
            q = match b {
                Bind::Text(t) => q.bind(t.clone()),
                Bind::Time(t) => q.bind(*t),
            };
        }
        q
    }};
}

/// Every follow-up, read once per follow-ups version, in the order of a list with the
/// closed ones (open first by time left, then newest first: what the SLA report and
/// the "all" lists read); and the open ones' places in it by time left, then id (what
/// the worklists, the queue and the reports read).
struct KeptFollowups {
    all: Vec<FollowupRow>,
    open: Vec<usize>,
}

/// The order of a list with the closed ones, as the SQL's ORDER BY gives it.
fn all_order(a: &FollowupRow, b: &FollowupRow) -> std::cmp::Ordering {
    let key = |r: &FollowupRow| {
        let open = r.state.is_open();
        (
            !open,
            open.then_some(r.resolve_by),
            std::cmp::Reverse(r.updated_at),
            std::cmp::Reverse(r.id),
        )
    };
    key(a).cmp(&key(b))
}

/// Whether an open follow-up passes the scope and the filter: [`clauses`] in Rust,
/// clause by clause.
fn picks(scope: &Scope, f: &FollowupFilter, r: &FollowupRow) -> bool {
    let scope_ok = match scope {
        Scope::All => true,
        Scope::Partners(p) => p.contains(&r.partner),
        Scope::Stations(s) => s.contains(&r.station),
    };
    let owner_in = |owners: &Vec<String>| r.owner.as_ref().is_some_and(|o| owners.contains(o));
    scope_ok
        && f.owners.as_ref().is_none_or(owner_in)
        && f.kind.is_none_or(|k| r.kind == k)
        && f.state.is_none_or(|s| r.state == s)
        && f.partner.as_ref().is_none_or(|p| &r.partner == p)
        && f.station.as_ref().is_none_or(|s| &r.station == s)
        && f.owner.as_ref().is_none_or(|o| r.owner.as_ref() == Some(o))
        && f.subject.as_ref().is_none_or(|s| &r.subject == s)
        && f.own_items_of
            .as_ref()
            .is_none_or(|u| r.kind != Kind::ActionItem || r.owner.as_ref() == Some(u))
        && (!f.unassigned || r.owner.is_none())
        && f.overdue_at.is_none_or(|t| r.resolve_by < t)
}

impl Store {
    /// The follow-ups version: bumped by trigger on every write to `followups`.
    async fn followups_version(&self) -> Result<i64> {
        self.counter("followups_version").await
    }

    async fn load_followups(&self) -> Result<KeptFollowups> {
        let sql = format!("SELECT {COLUMNS} FROM followups");
        let mut all = on_pool!(self, |pool| {
            let q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            map_rows!(q, pool, |r| decode_followup!(r))
        });
        all.sort_by(all_order);
        let mut open: Vec<usize> = (0..all.len()).filter(|&i| all[i].state.is_open()).collect();
        open.sort_by_key(|&i| (all[i].resolve_by, all[i].id));
        Ok(KeptFollowups { all, open })
    }

    /// One page of the follow-ups the scope allows and the filter picks, open ones
    /// first by time left, then the rest newest first; and how many there are in all.
    /// Read from the follow-ups kept per follow-ups version (the open ones alone for
    /// an open-only list, every worklist), filtered as the SQL would; read once for
    /// both kinds of list.
    pub async fn followups(
        &self,
        scope: &Scope,
        f: &FollowupFilter,
    ) -> Result<(Vec<FollowupRow>, i64)> {
        let version = self.followups_version().await?;
        let kept = self.cached_at(version, self.load_followups()).await?;
        let page = |rows: &mut dyn Iterator<Item = &FollowupRow>| {
            let picked: Vec<&FollowupRow> = rows.filter(|r| picks(scope, f, r)).collect();
            let n = picked.len() as i64;
            let page = picked
                .into_iter()
                .skip(f.offset.max(0) as usize)
                .take(f.limit.clamp(1, 10_000) as usize)
                .cloned()
                .collect();
            (page, n)
        };
        if f.open_only || f.overdue_at.is_some() {
            return Ok(page(&mut kept.open.iter().map(|&i| &kept.all[i])));
        }
        Ok(page(&mut kept.all.iter()))
    }

    /// [`Store::followups`] from the database, whatever the filter.
    pub async fn followups_in_database(
        &self,
        scope: &Scope,
        f: &FollowupFilter,
    ) -> Result<(Vec<FollowupRow>, i64)> {
        let (cond, binds) = clauses(scope, f);
        // Open ones only: by time left, which the resolve_by index reads in order and
        // a page cuts short. With the closed ones: open first, then newest first.
        let order = if f.open_only || f.overdue_at.is_some() {
            "resolve_by, id"
        } else {
            "CASE WHEN state IN ('open', 'in_progress', 'waiting_on_partner') THEN 0 ELSE 1 END,
             CASE WHEN state IN ('open', 'in_progress', 'waiting_on_partner') THEN resolve_by END,
             updated_at DESC, id DESC"
        };
        let list = format!(
            "SELECT {COLUMNS} FROM followups{cond} ORDER BY {order} LIMIT {} OFFSET {}",
            f.limit.clamp(1, 10_000),
            f.offset.max(0)
        );
        let count = format!("SELECT COUNT(*) AS n FROM followups{cond}");
        let out = on_pool!(self, |pool| {
            let rows = bind_all!(sqlx::query(sqlx::AssertSqlSafe(list)), &binds)
                .fetch_all(pool)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                out.push(decode_followup!(r));
            }
            let n: i64 = bind_all!(sqlx::query(sqlx::AssertSqlSafe(count)), &binds)
                .fetch_one(pool)
                .await?
                .try_get("n")?;
            (out, n)
        });
        Ok(out)
    }

    /// Every follow-up of the kinds from the data at the given stations, as the
    /// reconciliation of cases needs them.
    pub async fn data_followups(&self, stations: &[String]) -> Result<Vec<FollowupRow>> {
        let scope = Scope::Stations(stations.iter().cloned().collect());
        let mut all = Vec::new();
        for kind in [Kind::Nl, Kind::Cod, Kind::Ageing, Kind::Slp] {
            let f = FollowupFilter {
                kind: Some(kind),
                limit: 10_000,
                ..Default::default()
            };
            let mut offset = 0;
            loop {
                let (rows, n) = self
                    .followups(
                        &scope,
                        &FollowupFilter {
                            offset,
                            ..f.clone()
                        },
                    )
                    .await?;
                offset += rows.len() as i64;
                let done = rows.is_empty() || offset >= n;
                all.extend(rows);
                if done {
                    break;
                }
            }
        }
        Ok(all)
    }

    /// Open follow-ups whose `resolve_by` has passed and whose escalation may be due:
    /// the scheduler's work list.
    pub async fn escalation_candidates(&self, now: DateTime<Utc>) -> Result<Vec<FollowupRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM followups
             WHERE state IN ('open', 'in_progress', 'waiting_on_partner') AND resolve_by <= $1 AND escalation < 2
             ORDER BY id"
        );
        let rows = on_pool!(self, |pool| {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(now)
                .fetch_all(pool)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                out.push(decode_followup!(r));
            }
            out
        });
        Ok(rows)
    }
}
