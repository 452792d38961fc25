//! Data a test starts from, written through the application's own repositories, and session
//! tokens for the people in it.

use entity::{AccountState, CompanyKind, ContactStatus, ProviderRole, SupportRole, company};
use portal_api::accounts::credentials;
use portal_api::accounts::repo::{self as accounts, NewAccount};
use portal_api::auth::sessions::{self, NewSession};
use portal_api::companies::repo as companies;
use portal_api::contacts::repo::{self as contacts, NewContact};
use portal_api::demo;
use portal_api::domain::{CompanyName, Email, Language};
use portal_api::ids::{AccountId, CompanyId, ContactId};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::app::TestApp;

/// The roles a test person can hold (SPEC §1 and §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Restricted,
    Advanced,
    SupportAdministrator,
    /// Security Administrator with no support role.
    SecurityAdministrator,
    /// Security Administrator who is also a Support Administrator.
    SecurityAndSupportAdministrator,
    Agent,
    Manager,
    Operator,
    /// A contact with no role left, marked obsolete.
    Obsolete,
}

/// A person created for a test, with a session token acting for their company.
#[derive(Debug, Clone)]
pub struct Person {
    pub token: String,
    pub account_id: Uuid,
    pub contact_id: Uuid,
    pub company_id: Uuid,
    pub email: String,
}

impl TestApp {
    async fn insert_company(&self, kind: CompanyKind, name: &str) -> company::Model {
        let deps = self.state.deps();
        let txn = deps.db.begin_write().await.unwrap();
        let name = CompanyName::parse(name, "name").unwrap();
        let now = deps.clock.now();
        let company = companies::insert(&txn, kind, &name, Language::Fr, now)
            .await
            .unwrap();
        txn.commit().await.unwrap();
        company
    }

    /// A new customer company.
    pub async fn customer_company(&self, name: &str) -> company::Model {
        self.insert_company(CompanyKind::Customer, name).await
    }

    /// The provider organisation, created on first use.
    pub async fn provider_company(&self) -> company::Model {
        let reader = self.state.deps().db.reader();
        match companies::find_provider(reader).await.unwrap() {
            Some(provider) => provider,
            None => {
                self.insert_company(CompanyKind::Provider, "Support Provider")
                    .await
            }
        }
    }

    /// A person with `role` in `company_id` (customer roles) or in the provider organisation
    /// (provider roles), logged in.
    pub async fn person(&self, role: Role, company_id: Uuid) -> Person {
        use ContactStatus::{Active, Obsolete};
        let (support, security, provider, status) = match role {
            Role::Restricted => (Some(SupportRole::Restricted), false, None, Active),
            Role::Advanced => (Some(SupportRole::Advanced), false, None, Active),
            Role::SupportAdministrator => (Some(SupportRole::Administrator), false, None, Active),
            Role::SecurityAdministrator => (None, true, None, Active),
            Role::SecurityAndSupportAdministrator => {
                (Some(SupportRole::Administrator), true, None, Active)
            }
            Role::Agent => (None, false, Some(ProviderRole::SupportAgent), Active),
            Role::Manager => (None, false, Some(ProviderRole::SupportManager), Active),
            Role::Operator => (None, false, Some(ProviderRole::PlatformOperator), Active),
            Role::Obsolete => (None, false, None, Obsolete),
        };
        let company_id = if provider.is_some() {
            self.provider_company().await.id
        } else {
            company_id
        };
        let tag = Uuid::now_v7().simple().to_string();
        let email = format!("{role:?}.{tag}@example.com").to_lowercase();
        let contact = NewContact {
            company_id: CompanyId::from_uuid(company_id),
            account_id: AccountId::from_uuid(Uuid::nil()),
            last_name: format!("{role:?}"),
            first_name: "Test".into(),
            email: email.clone(),
            support_role: support,
            security_admin: security,
            provider_role: provider,
            status,
        };
        let (account_id, contact_id) = self.insert_contact(contact, AccountState::Active).await;
        let deps = self.state.deps();
        let txn = deps.db.begin_write().await.unwrap();
        // A session as after a complete login, second factor included.
        let token = sessions::open(
            &txn,
            &deps.sessions,
            deps.clock.now(),
            NewSession {
                account_id: AccountId::from_uuid(account_id),
                contact_id: Some(ContactId::from_uuid(contact_id)),
                security_admin: security,
                two_factor: true,
            },
        )
        .await
        .unwrap();
        txn.commit().await.unwrap();
        Person {
            token: token.expose().to_owned(),
            account_id,
            contact_id,
            company_id,
            email,
        }
    }

