//! The caller of a request and the capabilities derived from their roles (SPEC §3).

use chrono::{DateTime, Utc};
use entity::{CompanyKind, ProviderRole, SupportRole};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::ids::{AccountId, CompanyId, ContactId};

/// The caller of one request.
#[derive(Debug, Clone)]
pub enum Actor {
    /// No session, or a session that is unknown, expired or revoked.
    Anonymous,
    Person(Principal),
}

/// An authenticated person.
#[derive(Debug, Clone)]
pub struct Principal {
    pub account_id: AccountId,
    pub session_id: Uuid,
    /// Whether the session was opened with a second factor.
    pub two_factor: bool,
    /// When the session ends unless it is used before: its idle or absolute expiry.
    pub ends_at: DateTime<Utc>,
    /// The company the person acts for; `None` when they act for none, or their contact there
    /// is obsolete.
    pub membership: Option<Membership>,
}

/// An active contact's roles in the company the session acts for, read at the start of the
/// request, so a role change applies from the person's very next request.
#[derive(Debug, Clone)]
pub struct Membership {
    pub contact_id: ContactId,
    pub company_id: CompanyId,
    pub company_kind: CompanyKind,
    pub support_role: Option<SupportRole>,
    pub security_admin: bool,
    pub provider_role: Option<ProviderRole>,
    /// The company's policy requires a second factor of every contact.
    pub requires_two_factor: bool,
}

impl Membership {
    fn is_customer(&self) -> bool {
        self.company_kind == CompanyKind::Customer
    }

    fn is_provider_staff(&self) -> bool {
        self.company_kind == CompanyKind::Provider && self.provider_role.is_some()
    }
}

/// Proof that the caller is the platform operator.
#[derive(Debug, Clone, Copy)]
pub struct PlatformOperator {
    account_id: AccountId,
    contact_id: ContactId,
}

impl PlatformOperator {
    pub fn account_id(&self) -> AccountId {
        self.account_id
    }

    /// The operator's own contact, re-checked inside the transactions that need it.
    pub fn contact_id(&self) -> ContactId {
        self.contact_id
    }

    /// The operator's capability for the `portal` command line, which runs with access to the
    /// host and its configuration (as trusted as the database itself). It acts, and is
    /// journaled, as the first active platform operator; `None` before `portal bootstrap`.
    pub(crate) async fn from_command_line(
        deps: &crate::deps::Deps,
    ) -> Result<Option<Self>, sea_orm::DbErr> {
        let found = crate::contacts::repo::first_platform_operator(deps.db.reader()).await?;
        Ok(found.map(|c| Self {
            account_id: AccountId::from_uuid(c.account_id),
            contact_id: ContactId::from_uuid(c.id),
        }))
    }
}

/// Proof that the caller may list, read, add and edit the contacts of one customer company
/// (Support Administrators and Security Administrators).
#[derive(Debug, Clone, Copy)]
pub struct ContactDirectory {
    company_id: CompanyId,
    contact_id: ContactId,
    account_id: AccountId,
    security_admin: bool,
}

impl ContactDirectory {
    pub fn company_id(&self) -> CompanyId {
        self.company_id
    }

    /// The holder's own contact, re-checked inside the transactions that need it.
    pub fn contact_id(&self) -> ContactId {
        self.contact_id
    }

    /// Whether the holder acts as a Security Administrator (in a two-factor session), who may
    /// edit every contact; a Support Administrator edits neither another contact's e-mail nor
    /// a Security Administrator.
    pub fn security_admin(&self) -> bool {
        self.security_admin
    }

    /// The directory of `company` itself: `FORBIDDEN` for any other company.
    pub fn of_company(self, company: CompanyId) -> ApiResult<Self> {
        if self.company_id == company {
            Ok(self)
        } else {
            Err(ApiError::Forbidden)
        }
    }

    /// Who acts, for the journal.
    pub fn account_id(&self) -> AccountId {
        self.account_id
    }
}

