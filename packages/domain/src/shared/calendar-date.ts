import { DomainError, type LocalizedText } from './errors';

// Calendar dates are plain 'YYYY-MM-DD' strings (ASCII digits); they compare correctly as strings.

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The value of the ASCII digit at `i`, or -1 (anything else, including full-width digits). */
function digitAt(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/**
 * True for a real Gregorian date written 'YYYY-MM-DD' (so 2000-02-29 yes, 1900-02-29 no).
 * Hot (every date of every employment check): reads the characters in place, no RegExp, no allocation.
 */
export function isCalendarDate(value: string): boolean {
  // Untyped callers: the string the RegExp of old read (ToString, so a Symbol still throws).
  if (typeof value !== 'string') return isCalendarDate(`${value as unknown as string}`);
  if (value.length !== 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return false;
  const y0 = digitAt(value, 0);
  const y1 = digitAt(value, 1);
  const y2 = digitAt(value, 2);
  const y3 = digitAt(value, 3);
  const m0 = digitAt(value, 5);
  const m1 = digitAt(value, 6);
  const d0 = digitAt(value, 8);
  const d1 = digitAt(value, 9);
  if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0) return false;
  const month = m0 * 10 + m1;
  const day = d0 * 10 + d1;
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(y0 * 1000 + y1 * 100 + y2 * 10 + y3, month);
}

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * The Asia/Shanghai calendar date of an instant. China Standard Time is UTC+8 all year
 * (no daylight saving since 1991), so adding 8 hours to UTC is exact for the platform's era.
 */
export function shanghaiDate(instant: Date): string {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) {
    throw new DomainError('VALIDATION', { zh: '无效的时间', en: 'Invalid date-time' });
  }
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * The 'YYYY-MM-DD' of a date stored as a calendar date (a Postgres `date`, which arrives as UTC
 * midnight): its UTC date part. For an instant's date in China use `shanghaiDate`.
 */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The UTC-midnight `Date` that stores the calendar date 'YYYY-MM-DD' in a Postgres `date` column. */
export function dateFromIso(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

/**
 * Refuse a business date after today (Asia/Shanghai), naming the field and both dates: nobody
 * records, certifies or checks a day that has not happened yet. `today` is a parameter (domain has no clock).
 */
export function assertNotFuture(date: string, today: string, field: string, what: LocalizedText): void {
  if (date > today) {
    throw new DomainError(
      'VALIDATION',
      { zh: `${what.zh}${date}晚于今天${today},不能使用将来的日期`, en: `${what.en} ${date} is after today (${today}); a future date is not allowed` },
      { field, date, today },
    );
  }
}
