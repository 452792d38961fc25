//! Support requests over GraphQL: the form and its drafts, the lifecycle, messages, history,
//! watchers and assignment. Resolvers parse input and call `requests::service`, which checks
//! who may see and do what.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    contact, request, request_attachment, request_event, request_message, request_watcher,
};
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, EntityTrait};
use uuid::Uuid;

use super::context::{actor, deps};
use super::types::{Company, Contact, InputProblem, PageInfo};
use super::upload::{self, Upload};
use crate::auth::RequestWorker;
use crate::error::{ApiError, ApiResult, InputReason};
use crate::idempotency::IdempotencyKey;
use crate::ids::{NodeId, NodeKind};
use crate::paging::{Page, PageRequest};
use crate::requests::form::{self, RequestForm};
use crate::requests::lifecycle::{self, ActionKind};
use crate::requests::service::{self, RequestEdit};
use crate::requests::{access, attachments, repo};

/// Where a request is in its lifecycle.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "RequestState", remote = "entity::RequestState")]
pub enum RequestStateGql {
    /// Saved, not submitted; only its author sees it.
    Draft,
    /// With the support.
    SupportAnalysis,
    /// The support asked the customer a question.
    CustomerClarification,
    /// The support waits for external information.
    WaitingExternal,
    /// A bug sent to R&D, waiting for its correction.
    WaitingCorrection,
    /// The support proposed a solution; the customer validates or refuses it.
    SolutionProposed,
    /// Closed; it can be reopened within the company's reopen window.
    Closed,
}

/// What a request is about.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "RequestCategory", remote = "entity::RequestCategory")]
pub enum RequestCategoryGql {
    /// Technical: using the software (a bug or a question; see `kind`).
    SoftwareUsage,
    /// Downloading software.
    SoftwareDownload,
    /// Ordering software.
    SoftwareOrdering,
    /// Licence keys.
    LicenseKeys,
    /// Managing the company's contacts.
    ContactManagement,
    /// Certification and training.
    CertificationTraining,
    /// Administrative applications.
    AdministrativeApps,
}

/// The kind of a software usage request.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "RequestKind", remote = "entity::RequestKind")]
pub enum RequestKindGql {
    /// A bug.
    Issue,
    /// A how-to question.
    HowTo,
}

/// How urgent a request is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "Urgency", remote = "entity::Urgency")]
pub enum UrgencyGql {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Urgent: work is blocked.
    Urgent,
}

/// Which side wrote or acted.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "RequestSide", remote = "entity::RequestSide")]
pub enum RequestSideGql {
    /// The customer company.
    Customer,
    /// The support.
    Support,
    /// The portal itself (automatic closure, reminders).
    System,
}

/// A lifecycle action (SPEC §5).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(
    name = "RequestAction",
    remote = "crate::requests::lifecycle::ActionKind"
)]
pub enum RequestActionGql {
    /// Submit a draft (`submitRequest`).
    Submit,
    /// Agent: ask the customer a question (text required).
    RequestClarification,
    /// Customer: answer the support's question (text required).
    Clarify,
    /// Agent: pause while waiting for external information.
    PauseForExternal,
    /// Agent: resume the analysis.
    Resume,
    /// Agent: declare a bug and send it to R&D.
    SendToRnd,
    /// Agent: the correction is delivered; proposes the closure.
    #[graphql(name = "DELIVER_CORRECTION")]
    CorrectionDelivered,
    /// Agent: propose a solution and the closure (text required: the final answer).
    ProposeClosure,
    /// Customer: validate the proposed solution; closes the request.
    #[graphql(name = "VALIDATE_CLOSURE")]
    Validate,
    /// Customer: refuse the proposed solution (text required: the reason).
    #[graphql(name = "REFUSE_CLOSURE")]
    Refuse,
    /// The portal: close a proposed solution left unanswered.
    AutoClose,
    /// Close now (an agent must give the final answer as text).
    Close,
    /// Reopen a closed request within the reopen window.
    Reopen,
    /// Write a message without changing the state (`addRequestMessage`).
    AddMessage,
}

/// The environment a problem happens in.
#[derive(SimpleObject, InputObject, Debug, Clone, Default)]
#[graphql(input_name = "EnvironmentInput")]
pub struct Environment {
    /// Product module.
    pub module: Option<String>,
    /// Operating system.
    pub os: Option<String>,
    /// Browser.
    pub browser: Option<String>,
    /// Product version.
    pub version: Option<String>,
}

/// A support request.
pub struct Request(pub request::Model);

fn request_id(row: &request::Model) -> ID {
    NodeId::new(NodeKind::Request, row.id).to_string().into()
}

async fn load_contact(ctx: &Context<'_>, id: Option<Uuid>) -> ApiResult<Option<Contact>> {
    let Some(id) = id else { return Ok(None) };
    Ok(contact::Entity::find_by_id(id)
        .one(deps(ctx)?.db.reader())
        .await?
        .map(Contact))
}

/// The worker the caller is; the request fields below are reached only through a request the
/// caller could see, but their sub-lists check again.
async fn worker(ctx: &Context<'_>) -> ApiResult<RequestWorker> {
    actor(ctx).await?.request_worker()
}

