//! What a resolver can reach: the shared services and the per-request context.

use async_graphql::Context;
use tokio::sync::OnceCell;

use crate::auth::{Actor, sessions};
use crate::error::{ApiError, ApiResult};
use crate::state::Services;

/// Per-request data: the credentials presented and, once resolved, the actor.
#[derive(Debug)]
pub struct RequestContext {
    token: Option<String>,
    actor: OnceCell<Actor>,
}

impl RequestContext {
    /// `token` is the presented session token, if any (never logged).
    pub fn new(token: Option<String>) -> Self {
        Self {
            token,
            actor: OnceCell::new(),
        }
    }

    /// The caller, resolved from the session token on first use and then reused for the rest
    /// of the request: a role change applies from the next request.
    pub async fn actor(&self, services: &Services) -> ApiResult<&Actor> {
        self.actor
            .get_or_try_init(|| async {
                let Some(token) = &self.token else {
                    return Ok(Actor::Anonymous);
                };
                let principal =
                    sessions::resolve(&services.db, services.clock.now(), token).await?;
                Ok::<_, ApiError>(principal.map_or(Actor::Anonymous, Actor::Person))
            })
            .await
    }
}

fn missing(what: &str) -> ApiError {
    ApiError::internal(anyhow::anyhow!("{what} missing from the GraphQL context"))
}

/// The services shared by every request.
pub fn services<'a>(ctx: &Context<'a>) -> ApiResult<&'a Services> {
    ctx.data::<Services>().map_err(|_| missing("services"))
}

/// The caller of this request.
pub async fn actor<'a>(ctx: &Context<'a>) -> ApiResult<&'a Actor> {
    let request = ctx
        .data::<RequestContext>()
        .map_err(|_| missing("request context"))?;
    request.actor(services(ctx)?).await
}
