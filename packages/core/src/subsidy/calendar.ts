import type { PrismaClient, Tx } from '@vtc/db';
import { transaction } from '@vtc/db';
import {
  addDays,
  CALENDAR_LOOKAHEAD_DAYS,
  type CalendarDayInput,
  DomainError,
  dateFromIso,
  isCalendarDate,
  isoDate,
  regionLevel,
  validateCalendarDay,
  type WorkingCalendar,
} from '@vtc/domain';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';

/**
 * The working-day calendar as data (CalendarDay rows: weekday holidays with workday = false,
 * weekend make-up working days 调休 with workday = true). The public notice of a claim counts its
 * 5 working days by it (domain addWorkingDays). Seeded from the State Council notices
 * (prisma/seed/calendar.ts); an administrator or a province bureau maintains it.
 */

/** Days per call of upsertCalendarDays: a year's notice is about 40 rows. */
export const MAX_CALENDAR_DAYS_PER_CALL = 400;

/** The calendar from `from` for `days` days (enough for a public notice starting on `from`). */
export async function workingCalendar(db: PrismaClient | Tx, from: string, days = CALENDAR_LOOKAHEAD_DAYS): Promise<WorkingCalendar> {
  const rows = await db.calendarDay.findMany({ where: { date: { gte: dateFromIso(from), lte: dateFromIso(addDays(from, days)) } }, select: { date: true, workday: true } });
  return {
    holidays: rows.filter((r) => !r.workday).map((r) => isoDate(r.date)),
    extraWorkdays: rows.filter((r) => r.workday).map((r) => isoDate(r.date)),
  };
}

/** Calendar rows between two dates (inclusive), in date order. */
export async function calendarDays(db: PrismaClient | Tx, range: { from: string; to: string }) {
  for (const [field, v] of [
    ['from', range.from],
    ['to', range.to],
  ] as const) {
    if (!isCalendarDate(v)) throw new DomainError('VALIDATION', { zh: '日期无效(应为YYYY-MM-DD)', en: `${field}: ${v} is not a date (YYYY-MM-DD)` }, { field });
  }
  if (range.to < range.from || range.to > addDays(range.from, 731)) {
    throw new DomainError('VALIDATION', { zh: '日期范围无效(最长两年)', en: 'The range must run forward and span at most two years' }, { field: 'to' });
  }
  return db.calendarDay.findMany({ where: { date: { gte: dateFromIso(range.from), lte: dateFromIso(range.to) } }, orderBy: { date: 'asc' } });
}

function mayMaintainCalendar(actor: Actor): boolean {
  return actor.roles.some((r) => r.role === 'SYSTEM_ADMIN' || (r.role === 'BUREAU_OFFICER' && !!r.regionCode && regionLevel(r.regionCode) === 'PROVINCE'));
}

/**
 * Upsert calendar days and remove wrongly entered ones, in one audited transaction (one audit row
 * per day changed, with the row before and after). Only an administrator or a province bureau.
 * Notices already running keep the end date they were given.
 */
export async function upsertCalendarDays(prisma: PrismaClient, actor: Actor, input: { days: readonly CalendarDayInput[]; removeDates?: readonly string[] }) {
  if (!mayMaintainCalendar(actor)) {
    throw new DomainError('FORBIDDEN', { zh: '只有系统管理员或省级人社部门可以维护节假日安排', en: 'Only an administrator or a province bureau maintains the holiday calendar' });
  }
  const remove = input.removeDates ?? [];
  if (input.days.length + remove.length === 0) {
    throw new DomainError('VALIDATION', { zh: '请至少填写一天', en: 'Give at least one day to set or remove' }, { field: 'days' });
  }
  if (input.days.length + remove.length > MAX_CALENDAR_DAYS_PER_CALL) {
    throw new DomainError('VALIDATION', { zh: `每次最多${MAX_CALENDAR_DAYS_PER_CALL}天`, en: `At most ${MAX_CALENDAR_DAYS_PER_CALL} days per call` }, { field: 'days' });
  }
  const days = input.days.map((d, i) => validateCalendarDay(d, i));
  const seen = new Set<string>();
  for (const [i, d] of days.entries()) {
    if (seen.has(d.date)) throw new DomainError('VALIDATION', { zh: `第${i + 1}行日期重复:${d.date}`, en: `Row ${i + 1}: ${d.date} is given twice` }, { field: 'date', row: i });
    seen.add(d.date);
  }
  for (const [i, d] of remove.entries()) {
    if (!isCalendarDate(d)) {
      throw new DomainError('VALIDATION', { zh: `要删除的第${i + 1}个日期无效`, en: `removeDates[${i}]: ${d} is not a date (YYYY-MM-DD)` }, { field: 'removeDates', row: i });
    }
    if (seen.has(d)) throw new DomainError('VALIDATION', { zh: `${d}不能同时设置和删除`, en: `${d} is both set and removed` }, { field: 'removeDates', row: i });
    seen.add(d);
  }
  return transaction(prisma, async (tx) => {
    const before = new Map(
      (await tx.calendarDay.findMany({ where: { date: { in: [...seen].map(dateFromIso) } } })).map((r) => [isoDate(r.date), { workday: r.workday, name: r.name, source: r.source }]),
    );
    for (const d of days) {
      const data = { workday: d.workday, name: d.name, source: d.source };
      await tx.calendarDay.upsert({ where: { date: dateFromIso(d.date) }, create: { date: dateFromIso(d.date), ...data }, update: data });
      await audit(tx, actor, { action: 'calendar.set', entityType: 'CalendarDay', entityId: d.date, before: before.get(d.date) ?? null, after: data });
    }
    const removed: string[] = [];
    for (const d of remove) {
      if (!before.has(d)) continue;
      await tx.calendarDay.delete({ where: { date: dateFromIso(d) } });
      await audit(tx, actor, { action: 'calendar.remove', entityType: 'CalendarDay', entityId: d, before: before.get(d), after: null });
      removed.push(d);
    }
    return { set: days.length, removed: removed.length };
  });
}
