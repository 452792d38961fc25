//! `accounts`: a person's identity (login, e-mail, credentials), shared by all the companies
//! the person is a contact of.

use sea_orm::entity::prelude::*;

/// Life cycle of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum AccountState {
    /// Created, set-up link sent, no password chosen yet.
    #[sea_orm(string_value = "PENDING")]
    Pending,
    /// Can log in.
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    /// Cannot log in; kept for history.
    #[sea_orm(string_value = "DISABLED")]
    Disabled,
}

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Normalised (trimmed, lower-case) login name.
    #[sea_orm(unique)]
    pub login: String,
    /// Normalised (trimmed, lower-case) e-mail address.
    #[sea_orm(unique)]
    pub email: String,
    /// Name shown in the portal when no contact record says better.
    pub display_name: String,
    /// `en` or `fr`: the language of the person's mails and pages.
    pub language: String,
    pub state: AccountState,
    /// PHC string (Argon2id); `None` until the person chooses a password.
    pub password_hash: Option<String>,
    /// Set for one-time credentials: the next login must choose a new password.
    pub must_change_password: bool,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(has_many)]
    pub contacts: HasMany<super::contact::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