/// Proof that the caller is an active Security Administrator of one customer company, in a
/// session opened with a second factor: only [`Actor::security_administrator`] makes one.
/// Role batches, obsolete marking, the security policy and the company's journal take it.
#[derive(Debug, Clone, Copy)]
pub struct SecurityAdministrator {
    company_id: CompanyId,
    contact_id: ContactId,
    account_id: AccountId,
    session_id: Uuid,
}

impl SecurityAdministrator {
    pub fn company_id(&self) -> CompanyId {
        self.company_id
    }

    /// The administrator's own contact, re-checked inside the transactions that need it.
    pub fn contact_id(&self) -> ContactId {
        self.contact_id
    }

    pub fn account_id(&self) -> AccountId {
        self.account_id
    }

    /// The session that stages role changes; they die with it.
    pub fn session_id(&self) -> Uuid {
        self.session_id
    }

    /// A Security Administrator may use the contact directory too.
    pub fn directory(&self) -> ContactDirectory {
        ContactDirectory {
            company_id: self.company_id,
            contact_id: self.contact_id,
            account_id: self.account_id,
            security_admin: true,
        }
    }
}

/// Proof that the caller works on support requests, and on which: customers on their own
/// company's (their own, or the team's), provider staff on every company's submitted ones.
#[derive(Debug, Clone, Copy)]
pub enum RequestWorker {
    Customer(CustomerWorker),
    Staff(SupportStaff),
}

/// A customer contact with a support role, or a Security Administrator (team view only).
#[derive(Debug, Clone, Copy)]
pub struct CustomerWorker {
    company_id: CompanyId,
    contact_id: ContactId,
    account_id: AccountId,
    team: bool,
    can_create: bool,
}

impl CustomerWorker {
    pub fn company_id(&self) -> CompanyId {
        self.company_id
    }

    pub fn contact_id(&self) -> ContactId {
        self.contact_id
    }

    pub fn account_id(&self) -> AccountId {
        self.account_id
    }

    /// Sees and acts on every submitted request of the company (Support Advanced and above,
    /// Security Administrators).
    pub fn team(&self) -> bool {
        self.team
    }

    /// May open requests (needs a support role).
    pub fn can_create(&self) -> bool {
        self.can_create
    }
}

/// Proof that the caller may list every company: the platform operator (who administers
/// them) or the provider's support agents and managers (who work every company's requests and
/// filter them by company), in a two-factor session.
#[derive(Debug, Clone, Copy)]
pub struct CompanyLister(());

/// A support agent or manager of the provider organisation, in a two-factor session.
#[derive(Debug, Clone, Copy)]
pub struct SupportStaff {
    contact_id: ContactId,
    account_id: AccountId,
    manager: bool,
}

impl SupportStaff {
    pub fn contact_id(&self) -> ContactId {
        self.contact_id
    }

    pub fn account_id(&self) -> AccountId {
        self.account_id
    }

    /// Managers dispatch requests to other agents.
    pub fn manager(&self) -> bool {
        self.manager
    }
}

impl RequestWorker {
    pub fn account_id(&self) -> AccountId {
        match self {
            Self::Customer(c) => c.account_id,
            Self::Staff(s) => s.account_id,
        }
    }

    pub fn contact_id(&self) -> ContactId {
        match self {
            Self::Customer(c) => c.contact_id,
            Self::Staff(s) => s.contact_id,
        }
    }
}

/// Proof that the caller may read dashboard figures (SPEC §3, §7): a customer contact with a
/// team role (Support Advanced and above, Security Administrator) for their own company, or a
/// support manager (in a two-factor session) for every company.
#[derive(Debug, Clone, Copy)]
pub enum DashboardViewer {
    /// Of this company only.
    Company(CompanyId),
    /// Of every company, one or all together.
    Manager,
}

impl Actor {
    /// The capability to read dashboard figures; `FORBIDDEN` for Support Restricted, support
    /// agents who are not managers and the platform operator.
    pub fn dashboard_viewer(&self) -> ApiResult<DashboardViewer> {
        let m = self.membership()?;
        if m.is_customer() {
            let team = m.security_admin || m.support_role >= Some(SupportRole::Advanced);
            return team
                .then_some(DashboardViewer::Company(m.company_id))
                .ok_or(ApiError::Forbidden);
        }
        if m.provider_role != Some(ProviderRole::SupportManager) {
            return Err(ApiError::Forbidden);
        }
        self.require_two_factor()?;
        Ok(DashboardViewer::Manager)
    }

