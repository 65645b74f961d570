import { DomainError } from '../shared/errors';
import type { SkillLevel } from '../certificate/skill-level';
import { buildApprenticeshipPrepayment, buildApprenticeshipSettlement } from './apprenticeship-claims';
import {
  basisAs,
  type Built,
  type Candidate,
  type Ctx,
  cmp,
  invalid,
  isRefusal,
  policyAs,
  validateClassBasis,
  wholeNumber,
} from './candidate';
import { buildCertificateKind } from './certificate-claims';
import { assertCalendarDate, claimDeadline, subsidyYearOf } from './dates';
import { missingFact, refuse } from './eligibility';
import {
  BASIS_TYPE_OF_CLAIM,
  type ClaimBasis,
  type ClaimExclusion,
  type ClaimKind,
  type ClaimPerson,
  type ExplanationStep,
  type ExplanationValue,
  type HistoryLine,
  type LineExplanation,
  type LinePart,
  POLICY_KIND_OF_CLAIM,
  type Refusal,
} from './facts';
import { dedupKey, limitKey, OCCUPATION_LEVEL_SCHEME } from './keys';
import {
  checkDuplicate,
  checkExclusions,
  checkHigherLevel,
  checkSameOccupationAndLevel,
  checkYearlyLimit,
  type LimitSubject,
} from './limits';
import { sumFen, yuanEn, yuanZh } from './money';
import { isEffectiveOn, type PolicyRef, type SubsidyPolicy, type SubsidyPolicyOf } from './policy';
import { type CommonRules, type Payee, POLICY_KIND_NAMES, type PolicyKind } from './rules';
import {
  buildClassHour,
  buildEmploymentUplift,
  buildEnterpriseTraining,
  buildOutcome,
  buildTraining,
  classOutcome,
} from './training-claims';

export { outcomeTierFor } from './training-claims';

/**
 * The claim calculator: from a policy version, the claim's basis, each person's facts and their
 * earlier lines, the lines to pay (one per person at most) and the persons excluded with the rule
 * that excluded them. Pure and deterministic: persons are handled in person-id order, nothing
 * reads a clock, and recomputing a claim (its own earlier lines ignored via `claimId`) yields the
 * identical result. Every line explains itself in Chinese and English: policy version, rule,
 * inputs and each step with its amount.
 */

export interface ClaimInput {
  /** A validated policy (validatePolicy), normally the one policyInForce selects for the basis date. */
  policy: SubsidyPolicy;
  kind: ClaimKind;
  basis: ClaimBasis;
  /** One entry per person; for OUTCOME the whole class roster (the employment rate is computed from it). */
  persons: readonly ClaimPerson[];
  /** Every earlier line of these persons, any claim, scheme or region, including rejected ones. */
  history: readonly HistoryLine[];
  /** Date the claim is filed, 'YYYY-MM-DD'. */
  filedOn: string;
  /** The claim being (re)computed: its own lines in `history` are ignored. */
  claimId?: string | null;
}

export interface ClaimLine {
  personId: string;
  scheme: PolicyKind;
  part: LinePart;
  payee: Payee;
  occupationCode: string | null;
  level: SkillLevel | null;
  /** class:<id>, certificate:<number>, batch:<id>, apprenticeship:<id>:year:<n>. */
  basisRef: string;
  basisDate: string;
  subsidyYear: number;
  /** Whole fen; negative for a claw-back. */
  amountFen: number;
  dedupKey: string;
  countsTowardLimit: boolean;
  /** limitKey(person, year) for counted lines, else null. */
  limitKey: string | null;
  /** This line's slot 1…N of the person's year, when the policy limits the yearly count. */
  limitSlot: number | null;
  explanation: LineExplanation;
}

export interface ClaimComputation {
  policy: PolicyRef;
  kind: ClaimKind;
  filedOn: string;
  lines: ClaimLine[];
  excluded: ClaimExclusion[];
  /** Sum of the lines, fen. */
  totalFen: number;
  /** Facts of the claim as a whole (e.g. the class employment rate for OUTCOME). */
  facts: Readonly<Record<string, ExplanationValue>>;
}

