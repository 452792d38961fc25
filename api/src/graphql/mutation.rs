//! Root mutation fields, each in its area's module. The merge order is the order of the fields
//! in the schema.

use async_graphql::MergedObject;

use super::auth::{AuthMutation, SwitchCompanyMutation};
use super::companies::{CompanyMutation, SecurityPolicyMutation};
use super::contacts::ContactMutation;
use super::requests::RequestMutation;
use super::views::ViewMutation;

/// Every mutation field.
#[derive(MergedObject, Default)]
pub struct Mutation(
    AuthMutation,
    CompanyMutation,
    ContactMutation,
    SecurityPolicyMutation,
    SwitchCompanyMutation,
    RequestMutation,
    ViewMutation,
);
