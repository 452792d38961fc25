import type { CombinedError } from '@urql/core';
import type { TFunction } from 'i18next';

/** Every `extensions.code` of an answer's errors ("NETWORK" when no answer came). */
export function errorCodes(error: CombinedError): string[] {
  const codes = error.graphQLErrors.map((e) => {
    const code = e.extensions?.code;
    return typeof code === 'string' ? code : 'UNKNOWN';
  });
  if (error.networkError && codes.length === 0) codes.push('NETWORK');
  return codes;
}

export function firstCode(error: CombinedError): string {
  return errorCodes(error)[0] ?? 'UNKNOWN';
}

const MESSAGE_KEYS = {
  UNAUTHENTICATED: 'errors.UNAUTHENTICATED',
  INVALID_CREDENTIALS: 'errors.INVALID_CREDENTIALS',
  RATE_LIMITED: 'errors.RATE_LIMITED',
  TOO_MANY_CREDENTIAL_CHECKS: 'errors.TOO_MANY_CREDENTIAL_CHECKS',
  GRAPHQL_PARSE_FAILED: 'errors.GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'errors.GRAPHQL_VALIDATION_FAILED',
  BAD_REQUEST: 'errors.BAD_REQUEST',
  OPERATION_RESOLUTION_FAILURE: 'errors.OPERATION_RESOLUTION_FAILURE',
  QUERY_TOO_DEEP: 'errors.QUERY_TOO_DEEP',
  QUERY_TOO_COMPLEX: 'errors.QUERY_TOO_COMPLEX',
  TOO_MANY_ALIASES: 'errors.TOO_MANY_ALIASES',
  PREFLIGHT_HEADER_REQUIRED: 'errors.PREFLIGHT_HEADER_REQUIRED',
  SERVER_BUSY: 'errors.SERVER_BUSY',
  TWO_FACTOR_REQUIRED: 'errors.TWO_FACTOR_REQUIRED',
  FORBIDDEN: 'errors.FORBIDDEN',
  NOT_FOUND: 'errors.NOT_FOUND',
  CONFLICT: 'errors.CONFLICT',
  ACTION_NOT_ALLOWED: 'errors.ACTION_NOT_ALLOWED',
  REOPEN_WINDOW_OVER: 'errors.REOPEN_WINDOW_OVER',
  ATTACHMENT_TOO_LARGE: 'errors.ATTACHMENT_TOO_LARGE',
  BAD_USER_INPUT: 'errors.BAD_USER_INPUT',
  TIMEOUT: 'errors.TIMEOUT',
  CURSOR_EXPIRED: 'errors.CURSOR_EXPIRED',
  INTERNAL_SERVER_ERROR: 'errors.INTERNAL_SERVER_ERROR',
  NETWORK: 'errors.NETWORK',
} as const;

/** A plain sentence, in the page's language, for what went wrong. */
export function errorMessage(t: TFunction, error: CombinedError): string {
  const first = error.graphQLErrors[0];
  const code = firstCode(error);
  if (code === 'BAD_USER_INPUT' && first) {
    const reason = first.extensions?.reason;
    if (reason === 'NOT_ALLOWED') return t('errors.NOT_ALLOWED');
  }
  // Own keys only: a code such as "constructor" must not find Object.prototype's.
  const key = Object.hasOwn(MESSAGE_KEYS, code)
    ? (MESSAGE_KEYS as Record<string, (typeof MESSAGE_KEYS)[keyof typeof MESSAGE_KEYS]>)[code]
    : undefined;
  return key ? t(key) : t('errors.generic');
}

/** The field named by a `BAD_USER_INPUT` error, with its reason. */
export function inputProblem(error: CombinedError | undefined): { field: string; reason: string } | null {
  const first = error?.graphQLErrors.find((e) => e.extensions?.code === 'BAD_USER_INPUT');
  const field = first?.extensions?.field;
  const reason = first?.extensions?.reason;
  if (typeof field !== 'string') return null;
  return { field, reason: typeof reason === 'string' ? reason : 'INVALID_FORMAT' };
}

const REASONS = [
  'REQUIRED',
  'TOO_LONG',
  'INVALID_FORMAT',
  'OUT_OF_RANGE',
  'TAKEN',
  'TOO_SHORT',
  'TOO_GUESSABLE',
  'INVALID_OR_EXPIRED',
  'WRONG_CREDENTIAL',
  'OBSOLETE',
  'NOT_EDITABLE',
  'NOT_ALLOWED',
] as const;
type Reason = (typeof REASONS)[number];

/** A form problem's reason, in the page's language (the server's English as a last resort). */
export function reasonMessage(t: TFunction, reason: string, fallback?: string): string {
  if ((REASONS as readonly string[]).includes(reason)) return t(`problems.${reason as Reason}`);
  return fallback ?? t('errors.generic');
}
