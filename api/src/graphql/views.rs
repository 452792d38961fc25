//! Saved views and console tiles: `savedViews`, `saveView` (Save and Save As), `renameView`,
//! `deleteView`, `pinView` and `orderTiles`.

use async_graphql::{Context, Enum, ID, InputObject, Json, Object, SimpleObject};
use serde_json::Value;

use super::context::{deps, worker};
use super::requests::{
    RequestConnection, RequestFilterInput, RequestOrderInput, RequestQueue, RequestScope, list_read,
};
use super::types::{InputProblem, OrderDirection, or_problem, page_request};
use crate::error::{ApiError, ApiResult, InputReason};
use crate::ids::{NodeId, SavedViewId};
use crate::requests::queues::RequestFilter;
use crate::requests::{self, Visible};
use crate::views::{self, ViewDefinition};

/// A column of a request table.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::views::Column")]
pub enum RequestColumn {
    /// `SR-2026-000123`.
    HumanId,
    /// Title.
    Title,
    /// State.
    State,
    /// Urgency.
    Urgency,
    /// Category.
    Category,
    /// Kind (bug or question).
    Kind,
    /// Product.
    Product,
    /// Tag.
    Tag,
    /// Company.
    Company,
    /// Who opened it.
    Requester,
    /// The agent on it.
    Assignee,
    /// Created.
    CreatedAt,
    /// Last changed.
    UpdatedAt,
    /// Submitted.
    SubmittedAt,
    /// Closed.
    ClosedAt,
}

/// A sort order, as a view holds it.
#[derive(SimpleObject)]
pub struct RequestOrder {
    /// The column.
    pub field: super::requests::RequestOrderField,
    /// The direction.
    pub direction: OrderDirection,
}

/// A named view of requests, personal to whoever saved it.
pub struct SavedView(views::SavedView);

fn view_id(view: &views::SavedView) -> ID {
    ID(NodeId::of(SavedViewId::from_uuid(view.row.id)).to_string())
}

/// A named view of requests, personal to whoever saved it: a queue, scope, filter, columns
/// and sort.
#[Object]
impl SavedView {
    /// The view's ID.
    async fn id(&self) -> ID {
        view_id(&self.0)
    }

    /// Its name, unique among its owner's views (ignoring case and accents).
    async fn name(&self) -> &str {
        &self.0.row.name
    }

    /// The queue it shows.
    async fn queue(&self) -> RequestQueue {
        self.0.definition.query.queue.into()
    }

    /// Personal or team; `null` for everything its owner may see.
    async fn scope(&self) -> Option<RequestScope> {
        self.0.definition.query.scope.map(Into::into)
    }

    /// Its filter, in the shape of `RequestFilterInput`.
    async fn filter(&self) -> Json<Value> {
        Json(views::filter_as_input(&self.0.definition.query.filter))
    }

    /// The columns shown, in order.
    async fn columns(&self) -> Vec<RequestColumn> {
        self.0
            .definition
            .columns
            .iter()
            .map(|c| (*c).into())
            .collect()
    }

    /// Its sort order.
    async fn order_by(&self) -> RequestOrder {
        let order = self.0.definition.query.order;
        RequestOrder {
            field: order.field.into(),
            direction: if order.descending {
                OrderDirection::Desc
            } else {
                OrderDirection::Asc
            },
        }
    }

    /// Whether it is a tile of the console.
    async fn pinned(&self) -> bool {
        self.0.row.tile_position.is_some()
    }

    /// What the view names that no longer exists (a column, a filter value): left out, the
    /// view opens without it.
    async fn warnings(&self) -> &[String] {
        &self.0.warnings
    }

    /// For writes: the version read.
    async fn version(&self) -> i32 {
        self.0.row.version
    }

