/**
 * Calendar helpers for the seed. Business dates are 'YYYY-MM-DD' strings (Asia/Shanghai calendar)
 * stored in @db.Date columns as UTC midnight; instants are built from Shanghai wall-clock times.
 */

/** The demo's "today": classes, ages and certificates are laid out around this date. */
export const DEMO_TODAY = '2026-11-22';

/** A calendar date for a @db.Date column. */
export function day(date: string): Date {
  return new Date(`${date}T00:00:00.000Z`);
}

/** An instant from a Shanghai wall-clock time (UTC+8, no daylight saving). */
export function at(date: string, time: string): Date {
  return new Date(`${date}T${time}:00.000+08:00`);
}

export function addDays(date: string, days: number): string {
  const d = day(date);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Same day of month `months` later, clamped to the month's last day. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return day(date).getUTCDay();
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
  for (let d = `${from.slice(0, 7)}-01`; d <= to; d = addMonths(d, 1)) months.push(d.slice(0, 7).replace('-', ''));
  return months;
}
