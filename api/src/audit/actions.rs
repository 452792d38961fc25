//! What the journal records: every action as an enum with its stored code.

use crate::codes::stored_codes;

stored_codes! {
    /// An action recorded in the audit journal. The codes are stored and shown by the API
    /// (`AuditEvent.action`, the `actions` filter): never rename one.
    pub enum AuditAction {
        // Sign-in and sessions.
        LoginPasswordAccepted => "LOGIN_PASSWORD_ACCEPTED",
        LoginSucceeded => "LOGIN_SUCCEEDED",
        LoginSucceededWithRecoveryCode => "LOGIN_SUCCEEDED_WITH_RECOVERY_CODE",
        LoginFailed => "LOGIN_FAILED",
        LoginThrottled => "LOGIN_THROTTLED",
        SecondFactorFailed => "SECOND_FACTOR_FAILED",
        SecondFactorThrottled => "SECOND_FACTOR_THROTTLED",
        Logout => "LOGOUT",
        LogoutEverywhere => "LOGOUT_EVERYWHERE",
        // Credentials.
        AccountActivated => "ACCOUNT_ACTIVATED",
        PasswordChanged => "PASSWORD_CHANGED",
        PasswordReset => "PASSWORD_RESET",
        PasswordResetRequested => "PASSWORD_RESET_REQUESTED",
        PasswordResetThrottled => "PASSWORD_RESET_THROTTLED",
        TwoFactorEnabled => "TWO_FACTOR_ENABLED",
        TwoFactorDisabled => "TWO_FACTOR_DISABLED",
        RecoveryCodesRegenerated => "RECOVERY_CODES_REGENERATED",
        // Companies.
        CompanyCreated => "COMPANY_CREATED",
        SecurityPolicyChanged => "SECURITY_POLICY_CHANGED",
        CompanyDurationsChanged => "COMPANY_DURATIONS_CHANGED",
        // Contacts and roles.
        ContactAdded => "CONTACT_ADDED",
        SecurityAdministratorCreated => "SECURITY_ADMINISTRATOR_CREATED",
        SupportStaffCreated => "SUPPORT_STAFF_CREATED",
        ContactEdited => "CONTACT_EDITED",
        ContactObsoleted => "CONTACT_OBSOLETED",
        ContactReactivated => "CONTACT_REACTIVATED",
        ContactRolesChanged => "CONTACT_ROLES_CHANGED",
        RoleBatchApplied => "ROLE_BATCH_APPLIED",
        // Requests.
        RequestDraftCreated => "REQUEST_DRAFT_CREATED",
        RequestDraftDeleted => "REQUEST_DRAFT_DELETED",
        RequestSubmitted => "REQUEST_SUBMITTED",
        RequestClarificationRequested => "REQUEST_CLARIFICATION_REQUESTED",
        RequestClarified => "REQUEST_CLARIFIED",
        RequestPaused => "REQUEST_PAUSED",
        RequestResumed => "REQUEST_RESUMED",
        RequestSentToRnd => "REQUEST_SENT_TO_RND",
        RequestCorrectionDelivered => "REQUEST_CORRECTION_DELIVERED",
        RequestClosureProposed => "REQUEST_CLOSURE_PROPOSED",
        RequestClosureValidated => "REQUEST_CLOSURE_VALIDATED",
        RequestClosureRefused => "REQUEST_CLOSURE_REFUSED",
        RequestAutoClosed => "REQUEST_AUTO_CLOSED",
        RequestClosed => "REQUEST_CLOSED",
        RequestReopened => "REQUEST_REOPENED",
        RequestMessageAdded => "REQUEST_MESSAGE_ADDED",
        RequestAssigned => "REQUEST_ASSIGNED",
        RequestUpdated => "REQUEST_UPDATED",
    }
}

stored_codes! {
    /// The kind of object an entry is about (`AuditEvent.targetKind`).
    pub enum TargetKind {
        Account => "ACCOUNT",
        Company => "COMPANY",
        Contact => "CONTACT",
        Request => "REQUEST",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_distinct_and_round_trips() {
        assert!(crate::codes::distinct(
            AuditAction::ALL.iter().map(|a| a.code())
        ));
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::from_code(action.code()), Some(*action));
        }
        assert!(crate::codes::distinct(
            TargetKind::ALL.iter().map(|k| k.code())
        ));
    }
}
