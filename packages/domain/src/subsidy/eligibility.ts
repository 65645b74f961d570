import { formatRateBp } from '../training-class/attendance';
import { DomainError, type LocalizedText } from '../shared/errors';
import { PRIORITY_GROUP_NAMES } from '../person/person';
import { assertCalendarDate, contractMonths, isMonthKey, monthKeyOf, windowEnd } from './dates';
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

/** What a qualifying contract must be, with the window it is read in: the parameters of the wording. */
export interface QualifyingNeed {
  completedOn: string;
  /** completedOn + withinMonths (clamped), the window's last day. */
  windowEnd: string;
  withinMonths: number;
  minContractMonths: number;
  requiresSocialInsurance: boolean;
}

/**
 * Why one contract does not qualify; `employer` is the evidence's employerName, absent when it has
 * none. Plain JSON: employment checks store these as they are (EmploymentDecisionEvidence notes).
 */
export type QualifyingReason =
  | { code: 'NOT_WITHIN'; signedOn: string; employer?: string }
  | { code: 'TOO_SHORT'; signedOn: string; employer?: string; contractMonths: number }
  /** No contribution from the signing month to the window's last month. */
  | { code: 'NO_SOCIAL_INSURANCE'; signedOn: string; employer?: string };

/** The qualifying contract as its wording names it. */
export interface QualifyingContractFacts {
  signedOn: string;
  startsOn: string;
  endsOn: string | null;
  employer: string | null;
  contractMonths: number | null;
  socialInsuranceMonth: string | null;
}

/** findQualifyingEmployment without any text: the match, or the need and each contract's reason. */
export type QualifyingMatchResult =
  | { ok: true; match: EmploymentMatch; need: QualifyingNeed }
  | { ok: false; windowEnd: string; need: QualifyingNeed; reasons: QualifyingReason[] };

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

const byContract = (a: EmploymentEvidence, b: EmploymentEvidence): number =>
  cmp(a.signedOn, b.signedOn) || cmp(a.startsOn, b.startsOn) || cmp(a.endsOn ?? '9999-99-99', b.endsOn ?? '9999-99-99') || cmp(a.employerName ?? '', b.employerName ?? '');

/**
 * The first contract (by signing date) that satisfies the condition after `completedOn`:
 * signed on or after completion and no later than completion + `withinMonths` (inclusive, month-end
 * clamped); covering at least `minContractMonths` whole months (open-ended always does); and, when
 * required, with an employer social-insurance contribution in a month from the signing month to
 * the window's last month. A contract signed before completion does not count ("after training").
 * Structured, no text (hot: every employment check); `qualifyingSteps` / `notQualifyingText` word it.
 */
export function matchQualifyingEmployment(completedOn: string, evidence: readonly EmploymentEvidence[], condition: EmploymentCondition): QualifyingMatchResult {
  assertCalendarDate(completedOn, 'completedOn');
  const end = windowEnd(completedOn, condition.withinMonths);
  for (const e of evidence) validateEvidence(e);
  const need: QualifyingNeed = {
    completedOn,
    windowEnd: end,
    withinMonths: condition.withinMonths,
    minContractMonths: condition.minContractMonths,
    requiresSocialInsurance: condition.requiresSocialInsurance,
  };
  const ordered = evidence.length > 1 ? [...evidence].sort(byContract) : evidence;
  const reasons: QualifyingReason[] = [];
  let toMonth: string | null = null;
  for (const e of ordered) {
    const months = contractMonths(e.startsOn, e.endsOn);
    // Signed within the window (the date is valid: validateEvidence).
    if (!(e.signedOn >= completedOn && e.signedOn <= end)) {
      reasons.push(e.employerName ? { code: 'NOT_WITHIN', signedOn: e.signedOn, employer: e.employerName } : { code: 'NOT_WITHIN', signedOn: e.signedOn });
      continue;
    }
    if (months !== null && months < condition.minContractMonths) {
      reasons.push(
        e.employerName
          ? { code: 'TOO_SHORT', signedOn: e.signedOn, employer: e.employerName, contractMonths: months }
          : { code: 'TOO_SHORT', signedOn: e.signedOn, contractMonths: months },
      );
      continue;
    }
    let siMonth: string | null = null;
    if (condition.requiresSocialInsurance) {
      // The earliest contribution month from the signing month to the window's last month.
      const from = monthKeyOf(e.signedOn);
      toMonth ??= monthKeyOf(end);
      for (const m of e.socialInsuranceMonths) if (m >= from && m <= toMonth && (siMonth === null || m < siMonth)) siMonth = m;
      if (siMonth === null) {
        reasons.push(e.employerName ? { code: 'NO_SOCIAL_INSURANCE', signedOn: e.signedOn, employer: e.employerName } : { code: 'NO_SOCIAL_INSURANCE', signedOn: e.signedOn });
        continue;
      }
    }
    return { ok: true, match: { evidence: e, contractMonths: months, windowEnd: end, socialInsuranceMonth: siMonth }, need };
  }
  return { ok: false, windowEnd: end, need, reasons };
}

// The wording of the employment condition: one source for findQualifyingEmployment (claims) and the
// employment checks' evidence, rendered on read (describeEmploymentEvidence).

