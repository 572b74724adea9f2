//! Compliance documents and bank guarantees: the types the admin configures, each
//! partner's documents with their state, its guarantees; every change with its audit
//! row and a data-version bump (they move the health score) in the same transaction.

use crate::db::{BUMP_VERSION, Result, Store, StoreError, on_pool, vocabulary, write_audit};
use chrono::{DateTime, NaiveDate, Utc};
use dspdesk_core::compliance::{DocState, DocType};
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct NewDocument {
    pub partner: String,
    pub doc_type: String,
    pub number: String,
    pub issued_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub sha256: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    /// `uploaded`, or `verified` when the program team records it itself.
    pub state: DocState,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DocumentRow {
    pub id: i64,
    pub partner: String,
    pub doc_type: String,
    pub number: String,
    pub issued_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub sha256: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub state: DocState,
    pub reason: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
    pub checked_by: String,
    pub checked_at: Option<DateTime<Utc>>,
    /// The renewal reminders sent, in days before the expiry.
    pub reminded: Vec<i64>,
}

#[derive(Debug, Clone)]
pub struct NewGuarantee {
    pub partner: String,
    pub bank: String,
    pub number: String,
    pub amount_minor: i64,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub claim_until: NaiveDate,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GuaranteeRow {
    pub id: i64,
    pub partner: String,
    pub bank: String,
    pub number: String,
    pub amount_minor: i64,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub claim_until: NaiveDate,
    pub verified: bool,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub reminded: Vec<i64>,
}

const DOC_COLUMNS: &str = "id, partner, doc_type, number, issued_on, expires_on, sha256, filename, content_type, size, state, reason, uploaded_by, uploaded_at, checked_by, checked_at, reminded";
const BG_COLUMNS: &str = "id, partner, bank, number, amount_minor, valid_from, valid_to, claim_until, verified, created_by, created_at, reminded";

fn days(raw: &str) -> Vec<i64> {
    raw.split(',')
        .filter_map(|d| d.trim().parse().ok())
        .collect()
}

fn doc_row(r: &impl RowLike) -> std::result::Result<DocumentRow, sqlx::Error> {
    r.doc()
}

/// Decoding shared by both backends' rows.
trait RowLike {
    fn doc(&self) -> std::result::Result<DocumentRow, sqlx::Error>;
    fn guarantee(&self) -> std::result::Result<GuaranteeRow, sqlx::Error>;
}

macro_rules! row_like {
    ($row:ty) => {
        impl RowLike for $row {
            fn doc(&self) -> std::result::Result<DocumentRow, sqlx::Error> {
                let r = self;
                Ok(DocumentRow {
                    id: r.try_get("id")?,
                    partner: r.try_get("partner")?,
                    doc_type: r.try_get("doc_type")?,
                    number: r.try_get("number")?,
                    issued_on: r.try_get("issued_on")?,
                    expires_on: r.try_get("expires_on")?,
                    sha256: r.try_get("sha256")?,
                    filename: r.try_get("filename")?,
                    content_type: r.try_get("content_type")?,
                    size: r.try_get("size")?,
                    state: vocabulary(r.try_get("state")?, "state", DocState::parse)?,
                    reason: r.try_get("reason")?,
                    uploaded_by: r.try_get("uploaded_by")?,
                    uploaded_at: r.try_get("uploaded_at")?,
                    checked_by: r.try_get("checked_by")?,
                    checked_at: r.try_get("checked_at")?,
                    reminded: days(&r.try_get::<String, _>("reminded")?),
                })
            }
            fn guarantee(&self) -> std::result::Result<GuaranteeRow, sqlx::Error> {
                let r = self;
                Ok(GuaranteeRow {
                    id: r.try_get("id")?,
                    partner: r.try_get("partner")?,
                    bank: r.try_get("bank")?,
                    number: r.try_get("number")?,
                    amount_minor: r.try_get("amount_minor")?,
                    valid_from: r.try_get("valid_from")?,
                    valid_to: r.try_get("valid_to")?,
                    claim_until: r.try_get("claim_until")?,
                    verified: r.try_get("verified")?,
                    created_by: r.try_get("created_by")?,
                    created_at: r.try_get("created_at")?,
                    reminded: days(&r.try_get::<String, _>("reminded")?),
                })
            }
        }
    };
}
row_like!(sqlx::sqlite::SqliteRow);
row_like!(sqlx::postgres::PgRow);

impl Store {
    /// The document types, in their order.
    pub async fn document_types(&self) -> Result<Vec<DocType>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query("SELECT code, label, mandatory FROM document_types ORDER BY position, code")
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(DocType {
                        code: r.try_get("code")?,
                        label: r.try_get("label")?,
                        mandatory: r.try_get("mandatory")?,
                    })
                })
                .collect::<std::result::Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    /// Adds a document type or changes its label and whether it is mandatory, audited.
    pub async fn set_document_type(&self, t: &DocType, by: &str, at: DateTime<Utc>) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO document_types (code, label, mandatory, position) VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), 0) + 1 FROM document_types)) ON CONFLICT (code) DO UPDATE SET label = excluded.label, mandatory = excluded.mandatory")
                .bind(&t.code)
                .bind(&t.label)
                .bind(t.mandatory)
                .execute(&mut *tx)
                .await?;
            sqlx::query(BUMP_VERSION).execute(&mut *tx).await?;
            write_audit!(
                &mut *tx,
                at,
                by,
                "set",
                "document_type",
                t.code.clone(),
                format!("{} mandatory={}", t.label, t.mandatory)
            );
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn add_document(&self, d: &NewDocument) -> Result<i64> {
        let id = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query("INSERT INTO documents (partner, doc_type, number, issued_on, expires_on, sha256, filename, content_type, size, state, uploaded_by, uploaded_at, checked_by, checked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id")
                .bind(&d.partner)
                .bind(&d.doc_type)
                .bind(&d.number)
                .bind(d.issued_on)
                .bind(d.expires_on)
                .bind(&d.sha256)
                .bind(&d.filename)
                .bind(&d.content_type)
                .bind(d.size)
                .bind(d.state.as_str())
                .bind(&d.by)
                .bind(d.at)
                .bind(if d.state == DocState::Verified { d.by.as_str() } else { "" })
                .bind((d.state == DocState::Verified).then_some(d.at))
                .fetch_one(&mut *tx)
                .await?
                .try_get("id")?;
            sqlx::query(BUMP_VERSION).execute(&mut *tx).await?;
            write_audit!(
                &mut *tx,
                d.at,
                &d.by,
                "add",
                "document",
                id.to_string(),
                format!(
                    "{} {} {} from {} to {} ({})",
                    d.partner,
                    d.doc_type,
                    d.number,
                    d.issued_on,
                    d.expires_on
                        .map(|e| e.to_string())
                        .unwrap_or_else(|| "no expiry".into()),
                    d.state
                )
            );
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Verifies or rejects an uploaded document (only while it is `uploaded`), audited.
    pub async fn check_document(
        &self,
        id: i64,
        to: DocState,
        reason: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let n = sqlx::query("UPDATE documents SET state = $1, reason = $2, checked_by = $3, checked_at = $4 WHERE id = $5 AND state = 'uploaded'")
                .bind(to.as_str())
                .bind(reason)
                .bind(by)
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound(format!(
                    "document {id} waiting to be checked"
                )));
            }
            sqlx::query(BUMP_VERSION).execute(&mut *tx).await?;
            write_audit!(
                &mut *tx,
                at,
                by,
                to.as_str(),
                "document",
                id.to_string(),
                reason.to_owned()
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// Documents, of one partner or all, newest first.
    pub async fn documents(&self, partner: Option<&str>) -> Result<Vec<DocumentRow>> {
        let sql = format!(
            "SELECT {DOC_COLUMNS} FROM documents WHERE ($1 = '' OR partner = $1) ORDER BY issued_on DESC, id DESC"
        );
        let rows = on_pool!(self, |pool| {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(partner.unwrap_or(""))
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(doc_row)
                .collect::<std::result::Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }

    pub async fn document(&self, id: i64) -> Result<Option<DocumentRow>> {
        let sql = format!("SELECT {DOC_COLUMNS} FROM documents WHERE id = $1");
        let row = on_pool!(self, |pool| {
            match sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?
            {
                Some(r) => Some(r.doc()?),
                None => None,
            }
        });
        Ok(row)
    }

    pub async fn add_guarantee(&self, g: &NewGuarantee) -> Result<i64> {
        let id = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query("INSERT INTO bank_guarantees (partner, bank, number, amount_minor, valid_from, valid_to, claim_until, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
                .bind(&g.partner)
                .bind(&g.bank)
                .bind(&g.number)
                .bind(g.amount_minor)
                .bind(g.valid_from)
                .bind(g.valid_to)
                .bind(g.claim_until)
                .bind(&g.by)
                .bind(g.at)
                .fetch_one(&mut *tx)
                .await?
                .try_get("id")?;
            sqlx::query(BUMP_VERSION).execute(&mut *tx).await?;
            write_audit!(
                &mut *tx,
                g.at,
                &g.by,
                "add",
                "bank_guarantee",
                id.to_string(),
                format!(
                    "{} {} {} {} paise {}..{} claims until {}",
                    g.partner,
                    g.bank,
                    g.number,
                    g.amount_minor,
                    g.valid_from,
                    g.valid_to,
                    g.claim_until
                )
            );
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    pub async fn guarantees(&self, partner: Option<&str>) -> Result<Vec<GuaranteeRow>> {
        let sql = format!(
            "SELECT {BG_COLUMNS} FROM bank_guarantees WHERE ($1 = '' OR partner = $1) ORDER BY valid_to DESC, id DESC"
        );
        let rows = on_pool!(self, |pool| {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(partner.unwrap_or(""))
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|r| r.guarantee())
                .collect::<std::result::Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }

    /// Records a renewal reminder as sent and writes its notifications, in one
    /// transaction: only while the reminders sent are still `before` (as the caller read
    /// them), so `true` only for the one caller that records it first.
    pub async fn mark_reminded(
        &self,
        guarantee: bool,
        id: i64,
        before: &str,
        day: i64,
        notes: &[crate::NewNotification],
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let table = if guarantee {
            "bank_guarantees"
        } else {
            "documents"
        };
        let update = format!("UPDATE {table} SET reminded = $1 WHERE id = $2 AND reminded = $3");
        let after = if before.is_empty() {
            day.to_string()
        } else {
            format!("{before},{day}")
        };
        let done = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let n = sqlx::query(sqlx::AssertSqlSafe(update))
                .bind(&after)
                .bind(id)
                .bind(before)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 1 {
                crate::followups::insert_notes!(&mut *tx, None::<i64>, at, notes);
                tx.commit().await?;
            }
            n == 1
        });
        Ok(done)
    }
}