/// A support request: its form, its lifecycle state, messages, history and contacts.
#[Object]
impl Request {
    /// Opaque ID.
    pub async fn id(&self) -> ID {
        request_id(&self.0)
    }

    /// The human request ID, e.g. `SR-2026-000123`; `null` for a draft.
    async fn human_id(&self) -> Option<&str> {
        self.0.human_id.as_deref()
    }

    /// Where the request is in its lifecycle.
    async fn state(&self) -> RequestStateGql {
        self.0.state.into()
    }

    /// Version, bumped by every change; pass it back to act on what you saw.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The company the request is for.
    async fn company(&self, ctx: &Context<'_>) -> ApiResult<Option<Company>> {
        Ok(
            crate::companies::repo::find(deps(ctx)?.db.reader(), self.0.company_id)
                .await?
                .map(Company),
        )
    }

    /// What the request is about.
    async fn category(&self) -> Option<RequestCategoryGql> {
        self.0.category.map(Into::into)
    }

    /// Bug or question, for software usage requests.
    async fn kind(&self) -> Option<RequestKindGql> {
        self.0.kind.map(Into::into)
    }

    /// How urgent it is.
    async fn urgency(&self) -> Option<UrgencyGql> {
        self.0.urgency.map(Into::into)
    }

    /// Title (the abstract).
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }

    /// Description.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// Product or equipment concerned.
    async fn product(&self) -> Option<&str> {
        self.0.product.as_deref()
    }

    /// The environment the problem happens in.
    async fn environment(&self) -> Environment {
        Environment {
            module: self.0.environment_module.clone(),
            os: self.0.environment_os.clone(),
            browser: self.0.environment_browser.clone(),
            version: self.0.environment_version.clone(),
        }
    }

    /// Whether it worked before (a regression).
    async fn regression(&self) -> bool {
        self.0.regression
    }

    /// When the problem started (`YYYY-MM-DD`).
    async fn started_on(&self) -> Option<String> {
        self.0.started_on.map(|d| d.to_string())
    }

    /// Whether it happened before.
    async fn happened_before(&self) -> Option<bool> {
        self.0.happened_before
    }

    /// How many users are affected.
    async fn affected_users(&self) -> Option<i32> {
        self.0.affected_users
    }

    /// An identifier in the product (e.g. an envelope ID).
    async fn external_reference(&self) -> Option<&str> {
        self.0.external_reference.as_deref()
    }

    /// The customer's internal reference.
    async fn tag(&self) -> Option<&str> {
        self.0.tag.as_deref()
    }

    /// Extra addresses told about support-side actions.
    async fn notify_emails(&self) -> Vec<String> {
        form::notify_emails(&self.0)
    }

    /// Whether the requester gets mail about the request.
    async fn follow_up(&self) -> bool {
        self.0.follow_up
    }

    /// Who opened the request.
    async fn requester(&self, ctx: &Context<'_>) -> ApiResult<Option<Contact>> {
        load_contact(ctx, Some(self.0.requester_contact_id)).await
    }

    /// The agent working on it.
    async fn assignee(&self, ctx: &Context<'_>) -> ApiResult<Option<Contact>> {
        load_contact(ctx, self.0.assignee_contact_id).await
    }

    /// When the draft was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Last change.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// When it was submitted.
    async fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.0.submitted_at
    }

    /// When it entered its current state.
    async fn state_changed_at(&self) -> DateTime<Utc> {
        self.0.state_changed_at
    }

    /// When it was closed.
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.closed_at
    }

    /// When a proposed solution closes by itself without an answer.
    async fn auto_close_at(&self) -> Option<DateTime<Utc>> {
        self.0.auto_close_at
    }

    /// Until when a closed request can be reopened.
    async fn reopenable_until(&self, ctx: &Context<'_>) -> ApiResult<Option<DateTime<Utc>>> {
        let Some(closed_at) = self.0.closed_at else {
            return Ok(None);
        };
        let company =
            crate::companies::repo::find(deps(ctx)?.db.reader(), self.0.company_id).await?;
        Ok(company.map(|c| closed_at + chrono::Duration::seconds(c.reopen_window_secs)))
    }

    /// The actions the caller may take now (the reopen window aside).
    async fn allowed_actions(&self, ctx: &Context<'_>) -> ApiResult<Vec<RequestActionGql>> {
        let worker = worker(ctx).await?;
        Ok(
            lifecycle::allowed(self.0.state.into(), access::side(&worker))
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    }

    /// The recap check of a draft: every missing or invalid field, by field. Empty when it can
    /// be submitted (and for submitted requests).
    async fn submission_problems(&self, ctx: &Context<'_>) -> ApiResult<Vec<InputProblem>> {
        if self.0.state != entity::RequestState::Draft {
            return Ok(Vec::new());
        }
        let today = deps(ctx)?.clock.now().date_naive();
        RequestForm::of(&self.0)
            .problems(today)
            .into_iter()
            .map(InputProblem::from_error)
            .collect()
    }

    /// Messages, oldest first; `side` keeps one side's.
    async fn messages(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (1 to 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last message seen.")] after: Option<String>,
        #[graphql(desc = "Only this side's messages.")] side: Option<RequestSideGql>,
    ) -> ApiResult<RequestMessageConnection> {
        let deps = deps(ctx)?;
        let page =
            PageRequest::parse(first, after.as_deref(), deps.settings.graphql.max_page_size)?;
        let rows = repo::messages(deps.db.reader(), self.0.id, side.map(Into::into), &page).await?;
        let ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
        let attached = attachments::of_messages(deps.db.reader(), &ids).await?;
        let page = Page::from_rows(&page, rows, |m| repo::id_cursor(m.id));
        let node = |row: request_message::Model| RequestMessage {
            attachments: Some(attached.get(&row.id).cloned().unwrap_or_default()),
            row,
        };
        Ok(connection(page, node, |edges, page_info| {
            RequestMessageConnection { edges, page_info }
        }))
    }

    /// Every state change and field edit, oldest first.
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (1 to 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last entry seen.")] after: Option<String>,
    ) -> ApiResult<RequestEventConnection> {
        let deps = deps(ctx)?;
        let page =
            PageRequest::parse(first, after.as_deref(), deps.settings.graphql.max_page_size)?;
        let rows = repo::history(deps.db.reader(), self.0.id, &page).await?;
        let page = Page::from_rows(&page, rows, |e| repo::id_cursor(e.id));
        Ok(connection(page, RequestEvent, |edges, page_info| {
            RequestEventConnection { edges, page_info }
        }))
    }

    /// Every file attached to the request (to its form or to its messages), oldest first.
    async fn attachments(&self, ctx: &Context<'_>) -> ApiResult<Vec<RequestAttachment>> {
        let rows = attachments::of_request(deps(ctx)?.db.reader(), self.0.id).await?;
        Ok(rows.into_iter().map(RequestAttachment).collect())
    }

    /// People following the request besides its requester.
    async fn watchers(&self, ctx: &Context<'_>) -> ApiResult<Vec<RequestWatcher>> {
        Ok(repo::watchers(deps(ctx)?.db.reader(), self.0.id)
            .await?
            .into_iter()
            .map(RequestWatcher)
            .collect())
    }
}

/// Builds a connection from a page.
fn connection<T, N, C>(
    page: Page<T>,
    node: impl Fn(T) -> N,
    build: impl FnOnce(Vec<Edge<N>>, PageInfo) -> C,
) -> C
where
    N: async_graphql::OutputType,
{
    let edges: Vec<Edge<N>> = page
        .items
        .into_iter()
        .map(|(cursor, item)| Edge {
            cursor: cursor.encode(),
            node: node(item),
        })
        .collect();
    let info = PageInfo {
        has_next_page: page.has_next_page,
        has_previous_page: page.has_previous_page,
        start_cursor: edges.first().map(|e| e.cursor.clone()),
        end_cursor: edges.last().map(|e| e.cursor.clone()),
    };
    build(edges, info)
}

/// An item of a list, with its cursor.
#[derive(SimpleObject)]
#[graphql(concrete(name = "RequestEdge", params(Request)))]
#[graphql(concrete(name = "RequestMessageEdge", params(RequestMessage)))]
#[graphql(concrete(name = "RequestEventEdge", params(RequestEvent)))]
pub struct Edge<N: async_graphql::OutputType> {
    /// Opaque position of this edge.
    pub cursor: String,
    /// The item.
    pub node: N,
}

/// A page of requests.
#[derive(SimpleObject)]
pub struct RequestConnection {
    /// The requests of this page, newest first.
    pub edges: Vec<Edge<Request>>,
    /// Paging information.
    pub page_info: PageInfo,
}

/// A page of messages.
#[derive(SimpleObject)]
pub struct RequestMessageConnection {
    /// The messages of this page, oldest first.
    pub edges: Vec<Edge<RequestMessage>>,
    /// Paging information.
    pub page_info: PageInfo,
}

/// A page of history.
#[derive(SimpleObject)]
pub struct RequestEventConnection {
    /// The entries of this page, oldest first.
    pub edges: Vec<Edge<RequestEvent>>,
    /// Paging information.
    pub page_info: PageInfo,
}

/// A message on a request.
pub struct RequestMessage {
    row: request_message::Model,
    /// Its attachments, when the page that listed it loaded them all in one query.
    attachments: Option<Vec<request_attachment::Model>>,
}

impl RequestMessage {
    /// A message whose attachments are read when asked for.
    pub fn new(row: request_message::Model) -> Self {
        Self {
            row,
            attachments: None,
        }
    }
}

/// A message on a request.
#[Object]
impl RequestMessage {
    /// Opaque ID.
    async fn id(&self) -> ID {
        NodeId::new(NodeKind::Message, self.row.id)
            .to_string()
            .into()
    }

    /// Which side wrote it.
    async fn side(&self) -> RequestSideGql {
        self.row.side.into()
    }

    /// The lifecycle action it came with (a question, an answer, a reason, a final answer).
    async fn action(&self) -> Option<RequestActionGql> {
        self.row
            .action
            .as_deref()
            .and_then(crate::requests::action_of_code)
            .map(Into::into)
    }

    /// The text.
    async fn body(&self) -> &str {
        &self.row.body
    }

    /// Who wrote it.
    async fn author(&self, ctx: &Context<'_>) -> ApiResult<Option<Contact>> {
        load_contact(ctx, self.row.author_contact_id).await
    }

    /// The files sent with it.
    async fn attachments(&self, ctx: &Context<'_>) -> ApiResult<Vec<RequestAttachment>> {
        let rows = match &self.attachments {
            Some(rows) => rows.clone(),
            None => attachments::of_messages(deps(ctx)?.db.reader(), &[self.row.id])
                .await?
                .remove(&self.row.id)
                .unwrap_or_default(),
        };
        Ok(rows.into_iter().map(RequestAttachment).collect())
    }

    /// When.
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
}

/// A file attached to a request or to one of its messages.
pub struct RequestAttachment(pub request_attachment::Model);

/// A file attached to a request or to one of its messages. Its bytes are downloaded from
/// `url` with the same session (cookie or bearer token), by people who can see the request.
#[Object]
impl RequestAttachment {
    /// Opaque ID.
    async fn id(&self) -> ID {
        attachment_id(&self.0)
    }

    /// The file name, sanitised (no path, no control or direction-changing characters).
    async fn file_name(&self) -> &str {
        &self.0.file_name
    }

    /// The media type found from the content (not the one the uploader's system claimed).
    async fn content_type(&self) -> &str {
        &self.0.content_type
    }

    /// Size in bytes.
    async fn size_bytes(&self) -> i64 {
        self.0.size_bytes
    }

    /// Hex SHA-256 of the content.
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }

    /// Where to download it: `GET` with the session cookie or `Authorization: Bearer`.
    async fn url(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let base = deps(ctx)?.settings.http.public_url.trim_end_matches('/');
        Ok(format!(
            "{base}/attachments/{}",
            attachment_id(&self.0).as_str()
        ))
    }

    /// The message it came with; `null` for files attached to the request's form.
    async fn message_id(&self) -> Option<ID> {
        self.0
            .message_id
            .map(|id| NodeId::new(NodeKind::Message, id).to_string().into())
    }

    /// Who uploaded it.
    async fn uploaded_by(&self, ctx: &Context<'_>) -> ApiResult<Option<Contact>> {
        load_contact(ctx, self.0.uploaded_by_contact_id).await
    }

    /// When.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

fn attachment_id(row: &request_attachment::Model) -> ID {
    NodeId::new(NodeKind::Attachment, row.id).to_string().into()
}

/// An entry of a request's history.
pub struct RequestEvent(pub request_event::Model);

/// An entry of a request's history: a state change (from, to, who, when, comment), a field
/// edit, an assignment, a watcher added or removed, a reminder.
#[Object]
impl RequestEvent {
    /// `STATE_CHANGED`, `FIELD_CHANGED`, `ASSIGNED`, `WATCHER_ADDED`, `WATCHER_REMOVED` or
    /// `REMINDER_SENT`.
    async fn kind(&self) -> &str {
        &self.0.kind
    }

    /// The lifecycle action of a state change (`SAVE_DRAFT` for the first one), or the
    /// reminder sent.
    async fn action(&self) -> Option<&str> {
        self.0.action.as_deref()
    }

    /// The state before.
    async fn from_state(&self) -> Option<RequestStateGql> {
        self.0.from_state.map(Into::into)
    }

    /// The state after.
    async fn to_state(&self) -> Option<RequestStateGql> {
        self.0.to_state.map(Into::into)
    }

    /// The field edited (`assignee` and `watchers` for those entries).
    async fn field(&self) -> Option<&str> {
        self.0.field.as_deref()
    }

    /// The value before, as JSON (contact IDs for assignments and watchers).
    async fn before(&self) -> Option<String> {
        id_or_json(self.0.before.as_deref(), self.0.field.as_deref())
    }

    /// The value after, as JSON (contact IDs for assignments and watchers).
    async fn after(&self) -> Option<String> {
        id_or_json(self.0.after.as_deref(), self.0.field.as_deref())
    }

    /// The text that came with the action.
    async fn comment(&self) -> Option<&str> {
        self.0.comment.as_deref()
    }

    /// Which side acted.
    async fn side(&self) -> RequestSideGql {
        self.0.side.into()
    }

    /// Who acted; `null` for the portal itself.
    async fn actor(&self, ctx: &Context<'_>) -> ApiResult<Option<Contact>> {
        load_contact(ctx, self.0.actor_contact_id).await
    }

    /// When.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
}

/// Contact UUIDs stored in history become API IDs.
fn id_or_json(value: Option<&str>, field: Option<&str>) -> Option<String> {
    let value = value?;
    match field {
        Some("assignee" | "watchers") => Some(
            Uuid::try_parse(value)
                .map(|id| NodeId::new(NodeKind::Contact, id).to_string())
                .unwrap_or_else(|_| value.to_owned()),
        ),
        _ => Some(value.to_owned()),
    }
}

/// Someone following a request.
pub struct RequestWatcher(pub request_watcher::Model);

/// Someone following a request.
#[Object]
impl RequestWatcher {
    /// The contact.
    async fn contact(&self, ctx: &Context<'_>) -> ApiResult<Option<Contact>> {
        load_contact(ctx, Some(self.0.contact_id)).await
    }

    /// Whether they get mail about support-side actions.
    async fn wants_mail(&self) -> bool {
        self.0.wants_mail
    }

    /// When they started following.
    async fn added_at(&self) -> DateTime<Utc> {
        self.0.added_at
    }
}

/// Which requests to list.
#[derive(InputObject, Debug, Clone, Default)]
pub struct RequestFilterInput {
    /// Only requests in these states (all when empty or absent).
    pub states: Option<Vec<RequestStateGql>>,
    /// Only the caller's own requests (customers).
    #[graphql(default)]
    pub mine: bool,
    /// Only requests assigned to the caller (support).
    #[graphql(default)]
    pub assigned_to_me: bool,
    /// Only requests nobody is assigned to.
    #[graphql(default)]
    pub unassigned: bool,
}

#[derive(Default)]
pub struct RequestQuery;

#[Object]
impl RequestQuery {
    /// A request by its ID or its human ID (`SR-2026-000123`); `null` when unknown or not
    /// visible to the caller.
    async fn request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request's ID.")] id: Option<ID>,
        #[graphql(desc = "The request's human ID.")] human_id: Option<String>,
    ) -> ApiResult<Option<Request>> {
        let deps = deps(ctx)?;
        let worker = worker(ctx).await?;
        match (id, human_id) {
            (Some(id), None) => {
                let Ok(id) = NodeId::expect(&id, NodeKind::Request, "id", "request") else {
                    return Ok(None);
                };
                match service::find_visible(deps, &worker, id).await {
                    Ok(row) => Ok(Some(Request(row))),
                    Err(ApiError::NotFound { .. }) => Ok(None),
                    Err(err) => Err(err),
                }
            }
            (None, Some(human_id)) => Ok(service::find_by_human_id(deps, &worker, &human_id)
                .await?
                .map(Request)),
            _ => Err(ApiError::bad_input(
                "id",
                InputReason::Required,
                "give either id or humanId",
            )),
        }
    }

    /// The requests the caller may see, newest first: customers their own (and, with a team
    /// role, their company's submitted ones), the support every submitted request. Drafts
    /// only to their author.
    async fn requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (1 to 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last request seen.")] after: Option<String>,
        #[graphql(desc = "Which requests.")] filter: Option<RequestFilterInput>,
    ) -> ApiResult<RequestConnection> {
        let deps = deps(ctx)?;
        let worker = worker(ctx).await?;
        let page =
            PageRequest::parse(first, after.as_deref(), deps.settings.graphql.max_page_size)?;
        let filter = filter.unwrap_or_default();
        let mut condition = Condition::all().add(access::visible(&worker));
        if let Some(states) = filter.states.filter(|s| !s.is_empty()) {
            let states: Vec<entity::RequestState> = states.into_iter().map(Into::into).collect();
            condition = condition.add(request::Column::State.is_in(states));
        }
        if filter.mine {
            condition = condition.add(request::Column::RequesterContactId.eq(worker.contact_id()));
        }
        if filter.assigned_to_me {
            condition = condition.add(request::Column::AssigneeContactId.eq(worker.contact_id()));
        }
        if filter.unassigned {
            condition = condition.add(request::Column::AssigneeContactId.is_null());
        }
        let rows = repo::list(deps.db.reader(), condition, &page).await?;
        let page = Page::from_rows(&page, rows, |r| repo::id_cursor(r.id));
        Ok(connection(page, Request, |edges, page_info| {
            RequestConnection { edges, page_info }
        }))
    }
}

