//! The GraphQL schema: thin resolvers that parse input, call one service and map the output.

mod audit;
mod auth;
mod companies;
mod contacts;
pub mod context;
pub mod direct;
mod live;
pub mod loaders;
mod metrics;
mod mutation;
mod query;
pub mod requests;
mod shared;
mod subscription;
pub mod types;
pub mod upload;
pub mod views;

use std::sync::Arc;

use async_graphql::Schema;

pub use context::{RequestContext, TokenSource};
pub use direct::Direct;
pub use mutation::Mutation;
pub use query::Query;
pub use subscription::Subscription;

use crate::auth::address_limit::AddressLimiter;
use crate::config::Settings;
use crate::deps::Deps;

/// How deep introspection (`__schema`, `__type`) may go, whatever the depth limit of data:
/// the standard introspection query of graphql-js and graphql-core nests its `TypeRef`
/// fragment nine `ofType` deep, about 15 levels in all.
pub const INTROSPECTION_MAX_DEPTH: usize = 20;

/// The portal's schema type.
pub type PortalSchema = Schema<Query, Mutation, Subscription>;

/// Builds the schema with the limits and exposure rules of `settings`; resolvers reach `deps`
/// and the per-address credential `limiter` through the schema's data.
pub fn build_schema(
    deps: Deps,
    limiter: Arc<AddressLimiter>,
    settings: &Settings,
    validation: async_graphql::ValidationMode,
) -> PortalSchema {
    let mut builder = Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    // Also shared by reference count, for what outlives a request (live subscriptions keep
    // it for as long as they run: 8 bytes each instead of a copy).
    .data(Arc::new(deps.clone()))
    .data(deps)
    .data(limiter)
    .validation_mode(validation)
    // The executor checks data depth before validation (`execution::document`), with its own
    // bound for introspection; this is the backstop.
    .limit_depth(settings.graphql.max_depth.max(INTROSPECTION_MAX_DEPTH))
    .limit_complexity(settings.graphql.max_complexity)
    .limit_recursive_depth(32)
    .limit_directives(16);
    if !settings.introspection_enabled() {
        builder = builder.disable_introspection();
    }
    if settings.profile == crate::config::Profile::Production {
        builder = builder.disable_suggestions();
    }
    builder.finish()
}

/// The schema in SDL, as committed in `api/schema.graphql`.
pub fn sdl() -> String {
    Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .finish()
    .sdl()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The committed `api/schema.graphql` is the schema: regenerate it with
    /// `cargo run --bin portal -- schema > api/schema.graphql`.
    #[test]
    fn the_committed_schema_file_matches_the_code() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == super::sdl(),
            "{} is out of date: run `cargo run --bin portal -- schema > api/schema.graphql`",
            path.display()
        );
    }

    /// The executor refuses integers beyond 32 bits in any argument before running an operation
    /// (`execution::document::check_arguments`), which holds only while no argument (nor input
    /// object field) takes a `Float`: adding one means checking integers by their argument's
    /// type instead. Output fields may be `Float`.
    #[test]
    fn no_argument_takes_a_float() {
        let sdl = super::sdl();
        let (mut in_docstring, mut in_input, mut depth) = (false, false, 0i32);
        let mut outputs_with_float = 0;
        for line in sdl.lines() {
            let trimmed = line.trim();
            if let Some(rest) = trimmed.strip_prefix("\"\"\"") {
                in_docstring ^= rest.is_empty() || !rest.contains("\"\"\"");
                continue;
            }
            if in_docstring {
                continue;
            }
            in_input |= trimmed.starts_with("input ");
            if trimmed == "}" {
                in_input = false;
            }
            depth += trimmed.matches('(').count() as i32 - trimmed.matches(')').count() as i32;
            let opens_arguments = trimmed.contains('(');
            if trimmed.contains("Float") {
                assert!(
                    !in_input && depth == 0 && !opens_arguments,
                    "an argument takes a Float: {trimmed}"
                );
                outputs_with_float += 1;
            }
        }
        // The check sees the schema's output floats (dashboard rates), so it reads the SDL.
        assert!(outputs_with_float > 0);
    }

    /// Every type, field, argument and enum value of the schema is documented.
    #[test]
    fn every_schema_element_has_a_description() {
        let sdl = super::sdl();
        let mut undocumented = Vec::new();
        let mut in_docstring = false;
        let mut in_schema_block = false;
        let mut previous = "";
        for line in sdl.lines() {
            let trimmed = line.trim();
            if trimmed == "\"\"\"" {
                in_docstring = !in_docstring;
                previous = trimmed;
                continue;
            }
            if in_docstring || trimmed.is_empty() {
                continue;
            }
            in_schema_block |= trimmed == "schema {";
            let is_definition = [
                "type ",
                "enum ",
                "input ",
                "interface ",
                "scalar ",
                "union ",
            ]
            .iter()
            .any(|keyword| trimmed.starts_with(keyword));
            let is_member = line.starts_with('\t') && !trimmed.starts_with(')') && !in_schema_block;
            if (is_definition || is_member) && previous != "\"\"\"" {
                undocumented.push(trimmed.to_owned());
            }
            previous = trimmed;
        }
        assert!(
            undocumented.is_empty(),
            "undocumented schema elements: {undocumented:#?}"
        );
    }
}
