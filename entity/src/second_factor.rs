//! `second_factors`: an account's TOTP secret, encrypted, and the last time step accepted.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "second_factors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: Uuid,
    /// Nonce followed by the XChaCha20-Poly1305 ciphertext of the 160-bit secret.
    pub secret: Vec<u8>,
    /// `None` while enrolment waits for its first valid code.
    pub confirmed_at: Option<DateTimeUtc>,
    /// The last accepted time step: a code is accepted only for a later step.
    pub last_step: Option<i64>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
