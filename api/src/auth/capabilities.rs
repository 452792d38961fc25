//! What the caller may do now, as plain flags for clients that draw their screens from it. Each
//! flag is exactly whether the `Actor` method that makes the capability would succeed, so a
//! screen offered is a screen allowed (in a session without the second factor a privileged
//! role needs, its flags are off).

use super::{Actor, RequestWorker};

/// What the caller may do now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// Create and submit requests (customers with a support role).
    pub create_requests: bool,
    /// See the team's requests, not only their own (team roles; the support).
    pub team_scope: bool,
    /// List, add and edit the company's contacts (Support and Security Administrators).
    pub contact_administration: bool,
    /// Role batches, obsolete marking, the security policy, the journal (Security
    /// Administrators).
    pub security_administration: bool,
    /// Work requests as the support (agents and managers).
    pub support_staff: bool,
    /// Assign requests to other agents (managers).
    pub dispatch: bool,
    /// Read dashboard figures.
    pub dashboards: bool,
    /// Create companies and their first administrators (the platform operator).
    pub platform_operation: bool,
}

impl Actor {
    /// What the caller may do now; all off without a session.
    pub fn capabilities(&self) -> Capabilities {
        let worker = self.request_worker().ok();
        let staff = match worker {
            Some(RequestWorker::Staff(staff)) => Some(staff),
            _ => None,
        };
        Capabilities {
            create_requests: matches!(worker, Some(RequestWorker::Customer(c)) if c.can_create()),
            team_scope: match worker {
                Some(RequestWorker::Customer(c)) => c.team(),
                Some(RequestWorker::Staff(_)) => true,
                None => false,
            },
            contact_administration: self.contact_directory().is_ok(),
            security_administration: self.security_administrator().is_ok(),
            support_staff: staff.is_some(),
            dispatch: staff.is_some_and(|s| s.manager()),
            dashboards: self.dashboard_viewer().is_ok(),
            platform_operation: self.platform_operator().is_ok(),
        }
    }
}
