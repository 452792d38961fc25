/**
 * A company's request durations (auto-close delay, reopen window): seconds as the API has them
 * ↔ days and hours as people type and read them, and the API's bounds. Pure: no React, no
 * generated code at run time (only types), so the unit tests run in Node.
 */
import type { InputProblem } from '../gql/graphql';

export const HOUR = 3600;
export const DAY = 24 * HOUR;

/** `autoCloseAfterSeconds`: 1 hour to 365 days (the API's `AUTO_CLOSE_RANGE`). */
export const AUTO_CLOSE_RANGE = { min: HOUR, max: 365 * DAY } as const;
/** `reopenWindowSeconds`: none to 3 years of 366 days (the API's `REOPEN_WINDOW_RANGE`). */
export const REOPEN_RANGE = { min: 0, max: 3 * 366 * DAY } as const;
/** The API's defaults for a new company: 5 days and 183 days. */
export const DEFAULT_AUTO_CLOSE_SECONDS = 5 * DAY;
export const DEFAULT_REOPEN_SECONDS = 183 * DAY;

export type DurationField = 'autoCloseAfterSeconds' | 'reopenWindowSeconds';
export const RANGES: Record<DurationField, { min: number; max: number }> = {
  autoCloseAfterSeconds: AUTO_CLOSE_RANGE,
  reopenWindowSeconds: REOPEN_RANGE,
};

/** A duration as typed: two text boxes. */
export interface DaysHours {
  days: string;
  hours: string;
}

/** The text boxes' values for a number of seconds (whole hours; a rest of minutes is dropped). */
export function toDaysHours(seconds: number): DaysHours {
  const whole = Math.max(0, Math.floor(seconds / HOUR));
  return { days: String(Math.floor(whole / 24)), hours: String(whole % 24) };
}

const WHOLE = /^\d{1,6}$/;

/**
 * The seconds typed: `null` when a box holds anything but a whole number (a blank box counts
 * as 0, both blank is `undefined`: nothing typed).
 */
export function fromDaysHours(value: DaysHours): number | null | undefined {
  const days = value.days.trim();
  const hours = value.hours.trim();
  if (!days && !hours) return undefined;
  if ((days && !WHOLE.test(days)) || (hours && !WHOLE.test(hours))) return null;
  return Number(days || 0) * DAY + Number(hours || 0) * HOUR;
}

/** What is wrong with a typed duration, as the API would say it (by the input's field name). */
export function durationProblem(field: DurationField, value: DaysHours): InputProblem | null {
  const seconds = fromDaysHours(value);
  if (seconds === undefined) return { field, reason: 'REQUIRED', message: '' };
  if (seconds === null) return { field, reason: 'INVALID_FORMAT', message: '' };
  const { min, max } = RANGES[field];
  if (seconds < min || seconds > max) return { field, reason: 'OUT_OF_RANGE', message: '' };
  return null;
}

export type DurationUnit = 'days' | 'hours' | 'minutes' | 'seconds';

/**
 * A duration in the largest units, without the empty ones: 90 000 s → 1 day, 1 hour. Zero is
 * an empty list (the screen says "none").
 */
export function durationParts(seconds: number): { unit: DurationUnit; count: number }[] {
  let rest = Math.max(0, Math.floor(seconds));
  const parts: { unit: DurationUnit; count: number }[] = [];
  for (const [unit, size] of [
    ['days', DAY],
    ['hours', HOUR],
    ['minutes', 60],
    ['seconds', 1],
  ] as const) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push({ unit, count });
  }
  return parts;
}