/// The fields of the request form; every one may be missing in a draft.
#[derive(InputObject, Debug, Clone, Default)]
pub struct RequestFormInput {
    /// What the request is about.
    pub category: Option<RequestCategoryGql>,
    /// Bug or question (software usage only).
    pub kind: Option<RequestKindGql>,
    /// How urgent it is.
    pub urgency: Option<UrgencyGql>,
    /// Title (the abstract), up to 200 characters.
    pub title: Option<String>,
    /// Description, up to 20,000 characters.
    pub description: Option<String>,
    /// Product or equipment concerned.
    pub product: Option<String>,
    /// The environment the problem happens in.
    pub environment: Option<Environment>,
    /// Whether it worked before (default no).
    #[graphql(default)]
    pub regression: bool,
    /// When the problem started (`YYYY-MM-DD`, not in the future).
    pub started_on: Option<String>,
    /// Whether it happened before.
    pub happened_before: Option<bool>,
    /// How many users are affected (at least 1).
    pub affected_users: Option<i32>,
    /// An identifier in the product (e.g. an envelope ID).
    pub external_reference: Option<String>,
    /// The customer's internal reference.
    pub tag: Option<String>,
    /// Extra addresses told about support-side actions (up to 20).
    #[graphql(default)]
    pub notify_emails: Vec<String>,
    /// Whether the requester gets mail about the request (default yes).
    #[graphql(default = true)]
    pub follow_up: bool,
}

