import { formatRateBp } from '../training-class/attendance';
import { windowEnd } from './dates';
import { findQualifyingEmployment, missingFact, refuse } from './eligibility';
import type { ClaimBasis, ClaimPerson, ClassBasis, ExplanationStep } from './facts';
import { dedupKey } from './keys';
import { isLive } from './limits';
import { applyBp, formatBp, mulDivHalfUp, yuanEn, yuanZh } from './money';
import type { SubsidyPolicyOf } from './policy';
import type { CommonRules, OutcomeTier } from './rules';
import {
  type Built,
  type Ctx,
  certificateOf,
  certificateStep,
  eligible,
  invalid,
  isCert,
  levelAmount,
  levelName,
  perLevelKey,
  wholeNumber,
} from './candidate';

/**
 * Builders for the claims on a class or staff-training batch: TRAINING (tier × level, capped),
 * CLASS_HOUR (hours attended × rate) and its EMPLOYMENT_UPLIFT, ENTERPRISE_TRAINING (flat per
 * person) and OUTCOME (share of a base by the class employment rate).
 */

export function buildTraining(ctx: Ctx<'TRAINING'>, basis: ClassBasis, person: ClaimPerson): Built {
  const { rules } = ctx;
  const e = eligible(rules, person);
  if (!('ok' in e)) return e;
  const cert = certificateOf(person);
  if (!isCert(cert)) return cert;
  if (cert.occupationCode !== basis.occupationCode) {
    return refuse(
      'CERTIFICATE_OCCUPATION_MISMATCH',
      `证书职业${cert.occupationCode}与培训班职业${basis.occupationCode}不一致`,
      `The certificate's occupation ${cert.occupationCode} is not the class's ${basis.occupationCode}`,
    );
  }
  if (cert.issuedOn < basis.startDate) {
    return refuse(
      'CERTIFICATE_BEFORE_TRAINING',
      `证书发证日期${cert.issuedOn}早于开班日期${basis.startDate},不是本次培训的结果`,
      `The certificate was issued ${cert.issuedOn}, before the class started on ${basis.startDate}`,
    );
  }
  const tier = String(basis.occupationTier);
  const table = rules.amountFenByTierAndLevel[tier];
  if (!table) {
    return refuse('TIER_NOT_SUBSIDISED', `政策未规定第${tier}档职业的补贴标准`, `The policy sets no amounts for occupation tier ${tier}`);
  }
  const standard = levelAmount(table, cert.level, { zh: `第${tier}档`, en: `tier ${tier} table` });
  if (typeof standard !== 'number') return standard;
  const l = levelName(cert.level);
  const steps: ExplanationStep[] = [
    ...e.steps,
    certificateStep(cert),
    {
      zh: `职业${basis.occupationCode}属第${tier}档,${l.zh}补贴标准${yuanZh(standard)}`,
      en: `Occupation ${basis.occupationCode} is tier ${tier}; the ${l.en} amount is ${yuanEn(standard)}`,
      amountFen: standard,
    },
  ];
  let amount = standard;
  if (standard > rules.maxPerPersonFen) {
    amount = rules.maxPerPersonFen;
    steps.push({
      zh: `超过每人最高${yuanZh(rules.maxPerPersonFen)},按最高额计`,
      en: `Above the per-person maximum of ${yuanEn(rules.maxPerPersonFen)}; the maximum is paid`,
      amountFen: amount,
    });
  }
  const basisRef = `class:${basis.classId}`;
  return {
    part: 'MAIN',
    occupationCode: basis.occupationCode,
    level: cert.level,
    basisRef,
    basisDate: basis.startDate,
    deadlineFrom: { date: basis.startDate, zh: '开班日期', en: 'the class start' },
    amountFen: amount,
    key: perLevelKey('TRAINING', rules.sameOccupationAndLevelOnce, basisRef),
    countsTowardLimit: true,
    levelReferenceDate: cert.issuedOn,
    supplementary: false,
    rule: 'TRAINING.TIER_AND_LEVEL',
    inputs: {
      classId: basis.classId,
      occupationCode: basis.occupationCode,
      occupationTier: basis.occupationTier,
      classStartDate: basis.startDate,
      certificateNumber: cert.number,
      certificateLevel: cert.level,
      certificateIssuedOn: cert.issuedOn,
      attendanceRateBp: person.attendanceRateBp ?? null,
      maxPerPersonFen: rules.maxPerPersonFen,
    },
    steps,
  };
}

function classHourBaseKey(person: ClaimPerson, basis: ClassBasis): string {
  return dedupKey({
    scheme: 'CLASS_HOUR',
    personId: person.personId,
    occupationCode: basis.occupationCode,
    level: basis.targetLevel,
    basis: `class:${basis.classId}`,
    slot: 'MAIN',
  });
}

