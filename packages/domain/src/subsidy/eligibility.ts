import { formatRateBp } from '../attendance';
import { DomainError } from '../errors';
import { PRIORITY_GROUP_NAMES } from '../person';
import { assertCalendarDate, contractMonths, isMonthKey, monthKeyOf, windowEnd, withinMonthsAfter } from './dates';
import type { ClaimPerson, EmploymentEvidence, ExplanationStep, Refusal } from './facts';
import type { CommonRules, EmploymentCondition } from './rules';

/**
 * Eligibility fixed at training time (attendance, passed assessment, priority group, working age),
 * read from the snapshot the person's facts carry, and the employment evidence that unlocks the
 * class-hour uplift and counts toward a class's employment rate.
 */

export type EligibilityResult = { ok: true; steps: ExplanationStep[] } | ({ ok: false } & Refusal);

export function refuse(rule: Refusal['rule'], zh: string, en: string): { ok: false } & Refusal {
  return { ok: false, rule, zh, en };
}

export function missingFact(fact: string, zh: string): { ok: false } & Refusal {
  return refuse('MISSING_FACT', `缺少${zh}(${fact}),不能计算补贴`, `The fact ${fact} is missing; no subsidy is computed without it`);
}

const SEX_ZH = { MALE: '男性', FEMALE: '女性' } as const;
const SEX_EN = { MALE: 'men', FEMALE: 'women' } as const;

/** Attendance, passed assessment, priority group and working age, in that order; the first failure refuses. */
export function checkEligibility(rules: CommonRules, person: ClaimPerson): EligibilityResult {
  const steps: ExplanationStep[] = [];
  if (rules.minAttendanceRateBp !== null) {
    const rate = person.attendanceRateBp;
    if (rate === undefined) return missingFact('attendanceRateBp', '出勤率');
    if (!Number.isInteger(rate) || rate < 0 || rate > 10_000) {
      throw new DomainError('VALIDATION', { zh: `出勤率须为0至10000基点:${rate}`, en: `attendanceRateBp must be 0–10000: ${rate}` }, { field: 'attendanceRateBp', personId: person.personId });
    }
    const min = formatRateBp(rules.minAttendanceRateBp);
    if (rate < rules.minAttendanceRateBp) {
      return refuse(
        'ATTENDANCE_BELOW_MINIMUM',
        `出勤率${formatRateBp(rate)}低于政策要求的${min}`,
        `Attendance ${formatRateBp(rate)} is below the required ${min}`,
      );
    }
    steps.push({ zh: `出勤率${formatRateBp(rate)},达到政策要求的${min}`, en: `Attendance ${formatRateBp(rate)} meets the required ${min}` });
  }
  if (rules.requiresPassedAssessment) {
    if (person.passedAssessment === undefined) return missingFact('passedAssessment', '考核结果');
    if (!person.passedAssessment) return refuse('ASSESSMENT_NOT_PASSED', '考核不合格', 'Did not pass the assessment');
    steps.push({ zh: '考核合格', en: 'Passed the assessment' });
  }
  if (rules.priorityGroups !== null) {
    const groups = person.priorityGroupsAtEnrollment;
    if (groups === undefined) return missingFact('priorityGroupsAtEnrollment', '报名时的人员类别');
    const hit = rules.priorityGroups.filter((g) => groups.includes(g));
    const wanted = rules.priorityGroups.map((g) => PRIORITY_GROUP_NAMES[g]).join('、');
    if (hit.length === 0) {
      return refuse(
        'NOT_PRIORITY_GROUP',
        `报名时不属于政策规定的重点群体(${wanted})`,
        `At enrollment not in a priority group the policy covers (${rules.priorityGroups.join(', ')})`,
      );
    }
    steps.push({
      zh: `报名时属于重点群体:${hit.map((g) => PRIORITY_GROUP_NAMES[g]).join('、')}`,
      en: `At enrollment in priority group(s): ${hit.join(', ')}`,
    });
  }
  if (rules.workingAge !== null) {
    const { sex, ageAtStart: age } = person;
    if (sex === undefined) return missingFact('sex', '性别');
    if (age === undefined) return missingFact('ageAtStart', '培训开始时的年龄');
    const range = rules.workingAge[sex];
    if (age < range.min || age > range.max) {
      return refuse(
        'OUTSIDE_WORKING_AGE',
        `培训开始时${age}岁,不在政策规定的${SEX_ZH[sex]}劳动年龄${range.min}–${range.max}岁内`,
        `Aged ${age} at the start, outside the policy's working age for ${SEX_EN[sex]} (${range.min}–${range.max})`,
      );
    }
    steps.push({
      zh: `培训开始时${age}岁,在${SEX_ZH[sex]}劳动年龄${range.min}–${range.max}岁内`,
      en: `Aged ${age} at the start, within the working age for ${SEX_EN[sex]} (${range.min}–${range.max})`,
    });
  }
  return { ok: true, steps };
}

// ───────────────────────────── employment ─────────────────────────────

export interface EmploymentMatch {
  evidence: EmploymentEvidence;
  /** Whole months the contract covers; null = open-ended. */
  contractMonths: number | null;
  /** Last day of the window after completion. */
  windowEnd: string;
  /** The first qualifying social-insurance month, 'YYYYMM', or null when not required. */
  socialInsuranceMonth: string | null;
}

export type EmploymentCheck =
  | { ok: true; match: EmploymentMatch; steps: ExplanationStep[] }
  | ({ ok: false; windowEnd: string } & Refusal);