function employerLabel(employer: string | null | undefined): LocalizedText {
  return employer ? { zh: `与${employer}`, en: ` with ${employer}` } : { zh: '', en: '' };
}

function monthsText(months: number | null): LocalizedText {
  return months === null ? { zh: '无固定期限', en: 'open-ended' } : { zh: `${months}个月`, en: `${months} month(s)` };
}

/** The explanation steps of a qualifying contract (the contract, then the insurance month when required). */
export function qualifyingSteps(need: QualifyingNeed, c: QualifyingContractFacts): ExplanationStep[] {
  const { completedOn, withinMonths, minContractMonths, windowEnd: end } = need;
  const who = employerLabel(c.employer);
  const length = monthsText(c.contractMonths);
  const steps: ExplanationStep[] = [
    {
      zh: `结业${completedOn}后${withinMonths}个月内(至${end}),于${c.signedOn}${who.zh}签订劳动合同(${c.startsOn}至${c.endsOn ?? '无固定期限'},${length.zh}${minContractMonths > 0 ? `,不少于${minContractMonths}个月` : ''})`,
      en: `Within ${withinMonths} months after completion on ${completedOn} (until ${end}), signed a labour contract on ${c.signedOn}${who.en} (${c.startsOn} to ${c.endsOn ?? 'open-ended'}, ${length.en}${minContractMonths > 0 ? `, at least ${minContractMonths}` : ''})`,
    },
  ];
  if (c.socialInsuranceMonth !== null) {
    const month = `${c.socialInsuranceMonth.slice(0, 4)}-${c.socialInsuranceMonth.slice(4)}`;
    steps.push({ zh: `${month}已由用人单位缴纳社会保险`, en: `Social insurance paid by the employer for ${month}` });
  }
  return steps;
}

/** One contract's reason, worded. */
function qualifyingReasonText(need: QualifyingNeed, r: QualifyingReason): LocalizedText {
  const who = employerLabel(r.employer);
  const label = { zh: `${r.signedOn}${who.zh}签订的合同`, en: `the contract signed ${r.signedOn}${who.en}` };
  switch (r.code) {
    case 'NOT_WITHIN':
      return {
        zh: `${label.zh}不在结业后${need.withinMonths}个月内(${need.completedOn}至${need.windowEnd})`,
        en: `${label.en} is not within ${need.withinMonths} months after completion (${need.completedOn} to ${need.windowEnd})`,
      };
    case 'TOO_SHORT':
      return {
        zh: `${label.zh}期限${r.contractMonths}个月,不足${need.minContractMonths}个月`,
        en: `${label.en} covers ${r.contractMonths} month(s), less than ${need.minContractMonths}`,
      };
    case 'NO_SOCIAL_INSURANCE': {
      const from = monthKeyOf(r.signedOn);
      const to = monthKeyOf(need.windowEnd);
      return { zh: `${label.zh}在${from}至${to}期间没有社会保险缴费`, en: `${label.en} has no social-insurance contribution from ${from} to ${to}` };
    }
  }
}

/** Why nothing qualifies: what was needed, then each contract's reason. */
export function notQualifyingText(need: QualifyingNeed, reasons: readonly QualifyingReason[]): LocalizedText {
  const { completedOn, windowEnd: end, withinMonths, minContractMonths, requiresSocialInsurance } = need;
  const needText = {
    zh: `结业后${withinMonths}个月内(${completedOn}至${end})签订${minContractMonths > 0 ? `${minContractMonths}个月及以上` : ''}劳动合同${requiresSocialInsurance ? '并缴纳社会保险' : ''}`,
    en: `a labour contract${minContractMonths > 0 ? ` of ${minContractMonths} months or more` : ''} signed within ${withinMonths} months after completion (${completedOn} to ${end})${requiresSocialInsurance ? ' with social insurance paid' : ''}`,
  };
  const texts = reasons.map((r) => qualifyingReasonText(need, r));
  return {
    zh: `没有${needText.zh}的记录${texts.length ? `:${texts.map((t) => t.zh).join(';')}` : ''}`,
    en: `No record of ${needText.en}${texts.length ? `: ${texts.map((t) => t.en).join('; ')}` : ''}`,
  };
}

/** The qualifying facts of a match, as its wording names them. */
function qualifyingContractFacts(match: EmploymentMatch): QualifyingContractFacts {
  const e = match.evidence;
  return {
    signedOn: e.signedOn,
    startsOn: e.startsOn,
    endsOn: e.endsOn,
    employer: e.employerName || null,
    contractMonths: match.contractMonths,
    socialInsuranceMonth: match.socialInsuranceMonth,
  };
}

/** matchQualifyingEmployment with its explanation: the steps of the match, or the refusal worded. */
export function findQualifyingEmployment(
  completedOn: string,
  evidence: readonly EmploymentEvidence[],
  condition: EmploymentCondition,
): EmploymentCheck {
  const found = matchQualifyingEmployment(completedOn, evidence, condition);
  if (found.ok) return { ok: true, match: found.match, steps: qualifyingSteps(found.need, qualifyingContractFacts(found.match)) };
  const text = notQualifyingText(found.need, found.reasons);
  return { ok: false, windowEnd: found.windowEnd, rule: 'EMPLOYMENT_NOT_CONFIRMED', zh: text.zh, en: text.en };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
