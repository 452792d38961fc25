//! A schema extension that tells the transports where a request got to.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextValidation};
use async_graphql::{ServerError, ValidationResult};

use super::context::RequestContext;

/// Records in the [`RequestContext`] that validation passed, so a transport can tell request
/// errors (no `data`, 4xx) from field errors (`data` present).
pub struct Lifecycle;

impl ExtensionFactory for Lifecycle {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Lifecycle)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for Lifecycle {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await;
        if result.is_ok()
            && let Some(request) = ctx.data_opt::<Arc<RequestContext>>()
        {
            request.mark_validated();
        }
        result
    }
}
