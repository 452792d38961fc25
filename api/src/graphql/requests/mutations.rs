//! Request mutations: thin resolvers that parse input and call one operation of `requests`.

use async_graphql::{Context, ID, Object};

use super::inputs::{
    AddDraftAttachmentsInput, AddDraftAttachmentsPayload, AddRequestMessageInput,
    AddRequestMessagePayload, AddRequestWatcherInput, AssignRequestInput, DeleteRequestDraftInput,
    DeleteRequestDraftPayload, RemoveDraftAttachmentInput, RemoveRequestWatcherInput,
    RequestPayload, SaveRequestDraftInput, SaveRequestDraftPayload, SubmitRequestInput,
    SubmitRequestPayload, TransitionRequestInput, UpdateRequestInput, UpdateRequestPayload,
};
use super::parts::{RequestAttachment, RequestMessage};
use super::request::Request;
use crate::auth::RequestWorker;
use crate::domain::IdempotencyKey;
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{deps, worker};
use crate::graphql::types::{InputProblem, outcome};
use crate::graphql::upload;
use crate::ids::{AttachmentId, ContactId, NodeId, NodeKind, RequestId};
use crate::requests::lifecycle::ActionKind;
use crate::requests::{self, RequestEdit};

fn parse_request_id(raw: &ID, field: &str) -> ApiResult<RequestId> {
    NodeId::typed(raw, field)
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
        let follow_up_of = input
            .follow_up_of
            .as_ref()
            .map(|id| parse_request_id(id, "followUpOf"))
            .transpose()?;
        let form = input.form.into_form()?;
        let saved = requests::save_draft(
            deps,
            &worker,
            id,
            input.version,
            form,
            key.as_ref(),
            follow_up_of,
        )
        .await?;
        let problems = InputProblem::from_errors(requests::submission_problems(deps, &saved))?;
        Ok(SaveRequestDraftPayload {
            request: Request(saved),
            problems,
        })
    }

    /// Deletes one of your drafts (`ACTION_NOT_ALLOWED` once submitted): it is gone with its
    /// files.
    async fn delete_request_draft(
        &self,
        ctx: &Context<'_>,
        input: DeleteRequestDraftInput,
    ) -> ApiResult<DeleteRequestDraftPayload> {
        let deps = deps(ctx)?;
        let worker = worker(ctx).await?;
        let id = parse_request_id(&input.request_id, "requestId")?;
        requests::delete_draft(deps, &worker, id, input.version).await?;
        Ok(DeleteRequestDraftPayload {
            deleted_request_id: input.request_id,
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
        let submitted = requests::submit(deps, &worker, id, input.version).await?;
        let (request, problems) = outcome(submitted, Request)?;
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
        let row =
            requests::transition(deps, &worker, id, input.version, action, input.text, &files)
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
            requests::add_message(deps, &worker, id, &input.body, &files, key.as_ref()).await?;
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
        let (row, added) = requests::attachments::add_to_draft(deps, &worker, id, &files).await?;
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
        let id = NodeId::typed::<AttachmentId>(&input.attachment_id, "attachmentId")?;
        let row = requests::attachments::remove_from_draft(deps, &worker, id).await?;
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
            .transpose()?
            .map(ContactId::from_uuid);
        let row = requests::assign(deps, &staff, id, input.version, agent).await?;
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
        let updated = requests::update(deps, &worker, id, input.version, edit).await?;
        let (request, problems) = outcome(updated, Request)?;
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
        let contact = NodeId::typed::<ContactId>(&input.contact_id, "contactId")?;
        let row = requests::add_watcher(deps, &worker, id, contact, input.wants_mail).await?;
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
        let contact = NodeId::typed::<ContactId>(&input.contact_id, "contactId")?;
        let row = requests::remove_watcher(deps, &worker, id, contact).await?;
        Ok(RequestPayload {
            request: Request(row),
        })
    }
}
