//! `contacts`: an account's membership of one company, with its roles there.
//!
//! The table's CHECK constraints make invalid role combinations impossible to store: at most
//! one support role, optionally combined with Security Administrator, and provider roles only
//! without customer roles.

use sea_orm::entity::prelude::*;

/// The customer-side support role; at most one per contact.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum SupportRole {
    #[sea_orm(string_value = "SUPPORT_RESTRICTED")]
    Restricted,
    #[sea_orm(string_value = "SUPPORT_ADVANCED")]
    Advanced,
    #[sea_orm(string_value = "SUPPORT_ADMINISTRATOR")]
    Administrator,
}

/// The role of a member of the provider organisation.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum ProviderRole {
    #[sea_orm(string_value = "SUPPORT_AGENT")]
    SupportAgent,
    #[sea_orm(string_value = "SUPPORT_MANAGER")]
    SupportManager,
    #[sea_orm(string_value = "PLATFORM_OPERATOR")]
    PlatformOperator,
}

/// Contacts are never deleted; an obsolete one keeps its history.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ContactStatus {
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    #[sea_orm(string_value = "OBSOLETE")]
    Obsolete,
}

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contacts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub company_id: Uuid,
    pub account_id: Uuid,
    pub last_name: String,
    pub first_name: String,
    /// Professional e-mail, normalised (trimmed, lower-case).
    pub email: String,
    /// Folded (lower-case, no diacritics) "last first", for sorting and name search.
    pub name_key: String,
    pub support_role: Option<SupportRole>,
    pub security_admin: bool,
    pub provider_role: Option<ProviderRole>,
    pub status: ContactStatus,
    /// Optimistic-locking version, bumped by every update.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "company_id", to = "id")]
    pub company: BelongsTo<super::company::Entity>,
    #[sea_orm(belongs_to, from = "account_id", to = "id")]
    pub account: BelongsTo<super::account::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
