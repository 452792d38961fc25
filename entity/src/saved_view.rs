//! `saved_views`: a person's named request views (a queue, scope, filters, columns and sort),
//! personal to the contact that saved them; pinned ones are tiles on the console.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "saved_views")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub owner_contact_id: Uuid,
    pub name: String,
    /// The name folded (case and accents ignored): unique per owner.
    pub name_key: String,
    /// JSON: queue, scope, filter, columns and order, as stored codes (read leniently, so a
    /// view naming a value that no longer exists still opens).
    pub definition: String,
    /// Position among the console's tiles; `None` when not pinned.
    pub tile_position: Option<i32>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
