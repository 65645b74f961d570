import { DomainError, type LocalizedText } from '../shared/errors';
import { attendanceRateBp, formatRateBp, isCompletionEligible } from './attendance';
import type { TrainingRules } from './policy';

/**
 * Completion (结业): the rules, without I/O. Completing a class turns one result per enrollment
 * (passed, failed, withdrawn, optional score) and the trainee's attendance rate into the
 * enrollment's final status, and numbers the completion certificates JY-<region>-<year>-<serial>.
 */

export const COMPLETION_OUTCOMES = ['PASSED', 'FAILED', 'WITHDRAWN'] as const;
export type CompletionOutcome = (typeof COMPLETION_OUTCOMES)[number];
export type CompletionStatus = 'COMPLETED' | 'FAILED' | 'WITHDRAWN';
export type CompletionFailureReason = 'ASSESSMENT_FAILED' | 'ATTENDANCE_BELOW_MINIMUM';

export interface CompletionResultInput {
  enrollmentId: string;
  outcome: CompletionOutcome;
  /** 0–100, at most two decimals; none for a withdrawn trainee. */
  score?: number | null;
}

/** A score as whole hundredths (89.5 → 8950), or null when the score is not 0–100 with at most 2 decimals. */
export function scoreHundredths(score: number): number | null {
  if (!Number.isFinite(score) || score < 0 || score > 100) return null;
  const h = Math.round(score * 100);
  return Math.abs(score * 100 - h) < 1e-6 ? h : null;
}

/** 8950 → "89.50", as stored in Decimal(5,2). */
export function formatScore(hundredths: number): string {
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}

export interface TraineeDecision {
  status: CompletionStatus;
  reasons: CompletionFailureReason[];
  /** Why the trainee did not complete, for the clerk; null when completed or withdrawn. */
  reason: LocalizedText | null;
}

/**
 * One trainee's final status: PASSED with the minimum attendance → COMPLETED; FAILED, or attendance
 * below the minimum → FAILED (with every reason that applies); WITHDRAWN stays WITHDRAWN.
 */
export function decideTraineeCompletion(
  outcome: CompletionOutcome,
  rateBp: number,
  rules: Pick<TrainingRules, 'minAttendanceRateBp'>,
): TraineeDecision {
  if (outcome === 'WITHDRAWN') return { status: 'WITHDRAWN', reasons: [], reason: null };
  const reasons: CompletionFailureReason[] = [];
  const zh: string[] = [];
  const en: string[] = [];
  if (outcome === 'FAILED') {
    reasons.push('ASSESSMENT_FAILED');
    zh.push('结业考核不合格');
    en.push('failed the final assessment');
  }
  if (!isCompletionEligible(rateBp, rules)) {
    reasons.push('ATTENDANCE_BELOW_MINIMUM');
    zh.push(`出勤率${formatRateBp(rateBp)}低于政策要求的${formatRateBp(rules.minAttendanceRateBp)}`);
    en.push(`attendance ${formatRateBp(rateBp)} is below the required ${formatRateBp(rules.minAttendanceRateBp)}`);
  }
  if (reasons.length === 0) return { status: 'COMPLETED', reasons, reason: null };
  const enText = en.join('; ');
  return { status: 'FAILED', reasons, reason: { zh: zh.join(';'), en: enText.charAt(0).toUpperCase() + enText.slice(1) } };
}

export interface CompletionEnrollment {
  id: string;
  /** Current status; a trainee already withdrawn while the class ran can only stay WITHDRAWN. */
  status: 'ENROLLED' | 'COMPLETED' | 'FAILED' | 'WITHDRAWN';
  attendedMinutes: number;
  /** How the clerk knows the trainee (e.g. the name), used in messages. */
  label?: string;
}

export interface TraineeCompletion extends TraineeDecision {
  enrollmentId: string;
  outcome: CompletionOutcome;
  attendedMinutes: number;
  attendanceRateBp: number;
  /** Score in whole hundredths (89.5 → 8950), or null. */
  scoreHundredths: number | null;
}

export interface CompletionIssue {
  field: 'results' | 'enrollmentId' | 'outcome' | 'score';
  /** 1-based position in the results, when the issue is about a given row. */
  row?: number;
  enrollmentId: string;
  zh: string;
  en: string;
}

const MAX_LISTED_ISSUES = 20;

/**
 * Every issue with a class's results: a result for an enrollment not in the class, a second result
 * for one enrollment, a score out of range, a score for a withdrawn trainee, a trainee withdrawn
 * during the class given another outcome, and every enrollment without a result.
 */
