//! Invoices and disputes: partners' invoices entered on a form, uploaded as a file or
//! sent through the API, each checked on arrival (GSTIN, tax kind and amount, the number
//! once per financial year, the taxable value against the payout of the partner's
//! routes). A failed GST check opens a `gst` case; a payout mismatch opens a dispute
//! with the expected payout per station, block and MOT; a dispute is settled with the
//! accepted amount and its credit or debit note. All or nothing: an invoice (or a file)
//! with any error stores nothing.

mod file;

use crate::followups::{About, Notify};
use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::model::Model;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, NaiveDate, Utc};
use dspdesk_core::cases::Line;
use dspdesk_core::followups::{Kind, Priority, State};
use dspdesk_core::invoices::{
    GST_RATE_BP, Invoice, financial_year, gst_check, payout_mismatch, problems, settlement_problem,
    settling_note,
};
use dspdesk_core::money::format_minor;
use dspdesk_core::profit::ProfitBy;
use dspdesk_core::{Action, Scope};
use dspdesk_store::{DisputeRow, FollowupRow, InvoiceRow, NewFollowup, NewInvoice, Settlement};
use rust_decimal::prelude::ToPrimitive;
use std::collections::BTreeSet;

pub use dspdesk_lake::ImportProfile;
pub use file::read_file;

/// An invoice with its checks' follow-ups as they stand.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InvoiceView {
    #[serde(flatten)]
    pub row: InvoiceRow,
    pub gst_case: Option<FollowupRow>,
    pub dispute: Option<DisputeView>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct DisputeView {
    #[serde(flatten)]
    pub dispute: DisputeRow,
    pub followup: FollowupRow,
    /// Days since it opened, on the day asked.
    pub age_days: i64,
}

/// Where an invoice stored from a row of a file or a form came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Form,
    File,
    Api,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Form => "form",
            Source::File => "file",
            Source::Api => "api",
        }
    }
}

/// What one stored invoice's checks found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Added {
    pub id: i64,
    pub number: String,
    pub partner: String,
    /// Why the GST check failed, when it did.
    pub gst_problem: Option<String>,
    /// Invoiced taxable value minus the expected payout, when past the tolerance.
    pub payout_difference: Option<i64>,
}

/// Whether a scope sees a partner's invoices: the program team every one, a coach its
/// portfolio's, a partner its own; a station manager none (they are between the network
/// and the partner).
pub fn sees(scope: &Scope, partner: &str) -> bool {
    match scope {
        Scope::Stations(_) => false,
        s => s.allows_partner(partner),
    }
}

/// A slice of the expected payout: station, block hours, MOT, routes, payout in paise.
type Slice = (String, i32, String, i64, i64);

/// The expected payout of a partner's routes from `from` to `to` at `stations`, per
/// station, block and MOT: (station, block hours, MOT, routes, payout in paise), and
/// routes no rate card priced.
async fn expected(ws: &Workspace, inv: &Invoice) -> Result<(Vec<Slice>, i64), AppError> {
    let by = [
        ProfitBy::Partner,
        ProfitBy::Station,
        ProfitBy::Block,
        ProfitBy::Mot,
    ];
    let lines =
        crate::profit::lines_in(ws, inv.period_from, inv.period_to, &by, &Scope::All).await?;
    let mut out = Vec::new();
    let mut unpriced = 0i64;
    for l in lines.iter().filter(|l| {
        l.partner.as_deref() == Some(inv.partner.as_str())
            && l.station.as_ref().is_some_and(|s| inv.stations.contains(s))
    }) {
        let paise = (l.payout * rust_decimal::Decimal::from(100))
            .to_i64()
            .ok_or_else(|| {
                AppError::invalid("taxable_value", "the expected payout is too large")
            })?;
        unpriced += l.unpriced_routes;
        out.push((
            l.station.clone().unwrap_or_default(),
            l.block_hours.unwrap_or(0),
            l.mot.clone().unwrap_or_default(),
            l.routes,
            paise,
        ));
    }
    Ok((out, unpriced))
}