export function buildClassHour(ctx: Ctx<'CLASS_HOUR'>, basis: ClassBasis, person: ClaimPerson): Built {
  const { rules } = ctx;
  const e = eligible(rules, person);
  if (!('ok' in e)) return e;
  const minutes = person.attendedMinutes;
  if (minutes === undefined) return missingFact('attendedMinutes', '出勤分钟数');
  wholeNumber(minutes, 'attendedMinutes', person.personId);
  const tier = String(basis.occupationTier);
  const rate = rules.rateFenPerClassHourByTier[tier];
  if (rate === undefined) {
    return refuse('TIER_NOT_SUBSIDISED', `政策未规定第${tier}档职业的课时补贴标准`, `The policy sets no class-hour rate for occupation tier ${tier}`);
  }
  const perHour = rules.minutesPerClassHour;
  const steps: ExplanationStep[] = [...e.steps];
  let counted = minutes;
  if (rules.maxClassHoursPerPerson !== null && minutes > rules.maxClassHoursPerPerson * perHour) {
    counted = rules.maxClassHoursPerPerson * perHour;
    steps.push({
      zh: `出勤${minutes}分钟,超过每人最多${rules.maxClassHoursPerPerson}课时,按${counted}分钟计`,
      en: `Attended ${minutes} minutes, above the maximum of ${rules.maxClassHoursPerPerson} class hours; ${counted} minutes count`,
    });
  }
  const computed = mulDivHalfUp(rate, counted, perHour);
  steps.push({
    zh: `职业第${tier}档每课时${yuanZh(rate)}:${counted}分钟 ÷ 每课时${perHour}分钟 × ${yuanZh(rate)} = ${yuanZh(computed)}(四舍五入到分)`,
    en: `Tier ${tier} pays ${yuanEn(rate)} per class hour: ${counted} min ÷ ${perHour} min per hour × ${yuanEn(rate)} = ${yuanEn(computed)} (rounded half up to the fen)`,
    amountFen: computed,
  });
  let amount = computed;
  if (rules.maxPerPersonFen !== null && computed > rules.maxPerPersonFen) {
    amount = rules.maxPerPersonFen;
    steps.push({
      zh: `超过每人最高${yuanZh(rules.maxPerPersonFen)},按最高额计`,
      en: `Above the per-person maximum of ${yuanEn(rules.maxPerPersonFen)}; the maximum is paid`,
      amountFen: amount,
    });
  }
  return {
    part: 'MAIN',
    occupationCode: basis.occupationCode,
    level: basis.targetLevel,
    basisRef: `class:${basis.classId}`,
    basisDate: basis.startDate,
    deadlineFrom: { date: basis.startDate, zh: '开班日期', en: 'the class start' },
    amountFen: amount,
    key: { scheme: 'CLASS_HOUR', basis: `class:${basis.classId}`, slot: 'MAIN' },
    countsTowardLimit: true,
    levelReferenceDate: basis.startDate,
    supplementary: false,
    rule: 'CLASS_HOUR.HOURS_ATTENDED',
    inputs: {
      classId: basis.classId,
      occupationCode: basis.occupationCode,
      occupationTier: basis.occupationTier,
      targetLevel: basis.targetLevel,
      classStartDate: basis.startDate,
      attendedMinutes: minutes,
      minutesPerClassHour: perHour,
      rateFenPerClassHour: rate,
      attendanceRateBp: person.attendanceRateBp ?? null,
    },
    steps,
  };
}

