import type {
  DateTimeRangeInput,
  OrderDirection,
  RequestCategory,
  RequestFilterInput,
  RequestKind,
  RequestOrderField,
  RequestOrderInput,
  RequestQueue,
  RequestScope,
  RequestState,
  Urgency,
} from '../gql/graphql';

// Only types come from the generated code: this module and its unit tests run without it.

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
const OPEN_STATES: RequestState[] = STATES.filter((s) => s !== 'DRAFT' && s !== 'CLOSED');
export const URGENCIES: Urgency[] = ['LOW', 'MEDIUM', 'HIGH', 'URGENT'];
export const CATEGORIES: RequestCategory[] = [
  'SOFTWARE_USAGE',
  'SOFTWARE_DOWNLOAD',
  'SOFTWARE_ORDERING',
  'LICENSE_KEYS',
  'CONTACT_MANAGEMENT',
  'CERTIFICATION_TRAINING',
  'ADMINISTRATIVE_APPS',
];
export const KINDS: RequestKind[] = ['ISSUE', 'HOW_TO'];

/** The date ranges a list can be filtered on (`createdFrom`, `createdTo`… in the URL). */
export const RANGE_FIELDS = ['created', 'updated', 'submitted', 'closed'] as const;
export type RangeField = (typeof RANGE_FIELDS)[number];
/** Whole days `YYYY-MM-DD`, both included; `''` for an open end. */
export interface DayRange {
  from: string;
  to: string;
}
export type DayRanges = Record<RangeField, DayRange>;

/** The assignee value that stands for "assigned to nobody". */
export const UNASSIGNED = 'none';
/** Longest search text (characters), as the API takes it. */
export const SEARCH_MAX = 200;
/** Most values one filter may hold, as the API takes them. */
export const VALUES_MAX = 100;
/** Longest date range, in days (the API takes at most 10 years of 366 days). */
export const RANGE_DAYS_MAX = 3653;

export const DEFAULT_SORT: RequestOrderField = 'UPDATED_AT';
export const DEFAULT_DIR: OrderDirection = 'DESC';

/** The request list as its URL describes it. */
export interface RequestListState {
  queue: QueueTab;
  scope: RequestScope;
  states: RequestState[];
  urgencies: Urgency[];
  categories: RequestCategory[];
  kinds: RequestKind[];
  /** Company IDs (support only). */
  companies: string[];
  /** Agent IDs, or `UNASSIGNED` (support, every company's requests). */
  assignees: string[];
  /** Requester (contact) IDs. */
  requesters: string[];
  ranges: DayRanges;
  search: string;
  sort: RequestOrderField;
  dir: OrderDirection;
  after: string | null;
}

/** Who looks: the support has other queues and sees every company's requests by default. */
export interface ListViewer {
  staff: boolean;
  teamAllowed: boolean;
}

/** The columns of the table, in order. */
export type Column = 'humanId' | 'title' | 'company' | 'requester' | 'assignee' | 'state' | 'urgency' | 'updatedAt';

/** What a list offers the viewer: filters, columns and sort orders that make sense there. */
export interface ListOffer {
  /** States to filter on; empty when the queue holds one state only. */
  states: RequestState[];
  company: boolean;
  assignee: boolean;
  requester: boolean;
  ranges: RangeField[];
  columns: Column[];
  sorts: RequestOrderField[];
}

export const COLUMN_SORT: Record<Column, RequestOrderField> = {
  humanId: 'HUMAN_ID',
  title: 'TITLE',
  company: 'COMPANY',
  requester: 'REQUESTER',
  assignee: 'ASSIGNEE',
  state: 'STATE',
  urgency: 'URGENCY',
  updatedAt: 'UPDATED_AT',
};

/** The offer of a queue and scope to a viewer. */
export function listOffer(viewer: ListViewer, queue: QueueTab, scope: RequestScope): ListOffer {
  let states: RequestState[] = [];
  if (queue === 'ACTIVE' || queue === 'UNASSIGNED') states = OPEN_STATES;
  else if (queue === 'ALL') states = viewer.staff ? STATES.filter((s) => s !== 'DRAFT') : STATES;
  const company = viewer.staff;
  // The support's personal scope is "assigned to me": no other assignee to choose.
  const assignee = viewer.staff && scope === 'TEAM' && queue !== 'UNASSIGNED';
  const requester = viewer.staff || scope === 'TEAM';
  const ranges = RANGE_FIELDS.filter(
    (r) => (r !== 'submitted' || queue !== 'DRAFTS') && (r !== 'closed' || queue === 'CLOSED' || queue === 'ALL'),
  );
  const columns: Column[] = ['humanId', 'title'];
  if (company) columns.push('company');
  if (requester) columns.push('requester');
  if (assignee) columns.push('assignee');
  columns.push('state', 'urgency', 'updatedAt');
  const sorts = columns.map((c) => COLUMN_SORT[c]);
  sorts.push('CREATED_AT');
  if (ranges.includes('submitted')) sorts.push('SUBMITTED_AT');
  if (ranges.includes('closed')) sorts.push('CLOSED_AT');
  return { states, company, assignee, requester, ranges, columns, sorts };
}

