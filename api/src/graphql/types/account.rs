use async_graphql::{ID, Object};
use chrono::{DateTime, Utc};

use super::enums::{AccountStateGql, LanguageGql};
use crate::accounts;
use crate::domain::Language;
use crate::ids::{AccountId, NodeId};

/// A person's identity: login, e-mail and credentials, shared by every company they are a
/// contact of. Only its owner (and the platform operator) can read it.
pub struct Account(pub accounts::Account);

/// A person's identity: login, e-mail and credentials, shared by every company they are a
/// contact of. Only its owner (and the platform operator) can read it.
#[Object]
impl Account {
    /// Opaque ID.
    pub async fn id(&self) -> ID {
        NodeId::of(AccountId::from_uuid(self.0.id))
            .to_string()
            .into()
    }

    /// Login name (lower-case).
    async fn login(&self) -> &str {
        &self.0.login
    }

    /// E-mail address (lower-case).
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// Name shown in the portal.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// Language of the person's pages and mails.
    async fn language(&self) -> LanguageGql {
        Language::from_code(&self.0.language).into()
    }

    /// Whether the account can log in.
    async fn state(&self) -> AccountStateGql {
        self.0.state.into()
    }

    /// Whether the next login must choose a new password (one-time credentials).
    async fn must_change_password(&self) -> bool {
        self.0.must_change_password
    }

    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
