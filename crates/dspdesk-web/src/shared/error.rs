//! One error type for every handler, in two flavours: a page answers with the
//! not-found page or a plain sentence, the API with `{"error": {"status", "message"}}`.
//! Handlers end in `?`; a failure of ours is logged and answered 500 without its
//! details, never shown raw and never as a 400.

use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dspdesk_app::AppError;
use serde_json::json;
use std::marker::PhantomData;

/// A page's error: HTML for a person.
pub enum Page {}
/// An API error: JSON for a script.
pub enum Api {}

pub struct WebError<F> {
    status: StatusCode,
    message: String,
    flavour: PhantomData<F>,
}

pub type PageError = WebError<Page>;
/// A page handler's answer.
pub type PageResult = Result<Response, PageError>;
pub type ApiError = WebError<Api>;

impl<F> WebError<F> {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        WebError {
            status,
            message: message.into(),
            flavour: PhantomData,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    /// A failure of ours: the cause goes to the log, the caller reads that it was
    /// logged.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "request failed");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "")
    }

    /// The sentence a person reads.
    pub fn sentence(&self) -> String {
        sentence(&self.message)
    }
}

/// What a form did, as the page's message `(ok, text)`: the caller's mistakes are
/// said on the page, a refusal or a failure of ours is the answer itself.
pub fn form_outcome(result: Result<String, AppError>) -> Result<(bool, String), PageError> {
    match result {
        Ok(text) => Ok((true, text)),
        Err(e @ AppError::Forbidden(_)) => Err(e.into()),
        Err(e) if e.is_callers() => Ok((false, PageError::from(e).sentence())),
        Err(e) => Err(e.into()),
    }
}

/// A message as a sentence: capitalised, with its full stop (a list of problems,
/// one per line, keeps its own ending).
pub fn sentence(message: &str) -> String {
    let mut c = message.chars();
    let s: String = c
        .next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default();
    if s.ends_with('.') || s.contains('\n') {
        s
    } else {
        format!("{s}.")
    }
}

impl<F> From<AppError> for WebError<F> {
    fn from(e: AppError) -> Self {
        let status = match &e {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            _ if e.is_callers() => StatusCode::BAD_REQUEST,
            _ => return Self::internal(e),
        };
        Self::new(status, e.to_string())
    }
}

/// A page that says what was refused and links home: not found, not allowed, a
/// malformed request.
#[derive(Template)]
#[template(path = "shared/refusal.html")]
struct RefusalPage<'a> {
    title: &'a str,
    message: &'a str,
}

fn refusal(status: StatusCode, title: &str, message: &str) -> Response {
    match (RefusalPage { title, message }).render() {
        Ok(html) => (status, axum::response::Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (status, message.to_owned()).into_response()
        }
    }
}

/// The not-found page; to a person who is logged in, the thing may exist outside
/// their scope, and the page does not say which.
pub fn not_found_page(signed_in: bool) -> Response {
    let message = if signed_in {
        "There is nothing here that you may see."
    } else {
        "There is nothing here."
    };
    refusal(StatusCode::NOT_FOUND, "Not found", message)
}

impl IntoResponse for WebError<Page> {
    fn into_response(self) -> Response {
        match self.status {
            StatusCode::NOT_FOUND => not_found_page(true),
            StatusCode::INTERNAL_SERVER_ERROR => refusal(
                self.status,
                "Something went wrong",
                "Something went wrong; it has been logged.",
            ),
            StatusCode::FORBIDDEN => refusal(self.status, "Not allowed", &self.sentence()),
            status => refusal(status, "Not done", &self.sentence()),
        }
    }
}

impl IntoResponse for WebError<Api> {
    fn into_response(self) -> Response {
        let message = if self.status == StatusCode::INTERNAL_SERVER_ERROR {
            "internal error; it has been logged".to_owned()
        } else {
            self.message
        };
        (
            self.status,
            Json(json!({"error": {"status": self.status.as_u16(), "message": message}})),
        )
            .into_response()
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        Self::internal(e)
    }
}