/// What refuses an invoice: the rules, the data (a partner that ran routes at those
/// stations, the GSTIN on its file) and the numbers used (stored, or `seen` earlier in
/// the same batch), each as (field, reason).
async fn refusals(
    ws: &Workspace,
    model: &Model,
    actor: &Actor,
    inv: &Invoice,
    seen: &mut BTreeSet<(String, String, String)>,
) -> Result<Vec<(&'static str, String)>, AppError> {
    let mut p = problems(inv);
    // Unknown and out of scope read the same: guessing codes reveals nothing.
    if !model.partners().any(|x| *x == inv.partner) || !actor.scope.allows_partner(&inv.partner) {
        p.push((
            "partner",
            format!(
                "{:?} is not a partner you may enter invoices for (invoices are for partners that ran routes)",
                inv.partner
            ),
        ));
        return Ok(p);
    } else {
        for s in inv
            .stations
            .iter()
            .filter(|s| !model.works_at(&inv.partner, s))
        {
            p.push((
                "stations",
                format!(
                    "{} ran no routes at {s}: name the stations the invoice is for",
                    inv.partner
                ),
            ));
        }
        if let Some(f) = ws.store.partner_file(&inv.partner).await?
            && !f.gstin.is_empty()
            && !f.gstin.eq_ignore_ascii_case(inv.supplier_gstin.trim())
        {
            p.push((
                "supplier_gstin",
                format!(
                    "{} is not the GSTIN on {}'s file ({}): the supplier is the partner",
                    inv.supplier_gstin, inv.partner, f.gstin
                ),
            ));
        }
    }
    let fy = financial_year(inv.invoice_date);
    let number = inv.number.trim().to_owned();
    let used = ws.store.invoice_numbers(&inv.partner, &fy).await?;
    if used.contains(&number) || !seen.insert((inv.partner.clone(), fy.clone(), number.clone())) {
        p.push((
            "invoice_number",
            format!(
                "{} used {number} already in {fy}: an invoice number is used once a financial year",
                inv.partner
            ),
        ));
    }
    Ok(p)
}

/// The GST rate invoices are checked at: the rates configuration's, or 18%.
pub async fn gst_rate_bp(ws: &Workspace) -> Result<i64, AppError> {
    Ok(crate::profit::rate_book(ws)
        .await?
        .map_or(GST_RATE_BP, |(_, b)| b.gst_rate_bp()))
}

/// Checks one invoice: its refusals, or the invoice ready to store with the follow-ups
/// its GST and payout checks open.
async fn check(
    ws: &Workspace,
    model: &Model,
    inv: Invoice,
    seen: &mut BTreeSet<(String, String, String)>,
    ctx: (&Actor, Source, DateTime<Utc>, &Notify),
) -> Result<Result<NewInvoice, Vec<(&'static str, String)>>, AppError> {
    let (actor, source, now, notify) = ctx;
    let p = refusals(ws, model, actor, &inv, seen).await?;
    if !p.is_empty() {
        return Ok(Err(p));
    }
    let fy = financial_year(inv.invoice_date);
    let tax = gst_check(&inv, gst_rate_bp(ws).await?)
        .ok_or_else(|| AppError::invalid("taxable_value", "the amounts are too large"))?;
    let (lines, unpriced) = expected(ws, &inv).await?;
    let expected_payout = lines
        .iter()
        .try_fold(0i64, |a, l| a.checked_add(l.4))
        .ok_or_else(|| AppError::invalid("taxable_value", "the expected payout is too large"))?;
    // Routes no rate card prices leave the expected payout unknown: no dispute on a
    // guess (the invoice's page says how many wait for a rate card).
    let mismatch = if unpriced > 0 {
        None
    } else {
        payout_mismatch(expected_payout, inv.taxable)
    };
    let owner = notify.coaches_of(&inv.partner).into_iter().next();
    let gst_case = match tax.reason() {
        Some(reason) => {
            let f = followup(ws, &inv, &fy, Kind::Gst, owner.clone(), now).await?;
            Some(gst_case(f, &inv, &tax, reason, notify))
        }
        None => None,
    };
    let dispute = match mismatch {
        Some(diff) => {
            let f = followup(ws, &inv, &fy, Kind::Dispute, owner, now).await?;
            let expected = (&lines[..], expected_payout, unpriced);
            Some(dispute(f, &inv, expected, diff, notify))
        }
        None => None,
    };
    Ok(Ok(NewInvoice {
        financial_year: fy,
        gst_problem: tax.reason().unwrap_or_default(),
        tax,
        expected_payout,
        unpriced_routes: unpriced,
        payout_difference: inv.taxable.saturating_sub(expected_payout),
        payout_mismatch: mismatch.is_some(),
        source: source.as_str(),
        created_by: actor.audit.clone(),
        created_at: now,
        gst_case,
        dispute,
        invoice: Invoice {
            number: inv.number.trim().to_owned(),
            ..inv
        },
    }))
}

