import { describe, expect, it } from '@jest/globals';
import { dateFromIso, isCalendarDate, isLeapYear, isoDate, shanghaiDate } from './calendar-date';
import { DomainError } from './errors';

describe('isLeapYear', () => {
  it.each<[number, boolean]>([
    [2000, true],
    [2024, true],
    [1900, false],
    [2023, false],
    [2100, false],
  ])('%i → %s', (year, expected) => {
    expect(isLeapYear(year)).toBe(expected);
  });
});

describe('isCalendarDate', () => {
  it.each<[string, boolean]>([
    ['2000-02-29', true],
    ['2024-02-29', true],
    ['1900-02-29', false],
    ['2023-02-29', false],
    ['2023-02-28', true],
    ['2023-04-30', true],
    ['2023-04-31', false],
    ['2023-12-31', true],
    ['2023-13-01', false],
    ['2023-00-10', false],
    ['2023-01-00', false],
    ['2023-1-01', false],
    ['20230101', false],
    ['', false],
  ])('%j → %s', (value, expected) => {
    expect(isCalendarDate(value)).toBe(expected);
  });
});

describe('shanghaiDate', () => {
  it.each([
    ['2024-06-01T15:59:59.999Z', '2024-06-01'],
    ['2024-06-01T16:00:00Z', '2024-06-02'],
    ['2023-12-31T16:00:00Z', '2024-01-01'],
    ['2024-06-01T00:00:00+08:00', '2024-06-01'],
  ])('%s → %s', (instant, date) => {
    expect(shanghaiDate(new Date(instant))).toBe(date);
  });

  it('rejects an invalid Date', () => {
    expect(() => shanghaiDate(new Date('nope'))).toThrow(DomainError);
  });
});

describe('isoDate and dateFromIso', () => {
  it.each<[string, string]>([
    ['2026-01-01T00:00:00Z', '2026-01-01'],
    ['2026-12-31T23:59:59.999Z', '2026-12-31'],
    ['2024-02-29T12:00:00Z', '2024-02-29'],
  ])('isoDate(%s) → %s (the UTC date part)', (instant, expected) => {
    expect(isoDate(new Date(instant))).toBe(expected);
  });

  it.each(['2026-01-01', '2024-02-29', '1999-12-31'])('%s round-trips through a UTC-midnight Date', (date) => {
    const d = dateFromIso(date);
    expect(d.getTime() % 86_400_000).toBe(0);
    expect(isoDate(d)).toBe(date);
  });
});
