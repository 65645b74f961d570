import { isCalendarDate, shanghaiDate } from '../shared/calendar-date';
import { DomainError } from '../shared/errors';
import type { TrainingRules } from './policy';

/**
 * Attendance (考勤): the rules, without I/O.
 * - A class has sessions (date, start, end, counted minutes); each trainee is present or absent at
 *   each session, recorded by hand, by QR scan or by face check-in (the last two carry a reference to
 *   the external evidence).
 * - A trainee's attendance rate is attended minutes over the minutes of all the class's sessions, in
 *   basis points rounded down; the policy in force sets the minimum rate for completion (default 80%).
 */
export const ATTENDANCE_METHODS = ['MANUAL', 'QR', 'FACE'] as const;
export type AttendanceMethod = (typeof ATTENDANCE_METHODS)[number];

/** At most 8 class hours (学时) counted for one session. */
export const MAX_SESSION_MINUTES = 480;
/** Records accepted in one recordAttendance call. */
export const MAX_ATTENDANCE_RECORDS_PER_CALL = 1000;
export const MAX_EVIDENCE_REF_LENGTH = 200;

// ───────────────────────────── attendance rate ─────────────────────────────

/**
 * Attendance rate in basis points, rounded down: 350 of 480 minutes → 7291 (72.91%).
 * A class with no sessions held gives 0. Minutes are whole, non-negative, attended ≤ total.
 */
export function attendanceRateBp(attendedMinutes: number, totalMinutes: number): number {
  if (!Number.isSafeInteger(attendedMinutes) || !Number.isSafeInteger(totalMinutes) || attendedMinutes < 0 || totalMinutes < 0) {
    throw new RangeError(`minutes must be whole and non-negative (attended ${attendedMinutes}, total ${totalMinutes})`);
  }
  if (attendedMinutes > totalMinutes) {
    throw new RangeError(`attended minutes ${attendedMinutes} exceed the class total ${totalMinutes}`);
  }
  if (totalMinutes === 0) return 0;
  return Math.floor((attendedMinutes * 10_000) / totalMinutes);
}

/** Does this attendance rate reach the policy's minimum for completion? */
export function isCompletionEligible(rateBp: number, rules: Pick<TrainingRules, 'minAttendanceRateBp'>): boolean {
  return rateBp >= rules.minAttendanceRateBp;
}

/** 7291 → "72.91%" */
export function formatRateBp(bp: number): string {
  return `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, '0')}%`;
}

// ───────────────────────────── sessions ─────────────────────────────

export interface SessionDraft {
  /** Calendar date of the session in Asia/Shanghai, YYYY-MM-DD. */
  date: string;
  startsAt: Date;
  endsAt: Date;
  /** Class minutes counted; defaults to the whole minutes between start and end. */
  minutes?: number | null;
}

export interface ClassPeriod {
  startDate: string;
  endDate: string;
}

export interface ValidSession {
  date: string;
  startsAt: Date;
  endsAt: Date;
  minutes: number;
}

export interface SessionIssue {
  field: 'date' | 'startsAt' | 'endsAt' | 'minutes';
  zh: string;
  en: string;
}

/**
 * Check a session against its class: a real date inside the class's start and end dates; start
 * before end, both on that date in Beijing time; counted minutes whole, at least 1, at most the
 * session's length and at most 8 class hours (480). Returns every issue found.
 */
export function checkSession(draft: SessionDraft, period: ClassPeriod): SessionIssue[] {
  const issues: SessionIssue[] = [];
  const dateOk = isCalendarDate(draft.date);
  if (!dateOk) {
    issues.push({ field: 'date', zh: '上课日期不是有效日期', en: 'Session date is not a real date' });
  } else if (draft.date < period.startDate || draft.date > period.endDate) {
    issues.push({
      field: 'date',
      zh: `上课日期${draft.date}不在培训期${period.startDate}至${period.endDate}内`,
      en: `Session date ${draft.date} is outside the class period ${period.startDate} to ${period.endDate}`,
    });
  }
  const start = draft.startsAt.getTime();
  const end = draft.endsAt.getTime();
  if (Number.isNaN(start)) issues.push({ field: 'startsAt', zh: '开始时间无效', en: 'Start time is not a valid time' });
  if (Number.isNaN(end)) issues.push({ field: 'endsAt', zh: '结束时间无效', en: 'End time is not a valid time' });
  if (Number.isNaN(start) || Number.isNaN(end)) return issues;
  if (start >= end) {
    issues.push({ field: 'endsAt', zh: '结束时间须晚于开始时间', en: 'The session must end after it starts' });
    return issues;
  }
  if (dateOk) {
    if (shanghaiDate(draft.startsAt) !== draft.date) {
      issues.push({
        field: 'startsAt',
        zh: `开始时间不在上课日期${draft.date}(北京时间)`,
        en: `The start time is not on ${draft.date} (Beijing time)`,
      });
    }
    if (shanghaiDate(draft.endsAt) !== draft.date) {
      issues.push({
        field: 'endsAt',
        zh: `结束时间不在上课日期${draft.date}(北京时间)`,
        en: `The end time is not on ${draft.date} (Beijing time)`,
      });
    }
  }
  const length = Math.floor((end - start) / 60_000);
  const minutes = draft.minutes ?? length;
  if (!Number.isInteger(minutes) || minutes < 1) {
    issues.push({ field: 'minutes', zh: '计入学时须至少1分钟(整数)', en: 'Counted minutes must be a whole number, at least 1' });
  } else if (minutes > length) {
    issues.push({
      field: 'minutes',
      zh: `计入${minutes}分钟超过课时长度${length}分钟`,
      en: `${minutes} counted minutes exceed the session length of ${length} minutes`,
    });
  } else if (minutes > MAX_SESSION_MINUTES) {
    issues.push({
      field: 'minutes',
      zh: `每次课最多计${MAX_SESSION_MINUTES / 60}学时(${MAX_SESSION_MINUTES}分钟),本次为${minutes}分钟`,
      en: `A session counts at most ${MAX_SESSION_MINUTES / 60} class hours (${MAX_SESSION_MINUTES} minutes); this one has ${minutes}`,
    });
  }
  return issues;
}

