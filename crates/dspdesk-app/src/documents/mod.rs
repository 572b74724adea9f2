//! Compliance documents and bank guarantees: the admin configures the document types;
//! a partner uploads its documents (staff may upload for partners of their scope); the
//! program team verifies or rejects them with a reason and records bank guarantees. What
//! they say on a day (`dspdesk_core::compliance`) feeds the health score's compliance
//! component and its cap; the scheduler sends renewal reminders 60, 30 and 7 days before
//! an expiry, once each.

use crate::followups::{About, Notify, keep_file, path_of};
use crate::shared::actor::Actor;
pub use crate::shared::compliance::Compliance;
use crate::shared::error::AppError;
use crate::shared::model::Model;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use dspdesk_core::compliance::{DocState, DocType, gstin_problem, pan_problem, reminder_due};
use dspdesk_core::followups::Kind;
use dspdesk_core::followups::Priority;
use dspdesk_core::{Action, Role, Scope};
use dspdesk_store::{DocumentRow, GuaranteeRow, NewDocument, NewFollowup, NewGuarantee};
use std::path::PathBuf;

/// The file types a document takes.
const DOCUMENT_FILES: [&str; 3] = ["application/pdf", "image/png", "image/jpeg"];

/// Adds a document type or changes it (the admin).
pub async fn set_type(
    ws: &Workspace,
    actor: &Actor,
    t: DocType,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.must(Action::ManageConfig)?;
    let ok = !t.code.is_empty()
        && t.code.len() <= 40
        && t.code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !ok {
        return Err(AppError::invalid(
            "code",
            format!(
                "{:?} is not a type code: lower-case letters, digits and _, e.g. trade_licence",
                t.code
            ),
        ));
    }
    if t.label.trim().is_empty() || t.label.chars().count() > 100 {
        return Err(AppError::invalid("label", "a label of 1 to 100 characters"));
    }
    Ok(ws.store.set_document_type(&t, &actor.audit, now).await?)
}

/// The document types, for anyone who uploads or reads documents.
pub async fn types(ws: &Workspace) -> Result<Vec<DocType>, AppError> {
    Ok(ws.store.document_types().await?)
}

/// The document types, for the admin who edits them.
pub async fn types_to_edit(ws: &Workspace, actor: &Actor) -> Result<Vec<DocType>, AppError> {
    actor.must(Action::ManageConfig)?;
    types(ws).await
}

/// A document to upload.
#[derive(Debug, Clone)]
pub struct Upload {
    pub partner: String,
    pub doc_type: String,
    pub number: String,
    pub issued_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub filename: String,
}

/// The partner the caller may act for: a partner user its own company, others a partner
/// of their scope.
async fn partner_of(ws: &Workspace, actor: &Actor, partner: &str) -> Result<String, AppError> {
    let mut p = partner.trim().to_owned();
    if let (Role::Partner, Scope::Partners(own)) = (actor.role, &actor.scope)
        && p.is_empty()
        && own.len() == 1
    {
        p = own.iter().next().cloned().unwrap_or_default();
    }
    let model = Model::load(ws).await?;
    if p.is_empty() || !model.sees_partner(&actor.scope, &p) {
        return Err(AppError::NotFound("partner"));
    }
    // A partner of the data or one in onboarding: a mistyped code files nothing.
    let known = model.partners().any(|k| *k == p)
        || ws.store.onboarding().await?.iter().any(|o| o.partner == p);
    if !known {
        return Err(AppError::invalid(
            "partner",
            format!("{p} is neither in the data nor in onboarding: check the code"),
        ));
    }
    Ok(p)
}

fn check_number(doc_type: &str, number: &str) -> Result<(), AppError> {
    let problem = match doc_type {
        "pan" => pan_problem(number),
        "gst_registration" => gstin_problem(number),
        _ if number.chars().count() > 100 => Some("a number of at most 100 characters".into()),
        _ => None,
    };
    match problem {
        Some(p) => Err(AppError::invalid("number", p)),
        None => Ok(()),
    }
}

