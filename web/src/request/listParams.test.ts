import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activeFilterCount,
  changedState,
  cleanRange,
  cleanSearch,
  dayRangeInput,
  defaultDirection,
  distinctOptions,
  isDay,
  listOffer,
  NO_FILTERS,
  nextDay,
  parseRequestList,
  rangeProblem,
  requestListQuery,
  requestListSearch,
  teamScope,
  type ListViewer,
  type RequestListState,
} from './listParams';

const customer = { staff: false, teamAllowed: false };
const advanced = { staff: false, teamAllowed: true };
const agent = { staff: true, teamAllowed: true };
const parse = (search: string, viewer = advanced) => parseRequestList(new URLSearchParams(search), viewer);

const BASE: RequestListState = {
  queue: 'ACTIVE',
  scope: 'PERSONAL',
  ...NO_FILTERS,
  sort: 'UPDATED_AT',
  dir: 'DESC',
  after: null,
};

// Days are the browser's: test in a zone with summer time (Node reads TZ when it changes).
const zone = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
});
afterAll(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

describe('parseRequestList', () => {
  it('defaults to the active queue, personal for a customer, every company for the support', () => {
    expect(parse('', customer)).toEqual(BASE);
    expect(parse('', advanced)).toEqual(BASE);
    expect(parse('', agent)).toEqual({ ...BASE, scope: 'TEAM' });
  });

  it('reads a full URL', () => {
    const parsed = parse(
      '?queue=ALL&scope=TEAM&state=CLOSED&state=CUSTOMER_CLARIFICATION&urgency=URGENT&urgency=HIGH' +
        '&category=LICENSE_KEYS&kind=ISSUE&company=co_1&assignee=none&assignee=ct_2&requester=ct_3' +
        '&q=%C3%A9cran+fig%C3%A9&createdFrom=2026-01-01&createdTo=2026-01-31&closedTo=2026-02-01' +
        '&sort=URGENCY&dir=ASC&after=abc%3D%3D',
      agent,
    );
    expect(parsed).toEqual({
      queue: 'ALL',
      scope: 'TEAM',
      // Values come in the form's order, whatever the URL's.
      states: ['CUSTOMER_CLARIFICATION', 'CLOSED'],
      urgencies: ['HIGH', 'URGENT'],
      categories: ['LICENSE_KEYS'],
      kinds: ['ISSUE'],
      companies: ['co_1'],
      assignees: ['none', 'ct_2'],
      requesters: ['ct_3'],
      ranges: {
        created: { from: '2026-01-01', to: '2026-01-31' },
        updated: { from: '', to: '' },
        submitted: { from: '', to: '' },
        closed: { from: '', to: '2026-02-01' },
      },
      search: 'écran figé',
      sort: 'URGENCY',
      dir: 'ASC',
      after: 'abc==',
    });
  });

  it('ignores bad values', () => {
    expect(
      parse('?queue=EVERYTHING&scope=WORLD&state=closed&urgency=HUGE&category=&kind=BUG&sort=COLOUR&dir=down&after='),
    ).toEqual(BASE);
    expect(parse('?queue=&state=')).toMatchObject({ queue: 'ACTIVE', states: [] });
    // The first of repeated single parameters counts.
    expect(parse('?queue=CLOSED&queue=DRAFTS')).toMatchObject({ queue: 'CLOSED' });
    expect(parse('?company=a%20b&company=ok&company=ok', agent).companies).toEqual(['ok']);
    expect(parse('?createdFrom=2026-02-30&createdTo=yesterday').ranges.created).toEqual({ from: '', to: '' });
  });

  it('offers each person only their own queues', () => {
    expect(parse('?queue=UNASSIGNED', advanced).queue).toBe('ACTIVE');
    expect(parse('?queue=UNASSIGNED', agent).queue).toBe('UNASSIGNED');
    expect(parse('?queue=DRAFTS', agent).queue).toBe('ACTIVE');
    expect(parse('?queue=DRAFTS', customer).queue).toBe('DRAFTS');
  });

  it('keeps a customer without the team view to his own requests', () => {
    expect(parse('?scope=TEAM', customer).scope).toBe('PERSONAL');
    expect(parse('?scope=TEAM', advanced).scope).toBe('TEAM');
    expect(parse('?scope=PERSONAL', agent).scope).toBe('PERSONAL');
    expect(teamScope('TEAM', false, true)).toBe('PERSONAL');
  });

  it('drops the filters the viewer or the queue does not offer', () => {
    const url = '?queue=ALL&scope=TEAM&company=co_1&assignee=ct_2&requester=ct_3&sort=COMPANY&dir=ASC';
    expect(parse(url, advanced)).toMatchObject({ companies: [], assignees: [], requesters: ['ct_3'], sort: 'UPDATED_AT' });
    expect(parse(url.replace('TEAM', 'PERSONAL'), advanced)).toMatchObject({ requesters: [] });
    expect(parse(url, agent)).toMatchObject({ companies: ['co_1'], assignees: ['ct_2'], sort: 'COMPANY' });
    // Assigned to me, or to nobody: no assignee to choose.
    expect(parse(url.replace('TEAM', 'PERSONAL'), agent).assignees).toEqual([]);
    expect(parse(url.replace('ALL', 'UNASSIGNED'), agent).assignees).toEqual([]);
    // Only the states of the queue; none in a one-state queue; no draft for the support.
    expect(parse('?queue=ACTIVE&state=CLOSED&state=SOLUTION_PROPOSED').states).toEqual(['SOLUTION_PROPOSED']);
    expect(parse('?queue=TO_CLARIFY&state=CUSTOMER_CLARIFICATION').states).toEqual([]);
    expect(parse('?queue=ALL&state=DRAFT', agent).states).toEqual([]);
    expect(parse('?queue=ALL&state=DRAFT', customer).states).toEqual(['DRAFT']);
    // No closing date outside the closed and all queues, no submission date for drafts.
    expect(parse('?queue=ACTIVE&closedFrom=2026-01-01').ranges.closed.from).toBe('');
    expect(parse('?queue=CLOSED&closedFrom=2026-01-01').ranges.closed.from).toBe('2026-01-01');
    expect(parse('?queue=DRAFTS&submittedFrom=2026-01-01', customer).ranges.submitted.from).toBe('');
  });

  it('puts reversed dates in order and drops a range of more than 10 years', () => {
    expect(parse('?updatedFrom=2026-03-10&updatedTo=2026-03-01').ranges.updated).toEqual({
      from: '2026-03-01',
      to: '2026-03-10',
    });
    expect(parse('?updatedFrom=2010-01-01&updatedTo=2026-03-01').ranges.updated).toEqual({ from: '', to: '' });
  });

  it('trims the search and keeps at most 200 characters', () => {
    expect(parse(`?q=${encodeURIComponent('  SR-2026  ')}`).search).toBe('SR-2026');
    expect(parse(`?q=${'é'.repeat(250)}`).search).toHaveLength(200);
    expect(cleanSearch('😀'.repeat(201))).toBe('😀'.repeat(200));
    expect(cleanSearch(null)).toBe('');
  });
});

describe('requestListSearch', () => {
  const state: RequestListState = {
    ...BASE,
    queue: 'ALL',
    scope: 'TEAM',
    states: ['SUPPORT_ANALYSIS', 'SOLUTION_PROPOSED'],
    urgencies: ['HIGH'],
    companies: ['co_1'],
    assignees: ['none'],
    search: 'léa & co',
    ranges: { ...NO_FILTERS.ranges, submitted: { from: '2026-01-01', to: '' } },
    sort: 'TITLE',
    dir: 'ASC',
    after: 'c/1+2',
  };

  it('writes the queue and scope always, the rest when set', () => {
    expect(requestListSearch(state)).toBe(
      '?queue=ALL&scope=TEAM&state=SUPPORT_ANALYSIS&state=SOLUTION_PROPOSED&urgency=HIGH&company=co_1' +
        '&assignee=none&q=l%C3%A9a+%26+co&submittedFrom=2026-01-01&sort=TITLE&dir=ASC&after=c%2F1%2B2',
    );
    expect(requestListSearch(state, false)).not.toContain('after');
    expect(requestListSearch(BASE)).toBe('?queue=ACTIVE&scope=PERSONAL');
    // The single-state URL of earlier versions still reads the same.
    expect(requestListSearch({ ...BASE, queue: 'ALL', states: ['SUPPORT_ANALYSIS'] })).toBe(
      '?queue=ALL&scope=PERSONAL&state=SUPPORT_ANALYSIS',
    );
    expect(requestListSearch({ ...BASE, dir: 'ASC' })).toBe('?queue=ACTIVE&scope=PERSONAL&sort=UPDATED_AT&dir=ASC');
  });

  it('round-trips through the URL', () => {
    const cases: [ListViewer, RequestListState][] = [
      [agent, state],
      [agent, { ...BASE, queue: 'UNASSIGNED', scope: 'TEAM' }],
      [customer, { ...BASE, queue: 'DRAFTS', states: [], urgencies: ['LOW', 'URGENT'], after: 'x' }],
      [advanced, { ...BASE, scope: 'TEAM', requesters: ['ct_9'], kinds: ['HOW_TO'], categories: ['SOFTWARE_USAGE'] }],
      [
        advanced,
        {
          ...BASE,
          queue: 'CLOSED',
          ranges: {
            created: { from: '2025-01-01', to: '2025-12-31' },
            updated: { from: '', to: '2026-06-30' },
            submitted: { from: '2025-02-01', to: '2025-02-01' },
            closed: { from: '2026-01-01', to: '' },
          },
          sort: 'CLOSED_AT',
          dir: 'DESC',
        },
      ],
    ];
    for (const [viewer, s] of cases) {
      const search = requestListSearch(s);
      expect(parseRequestList(new URLSearchParams(search), viewer), search).toEqual(s);
    }
  });

  it('normalises a bad URL into one that parses the same', () => {
    const parsed = parse('?queue=nope&scope=TEAM&state=BAD&extra=1&urgency=LOW&urgency=LOW&company=co_1');
    expect(requestListSearch(parsed)).toBe('?queue=ACTIVE&scope=TEAM&urgency=LOW');
    expect(parse(requestListSearch(parsed))).toEqual(parsed);
  });
});

describe('requestListQuery', () => {
  it('asks the active queue without an agent for UNASSIGNED', () => {
    expect(requestListQuery({ ...BASE, queue: 'UNASSIGNED', scope: 'TEAM', states: ['SUPPORT_ANALYSIS'] })).toEqual({
      queue: 'ACTIVE',
      scope: 'TEAM',
      filter: { unassigned: true, states: ['SUPPORT_ANALYSIS'] },
      orderBy: { field: 'UPDATED_AT', direction: 'DESC' },
    });
    expect(requestListQuery({ ...BASE, queue: 'CLOSED' })).toMatchObject({ queue: 'CLOSED', filter: {} });
  });

  it('sends every filter, "unassigned" as its flag, and the order', () => {
    const { filter, orderBy } = requestListQuery({
      ...BASE,
      queue: 'ALL',
      scope: 'TEAM',
      states: ['CLOSED'],
      urgencies: ['HIGH', 'URGENT'],
      categories: ['SOFTWARE_USAGE'],
      kinds: ['ISSUE'],
      companies: ['co_1'],
      assignees: ['ct_2', 'none'],
      requesters: ['ct_3'],
      search: 'ecran',
      ranges: { ...NO_FILTERS.ranges, created: { from: '2026-01-15', to: '2026-01-15' } },
      sort: 'URGENCY',
      dir: 'ASC',
    });
    expect(filter).toEqual({
      states: ['CLOSED'],
      urgencies: ['HIGH', 'URGENT'],
      categories: ['SOFTWARE_USAGE'],
      kinds: ['ISSUE'],
      companyIds: ['co_1'],
      assigneeIds: ['ct_2'],
      unassigned: true,
      requesterIds: ['ct_3'],
      search: 'ecran',
      createdAt: { from: '2026-01-14T23:00:00.000Z', to: '2026-01-15T23:00:00.000Z' },
    });
    expect(orderBy).toEqual({ field: 'URGENCY', direction: 'ASC' });
    expect(requestListQuery({ ...BASE, assignees: ['none'] }).filter).toEqual({ unassigned: true });
  });
});

describe('date ranges', () => {
  it('turns whole local days into a UTC range, the last day included', () => {
    // Paris is UTC+1 in winter, UTC+2 in summer.
    expect(dayRangeInput({ from: '2026-01-01', to: '2026-01-31' })).toEqual({
      from: '2025-12-31T23:00:00.000Z',
      to: '2026-01-31T23:00:00.000Z',
    });
    expect(dayRangeInput({ from: '2026-07-14', to: '' })).toEqual({ from: '2026-07-13T22:00:00.000Z' });
    expect(dayRangeInput({ from: '', to: '2026-12-31' })).toEqual({ to: '2026-12-31T23:00:00.000Z' });
    expect(dayRangeInput({ from: '', to: '' })).toBeNull();
  });

  it('follows summer time within a range', () => {
    // The clocks go forward on 29 March 2026 and back on 25 October 2026 in Paris.
    expect(dayRangeInput({ from: '2026-03-29', to: '2026-03-29' })).toEqual({
      from: '2026-03-28T23:00:00.000Z',
      to: '2026-03-29T22:00:00.000Z',
    });
    expect(dayRangeInput({ from: '2026-10-25', to: '2026-10-25' })).toEqual({
      from: '2026-10-24T22:00:00.000Z',
      to: '2026-10-25T23:00:00.000Z',
    });
  });

  it('is exact in UTC too', () => {
    process.env.TZ = 'UTC';
    try {
      expect(dayRangeInput({ from: '2024-02-28', to: '2024-02-29' })).toEqual({
        from: '2024-02-28T00:00:00.000Z',
        to: '2024-03-01T00:00:00.000Z',
      });
    } finally {
      process.env.TZ = 'Europe/Paris';
    }
  });

  it('knows real days and the day after', () => {
    expect(isDay('2024-02-29')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2026-13-01')).toBe(false);
    expect(isDay('1969-12-31')).toBe(false);
    expect(isDay('2026-1-1')).toBe(false);
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
    expect(nextDay('2024-02-28')).toBe('2024-02-29');
  });

  it('checks a range typed in', () => {
    expect(rangeProblem({ from: '', to: '' })).toBeNull();
    expect(rangeProblem({ from: '2026-01-02', to: '2026-01-02' })).toBeNull();
    expect(rangeProblem({ from: '2026-01-02', to: '2026-01-01' })).toBe('ORDER');
    expect(rangeProblem({ from: '2016-01-01', to: '2025-12-31' })).toBeNull();
    expect(rangeProblem({ from: '2016-01-01', to: '2026-01-05' })).toBe('TOO_LONG');
    expect(rangeProblem({ from: '2026-02-31', to: '' })).toBe('FORMAT');
    expect(cleanRange('2026-01-02', '2026-01-01')).toEqual({ from: '2026-01-01', to: '2026-01-02' });
    expect(cleanRange(null, 'x')).toEqual({ from: '', to: '' });
  });
});

describe('listOffer', () => {
  it('gives the support companies, assignees and their columns; customers none', () => {
    const support = listOffer(agent, 'ALL', 'TEAM');
    expect(support).toMatchObject({ company: true, assignee: true, requester: true });
    expect(support.columns).toEqual(['humanId', 'title', 'company', 'requester', 'assignee', 'state', 'urgency', 'updatedAt']);
    expect(support.sorts).toEqual([
      'HUMAN_ID',
      'TITLE',
      'COMPANY',
      'REQUESTER',
      'ASSIGNEE',
      'STATE',
      'URGENCY',
      'UPDATED_AT',
      'CREATED_AT',
      'SUBMITTED_AT',
      'CLOSED_AT',
    ]);
    const mine = listOffer(customer, 'ACTIVE', 'PERSONAL');
    expect(mine).toMatchObject({ company: false, assignee: false, requester: false });
    expect(mine.columns).toEqual(['humanId', 'title', 'state', 'urgency', 'updatedAt']);
    expect(mine.ranges).toEqual(['created', 'updated', 'submitted']);
    expect(listOffer(advanced, 'ALL', 'TEAM').columns).toContain('requester');
    expect(listOffer(agent, 'UNASSIGNED', 'TEAM').columns).not.toContain('assignee');
    expect(listOffer(customer, 'DRAFTS', 'PERSONAL').sorts).not.toContain('SUBMITTED_AT');
  });

  it('sorts dates and urgency newest or most urgent first, the rest A to Z', () => {
    expect(defaultDirection('UPDATED_AT')).toBe('DESC');
    expect(defaultDirection('URGENCY')).toBe('DESC');
    expect(defaultDirection('TITLE')).toBe('ASC');
    expect(defaultDirection('COMPANY')).toBe('ASC');
  });
});

describe('activeFilterCount', () => {
  it('counts each filter once', () => {
    expect(activeFilterCount(NO_FILTERS)).toBe(0);
    expect(
      activeFilterCount({
        ...NO_FILTERS,
        urgencies: ['LOW', 'HIGH'],
        search: 'x',
        ranges: { ...NO_FILTERS.ranges, closed: { from: '', to: '2026-01-01' } },
      }),
    ).toBe(3);
  });
});

describe('changedState', () => {
  it('resets the page and drops what the new queue does not offer', () => {
    const state: RequestListState = {
      ...BASE,
      queue: 'ALL',
      states: ['CLOSED', 'SUPPORT_ANALYSIS'],
      urgencies: ['HIGH'],
      ranges: { ...NO_FILTERS.ranges, closed: { from: '2026-01-01', to: '' } },
      after: 'p2',
    };
    expect(changedState(state, { queue: 'ACTIVE' }, advanced)).toEqual({
      ...BASE,
      states: ['SUPPORT_ANALYSIS'],
      urgencies: ['HIGH'],
    });
    expect(changedState(state, { after: 'p3' }, advanced).after).toBe('p3');
  });
});

describe('distinctOptions', () => {
  it('keeps each ID once, sorts by label ignoring accents, tells equal names apart', () => {
    expect(
      distinctOptions(
        [
          { id: 'c2', label: 'Groupe Hélios' },
          null,
          { id: 'c1', label: 'Éditions Martin' },
          { id: 'c2', label: 'Groupe Hélios' },
          { id: 'c3', label: 'clinique Saint-Roch' },
        ],
        'fr',
      ).map((o) => o.label),
    ).toEqual(['clinique Saint-Roch', 'Éditions Martin', 'Groupe Hélios']);
    expect(
      distinctOptions(
        [
          { id: 'p1', label: 'Alexandre Walker', detail: 'a.walker@one.example' },
          { id: 'p2', label: 'Alexandre Walker', detail: 'alex@two.example' },
          { id: 'p3', label: 'Adèle Rousseau', detail: 'adele@one.example' },
        ],
        'en',
      ).map((o) => o.label),
    ).toEqual(['Adèle Rousseau', 'Alexandre Walker (a.walker@one.example)', 'Alexandre Walker (alex@two.example)']);
  });
});
