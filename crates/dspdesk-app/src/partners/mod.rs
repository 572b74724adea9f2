//! The partner's file: the program team edits it; a partner proposes a change that the
//! program team accepts or rejects; every field checked, the bank account shown masked.

use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::model::Model;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, Utc};
use dspdesk_core::partners::PartnerFile;
use dspdesk_core::{Action, Role};
use dspdesk_store::FileRequest;

/// A partner's file as the caller may read it, and its change requests.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileView {
    pub file: PartnerFile,
    /// Whether anything was ever saved.
    pub saved: bool,
    pub bank_account_masked: String,
    pub fleet_ev_pct: Option<f64>,
    pub requests: Vec<FileRequest>,
}

async fn check_sees(ws: &Workspace, actor: &Actor, partner: &str) -> Result<(), AppError> {
    let model = Model::load(ws).await?;
    let known = model.partners().any(|p| p == partner)
        || ws
            .store
            .onboarding()
            .await?
            .iter()
            .any(|o| o.partner == partner);
    if !known || !model.sees_partner(&actor.scope, partner) {
        return Err(AppError::NotFound("partner"));
    }
    Ok(())
}

/// Every partner's coaches (active coach users whose portfolio holds it), by code:
/// what a list shows beside a partner and filters on.
pub async fn coaches(
    ws: &Workspace,
) -> Result<std::collections::HashMap<String, Vec<String>>, AppError> {
    let mut by: std::collections::HashMap<String, Vec<String>> = Default::default();
    for u in ws.store.list_users().await? {
        if u.disabled || u.role != Role::Coach {
            continue;
        }
        for (kind, code) in &u.scopes {
            if kind == "partner" {
                by.entry(code.clone()).or_default().push(u.username.clone());
            }
        }
    }
    for v in by.values_mut() {
        v.sort();
    }
    Ok(by)
}

/// Every partner's legal name from its file, where one is written: what the screens
/// show beside a code.
pub async fn names(ws: &Workspace) -> Result<std::collections::HashMap<String, String>, AppError> {
    Ok(ws.store.partner_names().await?)
}

/// The file with the bank account masked (never given out whole).
pub async fn show(ws: &Workspace, actor: &Actor, partner: &str) -> Result<FileView, AppError> {
    check_sees(ws, actor, partner).await?;
    let stored = ws.store.partner_file(partner).await?;
    let saved = stored.is_some();
    let mut file = stored.unwrap_or_else(|| PartnerFile {
        partner: partner.to_owned(),
        ..PartnerFile::default()
    });
    let bank_account_masked = file.bank_account_masked();
    let fleet_ev_pct = file.fleet_ev_pct();
    file.bank_account = String::new();
    let mut requests = ws.store.partner_file_requests(Some(partner)).await?;
    for r in &mut requests {
        r.proposed.bank_account = dspdesk_core::partners::masked(&r.proposed.bank_account);
    }
    Ok(FileView {
        file,
        saved,
        bank_account_masked,
        fleet_ev_pct,
        requests,
    })
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// The program team's change, saved.
    Saved(Vec<&'static str>),
    /// A partner's change, waiting for the program team: its request.
    Proposed(i64),
    Unchanged,
}

/// Saves a file (the program team) or proposes it (the partner). An empty bank account
/// keeps the one on file.
pub async fn save(
    ws: &Workspace,
    actor: &Actor,
    f: PartnerFile,
    now: DateTime<Utc>,
) -> Result<Saved, AppError> {
    let proposes = actor.role == Role::Partner;
    if !proposes {
        actor.must(Action::VerifyDocuments)?;
    }
    check_sees(ws, actor, &f.partner).await?;
    let current = ws
        .store
        .partner_file(&f.partner)
        .await?
        .unwrap_or_else(|| PartnerFile {
            partner: f.partner.clone(),
            ..PartnerFile::default()
        });
    let mut f = f.normalised();
    if f.bank_account.is_empty() {
        f.bank_account = current.bank_account.clone();
    }
    if let Some((field, problem)) = f.problems().into_iter().next() {
        return Err(AppError::invalid(field, problem));
    }
    let changed = f.changed_from(&current);
    if changed.is_empty() {
        return Ok(Saved::Unchanged);
    }
    if proposes {
        let id = ws
            .store
            .propose_partner_file(&f, &changed, &actor.audit, now)
            .await?;
        Ok(Saved::Proposed(id))
    } else {
        ws.store
            .save_partner_file(&f, &changed, &actor.audit, now)
            .await?;
        Ok(Saved::Saved(changed))
    }
}

/// Accepts or rejects a partner's proposed change (the program team).
pub async fn decide(
    ws: &Workspace,
    actor: &Actor,
    partner: &str,
    id: i64,
    accept: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.must(Action::VerifyDocuments)?;
    check_sees(ws, actor, partner).await?;
    let Some(req) = ws
        .store
        .partner_file_requests(Some(partner))
        .await?
        .into_iter()
        .find(|r| r.id == id && r.state == "proposed")
    else {
        return Err(AppError::invalid(
            "request",
            format!("request {id} of {partner} waits for no decision"),
        ));
    };
    if !accept && reason.trim().is_empty() {
        return Err(AppError::invalid(
            "reason",
            "say why it is rejected: the partner reads it",
        ));
    }
    // Only the fields the partner changed, onto the file as it is now: the program
    // team's later edits of other fields stay.
    let merged = if accept {
        let current = ws
            .store
            .partner_file(partner)
            .await?
            .unwrap_or_else(|| PartnerFile {
                partner: partner.to_owned(),
                ..PartnerFile::default()
            });
        let fields: Vec<&str> = req.fields.iter().map(String::as_str).collect();
        let f = current.with_fields_of(&req.proposed, &fields);
        if let Some((field, problem)) = f.problems().into_iter().next() {
            return Err(AppError::invalid(
                field,
                format!("as merged with the file now: {problem}"),
            ));
        }
        Some(f)
    } else {
        None
    };
    Ok(ws
        .store
        .decide_partner_file(id, merged.as_ref(), reason.trim(), &actor.audit, now)
        .await?)
}
