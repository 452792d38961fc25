import { describe, expect, it } from 'vitest';
import { parseRequestList, requestListQuery, requestListSearch, teamScope, type RequestListState } from './listParams';

const customer = { staff: false, teamAllowed: false };
const advanced = { staff: false, teamAllowed: true };
const agent = { staff: true, teamAllowed: true };
const parse = (search: string, viewer = advanced) => parseRequestList(new URLSearchParams(search), viewer);

describe('parseRequestList', () => {
  it('defaults to the active queue, personal for a customer, every company for the support', () => {
    expect(parse('', customer)).toEqual({ queue: 'ACTIVE', scope: 'PERSONAL', state: null, after: null });
    expect(parse('', advanced)).toEqual({ queue: 'ACTIVE', scope: 'PERSONAL', state: null, after: null });
    expect(parse('', agent)).toEqual({ queue: 'ACTIVE', scope: 'TEAM', state: null, after: null });
  });

  it('reads a full URL', () => {
    expect(parse('?queue=TO_CLARIFY&scope=TEAM&state=CUSTOMER_CLARIFICATION&after=abc%3D%3D')).toEqual({
      queue: 'TO_CLARIFY',
      scope: 'TEAM',
      state: 'CUSTOMER_CLARIFICATION',
      after: 'abc==',
    });
  });

  it('ignores bad values', () => {
    expect(parse('?queue=EVERYTHING&scope=WORLD&state=closed')).toEqual({
      queue: 'ACTIVE',
      scope: 'PERSONAL',
      state: null,
      after: null,
    });
    expect(parse('?queue=&state=')).toMatchObject({ queue: 'ACTIVE', state: null });
    // The first of repeated parameters counts.
    expect(parse('?queue=CLOSED&queue=DRAFTS')).toMatchObject({ queue: 'CLOSED' });
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
});

describe('requestListSearch', () => {
  const state: RequestListState = { queue: 'TO_VALIDATE', scope: 'TEAM', state: 'SOLUTION_PROPOSED', after: 'c/1+2' };

  it('writes the queue and scope always, the state and cursor when set', () => {
    expect(requestListSearch(state)).toBe('?queue=TO_VALIDATE&scope=TEAM&state=SOLUTION_PROPOSED&after=c%2F1%2B2');
    expect(requestListSearch(state, false)).toBe('?queue=TO_VALIDATE&scope=TEAM&state=SOLUTION_PROPOSED');
    expect(requestListSearch({ queue: 'ACTIVE', scope: 'PERSONAL', state: null, after: null })).toBe(
      '?queue=ACTIVE&scope=PERSONAL',
    );
  });

  it('round-trips through the URL', () => {
    for (const [viewer, s] of [
      [advanced, state],
      [agent, { queue: 'UNASSIGNED', scope: 'TEAM', state: null, after: null }],
      [customer, { queue: 'DRAFTS', scope: 'PERSONAL', state: 'DRAFT', after: 'x' }],
    ] as const) {
      expect(parseRequestList(new URLSearchParams(requestListSearch(s)), viewer)).toEqual(s);
    }
  });

  it('normalises a bad URL into one that parses the same', () => {
    const parsed = parse('?queue=nope&scope=TEAM&state=BAD&extra=1');
    expect(requestListSearch(parsed)).toBe('?queue=ACTIVE&scope=TEAM');
    expect(parse(requestListSearch(parsed))).toEqual(parsed);
  });
});

describe('requestListQuery', () => {
  it('asks the active queue without an agent for UNASSIGNED', () => {
    expect(requestListQuery({ queue: 'UNASSIGNED', scope: 'TEAM', state: 'SUPPORT_ANALYSIS', after: null })).toEqual({
      queue: 'ACTIVE',
      filter: { unassigned: true, states: ['SUPPORT_ANALYSIS'] },
    });
    expect(requestListQuery({ queue: 'CLOSED', scope: 'PERSONAL', state: null, after: null })).toEqual({
      queue: 'CLOSED',
      filter: {},
    });
  });
});
