//! Accounts: people's identities and credentials.
//!
//! `credentials` holds the operations (passwords, the second factor), `reads` what callers may
//! see; `repo` and `factors` are the only code touching `accounts`, `second_factors` and
//! `recovery_codes`.

pub mod credentials;
pub mod factors;
pub(crate) mod notices;
mod reads;
pub mod repo;
pub mod reset_queue;

pub use entity::AccountState;
pub use reads::{find_visible, own, set_language};

/// An account as stored.
pub type Account = entity::account::Model;
