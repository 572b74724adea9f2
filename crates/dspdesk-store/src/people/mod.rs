//! People: users with a role and a scope, their sessions and API tokens.

mod sessions;
mod tokens;
mod users;

pub use tokens::TokenRow;
pub use users::{NewUser, UserRow};
