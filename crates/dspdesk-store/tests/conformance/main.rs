//! One suite, both backends: every repository behaves the same on SQLite and PostgreSQL.
//! One module per aggregate, as in `src/`; `support` builds the rows they share.

mod cod;
mod derived;
mod facts;
mod flags;
mod followups;
mod goals;
mod health;
mod ingest;
mod network;
mod reports;
mod support;
