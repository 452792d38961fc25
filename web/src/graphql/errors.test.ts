import { CombinedError } from '@urql/core';
import { GraphQLError } from 'graphql';
import i18next, { type TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import en from '../i18n/en.json';
import fr from '../i18n/fr.json';
import { errorCodes, errorMessage, firstCode, inputProblem, reasonMessage } from './errors';

function graphQLError(extensions: Record<string, unknown>, message = 'boom'): CombinedError {
  return new CombinedError({ graphQLErrors: [new GraphQLError(message, { extensions })] });
}

const network = () => new CombinedError({ networkError: new TypeError('Failed to fetch') });

let t: TFunction;
let tFr: TFunction;
beforeAll(async () => {
  const instance = i18next.createInstance();
  await instance.init({ resources: { en: { translation: en }, fr: { translation: fr } }, lng: 'en', interpolation: { escapeValue: false } });
  t = instance.getFixedT('en');
  tFr = instance.getFixedT('fr');
});

describe('errorCodes / firstCode', () => {
  it('reads every extensions.code, in order', () => {
    const error = new CombinedError({
      graphQLErrors: [
        new GraphQLError('a', { extensions: { code: 'FORBIDDEN' } }),
        new GraphQLError('b', { extensions: { code: 'NOT_FOUND' } }),
      ],
    });
    expect(errorCodes(error)).toEqual(['FORBIDDEN', 'NOT_FOUND']);
    expect(firstCode(error)).toBe('FORBIDDEN');
  });

  it('counts an error without a (string) code as UNKNOWN', () => {
    expect(errorCodes(graphQLError({}))).toEqual(['UNKNOWN']);
    expect(errorCodes(graphQLError({ code: 42 }))).toEqual(['UNKNOWN']);
  });

  it('calls a failure without an answer NETWORK', () => {
    expect(errorCodes(network())).toEqual(['NETWORK']);
    expect(firstCode(network())).toBe('NETWORK');
  });

  it('prefers the answer’s codes when there are both', () => {
    const error = new CombinedError({
      networkError: new Error('HTTP 503'),
      graphQLErrors: [new GraphQLError('busy', { extensions: { code: 'SERVER_BUSY' } })],
    });
    expect(errorCodes(error)).toEqual(['SERVER_BUSY']);
  });
});

describe('errorMessage', () => {
  it.each([
    ['UNAUTHENTICATED', 'Your session has ended. Please log in again.'],
    ['INVALID_CREDENTIALS', 'The login or the password is wrong (or the code, at the second step).'],
    ['RATE_LIMITED', 'Too many attempts. Wait a minute, then try again.'],
    ['FORBIDDEN', 'You are not allowed to do this.'],
    ['NOT_FOUND', 'This item does not exist or is not visible to you.'],
    ['ACTION_NOT_ALLOWED', 'This action is not possible in the request\'s current state.'],
    ['ATTACHMENT_TOO_LARGE', 'A file is too large.'],
    ['CURSOR_EXPIRED', 'This list is out of date. Please reload the page.'],
    ['QUERY_TOO_COMPLEX', en.errors.QUERY_TOO_COMPLEX],
    ['PREFLIGHT_HEADER_REQUIRED', en.errors.PREFLIGHT_HEADER_REQUIRED],
  ])('maps %s to its sentence', (code, sentence) => {
    expect(errorMessage(t, graphQLError({ code }))).toBe(sentence);
  });

  it('has a sentence of its own for every code it knows, in both languages', () => {
    const codes = Object.keys(en.errors).filter((k) => k !== 'generic' && k !== 'NOT_ALLOWED');
    for (const code of codes) {
      const error = code === 'NETWORK' ? network() : graphQLError({ code });
      expect(errorMessage(t, error), code).toBe(en.errors[code as keyof typeof en.errors]);
      expect(errorMessage(tFr, error), code).toBe(fr.errors[code as keyof typeof fr.errors]);
      expect(errorMessage(t, error), code).not.toBe(en.errors.generic);
    }
  });

  it('says the portal cannot be reached when no answer came', () => {
    expect(errorMessage(t, network())).toBe(en.errors.NETWORK);
  });

  it('gives the generic sentence for an unknown code, or none', () => {
    expect(errorMessage(t, graphQLError({ code: 'SOMETHING_NEW' }))).toBe(en.errors.generic);
    expect(errorMessage(t, graphQLError({}))).toBe(en.errors.generic);
    // A code that happens to be a key of Object.prototype is not a message key.
    expect(errorMessage(t, graphQLError({ code: 'constructor' }))).toBe(en.errors.generic);
  });

  it('says which roles are missing for BAD_USER_INPUT with the reason NOT_ALLOWED', () => {
    expect(errorMessage(t, graphQLError({ code: 'BAD_USER_INPUT', field: 'supportRole', reason: 'NOT_ALLOWED' }))).toBe(
      en.errors.NOT_ALLOWED,
    );
    expect(errorMessage(t, graphQLError({ code: 'BAD_USER_INPUT', field: 'title', reason: 'TOO_LONG' }))).toBe(
      en.errors.BAD_USER_INPUT,
    );
  });

  it('uses the first error only', () => {
    const error = new CombinedError({
      graphQLErrors: [
        new GraphQLError('a', { extensions: { code: 'CONFLICT' } }),
        new GraphQLError('b', { extensions: { code: 'FORBIDDEN' } }),
      ],
    });
    expect(errorMessage(t, error)).toBe(en.errors.CONFLICT);
  });
});

describe('inputProblem', () => {
  it('names the field and reason of the BAD_USER_INPUT error', () => {
    const error = new CombinedError({
      graphQLErrors: [
        new GraphQLError('no', { extensions: { code: 'FORBIDDEN' } }),
        new GraphQLError('bad', { extensions: { code: 'BAD_USER_INPUT', field: 'input.email', reason: 'TAKEN' } }),
      ],
    });
    expect(inputProblem(error)).toEqual({ field: 'input.email', reason: 'TAKEN' });
  });

  it('defaults the reason to INVALID_FORMAT', () => {
    expect(inputProblem(graphQLError({ code: 'BAD_USER_INPUT', field: 'startedOn' }))).toEqual({
      field: 'startedOn',
      reason: 'INVALID_FORMAT',
    });
    expect(inputProblem(graphQLError({ code: 'BAD_USER_INPUT', field: 'startedOn', reason: 3 }))).toEqual({
      field: 'startedOn',
      reason: 'INVALID_FORMAT',
    });
  });

  it('is null without a named field, another code, or no error', () => {
    expect(inputProblem(graphQLError({ code: 'BAD_USER_INPUT' }))).toBeNull();
    expect(inputProblem(graphQLError({ code: 'BAD_USER_INPUT', field: ['a'] }))).toBeNull();
    expect(inputProblem(graphQLError({ code: 'FORBIDDEN', field: 'title' }))).toBeNull();
    expect(inputProblem(network())).toBeNull();
    expect(inputProblem(undefined)).toBeNull();
  });
});

describe('reasonMessage', () => {
  it('translates the known reasons', () => {
    expect(reasonMessage(t, 'REQUIRED')).toBe('This field is required.');
    expect(reasonMessage(tFr, 'REQUIRED')).toBe(fr.problems.REQUIRED);
    for (const reason of Object.keys(en.problems)) {
      expect(reasonMessage(t, reason)).toBe(en.problems[reason as keyof typeof en.problems]);
    }
  });

  it('falls back to the server’s sentence, then to the generic one', () => {
    expect(reasonMessage(t, 'NEW_REASON', 'Must be a weekday.')).toBe('Must be a weekday.');
    expect(reasonMessage(t, 'NEW_REASON')).toBe(en.errors.generic);
  });
});
