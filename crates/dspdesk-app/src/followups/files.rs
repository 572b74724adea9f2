//! Files attached to follow-ups: stored once under the data folder by their SHA-256,
//! checked for size and type at upload (the type read from the bytes, which must agree
//! with the name), and given back only to those who may see the follow-up.

use super::{Notify, audience, save, visible};
use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, Utc};
use dspdesk_core::Action;
use dspdesk_core::followups::State;
use dspdesk_store::{AttachmentRow, Edit};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::PathBuf;

/// The largest file a follow-up takes.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// What a file is, from its first bytes and its name: `None` when the two disagree or
/// the type is not one a follow-up takes.
fn file_type(name: &str, bytes: &[u8]) -> Option<&'static str> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let zip = bytes.starts_with(b"PK\x03\x04");
    let text = !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok();
    match ext.as_str() {
        "pdf" if bytes.starts_with(b"%PDF-") => Some("application/pdf"),
        "png" if bytes.starts_with(b"\x89PNG\r\n\x1a\n") => Some("image/png"),
        "jpg" | "jpeg" if bytes.starts_with(b"\xFF\xD8\xFF") => Some("image/jpeg"),
        "xlsx" if zip => Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "docx" if zip => {
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        }
        "csv" if text => Some("text/csv"),
        "txt" if text => Some("text/plain"),
        _ => None,
    }
}

/// The name kept: the last path part, without control characters, at most 200 chars.
fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let s: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    if s.trim().is_empty() {
        "file".into()
    } else {
        s.trim().to_owned()
    }
}

pub(crate) fn path_of(ws: &Workspace, sha: &str) -> PathBuf {
    ws.data_dir.join("files").join(&sha[..2]).join(sha)
}

/// Attaches a file to a follow-up the caller may see and that is not closed.
pub async fn attach(
    ws: &Workspace,
    actor: &Actor,
    id: i64,
    filename: &str,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    actor.must(Action::CommentOnFollowups)?;
    let f = visible(ws, actor, id).await?;
    if f.state == State::Closed {
        return Err(AppError::invalid(
            "file",
            format!("follow-up {id} is closed: reopen it to attach a file"),
        ));
    }
    let (name, content_type, sha) = keep_file(ws, filename, bytes, &[]).await?;
    let notify = Notify::load(ws).await?;
    let mut e = Edit::new(
        &actor.audit,
        now,
        "attach",
        format!("{name} ({} bytes, sha256 {sha})", bytes.len()),
    );
    e.attachment = Some(AttachmentRow {
        id: 0,
        followup_id: id,
        sha256: sha,
        filename: name.clone(),
        content_type: content_type.into(),
        size: bytes.len() as i64,
        uploaded_by: actor.username.clone(),
        uploaded_at: now,
    });
    let to = audience(ws, &notify, &f).await?;
    e.notify = notify.build(
        &to,
        "comment",
        &format!("{} attached {name} to #{id} {}", actor.username, f.title),
        Some(&actor.username),
        super::About::from(&f),
    );
    save(ws, id, &e).await?;
    let list = ws.store.followup_attachments(id).await?;
    Ok(list.last().map(|a| a.id).unwrap_or_default())
}

/// The type of a file a follow-up takes, or the sentence that says why not.
fn check_file(name: &str, bytes: &[u8]) -> Result<&'static str, AppError> {
    if bytes.is_empty() {
        return Err(AppError::invalid(
            "file",
            format!("{name} is empty: choose the file again"),
        ));
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(AppError::invalid(
            "file",
            format!(
                "{name} is {} bytes; a follow-up takes files up to {} MiB",
                bytes.len(),
                MAX_ATTACHMENT_BYTES / (1024 * 1024)
            ),
        ));
    }
    let Some(content_type) = file_type(name, bytes) else {
        return Err(AppError::invalid(
            "file",
            format!(
                "{name} is not a PDF, PNG, JPEG, XLSX, DOCX, CSV or TXT file whose contents match its name"
            ),
        ));
    };
    Ok(content_type)
}

/// A file kept under the data folder by its SHA-256 (once), after its checks, of one of
/// the `types` given (any a follow-up takes when none): its clean name, type and hash.
pub(crate) async fn keep_file(
    ws: &Workspace,
    filename: &str,
    bytes: &[u8],
    types: &[&str],
) -> Result<(String, &'static str, String), AppError> {
    let name = clean_name(filename);
    let content_type = check_file(&name, bytes)?;
    if !types.is_empty() && !types.contains(&content_type) {
        return Err(AppError::invalid(
            "file",
            format!("{name} is a {content_type} file; this takes a PDF, PNG or JPEG"),
        ));
    }
    let sha = format!("{:x}", Sha256::digest(bytes));
    let path = path_of(ws, &sha);
    if !path.exists() {
        let bytes = bytes.to_vec();
        let target = path.clone();
        tokio::task::spawn_blocking(move || store_file(&target, &bytes))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(|e| {
                AppError::Internal(format!("cannot store the file at {}: {e}", path.display()))
            })?;
    }
    Ok((name, content_type, sha))
}

/// Writes a file whole or not at all: to a temporary name, synced, then renamed.
fn store_file(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().expect("files live in a folder");
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile_in(dir)?;
    tmp.1.write_all(bytes)?;
    tmp.1.sync_all()?;
    std::fs::rename(&tmp.0, path)?;
    Ok(())
}

fn tempfile_in(dir: &std::path::Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let mut n = [0u8; 8];
    getrandom::fill(&mut n).map_err(|e| std::io::Error::other(e.to_string()))?;
    let p = dir.join(format!(".incoming-{}", u64::from_le_bytes(n)));
    Ok((p.clone(), std::fs::File::create_new(&p)?))
}

/// An attachment of a follow-up the caller may see, and where its bytes are.
pub async fn attachment(
    ws: &Workspace,
    actor: &Actor,
    id: i64,
    attachment_id: i64,
) -> Result<(AttachmentRow, PathBuf), AppError> {
    visible(ws, actor, id).await?;
    let a = ws
        .store
        .followup_attachments(id)
        .await?
        .into_iter()
        .find(|a| a.id == attachment_id)
        .ok_or(AppError::NotFound("attachment"))?;
    let path = path_of(ws, &a.sha256);
    Ok((a, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes_and_must_match_the_name() {
        assert_eq!(file_type("a.pdf", b"%PDF-1.7 ..."), Some("application/pdf"));
        assert_eq!(file_type("a.pdf", b"MZ\x90\x00"), None);
        assert_eq!(file_type("a.csv", b"a,b\n1,2\n"), Some("text/csv"));
        assert_eq!(file_type("a.csv", b"a\x00b"), None);
        assert_eq!(file_type("a.exe", b"hello"), None);
        assert_eq!(
            file_type("photo.JPG", b"\xFF\xD8\xFF\xE0"),
            Some("image/jpeg")
        );
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\x\\re\"port.pdf"), "report.pdf");
    }
}