function finish(
  policy: SubsidyPolicy,
  person: ClaimPerson,
  c: Candidate,
  filedOn: string,
  history: readonly HistoryLine[],
): ClaimLine | Refusal {
  const rules: CommonRules = policy.rules;
  const name = POLICY_KIND_NAMES[policy.kind];
  const steps: ExplanationStep[] = [
    {
      zh: `依据政策${policy.code}第${policy.version}版(${name.zh},规则${c.rule})`,
      en: `Under policy ${policy.code} version ${policy.version} (${name.en}, rule ${c.rule})`,
    },
    ...c.steps,
  ];
  if (!isEffectiveOn(policy, c.basisDate)) {
    return refuse(
      'POLICY_NOT_IN_FORCE',
      `基准日期${c.basisDate}不在政策${policy.code} v${policy.version}的有效期(${policy.effectiveFrom}至${policy.effectiveTo ?? '长期'})内`,
      `The basis date ${c.basisDate} is outside policy ${policy.code} v${policy.version}'s period (${policy.effectiveFrom} to ${policy.effectiveTo ?? 'open'})`,
    );
  }
  if (c.deadlineFrom !== null) {
    const from = c.deadlineFrom;
    const deadline = claimDeadline(from.date, rules.claimWithinMonths);
    if (filedOn < from.date) {
      return refuse('NOT_YET_CLAIMABLE', `须在${from.zh}${from.date}之后申领`, `Cannot be claimed before ${from.en}, ${from.date}`);
    }
    if (filedOn > deadline) {
      return refuse(
        'CLAIM_DEADLINE_PASSED',
        `申领日期${filedOn}已超过${from.zh}${from.date}起${rules.claimWithinMonths}个月的申领期限(${deadline})`,
        `Filed ${filedOn}, after the ${rules.claimWithinMonths}-month deadline from ${from.en} ${from.date} (${deadline})`,
      );
    }
    steps.push({
      zh: `${filedOn}申领,在${from.zh}${from.date}起${rules.claimWithinMonths}个月内(截至${deadline})`,
      en: `Filed ${filedOn}, within ${rules.claimWithinMonths} months of ${from.en} ${from.date} (deadline ${deadline})`,
    });
  }
  if (c.amountFen === 0) return refuse('ZERO_AMOUNT', '计算金额为0,不生成补贴', 'The computed amount is 0; no line is made');
  const year = subsidyYearOf(c.basisDate);
  const key = dedupKey({
    scheme: c.key.scheme,
    personId: person.personId,
    occupationCode: c.occupationCode,
    level: c.level,
    basis: c.key.basis,
    slot: c.key.slot,
  });
  const subject: LimitSubject = {
    personId: person.personId,
    scheme: policy.kind,
    occupationCode: c.occupationCode,
    level: c.level,
    subsidyYear: year,
    dedupKey: key,
    levelReferenceDate: c.levelReferenceDate,
  };
  // The shared per-level key: name the cross-scheme rule rather than a bare duplicate.
  if (!c.supplementary && c.key.scheme === OCCUPATION_LEVEL_SCHEME) {
    const twice = checkSameOccupationAndLevel(subject, history);
    if (twice) return twice;
  }
  const duplicate = checkDuplicate(subject, history);
  if (duplicate) return duplicate;
  if (!c.supplementary) {
    if (rules.higherLevelBarsLower && c.level !== null) {
      // Without the person's certificates the bar cannot be checked: refuse rather than guess.
      if (person.heldCertificates === undefined) return missingFact('heldCertificates', '已持有的职业技能等级证书');
      const higher = checkHigherLevel(subject, person.heldCertificates, history);
      if (higher) return higher;
    }
    const excluded = checkExclusions(subject, rules.exclusions, history);
    if (excluded) return excluded;
  }
  let slot: number | null = null;
  if (c.countsTowardLimit && rules.maxSubsidiesPerYear !== null) {
    const limit = checkYearlyLimit(subject, rules.maxSubsidiesPerYear, history);
    if (!limit.ok) return { rule: limit.rule, zh: limit.zh, en: limit.en };
    slot = limit.slot;
    steps.push({
      zh: `${year}年度第${limit.ordinal}次补贴(每人每年最多${rules.maxSubsidiesPerYear}次)`,
      en: `Subsidy ${limit.ordinal} of ${year} (at most ${rules.maxSubsidiesPerYear} per person per year)`,
    });
  }
  steps.push({
    zh: `本行${c.amountFen < 0 ? '追回' : '补贴'}${yuanZh(Math.abs(c.amountFen))}`,
    en: `This line ${c.amountFen < 0 ? 'claws back' : 'pays'} ${yuanEn(Math.abs(c.amountFen))}`,
    amountFen: c.amountFen,
  });
  return {
    personId: person.personId,
    scheme: policy.kind,
    part: c.part,
    payee: rules.payee,
    occupationCode: c.occupationCode,
    level: c.level,
    basisRef: c.basisRef,
    basisDate: c.basisDate,
    subsidyYear: year,
    amountFen: c.amountFen,
    dedupKey: key,
    countsTowardLimit: c.countsTowardLimit,
    limitKey: c.countsTowardLimit ? limitKey(person.personId, year) : null,
    limitSlot: slot,
    explanation: {
      policy: { code: policy.code, version: policy.version },
      rule: c.rule,
      inputs: { personId: person.personId, ...c.inputs, filedOn, subsidyYear: year },
      steps,
    },
  };
}

