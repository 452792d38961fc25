//! Plain SeaORM models, one module per table, and the string-valued enums stored in them.
//!
//! No GraphQL derives live here: the API crate maps these models to its own types.

pub mod account;
pub mod company;
pub mod contact;
pub mod counter;
pub mod idempotency_key;
pub mod session;

pub use account::AccountState;
pub use company::CompanyKind;
pub use contact::{ContactStatus, ProviderRole, SupportRole};
