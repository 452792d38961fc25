//! The `Request` object: a request the caller may see, with its form, lifecycle state,
//! messages, history and people.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::connections::{RequestEventConnection, RequestMessageConnection, connection};
use super::enums::{
    RequestActionGql, RequestCategoryGql, RequestKindGql, RequestSideGql, RequestStateGql,
    UrgencyGql,
};
use super::parts::{RequestAttachment, RequestEvent, RequestMessage, RequestWatcher};
use crate::error::ApiResult;
use crate::graphql::context::deps;
use crate::graphql::loaders::{FilesOf, FirstHistory, FirstMessages, WatchersOf, loader};
use crate::graphql::types::{Company, Contact, InputProblem, page_request};
use crate::ids::{NodeId, RequestId};
use crate::paging::Page;
use crate::requests::{self, Visible, batches, form};

/// An action the caller may take on a request now.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct AvailableAction {
    /// The action.
    pub action: RequestActionGql,
    /// The caller must write a text with it (a question, an answer, a reason, a final answer).
    pub text_required: bool,
}

/// The environment a problem happens in.
#[derive(SimpleObject, InputObject, Debug, Clone, Default)]
#[graphql(input_name = "EnvironmentInput")]
pub struct Environment {
    /// Product module (up to 200 characters).
    pub module: Option<String>,
    /// Operating system (up to 200 characters).
    pub os: Option<String>,
    /// Browser (up to 200 characters).
    pub browser: Option<String>,
    /// Product version (up to 200 characters).
    pub version: Option<String>,
}

/// A support request the caller may see.
pub struct Request(pub Visible<requests::Request>);

/// The API ID of a request.
pub fn request_id(row: &requests::Request) -> ID {
    NodeId::of(RequestId::from_uuid(row.id)).to_string().into()
}

/// A support request: its form, its lifecycle state, messages, history and contacts.
#[Object]
impl Request {
    /// Opaque ID.
    pub async fn id(&self) -> ID {
        request_id(self.0.get())
    }

    /// The human request ID, e.g. `SR-2026-000123`; `null` for a draft.
    async fn human_id(&self) -> Option<&str> {
        self.0.get().human_id.as_deref()
    }

    /// Where the request is in its lifecycle.
    async fn state(&self) -> RequestStateGql {
        self.0.get().state.into()
    }

    /// Version, bumped by every change; pass it back to act on what you saw.
    async fn version(&self) -> i32 {
        self.0.get().version
    }

    /// The company the request is for.
    async fn company(&self, ctx: &Context<'_>) -> ApiResult<Option<Company>> {
        let key = batches::company_key(&self.0);
        Ok(loader(ctx)?.one(key).await?.map(Company))
    }

    /// What the request is about.
    async fn category(&self) -> Option<RequestCategoryGql> {
        self.0.get().category.map(Into::into)
    }

    /// Bug or question, for software usage requests.
    async fn kind(&self) -> Option<RequestKindGql> {
        self.0.get().kind.map(Into::into)
    }

    /// How urgent it is.
    async fn urgency(&self) -> Option<UrgencyGql> {
        self.0.get().urgency.map(Into::into)
    }

    /// Title (the abstract).
    async fn title(&self) -> Option<&str> {
        self.0.get().title.as_deref()
    }

    /// Description.
    async fn description(&self) -> Option<&str> {
        self.0.get().description.as_deref()
    }

    /// Product or equipment concerned.
    async fn product(&self) -> Option<&str> {
        self.0.get().product.as_deref()
    }

    /// The environment the problem happens in.
    async fn environment(&self) -> Environment {
        Environment {
            module: self.0.get().environment_module.clone(),
            os: self.0.get().environment_os.clone(),
            browser: self.0.get().environment_browser.clone(),
            version: self.0.get().environment_version.clone(),
        }
    }

    /// Whether it worked before (a regression).
    async fn regression(&self) -> bool {
        self.0.get().regression
    }

    /// When the problem started (`YYYY-MM-DD`).
    async fn started_on(&self) -> Option<String> {
        self.0.get().started_on.map(|d| d.to_string())
    }

    /// Whether it happened before.
    async fn happened_before(&self) -> Option<bool> {
        self.0.get().happened_before
    }

    /// How many users are affected.
    async fn affected_users(&self) -> Option<i32> {
        self.0.get().affected_users
    }

    /// An identifier in the product (e.g. an envelope ID).
    async fn external_reference(&self) -> Option<&str> {
        self.0.get().external_reference.as_deref()
    }

    /// The customer's internal reference.
    async fn tag(&self) -> Option<&str> {
        self.0.get().tag.as_deref()
    }

    /// Extra addresses told about support-side actions.
    async fn notify_emails(&self) -> Vec<String> {
        form::notify_emails(self.0.get())
    }

    /// Whether the requester gets mail about the request.
    async fn follow_up(&self) -> bool {
        self.0.get().follow_up
    }

    /// Who opened the request.
    async fn requester(&self, ctx: &Context<'_>) -> ApiResult<Option<Contact>> {
        let key = batches::requester_key(&self.0);
        Ok(loader(ctx)?.one(key).await?.map(Contact))
    }

    /// The agent working on it.
    async fn assignee(&self, ctx: &Context<'_>) -> ApiResult<Option<Contact>> {
        let Some(key) = batches::assignee_key(&self.0) else {
            return Ok(None);
        };
        Ok(loader(ctx)?.one(key).await?.map(Contact))
    }

