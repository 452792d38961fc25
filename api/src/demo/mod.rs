//! The demo data set: a provider with staff and customer companies with contacts in every
//! role, so a newcomer sees a living portal. Deterministic: the same people every time.

mod names;
mod requests;

use std::collections::HashMap;

use entity::{AccountState, CompanyKind, ContactStatus, ProviderRole, SupportRole};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::accounts::repo::{self as accounts, NewAccount};
use crate::auth::sessions::{self, NewSession};
use crate::auth::totp;
use crate::companies::repo as companies;
use crate::contacts::repo::{self as contacts, NewContact};
use crate::deps::Deps;
use crate::domain::{CompanyName, Email, Language};
use crate::error::{ApiError, ApiResult};
use crate::ids::{AccountId, CompanyId, ContactId};

pub use names::{Person, people};

/// The password of every demo account (printed in README.md; demo data only).
pub const DEMO_PASSWORD: &str = "demo-portal-2026";

/// A named demo person and a fresh session token to try the API as them.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub login: String,
    pub role: &'static str,
    pub company: String,
    pub token: String,
    /// Base32 TOTP secret of people with a second factor (operator, Security Administrators):
    /// `oathtool --totp -b SECRET` gives their codes.
    pub totp_secret: Option<String>,
}

/// What `load` did.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    /// False when the data set was already there (only fresh tokens were issued).
    pub created: bool,
    pub logins: Vec<DemoLogin>,
}

struct Named {
    login: &'static str,
    first: &'static str,
    last: &'static str,
    company: usize,
    support: Option<SupportRole>,
    security: bool,
    provider: Option<ProviderRole>,
    status: ContactStatus,
    role: &'static str,
}

struct DemoCompany {
    name: &'static str,
    domain: &'static str,
    language: Language,
    generated: usize,
}

const PROVIDER: usize = 0;

const COMPANIES: &[DemoCompany] = &[
    DemoCompany {
        name: "Nordlys Software",
        domain: "nordlys.example",
        language: Language::En,
        generated: 0,
    },
    DemoCompany {
        name: "Pièces Auto",
        domain: "pieces-auto.example",
        language: Language::Fr,
        generated: 60,
    },
    DemoCompany {
        name: "Clinique Saint-Roch",
        domain: "clinique-saint-roch.example",
        language: Language::Fr,
        generated: 15,
    },
    DemoCompany {
        name: "Harbour Logistics Ltd",
        domain: "harbour-logistics.example",
        language: Language::En,
        generated: 25,
    },
    DemoCompany {
        name: "Groupe Hélios",
        domain: "groupe-helios.example",
        language: Language::Fr,
        generated: 240,
    },
];

const fn staff(
    login: &'static str,
    first: &'static str,
    last: &'static str,
    role: ProviderRole,
    label: &'static str,
) -> Named {
    Named {
        login,
        first,
        last,
        company: PROVIDER,
        support: None,
        security: false,
        provider: Some(role),
        status: ContactStatus::Active,
        role: label,
    }
}

const fn customer(
    login: &'static str,
    first: &'static str,
    last: &'static str,
    company: usize,
    support: Option<SupportRole>,
    security: bool,
    role: &'static str,
) -> Named {
    let status = if support.is_none() && !security {
        ContactStatus::Obsolete
    } else {
        ContactStatus::Active
    };
    Named {
        login,
        first,
        last,
        company,
        support,
        security,
        provider: None,
        status,
        role,
    }
}

