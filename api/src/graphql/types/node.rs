use async_graphql::{ID, Interface};

use super::{Account, Company, Contact};

/// An object that can be fetched by its ID with `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque ID."))]
pub enum Node {
    Company(Company),
    Contact(Contact),
    Account(Account),
    Request(Box<crate::graphql::requests::Request>),
}