fn parse_date(raw: Option<&str>, field: &str) -> ApiResult<Option<NaiveDate>> {
    raw.map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| {
            NaiveDate::parse_from_str(r, "%Y-%m-%d").map_err(|_| {
                ApiError::bad_input(
                    field,
                    InputReason::InvalidFormat,
                    "must be a date YYYY-MM-DD",
                )
            })
        })
        .transpose()
}

impl RequestFormInput {
    fn into_form(self) -> ApiResult<RequestForm> {
        let environment = self.environment.unwrap_or_default();
        Ok(RequestForm {
            category: self.category.map(Into::into),
            kind: self.kind.map(Into::into),
            urgency: self.urgency.map(Into::into),
            title: self.title,
            description: self.description,
            product: self.product,
            environment_module: environment.module,
            environment_os: environment.os,
            environment_browser: environment.browser,
            environment_version: environment.version,
            regression: self.regression,
            started_on: parse_date(self.started_on.as_deref(), "startedOn")?,
            happened_before: self.happened_before,
            affected_users: self.affected_users,
            external_reference: self.external_reference,
            tag: self.tag,
            notify_emails: self.notify_emails,
            follow_up: self.follow_up,
        })
    }
}

/// A draft to create or replace.
#[derive(InputObject, Debug)]
pub struct SaveRequestDraftInput {
    /// The draft to replace; absent to create one (for the company the caller acts for).
    pub request_id: Option<ID>,
    /// The draft's version as read; a stale one gets `CONFLICT`.
    pub version: Option<i32>,
    /// Every field of the form.
    pub form: RequestFormInput,
    /// Retrying a creation with the same key returns the first draft.
    pub idempotency_key: Option<String>,
}

