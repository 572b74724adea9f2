//! Who is asking. Every use case that reads or changes what a person owns takes the
//! caller, and answers only within its scope and role.

use crate::shared::error::AppError;
use dspdesk_core::{Action, Role, Scope};
use dspdesk_store::UserRow;

#[derive(Debug, Clone)]
pub struct Actor {
    /// The user's name; for the CLI, the operator's.
    pub username: String,
    /// How the audit log names the caller: `web:asha`, `cli:root`.
    pub audit: String,
    pub role: Role,
    pub scope: Scope,
}

impl Actor {
    /// A logged-in user, acting through `surface` (`web`, `api`).
    pub fn user(u: &UserRow, surface: &str) -> Actor {
        Actor {
            username: u.username.clone(),
            audit: format!("{surface}:{}", u.username),
            role: u.role,
            scope: u.scope(),
        }
    }

    /// The person at the command line: whoever can open the data folder and its
    /// database may do everything, as the admin of the installation.
    pub fn operator(name: &str) -> Actor {
        Actor {
            username: name.to_owned(),
            audit: format!("cli:{name}"),
            role: Role::Admin,
            scope: Scope::All,
        }
    }

    /// `Ok` when the caller's role may take the action.
    pub fn must(&self, action: Action) -> Result<(), AppError> {
        if self.role.may(action) {
            Ok(())
        } else {
            Err(AppError::Forbidden(action))
        }
    }
}
