import type { Viewer } from './session';

/**
 * What the person may do, as the API says (`Viewer.capabilities`): the app never guesses it
 * from roles. Every check below is only about what to offer; the API enforces it anyway.
 */
type Capability = keyof Viewer['capabilities'];

function can(viewer: Viewer | null, capability: Capability): boolean {
  return Boolean(viewer?.capabilities[capability]);
}

/** Support agents and managers work on every company's requests. */
export function isSupportStaff(viewer: Viewer | null): boolean {
  return can(viewer, 'supportStaff');
}

/** Whether the team scope is offered (the API refuses it to Support Restricted contacts). */
export function canUseTeamScope(viewer: Viewer | null): boolean {
  return can(viewer, 'teamScope');
}

/** Customers with a support role open requests (the support and pure administrators do not). */
export function canCreateRequests(viewer: Viewer | null): boolean {
  return can(viewer, 'createRequests');
}

/** Support and Security Administrators list, add and edit their company's contacts. */
export function canAdministerContacts(viewer: Viewer | null): boolean {
  return can(viewer, 'contactAdministration');
}

/** Security Administrators: role batch, obsolete marking, security policy, journal. */
export function canAdministerSecurity(viewer: Viewer | null): boolean {
  return can(viewer, 'securityAdministration');
}

/** Support managers assign requests to other agents. */
export function canDispatch(viewer: Viewer | null): boolean {
  return can(viewer, 'dispatch');
}

/** The audit journal: Security Administrators (their company) and the platform operator. */
export function canReadAudit(viewer: Viewer | null): boolean {
  return can(viewer, 'securityAdministration') || can(viewer, 'platformOperation');
}

/** The platform operator: customer companies, their first Security Administrator, support staff. */
export function canOperatePlatform(viewer: Viewer | null): boolean {
  return can(viewer, 'platformOperation');
}
