//! Invoices: each stored with the results of its checks, and the follow-ups those open
//! (a `gst` case, a `dispute`), all in one transaction; a file of invoices is stored
//! whole or not at all. A dispute's own fields (claimed, accepted, its note) beside its
//! follow-up; settling writes them and resolves the follow-up in one transaction.

use crate::db::{Result, Store, StoreError, on_pool, write_audit};
use crate::followups::{Edit, NewFollowup, NewNotification, apply_edit, insert_followup};
use chrono::{DateTime, NaiveDate, Utc};
use dspdesk_core::invoices::{Invoice, Note, TaxCheck};
use sqlx::Row;
use std::sync::Arc;

/// An invoice to store, checked.
#[derive(Debug, Clone)]
pub struct NewInvoice {
    pub invoice: Invoice,
    pub financial_year: String,
    pub tax: TaxCheck,
    /// Why the GST check failed; empty when it passed.
    pub gst_problem: String,
    pub expected_payout: i64,
    pub unpriced_routes: i64,
    /// Invoiced taxable value minus the expected payout.
    pub payout_difference: i64,
    pub payout_mismatch: bool,
    /// `form`, `file` or `api`.
    pub source: &'static str,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// The `gst` case to open with it, and its notifications.
    pub gst_case: Option<(NewFollowup, Vec<NewNotification>)>,
    /// The dispute to open with it, and its notifications.
    pub dispute: Option<(NewFollowup, Vec<NewNotification>)>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct InvoiceRow {
    pub id: i64,
    #[serde(flatten)]
    pub invoice: Invoice,
    pub financial_year: String,
    pub expected_cgst: i64,
    pub expected_sgst: i64,
    pub expected_igst: i64,
    pub tax_difference: i64,
    pub gst_problem: String,
    pub expected_payout: i64,
    pub unpriced_routes: i64,
    pub payout_difference: i64,
    pub payout_mismatch: bool,
    pub gst_followup: Option<i64>,
    pub dispute_followup: Option<i64>,
    pub source: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DisputeRow {
    pub followup_id: i64,
    pub invoice_id: i64,
    pub claimed: i64,
    pub accepted: Option<i64>,
    /// `credit`, `debit`, or empty (settled with no note, or not settled).
    pub note_kind: String,
    pub note_number: String,
    pub note_date: Option<NaiveDate>,
    pub note_amount: Option<i64>,
    pub settled_by: String,
    pub settled_at: Option<DateTime<Utc>>,
}

/// A dispute's settlement.
#[derive(Debug, Clone)]
pub struct Settlement {
    pub accepted: i64,
    /// The note that settles it and its amount; `None` when none is due.
    pub note: Option<(Note, i64)>,
    pub note_number: String,
    pub note_date: Option<NaiveDate>,
    pub by: String,
    pub at: DateTime<Utc>,
}

const COLUMNS: &str = "id, partner, number, financial_year, invoice_date, period_from, period_to, stations, supplier_gstin, recipient_gstin, place_of_supply, taxable_minor, cgst_minor, sgst_minor, igst_minor, total_minor, expected_cgst_minor, expected_sgst_minor, expected_igst_minor, tax_difference_minor, gst_problem, expected_payout_minor, unpriced_routes, payout_difference_minor, payout_mismatch, gst_followup, dispute_followup, source, created_by, created_at";

macro_rules! invoice_row {
    ($r:expr) => {{
        let r = $r;
        let stations: String = r.try_get("stations")?;
        InvoiceRow {
            id: r.try_get("id")?,
            invoice: Invoice {
                partner: r.try_get("partner")?,
                number: r.try_get("number")?,
                invoice_date: r.try_get("invoice_date")?,
                period_from: r.try_get("period_from")?,
                period_to: r.try_get("period_to")?,
                stations: stations
                    .split(';')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                supplier_gstin: r.try_get("supplier_gstin")?,
                recipient_gstin: r.try_get("recipient_gstin")?,
                place_of_supply: r.try_get("place_of_supply")?,
                taxable: r.try_get("taxable_minor")?,
                cgst: r.try_get("cgst_minor")?,
                sgst: r.try_get("sgst_minor")?,
                igst: r.try_get("igst_minor")?,
                total: r.try_get("total_minor")?,
            },
            financial_year: r.try_get("financial_year")?,
            expected_cgst: r.try_get("expected_cgst_minor")?,
            expected_sgst: r.try_get("expected_sgst_minor")?,
            expected_igst: r.try_get("expected_igst_minor")?,
            tax_difference: r.try_get("tax_difference_minor")?,
            gst_problem: r.try_get("gst_problem")?,
            expected_payout: r.try_get("expected_payout_minor")?,
            unpriced_routes: r.try_get("unpriced_routes")?,
            payout_difference: r.try_get("payout_difference_minor")?,
            payout_mismatch: r.try_get("payout_mismatch")?,
            gst_followup: r.try_get("gst_followup")?,
            dispute_followup: r.try_get("dispute_followup")?,
            source: r.try_get("source")?,
            created_by: r.try_get("created_by")?,
            created_at: r.try_get("created_at")?,
        }
    }};
}

macro_rules! dispute_row {
    ($r:expr) => {{
        let r = $r;
        DisputeRow {
            followup_id: r.try_get("followup_id")?,
            invoice_id: r.try_get("invoice_id")?,
            claimed: r.try_get("claimed_minor")?,
            accepted: r.try_get("accepted_minor")?,
            note_kind: r.try_get("note_kind")?,
            note_number: r.try_get("note_number")?,
            note_date: r.try_get("note_date")?,
            note_amount: r.try_get("note_minor")?,
            settled_by: r.try_get("settled_by")?,
            settled_at: r.try_get("settled_at")?,
        }
    }};
}

/// Opens a follow-up the invoice's check made, with its notifications: its id.
macro_rules! open_with {
    ($tx:expr, $opened:expr, $at:expr) => {
        match $opened {
            Some((f, notes)) => {
                let id: i64 = insert_followup!($tx, f);
                crate::followups::insert_notes!($tx, Some(id), $at, notes);
                Some(id)
            }
            None => None,
        }
    };
}

impl Store {
    /// Stores invoices with their follow-ups, all or none. A number the partner used in
    /// the financial year already (stored meanwhile by another hand) refuses the lot:
    /// `Err(NotFound)` naming it, nothing written. Returns the ids, in order.
    pub async fn add_invoices(&self, batch: &[NewInvoice]) -> Result<Vec<i64>> {
        let result = self.add_invoices_once(batch).await;
        match result {
            Err(StoreError::Sql(e))
                if e.as_database_error()
                    .is_some_and(|d| d.is_unique_violation()) =>
            {
                Err(StoreError::NotFound(
                    "an invoice number stored meanwhile for the same partner and year".into(),
                ))
            }
            other => other,
        }
    }

    async fn add_invoices_once(&self, batch: &[NewInvoice]) -> Result<Vec<i64>> {
        let ids = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let mut ids = Vec::with_capacity(batch.len());
            for n in batch {
                let gst = open_with!(&mut *tx, &n.gst_case, n.created_at);
                let dispute = open_with!(&mut *tx, &n.dispute, n.created_at);
                let i = &n.invoice;
                let id: i64 = sqlx::query("INSERT INTO invoices (partner, number, financial_year, invoice_date, period_from, period_to, stations, supplier_gstin, recipient_gstin, place_of_supply, taxable_minor, cgst_minor, sgst_minor, igst_minor, total_minor, expected_cgst_minor, expected_sgst_minor, expected_igst_minor, tax_difference_minor, gst_problem, expected_payout_minor, unpriced_routes, payout_difference_minor, payout_mismatch, gst_followup, dispute_followup, source, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29) RETURNING id")
                    .bind(&i.partner)
                    .bind(i.number.trim())
                    .bind(&n.financial_year)
                    .bind(i.invoice_date)
                    .bind(i.period_from)
                    .bind(i.period_to)
                    .bind(i.stations.join(";"))
                    .bind(&i.supplier_gstin)
                    .bind(&i.recipient_gstin)
                    .bind(&i.place_of_supply)
                    .bind(i.taxable)
                    .bind(i.cgst)
                    .bind(i.sgst)
                    .bind(i.igst)
                    .bind(i.total)
                    .bind(n.tax.expected_cgst)
                    .bind(n.tax.expected_sgst)
                    .bind(n.tax.expected_igst)
                    .bind(n.tax.difference)
                    .bind(&n.gst_problem)
                    .bind(n.expected_payout)
                    .bind(n.unpriced_routes)
                    .bind(n.payout_difference)
                    .bind(n.payout_mismatch)
                    .bind(gst)
                    .bind(dispute)
                    .bind(n.source)
                    .bind(&n.created_by)
                    .bind(n.created_at)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("id")?;
                if let Some(f) = dispute {
                    sqlx::query("INSERT INTO disputes (followup_id, invoice_id, claimed_minor) VALUES ($1, $2, $3)")
                        .bind(f)
                        .bind(id)
                        .bind(n.payout_difference)
                        .execute(&mut *tx)
                        .await?;
                }
                write_audit!(
                    &mut *tx,
                    n.created_at,
                    &n.created_by,
                    "create",
                    "invoice",
                    id.to_string(),
                    format!(
                        "{} {} ({}){}{}",
                        i.partner,
                        i.number.trim(),
                        n.source,
                        if gst.is_some() {
                            ", GST check failed"
                        } else {
                            ""
                        },
                        if dispute.is_some() {
                            ", payout mismatch"
                        } else {
                            ""
                        }
                    )
                );
                ids.push(id);
            }
            tx.commit().await?;
            ids
        });
        Ok(ids)
    }

