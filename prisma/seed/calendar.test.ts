import { describe, expect, it } from '@jest/globals';
import { addWorkingDays, validateCalendarDay } from '@vtc/domain';
import { CALENDAR_DAYS } from './calendar.ts';

const weekday = (d: string) => new Date(`${d}T00:00:00Z`).getUTCDay();
const calendar = {
  holidays: CALENDAR_DAYS.filter((d) => !d.workday).map((d) => d.date),
  extraWorkdays: CALENDAR_DAYS.filter((d) => d.workday).map((d) => d.date),
};

describe('the seeded 2025 and 2026 holiday calendars', () => {
  it('every row passes the same validation as an administrator entry, and no date repeats', () => {
    for (const [i, d] of CALENDAR_DAYS.entries()) expect(() => validateCalendarDay(d, i)).not.toThrow();
    expect(new Set(CALENDAR_DAYS.map((d) => d.date)).size).toBe(CALENDAR_DAYS.length);
  });

  it.each([
    // year, days off counted (holiday periods incl. weekends), make-up working days (all Sat/Sun)
    [2025, 28, 5],
    [2026, 33, 6],
  ])('%i: %i days off and %i make-up working days', (year, off, makeUp) => {
    const rows = CALENDAR_DAYS.filter((d) => d.date.startsWith(String(year)));
    expect(rows.filter((d) => !d.workday)).toHaveLength(off);
    const extra = rows.filter((d) => d.workday);
    expect(extra).toHaveLength(makeUp);
    expect(extra.every((d) => [0, 6].includes(weekday(d.date)))).toBe(true);
  });

  it.each([
    ['2026-02-13', '2026-02-27'], // Spring Festival, Sat Feb 14 worked
    ['2026-09-30', '2026-10-13'], // National Day, Sat Oct 10 worked
    ['2025-09-26', '2025-10-10'], // 2025 National Day and Mid-Autumn, Sun Sep 28 worked
    ['2025-12-30', '2026-01-07'], // New Year, Sun Jan 4 worked
  ])('a notice from %s ends on %s', (from, to) => {
    expect(addWorkingDays(from, 5, calendar)).toBe(to);
  });
});
