//! Partners' files and the changes partners propose; every change audited in its
//! transaction (the audit names the fields changed, never the bank account).

use crate::db::{Result, Store, StoreError, map_rows, on_pool, write_audit};
use chrono::{DateTime, Utc};
use dspdesk_core::partners::PartnerFile;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FileRequest {
    pub id: i64,
    pub partner: String,
    pub proposed: PartnerFile,
    /// The fields the partner changed: only these are applied on accept.
    pub fields: Vec<String>,
    pub state: String,
    pub reason: String,
    pub by_actor: String,
    pub at: DateTime<Utc>,
}

const FILE_COLUMNS: &str = "partner, legal_name, gstin, pan, contact_name, contact_phone, contact_email, bank_account, bank_ifsc, fleet_2w, fleet_3w, fleet_4w, fleet_ev";

macro_rules! upsert_file {
    ($exec:expr, $f:expr, $by:expr, $at:expr) => {{
        let f: &PartnerFile = $f;
        sqlx::query("INSERT INTO partner_files (partner, legal_name, gstin, pan, contact_name, contact_phone, contact_email, bank_account, bank_ifsc, fleet_2w, fleet_3w, fleet_4w, fleet_ev, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (partner) DO UPDATE SET legal_name = excluded.legal_name, gstin = excluded.gstin, pan = excluded.pan, contact_name = excluded.contact_name, contact_phone = excluded.contact_phone, contact_email = excluded.contact_email, bank_account = excluded.bank_account, bank_ifsc = excluded.bank_ifsc, fleet_2w = excluded.fleet_2w, fleet_3w = excluded.fleet_3w, fleet_4w = excluded.fleet_4w, fleet_ev = excluded.fleet_ev, updated_by = excluded.updated_by, updated_at = excluded.updated_at")
            .bind(&f.partner)
            .bind(&f.legal_name)
            .bind(&f.gstin)
            .bind(&f.pan)
            .bind(&f.contact_name)
            .bind(&f.contact_phone)
            .bind(&f.contact_email)
            .bind(&f.bank_account)
            .bind(&f.bank_ifsc)
            .bind(f.fleet_2w)
            .bind(f.fleet_3w)
            .bind(f.fleet_4w)
            .bind(f.fleet_ev)
            .bind($by)
            .bind($at)
            .execute($exec)
            .await?;
    }};
}

/// A partner's file from a row of `FILE_COLUMNS` (either backend's row).
macro_rules! file_of {
    ($r:expr) => {{
        let r = $r;
        PartnerFile {
            partner: r.try_get("partner")?,
            legal_name: r.try_get("legal_name")?,
            gstin: r.try_get("gstin")?,
            pan: r.try_get("pan")?,
            contact_name: r.try_get("contact_name")?,
            contact_phone: r.try_get("contact_phone")?,
            contact_email: r.try_get("contact_email")?,
            bank_account: r.try_get("bank_account")?,
            bank_ifsc: r.try_get("bank_ifsc")?,
            fleet_2w: r.try_get("fleet_2w")?,
            fleet_3w: r.try_get("fleet_3w")?,
            fleet_4w: r.try_get("fleet_4w")?,
            fleet_ev: r.try_get("fleet_ev")?,
        }
    }};
}