/** The direction a column is first sorted in: newest or most urgent first, else A to Z. */
export function defaultDirection(field: RequestOrderField): OrderDirection {
  return field.endsWith('_AT') || field === 'URGENCY' ? 'DESC' : 'ASC';
}

/** The scope shown: the team's only when allowed; by default the support sees every company's. */
export function teamScope(asked: string | null, teamAllowed: boolean, staff: boolean): RequestScope {
  if (!teamAllowed) return 'PERSONAL';
  if (asked === 'TEAM' || asked === 'PERSONAL') return asked;
  return staff ? 'TEAM' : 'PERSONAL';
}

/** `YYYY-MM-DD` of a real day between 1970 and 9999. */
export function isDay(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (y < 1970) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Days from `from` to `to`, both included (both must be days). */
function daysCovered(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
}

/** What is wrong with a range typed in: its end before its start, or more than 10 years. */
export function rangeProblem(range: DayRange): 'ORDER' | 'TOO_LONG' | 'FORMAT' | null {
  if ((range.from && !isDay(range.from)) || (range.to && !isDay(range.to))) return 'FORMAT';
  if (!range.from || !range.to) return null;
  if (range.from > range.to) return 'ORDER';
  return daysCovered(range.from, range.to) > RANGE_DAYS_MAX ? 'TOO_LONG' : null;
}

/** A range read from the URL: bad days left out, ends put in order, too long dropped. */
export function cleanRange(from: string | null, to: string | null): DayRange {
  let range: DayRange = { from: from && isDay(from) ? from : '', to: to && isDay(to) ? to : '' };
  if (range.from && range.to && range.from > range.to) range = { from: range.to, to: range.from };
  return rangeProblem(range) ? { from: '', to: '' } : range;
}

/** Midnight starting `day` in the browser's time zone (DST included), as a UTC instant. */
export function localMidnight(day: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d);
}

/** The day after `day`. */
export function nextDay(day: string): string {
  const date = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000);
  return date.toISOString().slice(0, 10);
}

/**
 * Whole local days as the API's range: from the first day's midnight (included) to the
 * midnight after the last day (excluded), in UTC ISO; `null` for no range.
 */
export function dayRangeInput(range: DayRange): DateTimeRangeInput | null {
  if (!range.from && !range.to) return null;
  const input: DateTimeRangeInput = {};
  if (range.from) input.from = localMidnight(range.from).toISOString();
  if (range.to) input.to = localMidnight(nextDay(range.to)).toISOString();
  return input;
}

/** A search text as the API takes it: trimmed, at most 200 characters (not UTF-16 units). */
export function cleanSearch(raw: string | null): string {
  return Array.from((raw ?? '').trim()).slice(0, SEARCH_MAX).join('').trim();
}

function known<T extends string>(values: string[], allowed: readonly T[]): T[] {
  return allowed.filter((a) => values.includes(a));
}

function ids(values: string[], extra?: string): string[] {
  const out: string[] = [];
  for (const v of values) {
    if ((v === extra || /^[A-Za-z0-9_-]{1,100}$/.test(v)) && !out.includes(v)) out.push(v);
  }
  return out.slice(0, VALUES_MAX);
}

const NO_RANGES: DayRanges = {
  created: { from: '', to: '' },
  updated: { from: '', to: '' },
  submitted: { from: '', to: '' },
  closed: { from: '', to: '' },
};

/** The list's state from the URL; unknown, unallowed or bad values fall back to the defaults. */
export function parseRequestList(params: URLSearchParams, viewer: ListViewer): RequestListState {
  const queues = viewer.staff ? SUPPORT_QUEUES : CUSTOMER_QUEUES;
  const queue = queues.find((q) => q === params.get('queue')) ?? 'ACTIVE';
  const scope = teamScope(params.get('scope'), viewer.teamAllowed, viewer.staff);
  const offer = listOffer(viewer, queue, scope);
  const ranges = { ...NO_RANGES };
  for (const r of offer.ranges) ranges[r] = cleanRange(params.get(`${r}From`), params.get(`${r}To`));
  const sort = offer.sorts.find((s) => s === params.get('sort')) ?? DEFAULT_SORT;
  const dir = params.get('dir');
  return {
    queue,
    scope,
    states: known(params.getAll('state'), offer.states),
    urgencies: known(params.getAll('urgency'), URGENCIES),
    categories: known(params.getAll('category'), CATEGORIES),
    kinds: known(params.getAll('kind'), KINDS),
    companies: offer.company ? ids(params.getAll('company')) : [],
    assignees: offer.assignee ? ids(params.getAll('assignee'), UNASSIGNED) : [],
    requesters: offer.requester ? ids(params.getAll('requester')) : [],
    ranges,
    search: cleanSearch(params.get('q')),
    sort,
    dir: dir === 'ASC' || dir === 'DESC' ? dir : DEFAULT_DIR,
    after: params.get('after') || null,
  };
}