    /// How many requests it holds (its tile's figure). A pinned view's figure is kept by
    /// every change of a request, never counted when read; an unpinned view's is counted.
    async fn count(&self, ctx: &Context<'_>) -> ApiResult<i32> {
        let count = views::count(deps(ctx)?, &worker(ctx).await?, &self.0).await?;
        Ok(i32::try_from(count).unwrap_or(i32::MAX))
    }

    /// Its requests, in its order.
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity + 1")]
    async fn requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (1 to 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last request seen.")] after: Option<String>,
    ) -> ApiResult<RequestConnection> {
        let deps = deps(ctx)?;
        let worker = worker(ctx).await?;
        let page = page_request(deps, first, after)?;
        let query = self.0.definition.query.clone();
        let found: crate::paging::Page<Visible<requests::Request>> =
            requests::list(deps, &worker, &query, &page, &list_read(ctx)).await?;
        Ok(RequestConnection::new(found, worker, query))
    }
}

#[derive(Default)]
pub struct ViewQuery;

#[Object]
impl ViewQuery {
    /// The caller's saved views, by name; with `pinned`, only the console's tiles, in order.
    async fn saved_views(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the pinned views, in tile order (default: every view).")]
        pinned: Option<bool>,
    ) -> ApiResult<Vec<SavedView>> {
        let pinned = pinned.unwrap_or(false);
        let views = views::list(deps(ctx)?, &worker(ctx).await?, pinned).await?;
        Ok(views.into_iter().map(SavedView).collect())
    }

    /// One of the caller's views; `null` for an unknown ID or another person's view.
    async fn saved_view(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The view's ID.")] id: ID,
    ) -> ApiResult<Option<SavedView>> {
        let Ok(id) = NodeId::typed::<SavedViewId>(&id, "id") else {
            return Ok(None);
        };
        match views::find(deps(ctx)?, &worker(ctx).await?, id).await {
            Ok(view) => Ok(Some(SavedView(view))),
            Err(ApiError::NotFound { .. }) => Ok(None),
            Err(err) => Err(err),
        }
    }
}

/// A view to save.
#[derive(InputObject)]
pub struct SaveViewInput {
    /// The view to save over ("Save"); absent to save a new one ("Save As").
    pub view_id: Option<ID>,
    /// The version read, when saving over a view.
    pub version: Option<i32>,
    /// Its name (1 to 80 characters), unique among your views.
    pub name: String,
    /// The queue (default: all requests).
    pub queue: Option<RequestQueue>,
    /// Personal or team (default: everything you may see).
    pub scope: Option<RequestScope>,
    /// Its filter.
    pub filter: Option<RequestFilterInput>,
    /// The columns to show, in order (at most each once).
    pub columns: Option<Vec<RequestColumn>>,
    /// Its sort order (default: newest first).
    pub order_by: Option<RequestOrderInput>,
}

/// The saved view, or what stops it.
#[derive(SimpleObject)]
pub struct SaveViewPayload {
    /// The view; `null` with problems.
    pub view: Option<SavedView>,
    /// The name's problem (missing, too long, taken, or too many views).
    pub problems: Vec<InputProblem>,
}

/// A view to rename.
#[derive(InputObject)]
pub struct RenameViewInput {
    /// The view.
    pub view_id: ID,
    /// The version read.
    pub version: Option<i32>,
    /// The new name.
    pub name: String,
}

/// A view to delete, pin or unpin.
#[derive(InputObject)]
pub struct ViewInput {
    /// The view.
    pub view_id: ID,
}

/// A view to pin to the console or unpin.
#[derive(InputObject)]
pub struct PinViewInput {
    /// The view.
    pub view_id: ID,
    /// Pin (after the other tiles) or unpin.
    pub pinned: bool,
}

/// The new order of the console's tiles.
#[derive(InputObject)]
pub struct OrderTilesInput {
    /// Every pinned view, once each, in the order wanted.
    pub view_ids: Vec<ID>,
}

/// The deleted view.
#[derive(SimpleObject)]
pub struct DeleteViewPayload {
    /// The ID it had.
    pub deleted_view_id: ID,
}

