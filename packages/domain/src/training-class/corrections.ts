import { shanghaiDate } from '../shared/calendar-date';
import { DomainError } from '../shared/errors';
import { attendanceRateBp, formatRateBp, formatSessionTime } from './attendance';

/**
 * Corrections of past facts (更正): a session or an attendance record dated before today is entered
 * or changed only by a bureau officer covering the class's region, with a reason, and audited with
 * before and after. These are the rules, without I/O; `today` and `now` are parameters.
 *
 * Who enters what, when:
 * - the institution enters sessions and attendance dated today or later (attendance once the session
 *   has begun); for a class filed late (备案补录) whose late filing the bureau acknowledged, anywhere
 *   within the class's dates, because the acknowledgement is the bureau's leave to enter that past;
 * - anything else dated before today is a bureau correction.
 */

export const CORRECTION_REASON_MIN = 10;
export const CORRECTION_REASON_MAX = 500;

export interface EntryWindow {
  startDate: string;
  endDate: string;
  /** The bureau approved the class as a late filing, having acknowledged its reason. */
  lateFilingAcknowledged: boolean;
}

/** May the institution itself enter (or change) a session or attendance dated `date`? */
export function institutionMayEnterOn(date: string, klass: EntryWindow, today: string): boolean {
  if (date >= today) return true;
  return klass.lateFilingAcknowledged && date >= klass.startDate && date <= klass.endDate;
}

/**
 * The institution adds a session, or records attendance, only for today or later (or within the
 * dates of an acknowledged late filing); a past date is a bureau correction. VALIDATION naming
 * `date` (a session) or `sessionId` (attendance).
 */
export function assertInstitutionEntryDate(what: 'session' | 'attendance', date: string, klass: EntryWindow, today: string): void {
  if (institutionMayEnterOn(date, klass, today)) return;
  const subject = what === 'session' ? { zh: '课次', en: 'a session' } : { zh: '该课次的考勤', en: 'attendance of a session' };
  throw new DomainError(
    'VALIDATION',
    {
      zh: `不能由机构补录${subject.zh}:日期${date}早于今天${today}。过去的课次和考勤只能由人社部门以更正方式录入,并须说明原因`,
      en: `The institution cannot enter ${subject.en} dated ${date}, before today (${today}): past sessions and attendance are entered only as a bureau correction with a reason`,
    },
    { field: what === 'session' ? 'date' : 'sessionId', date, today },
  );
}

/** The trimmed reason of a correction (10–500 characters), or VALIDATION on `reason`. */
export function correctionReason(reason: string | null | undefined): string {
  const text = reason?.trim() ?? '';
  if (text.length < CORRECTION_REASON_MIN || text.length > CORRECTION_REASON_MAX) {
    throw new DomainError(
      'VALIDATION',
      {
        zh: `更正须说明原因(${CORRECTION_REASON_MIN}–${CORRECTION_REASON_MAX}字)`,
        en: `A correction needs a reason of ${CORRECTION_REASON_MIN}–${CORRECTION_REASON_MAX} characters`,
      },
      { field: 'reason', length: text.length },
    );
  }
  return text;
}

/** A live claim (not rejected, not withdrawn) on the class or one of its trainees. */
export interface LiveClaim {
  number: string;
  status: string;
}

/**
 * Which classes can be corrected: sessions of an approved, running or completed class; attendance of
 * a running or completed class. A completed class with a live subsidy claim, and a settled class,
 * are CONFLICT: a changed fact would change an amount filed or paid. (A completed class without a
 * claim is corrected only when its completion figures stay the same: `assertCompletionUnchanged`.)
 */
export function assertCorrectable(what: 'session' | 'attendance', status: string, liveClaims: readonly LiveClaim[]): void {
  if (status === 'SETTLED' || (status === 'COMPLETED' && liveClaims.length > 0)) {
    const numbers = liveClaims.map((c) => c.number).join(', ');
    throw new DomainError(
      'CONFLICT',
      status === 'SETTLED'
        ? {
            zh: '培训班已结算,其课次和考勤不能再更正',
            en: 'The class is settled: its sessions and attendance can no longer be corrected',
          }
        : {
            zh: `培训班已结业,且已有补贴申领(${numbers})以其考勤为依据;更正会改变已申报金额,须先撤回或驳回申领`,
            en: `The class is completed and subsidy claim(s) ${numbers} rest on its attendance; a correction would change an amount already filed, so the claim must be withdrawn or rejected first`,
          },
      { field: 'classId', status, claims: liveClaims.map((c) => c.number) },
    );
  }
  const allowed = what === 'session' ? ['APPROVED', 'IN_PROGRESS', 'COMPLETED'] : ['IN_PROGRESS', 'COMPLETED'];
  if (!allowed.includes(status)) {
    throw new DomainError(
      'INVALID_TRANSITION',
      what === 'session'
        ? {
            zh: '只有已批准、培训中或已结业的培训班可以更正课次',
            en: `Sessions are corrected only for an approved, running or completed class (this one is ${status})`,
          }
        : {
            zh: '只有培训中或已结业的培训班可以更正考勤',
            en: `Attendance is corrected only for a running or completed class (this one is ${status})`,
          },
      { from: status },
    );
  }
}

