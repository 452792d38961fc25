//! `portal bootstrap`: the provider organisation and its first platform operator.

use entity::{AccountState, CompanyKind, ContactStatus, ProviderRole};

use crate::accounts::credentials;
use crate::accounts::repo::{self as accounts, NewAccount};
use crate::companies::repo as companies;
use crate::contacts::repo::{self as contacts, NewContact};
use crate::deps::Deps;
use crate::domain::{CompanyName, Email, Language};
use crate::error::ApiError;

/// What to create.
#[derive(Debug, Clone)]
pub struct BootstrapInput {
    pub provider_name: CompanyName,
    pub operator_login: String,
    pub operator_email: Email,
    pub language: Language,
}

/// What the CLI shows: the operator chooses their password through the set-up link (also
/// mailed to them), then enrolls a second factor before doing privileged work.
pub struct Bootstrapped {
    pub provider_human_id: String,
    pub login: String,
    pub setup_link: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("the portal is already bootstrapped: the provider organisation {0} exists")]
    AlreadyDone(String),
    #[error("an account with this login or e-mail already exists")]
    AccountExists,
    #[error(transparent)]
    Failed(#[from] ApiError),
}

impl From<sea_orm::DbErr> for BootstrapError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Failed(err.into())
    }
}

/// Creates the provider organisation and a pending platform operator account with a set-up
/// link. Refuses to run twice.
pub async fn run(deps: &Deps, input: BootstrapInput) -> Result<Bootstrapped, BootstrapError> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    if let Some(provider) = companies::find_provider(&txn).await? {
        return Err(BootstrapError::AlreadyDone(provider.human_id));
    }
    if accounts::find_by_email(&txn, &input.operator_email)
        .await?
        .is_some()
    {
        return Err(BootstrapError::AccountExists);
    }
    let provider = companies::insert(
        &txn,
        CompanyKind::Provider,
        &input.provider_name,
        input.language,
        now,
    )
    .await?;
    let account = accounts::insert(
        &txn,
        NewAccount {
            login: input.operator_login.clone(),
            email: input.operator_email.clone(),
            display_name: "Platform operator".into(),
            language: input.language,
            state: AccountState::Pending,
            password_hash: None,
            must_change_password: false,
        },
        now,
    )
    .await
    .map_err(|err| {
        if crate::db::is_unique_violation(&err) {
            BootstrapError::AccountExists
        } else {
            err.into()
        }
    })?;
    let contact = NewContact {
        company_id: crate::ids::CompanyId::from_uuid(provider.id),
        account_id: crate::ids::AccountId::from_uuid(account.id),
        last_name: "Operator".into(),
        first_name: "Platform".into(),
        email: account.email.clone(),
        support_role: None,
        security_admin: false,
        provider_role: Some(ProviderRole::PlatformOperator),
        status: ContactStatus::Active,
    };
    contacts::insert_many(&txn, vec![contact], now).await?;
    let setup_link = credentials::send_setup_link(&txn, deps, now, &account).await?;
    txn.commit().await?;
    Ok(Bootstrapped {
        provider_human_id: provider.human_id,
        login: account.login,
        setup_link,
    })
}
