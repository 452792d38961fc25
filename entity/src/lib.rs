//! Plain SeaORM models, one module per table, and the string-valued enums stored in them.
//!
//! No GraphQL derives live here: the API crate maps these models to its own types.

pub mod account;
pub mod audit_event;
pub mod auth_attempt;
pub mod auth_token;
pub mod company;
pub mod contact;
pub mod counter;
pub mod idempotency_key;
pub mod live_event;
pub mod login_challenge;
pub mod mail_outbox;
pub mod password_reset_request;
pub mod recovery_code;
pub mod request;
pub mod request_attachment;
pub mod request_event;
pub mod request_message;
pub mod request_watcher;
pub mod saved_view;
pub mod second_factor;
pub mod session;
pub mod staged_role_change;

pub use account::AccountState;
pub use auth_attempt::AttemptKind;
pub use auth_token::TokenPurpose;
pub use company::CompanyKind;
pub use contact::{ContactStatus, ProviderRole, SupportRole};
pub use mail_outbox::MailStatus;
pub use request::{RequestCategory, RequestKind, RequestSide, RequestState, Urgency};
