//! Contacts: people's memberships of companies, with their roles there.

pub mod admin;
pub mod repo;
pub mod roles;
mod service;

pub use repo::{ContactFilter, ContactOrder, ContactSortField, SortDirection};
pub use service::{find_visible, list};
