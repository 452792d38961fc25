import { describe, expect, it } from 'vitest';
import { DAY, HOUR } from './durations';
import {
  companyListFilter,
  companyListSearch,
  companyProblems,
  createCompanyInput,
  durationsProblems,
  durationValues,
  emailProblem,
  newIdempotencyKey,
  parseCompanyList,
  personProblems,
  securityAdministratorInput,
  setDurationsInput,
  supportStaffInput,
  textProblem,
  type CompanyValues,
} from './operatorForm';

const company: CompanyValues = {
  name: '  Transports Rivière ',
  language: 'FR',
  requireTwoFactor: true,
  autoClose: { days: '5', hours: '0' },
  reopen: { days: '183', hours: '' },
};
const fields = (problems: { field: string; reason: string }[]) => problems.map((p) => `${p.field}:${p.reason}`);

describe('textProblem', () => {
  it('requires 1 to max characters, trimmed, without control characters', () => {
    expect(textProblem('name', '  ', 200)?.reason).toBe('REQUIRED');
    expect(textProblem('name', 'a'.repeat(200), 200)).toBeNull();
    expect(textProblem('name', ` ${'a'.repeat(200)} `, 200)).toBeNull();
    expect(textProblem('name', 'a'.repeat(201), 200)?.reason).toBe('TOO_LONG');
    // Characters, not UTF-16 units.
    expect(textProblem('name', '😀'.repeat(100), 100)).toBeNull();
    expect(textProblem('name', 'a\u0007b', 200)?.reason).toBe('INVALID_FORMAT');
  });
});

describe('emailProblem', () => {
  it('wants a plain address', () => {
    expect(emailProblem('email', '')?.reason).toBe('REQUIRED');
    expect(emailProblem('email', 'not an address')?.reason).toBe('INVALID_FORMAT');
    expect(emailProblem('email', 'a@localhost')?.reason).toBe('INVALID_FORMAT');
    expect(emailProblem('email', ' lea.martin@rivieres.example ')).toBeNull();
  });
});

describe('companyProblems', () => {
  it('accepts a complete form', () => {
    expect(companyProblems(company)).toEqual([]);
  });

  it('names every problem by the input field', () => {
    expect(
      fields(companyProblems({ ...company, name: '', autoClose: { days: '0', hours: '0' }, reopen: { days: '2000', hours: '0' } })),
    ).toEqual(['name:REQUIRED', 'autoCloseAfterSeconds:OUT_OF_RANGE', 'reopenWindowSeconds:OUT_OF_RANGE']);
  });
});

describe('createCompanyInput', () => {
  it('sends trimmed values, seconds and the key', () => {
    expect(createCompanyInput(company, 'company-abc')).toEqual({
      name: 'Transports Rivière',
      language: 'FR',
      requireTwoFactor: true,
      autoCloseAfterSeconds: 5 * DAY,
      reopenWindowSeconds: 183 * DAY,
      idempotencyKey: 'company-abc',
    });
  });
});

describe('setDurationsInput', () => {
  const base = { id: 'Q29tcGFueTo5', autoCloseAfterSeconds: 5 * DAY, reopenWindowSeconds: 183 * DAY };

  it('starts from the company’s values', () => {
    expect(durationValues(base)).toEqual({ autoClose: { days: '5', hours: '0' }, reopen: { days: '183', hours: '0' } });
    expect(durationsProblems(durationValues(base))).toEqual([]);
  });

  it('sends only what changed, or nothing', () => {
    expect(setDurationsInput(base, durationValues(base))).toBeNull();
    // The same value typed differently is no change.
    expect(setDurationsInput(base, { ...durationValues(base), autoClose: { days: '4', hours: '24' } })).toBeNull();
    expect(setDurationsInput(base, { ...durationValues(base), autoClose: { days: '2', hours: '12' } })).toEqual({
      companyId: base.id,
      autoCloseAfterSeconds: 2 * DAY + 12 * HOUR,
    });
    expect(setDurationsInput(base, { autoClose: { days: '1', hours: '' }, reopen: { days: '0', hours: '0' } })).toEqual({
      companyId: base.id,
      autoCloseAfterSeconds: DAY,
      reopenWindowSeconds: 0,
    });
  });

  it('keeps an odd value (not whole hours) the form did not touch', () => {
    const odd = { ...base, autoCloseAfterSeconds: HOUR + 1800 };
    expect(setDurationsInput(odd, durationValues(odd))).toBeNull();
  });
});

describe('people', () => {
  const lea = { lastName: ' Martin ', firstName: 'Léa', email: ' lea.martin@rivieres.example ' };

  it('requires the names and a plain address', () => {
    expect(personProblems(lea)).toEqual([]);
    expect(fields(personProblems({ lastName: '', firstName: 'x'.repeat(101), email: 'lea' }))).toEqual([
      'lastName:REQUIRED',
      'firstName:TOO_LONG',
      'email:INVALID_FORMAT',
    ]);
  });

  it('sends trimmed inputs', () => {
    expect(securityAdministratorInput('Q29tcGFueTo5', lea)).toEqual({
      companyId: 'Q29tcGFueTo5',
      lastName: 'Martin',
      firstName: 'Léa',
      email: 'lea.martin@rivieres.example',
    });
    expect(supportStaffInput(lea, 'SUPPORT_MANAGER')).toEqual({
      lastName: 'Martin',
      firstName: 'Léa',
      email: 'lea.martin@rivieres.example',
      role: 'SUPPORT_MANAGER',
    });
  });
});

describe('newIdempotencyKey', () => {
  it('is printable ASCII the API accepts (1 to 128 characters), and new each time', () => {
    const key = newIdempotencyKey();
    expect(key).toMatch(/^company-[0-9a-f]{32}$/);
    expect(newIdempotencyKey()).not.toBe(key);
  });

  it('uses the random source given', () => {
    expect(newIdempotencyKey((b) => b.fill(0xab))).toBe(`company-${'ab'.repeat(16)}`);
  });
});

describe('the companies list URL', () => {
  const parse = (search: string) => parseCompanyList(new URLSearchParams(search));

  it('reads the search and the cursor', () => {
    expect(parse('')).toEqual({ search: '', after: null });
    expect(parse('?q=ACC-000002&after=abc')).toEqual({ search: 'ACC-000002', after: 'abc' });
    expect(parse('?after=')).toEqual({ search: '', after: null });
  });

  it('caps the search at the API’s 200 characters', () => {
    expect(parse(`?q=${'a'.repeat(300)}`).search).toHaveLength(200);
  });

  it('writes only what is set, and round-trips', () => {
    expect(companyListSearch({ search: '  ', after: null })).toBe('');
    expect(companyListSearch({ search: 'Pièces auto', after: 'c1' })).toBe('?q=Pi%C3%A8ces+auto&after=c1');
    expect(parse(companyListSearch({ search: 'Pièces auto', after: 'c1' }))).toEqual({ search: 'Pièces auto', after: 'c1' });
  });

  it('filters by the trimmed search only', () => {
    expect(companyListFilter({ search: '', after: null })).toBeNull();
    expect(companyListFilter({ search: ' acc-0 ', after: 'x' })).toEqual({ search: 'acc-0' });
  });
});
