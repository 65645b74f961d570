/**
 * The official PRC working-day calendars for 2025 and 2026: every day of each statutory holiday
 * period (workday = false, weekends inside the period included so the rows read like the notice)
 * and the weekend days made working days (调休, workday = true). The public notice of a subsidy
 * claim counts its 5 working days by these rows (core/calendar.ts, domain addWorkingDays).
 */

export interface CalendarSeedDay {
  date: string;
  workday: boolean;
  name: string;
  source: string;
}

const SOURCE_2025 = '国务院办公厅关于2025年部分节假日安排的通知(国办发明电〔2024〕12号)';
/** Dates as recalled from the notice published in November 2025; its document number and the 1月4日 make-up day are to be checked against the original. */
const SOURCE_2026 = '国务院办公厅关于2026年部分节假日安排的通知(2025年11月;文号及元旦调休待核对原文)';

function range(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d.toISOString().slice(0, 10) <= to; d.setUTCDate(d.getUTCDate() + 1)) days.push(d.toISOString().slice(0, 10));
  return days;
}

function holiday(name: string, from: string, to: string, source: string, makeUpDays: readonly string[] = []): CalendarSeedDay[] {
  return [
    ...range(from, to).map((date) => ({ date, workday: false, name, source })),
    ...makeUpDays.map((date) => ({ date, workday: true, name: `${name}调休上班`, source })),
  ];
}

export const CALENDAR_DAYS: readonly CalendarSeedDay[] = [
  ...holiday('元旦', '2025-01-01', '2025-01-01', SOURCE_2025),
  ...holiday('春节', '2025-01-28', '2025-02-04', SOURCE_2025, ['2025-01-26', '2025-02-08']),
  ...holiday('清明节', '2025-04-04', '2025-04-06', SOURCE_2025),
  ...holiday('劳动节', '2025-05-01', '2025-05-05', SOURCE_2025, ['2025-04-27']),
  ...holiday('端午节', '2025-05-31', '2025-06-02', SOURCE_2025),
  ...holiday('国庆节、中秋节', '2025-10-01', '2025-10-08', SOURCE_2025, ['2025-09-28', '2025-10-11']),
  ...holiday('元旦', '2026-01-01', '2026-01-03', SOURCE_2026, ['2026-01-04']),
  ...holiday('春节', '2026-02-15', '2026-02-23', SOURCE_2026, ['2026-02-14', '2026-02-28']),
  ...holiday('清明节', '2026-04-04', '2026-04-06', SOURCE_2026),
  ...holiday('劳动节', '2026-05-01', '2026-05-05', SOURCE_2026, ['2026-05-09']),
  ...holiday('端午节', '2026-06-19', '2026-06-21', SOURCE_2026),
  ...holiday('中秋节', '2026-09-25', '2026-09-27', SOURCE_2026),
  ...holiday('国庆节', '2026-10-01', '2026-10-07', SOURCE_2026, ['2026-09-20', '2026-10-10']),
];

/** The rows for CalendarDay (@db.Date at UTC midnight). */
export function calendarDayRows(): Array<{ date: Date; workday: boolean; name: string; source: string }> {
  return CALENDAR_DAYS.map((d) => ({ ...d, date: new Date(`${d.date}T00:00:00Z`) }));
}
