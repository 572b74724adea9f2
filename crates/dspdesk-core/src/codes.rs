//! Station and partner codes: parsed once at the edge, valid everywhere after.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest code accepted: long enough for a hashed seller id (32 hex digits).
pub const MAX_CODE_LEN: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("is empty")]
    Empty,
    #[error("is {0} characters long; a code has at most {MAX_CODE_LEN}")]
    TooLong(usize),
    #[error("has the character {0:?}; a code may use letters, digits, '-', '_' and '.'")]
    BadChar(char),
}

fn check_code(raw: &str) -> Result<(), CodeError> {
    if raw.is_empty() {
        return Err(CodeError::Empty);
    }
    if raw.len() > MAX_CODE_LEN {
        return Err(CodeError::TooLong(raw.len()));
    }
    match raw
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        Some(c) => Err(CodeError::BadChar(c)),
        None => Ok(()),
    }
}

macro_rules! code_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, CodeError> {
                check_code(raw)?;
                Ok(Self(raw.to_owned()))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl TryFrom<String> for $name {
            type Error = CodeError;
            fn try_from(raw: String) -> Result<Self, CodeError> {
                check_code(&raw)?;
                Ok(Self(raw))
            }
        }
        impl From<$name> for String {
            fn from(code: $name) -> String {
                code.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

code_type!(
    /// A delivery station (depot), such as `DEL4`.
    StationCode
);
code_type!(
    /// A delivery service partner, such as `SWFT`.
    PartnerCode
);

/// Checks a code without allocating; the ingest hot path uses this.
pub fn validate_code(raw: &str) -> Result<(), CodeError> {
    check_code(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_typical_codes() {
        assert_eq!(StationCode::parse("DEL4").unwrap().as_str(), "DEL4");
        assert!(PartnerCode::parse("3442f8959a84dea7ee197c632cb2df15").is_ok());
    }

    #[test]
    fn rejects_bad_codes_with_reasons() {
        assert_eq!(StationCode::parse(""), Err(CodeError::Empty));
        assert_eq!(PartnerCode::parse("A B"), Err(CodeError::BadChar(' ')));
        assert_eq!(
            PartnerCode::parse(&"X".repeat(65)),
            Err(CodeError::TooLong(65))
        );
    }
}
