//! `auth_attempts`: every credential check of an account, for throttling.

use sea_orm::entity::prelude::*;

/// Which credential was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum AttemptKind {
    #[sea_orm(string_value = "PASSWORD")]
    Password,
    #[sea_orm(string_value = "SECOND_FACTOR")]
    SecondFactor,
}

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "auth_attempts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub account_id: Uuid,
    pub kind: AttemptKind,
    /// Recorded as a failure before the check runs, set once it succeeds.
    pub succeeded: bool,
    pub at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
