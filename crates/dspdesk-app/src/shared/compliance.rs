//! Every partner's documents and guarantees as the health score reads them (the
//! compliance component and the lapsed cap), loaded with the scorecard's model.

use crate::shared::error::AppError;
use crate::shared::workspace::Workspace;
use chrono::NaiveDate;
use dspdesk_core::compliance::{DocDates, DocType, GuaranteeDates, Standing, standing};
use dspdesk_store::{DocumentRow, GuaranteeRow};
use std::collections::HashMap;

/// Every partner's documents and guarantees, as the score reads them.
#[derive(Debug, Clone, Default)]
pub struct Compliance {
    types: Vec<DocType>,
    docs: HashMap<String, Vec<DocumentRow>>,
    bgs: HashMap<String, Vec<GuaranteeRow>>,
}

impl Compliance {
    pub async fn load(ws: &Workspace) -> Result<Compliance, AppError> {
        let mut c = Compliance {
            types: ws.store.document_types().await?,
            ..Compliance::default()
        };
        for d in ws.store.documents(None).await? {
            c.docs.entry(d.partner.clone()).or_default().push(d);
        }
        for g in ws.store.guarantees(None).await? {
            c.bgs.entry(g.partner.clone()).or_default().push(g);
        }
        Ok(c)
    }

    /// A partner's compliance on `day`.
    pub fn on(&self, partner: &str, day: NaiveDate) -> Standing {
        let docs: Vec<DocDates<'_>> = self
            .docs
            .get(partner)
            .into_iter()
            .flatten()
            .map(|d| DocDates {
                doc_type: &d.doc_type,
                state: d.state,
                issued_on: d.issued_on,
                expires_on: d.expires_on,
            })
            .collect();
        let bgs: Vec<GuaranteeDates> = self
            .bgs
            .get(partner)
            .into_iter()
            .flatten()
            .map(|g| GuaranteeDates {
                verified: g.verified,
                valid_from: g.valid_from,
                valid_to: g.valid_to,
            })
            .collect();
        standing(&self.types, &docs, &bgs, day)
    }
}