/**
 * A correction records what happened: the session (as corrected) has begun by now. A session still
 * ahead is the institution's ordinary entry, not a correction.
 */
export function assertPastFact(session: { startsAt: Date; endsAt: Date }, now: Date): void {
  if (session.startsAt.getTime() > now.getTime()) {
    const when = formatSessionTime(session.startsAt, session.endsAt);
    throw new DomainError(
      'VALIDATION',
      {
        zh: `课次${when}(北京时间)尚未开始:更正只针对已经发生的课次和考勤,今后的课次由培训机构自行安排`,
        en: `The session ${when} (Beijing time) has not begun: corrections are for what has happened; sessions ahead are entered by the institution`,
      },
      { field: 'startsAt', startsAt: session.startsAt.toISOString(), today: shanghaiDate(now) },
    );
  }
}

/** What completion fixed: the class's delivered minutes and each result's attendance rate. */
export interface CompletionFigures {
  deliveredMinutes: number | null;
  results: ReadonlyArray<{ enrollmentId: string; label: string; attendanceRateBp: number | null }>;
}

export interface CompletionChange {
  /** 'deliveredMinutes', or the enrollment id whose attendance rate would change. */
  subject: string;
  label: string;
  before: number;
  after: number;
}

/**
 * The completion figures a correction would change: delivered minutes (totalMinutes of all sessions)
 * and the attendance rate of each trainee who has a result.
 */
export function completionChanges(
  stored: CompletionFigures,
  recomputed: { totalMinutes: number; attended: ReadonlyMap<string, number> },
): CompletionChange[] {
  const changes: CompletionChange[] = [];
  if (stored.deliveredMinutes !== null && stored.deliveredMinutes !== recomputed.totalMinutes) {
    changes.push({ subject: 'deliveredMinutes', label: 'deliveredMinutes', before: stored.deliveredMinutes, after: recomputed.totalMinutes });
  }
  for (const r of stored.results) {
    if (r.attendanceRateBp === null) continue;
    const attended = Math.min(recomputed.attended.get(r.enrollmentId) ?? 0, recomputed.totalMinutes);
    const rate = attendanceRateBp(attended, recomputed.totalMinutes);
    if (rate !== r.attendanceRateBp) changes.push({ subject: r.enrollmentId, label: r.label, before: r.attendanceRateBp, after: rate });
  }
  return changes;
}

/**
 * A completed class is never recomputed silently: a correction that would change its delivered hours
 * or a trainee's attendance rate (and so a result, a certificate or a later claim) is refused
 * (CONFLICT, listing the changes); one that keeps them (a session's times, an evidence reference) passes.
 */
export function assertCompletionUnchanged(
  stored: CompletionFigures,
  recomputed: { totalMinutes: number; attended: ReadonlyMap<string, number> },
): void {
  const changes = completionChanges(stored, recomputed);
  if (changes.length === 0) return;
  const zh = changes
    .slice(0, 5)
    .map((c) => (c.subject === 'deliveredMinutes' ? `实际课时${c.before}分钟→${c.after}分钟` : `${c.label}出勤率${formatRateBp(c.before)}→${formatRateBp(c.after)}`));
  const en = changes
    .slice(0, 5)
    .map((c) =>
      c.subject === 'deliveredMinutes'
        ? `delivered minutes ${c.before} → ${c.after}`
        : `attendance rate of ${c.label} ${formatRateBp(c.before)} → ${formatRateBp(c.after)}`,
    );
  const more = changes.length > 5 ? { zh: `等${changes.length}项`, en: ` and ${changes.length - 5} more` } : { zh: '', en: '' };
  throw new DomainError(
    'CONFLICT',
    {
      zh: `培训班已结业,此更正会改变结业时确定的数据(${zh.join(';')}${more.zh});结业结果和证书不会被静默重算,不能更正`,
      en: `The class is completed and this correction would change what completion fixed (${en.join('; ')}${more.en}); completion results and certificates are never recomputed silently, so it is refused`,
    },
    { field: 'classId', changes: changes.slice(0, 20), changeCount: changes.length },
  );
}
