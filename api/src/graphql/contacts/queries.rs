//! Contact administration queries (contact lists are `Company.contacts`).

use async_graphql::{Context, Object};

use super::mutations::staged_list;
use super::types::StagedRoleChange;
use crate::error::ApiResult;
use crate::graphql::context::{actor, deps};

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
}