function validatePersons(persons: readonly ClaimPerson[]): ClaimPerson[] {
  const seen = new Set<string>();
  for (const [i, p] of persons.entries()) {
    if (typeof p.personId !== 'string' || p.personId.length === 0) {
      throw invalid('persons', `第${i + 1}名人员缺少personId`, `Person ${i + 1} has no personId`, { row: i + 1 });
    }
    if (seen.has(p.personId)) {
      throw invalid('persons', `人员${p.personId}在同一申领中出现两次`, `Person ${p.personId} appears twice in one claim`, { personId: p.personId });
    }
    seen.add(p.personId);
    if (p.attendanceRateBp !== undefined) wholeNumber(p.attendanceRateBp, 'attendanceRateBp', p.personId, 10_000);
  }
  return [...persons].sort((a, b) => cmp(a.personId, b.personId));
}

/**
 * Compute a claim. Throws VALIDATION for malformed input (policy kind or basis that does not fit
 * the claim kind, bad dates, a person twice) and INELIGIBLE when the policy cannot pay this kind of
 * claim at all (no uplift, no pre-payment, a staff-training kind it does not cover). Persons the
 * rules refuse are listed in `excluded` with the rule and the reason.
 */
export function computeClaim(input: ClaimInput): ClaimComputation {
  const { kind, filedOn } = input;
  const policyKind = POLICY_KIND_OF_CLAIM[kind];
  if (!policyKind) throw invalid('kind', `未知的申领类别:${String(kind)}`, `Unknown claim kind: ${String(kind)}`);
  assertCalendarDate(filedOn, 'filedOn');
  const policy = input.policy;
  policyAs(policy, policyKind);
  const basis = input.basis;
  basisAs(basis, BASIS_TYPE_OF_CLAIM[kind]);
  const persons = validatePersons(input.persons);
  const claimId = input.claimId ?? null;
  const history = claimId === null ? input.history : input.history.filter((h) => h.claimId !== claimId);
  const byPerson = new Map<string, HistoryLine[]>();
  for (const h of history) {
    const list = byPerson.get(h.personId);
    if (list) list.push(h);
    else byPerson.set(h.personId, [h]);
  }

  let build: (person: ClaimPerson, history: readonly HistoryLine[]) => Built;
  let facts: Record<string, ExplanationValue> = {};
  const ctxOf = <K extends PolicyKind>(p: SubsidyPolicyOf<K>, h: readonly HistoryLine[]): Ctx<K> => ({ policy: p, rules: p.rules, filedOn, history: h });

  switch (kind) {
    case 'TRAINING': {
      const p = policyAs(policy, 'TRAINING');
      const b = basisAs(basis, 'CLASS');
      validateClassBasis(b);
      build = (person, h) => buildTraining(ctxOf(p, h), b, person);
      break;
    }
    case 'CLASS_HOUR': {
      const p = policyAs(policy, 'CLASS_HOUR');
      const b = basisAs(basis, 'CLASS');
      validateClassBasis(b);
      build = (person, h) => buildClassHour(ctxOf(p, h), b, person);
      break;
    }
    case 'EMPLOYMENT_UPLIFT': {
      const p = policyAs(policy, 'CLASS_HOUR');
      const b = basisAs(basis, 'CLASS');
      validateClassBasis(b);
      if (p.rules.employmentUplift === null) {
        throw new DomainError(
          'INELIGIBLE',
          { zh: `政策${p.code} v${p.version}没有就业后上浮规定`, en: `Policy ${p.code} v${p.version} has no employment uplift` },
          { field: 'kind' },
        );
      }
      build = (person, h) => buildEmploymentUplift(ctxOf(p, h), b, person);
      break;
    }
    case 'CERTIFICATE':
    case 'ENTERPRISE_SELF_EVALUATION':
    case 'SKILL_UPGRADE': {
      const p = policyAs(policy, kind);
      const b = basisAs(basis, 'CERTIFICATES');
      build = (person, h) => buildCertificateKind(ctxOf<typeof kind>(p, h), person, b.ref);
      break;
    }
    case 'ENTERPRISE_TRAINING': {
      const p = policyAs(policy, 'ENTERPRISE_TRAINING');
      const b = basisAs(basis, 'STAFF_TRAINING_BATCH');
      assertCalendarDate(b.startDate, 'basis.startDate');
      assertCalendarDate(b.completedOn, 'basis.completedOn');
      if (!p.rules.trainingKinds.includes(b.trainingKind)) {
        throw new DomainError(
          'INELIGIBLE',
          {
            zh: `政策${p.code} v${p.version}不补贴${b.trainingKind}类企业职工培训(补贴:${p.rules.trainingKinds.join('、')})`,
            en: `Policy ${p.code} v${p.version} does not subsidise ${b.trainingKind} staff training (it covers ${p.rules.trainingKinds.join(', ')})`,
          },
          { field: 'basis.trainingKind' },
        );
      }
      build = (person, h) => buildEnterpriseTraining(ctxOf(p, h), b, person);
      break;
    }
    case 'APPRENTICESHIP_PREPAYMENT': {
      const p = policyAs(policy, 'APPRENTICESHIP');
      basisAs(basis, 'APPRENTICESHIPS');
      if (p.rules.prepaymentShareBp === 0) {
        throw new DomainError(
          'INELIGIBLE',
          { zh: `政策${p.code} v${p.version}不预付学徒培训补贴`, en: `Policy ${p.code} v${p.version} makes no pre-payment` },
          { field: 'kind' },
        );
      }
      build = (person, h) => buildApprenticeshipPrepayment(ctxOf(p, h), person);
      break;
    }
    case 'APPRENTICESHIP_SETTLEMENT': {
      const p = policyAs(policy, 'APPRENTICESHIP');
      basisAs(basis, 'APPRENTICESHIPS');
      build = (person, h) => buildApprenticeshipSettlement(ctxOf(p, h), person);
      break;
    }
    case 'OUTCOME': {
      const p = policyAs(policy, 'OUTCOME');
      const b = basisAs(basis, 'CLASS');
      validateClassBasis(b);
      const outcome = classOutcome(p.rules, b, persons);
      facts = {
        completedCount: outcome.completed,
        employedCount: outcome.employed,
        classEmploymentRateBp: outcome.rateBp,
        tierMinRateBp: outcome.tier.minRateBp,
        tierShareBp: outcome.tier.shareBp,
        employmentWindowEnd: outcome.windowEnd,
      };
      build = (person, h) => buildOutcome(ctxOf(p, h), b, person, outcome);
      break;
    }
    default:
      throw invalid('kind', `未知的申领类别:${String(kind)}`, `Unknown claim kind: ${String(kind)}`);
  }

  const lines: ClaimLine[] = [];
  const excluded: ClaimExclusion[] = [];
  for (const person of persons) {
    const own = byPerson.get(person.personId) ?? [];
    const built = build(person, own);
    const result = isRefusal(built) ? built : finish(policy, person, built, filedOn, own);
    if ('dedupKey' in result) lines.push(result);
    else excluded.push({ personId: person.personId, rule: result.rule, zh: result.zh, en: result.en });
  }
  return {
    policy: { code: policy.code, version: policy.version },
    kind,
    filedOn,
    lines,
    excluded,
    totalFen: sumFen(lines.map((l) => l.amountFen)),
    facts,
  };
}
