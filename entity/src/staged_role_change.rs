//! `staged_role_changes`: a role change a Security Administrator has staged but not applied.
//! Each row belongs to the session that staged it and is deleted with it.

use sea_orm::entity::prelude::*;

use super::SupportRole;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staged_role_changes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub session_id: Uuid,
    pub company_id: Uuid,
    pub contact_id: Uuid,
    pub staged_by_account_id: Uuid,
    /// The contact's version when the change was staged; applying checks it is unchanged.
    pub contact_version: i32,
    pub from_support_role: Option<SupportRole>,
    pub from_security_admin: bool,
    pub to_support_role: Option<SupportRole>,
    pub to_security_admin: bool,
    pub staged_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
