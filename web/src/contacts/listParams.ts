import type { ContactFilterInput, ContactOrderField, ContactStatus, OrderDirection, SupportRole } from '../gql/graphql';

export const STATUS_FILTERS = ['ACTIVE', 'OBSOLETE', 'ALL'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];
// The same as `SUPPORT_ROLES` of ./operations, repeated so that this module (and its unit tests)
// needs no generated code at run time, only types.
const ROLES: SupportRole[] = ['SUPPORT_RESTRICTED', 'SUPPORT_ADVANCED', 'SUPPORT_ADMINISTRATOR'];
export const ROLE_FILTERS = ['', ...ROLES, 'SECURITY_ADMINISTRATOR'] as const;
export type RoleFilter = (typeof ROLE_FILTERS)[number];
export const SORTS: ContactOrderField[] = ['NAME', 'EMAIL', 'CREATED_AT'];

/** The contact list as its URL (`?q=…&status=…&role=…&sort=…&dir=…&after=…`) describes it. */
export interface ContactListState {
  search: string;
  status: StatusFilter;
  role: RoleFilter;
  sort: ContactOrderField;
  dir: OrderDirection;
  after: string | null;
}

/** The list's state from the URL; unknown values fall back to the defaults. */
export function parseContactList(params: URLSearchParams): ContactListState {
  return {
    search: params.get('q') ?? '',
    status: STATUS_FILTERS.find((s) => s === params.get('status')) ?? 'ACTIVE',
    role: ROLE_FILTERS.find((r) => r !== '' && r === params.get('role')) ?? '',
    sort: SORTS.find((s) => s === params.get('sort')) ?? 'NAME',
    dir: params.get('dir') === 'DESC' ? 'DESC' : 'ASC',
    after: params.get('after'),
  };
}

/** The URL search of a list state (with its `?`, or empty): defaults are left out. */
export function contactListSearch(state: ContactListState): string {
  const search = new URLSearchParams();
  if (state.search) search.set('q', state.search);
  if (state.status !== 'ACTIVE') search.set('status', state.status);
  if (state.role) search.set('role', state.role);
  if (state.sort !== 'NAME') search.set('sort', state.sort);
  if (state.dir !== 'ASC') search.set('dir', state.dir);
  if (state.after) search.set('after', state.after);
  const query = search.toString();
  return query ? `?${query}` : '';
}

/** The `contacts` filter of a list state. */
export function contactListFilter(state: ContactListState): ContactFilterInput {
  const filter: ContactFilterInput = {};
  if (state.search.trim()) filter.search = state.search.trim();
  if (state.status !== 'ALL') filter.statuses = [state.status as ContactStatus];
  if (state.role === 'SECURITY_ADMINISTRATOR') filter.securityAdministrator = true;
  else if (state.role) filter.supportRoles = [state.role as SupportRole];
  return filter;
}
