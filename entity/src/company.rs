//! `companies`: a customer company (a "site" or "entity") or the provider organisation itself.

use sea_orm::entity::prelude::*;

/// Which side of the support relationship a company is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum CompanyKind {
    /// The vendor running the portal; exactly one exists.
    #[sea_orm(string_value = "PROVIDER")]
    Provider,
    /// A customer company whose contacts open requests.
    #[sea_orm(string_value = "CUSTOMER")]
    Customer,
}

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "companies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Human-readable, unique, quoted by people: `ACC-004217`.
    #[sea_orm(unique)]
    pub human_id: String,
    /// The account name shown at the top of every page.
    pub name: String,
    /// Folded (lower-case, no diacritics) name, for sorting and search.
    pub name_key: String,
    pub kind: CompanyKind,
    /// Default language of mails for contacts who chose none (`en` or `fr`).
    pub language: String,
    /// Company policy: every contact must enroll a second factor.
    pub require_two_factor: bool,
    /// A proposed solution left unanswered this long closes the request.
    pub auto_close_after_secs: i64,
    /// A closed request can be reopened this long after closing.
    pub reopen_window_secs: i64,
    /// Optimistic-locking version, bumped by every update.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(has_many)]
    pub contacts: HasMany<super::contact::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
