//! GraphQL object types and the enums they expose. Each maps a model; none holds rules.

mod account;
mod company;
mod connection;
mod contact;
mod enums;
mod node;
mod problem;
mod viewer;

pub use account::Account;
pub use company::{Company, CompanyFilterInput};
pub use connection::{CompanyConnection, ContactConnection, PageInfo};
pub use contact::{Contact, ContactFilterInput, ContactOrderInput};
pub use enums::{
    AccountStateGql, CompanyKindGql, ContactStatusGql, LanguageGql, ProviderRoleGql, SupportRoleGql,
};
pub use node::Node;
pub use problem::InputProblem;
pub use viewer::Viewer;