    /// The capability to work on support requests: customers with a support role or the
    /// Security Administrator role, support agents and managers (with a second factor).
    pub fn request_worker(&self) -> ApiResult<RequestWorker> {
        let m = self.membership()?;
        let account_id = self.principal()?.account_id;
        if m.is_customer() {
            if m.support_role.is_none() && !m.security_admin {
                return Err(ApiError::Forbidden);
            }
            let team = m.security_admin || m.support_role >= Some(SupportRole::Advanced);
            return Ok(RequestWorker::Customer(CustomerWorker {
                company_id: m.company_id,
                contact_id: m.contact_id,
                account_id,
                team,
                can_create: m.support_role.is_some(),
            }));
        }
        let manager = match m.provider_role {
            Some(ProviderRole::SupportAgent) => false,
            Some(ProviderRole::SupportManager) => true,
            Some(ProviderRole::PlatformOperator) | None => return Err(ApiError::Forbidden),
        };
        self.require_two_factor()?;
        Ok(RequestWorker::Staff(SupportStaff {
            contact_id: m.contact_id,
            account_id,
            manager,
        }))
    }

    /// The capability of the provider's support agents and managers (in a two-factor
    /// session); `FORBIDDEN` for everyone else.
    pub fn support_staff(&self) -> ApiResult<SupportStaff> {
        match self.request_worker()? {
            RequestWorker::Staff(staff) => Ok(staff),
            RequestWorker::Customer(_) => Err(ApiError::Forbidden),
        }
    }

    /// The authenticated person, or `UNAUTHENTICATED`.
    pub fn principal(&self) -> ApiResult<&Principal> {
        match self {
            Self::Person(principal) => Ok(principal),
            Self::Anonymous => Err(ApiError::Unauthenticated),
        }
    }

    /// The company the caller acts for. When that company requires a second factor and the
    /// session was opened without one, nothing done for the company is allowed until the person
    /// enrols (`TWO_FACTOR_REQUIRED`); their own account stays reachable.
    fn membership(&self) -> ApiResult<&Membership> {
        let principal = self.principal()?;
        let membership = principal.membership.as_ref().ok_or(ApiError::Forbidden)?;
        if membership.requires_two_factor && !principal.two_factor {
            return Err(ApiError::TwoFactorRequired);
        }
        Ok(membership)
    }

    /// The Security Administrator capability; needs a two-factor session.
    pub fn security_administrator(&self) -> ApiResult<SecurityAdministrator> {
        let m = self.membership()?;
        if !(m.is_customer() && m.security_admin) {
            return Err(ApiError::Forbidden);
        }
        let principal = self.require_two_factor()?;
        Ok(SecurityAdministrator {
            company_id: m.company_id,
            contact_id: m.contact_id,
            account_id: principal.account_id,
            session_id: principal.session_id,
        })
    }

    /// `TWO_FACTOR_REQUIRED` unless the session was opened with a second factor. Privileged
    /// capabilities (platform operator, provider staff, Security Administrators) call it after
    /// checking the role, so people without the role still get `FORBIDDEN`.
    pub fn require_two_factor(&self) -> ApiResult<&Principal> {
        let principal = self.principal()?;
        if principal.two_factor {
            Ok(principal)
        } else {
            Err(ApiError::TwoFactorRequired)
        }
    }

    /// The capability to list every company ([`CompanyLister`]); `FORBIDDEN` for customers,
    /// `TWO_FACTOR_REQUIRED` for provider staff without a second factor.
    pub fn company_lister(&self) -> ApiResult<CompanyLister> {
        match self.platform_operator() {
            Ok(_) => Ok(CompanyLister(())),
            // Not the operator: maybe support staff. The operator without a second factor is
            // told so, not refused.
            Err(ApiError::Forbidden) => self.support_staff().map(|_| CompanyLister(())),
            Err(other) => Err(other),
        }
    }

