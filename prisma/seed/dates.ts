import { addDays, addMonthsClamped, dateFromIso, monthKeyOf } from '@vtc/domain';

/**
 * Calendar helpers for the seed. Business dates are 'YYYY-MM-DD' strings (Asia/Shanghai calendar)
 * stored in @db.Date columns as UTC midnight; instants are built from Shanghai wall-clock times.
 */

/** The demo's "today": classes, ages and certificates are laid out around this date. */
export const DEMO_TODAY = '2026-11-22';

/**
 * The shared calendar helpers under the names other seed modules still import: `day` is domain
 * `dateFromIso`, `addDays` is domain `addDays`.
 */
export { addDays, dateFromIso as day } from '@vtc/domain';

/** An instant from a Shanghai wall-clock time (UTC+8, no daylight saving). */
export function at(date: string, time: string): Date {
  return new Date(`${date}T${time}:00.000+08:00`);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return dateFromIso(date).getUTCDay();
}

/** Public holidays on weekdays in the demo period (no classes are held on them). */
// biome-ignore format: compact data table
export const PUBLIC_HOLIDAYS: ReadonlySet<string> = new Set([
  '2026-05-01', '2026-05-04', '2026-05-05', // 劳动节
  '2026-06-19', // 端午节
  '2026-09-25', // 中秋节
  '2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07', // 国庆节
  '2027-01-01', // 元旦
]);

/** Working days (Monday–Friday, not a public holiday) from `from` to `to` inclusive. */
export function workingDaysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const w = weekday(d);
    if (w !== 0 && w !== 6 && !PUBLIC_HOLIDAYS.has(d)) days.push(d);
  }
  return days;
}

/** 'YYYYMM' months from the month of `from` through the month of `to`. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (let d = `${from.slice(0, 7)}-01`; d <= to; d = addMonthsClamped(d, 1)) months.push(monthKeyOf(d));
  return months;
}
