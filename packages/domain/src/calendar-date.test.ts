import { describe, expect, it } from '@jest/globals';
import { isCalendarDate, isLeapYear, shanghaiDate } from './calendar-date';
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
