//! Contact administration over GraphQL: adding and editing contacts, the role batch and
//! obsolete marking (the lists are `Company.contacts`).

mod mutations;
mod queries;
mod types;

pub use mutations::ContactMutation;
pub use queries::ContactQuery;
