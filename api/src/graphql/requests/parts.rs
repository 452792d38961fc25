//! The parts of a request: its messages, attachments, history entries and watchers, each
//! handed out by the requests area as visible to the caller.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::enums::{RequestActionGql, RequestSideGql, RequestStateGql};
use crate::error::ApiResult;
use crate::graphql::context::deps;
use crate::graphql::loaders::loader;
use crate::graphql::types::Contact;
use crate::ids::{AttachmentId, ContactId, NodeId, NodeKind};
use crate::requests::{self, Visible, batches, history};

/// A message on a request.
pub struct RequestMessage {
    message: Visible<requests::Message>,
    /// Its attachments, when the page that listed it loaded them all in one query.
    attachments: Option<Vec<Visible<requests::Attachment>>>,
}

impl RequestMessage {
    /// A message whose attachments are read when asked for.
    pub fn new(message: Visible<requests::Message>) -> Self {
        Self {
            message,
            attachments: None,
        }
    }

    /// A message listed with its attachments.
    pub fn with_attachments(
        message: Visible<requests::Message>,
        attachments: Vec<Visible<requests::Attachment>>,
    ) -> Self {
        Self {
            message,
            attachments: Some(attachments),
        }
    }
}

/// A message on a request.
#[Object]
impl RequestMessage {
    /// Opaque ID.
    async fn id(&self) -> ID {
        NodeId::new(NodeKind::Message, self.message.get().id)
            .to_string()
            .into()
    }

    /// Which side wrote it.
    async fn side(&self) -> RequestSideGql {
        self.message.get().side.into()
    }

    /// The lifecycle action it came with (a question, an answer, a reason, a final answer).
    async fn action(&self) -> Option<RequestActionGql> {
        self.message
            .get()
            .action
            .as_deref()
            .and_then(crate::requests::action_of_code)
            .map(Into::into)
    }

    /// The text.
    async fn body(&self) -> &str {
        &self.message.get().body
    }

    /// Who wrote it.
    async fn author(&self, ctx: &Context<'_>) -> ApiResult<Option<Contact>> {
        let Some(key) = batches::author_key(&self.message) else {
            return Ok(None);
        };
        Ok(loader(ctx)?.one(key).await?.map(Contact))
    }

    /// The files sent with it.
    async fn attachments(&self, ctx: &Context<'_>) -> ApiResult<Vec<RequestAttachment>> {
        let files = match &self.attachments {
            Some(files) => files.clone(),
            None => requests::message_attachments(deps(ctx)?, &self.message).await?,
        };
        Ok(files.into_iter().map(RequestAttachment).collect())
    }

    /// When.
    async fn created_at(&self) -> DateTime<Utc> {
        self.message.get().created_at
    }
}

/// A file attached to a request or to one of its messages.
pub struct RequestAttachment(pub Visible<requests::Attachment>);

/// A file attached to a request or to one of its messages. Its bytes are downloaded from
/// `url` with the same session (cookie or bearer token), by people who can see the request.
#[Object]
impl RequestAttachment {
    /// Opaque ID.
    async fn id(&self) -> ID {
        attachment_id(self.0.get())
    }

    /// The file name, sanitised (no path, no control or direction-changing characters).
    async fn file_name(&self) -> &str {
        &self.0.get().file_name
    }

    /// The media type found from the content (not the one the uploader's system claimed).
    async fn content_type(&self) -> &str {
        &self.0.get().content_type
    }

    /// Size in bytes.
    async fn size_bytes(&self) -> i64 {
        self.0.get().size_bytes
    }

    /// Hex SHA-256 of the content.
    async fn sha256(&self) -> &str {
        &self.0.get().sha256
    }

    /// Where to download it: `GET` with the session cookie or `Authorization: Bearer`.
    async fn url(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let base = deps(ctx)?.settings.http.public_url.trim_end_matches('/');
        Ok(format!(
            "{base}/attachments/{}",
            attachment_id(self.0.get()).as_str()
        ))
    }

