//! Company operations; each owns its transaction.

use entity::{CompanyKind, company};

use super::repo;
use super::settings::CompanySettings;
use crate::audit::{self, AuditAction, AuditEntry, Target};
use crate::auth::{PlatformOperator, SecurityAdministrator};
use crate::contacts;
use crate::deps::Deps;
use crate::domain::IdempotencyKey;
use crate::domain::{CompanyName, Language};
use crate::error::{ApiError, ApiResult};
use crate::idempotency;
use crate::ids::{AccountId, CompanyId};

const CREATE_SCOPE: &str = "createCompany";

/// A validated request to create a customer company.
#[derive(Debug, Clone)]
pub struct NewCompany {
    pub name: CompanyName,
    pub language: Language,
    pub settings: CompanySettings,
    pub idempotency_key: Option<IdempotencyKey>,
}

/// The created company, and whether this call replayed an earlier one with the same key.
#[derive(Debug, Clone)]
pub struct CreatedCompany {
    pub company: company::Model,
    pub replayed: bool,
}

/// Creates a customer company with the next `ACC-` number.
pub async fn create(
    deps: &Deps,
    operator: &PlatformOperator,
    input: NewCompany,
) -> ApiResult<CreatedCompany> {
    let account_id = operator.account_id();
    let key = input.idempotency_key.as_ref();
    if let Some(replayed) = replay(deps, account_id, key).await? {
        return Ok(replayed);
    }
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    contacts::rights::operator(&txn, operator).await?;
    let created = insert_in(&txn, account_id, &input, now).await?;
    if let Some(key) = key {
        let recorded =
            idempotency::record(&txn, account_id, CREATE_SCOPE, key, created.id, now).await;
        if let Err(err) = recorded {
            drop(txn);
            // A concurrent call with the same key won the race: answer with its result.
            if crate::db::is_unique_violation(&err)
                && let Some(replayed) = replay(deps, account_id, Some(key)).await?
            {
                return Ok(replayed);
            }
            return Err(err.into());
        }
    }
    txn.commit().await?;
    tracing::info!(company = %created.human_id, "company created");
    Ok(CreatedCompany {
        company: created,
        replayed: false,
    })
}

async fn replay(
    deps: &Deps,
    account_id: AccountId,
    key: Option<&IdempotencyKey>,
) -> ApiResult<Option<CreatedCompany>> {
    let Some(key) = key else { return Ok(None) };
    let db = deps.db.reader();
    let Some(target) = idempotency::find(db, account_id, CREATE_SCOPE, key).await? else {
        return Ok(None);
    };
    let company = repo::find(db, CompanyId::from_uuid(target))
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("idempotency key points at nothing")))?;
    Ok(Some(CreatedCompany {
        company,
        replayed: true,
    }))
}

/// Inserts a customer company with its settings and journals it, in the caller's transaction.
pub(crate) async fn insert_in<C: sea_orm::ConnectionTrait>(
    txn: &C,
    operator_account_id: AccountId,
    input: &NewCompany,
    now: chrono::DateTime<chrono::Utc>,
) -> ApiResult<company::Model> {
    let created =
        repo::insert(txn, CompanyKind::Customer, &input.name, input.language, now).await?;
    let created = if input.settings == CompanySettings::default() {
        created
    } else {
        repo::write_settings(txn, &created, input.settings, now).await?
    };
    let id = CompanyId::from_uuid(created.id);
    let entry = AuditEntry::new(AuditAction::CompanyCreated, Some(operator_account_id))
        .about(id, Target::Company(id))
        .change(None, Some(company_json(&created)));
    audit::record(txn, now, entry).await?;
    Ok(created)
}

/// The journal's picture of a company's settings.
fn company_json(company: &company::Model) -> serde_json::Value {
    serde_json::json!({
        "name": company.name,
        "humanId": company.human_id,
        "language": company.language,
        "requireTwoFactor": company.require_two_factor,
        "autoCloseAfterSeconds": company.auto_close_after_secs,
        "reopenWindowSeconds": company.reopen_window_secs,
    })
}

/// Sets a customer company's request durations (platform operator): how long a proposed
/// solution waits before it closes by itself (for solutions proposed from now on: a proposal
/// keeps the deadline it was given), and how long a closed request can be reopened (at once,
/// for every closed request). `None` keeps a duration; out-of-range values are input problems.
pub async fn set_durations(
    deps: &Deps,
    operator: &PlatformOperator,
    id: CompanyId,
    auto_close_after_secs: Option<i64>,
    reopen_window_secs: Option<i64>,
) -> ApiResult<Result<company::Model, Vec<ApiError>>> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    contacts::rights::operator(&txn, operator).await?;
    let company = repo::lock(&txn, id)
        .await?
        .filter(|c| c.kind == CompanyKind::Customer)
        .ok_or(ApiError::NotFound { what: "company" })?;
    let current = CompanySettings {
        require_two_factor: company.require_two_factor,
        auto_close_after_secs: company.auto_close_after_secs,
        reopen_window_secs: company.reopen_window_secs,
    };
    let settings = match current.with_durations(auto_close_after_secs, reopen_window_secs) {
        Ok(settings) => settings,
        Err(problems) => return Ok(Err(problems)),
    };
    if settings == current {
        return Ok(Ok(company));
    }
    let updated = repo::write_settings(&txn, &company, settings, now).await?;
    let durations = |c: &company::Model| {
        serde_json::json!({
            "autoCloseAfterSeconds": c.auto_close_after_secs,
            "reopenWindowSeconds": c.reopen_window_secs,
        })
    };
    let entry = AuditEntry::new(
        AuditAction::CompanyDurationsChanged,
        Some(operator.account_id()),
    )
    .about(id, Target::Company(id))
    .change(Some(durations(&company)), Some(durations(&updated)));
    audit::record(&txn, now, entry).await?;
    txn.commit().await?;
    Ok(Ok(updated))
}

/// Sets the company's "require a second factor of every contact" policy.
pub async fn set_security_policy(
    deps: &Deps,
    admin: &SecurityAdministrator,
    require_two_factor: bool,
) -> ApiResult<company::Model> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let company = repo::lock(&txn, admin.company_id())
        .await?
        .ok_or(ApiError::NotFound { what: "company" })?;
    contacts::rights::security_admin(&txn, admin).await?;
    if company.require_two_factor == require_two_factor {
        return Ok(company);
    }
    let settings = CompanySettings {
        require_two_factor,
        auto_close_after_secs: company.auto_close_after_secs,
        reopen_window_secs: company.reopen_window_secs,
    };
    let updated = repo::write_settings(&txn, &company, settings, now).await?;
    let id = admin.company_id();
    let entry = AuditEntry::new(AuditAction::SecurityPolicyChanged, Some(admin.account_id()))
        .about(id, Target::Company(id))
        .change(
            Some(serde_json::json!({ "requireTwoFactor": company.require_two_factor })),
            Some(serde_json::json!({ "requireTwoFactor": require_two_factor })),
        );
    audit::record(&txn, now, entry).await?;
    txn.commit().await?;
    Ok(updated)
}