const NAMED: &[Named] = &[
    staff(
        "operator",
        "Olivia",
        "Nordahl",
        ProviderRole::PlatformOperator,
        "platform operator",
    ),
    staff(
        "manon",
        "Manon",
        "Petit",
        ProviderRole::SupportManager,
        "support manager",
    ),
    staff(
        "lionel",
        "Lionel",
        "Martin",
        ProviderRole::SupportAgent,
        "support agent",
    ),
    staff(
        "karim",
        "Karim",
        "Benali",
        ProviderRole::SupportAgent,
        "support agent",
    ),
    customer(
        "sophie",
        "Sophie",
        "Laurent",
        1,
        Some(SupportRole::Administrator),
        true,
        "Security Administrator + Support Administrator",
    ),
    customer(
        "julien",
        "Julien",
        "Faure",
        1,
        None,
        true,
        "Security Administrator (no support role)",
    ),
    customer(
        "hugo",
        "Hugo",
        "Moreau",
        1,
        Some(SupportRole::Administrator),
        false,
        "Support Administrator",
    ),
    customer(
        "bastien",
        "Bastien",
        "Roy",
        1,
        Some(SupportRole::Advanced),
        false,
        "Support Advanced",
    ),
    customer(
        "camille",
        "Camille",
        "Bernard",
        1,
        Some(SupportRole::Restricted),
        false,
        "Support Restricted",
    ),
    customer("marc", "Marc", "Dupuis", 1, None, false, "obsolete contact"),
    customer(
        "nadia",
        "Nadia",
        "Haddad",
        2,
        Some(SupportRole::Administrator),
        true,
        "Security Administrator + Support Administrator",
    ),
    customer(
        "thomas",
        "Thomas",
        "Girard",
        2,
        Some(SupportRole::Advanced),
        false,
        "Support Advanced",
    ),
    customer(
        "emma",
        "Emma",
        "Clarke",
        3,
        None,
        true,
        "Security Administrator (no support role)",
    ),
    customer(
        "oliver",
        "Oliver",
        "Hughes",
        3,
        Some(SupportRole::Administrator),
        false,
        "Support Administrator",
    ),
];

/// Sophie is also a Support Restricted contact of Groupe Hélios: one person, two companies.
const SECOND_MEMBERSHIP: (&str, usize, SupportRole) = ("sophie", 4, SupportRole::Restricted);

/// Requests in the demo data set.
pub const DEMO_REQUESTS: usize = 3_000;

/// Loads the data set if it is not there yet, and issues a session per named person.
/// `extra_contacts` adds that many generated contacts to Groupe Hélios (for benchmarks).
pub async fn load(deps: &Deps, extra_contacts: usize) -> ApiResult<DemoSummary> {
    load_with(deps, extra_contacts, DEMO_REQUESTS).await
}

/// [`load`] with `requests` generated requests (millions for benchmarks) instead of
/// [`DEMO_REQUESTS`].
pub async fn load_with(
    deps: &Deps,
    extra_contacts: usize,
    requests: usize,
) -> ApiResult<DemoSummary> {
    let db = deps.db.reader();
    let existing = accounts::find_by_email(db, &demo_email("lionel", PROVIDER)?).await?;
    let created = existing.is_none();
    if created {
        create(deps, extra_contacts).await?;
        let made = requests::generate(deps, requests, 2026).await?;
        deps.db.refresh_statistics().await?;
        tracing::info!(requests = made, "demo requests generated");
    }
    let logins = issue_sessions(deps).await?;
    stage_pending_changes(deps, &logins).await?;
    Ok(DemoSummary { created, logins })
}

/// Julien's printed session comes with two role changes staged and not applied: Camille to
/// Support Advanced, Bastien made Security Administrator too. They show in
/// `stagedRoleChanges` for that token, and vanish when the session ends, as any staged change.
async fn stage_pending_changes(deps: &Deps, logins: &[DemoLogin]) -> ApiResult<()> {
    use crate::auth::Actor;
    use crate::contacts::{self as roles, RoleSet};
    let Some(julien) = logins.iter().find(|l| l.login == "julien") else {
        return Ok(());
    };
    let actor = crate::auth::login::authenticate(deps, Some(&julien.token)).await?;
    if matches!(actor, Actor::Anonymous) {
        return Err(ApiError::internal(anyhow::anyhow!("demo session missing")));
    }
    let admin = actor.security_administrator()?;
    let changes = [
        (
            "camille",
            RoleSet {
                support_role: Some(SupportRole::Advanced),
                security_admin: false,
            },
        ),
        (
            "bastien",
            RoleSet {
                support_role: Some(SupportRole::Advanced),
                security_admin: true,
            },
        ),
    ];
    for (login, to) in changes {
        let email = demo_email(login, 1)?;
        let Some(account) = accounts::find_by_email(deps.db.reader(), &email).await? else {
            continue;
        };
        let account_id = AccountId::from_uuid(account.id);
        let Some(contact) = contacts::first_of_account(deps.db.reader(), account_id).await? else {
            continue;
        };
        roles::stage(deps, &admin, ContactId::from_uuid(contact.id), to).await?;
    }
    Ok(())
}