type Opened = (NewFollowup, Vec<dspdesk_store::NewNotification>);

/// The `gst` case of an invoice whose tax is wrong: charged against expected, per tax.
fn gst_case(
    f: NewFollowup,
    inv: &Invoice,
    tax: &dspdesk_core::invoices::TaxCheck,
    reason: String,
    notify: &Notify,
) -> Opened {
    let f = NewFollowup {
        title: format!(
            "GST check failed: {} invoice {}",
            inv.partner,
            inv.number.trim()
        ),
        body: reason,
        amount_minor: Some(tax.difference),
        lines: [
            ("CGST", inv.cgst, tax.expected_cgst),
            ("SGST", inv.sgst, tax.expected_sgst),
            ("IGST", inv.igst, tax.expected_igst),
        ]
        .into_iter()
        .map(|(k, charged, exp)| Line {
            reference: k.into(),
            date: inv.invoice_date,
            amount_minor: Some(charged - exp),
            detail: format!(
                "charged {}, expected {}",
                format_minor(charged),
                format_minor(exp)
            ),
        })
        .collect(),
        ..f
    };
    let about = About {
        partner: &inv.partner,
        station: "",
        kind: Kind::Gst,
    };
    let notes = notify.build(&notify.program_team(), "opened", &f.title, None, about);
    (f, notes)
}

/// The dispute of an invoice over (or under) its routes' payout: the expected payout
/// per station, block and MOT, and the invoice.
fn dispute(
    f: NewFollowup,
    inv: &Invoice,
    (lines, expected_payout, unpriced): (&[Slice], i64, i64),
    diff: i64,
    notify: &Notify,
) -> Opened {
    let mut rows: Vec<Line> = lines
        .iter()
        .map(|(station, hours, mot, routes, paise)| Line {
            reference: format!("{station} {hours}h {mot}"),
            date: inv.period_to,
            amount_minor: Some(*paise),
            detail: format!(
                "{routes} route{}, expected payout {}",
                if *routes == 1 { "" } else { "s" },
                format_minor(*paise)
            ),
        })
        .collect();
    rows.push(Line {
        reference: "invoiced".into(),
        date: inv.invoice_date,
        amount_minor: Some(inv.taxable),
        detail: format!(
            "taxable value {} against the expected {} ({} routes unpriced)",
            format_minor(inv.taxable),
            format_minor(expected_payout),
            unpriced
        ),
    });
    let f = NewFollowup {
        title: format!(
            "Payout mismatch: {} invoice {}, {} over the routes' payout",
            inv.partner,
            inv.number.trim(),
            format_minor(diff)
        ),
        body: format!(
            "Invoiced {} for {} to {} at {}; the partner's routes there pay {}. Agree the accepted amount with the partner and settle by a credit or debit note.",
            format_minor(inv.taxable),
            inv.period_from,
            inv.period_to,
            inv.stations.join(", "),
            format_minor(expected_payout)
        ),
        amount_minor: Some(diff),
        lines: rows,
        ..f
    };
    let about = About {
        partner: &inv.partner,
        station: "",
        kind: Kind::Dispute,
    };
    let notes = notify.build(&notify.program_team(), "opened", &f.title, None, about);
    (f, notes)
}