/// The saved draft and its recap check.
#[derive(SimpleObject)]
pub struct SaveRequestDraftPayload {
    /// The draft.
    pub request: Request,
    /// What still stops its submission, by field.
    pub problems: Vec<InputProblem>,
}

/// A draft to submit.
#[derive(InputObject, Debug)]
pub struct SubmitRequestInput {
    /// The draft.
    pub request_id: ID,
    /// The draft's version as read.
    pub version: Option<i32>,
}

/// The submitted request, or every problem that stops it.
#[derive(SimpleObject)]
pub struct SubmitRequestPayload {
    /// The submitted request with its human ID; `null` when the form has problems.
    pub request: Option<Request>,
    /// Every missing or invalid field, by field; empty on success.
    pub problems: Vec<InputProblem>,
}

/// A lifecycle action.
#[derive(InputObject, Debug)]
pub struct TransitionRequestInput {
    /// The request.
    pub request_id: ID,
    /// The version as read; a stale one gets `CONFLICT` with the current state.
    pub version: Option<i32>,
    /// The action.
    pub action: RequestActionGql,
    /// The question, answer, reason or final answer (required where the action needs one).
    pub text: Option<String>,
    /// Files that go with the text (multipart requests only).
    pub attachments: Option<Vec<Upload>>,
}

