/**
 * The platform operator's forms: what they check before sending (the API's bounds) and the
 * inputs they send; the companies list ↔ its URL. Pure: only types from the generated code.
 */
import type {
  CompanyFilterInput,
  CreateCompanyInput,
  CreateSecurityAdministratorInput,
  CreateSupportStaffInput,
  InputProblem,
  Language,
  SetCompanyDurationsInput,
  SupportStaffRole,
} from '../gql/graphql';
import { durationProblem, fromDaysHours, toDaysHours, type DaysHours } from './durations';

export const COMPANY_NAME_MAX = 200;
export const PERSON_NAME_MAX = 100;
export const SEARCH_MAX = 200;
export const LANGUAGES: Language[] = ['EN', 'FR'];
export const STAFF_ROLES: SupportStaffRole[] = ['SUPPORT_AGENT', 'SUPPORT_MANAGER'];

const problem = (field: string, reason: InputProblem['reason']): InputProblem => ({ field, reason, message: '' });

/** A trimmed text of 1 to `max` characters without control characters (as the API checks). */
export function textProblem(field: string, value: string, max: number): InputProblem | null {
  const trimmed = value.trim();
  if (!trimmed) return problem(field, 'REQUIRED');
  if ([...trimmed].length > max) return problem(field, 'TOO_LONG');
  if (/[\u0000-\u001f\u007f-\u009f]/.test(trimmed)) return problem(field, 'INVALID_FORMAT');
  return null;
}

/** A plain `local@domain.tld` address (the API has the last word). */
export function emailProblem(field: string, value: string): InputProblem | null {
  const trimmed = value.trim();
  if (!trimmed) return problem(field, 'REQUIRED');
  if (trimmed.length > 254 || !/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(trimmed)) return problem(field, 'INVALID_FORMAT');
  return null;
}

const present = (p: InputProblem | null): p is InputProblem => p !== null;

/** The new-company form as typed. */
export interface CompanyValues {
  name: string;
  language: Language;
  requireTwoFactor: boolean;
  autoClose: DaysHours;
  reopen: DaysHours;
}

export function companyProblems(values: CompanyValues): InputProblem[] {
  return [
    textProblem('name', values.name, COMPANY_NAME_MAX),
    durationProblem('autoCloseAfterSeconds', values.autoClose),
    durationProblem('reopenWindowSeconds', values.reopen),
  ].filter(present);
}

/** The `createCompany` input of a checked form, with the form's idempotency key. */
export function createCompanyInput(values: CompanyValues, idempotencyKey: string): CreateCompanyInput {
  return {
    name: values.name.trim(),
    language: values.language,
    requireTwoFactor: values.requireTwoFactor,
    autoCloseAfterSeconds: fromDaysHours(values.autoClose) ?? null,
    reopenWindowSeconds: fromDaysHours(values.reopen) ?? null,
    idempotencyKey,
  };
}

/** The durations dialog as typed. */
export interface DurationValues {
  autoClose: DaysHours;
  reopen: DaysHours;
}

/** The dialog's starting values for a company. */
export function durationValues(company: { autoCloseAfterSeconds: number; reopenWindowSeconds: number }): DurationValues {
  return { autoClose: toDaysHours(company.autoCloseAfterSeconds), reopen: toDaysHours(company.reopenWindowSeconds) };
}

export function durationsProblems(values: DurationValues): InputProblem[] {
  return [
    durationProblem('autoCloseAfterSeconds', values.autoClose),
    durationProblem('reopenWindowSeconds', values.reopen),
  ].filter(present);
}

/**
 * The `setCompanyDurations` input: only the durations whose typed value differs from the
 * company's (shown in whole hours, so an untouched odd value is kept as it is); `null` when
 * nothing changes.
 */
export function setDurationsInput(
  company: { id: string; autoCloseAfterSeconds: number; reopenWindowSeconds: number },
  values: DurationValues,
): SetCompanyDurationsInput | null {
  const start = durationValues(company);
  const same = (a: DaysHours, b: DaysHours) => fromDaysHours(a) === fromDaysHours(b);
  const input: SetCompanyDurationsInput = { companyId: company.id };
  if (!same(values.autoClose, start.autoClose)) input.autoCloseAfterSeconds = fromDaysHours(values.autoClose) ?? null;
  if (!same(values.reopen, start.reopen)) input.reopenWindowSeconds = fromDaysHours(values.reopen) ?? null;
  return 'autoCloseAfterSeconds' in input || 'reopenWindowSeconds' in input ? input : null;
}

/** A person to add (first Security Administrator, support staff). */
export interface PersonValues {
  lastName: string;
  firstName: string;
  email: string;
}

export function personProblems(values: PersonValues): InputProblem[] {
  return [
    textProblem('lastName', values.lastName, PERSON_NAME_MAX),
    textProblem('firstName', values.firstName, PERSON_NAME_MAX),
    emailProblem('email', values.email),
  ].filter(present);
}

const person = (values: PersonValues) => ({
  lastName: values.lastName.trim(),
  firstName: values.firstName.trim(),
  email: values.email.trim(),
});

export function securityAdministratorInput(companyId: string, values: PersonValues): CreateSecurityAdministratorInput {
  return { companyId, ...person(values) };
}

export function supportStaffInput(values: PersonValues, role: SupportStaffRole): CreateSupportStaffInput {
  return { ...person(values), role };
}

/**
 * A key for one new-company form (made once when the form opens): sending the form twice, or
 * again after a lost answer, gives the company of the first call instead of a second one.
 * `getRandomValues` works outside secure contexts too, unlike `randomUUID`.
 */
export function newIdempotencyKey(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const bytes = random(new Uint8Array(16));
  return `company-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The companies list as its URL (`?q=…&after=…`) describes it. */
export interface CompanyListState {
  search: string;
  after: string | null;
}

export function parseCompanyList(params: URLSearchParams): CompanyListState {
  return { search: (params.get('q') ?? '').slice(0, SEARCH_MAX), after: params.get('after') || null };
}

/** The URL search of a list state (with its `?`, or empty). */
export function companyListSearch(state: CompanyListState): string {
  const search = new URLSearchParams();
  if (state.search.trim()) search.set('q', state.search.trim());
  if (state.after) search.set('after', state.after);
  const query = search.toString();
  return query ? `?${query}` : '';
}

/** The `companies` filter of a list state (`null` without a search). */
export function companyListFilter(state: CompanyListState): CompanyFilterInput | null {
  const search = state.search.trim();
  return search ? { search } : null;
}