fn demo_email(login: &str, company: usize) -> ApiResult<Email> {
    let domain = COMPANIES.get(company).map_or("example.com", |c| c.domain);
    Email::parse(&format!("{login}@{domain}"), "email")
}

async fn create(deps: &Deps, extra_contacts: usize) -> ApiResult<()> {
    let hash = deps.passwords.hash(DEMO_PASSWORD.to_owned()).await?;
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let mut company_ids = Vec::with_capacity(COMPANIES.len());
    for (index, company) in COMPANIES.iter().enumerate() {
        let name = CompanyName::parse(company.name, "name")?;
        let id = match (index, companies::find_provider(&txn).await?) {
            (PROVIDER, Some(provider)) => provider.id,
            (PROVIDER, None) => {
                companies::insert(&txn, CompanyKind::Provider, &name, company.language, now)
                    .await?
                    .id
            }
            _ => {
                companies::insert(&txn, CompanyKind::Customer, &name, company.language, now)
                    .await?
                    .id
            }
        };
        company_ids.push(id);
    }
    let mut new_accounts = Vec::new();
    let mut new_contacts: Vec<(usize, NewContact)> = Vec::new();
    for named in NAMED {
        new_accounts.push(NewAccount {
            login: named.login.to_owned(),
            email: demo_email(named.login, named.company)?,
            display_name: format!("{} {}", named.first, named.last),
            language: COMPANIES[named.company].language,
            state: AccountState::Active,
            password_hash: Some(hash.clone()),
            must_change_password: false,
        });
        new_contacts.push((
            new_accounts.len() - 1,
            NewContact {
                company_id: CompanyId::from_uuid(company_ids[named.company]),
                account_id: AccountId::from_uuid(Uuid::nil()),
                last_name: named.last.to_owned(),
                first_name: named.first.to_owned(),
                email: demo_email(named.login, named.company)?.as_str().to_owned(),
                support_role: named.support,
                security_admin: named.security,
                provider_role: named.provider,
                status: named.status,
            },
        ));
    }
    let (login, company, role) = SECOND_MEMBERSHIP;
    let sophie = NAMED
        .iter()
        .position(|n| n.login == login)
        .unwrap_or_default();
    new_contacts.push((
        sophie,
        NewContact {
            company_id: CompanyId::from_uuid(company_ids[company]),
            account_id: AccountId::from_uuid(Uuid::nil()),
            last_name: NAMED[sophie].last.to_owned(),
            first_name: NAMED[sophie].first.to_owned(),
            email: demo_email(login, company)?.as_str().to_owned(),
            support_role: Some(role),
            security_admin: false,
            provider_role: None,
            status: ContactStatus::Active,
        },
    ));
    for (index, company) in COMPANIES.iter().enumerate() {
        let count = company.generated + if index == 4 { extra_contacts } else { 0 };
        for person in people(index as u64, company.domain, count) {
            new_accounts.push(NewAccount {
                login: person.email.clone(),
                email: Email::parse(&person.email, "email")?,
                display_name: format!("{} {}", person.first_name, person.last_name),
                language: company.language,
                state: if person.active_account {
                    AccountState::Active
                } else {
                    AccountState::Pending
                },
                password_hash: person.active_account.then(|| hash.clone()),
                must_change_password: false,
            });
            new_contacts.push((
                new_accounts.len() - 1,
                NewContact {
                    company_id: CompanyId::from_uuid(company_ids[index]),
                    account_id: AccountId::from_uuid(Uuid::nil()),
                    last_name: person.last_name,
                    first_name: person.first_name,
                    email: person.email,
                    support_role: person.support_role,
                    security_admin: person.security_admin,
                    provider_role: None,
                    status: person.status,
                },
            ));
        }
    }
    let inserted = accounts::insert_many(&txn, new_accounts, now).await?;
    let contacts_to_insert = new_contacts
        .into_iter()
        .map(|(account, mut contact)| {
            contact.account_id = AccountId::from_uuid(inserted[account].id);
            contact
        })
        .collect();
    contacts::insert_many(&txn, contacts_to_insert, now).await?;
    txn.commit().await?;
    // Fresh statistics after a bulk load, or the first queries plan for empty tables (on
    // PostgreSQL a 50,000-contact page took 24 ms instead of 1 ms before autovacuum caught up).
    deps.db.refresh_statistics().await?;
    tracing::info!(
        companies = COMPANIES.len(),
        accounts = inserted.len(),
        "demo data loaded"
    );
    Ok(())
}