/// The request after the action.
#[derive(SimpleObject)]
pub struct RequestPayload {
    /// The request.
    pub request: Request,
}

/// A message to add.
#[derive(InputObject, Debug)]
pub struct AddRequestMessageInput {
    /// The request.
    pub request_id: ID,
    /// The text.
    pub body: String,
    /// Files sent with the message (multipart requests only).
    pub attachments: Option<Vec<Upload>>,
    /// Retrying with the same key returns the first message.
    pub idempotency_key: Option<String>,
}

/// Files to attach to the caller's own draft.
#[derive(InputObject, Debug)]
pub struct AddDraftAttachmentsInput {
    /// The draft.
    pub request_id: ID,
    /// The files (multipart requests only).
    pub files: Vec<Upload>,
}

/// The draft with its new attachments.
#[derive(SimpleObject)]
pub struct AddDraftAttachmentsPayload {
    /// The draft.
    pub request: Request,
    /// The files just attached.
    pub attachments: Vec<RequestAttachment>,
}

/// An attachment to take off the caller's own draft.
#[derive(InputObject, Debug)]
pub struct RemoveDraftAttachmentInput {
    /// The attachment.
    pub attachment_id: ID,
}

/// The added message.
#[derive(SimpleObject)]
pub struct AddRequestMessagePayload {
    /// The request (its state unchanged).
    pub request: Request,
    /// The message.
    pub message: RequestMessage,
}

/// An assignment.
#[derive(InputObject, Debug)]
pub struct AssignRequestInput {
    /// The request.
    pub request_id: ID,
    /// The version as read.
    pub version: Option<i32>,
    /// The agent (a contact of the provider); absent to take the request yourself. Only
    /// managers assign to others.
    pub agent_id: Option<ID>,
}