    /// The platform operator's capability; needs a two-factor session.
    pub fn platform_operator(&self) -> ApiResult<PlatformOperator> {
        let principal = self.principal()?;
        match &principal.membership {
            Some(m)
                if m.company_kind == CompanyKind::Provider
                    && m.provider_role == Some(ProviderRole::PlatformOperator) =>
            {
                self.require_two_factor()?;
                Ok(PlatformOperator {
                    account_id: principal.account_id,
                    contact_id: m.contact_id,
                })
            }
            _ => Err(ApiError::Forbidden),
        }
    }

    pub fn contact_directory(&self) -> ApiResult<ContactDirectory> {
        let m = self.membership()?;
        let allowed = m.is_customer()
            && (m.security_admin || m.support_role == Some(SupportRole::Administrator));
        if allowed {
            // Security Administrators use the directory with the rights of their role.
            if m.security_admin && m.support_role != Some(SupportRole::Administrator) {
                return self.security_administrator().map(|admin| admin.directory());
            }
            let principal = self.principal()?;
            Ok(ContactDirectory {
                company_id: m.company_id,
                contact_id: m.contact_id,
                account_id: principal.account_id,
                // With both roles, the Security Administrator's rights need a second factor.
                security_admin: m.security_admin && principal.two_factor,
            })
        } else {
            Err(ApiError::Forbidden)
        }
    }

    /// Whether the caller may see this company at all: its own members, and provider staff
    /// (who work on every company's requests) in a session opened with a second factor, like
    /// everything else they do.
    pub fn can_see_company(&self, company_id: CompanyId) -> bool {
        match self.membership() {
            Ok(m) if m.company_id == company_id => true,
            Ok(m) => m.is_provider_staff() && self.require_two_factor().is_ok(),
            Err(_) => false,
        }
    }