/// The follow-up an invoice's check opens, before its own title, body, amount and lines.
async fn followup(
    ws: &Workspace,
    inv: &Invoice,
    fy: &str,
    kind: Kind,
    owner: Option<String>,
    now: DateTime<Utc>,
) -> Result<NewFollowup, AppError> {
    let sla = crate::followups::sla_of(ws, kind).await?;
    Ok(NewFollowup {
        kind,
        key: Some(format!("{kind}:{}:{fy}:{}", inv.partner, inv.number.trim())),
        partner: inv.partner.clone(),
        station: String::new(),
        subject: format!("{fy}/{}", inv.number.trim()),
        title: String::new(),
        body: String::new(),
        owner,
        priority: Priority::Normal,
        amount_minor: None,
        data_date: Some(inv.invoice_date),
        as_of: None,
        opened_by: "invoice check".into(),
        opened_at: now,
        clock: sla.clock(now),
        lines: Vec::new(),
        lines_more: 0,
        watchers: Vec::new(),
        closed: None,
    })
}

/// Checks and stores invoices (each with its row number, for a file's errors), all or
/// none: any problem refuses the lot with every problem named by row and field.
pub async fn add(
    ws: &Workspace,
    actor: &Actor,
    invoices: Vec<(u64, Invoice)>,
    source: Source,
    now: DateTime<Utc>,
) -> Result<Vec<Added>, AppError> {
    add_checked(ws, actor, invoices, Vec::new(), source, now).await
}

/// Loads a file of invoices (CSV, Excel, JSON) read with `profile`, all or none: the
/// cells that do not read and the invoices the rules refuse are reported together.
pub async fn load_file(
    ws: &Workspace,
    actor: &Actor,
    path: &std::path::Path,
    profile: &dspdesk_lake::ImportProfile,
    now: DateTime<Utc>,
) -> Result<Vec<Added>, AppError> {
    actor.must(Action::EnterInvoices)?;
    let (rows, errors) = read_file(path, profile)?;
    add_checked(ws, actor, rows, errors, Source::File, now).await
}

async fn add_checked(
    ws: &Workspace,
    actor: &Actor,
    invoices: Vec<(u64, Invoice)>,
    mut errors: Vec<String>,
    source: Source,
    now: DateTime<Utc>,
) -> Result<Vec<Added>, AppError> {
    actor.must(Action::EnterInvoices)?;
    if invoices.is_empty() && errors.is_empty() {
        return Err(AppError::invalid("file", "no invoices in it"));
    }
    let model = Model::load(ws).await?;
    let notify = Notify::load(ws).await?;
    let mut seen = BTreeSet::new();
    let mut ready = Vec::with_capacity(invoices.len());
    let one = invoices.len() == 1 && source != Source::File;
    for (row, inv) in invoices {
        match check(ws, &model, inv, &mut seen, (actor, source, now, &notify)).await? {
            Ok(n) => ready.push(n),
            Err(p) if one => {
                let all: Vec<String> = p.iter().map(|(f, r)| format!("{f}: {r}")).collect();
                let field = p.first().map_or("invoice", |x| x.0);
                return Err(AppError::invalid(field, all.join("; ")));
            }
            Err(p) => errors.extend(
                p.into_iter()
                    .map(|(field, reason)| format!("row {row}, column {field}: {reason}")),
            ),
        }
    }
    // In row order, whichever step found them.
    errors.sort_by_key(|e| {
        e.split("row ")
            .nth(1)
            .and_then(|r| r.split(',').next())
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(u64::MAX)
    });
    if !errors.is_empty() {
        let n = errors.len();
        errors.truncate(50);
        return Err(AppError::invalid(
            "file",
            format!(
                "{n} problem{} and nothing stored; fix them and send the file again:\n{}",
                if n == 1 { "" } else { "s" },
                errors.join("\n")
            ),
        ));
    }
    let ids = match ws.store.add_invoices(&ready).await {
        Err(dspdesk_store::StoreError::NotFound(m)) => {
            return Err(AppError::invalid(
                "invoice_number",
                format!("{m}: nothing stored; send it again"),
            ));
        }
        other => other?,
    };
    Ok(ids
        .into_iter()
        .zip(ready)
        .map(|(id, n)| Added {
            id,
            number: n.invoice.number,
            partner: n.invoice.partner,
            gst_problem: (!n.gst_problem.is_empty()).then_some(n.gst_problem),
            payout_difference: n.payout_mismatch.then_some(n.payout_difference),
        })
        .collect())
}