async fn issue_sessions(deps: &Deps) -> ApiResult<Vec<DemoLogin>> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let mut logins = Vec::new();
    let mut company_names: HashMap<Uuid, String> = HashMap::new();
    for named in NAMED.iter().filter(|n| n.status == ContactStatus::Active) {
        let email = demo_email(named.login, named.company)?;
        let account = accounts::find_by_email(&txn, &email)
            .await?
            .ok_or_else(|| {
                ApiError::internal(anyhow::anyhow!("demo account {} missing", named.login))
            })?;
        let account_id = AccountId::from_uuid(account.id);
        let contact = contacts::first_of_account(&txn, account_id).await?;
        let Some(contact) = contact else { continue };
        // Security Administrators and provider staff work only in two-factor sessions.
        let needs_second_factor = named.security || named.provider.is_some();
        let totp_secret = if needs_second_factor {
            Some(ensure_second_factor(deps, &txn, account_id, named.login, now).await?)
        } else {
            None
        };
        let token = sessions::open(
            &txn,
            &deps.sessions,
            now,
            NewSession {
                account_id,
                contact_id: Some(ContactId::from_uuid(contact.id)),
                security_admin: contact.security_admin,
                // Demo tokens stand for a complete login, second factor included.
                two_factor: needs_second_factor,
            },
        )
        .await?;
        let company = match company_names.get(&contact.company_id) {
            Some(name) => name.clone(),
            None => {
                let name = company_name(&txn, contact.company_id).await?;
                company_names.insert(contact.company_id, name.clone());
                name
            }
        };
        logins.push(DemoLogin {
            login: named.login.to_owned(),
            role: named.role,
            company,
            token: token.expose().to_owned(),
            totp_secret,
        });
    }
    txn.commit().await?;
    Ok(logins)
}

/// The demo person's TOTP secret (derived from the login, so it is the same on every machine),
/// enrolled and confirmed if it was not yet.
async fn ensure_second_factor<C: ConnectionTrait>(
    deps: &Deps,
    conn: &C,
    account_id: AccountId,
    login: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> ApiResult<String> {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(format!("demo-totp:{login}").as_bytes());
    let secret = digest
        .get(..crate::auth::limits::TOTP_SECRET_BYTES)
        .unwrap_or_default()
        .to_vec();
    let sealed = deps
        .secrets
        .seal(account_id.uuid(), &secret)
        .map_err(ApiError::internal)?;
    crate::accounts::factors::ensure_confirmed(conn, account_id, sealed, now).await?;
    let issuer = &deps.settings.auth.totp_issuer;
    Ok(totp::enrollment(&secret, issuer, login)?.secret_base32)
}

async fn company_name<C: ConnectionTrait>(conn: &C, id: Uuid) -> ApiResult<String> {
    Ok(companies::find(conn, CompanyId::from_uuid(id))
        .await?
        .map(|c| format!("{} ({})", c.name, c.human_id))
        .unwrap_or_default())
}