impl Store {
    /// Every partner's legal name from its file, where one is written.
    pub async fn partner_names(&self) -> Result<std::collections::HashMap<String, String>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query("SELECT partner, legal_name FROM partner_files WHERE legal_name <> ''")
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| Ok((r.try_get("partner")?, r.try_get("legal_name")?)))
                .collect::<std::result::Result<std::collections::HashMap<String, String>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    pub async fn partner_file(&self, partner: &str) -> Result<Option<PartnerFile>> {
        let sql = format!("SELECT {FILE_COLUMNS} FROM partner_files WHERE partner = $1");
        let row = on_pool!(self, |pool| {
            match sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(partner)
                .fetch_optional(pool)
                .await?
            {
                Some(r) => Some(file_of!(&r)),
                None => None,
            }
        });
        Ok(row)
    }

    /// Every partner's file, by partner: one read for a page that lists many.
    pub async fn partner_files(&self) -> Result<std::collections::HashMap<String, PartnerFile>> {
        let sql = format!("SELECT {FILE_COLUMNS} FROM partner_files");
        let rows = on_pool!(self, |pool| {
            let q = sqlx::query(sqlx::AssertSqlSafe(sql));
            map_rows!(q, pool, |r| file_of!(r))
        });
        Ok(rows.into_iter().map(|f| (f.partner.clone(), f)).collect())
    }

    /// Saves a file (the program team), audited with the fields changed.
    pub async fn save_partner_file(
        &self,
        f: &PartnerFile,
        changed: &[&str],
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            upsert_file!(&mut *tx, f, by, at);
            write_audit!(
                &mut *tx,
                at,
                by,
                "edit",
                "partner_file",
                f.partner.clone(),
                changed.join(", ")
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// A partner proposes a file; the program team decides.
    pub async fn propose_partner_file(
        &self,
        f: &PartnerFile,
        changed: &[&str],
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<i64> {
        let json = serde_json::to_string(f).map_err(|e| StoreError::NotFound(e.to_string()))?;
        let id = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query("INSERT INTO partner_file_requests (partner, proposed, fields, state, by_actor, at) VALUES ($1, $2, $5, 'proposed', $3, $4) RETURNING id")
                .bind(&f.partner)
                .bind(&json)
                .bind(by)
                .bind(at)
                .bind(changed.join(","))
                .fetch_one(&mut *tx)
                .await?
                .try_get("id")?;
            write_audit!(
                &mut *tx,
                at,
                by,
                "propose",
                "partner_file",
                f.partner.clone(),
                format!("request {id}: {}", changed.join(", "))
            );
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Accepts (`merged`, the file to save, in the same transaction) or rejects a
    /// request, only while it is proposed.
    pub async fn decide_partner_file(
        &self,
        id: i64,
        merged: Option<&PartnerFile>,
        reason: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let accept = merged.is_some();
        let partner = merged.map(|f| f.partner.clone()).unwrap_or_default();
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let n = sqlx::query("UPDATE partner_file_requests SET state = $1, reason = $2, checked_by = $3, checked_at = $4 WHERE id = $5 AND state = 'proposed'")
                .bind(if accept { "accepted" } else { "rejected" })
                .bind(reason)
                .bind(by)
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound(format!(
                    "request {id} waiting for a decision"
                )));
            }
            if let Some(f) = merged {
                upsert_file!(&mut *tx, f, by, at);
            }
            write_audit!(
                &mut *tx,
                at,
                by,
                if accept { "accept" } else { "reject" },
                "partner_file",
                partner.clone(),
                format!("request {id} {reason}")
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// Requests, of one partner or all, newest first.
    pub async fn partner_file_requests(&self, partner: Option<&str>) -> Result<Vec<FileRequest>> {
        let rows = on_pool!(self, |pool| {
            let rows = sqlx::query("SELECT id, partner, proposed, fields, state, reason, by_actor, at FROM partner_file_requests WHERE ($1 = '' OR partner = $1) ORDER BY id DESC")
                .bind(partner.unwrap_or(""))
                .fetch_all(pool)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                let raw: String = r.try_get("proposed")?;
                out.push(FileRequest {
                    id: r.try_get("id")?,
                    partner: r.try_get("partner")?,
                    proposed: serde_json::from_str(&raw).map_err(|e| {
                        sqlx::Error::ColumnDecode {
                            index: "proposed".into(),
                            source: e.into(),
                        }
                    })?,
                    fields: r
                        .try_get::<String, _>("fields")?
                        .split(',')
                        .filter(|f| !f.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    state: r.try_get("state")?,
                    reason: r.try_get("reason")?,
                    by_actor: r.try_get("by_actor")?,
                    at: r.try_get("at")?,
                });
            }
            out
        });
        Ok(rows)
    }
}