/// The invoices the caller may see, newest first, with their follow-ups; `partner`
/// narrows to one.
pub async fn list(
    ws: &Workspace,
    actor: &Actor,
    partner: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<InvoiceView>, AppError> {
    let rows: Vec<InvoiceRow> = ws
        .store
        .invoices()
        .await?
        .iter()
        .filter(|r| sees(&actor.scope, &r.invoice.partner))
        .filter(|r| partner.is_none_or(|p| r.invoice.partner == p))
        .cloned()
        .collect();
    let disputes: std::collections::HashMap<i64, _> = ws
        .store
        .disputes()
        .await?
        .into_iter()
        .map(|d| (d.invoice_id, d))
        .collect();
    // Every row's GST case and dispute, read at once.
    let ids: Vec<i64> = rows
        .iter()
        .flat_map(|r| [r.gst_followup, r.dispute_followup])
        .flatten()
        .collect();
    let followups = ws.store.followups_by_id(&ids).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let gst_case = row.gst_followup.and_then(|id| followups.get(&id).cloned());
        let dispute = match (row.dispute_followup, disputes.get(&row.id)) {
            (Some(id), Some(d)) => followups.get(&id).cloned().map(|f| DisputeView {
                age_days: (now - f.opened_at).num_days(),
                dispute: d.clone(),
                followup: f,
            }),
            _ => None,
        };
        out.push(InvoiceView {
            row,
            gst_case,
            dispute,
        });
    }
    Ok(out)
}

/// One invoice the caller may see.
pub async fn show(
    ws: &Workspace,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<InvoiceView, AppError> {
    list(ws, actor, None, now)
        .await?
        .into_iter()
        .find(|v| v.row.id == id)
        .ok_or(AppError::NotFound("invoice"))
}

/// Per partner: open disputes, the amount in dispute (claimed, not yet settled) and
/// the oldest open dispute's age in days.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InDispute {
    pub partner: String,
    pub open: i64,
    pub amount: i64,
    pub oldest_days: i64,
}

pub fn in_dispute(views: &[InvoiceView]) -> Vec<InDispute> {
    let mut out: Vec<InDispute> = Vec::new();
    for d in views.iter().filter_map(|v| v.dispute.as_ref()) {
        if d.dispute.settled_at.is_some() || !d.followup.state.is_open() {
            continue;
        }
        let p = &d.followup.partner;
        let i = match out.iter().position(|x| &x.partner == p) {
            Some(i) => i,
            None => {
                out.push(InDispute {
                    partner: p.clone(),
                    open: 0,
                    amount: 0,
                    oldest_days: 0,
                });
                out.len() - 1
            }
        };
        let e = &mut out[i];
        e.open += 1;
        e.amount = e.amount.saturating_add(d.dispute.claimed.abs());
        e.oldest_days = e.oldest_days.max(d.age_days);
    }
    out.sort_by(|a, b| {
        b.amount
            .abs()
            .cmp(&a.amount.abs())
            .then(a.partner.cmp(&b.partner))
    });
    out
}

