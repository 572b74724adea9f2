//! Files over HTTP: a multipart form's fields and its one file, read within a size
//! limit; a kept file given back as a download the browser will not run.

use crate::shared::error::PageError;
use axum::extract::Multipart;
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// A form's text fields (each cut to `max_chars`) and its `file` field (name and bytes;
/// `None` when no file was chosen), refusing a file over `max_bytes` or a second file.
pub async fn read_form(
    form: &mut Multipart,
    max_bytes: usize,
    max_chars: usize,
) -> Result<(Vec<(String, String)>, Option<(String, Vec<u8>)>), PageError> {
    let bad = |e: axum::extract::multipart::MultipartError| PageError::bad_request(e.body_text());
    let mut fields = Vec::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(mut field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name != "file" {
            let text = field.text().await.map_err(bad)?;
            fields.push((name, text.chars().take(max_chars).collect()));
            continue;
        }
        if file.is_some() {
            return Err(PageError::bad_request("send one file at a time"));
        }
        let fname = field.file_name().unwrap_or("file").to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            if bytes.len() + chunk.len() > max_bytes {
                return Err(PageError::bad_request(format!(
                    "{fname} is larger than {} MiB, the most a file here may be",
                    max_bytes / (1024 * 1024)
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        // A file input left empty sends a part with no name and no bytes.
        if !(bytes.is_empty() && fname.is_empty()) {
            file = Some((fname, bytes));
        }
    }
    Ok((fields, file))
}

/// The value of field `name` (empty when absent).
pub fn field(fields: &[(String, String)], name: &str) -> String {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// A kept file as a download: its type as kept, never sniffed, saved under its name.
pub async fn send_file(
    name: &str,
    content_type: String,
    path: &std::path::Path,
) -> Result<Response, PageError> {
    let bytes = tokio::fs::read(path).await.map_err(PageError::internal)?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        name.replace(['"', '\\', '\r', '\n'], "_")
    );
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
        ],
        bytes,
    )
        .into_response())
}