export function buildEmploymentUplift(ctx: Ctx<'CLASS_HOUR'>, basis: ClassBasis, person: ClaimPerson): Built {
  const uplift = ctx.rules.employmentUplift;
  if (uplift === null) throw new Error('unreachable: uplift checked before the persons');
  const baseKey = classHourBaseKey(person, basis);
  const base = ctx.history.find((h) => h.personId === person.personId && isLive(h) && h.dedupKey === baseKey);
  if (!base) {
    return refuse('BASE_NOT_APPROVED', '本班没有该学员的课时基准补贴记录,不能申领上浮部分', 'No class-hour base line for this person in this class; the uplift cannot be claimed');
  }
  if (base.status === 'PENDING') {
    return refuse('BASE_NOT_APPROVED', '课时基准补贴尚未核准,核准后方可申领上浮部分', 'The class-hour base line is not approved yet; the uplift follows its approval');
  }
  if (base.policy && (base.policy.code !== ctx.policy.code || base.policy.version !== ctx.policy.version)) {
    return refuse(
      'BASE_UNDER_OTHER_POLICY',
      `基准补贴按政策${base.policy.code} v${base.policy.version}核定,与本次所用${ctx.policy.code} v${ctx.policy.version}不一致`,
      `The base line was decided under ${base.policy.code} v${base.policy.version}, not ${ctx.policy.code} v${ctx.policy.version}`,
    );
  }
  if (person.employment === undefined) return missingFact('employment', '就业(劳动合同和社保)记录');
  const found = findQualifyingEmployment(basis.completedOn, person.employment, uplift);
  if (!found.ok) return { rule: found.rule, zh: found.zh, en: found.en };
  const amount = applyBp(base.amountFen, uplift.upliftBp);
  const evidence = found.match.evidence;
  return {
    part: 'EMPLOYMENT_UPLIFT',
    occupationCode: basis.occupationCode,
    level: basis.targetLevel,
    basisRef: `class:${basis.classId}`,
    basisDate: basis.startDate,
    deadlineFrom: { date: evidence.signedOn, zh: '劳动合同签订日期', en: 'the contract signing date' },
    amountFen: amount,
    key: { scheme: 'CLASS_HOUR', basis: `class:${basis.classId}`, slot: 'EMPLOYMENT_UPLIFT' },
    countsTowardLimit: false,
    levelReferenceDate: basis.startDate,
    supplementary: true,
    rule: 'CLASS_HOUR.EMPLOYMENT_UPLIFT',
    inputs: {
      classId: basis.classId,
      classStartDate: basis.startDate,
      completedOn: basis.completedOn,
      baseDedupKey: baseKey,
      baseAmountFen: base.amountFen,
      baseStatus: base.status,
      upliftBp: uplift.upliftBp,
      contractSignedOn: evidence.signedOn,
      contractStartsOn: evidence.startsOn,
      contractEndsOn: evidence.endsOn,
      contractMonths: found.match.contractMonths,
      socialInsuranceMonth: found.match.socialInsuranceMonth,
      employmentWindowEnd: found.match.windowEnd,
    },
    steps: [
      {
        zh: `已核准的课时基准补贴${yuanZh(base.amountFen)}`,
        en: `Approved class-hour base subsidy ${yuanEn(base.amountFen)}`,
        amountFen: base.amountFen,
      },
      ...found.steps,
      {
        zh: `就业后上浮${formatBp(uplift.upliftBp)}:${yuanZh(base.amountFen)} × ${formatBp(uplift.upliftBp)} = ${yuanZh(amount)}(四舍五入到分,作为补充行发放)`,
        en: `Employment uplift ${formatBp(uplift.upliftBp)}: ${yuanEn(base.amountFen)} × ${formatBp(uplift.upliftBp)} = ${yuanEn(amount)} (rounded half up to the fen, paid as a supplementary line)`,
        amountFen: amount,
      },
    ],
  };
}

/** CERTIFICATE, ENTERPRISE_SELF_EVALUATION and SKILL_UPGRADE: a level table applied to the person's certificate. */
export function buildEnterpriseTraining(
  ctx: Ctx<'ENTERPRISE_TRAINING'>,
  basis: Extract<ClaimBasis, { type: 'STAFF_TRAINING_BATCH' }>,
  person: ClaimPerson,
): Built {
  const { rules } = ctx;
  const e = eligible(rules, person);
  if (!('ok' in e)) return e;
  const amount = rules.amountPerPersonFen;
  return {
    part: 'MAIN',
    occupationCode: basis.occupationCode,
    level: null,
    basisRef: `batch:${basis.batchId}`,
    basisDate: basis.startDate,
    deadlineFrom: { date: basis.startDate, zh: '培训开始日期', en: 'the training start' },
    amountFen: amount,
    key: { scheme: 'ENTERPRISE_TRAINING', basis: `batch:${basis.batchId}`, slot: 'MAIN' },
    countsTowardLimit: true,
    levelReferenceDate: basis.startDate,
    supplementary: false,
    rule: 'ENTERPRISE_TRAINING.PER_PERSON',
    inputs: {
      batchId: basis.batchId,
      trainingKind: basis.trainingKind,
      startDate: basis.startDate,
      completedOn: basis.completedOn,
      attendanceRateBp: person.attendanceRateBp ?? null,
    },
    steps: [
      ...e.steps,
      {
        zh: `企业职工培训(${basis.trainingKind})按每人${yuanZh(amount)}补贴企业`,
        en: `Enterprise staff training (${basis.trainingKind}) pays the enterprise ${yuanEn(amount)} per person`,
        amountFen: amount,
      },
    ],
  };
}

export interface ClassOutcome {
  completed: number;
  employed: number;
  rateBp: number;
  tier: OutcomeTier;
  windowEnd: string;
}