/// Uploads a document with its file; it waits for the program team's check.
pub async fn upload(
    ws: &Workspace,
    actor: &Actor,
    u: Upload,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    actor.must(Action::UploadDocuments)?;
    let partner = partner_of(ws, actor, &u.partner).await?;
    let types = ws.store.document_types().await?;
    let Some(t) = types.iter().find(|t| t.code == u.doc_type) else {
        let codes: Vec<&str> = types.iter().map(|t| t.code.as_str()).collect();
        return Err(AppError::invalid(
            "type",
            format!(
                "{:?} is not a document type; use one of: {}",
                u.doc_type,
                if codes.is_empty() {
                    "none yet (the admin adds them)".to_owned()
                } else {
                    codes.join(", ")
                }
            ),
        ));
    };
    let number = u.number.trim().to_ascii_uppercase();
    check_number(&t.code, &number)?;
    if let Some(e) = u.expires_on
        && e < u.issued_on
    {
        return Err(AppError::invalid(
            "expires",
            format!("it expires on {e}, before its issue on {}", u.issued_on),
        ));
    }
    let (filename, content_type, sha256) =
        keep_file(ws, &u.filename, bytes, &DOCUMENT_FILES).await?;
    let doc = NewDocument {
        partner,
        doc_type: t.code.clone(),
        number,
        issued_on: u.issued_on,
        expires_on: u.expires_on,
        sha256,
        filename,
        content_type: content_type.into(),
        size: bytes.len() as i64,
        state: DocState::Uploaded,
        by: actor.audit.clone(),
        at: now,
    };
    Ok(ws.store.add_document(&doc).await?)
}

/// Verifies a document, or rejects it with the reason the partner reads.
pub async fn check(
    ws: &Workspace,
    actor: &Actor,
    id: i64,
    verify: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.must(Action::VerifyDocuments)?;
    let d = document(ws, actor, id).await?;
    if d.state != DocState::Uploaded {
        return Err(AppError::invalid(
            "state",
            format!("document {id} is {} already", d.state),
        ));
    }
    if !verify && reason.trim().is_empty() {
        return Err(AppError::invalid(
            "reason",
            "say why it is rejected: the partner reads it",
        ));
    }
    let to = if verify {
        DocState::Verified
    } else {
        DocState::Rejected
    };
    Ok(ws
        .store
        .check_document(id, to, reason.trim(), &actor.audit, now)
        .await?)
}

/// A document the caller may see.
pub async fn document(ws: &Workspace, actor: &Actor, id: i64) -> Result<DocumentRow, AppError> {
    let d = ws
        .store
        .document(id)
        .await?
        .ok_or(AppError::NotFound("document"))?;
    let model = Model::load(ws).await?;
    if !model.sees_partner(&actor.scope, &d.partner) {
        return Err(AppError::NotFound("document"));
    }
    Ok(d)
}

/// A document's file, for one who may see the document.
pub async fn file(
    ws: &Workspace,
    actor: &Actor,
    id: i64,
) -> Result<(DocumentRow, PathBuf), AppError> {
    let d = document(ws, actor, id).await?;
    if d.sha256.is_empty() {
        return Err(AppError::NotFound("file"));
    }
    let path = path_of(ws, &d.sha256);
    Ok((d, path))
}

/// The documents and guarantees the caller may see (of one partner, or all).
pub async fn list(
    ws: &Workspace,
    actor: &Actor,
    partner: Option<&str>,
) -> Result<(Vec<DocumentRow>, Vec<GuaranteeRow>), AppError> {
    let model = Model::load(ws).await?;
    let sees = |p: &str| model.sees_partner(&actor.scope, p);
    if let Some(p) = partner
        && !sees(p)
    {
        return Err(AppError::NotFound("partner"));
    }
    let docs = ws.store.documents(partner).await?;
    let bgs = ws.store.guarantees(partner).await?;
    Ok((
        docs.into_iter().filter(|d| sees(&d.partner)).collect(),
        bgs.into_iter().filter(|g| sees(&g.partner)).collect(),
    ))
}

