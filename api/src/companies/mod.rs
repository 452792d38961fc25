//! Companies: the provider organisation and the customer companies it supports.
//!
//! `settings` holds their rules (defaults, ranges, what the durations mean), `service` the
//! operations, `reads` what callers may see, `repo` the only code touching `companies`.

mod reads;
pub mod repo;
mod service;
pub mod settings;

pub use entity::CompanyKind;
pub use reads::{CompanyOfContact, acting, find_visible, list, of_contact, of_contacts};
pub(crate) use service::insert_in;
pub use service::{CreatedCompany, NewCompany, create, set_durations, set_security_policy};
pub use settings::CompanySettings;

/// A company as stored.
pub type Company = entity::company::Model;
