//! The upload page: a file, what it holds, and the outcome or every error.

use crate::AppState;
use crate::shared::auth::User;
use crate::shared::error::PageError;
use crate::shared::error::PageResult;
use crate::shared::extract::{Can, CsrfUpload, may};
use crate::shared::render::{Chrome, chrome, int, render};
use askama::Template;
use axum::extract::{Multipart, State};
use dspdesk_app::ingest::Upload;
use dspdesk_app::{AppError, Kind, Outcome};
use std::path::{Path, PathBuf};

#[derive(Template)]
#[template(path = "ingest/upload.html")]
struct UploadPage {
    c: Chrome,
    /// What happened to the last upload: (ok, text), in plain words.
    result: Option<(bool, String)>,
    /// The precise error with how an import profile would map the file, when the plain
    /// words left that out (shown behind "how to load a file written another way").
    precise: String,
}

fn page(u: &User, result: Option<(bool, String)>) -> PageResult {
    let (result, precise) = match result {
        Some((false, text)) => {
            let plain = plain_words(&text);
            let precise = if plain == text { String::new() } else { text };
            (Some((false, plain)), precise)
        }
        other => (other, String::new()),
    };
    Ok(render(UploadPage {
        c: chrome(u, "upload"),
        result,
        precise,
    }))
}

