//! What a file would become, before any load: how each canonical column is filled and
//! what the first rows read as. The first thing a new network's analyst runs
//! (`dspdesk profile check`, `dspdesk profile suggest`).

use crate::convert::Mapping;
use crate::error::IngestError;
use crate::profile::ImportProfile;
use crate::schema::Kind;
use crate::source::{self, Progress};
use crate::stage::Zones;
use csv::ByteRecord;
use std::path::Path;
use std::sync::Arc;

/// One canonical column of a file read with a profile.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ColumnCheck {
    pub column: &'static str,
    pub required: bool,
    /// `column "AWB"`, `constant "0"` or `absent (empty)`.
    pub from: String,
    /// Per sampled row: the raw text, and what it reads as or why it cannot.
    pub samples: Vec<(String, Result<String, String>)>,
}

/// The header and how the first `sample` rows read.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Inspection {
    pub headers: Vec<String>,
    pub columns: Vec<ColumnCheck>,
    /// Row numbers of the sampled rows, and whether a skip rule drops each.
    pub rows: Vec<(u64, bool)>,
}

/// Reads the header and the first `sample` rows of `path` as `kind` with `profile`.
pub fn inspect(
    path: &Path,
    kind: Kind,
    profile: &ImportProfile,
    zones: &Zones,
    sample: usize,
) -> Result<Inspection, IngestError> {
    profile.validate(kind, "the import profile")?;
    let mut src = source::open(path, profile, Arc::new(Progress::default()))?;
    let headers = src.headers().to_vec();
    let mut mapping = Mapping::new(kind, &headers, profile, path)?;
    if src.typed_numbers() {
        mapping.numbers_are_typed();
    }
    let from = mapping.describe_origins(&headers);
    let mut columns: Vec<ColumnCheck> = kind
        .columns()
        .iter()
        .zip(from)
        .map(|(c, from)| ColumnCheck {
            column: c.name,
            required: c.required,
            from,
            samples: Vec::new(),
        })
        .collect();
    let mut rows = Vec::new();
    let mut rec = ByteRecord::new();
    while rows.len() < sample {
        let Some(row) = src.next_record(&mut rec)? else {
            break;
        };
        let mut values = Vec::new();
        let mut errors = Vec::new();
        let mut zone = |s: &str| zones.by_station.get(s).copied().unwrap_or(zones.default);
        mapping.convert(&rec, row, &mut zone, &mut values, &mut errors);
        rows.push((row, mapping.skips(&rec)));
        for (i, c) in columns.iter_mut().enumerate() {
            let error = errors
                .iter()
                .find(|e| e.column == c.column || e.column == "(row)");
            let read = match (error, values.get(i)) {
                (Some(e), _) => Err(e.message.clone()),
                (None, Some(v)) => Ok(v.to_string()),
                (None, None) => Err("not read".into()),
            };
            c.samples.push((mapping.raw_text(&rec, i), read));
        }
    }
    Ok(Inspection {
        headers,
        columns,
        rows,
    })
}

/// A starting profile for a file: each canonical column matched to the header it
/// most likely is (the same name but for case and punctuation, a common synonym, or
/// the fewest edits), as TOML with a comment for every column left to decide.
pub fn suggest(path: &Path, kind: Kind) -> Result<String, IngestError> {
    let mut profile = ImportProfile::default();
    let src = source::open(path, &profile, Arc::new(Progress::default()))?;
    let mut headers = src.headers().to_vec();
    let mut out = format!("kind = \"{kind}\"\n");
    // A header that did not split: guess the delimiter first.
    if let [only] = headers.as_slice()
        && let Some(d) = [';', '\t', '|'].into_iter().find(|d| only.contains(*d))
    {
        let shown = if d == '\t' {
            "\\t".to_owned()
        } else {
            d.to_string()
        };
        out.push_str(&format!("delimiter = \"{shown}\"\n"));
        profile.delimiter = Some(d.to_string());
        headers = source::open(path, &profile, Arc::new(Progress::default()))?
            .headers()
            .to_vec();
    }
    let mut columns = String::new();
    let mut open_questions = String::new();
    for c in kind.columns() {
        match crate::convert::likely_header(&headers, c.name) {
            Some(h) if h == c.name => {}
            Some(h) => columns.push_str(&format!("{} = {h:?}\n", c.name)),
            None if c.required => open_questions.push_str(&format!(
                "# {} = \"?\"   (required: no column looks like it; map one, or give a [constants] value)\n",
                c.name
            )),
            None => open_questions.push_str(&format!("# {} = \"?\"   (optional)\n", c.name)),
        }
    }
    out.push_str("\n[columns]\n");
    out.push_str(&columns);
    out.push_str(&open_questions);
    out.push_str(&format!(
        "\n# The file's columns: {}\n# Then: dspdesk profile check FILE --kind {kind} --profile THIS.toml\n",
        headers.join(", ")
    ));
    Ok(out)
}