/// Changes to a submitted request; absent fields keep their value.
#[derive(InputObject, Debug)]
pub struct UpdateRequestInput {
    /// The request.
    pub request_id: ID,
    /// The version as read.
    pub version: Option<i32>,
    /// Support: the category.
    pub category: Option<RequestCategoryGql>,
    /// Support: the kind.
    pub kind: Option<RequestKindGql>,
    /// Support: the urgency.
    pub urgency: Option<UrgencyGql>,
    /// Support: the product or equipment.
    pub product: Option<String>,
    /// Customer: the internal reference (empty to clear).
    pub tag: Option<String>,
    /// Requester: whether they get mail.
    pub follow_up: Option<bool>,
    /// Customer: the extra addresses to notify.
    pub notify_emails: Option<Vec<String>>,
}

/// The edited request, or every problem.
#[derive(SimpleObject)]
pub struct UpdateRequestPayload {
    /// The request; `null` when the edit has problems.
    pub request: Option<Request>,
    /// Every problem, by field.
    pub problems: Vec<InputProblem>,
}

/// A watcher to add or change.
#[derive(InputObject, Debug)]
pub struct AddRequestWatcherInput {
    /// The request.
    pub request_id: ID,
    /// The contact who watches.
    pub contact_id: ID,
    /// Whether they get mail about support-side actions.
    #[graphql(default = true)]
    pub wants_mail: bool,
}

/// A watcher to remove.
#[derive(InputObject, Debug)]
pub struct RemoveRequestWatcherInput {
    /// The request.
    pub request_id: ID,
    /// The contact.
    pub contact_id: ID,
}

fn parse_request_id(raw: &ID, field: &str) -> ApiResult<Uuid> {
    NodeId::expect(raw, NodeKind::Request, field, "request")
}

fn problems(errors: Vec<ApiError>) -> ApiResult<Vec<InputProblem>> {
    errors.into_iter().map(InputProblem::from_error).collect()
}

/// The request a form operation produced, or its problems.
fn form_outcome(
    outcome: Result<request::Model, Vec<ApiError>>,
) -> ApiResult<(Option<Request>, Vec<InputProblem>)> {
    match outcome {
        Ok(row) => Ok((Some(Request(row)), Vec::new())),
        Err(errors) => Ok((None, problems(errors)?)),
    }
}

fn key(raw: Option<&str>) -> ApiResult<Option<IdempotencyKey>> {
    raw.map(|k| IdempotencyKey::parse(k, "idempotencyKey"))
        .transpose()
}

#[derive(Default)]
pub struct RequestMutation;

#[Object]
impl RequestMutation {
    /// Saves a draft request: creates one, or replaces the fields of the caller's own draft.
    /// Missing fields are fine; the payload's `problems` say what submission still needs.
    async fn save_request_draft(
        &self,
        ctx: &Context<'_>,
        input: SaveRequestDraftInput,
    ) -> ApiResult<SaveRequestDraftPayload> {
        let deps = deps(ctx)?;
        let worker = worker(ctx).await?;
        let id = input
            .request_id
            .as_ref()
            .map(|id| parse_request_id(id, "requestId"))
            .transpose()?;
        let key = key(input.idempotency_key.as_deref())?;
        let form = input.form.into_form()?;
        let saved =
            service::save_draft(deps, &worker, id, input.version, form, key.as_ref()).await?;
        let today = deps.clock.now().date_naive();
        let problems = problems(RequestForm::of(&saved).problems(today))?;
        Ok(SaveRequestDraftPayload {
            request: Request(saved),
            problems,
        })
    }

    /// Submits a draft: it gets its human ID and goes to the support. When fields are missing
    /// or invalid, every problem comes back and nothing changes.
    async fn submit_request(
        &self,
        ctx: &Context<'_>,
        input: SubmitRequestInput,
    ) -> ApiResult<SubmitRequestPayload> {
        let deps = deps(ctx)?;
        let worker = worker(ctx).await?;
        let id = parse_request_id(&input.request_id, "requestId")?;
        let (request, problems) =
            form_outcome(service::submit(deps, &worker, id, input.version).await?)?;
        Ok(SubmitRequestPayload { request, problems })
    }

    /// Takes a lifecycle action. Not allowed now: `ACTION_NOT_ALLOWED` with the current
    /// `state` and the `allowedActions`; stale version: `CONFLICT` with the current state.
    async fn transition_request(
        &self,
        ctx: &Context<'_>,
        input: TransitionRequestInput,
    ) -> ApiResult<RequestPayload> {
        let deps = deps(ctx)?;
        let worker = worker(ctx).await?;
        let id = parse_request_id(&input.request_id, "requestId")?;
        let action: ActionKind = input.action.into();
        let uploads = input.attachments.unwrap_or_default();
        let files = upload::received(ctx, &uploads, "attachments")?;
        let row = service::transition(deps, &worker, id, input.version, action, input.text, &files)
            .await?;
        Ok(RequestPayload {
            request: Request(row),
        })
    }

