import type { Viewer } from './session';

/** Support agents and managers work on every company's requests. */
export function isSupportStaff(viewer: Viewer | null): boolean {
  const role = viewer?.contact?.providerRole;
  return role === 'SUPPORT_AGENT' || role === 'SUPPORT_MANAGER';
}

/** Whether the team scope is offered (the API refuses it to Support Restricted contacts). */
export function canUseTeamScope(viewer: Viewer | null): boolean {
  if (isSupportStaff(viewer)) return true;
  const contact = viewer?.contact;
  if (!contact) return false;
  return (
    contact.supportRole === 'SUPPORT_ADVANCED' ||
    contact.supportRole === 'SUPPORT_ADMINISTRATOR' ||
    contact.securityAdministrator
  );
}

/** Customers with a support role open requests (the support and pure administrators do not). */
export function canCreateRequests(viewer: Viewer | null): boolean {
  return Boolean(viewer?.contact?.supportRole) && !isSupportStaff(viewer);
}
