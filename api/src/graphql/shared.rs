//! Live updates rendered once per event: the subscriptions of one document with the same
//! variables (an agent's thousands of open queues, say) all receive the same update of an event
//! they may see, so the first to resolve it keeps the result with the event (see
//! [`crate::live::Renders`]) and the others take it from there instead of resolving it again.

use std::borrow::Cow;

use async_graphql::parser::types::Field;
use async_graphql::registry::Registry;
use async_graphql::{ContextSelectionSet, OutputType, Positioned, ServerResult, Value};

use std::sync::Arc;

use super::RequestContext;
use crate::live::Event;

/// An update whose fields depend on its event alone, never on who receives it: that is what
/// makes sharing its render safe.
pub trait OfEvent {
    /// The event shown, with what subscribers made of it ([`crate::live::Renders`]).
    fn event(&self) -> &Arc<Event>;
}

/// `T`, rendered once per event and document (the same type in the schema).
pub struct Shared<T>(pub T);

impl<T: OutputType + OfEvent> OutputType for Shared<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let key = ctx
            .data_opt::<RequestContext>()
            .and_then(RequestContext::render_key);
        let renders = &self.0.event().renders;
        if let Some(key) = key
            && let Some(value) = renders.get::<Value>(key)
        {
            return Ok(value);
        }
        let errors_before = field_errors(ctx);
        let value = self.0.resolve(ctx, field).await?;
        // A render with field errors is not shared: the errors are this subscriber's.
        let clean = matches!((errors_before, field_errors(ctx)), (Some(a), Some(b)) if a == b);
        if let Some(key) = key
            && clean
        {
            renders.keep(key, value.clone());
        }
        Ok(value)
    }
}

/// How many field errors the execution has gathered so far.
fn field_errors(ctx: &ContextSelectionSet<'_>) -> Option<usize> {
    ctx.query_env.errors.lock().ok().map(|errors| errors.len())
}