/// A bank guarantee to record.
#[derive(Debug, Clone)]
pub struct Guarantee {
    pub partner: String,
    pub bank: String,
    pub number: String,
    /// Rupees, e.g. "500000" or "250000.50".
    pub amount: String,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub claim_until: NaiveDate,
}

/// Records a bank guarantee (the program team); it counts from recording.
pub async fn add_guarantee(
    ws: &Workspace,
    actor: &Actor,
    g: Guarantee,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    actor.must(Action::VerifyDocuments)?;
    let partner = partner_of(ws, actor, &g.partner).await?;
    let amount = dspdesk_core::money::parse_amount(g.amount.trim().as_bytes(), false)
        .ok()
        .filter(|m| *m > 0)
        .ok_or_else(|| {
            AppError::invalid(
                "amount",
                format!(
                    "{:?} is not an amount in rupees above 0, e.g. 500000 or 250000.50",
                    g.amount
                ),
            )
        })?;
    if g.bank.trim().is_empty() || g.number.trim().is_empty() {
        return Err(AppError::invalid(
            "bank",
            "name the bank and the guarantee's number",
        ));
    }
    if g.valid_to < g.valid_from || g.claim_until < g.valid_to {
        return Err(AppError::invalid(
            "valid_to",
            format!(
                "valid {} to {}, claims until {}: the end is not before the start, and claims run to the end or later",
                g.valid_from, g.valid_to, g.claim_until
            ),
        ));
    }
    let new = NewGuarantee {
        partner,
        bank: g.bank.trim().to_owned(),
        number: g.number.trim().to_owned(),
        amount_minor: amount,
        valid_from: g.valid_from,
        valid_to: g.valid_to,
        claim_until: g.claim_until,
        by: actor.audit.clone(),
        at: now,
    };
    Ok(ws.store.add_guarantee(&new).await?)
}

/// Renewed already: another verified document of the partner's type runs past `d`'s
/// expiry.
fn doc_renewed(docs: &[DocumentRow], d: &DocumentRow, exp: NaiveDate) -> bool {
    docs.iter().any(|o| {
        o.id != d.id
            && o.partner == d.partner
            && o.doc_type == d.doc_type
            && o.state == DocState::Verified
            && o.issued_on <= exp + Duration::days(1)
            && o.expires_on.is_none_or(|e| e > exp)
    })
}

/// Renewed already: another verified guarantee of the partner runs past `g`'s end.
fn guarantee_renewed(bgs: &[GuaranteeRow], g: &GuaranteeRow) -> bool {
    bgs.iter().any(|o| {
        o.id != g.id
            && o.partner == g.partner
            && o.verified
            && o.valid_from <= g.valid_to + Duration::days(1)
            && o.valid_to > g.valid_to
    })
}

/// A verified document or guarantee that lapses soon and is not renewed yet.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Lapsing {
    pub partner: String,
    /// In words: "insurance POL-1", "bank guarantee BG-7 of HDFC".
    pub what: String,
    pub expires_on: NaiveDate,
    pub days_left: i64,
}

/// The caller's partners' verified documents and guarantees that lapse within
/// `within` days of `today` (or have lapsed up to `within` days ago) and are not
/// renewed; soonest first.
pub async fn lapsing(
    ws: &Workspace,
    actor: &Actor,
    today: NaiveDate,
    within: i64,
) -> Result<Vec<Lapsing>, AppError> {
    let (docs, bgs) = list(ws, actor, None).await?;
    let near = |exp: NaiveDate| (exp - today).num_days().abs() <= within;
    let mut out: Vec<Lapsing> = Vec::new();
    for d in &docs {
        if let (DocState::Verified, Some(exp)) = (d.state, d.expires_on)
            && near(exp)
            && !doc_renewed(&docs, d, exp)
        {
            out.push(Lapsing {
                partner: d.partner.clone(),
                what: format!("{} {}", d.doc_type.replace('_', " "), d.number),
                expires_on: exp,
                days_left: (exp - today).num_days(),
            });
        }
    }
    for g in &bgs {
        if g.verified && near(g.valid_to) && !guarantee_renewed(&bgs, g) {
            out.push(Lapsing {
                partner: g.partner.clone(),
                what: format!("bank guarantee {} of {}", g.number, g.bank),
                expires_on: g.valid_to,
                days_left: (g.valid_to - today).num_days(),
            });
        }
    }
    out.sort_by(|a, b| (a.expires_on, &a.partner).cmp(&(b.expires_on, &b.partner)));
    Ok(out)
}

