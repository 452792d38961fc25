//! What a resolver can reach: the shared services and the per-request context.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_graphql::Context;
use tokio::sync::OnceCell;

use crate::auth::address_limit::{self, AddressLimiter};
use crate::auth::login::{self, Client};
use crate::auth::{Actor, RequestWorker};
use crate::deps::Deps;
use crate::error::{ApiError, ApiResult};
use crate::files::Uploads;
use crate::live::RenderKey;

/// How the session token reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    /// `Authorization: Bearer …` (scripts, API clients, WebSocket `connection_init`).
    Bearer,
    /// The session cookie (the web app).
    Cookie,
}

/// Per-request data: the credentials presented, the client's address and, once resolved, the
/// actor.
#[derive(Debug)]
pub struct RequestContext {
    token: Option<(String, TokenSource)>,
    client: Client,
    credential_checked: AtomicBool,
    actor: OnceCell<Actor>,
    /// Files that came with a multipart request.
    uploads: Arc<Uploads>,
    /// Batched reads, made on first use.
    batches: std::sync::OnceLock<crate::graphql::loaders::BatchLoader>,
    /// The polls of this request's execution, which start batches.
    passes: Arc<crate::graphql::loaders::Passes>,
    /// For a subscription: names its document and variables, under which its updates' renders
    /// are shared (see `graphql::shared`).
    render_key: Option<RenderKey>,
    /// For a subscription over WebSocket: what its resolver and the transport share (see
    /// `graphql::direct`).
    direct: Option<Arc<crate::graphql::Direct>>,
}

impl RequestContext {
    /// `token` is the presented session token, if any (never logged).
    pub fn new(token: Option<String>) -> Self {
        Self::with_client(token.map(|t| (t, TokenSource::Bearer)), Client::default())
    }

    pub fn with_client(token: Option<(String, TokenSource)>, client: Client) -> Self {
        Self {
            token,
            client,
            credential_checked: AtomicBool::new(false),
            actor: OnceCell::new(),
            uploads: Arc::default(),
            batches: std::sync::OnceLock::new(),
            passes: Arc::default(),
            render_key: None,
            direct: None,
        }
    }

    /// Names the document and variables of a subscription (see `graphql::shared`).
    pub fn set_render_key(&mut self, key: RenderKey) {
        self.render_key = Some(key);
    }

    pub fn render_key(&self) -> Option<RenderKey> {
        self.render_key
    }

    /// Lets the transport send updates already rendered without GraphQL (see
    /// `graphql::direct`).
    pub fn set_direct(&mut self, direct: Arc<crate::graphql::Direct>) {
        self.direct = Some(direct);
    }

    pub fn direct(&self) -> Option<&Arc<crate::graphql::Direct>> {
        self.direct.as_ref()
    }

    /// The polls of this request's execution (see [`crate::graphql::loaders::Passes`]).
    pub fn passes(&self) -> Arc<crate::graphql::loaders::Passes> {
        Arc::clone(&self.passes)
    }

    /// The batch loader of this request, made by `make` on first use.
    pub fn batches(
        &self,
        make: impl FnOnce() -> crate::graphql::loaders::BatchLoader,
    ) -> &crate::graphql::loaders::BatchLoader {
        self.batches.get_or_init(make)
    }

    /// The same context with the files of a multipart request.
    pub fn with_uploads(mut self, uploads: Arc<Uploads>) -> Self {
        self.uploads = uploads;
        self
    }

    /// The files that came with the request (none unless it was a multipart request).
    pub fn uploads(&self) -> &Uploads {
        &self.uploads
    }

    /// The caller, resolved from the session token on first use and then reused for the rest
    /// of the request: a role change applies from the next request.
    pub async fn actor(&self, deps: &Deps) -> ApiResult<&Actor> {
        let token = self.token.as_ref().map(|(token, _)| token.as_str());
        self.actor
            .get_or_try_init(|| login::authenticate(deps, token))
            .await
    }

    pub fn client(&self) -> Client {
        self.client.clone()
    }

    /// The presented session token, for what checks the caller again later (a subscription).
    pub fn token(&self) -> Option<&str> {
        self.token.as_ref().map(|(token, _)| token.as_str())
    }

    pub fn token_source(&self) -> Option<TokenSource> {
        self.token.as_ref().map(|(_, source)| *source)
    }

    /// Admits one credential check (password, code, link) in this request: counted against
    /// the client address's budget, and refused for every check after the first, so aliases
    /// cannot multiply guesses.
    pub async fn admit_credential_check(
        &self,
        deps: &Deps,
        limiter: &AddressLimiter,
    ) -> ApiResult<Client> {
        if let Some(addr) = self.client.addr
            && !address_limit::admit(deps, limiter, addr, deps.clock.now()).await?
        {
            return Err(ApiError::RateLimited);
        }
        if self.credential_checked.swap(true, Ordering::AcqRel) {
            return Err(ApiError::TooManyCredentialChecks);
        }
        Ok(self.client.clone())
    }
}

fn missing(what: &str) -> ApiError {
    ApiError::internal(anyhow::anyhow!("{what} missing from the GraphQL context"))
}

/// What services need, shared by every request.
pub fn deps<'a>(ctx: &Context<'a>) -> ApiResult<&'a Deps> {
    ctx.data::<Deps>().map_err(|_| missing("deps"))
}

/// The services, for what outlives the request (a live subscription).
pub fn shared_deps<'a>(ctx: &Context<'a>) -> ApiResult<&'a Arc<Deps>> {
    ctx.data::<Arc<Deps>>().map_err(|_| missing("deps"))
}

/// Admits this request's one credential check (see [`RequestContext::admit_credential_check`]).
pub async fn credential_check(ctx: &Context<'_>) -> ApiResult<Client> {
    let limiter = ctx
        .data::<Arc<AddressLimiter>>()
        .map_err(|_| missing("address limiter"))?;
    request(ctx)?
        .admit_credential_check(deps(ctx)?, limiter)
        .await
}

/// The per-request context.
pub fn request<'a>(ctx: &Context<'a>) -> ApiResult<&'a RequestContext> {
    ctx.data::<RequestContext>()
        .map_err(|_| missing("request context"))
}

/// The caller of this request.
pub async fn actor<'a>(ctx: &Context<'a>) -> ApiResult<&'a Actor> {
    request(ctx)?.actor(deps(ctx)?).await
}

/// The caller's capability to work on support requests.
pub async fn worker(ctx: &Context<'_>) -> ApiResult<RequestWorker> {
    actor(ctx).await?.request_worker()
}