function completedTraining(rules: CommonRules, person: ClaimPerson): boolean {
  if (rules.minAttendanceRateBp !== null) {
    if (person.attendanceRateBp === undefined) {
      throw invalid('attendanceRateBp', '计算班级就业率需要每名学员的出勤率', 'The class employment rate needs every trainee’s attendance rate', { personId: person.personId });
    }
    if (person.attendanceRateBp < rules.minAttendanceRateBp) return false;
  }
  if (rules.requiresPassedAssessment) {
    if (person.passedAssessment === undefined) {
      throw invalid('passedAssessment', '计算班级就业率需要每名学员的考核结果', 'The class employment rate needs every trainee’s assessment result', { personId: person.personId });
    }
    if (!person.passedAssessment) return false;
  }
  return true;
}

/** The class employment rate over the trainees who completed (attendance and assessment as the policy requires), rounded down. */
/** The tier of a class employment rate: the highest tier whose minimum the rate reaches. */
export function outcomeTierFor(tiers: readonly OutcomeTier[], rateBp: number): OutcomeTier {
  let found: OutcomeTier = { minRateBp: 0, shareBp: 0 };
  for (const t of tiers) if (t.minRateBp <= rateBp && t.minRateBp >= found.minRateBp) found = t;
  return found;
}

export function classOutcome(rules: SubsidyPolicyOf<'OUTCOME'>['rules'], basis: ClassBasis, persons: readonly ClaimPerson[]): ClassOutcome {
  let completed = 0;
  let employed = 0;
  for (const p of persons) {
    if (!completedTraining(rules, p)) continue;
    completed += 1;
    if (findQualifyingEmployment(basis.completedOn, p.employment ?? [], rules.employment).ok) employed += 1;
  }
  const rateBp = completed === 0 ? 0 : Math.floor((employed * 10_000) / completed);
  const tier = outcomeTierFor(rules.tiers, rateBp);
  return { completed, employed, rateBp, tier, windowEnd: windowEnd(basis.completedOn, rules.employment.withinMonths) };
}

export function buildOutcome(ctx: Ctx<'OUTCOME'>, basis: ClassBasis, person: ClaimPerson, outcome: ClassOutcome): Built {
  const { rules } = ctx;
  const e = eligible(rules, person);
  if (!('ok' in e)) return e;
  const rate = formatRateBp(outcome.rateBp);
  const rateStep: ExplanationStep = {
    zh: `本班结业${outcome.completed}人,结业后${rules.employment.withinMonths}个月内(至${outcome.windowEnd})就业${outcome.employed}人,就业率${rate}`,
    en: `${outcome.completed} completed; ${outcome.employed} employed within ${rules.employment.withinMonths} months after completion (until ${outcome.windowEnd}): employment rate ${rate}`,
  };
  if (outcome.tier.shareBp === 0) {
    return refuse('OUTCOME_TIER_ZERO', `${rateStep.zh},该档不予补贴`, `${rateStep.en}; this tier pays nothing`);
  }
  const amount = applyBp(rules.basePerPersonFen, outcome.tier.shareBp);
  return {
    part: 'MAIN',
    occupationCode: basis.occupationCode,
    level: basis.targetLevel,
    basisRef: `class:${basis.classId}`,
    basisDate: basis.startDate,
    deadlineFrom: { date: outcome.windowEnd, zh: '就业统计期结束日', en: 'the end of the employment window' },
    amountFen: amount,
    key: { scheme: 'OUTCOME', basis: `class:${basis.classId}`, slot: 'MAIN' },
    countsTowardLimit: true,
    levelReferenceDate: basis.startDate,
    supplementary: false,
    rule: 'OUTCOME.EMPLOYMENT_RATE_TIER',
    inputs: {
      classId: basis.classId,
      classStartDate: basis.startDate,
      completedOn: basis.completedOn,
      completedCount: outcome.completed,
      employedCount: outcome.employed,
      classEmploymentRateBp: outcome.rateBp,
      tierMinRateBp: outcome.tier.minRateBp,
      tierShareBp: outcome.tier.shareBp,
      basePerPersonFen: rules.basePerPersonFen,
    },
    steps: [
      ...e.steps,
      rateStep,
      {
        zh: `就业率达到${formatRateBp(outcome.tier.minRateBp)}档,按基数的${formatBp(outcome.tier.shareBp)}拨付:${yuanZh(rules.basePerPersonFen)} × ${formatBp(outcome.tier.shareBp)} = ${yuanZh(amount)}`,
        en: `The ${formatRateBp(outcome.tier.minRateBp)} tier pays ${formatBp(outcome.tier.shareBp)} of the base: ${yuanEn(rules.basePerPersonFen)} × ${formatBp(outcome.tier.shareBp)} = ${yuanEn(amount)}`,
        amountFen: amount,
      },
    ],
  };
}
