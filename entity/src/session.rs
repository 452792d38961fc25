//! `sessions`: an authenticated session; only the SHA-256 of its opaque token is stored.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// SHA-256 of the bearer token; the token itself is never stored.
    #[sea_orm(unique)]
    pub token_hash: Vec<u8>,
    pub account_id: Uuid,
    /// The contact (and so the company) the person acts as in this session.
    pub contact_id: Option<Uuid>,
    /// Whether a second factor was presented when the session was opened.
    pub two_factor: bool,
    pub created_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
    /// Idle expiry, pushed forward on use.
    pub idle_expires_at: DateTimeUtc,
    /// Absolute expiry, never pushed forward.
    pub expires_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    #[sea_orm(belongs_to, from = "account_id", to = "id")]
    pub account: BelongsTo<super::account::Entity>,
    #[sea_orm(belongs_to, from = "contact_id", to = "id")]
    pub contact: BelongsTo<Option<super::contact::Entity>>,
}

impl ActiveModelBehavior for ActiveModel {}
