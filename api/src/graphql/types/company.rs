use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, Utc};

use super::connection::ContactConnection;
use super::contact::{ContactFilterInput, ContactOrderInput};
use super::enums::{CompanyKindGql, LanguageGql};
use super::page_request;
use crate::domain::Language;
use crate::error::ApiResult;
use crate::graphql::context::{actor, deps};
use crate::ids::{CompanyId, NodeId};
use crate::{companies, contacts};

/// A customer company (a "site" or "entity"), or the provider organisation.
pub struct Company(pub companies::Company);

fn seconds(value: i64) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// A customer company (a "site" or "entity"), or the provider organisation.
#[Object]
impl Company {
    /// Opaque ID.
    pub async fn id(&self) -> ID {
        NodeId::of(CompanyId::from_uuid(self.0.id))
            .to_string()
            .into()
    }

    /// Unique, human-readable ID that people quote, e.g. `ACC-004217`.
    async fn human_id(&self) -> &str {
        &self.0.human_id
    }

    /// Account name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Customer company or provider organisation.
    async fn kind(&self) -> CompanyKindGql {
        self.0.kind.into()
    }

    /// Default language of the company's mails.
    async fn language(&self) -> LanguageGql {
        Language::from_code(&self.0.language).into()
    }

    /// Security policy: every contact must use a second factor.
    async fn require_two_factor(&self) -> bool {
        self.0.require_two_factor
    }

    /// A proposed solution left unanswered this long (in seconds) closes the request.
    async fn auto_close_after_seconds(&self) -> i32 {
        seconds(self.0.auto_close_after_secs)
    }

    /// A closed request can be reopened for this long (in seconds) after closing.
    async fn reopen_window_seconds(&self) -> i32 {
        seconds(self.0.reopen_window_secs)
    }

    /// When the company was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the company was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// The company's contacts, for its Support and Security Administrators.
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity + 1")]
    async fn contacts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
        #[graphql(desc = "Which contacts to list.")] filter: Option<ContactFilterInput>,
        #[graphql(desc = "Sort order (default: by name).")] order_by: Option<ContactOrderInput>,
    ) -> ApiResult<ContactConnection> {
        let deps = deps(ctx)?;
        let company = CompanyId::from_uuid(self.0.id);
        let directory = actor(ctx).await?.contact_directory()?.of_company(company)?;
        let page = page_request(deps, first, after)?;
        let filter = filter.map(Into::into).unwrap_or_default();
        let order = order_by.map(Into::into).unwrap_or_default();
        let found = contacts::list(deps, &directory, &filter, order, &page).await?;
        Ok(ContactConnection::new(found, directory, filter))
    }
}

/// Which companies to list.
#[derive(InputObject, Debug, Default)]
pub struct CompanyFilterInput {
    /// Name or human ID contains this text (ignoring case and accents), up to 200
    /// characters.
    pub search: Option<String>,
}
