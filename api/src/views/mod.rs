//! Saved views (SPEC §6): a named queue, scope, filters, columns and sort, personal to the
//! contact that saved it; pinned views are tiles on the console, in the owner's order.
//!
//! A view is stored as codes (JSON), read leniently: a column or filter value that no longer
//! exists is left out and named in the view's warnings, and the view still opens. A tile's
//! figure is never counted when read: the counts kept per company and person answer a view
//! that filters nothing beyond its queue and scope, [`kept`] the others.

mod definition;
mod export;
pub mod kept;
mod repo;
mod service;

pub use definition::{Column, ViewDefinition, filter_as_input};
pub use service::{
    NewView, SavedView, VIEWS_MAX, count, delete, find, list, order_tiles, pin, rename, save,
};

pub use export::{Cell, ExportPlan, csv as export_csv, xlsx as export_xlsx};

use crate::auth::RequestWorker;
use crate::deps::Deps;
use crate::error::{ApiError, ApiResult, InputReason};
use crate::ids::{NodeId, SavedViewId};
use crate::requests::queues::QueueQuery;

/// What to export: one of the caller's saved views (`view`, an ID), or a queue by its codes.
pub async fn export_plan(
    deps: &Deps,
    worker: &RequestWorker,
    view: Option<&str>,
    queue: Option<&str>,
    scope: Option<&str>,
) -> ApiResult<ExportPlan> {
    if let Some(raw) = view {
        let id = NodeId::typed::<SavedViewId>(raw, "view")?;
        let view = find(deps, worker, id).await?;
        return Ok(ExportPlan::new(
            view.definition.query,
            view.definition.columns,
        ));
    }
    let unknown =
        |field: &str| ApiError::bad_input(field, InputReason::InvalidFormat, "unknown value");
    let queue = match queue {
        Some(code) => definition::queue_by_code(code).ok_or_else(|| unknown("queue"))?,
        None => Default::default(),
    };
    let scope = match scope {
        Some(code) => Some(definition::scope_by_code(code).ok_or_else(|| unknown("scope"))?),
        None => None,
    };
    crate::requests::access::in_scope(worker, scope)?;
    let query = QueueQuery {
        queue,
        scope,
        ..Default::default()
    };
    Ok(ExportPlan::new(query, Vec::new()))
}

/// Longest view name, in characters.
pub const NAME_MAX: usize = 80;
