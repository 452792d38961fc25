//! What a resolver can reach: the shared services and the per-request context.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

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
    validated: AtomicBool,
}

impl RequestContext {
    /// `token` is the presented session token, if any (never logged).
    pub fn new(token: Option<String>) -> Self {
        Self {
            token,
            actor: OnceCell::new(),
            validated: AtomicBool::new(false),
        }
    }

    /// A context whose actor is already known (WebSocket connections resolve it once, at
    /// `connection_init`).
    pub fn with_actor(actor: Actor) -> Self {
        Self {
            token: None,
            actor: OnceCell::new_with(Some(actor)),
            validated: AtomicBool::new(false),
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

    /// Marks that the document passed validation (set by [`super::extension::Lifecycle`]); errors
    /// of a request that never got here are request errors, not field errors.
    pub(crate) fn mark_validated(&self) {
        self.validated.store(true, Ordering::Release);
    }

    pub fn was_validated(&self) -> bool {
        self.validated.load(Ordering::Acquire)
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
        .data::<Arc<RequestContext>>()
        .map_err(|_| missing("request context"))?;
    request.actor(services(ctx)?).await
}