export function checkCompletionResults(
  enrollments: readonly Pick<CompletionEnrollment, 'id' | 'status' | 'label'>[],
  results: readonly CompletionResultInput[],
): CompletionIssue[] {
  const issues: CompletionIssue[] = [];
  const byId = new Map(enrollments.map((e) => [e.id, e]));
  const seen = new Map<string, number>();
  // The trainee's name where the caller gave it, not the record's raw id.
  const who = (id: string) => byId.get(id)?.label ?? id;
  results.forEach((r, i) => {
    const row = i + 1;
    const e = byId.get(r.enrollmentId);
    if (!e) {
      issues.push({
        field: 'enrollmentId',
        row,
        enrollmentId: r.enrollmentId,
        zh: `第${row}行:该报名记录不属于本培训班`,
        en: `Row ${row}: the enrollment is not in this class`,
      });
      return;
    }
    const earlier = seen.get(r.enrollmentId);
    if (earlier !== undefined) {
      issues.push({
        field: 'enrollmentId',
        row,
        enrollmentId: r.enrollmentId,
        zh: `第${row}行:报名记录${who(r.enrollmentId)}的结果重复(与第${earlier}行)`,
        en: `Row ${row}: enrollment ${who(r.enrollmentId)} has a second result (also row ${earlier})`,
      });
      return;
    }
    seen.set(r.enrollmentId, row);
    if (e.status === 'WITHDRAWN' && r.outcome !== 'WITHDRAWN') {
      issues.push({
        field: 'outcome',
        row,
        enrollmentId: r.enrollmentId,
        zh: `第${row}行:学员${who(r.enrollmentId)}已退学,结果只能为“退学”`,
        en: `Row ${row}: enrollment ${who(r.enrollmentId)} has withdrawn; its outcome can only be WITHDRAWN`,
      });
    }
    if (r.score != null) {
      if (r.outcome === 'WITHDRAWN') {
        issues.push({
          field: 'score',
          row,
          enrollmentId: r.enrollmentId,
          zh: `第${row}行:退学学员${who(r.enrollmentId)}不应有成绩`,
          en: `Row ${row}: enrollment ${who(r.enrollmentId)} is withdrawn and cannot have a score`,
        });
      } else if (scoreHundredths(r.score) === null) {
        issues.push({
          field: 'score',
          row,
          enrollmentId: r.enrollmentId,
          zh: `第${row}行:成绩${r.score}须在0–100之间,最多两位小数`,
          en: `Row ${row}: score ${r.score} must be 0–100 with at most 2 decimals`,
        });
      }
    }
  });
  for (const e of enrollments) {
    if (!seen.has(e.id)) {
      issues.push({
        field: 'results',
        enrollmentId: e.id,
        zh: `报名记录${who(e.id)}没有结业结果`,
        en: `Enrollment ${who(e.id)} has no result`,
      });
    }
  }
  return issues;
}

export interface ClassCompletionInput {
  enrollments: readonly CompletionEnrollment[];
  /** Minutes of all the class's sessions. */
  totalMinutes: number;
  results: readonly CompletionResultInput[];
  rules: Pick<TrainingRules, 'minAttendanceRateBp'>;
}

/**
 * The completion of a whole class, one entry per enrollment in the order given, or a VALIDATION
 * error naming the first bad row or enrollment (up to 20 issues and their count in details).
 * Nothing is decided unless every enrollment has exactly one valid result.
 */
export function planClassCompletion(input: ClassCompletionInput): TraineeCompletion[] {
  const issues = checkCompletionResults(input.enrollments, input.results);
  const first = issues[0];
  if (first) {
    const more = issues.length - 1;
    throw new DomainError(
      'VALIDATION',
      {
        zh: more > 0 ? `${first.zh}(另有${more}处问题)` : first.zh,
        en: more > 0 ? `${first.en} (and ${more} more)` : first.en,
      },
      {
        field: first.field,
        ...(first.row !== undefined ? { row: first.row } : {}),
        enrollmentId: first.enrollmentId,
        issueCount: issues.length,
        issues: issues.slice(0, MAX_LISTED_ISSUES),
      },
    );
  }
  const resultOf = new Map(input.results.map((r) => [r.enrollmentId, r]));
  return input.enrollments.map((e) => {
    const r = resultOf.get(e.id)!;
    const rate = attendanceRateBp(e.attendedMinutes, input.totalMinutes);
    return {
      enrollmentId: e.id,
      outcome: r.outcome,
      attendedMinutes: e.attendedMinutes,
      attendanceRateBp: rate,
      scoreHundredths: r.score == null ? null : scoreHundredths(r.score),
      ...decideTraineeCompletion(r.outcome, rate, input.rules),
    };
  });
}

// ───────────────────────────── completion certificate numbers ─────────────────────────────

/** JY-<6-digit region>-<year>-<6-digit serial>, e.g. JY-141002-2026-000001 (结业证书). */
export const COMPLETION_CERTIFICATE_NUMBER = /^JY-(\d{6})-(\d{4})-(\d{6})$/;
export const MAX_COMPLETION_SERIAL = 999_999;

/** The SerialCounter key: serials run per region and year. */
export function completionSerialKey(regionCode: string, year: number): string {
  checkRegionAndYear(regionCode, year);
  return `completion:${regionCode}:${year}`;
}

export function completionCertificateNumber(regionCode: string, year: number, serial: number): string {
  checkRegionAndYear(regionCode, year);
  if (!Number.isInteger(serial) || serial < 1 || serial > MAX_COMPLETION_SERIAL) {
    throw new RangeError(`completion certificate serial ${serial} is outside 1–${MAX_COMPLETION_SERIAL}`);
  }
  return `JY-${regionCode}-${year}-${String(serial).padStart(6, '0')}`;
}

function checkRegionAndYear(regionCode: string, year: number): void {
  if (!/^\d{6}$/.test(regionCode)) throw new RangeError(`region code ${regionCode} is not 6 digits`);
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`year ${year} is not 4 digits`);
}

/**
 * The day a class's training ended ('YYYY-MM-DD'): its planned end date, or the completion date when
 * the class completed before it (certificates state it as the training's last day).
 */
export function classEndDate(plannedEndDate: string, completedOn: string): string {
  return completedOn < plannedEndDate ? completedOn : plannedEndDate;
}
