//! Contact administration queries (contact lists are `Company.contacts`).

use async_graphql::{Context, Object};

use super::mutations::staged_list;
use super::types::StagedRoleChange;
use crate::contacts;
use crate::error::ApiResult;
use crate::graphql::context::{actor, deps};
use crate::graphql::types::Contact;

#[derive(Default)]
pub struct ContactQuery;

#[Object]
impl ContactQuery {
    /// The role changes staged in this session for the caller's company (Security
    /// Administrators), oldest first.
    async fn staged_role_changes(&self, ctx: &Context<'_>) -> ApiResult<Vec<StagedRoleChange>> {
        let deps = deps(ctx)?;
        let admin = actor(ctx).await?.security_administrator()?;
        staged_list(deps, &admin).await
    }

    /// The provider's active support agents and managers, by name: whom a request can be
    /// assigned to (`assignRequest`'s `agentId`). For support staff only.
    async fn support_staff(&self, ctx: &Context<'_>) -> ApiResult<Vec<Contact>> {
        let deps = deps(ctx)?;
        let staff = actor(ctx).await?.support_staff()?;
        let found = contacts::support_staff(deps, &staff).await?;
        Ok(found.into_iter().map(Contact).collect())
    }
}