/// Settles an invoice's dispute (the program team): the accepted amount (between 0 and
/// the claimed one), and the note's number and date when one is due; resolves the
/// dispute's follow-up in the same transaction.
pub async fn settle(
    ws: &Workspace,
    actor: &Actor,
    invoice: i64,
    accepted: i64,
    note_number: &str,
    note_date: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.must(Action::SettleDisputes)?;
    let v = show(ws, actor, invoice, now).await?;
    let Some(d) = v.dispute else {
        return Err(AppError::invalid(
            "invoice",
            format!(
                "invoice {} has no dispute: its taxable value matched the payout",
                v.row.invoice.number
            ),
        ));
    };
    if d.dispute.settled_at.is_some() {
        return Err(AppError::invalid(
            "invoice",
            "the dispute is settled already",
        ));
    }
    let note = settling_note(d.dispute.claimed, accepted);
    let number = match note {
        Some(_) => note_number.trim(),
        None => "none due",
    };
    if let Some(p) = settlement_problem(d.dispute.claimed, accepted, number) {
        return Err(AppError::invalid("accepted", p));
    }
    if note.is_some() && note_date.is_none() {
        return Err(AppError::invalid(
            "note_date",
            "the date of the credit or debit note",
        ));
    }
    let summary = match note {
        Some((kind, amount)) => format!(
            "settled: {} accepted of {} claimed; {} note {} of {} dated {}",
            format_minor(accepted),
            format_minor(d.dispute.claimed),
            kind.as_str(),
            number,
            format_minor(amount),
            note_date.map(|x| x.to_string()).unwrap_or_default()
        ),
        None => format!(
            "settled: {} accepted of {} claimed; no note due",
            format_minor(accepted),
            format_minor(d.dispute.claimed)
        ),
    };
    let (_, edit) =
        crate::followups::transition_edit(ws, actor, d.followup.id, State::Resolved, &summary, now)
            .await?;
    let s = Settlement {
        accepted,
        note,
        note_number: if note.is_some() {
            number.to_owned()
        } else {
            String::new()
        },
        note_date: note.and(note_date),
        by: actor.audit.clone(),
        at: now,
    };
    match ws.store.settle_dispute(d.followup.id, &s, &edit).await {
        Err(dspdesk_store::StoreError::NotFound(_)) => Err(AppError::invalid(
            "invoice",
            "the dispute changed while you were looking at it: reload it and try again",
        )),
        other => Ok(other?),
    }
}

/// One invoice in a line: number, partner, amounts and what its checks found.
pub fn line(v: &InvoiceView) -> String {
    let i = &v.row.invoice;
    let gst = match &v.gst_case {
        Some(f) => format!("GST case #{} {}", f.id, f.state),
        None => "GST ok".into(),
    };
    let payout = match &v.dispute {
        Some(d) if d.dispute.settled_at.is_some() => format!(
            "dispute #{} settled ({} accepted of {})",
            d.followup.id,
            format_minor(d.dispute.accepted.unwrap_or(0)),
            format_minor(d.dispute.claimed)
        ),
        Some(d) => format!(
            "dispute #{} {} ({} claimed, {} days)",
            d.followup.id,
            d.followup.state,
            format_minor(d.dispute.claimed),
            d.age_days
        ),
        None => "payout ok".into(),
    };
    format!(
        "#{:<5} {:<6} {:<18} {} taxable {} total {}; {gst}; {payout}",
        v.row.id,
        i.partner,
        i.number,
        i.invoice_date,
        format_minor(i.taxable),
        format_minor(i.total)
    )
}

