//! Data a test starts from, written through the application's own repositories, and session
//! tokens for the people in it.

use entity::{AccountState, CompanyKind, ContactStatus, ProviderRole, SupportRole, company};
use portal_api::accounts::repo::{self as accounts, NewAccount};
use portal_api::auth::sessions;
use portal_api::companies::repo as companies;
use portal_api::contacts::repo::{self as contacts, NewContact};
use portal_api::demo;
use portal_api::domain::{CompanyName, Email, Language};
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
        let services = self.state.services();
        let txn = services.db.begin_write().await.unwrap();
        let name = CompanyName::parse(name, "name").unwrap();
        let now = services.clock.now();
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
        let reader = self.state.services().db.reader();
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
        let (support, security, provider, status) = match role {
            Role::Restricted => (
                Some(SupportRole::Restricted),
                false,
                None,
                ContactStatus::Active,
            ),
            Role::Advanced => (
                Some(SupportRole::Advanced),
                false,
                None,
                ContactStatus::Active,
            ),
            Role::SupportAdministrator => (
                Some(SupportRole::Administrator),
                false,
                None,
                ContactStatus::Active,
            ),
            Role::SecurityAdministrator => (None, true, None, ContactStatus::Active),
            Role::SecurityAndSupportAdministrator => (
                Some(SupportRole::Administrator),
                true,
                None,
                ContactStatus::Active,
            ),
            Role::Agent => (
                None,
                false,
                Some(ProviderRole::SupportAgent),
                ContactStatus::Active,
            ),
            Role::Manager => (
                None,
                false,
                Some(ProviderRole::SupportManager),
                ContactStatus::Active,
            ),
            Role::Operator => (
                None,
                false,
                Some(ProviderRole::PlatformOperator),
                ContactStatus::Active,
            ),
            Role::Obsolete => (None, false, None, ContactStatus::Obsolete),
        };
        let company_id = if provider.is_some() {
            self.provider_company().await.id
        } else {
            company_id
        };
        let services = self.state.services();
        let now = services.clock.now();
        let tag = Uuid::now_v7().simple().to_string();
        let email = Email::parse(
            &format!("{role:?}.{tag}@example.com").to_lowercase(),
            "email",
        )
        .unwrap();
        let txn = services.db.begin_write().await.unwrap();
        let account = accounts::insert(
            &txn,
            NewAccount {
                login: email.as_str().to_owned(),
                email: email.clone(),
                display_name: format!("{role:?} person"),
                language: Language::En,
                state: AccountState::Active,
                password_hash: None,
                must_change_password: false,
            },
            now,
        )
        .await
        .unwrap();
        let contact = NewContact {
            company_id,
            account_id: account.id,
            last_name: format!("{role:?}"),
            first_name: "Test".into(),
            email: email.as_str().to_owned(),
            support_role: support,
            security_admin: security,
            provider_role: provider,
            status,
        };
        contacts::insert_many(&txn, vec![contact], now)
            .await
            .unwrap();
        let contact = contacts::find_by_account(&txn, company_id, account.id)
            .await
            .unwrap()
            .unwrap();
        let token = sessions::open(&txn, now, account.id, Some(contact.id), false)
            .await
            .unwrap();
        txn.commit().await.unwrap();
        Person {
            token: token.expose().to_owned(),
            account_id: account.id,
            contact_id: contact.id,
            company_id,
            email: email.as_str().to_owned(),
        }
    }

    /// A contact with these names and e-mail address (Support Restricted), without a session.
    pub async fn named_contact(
        &self,
        company_id: Uuid,
        last_name: &str,
        first_name: &str,
        email: &str,
    ) -> Uuid {
        let services = self.state.services();
        let now = services.clock.now();
        let email = Email::parse(email, "email").unwrap();
        let txn = services.db.begin_write().await.unwrap();
        let account = accounts::insert(
            &txn,
            NewAccount {
                login: email.as_str().to_owned(),
                email: email.clone(),
                display_name: format!("{first_name} {last_name}"),
                language: Language::Fr,
                state: AccountState::Pending,
                password_hash: None,
                must_change_password: false,
            },
            now,
        )
        .await
        .unwrap();
        let contact = NewContact {
            company_id,
            account_id: account.id,
            last_name: last_name.to_owned(),
            first_name: first_name.to_owned(),
            email: email.as_str().to_owned(),
            support_role: Some(SupportRole::Restricted),
            security_admin: false,
            provider_role: None,
            status: ContactStatus::Active,
        };
        contacts::insert_many(&txn, vec![contact], now)
            .await
            .unwrap();
        let id = contacts::find_by_account(&txn, company_id, account.id)
            .await
            .unwrap()
            .unwrap()
            .id;
        txn.commit().await.unwrap();
        id
    }

    /// `count` generated contacts (the demo generator) in `company_id`.
    pub async fn generated_contacts(
        &self,
        company_id: Uuid,
        count: usize,
        seed: u64,
    ) -> Vec<demo::Person> {
        let services = self.state.services();
        let now = services.clock.now();
        let people = demo::people(seed, &format!("c{seed}.example"), count);
        let txn = services.db.begin_write().await.unwrap();
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
                company_id,
                account_id: account.id,
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
