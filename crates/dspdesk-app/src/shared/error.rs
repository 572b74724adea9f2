//! What a use case can answer instead of a result. Variants are typed, so each surface
//! (a page, the API, the CLI) words its own message and picks its own status.

use dspdesk_core::Action;
use dspdesk_lake::IngestError;
use dspdesk_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Nothing of that kind and name in the caller's scope; whether it exists
    /// elsewhere is not said, so guessing codes reveals nothing.
    #[error("no such {0} in your scope")]
    NotFound(&'static str),
    /// The caller's role may not take the action.
    #[error("{}", .0.refusal())]
    Forbidden(Action),
    /// A value the caller gave is wrong: the field, and a sentence that names the
    /// value and what to do.
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("the configuration is not valid:\n{0}")]
    Config(String),
    /// Something the machine could not do (randomness, a background task).
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> AppError {
        AppError::Invalid {
            field,
            message: message.into(),
        }
    }

    /// Whether the caller can fix it (a 4xx), as opposed to a failure of ours.
    pub fn is_callers(&self) -> bool {
        match self {
            AppError::NotFound(_)
            | AppError::Forbidden(_)
            | AppError::Invalid { .. }
            | AppError::Config(_) => true,
            AppError::Ingest(e) => !matches!(e, IngestError::Io { .. }),
            AppError::Store(_) | AppError::Internal(_) => false,
        }
    }
}