    /// A Support Restricted contact with these names and e-mail address, without a session.
    pub async fn named_contact(
        &self,
        company_id: Uuid,
        last_name: &str,
        first_name: &str,
        email: &str,
    ) -> Uuid {
        let contact = NewContact {
            company_id: CompanyId::from_uuid(company_id),
            account_id: AccountId::from_uuid(Uuid::nil()),
            last_name: last_name.to_owned(),
            first_name: first_name.to_owned(),
            email: email.to_owned(),
            support_role: Some(SupportRole::Restricted),
            security_admin: false,
            provider_role: None,
            status: ContactStatus::Active,
        };
        self.insert_contact(contact, AccountState::Pending).await.1
    }

    /// Inserts an account for the contact's e-mail address, then the contact; their IDs.
    async fn insert_contact(&self, mut contact: NewContact, state: AccountState) -> (Uuid, Uuid) {
        let deps = self.state.deps();
        let now = deps.clock.now();
        let email = Email::parse(&contact.email, "email").unwrap();
        let txn = deps.db.begin_write().await.unwrap();
        let new_account = NewAccount {
            login: email.as_str().to_owned(),
            email,
            display_name: format!("{} {}", contact.first_name, contact.last_name),
            language: Language::En,
            state,
            password_hash: None,
            must_change_password: false,
        };
        let account = accounts::insert(&txn, new_account, now).await.unwrap();
        let account_id = AccountId::from_uuid(account.id);
        contact.account_id = account_id;
        let company_id = contact.company_id;
        contacts::insert_many(&txn, vec![contact], now)
            .await
            .unwrap();
        let contact = contacts::find_by_account(&txn, company_id, account_id)
            .await
            .unwrap()
            .unwrap();
        txn.commit().await.unwrap();
        (account.id, contact.id)
    }

    /// A person with `role` whose account has `password` and no second factor (log in with
    /// `person.email`). The returned token is a complete-login session.
    pub async fn person_with_password(
        &self,
        role: Role,
        company_id: Uuid,
        password: &str,
    ) -> Person {
        let person = self.person(role, company_id).await;
        let deps = self.state.deps();
        let hash = deps.passwords.hash(password.to_owned()).await.unwrap();
        entity::account::Entity::update_many()
            .col_expr(entity::account::Column::PasswordHash, Some(hash).into())
            .filter(entity::account::Column::Id.eq(person.account_id))
            .exec(deps.db.writer())
            .await
            .unwrap();
        person
    }

    /// A pending account for `email` with a welcome mail carrying its set-up link, as the
    /// contacts issue's "add a contact" does.
    pub async fn invite(&self, email: &str, display_name: &str, language: Language) -> Uuid {
        let deps = self.state.deps();
        let now = deps.clock.now();
        let txn = deps.db.begin_write().await.unwrap();
        let account = accounts::insert(
            &txn,
            NewAccount {
                login: email.to_owned(),
                email: Email::parse(email, "email").unwrap(),
                display_name: display_name.to_owned(),
                language,
                state: AccountState::Pending,
                password_hash: None,
                must_change_password: false,
            },
            now,
        )
        .await
        .unwrap();
        credentials::send_setup_link(&txn, deps, now, &account)
            .await
            .unwrap();
        txn.commit().await.unwrap();
        deps.mail.wake();
        account.id
    }

    /// `count` generated contacts (the demo generator) in `company_id`.
    pub async fn generated_contacts(
        &self,
        company_id: Uuid,
        count: usize,
        seed: u64,
    ) -> Vec<demo::Person> {
        let deps = self.state.deps();
        let now = deps.clock.now();
        let people = demo::people(seed, &format!("c{seed}.example"), count);
        let txn = deps.db.begin_write().await.unwrap();
        let new_accounts = people
            .iter()
            .map(|p| NewAccount {
                login: p.email.clone(),
                email: Email::parse(&p.email, "email").unwrap(),
                display_name: format!("{} {}", p.first_name, p.last_name),
                language: Language::Fr,
                state: AccountState::Active,
                password_hash: None,
                must_change_password: false,
            })
            .collect();
        let inserted = accounts::insert_many(&txn, new_accounts, now)
            .await
            .unwrap();
        let new_contacts = people
            .iter()
            .zip(&inserted)
            .map(|(p, account)| NewContact {
                company_id: CompanyId::from_uuid(company_id),
                account_id: AccountId::from_uuid(account.id),
                last_name: p.last_name.clone(),
                first_name: p.first_name.clone(),
                email: p.email.clone(),
                support_role: p.support_role,
                security_admin: p.security_admin,
                provider_role: None,
                status: p.status,
            })
            .collect();
        contacts::insert_many(&txn, new_contacts, now)
            .await
            .unwrap();
        txn.commit().await.unwrap();
        people
    }
}
