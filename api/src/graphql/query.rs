//! Root query fields.

use async_graphql::{Context, ID, MergedObject, Object};

use super::admin::AdminQuery;
use super::context::{actor, deps};
use super::types::{
    Account, Company, CompanyConnection, CompanyFilterInput, Contact, Node, Viewer,
};
use crate::auth::Actor;
use crate::error::ApiResult;
use crate::ids::{NodeId, NodeKind};
use crate::paging::PageRequest;
use crate::{accounts, companies, contacts};

/// Every query field.
#[derive(MergedObject, Default)]
pub struct Query(
    NodeQuery,
    ViewerQuery,
    CompanyQuery,
    AdminQuery,
    super::requests::RequestQuery,
);

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Fetches any object by ID. Objects the caller may not see answer `null`, exactly like IDs
    /// that do not exist.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's ID.")] id: ID,
    ) -> ApiResult<Option<Node>> {
        let id = NodeId::parse(&id, "id")?;
        let deps = deps(ctx)?;
        let actor = actor(ctx).await?;
        Ok(match id.kind {
            NodeKind::Company => companies::find_visible(deps, actor, id.uuid)
                .await?
                .map(|c| Node::Company(Company(c))),
            NodeKind::Contact => contacts::find_visible(deps, actor, id.uuid)
                .await?
                .map(|c| Node::Contact(Contact(c))),
            NodeKind::Account => {
                let own = actor.account_id() == Some(id.uuid);
                if own || actor.platform_operator().is_ok() {
                    accounts::repo::find(deps.db.reader(), id.uuid)
                        .await?
                        .map(|a| Node::Account(Account(a)))
                } else {
                    None
                }
            }
            NodeKind::Request => match actor.request_worker() {
                Ok(worker) => {
                    match crate::requests::service::find_visible(deps, &worker, id.uuid).await {
                        Ok(row) => Some(Node::Request(Box::new(super::requests::Request(row)))),
                        Err(crate::error::ApiError::NotFound { .. }) => None,
                        Err(err) => return Err(err),
                    }
                }
                Err(_) => None,
            },
            NodeKind::Message | NodeKind::Attachment => None,
        })
    }
}

#[derive(Default)]
pub struct ViewerQuery;

#[Object]
impl ViewerQuery {
    /// The caller: `null` without a valid session.
    async fn viewer(&self, ctx: &Context<'_>) -> ApiResult<Option<Viewer>> {
        Ok(match actor(ctx).await? {
            Actor::Person(principal) => Some(Viewer(principal.clone())),
            Actor::Anonymous => None,
        })
    }
}

#[derive(Default)]
pub struct CompanyQuery;

#[Object]
impl CompanyQuery {
    /// Every company, for the platform operator, in creation order.
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity + 1")]
    async fn companies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
        #[graphql(desc = "Which companies to list.")] filter: Option<CompanyFilterInput>,
    ) -> ApiResult<CompanyConnection> {
        let deps = deps(ctx)?;
        let operator = actor(ctx).await?.platform_operator()?;
        let page =
            PageRequest::parse(first, after.as_deref(), deps.settings.graphql.max_page_size)?;
        let search = filter.and_then(|f| f.search);
        let found = companies::list(deps, &operator, search.as_deref(), &page).await?;
        Ok(CompanyConnection::new(found))
    }
}