    /// The closed request this one follows up; `null` when none, or when the caller cannot
    /// see it (a Support Restricted contact sees only their own requests).
    async fn follow_up_of(&self, ctx: &Context<'_>) -> ApiResult<Option<Request>> {
        let Some(original) = self.0.get().follow_up_of_id else {
            return Ok(None);
        };
        let deps = deps(ctx)?;
        let worker = self.0.worker();
        match requests::find(deps, worker, RequestId::from_uuid(original)).await {
            Ok(found) => Ok(Some(Request(found))),
            Err(crate::error::ApiError::NotFound { .. }) => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// When the draft was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.get().created_at
    }

    /// Last change.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.get().updated_at
    }

    /// When it was submitted.
    async fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.0.get().submitted_at
    }

    /// When it entered its current state.
    async fn state_changed_at(&self) -> DateTime<Utc> {
        self.0.get().state_changed_at
    }

    /// When it was closed.
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.get().closed_at
    }

    /// When a proposed solution closes by itself without an answer.
    async fn auto_close_at(&self) -> Option<DateTime<Utc>> {
        self.0.get().auto_close_at
    }

    /// Until when a closed request can be reopened.
    async fn reopenable_until(&self, ctx: &Context<'_>) -> ApiResult<Option<DateTime<Utc>>> {
        if self.0.get().closed_at.is_none() {
            return Ok(None);
        }
        let company = loader(ctx)?.one(batches::company_key(&self.0)).await?;
        Ok(requests::reopenable_until(
            deps(ctx)?,
            &self.0,
            company.as_ref(),
        ))
    }

    /// The actions the caller may take now (the reopen window aside).
    async fn allowed_actions(&self) -> Vec<RequestActionGql> {
        requests::allowed_actions(&self.0)
            .into_iter()
            .map(Into::into)
            .collect()
    }

    /// The actions the caller may take now (the reopen window aside), each saying whether the
    /// caller must write a text with it: what a client needs to draw its action buttons.
    async fn actions(&self) -> Vec<AvailableAction> {
        requests::available_actions(&self.0)
            .into_iter()
            .map(|(action, text_required)| AvailableAction {
                action: action.into(),
                text_required,
            })
            .collect()
    }

    /// The recap check of a draft: every missing or invalid field, by field. Empty when it can
    /// be submitted (and for submitted requests).
    async fn submission_problems(&self, ctx: &Context<'_>) -> ApiResult<Vec<InputProblem>> {
        InputProblem::from_errors(requests::submission_problems(deps(ctx)?, &self.0))
    }

    /// Messages, oldest first; `side` keeps one side's.
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity + 1")]
    async fn messages(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (1 to 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last message seen.")] after: Option<String>,
        #[graphql(desc = "Only this side's messages.")] side: Option<RequestSideGql>,
    ) -> ApiResult<RequestMessageConnection> {
        let deps = deps(ctx)?;
        let page = page_request(deps, first, after)?;
        let side = side.map(Into::into);
        let found = if page.after.is_none() {
            let key = FirstMessages {
                request: batches::request_key(&self.0),
                side,
                first: page.first,
            };
            let sealed = loader(ctx)?.one(key).await?;
            sealed.map_or_else(Page::empty, |s| s.open(&self.0))
        } else {
            requests::messages(deps, &self.0, side, &page).await?
        };
        let node = |(message, files)| RequestMessage::with_attachments(message, files);
        Ok(connection(found, node, |edges, page_info| {
            RequestMessageConnection { edges, page_info }
        }))
    }

    /// Every state change and field edit, oldest first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity + 1")]
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (1 to 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last entry seen.")] after: Option<String>,
    ) -> ApiResult<RequestEventConnection> {
        let deps = deps(ctx)?;
        let page = page_request(deps, first, after)?;
        let found = if page.after.is_none() {
            let key = FirstHistory {
                request: batches::request_key(&self.0),
                first: page.first,
            };
            let sealed = loader(ctx)?.one(key).await?;
            sealed.map_or_else(Page::empty, |s| s.open(&self.0))
        } else {
            requests::history(deps, &self.0, &page).await?
        };
        Ok(connection(found, RequestEvent, |edges, page_info| {
            RequestEventConnection { edges, page_info }
        }))
    }

    /// Every file attached to the request (to its form or to its messages), oldest first.
    #[graphql(complexity = "10 * child_complexity + 1")]
    async fn attachments(&self, ctx: &Context<'_>) -> ApiResult<Vec<RequestAttachment>> {
        let key = FilesOf(batches::request_key(&self.0));
        let sealed = loader(ctx)?.one(key).await?;
        let files = sealed.map(|s| s.open(&self.0)).unwrap_or_default();
        Ok(files.into_iter().map(RequestAttachment).collect())
    }

    /// People following the request besides its requester.
    #[graphql(complexity = "10 * child_complexity + 1")]
    async fn watchers(&self, ctx: &Context<'_>) -> ApiResult<Vec<RequestWatcher>> {
        let key = WatchersOf(batches::request_key(&self.0));
        let sealed = loader(ctx)?.one(key).await?;
        let watchers = sealed.map(|s| s.open(&self.0)).unwrap_or_default();
        Ok(watchers.into_iter().map(RequestWatcher).collect())
    }
}