/// A reminder to send: (a guarantee?, its id, partner, what, expiry, days before, the
/// reminders sent as read).
type Reminder = (bool, i64, String, String, NaiveDate, i64, String);

/// The reminders due on `today`: verified documents and guarantees not renewed already.
async fn due_reminders(ws: &Workspace, today: NaiveDate) -> Result<Vec<Reminder>, AppError> {
    let mut due: Vec<Reminder> = Vec::new();
    let docs = ws.store.documents(None).await?;
    for d in &docs {
        if let (DocState::Verified, Some(exp)) = (d.state, d.expires_on)
            && !doc_renewed(&docs, d, exp)
            && let Some(days) = reminder_due(exp, today, &d.reminded)
        {
            let what = format!("{} {}", d.doc_type.replace('_', " "), d.number);
            due.push((
                false,
                d.id,
                d.partner.clone(),
                what,
                exp,
                days,
                joined(&d.reminded),
            ));
        }
    }
    let bgs = ws.store.guarantees(None).await?;
    for g in &bgs {
        if !guarantee_renewed(&bgs, g)
            && let Some(days) = reminder_due(g.valid_to, today, &g.reminded)
        {
            let what = format!("bank guarantee {} of {}", g.number, g.bank);
            due.push((
                true,
                g.id,
                g.partner.clone(),
                what,
                g.valid_to,
                days,
                joined(&g.reminded),
            ));
        }
    }
    Ok(due)
}

