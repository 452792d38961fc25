//! The inputs and payloads of request mutations.

use async_graphql::{ID, InputObject, SimpleObject};
use chrono::NaiveDate;

use super::enums::{RequestActionGql, RequestCategoryGql, RequestKindGql, UrgencyGql};
use super::parts::{RequestAttachment, RequestMessage};
use super::request::{Environment, Request};
use crate::error::{ApiError, ApiResult, InputReason};
use crate::graphql::types::InputProblem;
use crate::graphql::upload::Upload;
use crate::requests::form::RequestForm;

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
    /// Product or equipment concerned, up to 200 characters.
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
    /// An identifier in the product (e.g. an envelope ID), up to 200 characters.
    pub external_reference: Option<String>,
    /// The customer's internal reference, up to 100 characters.
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
        .map(|r| parse_day(r, field))
        .transpose()
}

/// A date `YYYY-MM-DD`; `INVALID_FORMAT` on `field` otherwise.
pub(crate) fn parse_day(raw: &str, field: &str) -> ApiResult<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        ApiError::bad_input(
            field,
            InputReason::InvalidFormat,
            "must be a date YYYY-MM-DD",
        )
    })
}

impl RequestFormInput {
    pub(super) fn into_form(self) -> ApiResult<RequestForm> {
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
    /// When creating: the closed request this one follows up (a request the caller can see;
    /// an open one answers `ACTION_NOT_ALLOWED`: write a message or reopen it instead).
    pub follow_up_of: Option<ID>,
}

/// The saved draft and its recap check.
#[derive(SimpleObject)]
pub struct SaveRequestDraftPayload {
    /// The draft.
    pub request: Request,
    /// What still stops its submission, by field.
    pub problems: Vec<InputProblem>,
}

/// A draft to delete.
#[derive(InputObject, Debug)]
pub struct DeleteRequestDraftInput {
    /// The draft.
    pub request_id: ID,
    /// The draft's version as read.
    pub version: Option<i32>,
}

/// The deleted draft.
#[derive(SimpleObject)]
pub struct DeleteRequestDraftPayload {
    /// The ID the draft had.
    pub deleted_request_id: ID,
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
    /// The question, answer, reason or final answer (required where the action needs one),
    /// up to 20,000 characters.
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
    /// The text, up to 20,000 characters.
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
    /// Support: the product or equipment (up to 200 characters).
    pub product: Option<String>,
    /// Customer: the internal reference (empty to clear), up to 100 characters.
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