    /// Every invoice, newest first (the app layer keeps what the caller may see):
    /// kept per invoices version (bumped by trigger on every write, in any process)
    /// and read again only when it changed.
    pub async fn invoices(&self) -> Result<Arc<Vec<InvoiceRow>>> {
        let version = self.counter("invoices_version").await?;
        self.cached_at(version, self.load_invoices()).await
    }

    async fn load_invoices(&self) -> Result<Vec<InvoiceRow>> {
        let sql = format!("SELECT {COLUMNS} FROM invoices ORDER BY invoice_date DESC, id DESC");
        let rows = on_pool!(self, |pool| {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(pool)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                out.push(invoice_row!(r));
            }
            out
        });
        Ok(rows)
    }

    /// The numbers a partner used in a financial year.
    pub async fn invoice_numbers(&self, partner: &str, year: &str) -> Result<Vec<String>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query("SELECT number FROM invoices WHERE partner = $1 AND financial_year = $2")
                .bind(partner)
                .bind(year)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| r.try_get::<String, _>("number"))
                .collect::<std::result::Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    /// Every dispute's own fields.
    pub async fn disputes(&self) -> Result<Vec<DisputeRow>> {
        let rows = on_pool!(self, |pool| {
            let rows = sqlx::query("SELECT followup_id, invoice_id, claimed_minor, accepted_minor, note_kind, note_number, note_date, note_minor, settled_by, settled_at FROM disputes ORDER BY followup_id")
                .fetch_all(pool)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                out.push(dispute_row!(r));
            }
            out
        });
        Ok(rows)
    }

    /// Settles a dispute and applies `resolve` (the kernel's change that resolves its
    /// follow-up) in one transaction; `Err(NotFound)` when it was settled meanwhile or
    /// the follow-up changed.
    pub async fn settle_dispute(
        &self,
        followup: i64,
        s: &Settlement,
        resolve: &Edit,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let n = sqlx::query("UPDATE disputes SET accepted_minor = $1, note_kind = $2, note_number = $3, note_date = $4, note_minor = $5, settled_by = $6, settled_at = $7 WHERE followup_id = $8 AND settled_at IS NULL")
                .bind(s.accepted)
                .bind(s.note.map_or("", |n| n.0.as_str()))
                .bind(s.note_number.trim())
                .bind(s.note_date)
                .bind(s.note.map(|n| n.1))
                .bind(&s.by)
                .bind(s.at)
                .bind(followup)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound(format!(
                    "dispute {followup} unsettled"
                )));
            }
            apply_edit!(&mut *tx, followup, resolve);
            tx.commit().await?;
        });
        Ok(())
    }
}