    /// Writes a message on an open request; its state does not change.
    async fn add_request_message(
        &self,
        ctx: &Context<'_>,
        input: AddRequestMessageInput,
    ) -> ApiResult<AddRequestMessagePayload> {
        let deps = deps(ctx)?;
        let worker = worker(ctx).await?;
        let id = parse_request_id(&input.request_id, "requestId")?;
        let key = key(input.idempotency_key.as_deref())?;
        let uploads = input.attachments.unwrap_or_default();
        let files = upload::received(ctx, &uploads, "attachments")?;
        let (row, message) =
            service::add_message(deps, &worker, id, &input.body, &files, key.as_ref()).await?;
        Ok(AddRequestMessagePayload {
            request: Request(row),
            message: RequestMessage::new(message),
        })
    }

    /// Attaches files to the caller's own draft (a GraphQL multipart request). Once the
    /// request is submitted, files go with messages instead.
    async fn add_draft_attachments(
        &self,
        ctx: &Context<'_>,
        input: AddDraftAttachmentsInput,
    ) -> ApiResult<AddDraftAttachmentsPayload> {
        let deps = deps(ctx)?;
        let worker = worker(ctx).await?;
        let id = parse_request_id(&input.request_id, "requestId")?;
        let files = upload::received(ctx, &input.files, "files")?;
        let (row, added) = attachments::add_to_draft(deps, &worker, id, &files).await?;
        Ok(AddDraftAttachmentsPayload {
            request: Request(row),
            attachments: added.into_iter().map(RequestAttachment).collect(),
        })
    }

    /// Takes an attachment off the caller's own draft and deletes its file. Attachments of
    /// submitted requests stay.
    async fn remove_draft_attachment(
        &self,
        ctx: &Context<'_>,
        input: RemoveDraftAttachmentInput,
    ) -> ApiResult<RequestPayload> {
        let deps = deps(ctx)?;
        let worker = worker(ctx).await?;
        let id = NodeId::expect(
            &input.attachment_id,
            NodeKind::Attachment,
            "attachmentId",
            "attachment",
        )?;
        let row = attachments::remove_from_draft(deps, &worker, id).await?;
        Ok(RequestPayload {
            request: Request(row),
        })
    }

    /// Assigns an open request: agents take it, managers give it to any agent.
    async fn assign_request(
        &self,
        ctx: &Context<'_>,
        input: AssignRequestInput,
    ) -> ApiResult<RequestPayload> {
        let deps = deps(ctx)?;
        let RequestWorker::Staff(staff) = worker(ctx).await? else {
            return Err(ApiError::Forbidden);
        };
        let id = parse_request_id(&input.request_id, "requestId")?;
        let agent = input
            .agent_id
            .as_ref()
            .map(|raw| NodeId::expect(raw, NodeKind::Contact, "agentId", "agent"))
            .transpose()?;
        let row = service::assign(deps, &staff, id, input.version, agent).await?;
        Ok(RequestPayload {
            request: Request(row),
        })
    }

    /// Edits a submitted, open request: the support its classification, the customer the
    /// tag, follow-up and addresses to notify. Every change goes to the history.
    async fn update_request(
        &self,
        ctx: &Context<'_>,
        input: UpdateRequestInput,
    ) -> ApiResult<UpdateRequestPayload> {
        let deps = deps(ctx)?;
        let worker = worker(ctx).await?;
        let id = parse_request_id(&input.request_id, "requestId")?;
        let edit = RequestEdit {
            category: input.category.map(Into::into),
            kind: input.kind.map(|k| Some(k.into())),
            urgency: input.urgency.map(Into::into),
            product: input.product.map(Some),
            tag: input.tag.map(Some),
            follow_up: input.follow_up,
            notify_emails: input.notify_emails,
        };
        let (request, problems) =
            form_outcome(service::update(deps, &worker, id, input.version, edit).await?)?;
        Ok(UpdateRequestPayload { request, problems })
    }

    /// Adds a watcher (a contact of the request's company; the support may add agents too), or
    /// changes whether they get mail.
    async fn add_request_watcher(
        &self,
        ctx: &Context<'_>,
        input: AddRequestWatcherInput,
    ) -> ApiResult<RequestPayload> {
        let deps = deps(ctx)?;
        let worker = worker(ctx).await?;
        let id = parse_request_id(&input.request_id, "requestId")?;
        let contact = NodeId::expect(&input.contact_id, NodeKind::Contact, "contactId", "contact")?;
        let row = service::add_watcher(deps, &worker, id, contact, input.wants_mail).await?;
        Ok(RequestPayload {
            request: Request(row),
        })
    }

    /// Removes a watcher.
    async fn remove_request_watcher(
        &self,
        ctx: &Context<'_>,
        input: RemoveRequestWatcherInput,
    ) -> ApiResult<RequestPayload> {
        let deps = deps(ctx)?;
        let worker = worker(ctx).await?;
        let id = parse_request_id(&input.request_id, "requestId")?;
        let contact = NodeId::expect(&input.contact_id, NodeKind::Contact, "contactId", "contact")?;
        let row = service::remove_watcher(deps, &worker, id, contact).await?;
        Ok(RequestPayload {
            request: Request(row),
        })
    }
}
