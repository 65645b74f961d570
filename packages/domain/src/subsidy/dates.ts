import { daysInMonth, isCalendarDate } from '../shared/calendar-date';
import { DomainError } from '../shared/errors';

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

/** The digit at `i` of a string already known to hold ASCII digits there. */
const digit = (s: string, i: number): number => s.charCodeAt(i) - 48;

/**
 * A valid 'YYYY-MM-DD' date packed as y × 10000 + m × 100 + d (so packed dates compare like the
 * strings); throws VALIDATION naming `field` otherwise. Hot: no RegExp, no slices, no tuple.
 */
function parts(date: string, field: string): number {
  if (typeof date !== 'string' || !isCalendarDate(date)) {
    throw new DomainError(
      'VALIDATION',
      { zh: `${field}不是有效日期(应为YYYY-MM-DD):${String(date)}`, en: `${field} is not a valid date (YYYY-MM-DD): ${String(date)}` },
      { field },
    );
  }
  return (
    digit(date, 0) * 10_000_000 +
    digit(date, 1) * 1_000_000 +
    digit(date, 2) * 100_000 +
    digit(date, 3) * 10_000 +
    digit(date, 5) * 1_000 +
    digit(date, 6) * 100 +
    digit(date, 8) * 10 +
    digit(date, 9)
  );
}

const yearOf = (packed: number): number => Math.floor(packed / 10_000);
const monthOf = (packed: number): number => Math.floor(packed / 100) % 100;
const dayOf = (packed: number): number => packed % 100;

function format(y: number, m: number, d: number): string {
  const mm = m < 10 ? `0${m}` : `${m}`;
  const dd = d < 10 ? `0${d}` : `${d}`;
  if (y >= 1000 && y <= 9999) return `${y}-${mm}-${dd}`;
  return `${String(y).padStart(4, '0')}-${mm}-${dd}`;
}

/** Throws VALIDATION naming `field` unless `date` is a real 'YYYY-MM-DD' date. */
export function assertCalendarDate(date: string, field: string): void {
  parts(date, field);
}

/** `date` plus a whole number of calendar months (negative goes back), the day clamped to the month's end. */
export function addMonthsClamped(date: string, months: number): string {
  if (!Number.isInteger(months)) throw new RangeError(`months must be whole (got ${months})`);
  const p = parts(date, 'date');
  const index = yearOf(p) * 12 + (monthOf(p) - 1) + months;
  const year = Math.floor(index / 12);
  const month = (((index % 12) + 12) % 12) + 1;
  return format(year, month, Math.min(dayOf(p), daysInMonth(year, month)));
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

/** The packed date (y × 10000 + m × 100 + d) of a day count since 1970-01-01 (H. Hinnant's civil_from_days). */
function civilFromDays(z: number): number {
  const zz = z + 719_468;
  const era = Math.floor(zz / 146_097);
  const doe = zz - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return (yoe + era * 400 + (m <= 2 ? 1 : 0)) * 10_000 + m * 100 + d;
}

/** `date` plus a whole number of days. */
export function addDays(date: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`days must be whole (got ${days})`);
  const p = parts(date, 'date');
  const y = yearOf(p);
  const m = monthOf(p);
  const d = dayOf(p);
  const day = d + days;
  // Within the month (the usual case), or any 4-digit result by day arithmetic: no Date, no ISO string.
  if (y >= 100) {
    if (day >= 1 && day <= daysInMonth(y, m)) return format(y, m, day);
    const q = civilFromDays(daysFromCivil(y, m, d) + days);
    const qy = yearOf(q);
    if (qy >= 0 && qy <= 9999) return format(qy, monthOf(q), dayOf(q));
  }
  // Years 0–99 (Date.UTC reads them as 1900–1999) and results beyond 9999: as Date computes them.
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
  const s = parts(startsOn, 'contractStartsOn');
  if (endsOn === null) return null;
  parts(endsOn, 'contractEndsOn');
  if (endsOn < startsOn) {
    throw new DomainError(
      'VALIDATION',
      { zh: `合同结束日期${endsOn}早于开始日期${startsOn}`, en: `Contract end ${endsOn} is before its start ${startsOn}` },
      { field: 'contractEndsOn' },
    );
  }
  const after = parts(addDays(endsOn, 1), 'contractEndsOn');
  const sy = yearOf(s);
  const sm = monthOf(s);
  let months = (yearOf(after) - sy) * 12 + (monthOf(after) - sm);
  // startsOn + months compared packed: its year lies between the two dates' years, so the strings would compare alike.
  while (months > 0 && plusMonthsPacked(sy, sm, dayOf(s), months) > after) months -= 1;
  return months;
}

/** Packed (y, m, d) + n ≥ 0 months, the day clamped to the month's end. */
function plusMonthsPacked(y: number, m: number, d: number, n: number): number {
  const index = y * 12 + (m - 1) + n;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return year * 10_000 + month * 100 + Math.min(d, daysInMonth(year, month));
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
  return yearOf(parts(basisDate, 'basisDate'));
}

/** 'YYYY-MM-DD' → 'YYYYMM', the month key social-insurance contributions are recorded under. */
export function monthKeyOf(date: string): string {
  parts(date, 'date');
  return date.slice(0, 4) + date.slice(5, 7);
}

/** 'YYYYMM' (ASCII digits), month 01–12. */
export function isMonthKey(value: string): boolean {
  // Untyped callers: the string the RegExp of old read (ToString).
  if (typeof value !== 'string') return isMonthKey(`${value as unknown as string}`);
  if (value.length !== 6) return false;
  for (let i = 0; i < 6; i += 1) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  const month = digit(value, 4) * 10 + digit(value, 5);
  return month >= 1 && month <= 12;
}
