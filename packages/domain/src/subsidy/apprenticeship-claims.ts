import { assertCalendarDate } from './dates';
import { missingFact, refuse } from './eligibility';
import type { ApprenticeshipFacts, ClaimPerson, ExplanationStep, Refusal } from './facts';
import { dedupKey } from './keys';
import { isLive } from './limits';
import { applyBp, formatBp, yuanEn, yuanZh } from './money';
import { POLICY_KIND_NAMES } from './rules';
import { type Built, type Candidate, type Ctx, eligible, type Inputs, invalid, levelAmount, levelName } from './candidate';

/**
 * Builders for apprenticeship claims: a pre-payment (≤ 50%) at the start of a year, and the
 * settlement at its end — the balance, the full amount when nothing was pre-paid, or a claw-back
 * of the pre-payment when the apprenticeship was not completed.
 */

function apprenticeshipOf(person: ClaimPerson, maxYears: number): ApprenticeshipFacts | Refusal {
  const a = person.apprenticeship;
  if (a === undefined) return missingFact('apprenticeship', '学徒培训信息');
  assertCalendarDate(a.yearStartsOn, 'apprenticeship.yearStartsOn');
  assertCalendarDate(a.yearEndsOn, 'apprenticeship.yearEndsOn');
  if (a.endedOn !== null) assertCalendarDate(a.endedOn, 'apprenticeship.endedOn');
  if (!Number.isInteger(a.yearIndex) || a.yearIndex < 1) {
    throw invalid('apprenticeship.yearIndex', '学徒年度序号须为正整数', 'The apprenticeship year index must be a positive whole number', { personId: person.personId });
  }
  if (a.yearIndex > maxYears) {
    return refuse(
      'APPRENTICESHIP_YEAR_NOT_COVERED',
      `学徒培训第${a.yearIndex}年超出政策补贴的${maxYears}年`,
      `Apprenticeship year ${a.yearIndex} is beyond the ${maxYears} year(s) the policy subsidises`,
    );
  }
  return a;
}

function isApprenticeship(v: ApprenticeshipFacts | Refusal): v is ApprenticeshipFacts {
  return !('rule' in v);
}

function apprenticeshipBasisRef(a: ApprenticeshipFacts): string {
  return `apprenticeship:${a.apprenticeshipId}:year:${a.yearIndex}`;
}

function apprenticeshipInputs(a: ApprenticeshipFacts, full: number): Inputs {
  return {
    apprenticeshipId: a.apprenticeshipId,
    occupationCode: a.occupationCode,
    targetLevel: a.targetLevel,
    yearIndex: a.yearIndex,
    yearStartsOn: a.yearStartsOn,
    yearEndsOn: a.yearEndsOn,
    status: a.status,
    endedOn: a.endedOn,
    amountPerYearFen: full,
  };
}

function apprenticeshipCandidate(
  a: ApprenticeshipFacts,
  fields: Pick<Candidate, 'part' | 'amountFen' | 'countsTowardLimit' | 'supplementary' | 'deadlineFrom' | 'rule' | 'inputs' | 'steps'> & {
    slot: 'GRANT' | 'SETTLEMENT';
  },
): Candidate {
  const basisRef = apprenticeshipBasisRef(a);
  const { slot, ...rest } = fields;
  return {
    ...rest,
    occupationCode: a.occupationCode,
    level: a.targetLevel,
    basisRef,
    basisDate: a.yearStartsOn,
    key: { scheme: 'APPRENTICESHIP', basis: basisRef, slot },
    levelReferenceDate: a.yearStartsOn,
  };
}

function fullYearStep(a: ApprenticeshipFacts, full: number): ExplanationStep {
  const l = levelName(a.targetLevel);
  return {
    zh: `学徒培训第${a.yearIndex}年(${a.yearStartsOn}至${a.yearEndsOn}),目标等级${l.zh},每人每年${yuanZh(full)}`,
    en: `Apprenticeship year ${a.yearIndex} (${a.yearStartsOn} to ${a.yearEndsOn}), target ${l.en}: ${yuanEn(full)} per apprentice per year`,
    amountFen: full,
  };
}

export function buildApprenticeshipPrepayment(ctx: Ctx<'APPRENTICESHIP'>, person: ClaimPerson): Built {
  const { rules } = ctx;
  const a = apprenticeshipOf(person, rules.maxYears);
  if (!isApprenticeship(a)) return a;
  if (a.status === 'TERMINATED') {
    return refuse('NOT_COMPLETED', `学徒培训已于${a.endedOn ?? '?'}终止,不予预付`, `The apprenticeship ended on ${a.endedOn ?? '?'}; nothing is pre-paid`);
  }
  const e = eligible(rules, person);
  if (!('ok' in e)) return e;
  const full = levelAmount(rules.amountFenPerYearByLevel, a.targetLevel, POLICY_KIND_NAMES.APPRENTICESHIP);
  if (typeof full !== 'number') return full;
  const amount = applyBp(full, rules.prepaymentShareBp);
  return apprenticeshipCandidate(a, {
    slot: 'GRANT',
    part: 'PREPAYMENT',
    amountFen: amount,
    countsTowardLimit: true,
    supplementary: false,
    deadlineFrom: { date: a.yearStartsOn, zh: '学徒年度开始日期', en: 'the start of the apprenticeship year' },
    rule: 'APPRENTICESHIP.PREPAYMENT',
    inputs: { ...apprenticeshipInputs(a, full), prepaymentShareBp: rules.prepaymentShareBp },
    steps: [
      ...e.steps,
      fullYearStep(a, full),
      {
        zh: `预付${formatBp(rules.prepaymentShareBp)}:${yuanZh(full)} × ${formatBp(rules.prepaymentShareBp)} = ${yuanZh(amount)}(未完成学徒培训的将追回)`,
        en: `Pre-payment ${formatBp(rules.prepaymentShareBp)}: ${yuanEn(full)} × ${formatBp(rules.prepaymentShareBp)} = ${yuanEn(amount)} (clawed back if the apprenticeship is not completed)`,
        amountFen: amount,
      },
    ],
  });
}

