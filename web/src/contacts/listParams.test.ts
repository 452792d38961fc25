import { describe, expect, it } from 'vitest';
import { contactListFilter, contactListSearch, parseContactList, type ContactListState } from './listParams';

const parse = (search: string) => parseContactList(new URLSearchParams(search));
const DEFAULT: ContactListState = { search: '', status: 'ACTIVE', role: '', sort: 'NAME', dir: 'ASC', after: null };

describe('parseContactList', () => {
  it('defaults to active contacts by name, ascending', () => {
    expect(parse('')).toEqual(DEFAULT);
  });

  it('reads every parameter', () => {
    expect(parse('?q=Bastien+M%C3%A9nard&status=ALL&role=SUPPORT_ADVANCED&sort=CREATED_AT&dir=DESC&after=42')).toEqual({
      search: 'Bastien Ménard',
      status: 'ALL',
      role: 'SUPPORT_ADVANCED',
      sort: 'CREATED_AT',
      dir: 'DESC',
      after: '42',
    });
  });

  it('ignores bad values', () => {
    expect(parse('?status=active&role=ADMIN&sort=PHONE&dir=down')).toEqual(DEFAULT);
    expect(parse('?role=')).toEqual(DEFAULT);
    expect(parse('?dir=desc').dir).toBe('ASC');
  });
});

describe('contactListSearch', () => {
  it('leaves the defaults out', () => {
    expect(contactListSearch(DEFAULT)).toBe('');
    expect(contactListSearch({ ...DEFAULT, dir: 'DESC' })).toBe('?dir=DESC');
  });

  it('round-trips through the URL', () => {
    const states: ContactListState[] = [
      DEFAULT,
      { search: 'léa & co', status: 'OBSOLETE', role: 'SECURITY_ADMINISTRATOR', sort: 'EMAIL', dir: 'DESC', after: 'YWJj+/=' },
      { ...DEFAULT, role: 'SUPPORT_RESTRICTED', after: 'p2' },
      { ...DEFAULT, status: 'ALL', sort: 'CREATED_AT' },
    ];
    for (const state of states) {
      const search = contactListSearch(state);
      expect(parse(search), search).toEqual(state);
      expect(contactListSearch(parse(search))).toBe(search);
    }
  });
});

describe('contactListFilter', () => {
  it('filters by status unless ALL, and trims the search', () => {
    expect(contactListFilter(DEFAULT)).toEqual({ statuses: ['ACTIVE'] });
    expect(contactListFilter({ ...DEFAULT, status: 'ALL', search: '  ' })).toEqual({});
    expect(contactListFilter({ ...DEFAULT, status: 'OBSOLETE', search: ' dupont ' })).toEqual({
      statuses: ['OBSOLETE'],
      search: 'dupont',
    });
  });

  it('turns the role choice into a support role or the security administrator flag', () => {
    expect(contactListFilter({ ...DEFAULT, role: 'SUPPORT_ADMINISTRATOR' })).toMatchObject({
      supportRoles: ['SUPPORT_ADMINISTRATOR'],
    });
    const security = contactListFilter({ ...DEFAULT, role: 'SECURITY_ADMINISTRATOR' });
    expect(security).toMatchObject({ securityAdministrator: true });
    expect(security).not.toHaveProperty('supportRoles');
  });
});