/// The reminders sent, as stored ("60,30").
fn joined(days: &[i64]) -> String {
    days.iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// The scheduler's part: renewal reminders to the partner's users and coaches 60, 30
/// and 7 days before a verified document or a guarantee expires, once each. Returns how
/// many went out.
pub async fn remind(ws: &Workspace, now: DateTime<Utc>) -> Result<u64, AppError> {
    let today = now.with_timezone(&ws.default_zone).date_naive();
    let notify = Notify::load(ws).await?;
    let mut sent = 0;
    let due = due_reminders(ws, today).await?;
    for (guarantee, id, partner, what, exp, days, before) in due {
        let mut to = notify.partner_users(&partner);
        to.extend(notify.coaches_of(&partner));
        if to.is_empty() {
            to = notify.program_team();
        }
        let message = format!(
            "Renew {partner}'s {what}: it expires on {exp}, in {} days",
            (exp - today).num_days()
        );
        let about = About {
            partner: &partner,
            station: "",
            kind: Kind::Point,
        };
        let notes = notify.build(&to, "reminder", &message, None, about);
        if ws
            .store
            .mark_reminded(guarantee, id, &before, days, &notes, now)
            .await?
        {
            sent += 1;
        }
    }
    Ok(sent)
}

/// A partner's quarterly checklist from the stored documents, guarantees and file.
fn partner_checklist(
    partner: &str,
    types: &[DocType],
    docs: &[DocumentRow],
    bgs: &[GuaranteeRow],
    file: &dspdesk_core::partners::PartnerFile,
    today: NaiveDate,
) -> Vec<dspdesk_core::compliance::CheckLine> {
    use dspdesk_core::compliance::{DocDates, GuaranteeDates, checklist};
    let mine: Vec<DocDates<'_>> = docs
        .iter()
        .filter(|d| d.partner == partner)
        .map(|d| DocDates {
            doc_type: &d.doc_type,
            state: d.state,
            issued_on: d.issued_on,
            expires_on: d.expires_on,
        })
        .collect();
    let guarantees: Vec<GuaranteeDates> = bgs
        .iter()
        .filter(|g| g.partner == partner)
        .map(|g| GuaranteeDates {
            verified: g.verified,
            valid_from: g.valid_from,
            valid_to: g.valid_to,
        })
        .collect();
    let missing: Vec<&str> = [
        ("legal name", file.legal_name.is_empty()),
        ("GSTIN", file.gstin.is_empty()),
        ("PAN", file.pan.is_empty()),
        ("bank account", file.bank_account.is_empty()),
    ]
    .into_iter()
    .filter_map(|(f, m)| m.then_some(f))
    .collect();
    checklist(types, &mine, &guarantees, &missing, today)
}

/// The partners whose check of an earlier quarter than `q` is still open: they get no
/// second one, that one is worked first (its escalation says it is late).
async fn pending_checks(
    ws: &Workspace,
    q: &str,
) -> Result<std::collections::HashSet<String>, AppError> {
    let (open, _) = ws
        .store
        .followups(
            &Scope::All,
            &dspdesk_store::FollowupFilter {
                kind: Some(Kind::ComplianceCheck),
                open_only: true,
                limit: 10_000,
                ..Default::default()
            },
        )
        .await?;
    Ok(open
        .into_iter()
        .filter(|f| f.subject != q)
        .map(|f| f.partner)
        .collect())
}

/// The scheduler's part: once a quarter, where document types are configured, a
/// compliance check for every partner of the data (but one whose earlier check is still
/// open) (a follow-up owned by its coach, its checklist in the lines: each mandatory
/// document, the guarantee, the partner's file), opened once (its key names the quarter).
/// Returns how many were opened.
pub async fn open_quarterly_checks(ws: &Workspace, now: DateTime<Utc>) -> Result<u64, AppError> {
    use dspdesk_core::cases::Line;
    use dspdesk_core::compliance::quarter;
    let today = now.with_timezone(&ws.default_zone).date_naive();
    let q = quarter(today);
    let model = Model::load(ws).await?;
    let types = ws.store.document_types().await?;
    if types.is_empty() {
        // A network that keeps no documents in dspdesk has nothing to check.
        return Ok(0);
    }
    let docs = ws.store.documents(None).await?;
    let bgs = ws.store.guarantees(None).await?;
    let notify = Notify::load(ws).await?;
    let sla = crate::followups::sla_of(ws, Kind::ComplianceCheck).await?;
    let pending = pending_checks(ws, &q).await?;
    let mut opened = 0;
    for partner in model.partners().filter(|p| !pending.contains(p.as_str())) {
        let file = ws.store.partner_file(partner).await?.unwrap_or_default();
        let lines = partner_checklist(partner, &types, &docs, &bgs, &file, today);
        let ok = lines.iter().filter(|l| l.ok).count();
        let owner = notify.coaches_of(partner).into_iter().next();
        let new = NewFollowup {
            kind: Kind::ComplianceCheck,
            key: Some(format!("compliance:{partner}:{q}")),
            partner: partner.clone(),
            station: String::new(),
            subject: q.clone(),
            title: format!("Compliance check {q}: {ok} of {} in order", lines.len()),
            body: "Check each line with the partner: renew what lapsed, file what is missing, then resolve the check.".into(),
            owner: owner.clone(),
            priority: if ok == lines.len() { Priority::Low } else { Priority::Normal },
            amount_minor: None,
            data_date: Some(today),
            as_of: None,
            opened_by: "scheduler".into(),
            opened_at: now,
            clock: sla.clock(now),
            lines: lines
                .iter()
                .map(|l| Line {
                    reference: l.item.clone(),
                    date: today,
                    amount_minor: None,
                    detail: format!("{}: {}", if l.ok { "in order" } else { "to do" }, l.detail),
                })
                .collect(),
            lines_more: 0,
            watchers: Vec::new(),
            closed: None,
        };
        let about = About {
            partner,
            station: "",
            kind: Kind::ComplianceCheck,
        };
        let notes = notify.build(
            &owner.into_iter().collect::<Vec<_>>(),
            "assigned",
            &new.title,
            None,
            about,
        );
        if ws.store.open_followup(&new, &notes).await?.is_some() {
            opened += 1;
        }
    }
    Ok(opened)
}
