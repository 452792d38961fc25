import { describe, expect, it } from 'vitest';
import {
  AUTO_CLOSE_RANGE,
  DAY,
  DEFAULT_AUTO_CLOSE_SECONDS,
  DEFAULT_REOPEN_SECONDS,
  durationParts,
  durationProblem,
  fromDaysHours,
  HOUR,
  REOPEN_RANGE,
  toDaysHours,
} from './durations';

describe('the API bounds', () => {
  it('are those of the schema: 1 hour to 365 days, none to 3 years', () => {
    expect(AUTO_CLOSE_RANGE).toEqual({ min: 3600, max: 31_536_000 });
    expect(REOPEN_RANGE).toEqual({ min: 0, max: 94_867_200 });
    expect(DEFAULT_AUTO_CLOSE_SECONDS).toBe(432_000);
    expect(DEFAULT_REOPEN_SECONDS).toBe(15_811_200);
    // Every bound fits a GraphQL Int.
    expect(REOPEN_RANGE.max).toBeLessThan(2 ** 31);
  });
});

describe('toDaysHours', () => {
  it('splits seconds into days and hours', () => {
    expect(toDaysHours(5 * DAY)).toEqual({ days: '5', hours: '0' });
    expect(toDaysHours(DAY + 3 * HOUR)).toEqual({ days: '1', hours: '3' });
    expect(toDaysHours(HOUR)).toEqual({ days: '0', hours: '1' });
    expect(toDaysHours(0)).toEqual({ days: '0', hours: '0' });
  });

  it('drops a rest of minutes', () => {
    expect(toDaysHours(HOUR + 59 * 60)).toEqual({ days: '0', hours: '1' });
  });
});

describe('fromDaysHours', () => {
  it('converts whole days and hours to seconds', () => {
    expect(fromDaysHours({ days: '5', hours: '0' })).toBe(432_000);
    expect(fromDaysHours({ days: ' 1 ', hours: '12' })).toBe(129_600);
    expect(fromDaysHours({ days: '0', hours: '48' })).toBe(2 * DAY);
  });

  it('counts a blank box as zero, both blank as nothing typed', () => {
    expect(fromDaysHours({ days: '', hours: '6' })).toBe(6 * HOUR);
    expect(fromDaysHours({ days: '2', hours: ' ' })).toBe(2 * DAY);
    expect(fromDaysHours({ days: '', hours: '' })).toBeUndefined();
  });

  it('refuses anything but whole non-negative numbers', () => {
    for (const bad of ['-1', '1.5', '1,5', '2e3', 'abc', '1 2', '1234567'])
      expect(fromDaysHours({ days: bad, hours: '0' }), bad).toBeNull();
    expect(fromDaysHours({ days: '1', hours: '0.5' })).toBeNull();
  });

  it('round-trips with toDaysHours', () => {
    for (const seconds of [HOUR, 5 * DAY, 183 * DAY, 365 * DAY, 3 * 366 * DAY, 7 * DAY + 23 * HOUR])
      expect(fromDaysHours(toDaysHours(seconds))).toBe(seconds);
  });
});

describe('durationProblem', () => {
  const check = (field: 'autoCloseAfterSeconds' | 'reopenWindowSeconds', days: string, hours: string) =>
    durationProblem(field, { days, hours })?.reason ?? null;

  it('takes auto-close delays from 1 hour to 365 days', () => {
    expect(check('autoCloseAfterSeconds', '0', '0')).toBe('OUT_OF_RANGE');
    expect(check('autoCloseAfterSeconds', '0', '1')).toBeNull();
    expect(check('autoCloseAfterSeconds', '365', '0')).toBeNull();
    expect(check('autoCloseAfterSeconds', '365', '1')).toBe('OUT_OF_RANGE');
    expect(check('autoCloseAfterSeconds', '', '')).toBe('REQUIRED');
    expect(check('autoCloseAfterSeconds', 'x', '')).toBe('INVALID_FORMAT');
  });

  it('takes reopen windows from none to 3 years of 366 days', () => {
    expect(check('reopenWindowSeconds', '0', '0')).toBeNull();
    expect(check('reopenWindowSeconds', '1098', '0')).toBeNull();
    expect(check('reopenWindowSeconds', '1098', '1')).toBe('OUT_OF_RANGE');
    expect(check('reopenWindowSeconds', '', '')).toBe('REQUIRED');
  });

  it('names the input field', () => {
    expect(durationProblem('reopenWindowSeconds', { days: '-3', hours: '' })).toEqual({
      field: 'reopenWindowSeconds',
      reason: 'INVALID_FORMAT',
      message: '',
    });
  });
});

describe('durationParts', () => {
  it('uses the largest units and leaves out empty ones', () => {
    expect(durationParts(5 * DAY)).toEqual([{ unit: 'days', count: 5 }]);
    expect(durationParts(DAY + HOUR)).toEqual([
      { unit: 'days', count: 1 },
      { unit: 'hours', count: 1 },
    ]);
    expect(durationParts(2 * HOUR + 90)).toEqual([
      { unit: 'hours', count: 2 },
      { unit: 'minutes', count: 1 },
      { unit: 'seconds', count: 30 },
    ]);
  });

  it('is empty for zero', () => {
    expect(durationParts(0)).toEqual([]);
  });
});