/// What an error says without the syntax of import profiles (a person loading a file
/// fixes the file; the program team writes profiles): each hint that names a profile's
/// setting is cut or said in words.
pub fn plain_words(text: &str) -> String {
    // (where a hint starts, what it ends with, what it becomes)
    const HINTS: [(&str, &str, &str); 6] = [
        (", or map it in the profile's [values.", "]", ""),
        (
            "; if the file writes dates another way, give it in the import profile's [formats]",
            "\"",
            "",
        ),
        (
            ", or, if the date means \"by the end of that day\"",
            "end_of_day",
            "",
        ),
        (
            " Rename the column, or map it in an import profile ([columns]",
            "([constants])",
            " Rename the column in the file to that name.",
        ),
        (
            ": set delimiter = ",
            "(--profile)",
            ": save it as CSV separated by commas.",
        ),
        (" nor ", "(the profile's [formats] date)", ""),
    ];
    text.lines()
        .map(|line| {
            let mut line = line.to_owned();
            for (start, end, instead) in HINTS {
                if let Some(i) = line.find(start)
                    && let Some(j) = line[i + start.len()..].find(end)
                {
                    let stop = i + start.len() + j + end.len();
                    // An example value after the last quote (e.g. = "%d/%m/%Y") goes too.
                    let rest = &line[stop..];
                    let rest = match (end, rest.find('"')) {
                        ("\"", Some(k)) => &rest[k + 1..],
                        _ => rest,
                    };
                    line = format!("{}{instead}{rest}", &line[..i]);
                }
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub async fn upload_form(Can(u, _): Can<may::LoadFiles>) -> PageResult {
    page(&u, None)
}

/// The form's fields; the file is saved under `uploads/incoming` as it arrives.
struct Sent {
    kind: Option<Kind>,
    skip: bool,
    /// Where it was saved, and the name the person gave it.
    file: Option<(Incoming, String)>,
}

/// An uploaded file while it is being received and loaded. Dropping it (a refused
/// file, an error, a request cut short or timed out) removes it and its rejects file;
/// `keep` moves both to `uploads/`. What a killed server left in `uploads/incoming` is
/// removed at start ([`sweep`]).
struct Incoming {
    path: PathBuf,
}

impl Incoming {
    fn keep(self) -> std::io::Result<()> {
        let kept = self.path.parent().and_then(Path::parent);
        if let (Some(dir), Some(name)) = (kept, self.path.file_name()) {
            let rejects = dspdesk_app::ingest::rejects_path(&self.path);
            if rejects.exists()
                && let Some(r) = rejects.file_name()
            {
                std::fs::rename(&rejects, dir.join(r))?;
            }
            std::fs::rename(&self.path, dir.join(name))?;
        }
        Ok(())
    }
}

impl Drop for Incoming {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        let _ = std::fs::remove_file(dspdesk_app::ingest::rejects_path(&self.path));
    }
}

/// Removes what uploads cut short by a kill left behind; run when the server starts.
pub fn sweep(data_dir: &Path) {
    let incoming = data_dir.join("uploads").join("incoming");
    if let Ok(entries) = std::fs::read_dir(&incoming) {
        for e in entries.flatten() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Writes a file field to disk a chunk at a time (no upload is held in memory).
async fn save(
    field: &mut axum::extract::multipart::Field<'_>,
    path: &Path,
) -> Result<(), PageError> {
    use tokio::io::AsyncWriteExt;
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(PageError::internal)?;
    while let Some(chunk) = field.chunk().await.map_err(cut_short)? {
        file.write_all(&chunk).await.map_err(PageError::internal)?;
    }
    file.flush().await.map_err(PageError::internal)
}

fn cut_short(e: impl std::fmt::Display) -> PageError {
    PageError::bad_request(format!("The upload was cut short: {e}"))
}

async fn receive(form: &mut Multipart, dir: &Path) -> Result<Sent, PageError> {
    let mut sent = Sent {
        kind: None,
        skip: false,
        file: None,
    };
    while let Some(field) = form.next_field().await.map_err(cut_short)? {
        match field.name().unwrap_or("") {
            "kind" => sent.kind = field.text().await.ok().and_then(|k| Kind::parse(&k)),
            "skip_bad_rows" => sent.skip = true,
            "file" => {
                // Keep the extension (it names the format) and nothing else of the name.
                let name = field.file_name().unwrap_or("upload.csv").to_string();
                let ext = Path::new(&name)
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or("csv")
                    .to_ascii_lowercase();
                let token = dspdesk_app::people::random_token()?;
                let file = Incoming {
                    path: dir.join(format!("{}.{ext}", &token[..16])),
                };
                let mut field = field;
                save(&mut field, &file.path).await?;
                sent.file = Some((file, name));
            }
            _ => {}
        }
    }
    Ok(sent)
}

/// The outcome in words, naming the file as the person chose it.
fn message(
    outcome: Result<Upload, AppError>,
    path: &Path,
    name: &str,
) -> Result<(bool, String), PageError> {
    let up = match outcome {
        Ok(up) => up,
        Err(e @ (AppError::Forbidden(_) | AppError::Store(_) | AppError::Internal(_))) => {
            return Err(e.into());
        }
        // The error names the stored file: show the person's name for it, and the
        // CLI's advice in the page's words.
        Err(e) => {
            let text = e.to_string().replace(&path.display().to_string(), name);
            let text = match text.split_once("Correct the file, or run again with --skip-bad-rows")
            {
                Some((head, _)) => format!(
                    "{head}Correct the file, or tick “Load the good rows” and load it again."
                ),
                None => text,
            };
            return Ok((false, text));
        }
    };
    let r = &up.report;
    if r.outcome == Outcome::Unchanged {
        return Ok((
            true,
            format!("{name}: unchanged: the same content is already loaded and current."),
        ));
    }
    let flags = match &up.refreshed {
        Some(f) => format!(
            " Flags: {} opened, {} cleared. Cases: {} opened, {} updated, {} resolved, {} withdrawn.",
            f.flags.opened,
            f.flags.cleared,
            f.cases.opened,
            f.cases.updated,
            f.cases.resolved,
            f.cases.withdrawn
        ),
        None => " The flags and cases could not be refreshed; it has been logged.".into(),
    };
    let rejected = if r.rows_rejected > 0 {
        format!(", {} rejected", int(r.rows_rejected as i64))
    } else {
        String::new()
    };
    Ok((
        true,
        format!(
            "{name}: loaded {} {} rows{rejected}; {} station-days replaced; {} daily facts.{flags}",
            int(r.rows_loaded as i64),
            r.kind,
            int(r.station_days as i64),
            int(r.facts as i64)
        ),
    ))
}

/// Receives a file, loads it like `dspdesk ingest`, and shows the outcome or every
/// error. The CSRF token and the role were checked before the body was read.
pub async fn upload(
    State(s): State<AppState>,
    CsrfUpload(u, _): CsrfUpload<may::LoadFiles>,
    mut form: Multipart,
) -> PageResult {
    let dir = s.ws.data_dir.join("uploads").join("incoming");
    std::fs::create_dir_all(&dir).map_err(PageError::internal)?;
    let sent = receive(&mut form, &dir).await?;
    let (Some(kind), Some((file, name))) = (sent.kind, sent.file) else {
        return page(
            &u,
            Some((
                false,
                "Choose what the file holds and the file itself.".into(),
            )),
        );
    };
    let outcome = dspdesk_app::ingest::upload(
        &s.ws,
        &u.actor,
        kind,
        &file.path,
        sent.skip,
        chrono::Utc::now(),
    )
    .await;
    let result = message(outcome, &file.path, &name);
    // A file loaded with its bad rows skipped is kept beside its rejects file.
    if sent.skip && matches!(result, Ok((true, _))) {
        file.keep().map_err(PageError::internal)?;
    }
    page(&u, Some(result?))
}

#[cfg(test)]
mod tests {
    use super::plain_words;

    #[test]
    fn upload_errors_speak_of_the_file_not_of_profiles() {
        let status = "row 2, column status: \"done\" is not a status; use one of delivered, attempted, rejected, rts, lost, damaged, or map it in the profile's [values.status]";
        assert_eq!(
            plain_words(status),
            "row 2, column status: \"done\" is not a status; use one of delivered, attempted, rejected, rts, lost, damaged"
        );
        let date = "row 3, column date: \"03/11/2026\" is not a date in the form YYYY-MM-DD; if the file writes dates another way, give it in the import profile's [formats], e.g. date = \"%d/%m/%Y\"";
        assert_eq!(
            plain_words(date),
            "row 3, column date: \"03/11/2026\" is not a date in the form YYYY-MM-DD"
        );
        let missing = "d.csv: missing required column promised_by; the file has a, b. Rename the column, or map it in an import profile ([columns] promised_by = \"<column in your file>\") or give it a value ([constants])";
        assert_eq!(
            plain_words(missing),
            "d.csv: missing required column promised_by; the file has a, b. Rename the column in the file to that name."
        );
        let day = "row 4, column promised_by: is a date without a time; give the time, or, if the date means \"by the end of that day\", list the column in the profile's end_of_day";
        assert_eq!(
            plain_words(day),
            "row 4, column promised_by: is a date without a time; give the time"
        );
        for t in [status, date, missing, day] {
            let p = plain_words(t);
            assert!(!p.contains('[') && !p.contains("profile"), "{p}");
        }
        let other = "d.csv: the file is empty";
        assert_eq!(plain_words(other), other, "other errors are kept whole");
    }
}
