//! Accounts: people's identities and credentials.

pub mod repo;
