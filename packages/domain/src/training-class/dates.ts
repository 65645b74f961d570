import { shanghaiDate } from '../shared/calendar-date';
import { DomainError } from '../shared/errors';

/**
 * Dates cannot lie: the rules that keep a class's records on the calendar they claim. `today` (the
 * Asia/Shanghai date) and `now` are parameters; the use cases pass the one clock of core.
 */

export const LATE_FILING_REASON_MIN = 10;
export const LATE_FILING_REASON_MAX = 500;

/** A class whose planned end date is before today is filed late (备案补录): its training already happened. */
export function isLateFiling(endDate: string, today: string): boolean {
  return endDate < today;
}

/**
 * Filing (or changing) a class dated wholly in the past needs a late-filing reason (10–500 characters),
 * which the bureau must acknowledge when it approves. Returns the trimmed reason to store, or null
 * when the class is not late (a reason given anyway is not kept: it would only confuse the approver).
 */
export function lateFilingReasonFor(plan: { startDate: string; endDate: string }, today: string, reason: string | null | undefined): string | null {
  if (!isLateFiling(plan.endDate, today)) return null;
  const text = reason?.trim() ?? '';
  if (text.length < LATE_FILING_REASON_MIN || text.length > LATE_FILING_REASON_MAX) {
    throw new DomainError(
      'VALIDATION',
      {
        zh: `培训期${plan.startDate}至${plan.endDate}已在今天${today}之前结束,补录备案须填写补录原因(${LATE_FILING_REASON_MIN}–${LATE_FILING_REASON_MAX}字),由人社部门审核`,
        en: `The class period ${plan.startDate} to ${plan.endDate} ended before today (${today}); a late filing needs a lateFilingReason of ${LATE_FILING_REASON_MIN}–${LATE_FILING_REASON_MAX} characters for the bureau to approve`,
      },
      { field: 'lateFilingReason', startDate: plan.startDate, endDate: plan.endDate, today },
    );
  }
  return text;
}

/**
 * A bureau approving a class filed late must acknowledge the late filing explicitly; a class whose
 * dates have passed without any late-filing reason cannot be approved (reject it so the institution
 * gives one).
 */
export function assertLateFilingApproval(
  klass: { startDate: string; endDate: string; lateFilingReason: string | null },
  today: string,
  acknowledged: boolean,
): void {
  if (klass.lateFilingReason) {
    if (!acknowledged) {
      throw new DomainError(
        'VALIDATION',
        {
          zh: `该班为补录备案(培训期${klass.startDate}至${klass.endDate}),批准前须确认补录原因:${klass.lateFilingReason}`,
          en: `This is a late filing (class period ${klass.startDate} to ${klass.endDate}); approve it with acknowledgeLateFiling after reading the reason: ${klass.lateFilingReason}`,
        },
        { field: 'acknowledgeLateFiling', startDate: klass.startDate, endDate: klass.endDate },
      );
    }
    return;
  }
  if (isLateFiling(klass.endDate, today)) {
    throw new DomainError(
      'VALIDATION',
      {
        zh: `培训期${klass.startDate}至${klass.endDate}已在今天${today}之前结束,且机构未填写补录原因,不能批准;请驳回并要求补录说明`,
        en: `The class period ${klass.startDate} to ${klass.endDate} ended before today (${today}) and the institution gave no late-filing reason; reject it so one is given`,
      },
      { field: 'lateFilingReason', startDate: klass.startDate, endDate: klass.endDate, today },
    );
  }
}

/** A class starts (开班) on or after its planned start date, never before. */
export function assertClassStartable(startDate: string, today: string): void {
  if (today < startDate) {
    throw new DomainError(
      'VALIDATION',
      {
        zh: `培训班计划于${startDate}开班,今天${today}不能提前开班`,
        en: `The class is planned to start on ${startDate}; it cannot be started before that (today is ${today})`,
      },
      { field: 'startDate', startDate, today },
    );
  }
}

/** Attendance is recorded only for a session that has begun (not next week's). */
export function assertSessionBegun(session: { startsAt: Date; endsAt: Date }, now: Date): void {
  if (session.startsAt.getTime() > now.getTime()) {
    const when = `${shanghaiDate(session.startsAt)} ${new Date(session.startsAt.getTime() + 8 * 3_600_000).toISOString().slice(11, 16)}`;
    throw new DomainError(
      'VALIDATION',
      {
        zh: `该课次于${when}(北京时间)开始,尚未开始,不能记录考勤`,
        en: `The session starts at ${when} (Beijing time) and has not begun; attendance cannot be recorded yet`,
      },
      { field: 'sessionId', startsAt: session.startsAt.toISOString() },
    );
  }
}

/**
 * A class is completed on or after its start date and only once every session has ended: a session
 * still ahead would be counted as taught.
 */
export function assertClassCompletable(
  klass: { startDate: string },
  sessions: readonly { startsAt: Date; endsAt: Date }[],
  now: Date,
): void {
  const today = shanghaiDate(now);
  if (today < klass.startDate) {
    throw new DomainError(
      'VALIDATION',
      {
        zh: `培训班计划于${klass.startDate}开班,今天${today}不能结业`,
        en: `The class starts on ${klass.startDate}; it cannot be completed before that (today is ${today})`,
      },
      { field: 'startDate', startDate: klass.startDate, today },
    );
  }
  const ahead = sessions.filter((s) => s.endsAt.getTime() > now.getTime()).sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())[0];
  if (ahead) {
    const end = new Date(ahead.endsAt.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    throw new DomainError(
      'VALIDATION',
      {
        zh: `还有课次未结束(至${end},北京时间),结业须在全部课次结束后办理`,
        en: `A session has not ended yet (it ends ${end} Beijing time); complete the class once every session has ended`,
      },
      { field: 'sessions', endsAt: ahead.endsAt.toISOString() },
    );
  }
}

export interface DeliveredHours {
  plannedHours: number;
  /** Whole class hours the recorded sessions cover (minutes ÷ 60, rounded down). */
  deliveredHours: number;
  /** The hours certificates print and claims pay for: the smaller of planned and delivered. */
  countedHours: number;
  /** Planned hours not delivered (0 when the plan was met). */
  shortfallHours: number;
}

/** The hours a class really taught, against its plan. */
export function deliveredHours(plannedHours: number, deliveredMinutes: number): DeliveredHours {
  if (!Number.isSafeInteger(plannedHours) || plannedHours < 0 || !Number.isSafeInteger(deliveredMinutes) || deliveredMinutes < 0) {
    throw new RangeError(`hours and minutes must be whole and non-negative (planned ${plannedHours}, delivered ${deliveredMinutes} min)`);
  }
  const delivered = Math.floor(deliveredMinutes / 60);
  return {
    plannedHours,
    deliveredHours: delivered,
    countedHours: Math.min(plannedHours, delivered),
    shortfallHours: Math.max(0, plannedHours - delivered),
  };
}