fn view_id_of(raw: &ID, field: &str) -> ApiResult<SavedViewId> {
    NodeId::typed::<SavedViewId>(raw, field)
}

impl SaveViewInput {
    fn definition(self) -> ApiResult<(String, ViewDefinition)> {
        let columns: Vec<views::Column> = self
            .columns
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let columns = RequestFilter::values(columns, "columns").map_err(|_| {
            ApiError::bad_input(
                "columns",
                InputReason::OutOfRange,
                "name each column at most once",
            )
        })?;
        let query = requests::QueueQuery {
            queue: self.queue.unwrap_or_default().into(),
            scope: self.scope.map(Into::into),
            filter: self.filter.unwrap_or_default().parse()?,
            order: self.order_by.map(Into::into).unwrap_or_default(),
        };
        Ok((self.name, ViewDefinition { query, columns }))
    }
}

#[derive(Default)]
pub struct ViewMutation;

#[Object]
impl ViewMutation {
    /// Saves a view: over `viewId` ("Save") or as a new one ("Save As").
    async fn save_view(
        &self,
        ctx: &Context<'_>,
        input: SaveViewInput,
    ) -> ApiResult<SaveViewPayload> {
        let deps = deps(ctx)?;
        let worker = worker(ctx).await?;
        let existing = match &input.view_id {
            Some(id) => Some((view_id_of(id, "viewId")?, input.version)),
            None => None,
        };
        let (name, definition) = input.definition()?;
        let new = views::NewView { name, definition };
        let saved = views::save(deps, &worker, existing, new)
            .await
            .map(SavedView);
        let (view, problems) = or_problem(saved)?;
        Ok(SaveViewPayload { view, problems })
    }

    /// Renames one of your views.
    async fn rename_view(
        &self,
        ctx: &Context<'_>,
        input: RenameViewInput,
    ) -> ApiResult<SaveViewPayload> {
        let id = view_id_of(&input.view_id, "viewId")?;
        let renamed = views::rename(
            deps(ctx)?,
            &worker(ctx).await?,
            id,
            input.version,
            &input.name,
        )
        .await
        .map(SavedView);
        let (view, problems) = or_problem(renamed)?;
        Ok(SaveViewPayload { view, problems })
    }

    /// Deletes one of your views.
    async fn delete_view(
        &self,
        ctx: &Context<'_>,
        input: ViewInput,
    ) -> ApiResult<DeleteViewPayload> {
        let id = view_id_of(&input.view_id, "viewId")?;
        views::delete(deps(ctx)?, &worker(ctx).await?, id).await?;
        Ok(DeleteViewPayload {
            deleted_view_id: input.view_id,
        })
    }

    /// Pins one of your views to the console (after the other tiles) or unpins it.
    async fn pin_view(&self, ctx: &Context<'_>, input: PinViewInput) -> ApiResult<SavedView> {
        let id = view_id_of(&input.view_id, "viewId")?;
        let view = views::pin(deps(ctx)?, &worker(ctx).await?, id, input.pinned).await?;
        Ok(SavedView(view))
    }

    /// Orders the console's tiles; names every pinned view once.
    async fn order_tiles(
        &self,
        ctx: &Context<'_>,
        input: OrderTilesInput,
    ) -> ApiResult<Vec<SavedView>> {
        let ids = views_ids(&input.view_ids)?;
        let tiles = views::order_tiles(deps(ctx)?, &worker(ctx).await?, &ids).await?;
        Ok(tiles.into_iter().map(SavedView).collect())
    }
}

fn views_ids(raw: &[ID]) -> ApiResult<Vec<SavedViewId>> {
    if raw.len() > views::VIEWS_MAX as usize {
        return Err(ApiError::bad_input(
            "viewIds",
            InputReason::OutOfRange,
            "too many views",
        ));
    }
    raw.iter().map(|id| view_id_of(id, "viewIds")).collect()
}
