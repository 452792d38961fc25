//! Accounts: people's identities and credentials.

pub mod credentials;
pub mod repo;