    /// The message it came with; `null` for files attached to the request's form.
    async fn message_id(&self) -> Option<ID> {
        self.0
            .get()
            .message_id
            .map(|id| NodeId::new(NodeKind::Message, id).to_string().into())
    }

    /// Who uploaded it.
    async fn uploaded_by(&self, ctx: &Context<'_>) -> ApiResult<Option<Contact>> {
        let Some(key) = batches::uploader_key(&self.0) else {
            return Ok(None);
        };
        Ok(loader(ctx)?.one(key).await?.map(Contact))
    }

    /// When.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.get().created_at
    }
}

fn attachment_id(row: &requests::Attachment) -> ID {
    NodeId::of(AttachmentId::from_uuid(row.id))
        .to_string()
        .into()
}

/// An entry of a request's history.
pub struct RequestEvent(pub Visible<requests::HistoryEntry>);

/// An entry of a request's history: a state change (from, to, who, when, comment), a field
/// edit, an assignment, a watcher added or removed, a reminder.
#[Object]
impl RequestEvent {
    /// `STATE_CHANGED`, `FIELD_CHANGED`, `ASSIGNED`, `WATCHER_ADDED`, `WATCHER_REMOVED` or
    /// `REMINDER_SENT`.
    async fn kind(&self) -> &str {
        &self.0.get().kind
    }

    /// The lifecycle action of a state change (`SAVE_DRAFT` for the first one), or the
    /// reminder sent.
    async fn action(&self) -> Option<&str> {
        self.0.get().action.as_deref()
    }

    /// The state before.
    async fn from_state(&self) -> Option<RequestStateGql> {
        self.0.get().from_state.map(Into::into)
    }

    /// The state after.
    async fn to_state(&self) -> Option<RequestStateGql> {
        self.0.get().to_state.map(Into::into)
    }

    /// The field edited (`assignee` and `watchers` for those entries).
    async fn field(&self) -> Option<&str> {
        self.0.get().field.as_deref()
    }

    /// The value before, as JSON (contact IDs for assignments and watchers).
    async fn before(&self) -> Option<String> {
        id_or_json(
            self.0.get().before.as_deref(),
            self.0.get().field.as_deref(),
        )
    }

    /// The value after, as JSON (contact IDs for assignments and watchers).
    async fn after(&self) -> Option<String> {
        id_or_json(self.0.get().after.as_deref(), self.0.get().field.as_deref())
    }

    /// The text that came with the action.
    async fn comment(&self) -> Option<&str> {
        self.0.get().comment.as_deref()
    }

    /// Which side acted.
    async fn side(&self) -> RequestSideGql {
        self.0.get().side.into()
    }

    /// Who acted; `null` for the portal itself.
    async fn actor(&self, ctx: &Context<'_>) -> ApiResult<Option<Contact>> {
        let Some(key) = batches::actor_key(&self.0) else {
            return Ok(None);
        };
        Ok(loader(ctx)?.one(key).await?.map(Contact))
    }

    /// When.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.get().occurred_at
    }
}

/// Contact UUIDs stored in history become API IDs.
fn id_or_json(value: Option<&str>, field: Option<&str>) -> Option<String> {
    let value = value?;
    if !field.is_some_and(history::names_contacts) {
        return Some(value.to_owned());
    }
    Some(
        Uuid::try_parse(value)
            .map(|id| NodeId::of(ContactId::from_uuid(id)).to_string())
            .unwrap_or_else(|_| value.to_owned()),
    )
}

/// Someone following a request.
pub struct RequestWatcher(pub Visible<requests::Watcher>);

/// Someone following a request.
#[Object]
impl RequestWatcher {
    /// The contact.
    async fn contact(&self, ctx: &Context<'_>) -> ApiResult<Option<Contact>> {
        let key = batches::watcher_key(&self.0);
        Ok(loader(ctx)?.one(key).await?.map(Contact))
    }

    /// Whether they get mail about support-side actions.
    async fn wants_mail(&self) -> bool {
        self.0.get().wants_mail
    }

    /// When they started following.
    async fn added_at(&self) -> DateTime<Utc> {
        self.0.get().added_at
    }
}
