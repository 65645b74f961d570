import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../shared/errors';
import {
  addDays,
  addMonthsClamped,
  claimDeadline,
  contractLastsAtLeast,
  contractMonths,
  isFiledInTime,
  monthKeyOf,
  subsidyYearOf,
  withinMonthsAfter,
} from './dates';

describe('addMonthsClamped: same day of the month, clamped to the month end', () => {
  it.each<[string, number, string]>([
    ['2026-03-31', 6, '2026-09-30'],
    ['2026-08-31', 6, '2027-02-28'],
    ['2027-08-31', 6, '2028-02-29'], // leap year
    ['2026-01-15', 12, '2027-01-15'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2026-10-31', 3, '2027-01-31'],
    ['2026-05-15', -6, '2025-11-15'],
    ['2026-03-31', -1, '2026-02-28'],
    ['2026-12-01', 1, '2027-01-01'],
  ])('%s + %i months = %s', (date, months, out) => {
    expect(addMonthsClamped(date, months)).toBe(out);
  });
  it('adds days across months and leap days', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-12-31', 1)).toBe('2028-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
  it('rejects a date that does not exist, naming the field', () => {
    let error: unknown;
    try {
      addMonthsClamped('2026-02-30', 1);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('VALIDATION');
    expect((error as DomainError).details).toEqual({ field: 'date' });
  });
});

describe('withinMonthsAfter(completedOn, eventOn, 6): both days included, month-end clamped', () => {
  it.each<[string, string, boolean, string]>([
    ['2026-03-31', '2026-09-30', true, 'completed 31 March: up to and including 30 September'],
    ['2026-03-31', '2026-10-01', false, 'one day later'],
    ['2026-01-15', '2026-07-15', true, 'exactly six calendar months later'],
    ['2026-01-15', '2026-07-16', false, 'one day later'],
    ['2026-08-31', '2027-02-28', true, 'completed 31 August: up to 28 February'],
    ['2026-08-31', '2027-03-01', false, 'one day later'],
    ['2027-08-31', '2028-02-29', true, 'leap year: up to 29 February'],
    ['2026-03-31', '2026-03-31', true, 'the completion day itself'],
    ['2026-03-31', '2026-03-30', false, 'before completion does not count'],
  ])('%s → %s: %s (%s)', (from, event, ok) => {
    expect(withinMonthsAfter(from, event, 6)).toBe(ok);
  });
});

describe('contractMonths: whole calendar months covered, both ends included', () => {
  it.each<[string, string | null, number | null, string]>([
    ['2026-01-15', '2027-01-14', 12, 'exactly 12 months'],
    ['2026-01-15', '2027-01-13', 11, 'one day short'],
    ['2026-01-15', '2027-01-15', 12, 'one day more is still 12 whole months'],
    ['2026-01-01', '2026-12-31', 12, 'a calendar year'],
    ['2026-01-01', '2026-12-30', 11, 'a calendar year less a day'],
    ['2024-02-29', '2025-02-27', 12, 'from a leap day: 29 Feb + 12 months clamps to 28 Feb'],
    ['2026-01-31', '2026-02-27', 1, '31 Jan + 1 month clamps to 28 Feb'],
    ['2026-01-15', '2026-02-13', 0, 'less than a month'],
    ['2026-01-15', '2026-01-15', 0, 'one day'],
    ['2026-03-01', '2029-02-28', 36, 'three years'],
    ['2026-01-15', null, null, 'open-ended (无固定期限)'],
  ])('%s → %s = %p (%s)', (start, end, months) => {
    expect(contractMonths(start, end)).toBe(months);
  });
  it.each<[string, string | null, boolean]>([
    ['2026-01-15', '2027-01-14', true],
    ['2026-01-15', '2027-01-13', false],
    ['2026-01-15', null, true],
  ])('%s → %s lasts at least 12 months: %s', (start, end, ok) => {
    expect(contractLastsAtLeast(start, end, 12)).toBe(ok);
  });
  it('rejects an end before the start', () => {
    expect(() => contractMonths('2026-01-15', '2026-01-14')).toThrow(DomainError);
  });
});

describe('claim deadline: filed within 12 months of the basis date', () => {
  it.each<[string, string, boolean]>([
    ['2026-03-31', '2027-03-31', true],
    ['2026-03-31', '2027-04-01', false],
    ['2024-02-29', '2025-02-28', true],
    ['2024-02-29', '2025-03-01', false],
    ['2026-07-01', '2026-07-01', true],
  ])('basis %s, filed %s: in time %s', (basis, filed, ok) => {
    expect(isFiledInTime(basis, filed, 12)).toBe(ok);
  });
  it('gives the last day', () => {
    expect(claimDeadline('2026-03-31', 12)).toBe('2027-03-31');
  });
  it('counts the yearly limit by the calendar year of the basis date', () => {
    expect(subsidyYearOf('2026-12-31')).toBe(2026);
    expect(subsidyYearOf('2027-01-01')).toBe(2027);
    expect(monthKeyOf('2026-09-30')).toBe('202609');
  });
});
