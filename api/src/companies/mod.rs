//! Companies: the provider organisation and the customer companies it supports.

pub mod repo;
mod service;

pub use repo::CompanySettings;
pub(crate) use service::insert_in;
pub use service::{CreatedCompany, NewCompany, create, find_visible, list, set_security_policy};
