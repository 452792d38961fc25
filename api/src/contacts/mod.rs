//! Contacts: people's memberships of companies, with their roles there.

pub mod repo;
mod service;

pub use repo::{ContactFilter, ContactOrder, ContactSortField, SortDirection};
pub use service::{find_visible, list};
