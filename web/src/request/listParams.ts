import type { RequestFilterInput, RequestQueue, RequestScope, RequestState } from '../gql/graphql';

/** The queues of the console; `UNASSIGNED` is the support's "active and nobody on it". */
export type QueueTab = RequestQueue | 'UNASSIGNED';

export const CUSTOMER_QUEUES: QueueTab[] = ['TO_CLARIFY', 'TO_VALIDATE', 'DRAFTS', 'ACTIVE', 'CLOSED', 'ALL'];
export const SUPPORT_QUEUES: QueueTab[] = ['ACTIVE', 'UNASSIGNED', 'TO_CLARIFY', 'TO_VALIDATE', 'CLOSED', 'ALL'];

export const STATES: RequestState[] = [
  'DRAFT',
  'SUPPORT_ANALYSIS',
  'CUSTOMER_CLARIFICATION',
  'WAITING_EXTERNAL',
  'WAITING_CORRECTION',
  'SOLUTION_PROPOSED',
  'CLOSED',
];

/** The request list as its URL (`?queue=…&scope=…&state=…&after=…`) describes it. */
export interface RequestListState {
  queue: QueueTab;
  scope: RequestScope;
  state: RequestState | null;
  after: string | null;
}

/** Who looks: the support has other queues and sees every company's requests by default. */
export interface ListViewer {
  staff: boolean;
  teamAllowed: boolean;
}

/** The scope shown: the team's only when allowed; by default the support sees every company's. */
export function teamScope(asked: string | null, teamAllowed: boolean, staff: boolean): RequestScope {
  if (!teamAllowed) return 'PERSONAL';
  if (asked === 'TEAM' || asked === 'PERSONAL') return asked;
  return staff ? 'TEAM' : 'PERSONAL';
}

/** The list's state from the URL; unknown or unallowed values fall back to the defaults. */
export function parseRequestList(params: URLSearchParams, viewer: ListViewer): RequestListState {
  const queues = viewer.staff ? SUPPORT_QUEUES : CUSTOMER_QUEUES;
  return {
    queue: queues.find((q) => q === params.get('queue')) ?? 'ACTIVE',
    scope: teamScope(params.get('scope'), viewer.teamAllowed, viewer.staff),
    state: STATES.find((s) => s === params.get('state')) ?? null,
    after: params.get('after'),
  };
}

/** The URL search (with its `?`) of a list state; the page cursor only when `withCursor`. */
export function requestListSearch(state: RequestListState, withCursor = true): string {
  const search = new URLSearchParams();
  search.set('queue', state.queue);
  search.set('scope', state.scope);
  if (state.state) search.set('state', state.state);
  if (withCursor && state.after) search.set('after', state.after);
  return `?${search.toString()}`;
}

/** The `requests` arguments of a list state: `UNASSIGNED` is the active queue, filtered. */
export function requestListQuery(state: RequestListState): { queue: RequestQueue; filter: RequestFilterInput } {
  const filter: RequestFilterInput = {};
  if (state.state) filter.states = [state.state];
  if (state.queue === 'UNASSIGNED') filter.unassigned = true;
  return { queue: state.queue === 'UNASSIGNED' ? 'ACTIVE' : state.queue, filter };
}