/** The URL search (with its `?`) of a list state; the page cursor only when `withCursor`. */
export function requestListSearch(state: RequestListState, withCursor = true): string {
  const search = new URLSearchParams();
  search.set('queue', state.queue);
  search.set('scope', state.scope);
  for (const s of state.states) search.append('state', s);
  for (const u of state.urgencies) search.append('urgency', u);
  for (const c of state.categories) search.append('category', c);
  for (const k of state.kinds) search.append('kind', k);
  for (const c of state.companies) search.append('company', c);
  for (const a of state.assignees) search.append('assignee', a);
  for (const r of state.requesters) search.append('requester', r);
  if (state.search) search.set('q', state.search);
  for (const r of RANGE_FIELDS) {
    if (state.ranges[r].from) search.set(`${r}From`, state.ranges[r].from);
    if (state.ranges[r].to) search.set(`${r}To`, state.ranges[r].to);
  }
  if (state.sort !== DEFAULT_SORT || state.dir !== DEFAULT_DIR) {
    search.set('sort', state.sort);
    search.set('dir', state.dir);
  }
  if (withCursor && state.after) search.set('after', state.after);
  return `?${search.toString()}`;
}

/** The filters of a state (everything but queue, scope, order and page). */
export type ListFilters = Pick<
  RequestListState,
  'states' | 'urgencies' | 'categories' | 'kinds' | 'companies' | 'assignees' | 'requesters' | 'ranges' | 'search'
>;

export const NO_FILTERS: ListFilters = {
  states: [],
  urgencies: [],
  categories: [],
  kinds: [],
  companies: [],
  assignees: [],
  requesters: [],
  ranges: NO_RANGES,
  search: '',
};

/** How many filters are set (each list, each range and the search count once). */
export function activeFilterCount(state: ListFilters): number {
  const lists = [state.states, state.urgencies, state.categories, state.kinds, state.companies, state.assignees, state.requesters];
  const ranges = RANGE_FIELDS.filter((r) => state.ranges[r].from || state.ranges[r].to);
  return lists.filter((l) => l.length > 0).length + ranges.length + (state.search ? 1 : 0);
}

/** The `requests` arguments of a list state: `UNASSIGNED` is the active queue, filtered. */
export function requestListQuery(state: RequestListState): {
  queue: RequestQueue;
  scope: RequestScope;
  filter: RequestFilterInput;
  orderBy: RequestOrderInput;
} {
  const filter: RequestFilterInput = {};
  if (state.states.length) filter.states = state.states;
  if (state.urgencies.length) filter.urgencies = state.urgencies;
  if (state.categories.length) filter.categories = state.categories;
  if (state.kinds.length) filter.kinds = state.kinds;
  if (state.companies.length) filter.companyIds = state.companies;
  if (state.requesters.length) filter.requesterIds = state.requesters;
  const agents = state.assignees.filter((a) => a !== UNASSIGNED);
  if (agents.length) filter.assigneeIds = agents;
  if (state.queue === 'UNASSIGNED' || state.assignees.includes(UNASSIGNED)) filter.unassigned = true;
  const ranges = { created: 'createdAt', updated: 'updatedAt', submitted: 'submittedAt', closed: 'closedAt' } as const;
  for (const r of RANGE_FIELDS) {
    const input = dayRangeInput(state.ranges[r]);
    if (input) filter[ranges[r]] = input;
  }
  if (state.search) filter.search = state.search;
  return {
    queue: state.queue === 'UNASSIGNED' ? 'ACTIVE' : state.queue,
    scope: state.scope,
    filter,
    orderBy: { field: state.sort, direction: state.dir },
  };
}

/** A state with some changes, as its URL would read back (values the new list lacks dropped). */
export function changedState(state: RequestListState, next: Partial<RequestListState>, viewer: ListViewer): RequestListState {
  return parseRequestList(new URLSearchParams(requestListSearch({ ...state, after: null, ...next })), viewer);
}

/** A value of an ID filter (a company, a person) and its label. */
export interface Option {
  id: string;
  label: string;
  /** Told apart by this when two options have the same label (two people of the same name). */
  detail?: string;
}

/** Distinct values, sorted by label in the page's language; equal labels get their detail. */
export function distinctOptions(found: (Option | null)[], locale: string): Option[] {
  const byId = new Map<string, Option>();
  for (const o of found) if (o && !byId.has(o.id)) byId.set(o.id, o);
  const options = [...byId.values()];
  const twice = new Set(options.filter((o, i) => options.findIndex((p) => p.label === o.label) !== i).map((o) => o.label));
  return options
    .map((o) => (twice.has(o.label) && o.detail ? { ...o, label: `${o.label} (${o.detail})` } : o))
    .sort((a, b) => a.label.localeCompare(b.label, locale, { sensitivity: 'base' }));
}