/** The session with its counted minutes, or a VALIDATION error naming the first field (all issues in details). */
export function validateSession(draft: SessionDraft, period: ClassPeriod): ValidSession {
  const issues = checkSession(draft, period);
  const first = issues[0];
  if (first) {
    throw new DomainError(
      'VALIDATION',
      { zh: issues.map((i) => i.zh).join(';'), en: issues.map((i) => i.en).join('; ') },
      { field: first.field, issues },
    );
  }
  return {
    date: draft.date,
    startsAt: draft.startsAt,
    endsAt: draft.endsAt,
    minutes: draft.minutes ?? Math.floor((draft.endsAt.getTime() - draft.startsAt.getTime()) / 60_000),
  };
}

/** A session as a clerk reads it, in Beijing time: "2026-11-05 09:00–11:00". */
export function formatSessionTime(startsAt: Date, endsAt: Date): string {
  const hm = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(11, 16);
  const endDay = shanghaiDate(endsAt);
  const startDay = shanghaiDate(startsAt);
  return `${startDay} ${hm(startsAt)}–${endDay === startDay ? '' : `${endDay} `}${hm(endsAt)}`;
}

// ───────────────────────────── attendance records ─────────────────────────────

export interface AttendanceRecordDraft {
  enrollmentId: string;
  present: boolean;
  method?: AttendanceMethod | null;
  evidenceRef?: string | null;
}

export interface ValidAttendanceRecord {
  enrollmentId: string;
  present: boolean;
  method: AttendanceMethod;
  evidenceRef: string | null;
}

/**
 * Check one call's records: 1 to 1000 of them, each enrollment once, QR and face check-ins with the
 * reference of their evidence (at most 200 characters). Returns them normalised (method MANUAL by
 * default, evidence trimmed) or throws VALIDATION naming the row (1-based).
 */
export function validateAttendanceRecords(records: readonly AttendanceRecordDraft[]): ValidAttendanceRecord[] {
  if (records.length === 0) {
    throw new DomainError('VALIDATION', { zh: '没有考勤记录', en: 'No attendance records given' }, { field: 'records' });
  }
  if (records.length > MAX_ATTENDANCE_RECORDS_PER_CALL) {
    throw new DomainError(
      'VALIDATION',
      {
        zh: `每次最多提交${MAX_ATTENDANCE_RECORDS_PER_CALL}条考勤记录,本次${records.length}条`,
        en: `At most ${MAX_ATTENDANCE_RECORDS_PER_CALL} attendance records per call (got ${records.length})`,
      },
      { field: 'records', count: records.length },
    );
  }
  const seen = new Map<string, number>();
  return records.map((r, i) => {
    const row = i + 1;
    const earlier = seen.get(r.enrollmentId);
    if (earlier !== undefined) {
      throw new DomainError(
        'VALIDATION',
        {
          zh: `第${row}条:报名记录重复(与第${earlier}条)`,
          en: `Row ${row}: the same enrollment as row ${earlier}`,
        },
        { field: 'enrollmentId', row, enrollmentId: r.enrollmentId },
      );
    }
    seen.set(r.enrollmentId, row);
    const method = r.method ?? 'MANUAL';
    const evidenceRef = r.evidenceRef?.trim() || null;
    if ((method === 'FACE' || method === 'QR') && !evidenceRef) {
      const how = method === 'FACE' ? { zh: '人脸识别签到', en: 'A face check-in' } : { zh: '扫码签到', en: 'A QR check-in' };
      throw new DomainError(
        'VALIDATION',
        {
          zh: `第${row}条:${how.zh}须附签到凭证编号`,
          en: `Row ${row}: ${how.en} needs the reference of its evidence (evidenceRef)`,
        },
        { field: 'evidenceRef', row, enrollmentId: r.enrollmentId },
      );
    }
    if (evidenceRef && evidenceRef.length > MAX_EVIDENCE_REF_LENGTH) {
      throw new DomainError(
        'VALIDATION',
        {
          zh: `第${row}条:签到凭证编号最长${MAX_EVIDENCE_REF_LENGTH}个字符`,
          en: `Row ${row}: evidenceRef is longer than ${MAX_EVIDENCE_REF_LENGTH} characters`,
        },
        { field: 'evidenceRef', row, enrollmentId: r.enrollmentId },
      );
    }
    return { enrollmentId: r.enrollmentId, present: r.present, method, evidenceRef };
  });
}
