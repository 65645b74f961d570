import { daysInMonth, isCalendarDate } from '../calendar-date';
import { DomainError } from '../errors';

/**
 * Date rules of the subsidy engine, on calendar dates 'YYYY-MM-DD' (Asia/Shanghai business dates).
 *
 * - Adding months keeps the day of the month and clamps it to the month's end:
 *   31 March + 6 months = 30 September; 31 August + 6 months = 28 February (29 in a leap year).
 * - "Within N months after D" is D … D + N months, both days included.
 * - A contract's length is the number of whole calendar months it covers, both ends included:
 *   2026-01-15 → 2027-01-14 is exactly 12 months; 2026-01-15 → 2027-01-13 is 11.
 * - A claim is on time when filed on or before the basis date + 12 months (same clamping).
 * - The subsidy year (for the yearly limit) is the calendar year of the basis date.
 */

const MONTH_KEY = /^(\d{4})(\d{2})$/;

function parts(date: string, field: string): [number, number, number] {
  if (typeof date !== 'string' || !isCalendarDate(date)) {
    throw new DomainError(
      'VALIDATION',
      { zh: `${field}不是有效日期(应为YYYY-MM-DD):${String(date)}`, en: `${field} is not a valid date (YYYY-MM-DD): ${String(date)}` },
      { field },
    );
  }
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

function format(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Throws VALIDATION naming `field` unless `date` is a real 'YYYY-MM-DD' date. */
export function assertCalendarDate(date: string, field: string): void {
  parts(date, field);
}

/** `date` plus a whole number of calendar months (negative goes back), the day clamped to the month's end. */
export function addMonthsClamped(date: string, months: number): string {
  if (!Number.isInteger(months)) throw new RangeError(`months must be whole (got ${months})`);
  const [y, m, d] = parts(date, 'date');
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (((index % 12) + 12) % 12) + 1;
  return format(year, month, Math.min(d, daysInMonth(year, month)));
}

/** `date` plus a whole number of days. */
export function addDays(date: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`days must be whole (got ${days})`);
  const [y, m, d] = parts(date, 'date');
  return new Date(Date.UTC(y, m - 1, d) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The last day of the window "within `months` months after `from`" (inclusive). */
export function windowEnd(from: string, months: number): string {
  return addMonthsClamped(from, months);
}

/**
 * Is `event` within `months` calendar months after `from`, both days included?
 * Completed 2026-03-31: 2026-03-31 … 2026-09-30 yes, 2026-10-01 no, 2026-03-30 no (before).
 */
export function withinMonthsAfter(from: string, event: string, months: number): boolean {
  assertCalendarDate(event, 'event');
  return event >= from && event <= windowEnd(from, months);
}

/**
 * Whole calendar months covered by a contract running from `startsOn` to `endsOn`, both days
 * included; `endsOn` null (无固定期限劳动合同, open-ended) gives null. m months are covered when the
 * contract runs at least until the day before `startsOn` + m months:
 * 2026-01-15 → 2027-01-14 = 12, → 2027-01-13 = 11; 2026-01-31 → 2026-02-27 = 1 (31 Jan + 1 month clamps to 28 Feb).
 */
export function contractMonths(startsOn: string, endsOn: string | null): number | null {
  const [sy, sm] = parts(startsOn, 'contractStartsOn');
  if (endsOn === null) return null;
  parts(endsOn, 'contractEndsOn');
  if (endsOn < startsOn) {
    throw new DomainError(
      'VALIDATION',
      { zh: `合同结束日期${endsOn}早于开始日期${startsOn}`, en: `Contract end ${endsOn} is before its start ${startsOn}` },
      { field: 'contractEndsOn' },
    );
  }
  const dayAfter = addDays(endsOn, 1);
  const [ey, em] = parts(dayAfter, 'contractEndsOn');
  let months = (ey - sy) * 12 + (em - sm);
  while (months > 0 && addMonthsClamped(startsOn, months) > dayAfter) months -= 1;
  return months;
}

/** Does the contract last at least `minMonths` whole months? An open-ended contract always does. */
export function contractLastsAtLeast(startsOn: string, endsOn: string | null, minMonths: number): boolean {
  const months = contractMonths(startsOn, endsOn);
  return months === null || months >= minMonths;
}

/** The last day a claim may be filed: `basisDate` + `months` calendar months (clamped), inclusive. */
export function claimDeadline(basisDate: string, months: number): string {
  return addMonthsClamped(basisDate, months);
}

/** Filed on or before the deadline? (Filed 2027-03-31 for a basis of 2026-03-31 and 12 months: yes; 2027-04-01: no.) */
export function isFiledInTime(basisDate: string, filedOn: string, months: number): boolean {
  assertCalendarDate(filedOn, 'filedOn');
  return filedOn <= claimDeadline(basisDate, months);
}

/** The calendar year a subsidy counts toward: the year of its basis date. */
export function subsidyYearOf(basisDate: string): number {
  return parts(basisDate, 'basisDate')[0];
}

/** 'YYYY-MM-DD' → 'YYYYMM', the month key social-insurance contributions are recorded under. */
export function monthKeyOf(date: string): string {
  const [y, m] = parts(date, 'date');
  return `${String(y).padStart(4, '0')}${String(m).padStart(2, '0')}`;
}

export function isMonthKey(value: string): boolean {
  const match = MONTH_KEY.exec(value);
  if (!match) return false;
  const month = Number(match[2]);
  return month >= 1 && month <= 12;
}