function validateEvidence(e: EmploymentEvidence): void {
  assertCalendarDate(e.signedOn, 'employment.signedOn');
  assertCalendarDate(e.startsOn, 'employment.startsOn');
  if (e.endsOn !== null) assertCalendarDate(e.endsOn, 'employment.endsOn');
  for (const m of e.socialInsuranceMonths) {
    if (!isMonthKey(m)) {
      throw new DomainError('VALIDATION', { zh: `社保缴费月份须为YYYYMM:${m}`, en: `A social-insurance month must be YYYYMM: ${m}` }, { field: 'employment.socialInsuranceMonths' });
    }
  }
}

function employerLabel(e: EmploymentEvidence): { zh: string; en: string } {
  return e.employerName ? { zh: `与${e.employerName}`, en: ` with ${e.employerName}` } : { zh: '', en: '' };
}

function monthsText(months: number | null): { zh: string; en: string } {
  return months === null ? { zh: '无固定期限', en: 'open-ended' } : { zh: `${months}个月`, en: `${months} month(s)` };
}

/**
 * The first contract (by signing date) that satisfies the condition after `completedOn`:
 * signed on or after completion and no later than completion + `withinMonths` (inclusive, month-end
 * clamped); covering at least `minContractMonths` whole months (open-ended always does); and, when
 * required, with an employer social-insurance contribution in a month from the signing month to
 * the window's last month. A contract signed before completion does not count ("after training").
 */
export function findQualifyingEmployment(
  completedOn: string,
  evidence: readonly EmploymentEvidence[],
  condition: EmploymentCondition,
): EmploymentCheck {
  assertCalendarDate(completedOn, 'completedOn');
  const end = windowEnd(completedOn, condition.withinMonths);
  for (const e of evidence) validateEvidence(e);
  const ordered = [...evidence].sort(
    (a, b) =>
      cmp(a.signedOn, b.signedOn) || cmp(a.startsOn, b.startsOn) || cmp(a.endsOn ?? '9999-99-99', b.endsOn ?? '9999-99-99') || cmp(a.employerName ?? '', b.employerName ?? ''),
  );
  const zhReasons: string[] = [];
  const enReasons: string[] = [];
  for (const e of ordered) {
    const who = employerLabel(e);
    const months = contractMonths(e.startsOn, e.endsOn);
    const label = { zh: `${e.signedOn}${who.zh}签订的合同`, en: `the contract signed ${e.signedOn}${who.en}` };
    if (!withinMonthsAfter(completedOn, e.signedOn, condition.withinMonths)) {
      zhReasons.push(`${label.zh}不在结业后${condition.withinMonths}个月内(${completedOn}至${end})`);
      enReasons.push(`${label.en} is not within ${condition.withinMonths} months after completion (${completedOn} to ${end})`);
      continue;
    }
    if (months !== null && months < condition.minContractMonths) {
      zhReasons.push(`${label.zh}期限${months}个月,不足${condition.minContractMonths}个月`);
      enReasons.push(`${label.en} covers ${months} month(s), less than ${condition.minContractMonths}`);
      continue;
    }
    let siMonth: string | null = null;
    if (condition.requiresSocialInsurance) {
      const from = monthKeyOf(e.signedOn);
      const to = monthKeyOf(end);
      siMonth = [...e.socialInsuranceMonths].sort().find((m) => m >= from && m <= to) ?? null;
      if (siMonth === null) {
        zhReasons.push(`${label.zh}在${from}至${to}期间没有社会保险缴费`);
        enReasons.push(`${label.en} has no social-insurance contribution from ${from} to ${to}`);
        continue;
      }
    }
    const length = monthsText(months);
    const steps: ExplanationStep[] = [
      {
        zh: `结业${completedOn}后${condition.withinMonths}个月内(至${end}),于${e.signedOn}${who.zh}签订劳动合同(${e.startsOn}至${e.endsOn ?? '无固定期限'},${length.zh}${condition.minContractMonths > 0 ? `,不少于${condition.minContractMonths}个月` : ''})`,
        en: `Within ${condition.withinMonths} months after completion on ${completedOn} (until ${end}), signed a labour contract on ${e.signedOn}${who.en} (${e.startsOn} to ${e.endsOn ?? 'open-ended'}, ${length.en}${condition.minContractMonths > 0 ? `, at least ${condition.minContractMonths}` : ''})`,
      },
    ];
    if (siMonth !== null) {
      const month = `${siMonth.slice(0, 4)}-${siMonth.slice(4)}`;
      steps.push({ zh: `${month}已由用人单位缴纳社会保险`, en: `Social insurance paid by the employer for ${month}` });
    }
    return { ok: true, match: { evidence: e, contractMonths: months, windowEnd: end, socialInsuranceMonth: siMonth }, steps };
  }
  const need = {
    zh: `结业后${condition.withinMonths}个月内(${completedOn}至${end})签订${condition.minContractMonths > 0 ? `${condition.minContractMonths}个月及以上` : ''}劳动合同${condition.requiresSocialInsurance ? '并缴纳社会保险' : ''}`,
    en: `a labour contract${condition.minContractMonths > 0 ? ` of ${condition.minContractMonths} months or more` : ''} signed within ${condition.withinMonths} months after completion (${completedOn} to ${end})${condition.requiresSocialInsurance ? ' with social insurance paid' : ''}`,
  };
  return {
    ok: false,
    windowEnd: end,
    rule: 'EMPLOYMENT_NOT_CONFIRMED',
    zh: `没有${need.zh}的记录${zhReasons.length ? `:${zhReasons.join(';')}` : ''}`,
    en: `No record of ${need.en}${enReasons.length ? `: ${enReasons.join('; ')}` : ''}`,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