export function buildApprenticeshipSettlement(ctx: Ctx<'APPRENTICESHIP'>, person: ClaimPerson): Built {
  const { rules } = ctx;
  const a = apprenticeshipOf(person, rules.maxYears);
  if (!isApprenticeship(a)) return a;
  if (a.status === 'IN_PROGRESS') {
    return refuse('APPRENTICESHIP_NOT_ENDED', `学徒培训第${a.yearIndex}年尚未结束`, `Apprenticeship year ${a.yearIndex} has not ended`);
  }
  const grantKey = dedupKey({
    scheme: 'APPRENTICESHIP',
    personId: person.personId,
    occupationCode: a.occupationCode,
    level: a.targetLevel,
    basis: apprenticeshipBasisRef(a),
    slot: 'GRANT',
  });
  const grant = ctx.history.find((h) => h.personId === person.personId && isLive(h) && h.dedupKey === grantKey) ?? null;
  if (grant?.status === 'PENDING') {
    return refuse('PREPAYMENT_NOT_APPROVED', '本年度预付款尚未核准,核准后再结算', "This year's pre-payment is not approved yet; settle after its approval");
  }
  const full = levelAmount(rules.amountFenPerYearByLevel, a.targetLevel, POLICY_KIND_NAMES.APPRENTICESHIP);
  if (typeof full !== 'number') return full;
  const inputs = { ...apprenticeshipInputs(a, full), prepaidFen: grant?.amountFen ?? 0, grantDedupKey: grantKey };
  if (a.status === 'TERMINATED') {
    if (grant === null || grant.part !== 'PREPAYMENT' || grant.amountFen <= 0) {
      return refuse('NOT_COMPLETED', `学徒培训未完成(${a.endedOn ?? '?'}终止),不予补贴`, `The apprenticeship was not completed (ended ${a.endedOn ?? '?'}); no subsidy`);
    }
    const amount = -grant.amountFen;
    return apprenticeshipCandidate(a, {
      slot: 'SETTLEMENT',
      part: 'CLAWBACK',
      amountFen: amount,
      countsTowardLimit: false,
      supplementary: true,
      deadlineFrom: null,
      rule: 'APPRENTICESHIP.CLAWBACK',
      inputs,
      steps: [
        fullYearStep(a, full),
        { zh: `已预付${yuanZh(grant.amountFen)}`, en: `Pre-paid ${yuanEn(grant.amountFen)}`, amountFen: grant.amountFen },
        {
          zh: `学徒培训于${a.endedOn ?? '?'}终止,未完成,追回预付款${yuanZh(grant.amountFen)}`,
          en: `The apprenticeship ended on ${a.endedOn ?? '?'} without completion; the pre-payment of ${yuanEn(grant.amountFen)} is clawed back`,
          amountFen: amount,
        },
      ],
    });
  }
  const endDate = { date: a.yearEndsOn, zh: '学徒年度结束日期', en: 'the end of the apprenticeship year' };
  if (grant !== null) {
    if (grant.part !== 'PREPAYMENT') {
      return refuse('ALREADY_CLAIMED', '本学徒年度补贴已全额申领', "This apprenticeship year's subsidy has been claimed in full");
    }
    const balance = full - grant.amountFen;
    if (balance <= 0) return refuse('NOTHING_TO_SETTLE', '预付款已达全年补贴额,无需结算', 'The pre-payment already equals the yearly amount; nothing to settle');
    return apprenticeshipCandidate(a, {
      slot: 'SETTLEMENT',
      part: 'BALANCE',
      amountFen: balance,
      countsTowardLimit: false,
      supplementary: true,
      deadlineFrom: endDate,
      rule: 'APPRENTICESHIP.BALANCE',
      inputs,
      steps: [
        fullYearStep(a, full),
        { zh: `已预付${yuanZh(grant.amountFen)}`, en: `Pre-paid ${yuanEn(grant.amountFen)}`, amountFen: grant.amountFen },
        {
          zh: `学徒年度已完成,结算余额:${yuanZh(full)} − ${yuanZh(grant.amountFen)} = ${yuanZh(balance)}`,
          en: `The year is completed; balance ${yuanEn(full)} − ${yuanEn(grant.amountFen)} = ${yuanEn(balance)}`,
          amountFen: balance,
        },
      ],
    });
  }
  const e = eligible(rules, person);
  if (!('ok' in e)) return e;
  return apprenticeshipCandidate(a, {
    slot: 'GRANT',
    part: 'MAIN',
    amountFen: full,
    countsTowardLimit: true,
    supplementary: false,
    deadlineFrom: endDate,
    rule: 'APPRENTICESHIP.FULL',
    inputs,
    steps: [
      ...e.steps,
      fullYearStep(a, full),
      { zh: `学徒年度已完成,未预付,全额${yuanZh(full)}`, en: `The year is completed with no pre-payment; the full ${yuanEn(full)} is paid`, amountFen: full },
    ],
  });
}