/// The invoices as a table (screen download, CLI, API), amounts in rupees.
pub fn table(views: &[InvoiceView]) -> dspdesk_core::table::Table {
    use dspdesk_core::table::{Cell, Table};
    let money = |m: i64| Cell::text(format_minor(m));
    Table {
        columns: vec![
            "id",
            "partner",
            "invoice_number",
            "financial_year",
            "invoice_date",
            "period_from",
            "period_to",
            "stations",
            "taxable_value",
            "cgst",
            "sgst",
            "igst",
            "total",
            "gst_check",
            "tax_difference",
            "expected_payout",
            "payout_difference",
            "dispute_state",
            "accepted",
        ],
        rows: views
            .iter()
            .map(|v| {
                let (r, i) = (&v.row, &v.row.invoice);
                vec![
                    Cell::Int(r.id),
                    Cell::text(&i.partner),
                    Cell::text(&i.number),
                    Cell::text(&r.financial_year),
                    Cell::text(i.invoice_date.to_string()),
                    Cell::text(i.period_from.to_string()),
                    Cell::text(i.period_to.to_string()),
                    Cell::text(i.stations.join(";")),
                    money(i.taxable),
                    money(i.cgst),
                    money(i.sgst),
                    money(i.igst),
                    money(i.total),
                    Cell::text(if r.gst_problem.is_empty() {
                        "ok"
                    } else {
                        "failed"
                    }),
                    money(r.tax_difference),
                    money(r.expected_payout),
                    money(r.payout_difference),
                    Cell::text(v.dispute.as_ref().map_or(String::new(), |d| {
                        if d.dispute.settled_at.is_some() {
                            "settled".to_owned()
                        } else {
                            d.followup.state.to_string()
                        }
                    })),
                    Cell::text(
                        v.dispute
                            .as_ref()
                            .and_then(|d| d.dispute.accepted)
                            .map(format_minor)
                            .unwrap_or_default(),
                    ),
                ]
            })
            .collect(),
    }
}

/// An invoice as a form or a JSON body sends it: every field text (amounts in rupees,
/// stations separated by `;`), named as the file's columns.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Entry {
    #[serde(default)]
    pub partner: String,
    #[serde(default)]
    pub invoice_number: String,
    #[serde(default)]
    pub invoice_date: String,
    #[serde(default)]
    pub period_from: String,
    #[serde(default)]
    pub period_to: String,
    #[serde(default)]
    pub stations: String,
    #[serde(default)]
    pub supplier_gstin: String,
    #[serde(default)]
    pub recipient_gstin: String,
    #[serde(default)]
    pub place_of_supply: String,
    #[serde(default, deserialize_with = "text_or_number")]
    pub taxable_value: String,
    #[serde(default, deserialize_with = "text_or_number")]
    pub cgst: String,
    #[serde(default, deserialize_with = "text_or_number")]
    pub sgst: String,
    #[serde(default, deserialize_with = "text_or_number")]
    pub igst: String,
    #[serde(default, deserialize_with = "text_or_number")]
    pub total: String,
}

fn text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    use serde::Deserialize;
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        v => v.to_string(),
    })
}

impl Entry {
    /// The invoice, or the first field that does not read (an empty tax reads as 0).
    pub fn invoice(&self) -> Result<Invoice, AppError> {
        let day = |field: &'static str, raw: &str| {
            dspdesk_core::time::parse_day(raw).map_err(|e| AppError::invalid(field, e))
        };
        let money = |field: &'static str, raw: &str, zero: bool| {
            let raw = raw.trim();
            if raw.is_empty() && zero {
                return Ok(0);
            }
            dspdesk_core::money::parse_amount(raw.as_bytes(), false)
                .map_err(|e| AppError::invalid(field, format!("{raw:?} {e}")))
        };
        Ok(Invoice {
            partner: self.partner.trim().to_owned(),
            number: self.invoice_number.trim().to_owned(),
            invoice_date: day("invoice_date", &self.invoice_date)?,
            period_from: day("period_from", &self.period_from)?,
            period_to: day("period_to", &self.period_to)?,
            stations: self
                .stations
                .split([';', ','])
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
            supplier_gstin: self.supplier_gstin.trim().to_ascii_uppercase(),
            recipient_gstin: self.recipient_gstin.trim().to_ascii_uppercase(),
            place_of_supply: self.place_of_supply.trim().to_owned(),
            taxable: money("taxable_value", &self.taxable_value, false)?,
            cgst: money("cgst", &self.cgst, true)?,
            sgst: money("sgst", &self.sgst, true)?,
            igst: money("igst", &self.igst, true)?,
            total: money("total", &self.total, false)?,
        })
    }
}