    /// The account ID of the caller, if any.
    pub fn account_id(&self) -> Option<AccountId> {
        match self {
            Self::Person(principal) => Some(principal.account_id),
            Self::Anonymous => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(
        kind: CompanyKind,
        support: Option<SupportRole>,
        security: bool,
        provider: Option<ProviderRole>,
    ) -> Actor {
        Actor::Person(Principal {
            account_id: AccountId::from_uuid(Uuid::nil()),
            session_id: Uuid::nil(),
            two_factor: true,
            ends_at: DateTime::<Utc>::MAX_UTC,
            membership: Some(Membership {
                contact_id: ContactId::from_uuid(Uuid::nil()),
                company_id: CompanyId::from_uuid(Uuid::from_u128(7)),
                company_kind: kind,
                support_role: support,
                security_admin: security,
                provider_role: provider,
                requires_two_factor: false,
            }),
        })
    }

    #[test]
    fn contact_directory_is_for_support_and_security_administrators_of_customers() {
        use SupportRole::*;
        let cases = [
            (Some(Restricted), false, false),
            (Some(Advanced), false, false),
            (Some(Administrator), false, true),
            (None, true, true),
            (Some(Restricted), true, true),
            (None, false, false),
        ];
        for (support, security, allowed) in cases {
            let actor = person(CompanyKind::Customer, support, security, None);
            assert_eq!(
                actor.contact_directory().is_ok(),
                allowed,
                "{support:?} {security}"
            );
        }
        let agent = person(
            CompanyKind::Provider,
            None,
            false,
            Some(ProviderRole::SupportAgent),
        );
        assert!(matches!(
            agent.contact_directory(),
            Err(ApiError::Forbidden)
        ));
        assert!(matches!(
            Actor::Anonymous.contact_directory(),
            Err(ApiError::Unauthenticated)
        ));
    }

    #[test]
    fn a_contact_directory_opens_its_own_company_only() {
        let admin = person(
            CompanyKind::Customer,
            Some(SupportRole::Administrator),
            false,
            None,
        );
        let directory = admin.contact_directory().unwrap();
        let own = CompanyId::from_uuid(Uuid::from_u128(7));
        assert!(directory.of_company(own).is_ok());
        let other = CompanyId::from_uuid(Uuid::from_u128(8));
        assert!(matches!(
            directory.of_company(other),
            Err(ApiError::Forbidden)
        ));
    }

    #[test]
    fn security_administrators_need_their_role_a_customer_company_and_a_second_factor() {
        use SupportRole::*;
        for (support, security, allowed) in [
            (None, true, true),
            (Some(Restricted), true, true),
            (Some(Administrator), false, false),
            (Some(Advanced), false, false),
        ] {
            let actor = person(CompanyKind::Customer, support, security, None);
            assert_eq!(
                actor.security_administrator().is_ok(),
                allowed,
                "{support:?}"
            );
        }
        let Actor::Person(mut without) = person(CompanyKind::Customer, None, true, None) else {
            unreachable!()
        };
        without.two_factor = false;
        let without = Actor::Person(without);
        assert!(matches!(
            without.security_administrator(),
            Err(ApiError::TwoFactorRequired)
        ));
        assert!(matches!(
            without.contact_directory(),
            Err(ApiError::TwoFactorRequired)
        ));
    }

    #[test]
    fn a_company_requiring_two_factor_blocks_sessions_without_it() {
        let Actor::Person(mut principal) = person(
            CompanyKind::Customer,
            Some(SupportRole::Administrator),
            false,
            None,
        ) else {
            unreachable!()
        };
        principal.two_factor = false;
        if let Some(m) = principal.membership.as_mut() {
            m.requires_two_factor = true;
        }
        let actor = Actor::Person(principal.clone());
        assert!(matches!(
            actor.contact_directory(),
            Err(ApiError::TwoFactorRequired)
        ));
        principal.two_factor = true;
        assert!(Actor::Person(principal).contact_directory().is_ok());
    }

    #[test]
    fn only_the_platform_operator_gets_the_operator_capability() {
        let operator = person(
            CompanyKind::Provider,
            None,
            false,
            Some(ProviderRole::PlatformOperator),
        );
        assert!(operator.platform_operator().is_ok());
        let Actor::Person(mut without_second_factor) = operator.clone() else {
            unreachable!()
        };
        without_second_factor.two_factor = false;
        assert!(matches!(
            Actor::Person(without_second_factor).platform_operator(),
            Err(ApiError::TwoFactorRequired)
        ));
        for role in [ProviderRole::SupportAgent, ProviderRole::SupportManager] {
            assert!(
                person(CompanyKind::Provider, None, false, Some(role))
                    .platform_operator()
                    .is_err()
            );
        }
        let admin = person(
            CompanyKind::Customer,
            Some(SupportRole::Administrator),
            true,
            None,
        );
        assert!(admin.platform_operator().is_err());
    }

    #[test]
    fn companies_are_visible_to_their_members_and_to_provider_staff_only() {
        let own = CompanyId::from_uuid(Uuid::from_u128(7));
        let other = CompanyId::from_uuid(Uuid::from_u128(8));
        let customer = person(
            CompanyKind::Customer,
            Some(SupportRole::Restricted),
            false,
            None,
        );
        assert!(customer.can_see_company(own));
        assert!(!customer.can_see_company(other));
        let agent = person(
            CompanyKind::Provider,
            None,
            false,
            Some(ProviderRole::SupportAgent),
        );
        assert!(agent.can_see_company(other));
        assert!(!Actor::Anonymous.can_see_company(own));
        let Actor::Person(mut without) = agent else {
            unreachable!()
        };
        without.two_factor = false;
        let without = Actor::Person(without);
        assert!(
            !without.can_see_company(other),
            "staff need a second factor"
        );
    }

    #[test]
    fn a_support_administrator_directory_lacks_security_administrator_rights() {
        let support = person(
            CompanyKind::Customer,
            Some(SupportRole::Administrator),
            false,
            None,
        );
        assert!(!support.contact_directory().unwrap().security_admin());
        let both = person(
            CompanyKind::Customer,
            Some(SupportRole::Administrator),
            true,
            None,
        );
        assert!(both.contact_directory().unwrap().security_admin());
        let Actor::Person(mut without) = both else {
            unreachable!()
        };
        without.two_factor = false;
        let directory = Actor::Person(without).contact_directory().unwrap();
        assert!(
            !directory.security_admin(),
            "a second factor is needed for those rights"
        );
    }
}
