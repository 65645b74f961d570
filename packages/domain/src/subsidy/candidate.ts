import { DomainError } from '../shared/errors';
import { SKILL_LEVEL_INFO, type SkillLevel } from '../certificate/skill-level';
import { assertCalendarDate } from './dates';
import { checkEligibility, missingFact, refuse } from './eligibility';
import type {
  CertificateFacts,
  ClaimBasis,
  ClaimPerson,
  ClassBasis,
  ExplanationStep,
  ExplanationValue,
  HistoryLine,
  LinePart,
  Refusal,
} from './facts';
import { ANY_BASIS, OCCUPATION_LEVEL_SCHEME } from './keys';
import type { SubsidyPolicy, SubsidyPolicyOf } from './policy';
import { type CommonRules, type LevelAmounts, POLICY_KIND_NAMES, type PolicyKind } from './rules';

/**
 * What a claim-kind builder produces for one person before the common checks of the calculator
 * (policy period, deadline, duplicates, cross-scheme limits): a candidate line or a refusal, and
 * the small helpers the builders share.
 */

export type Inputs = Record<string, ExplanationValue>;

export interface Candidate {
  part: LinePart;
  occupationCode: string | null;
  level: SkillLevel | null;
  basisRef: string;
  basisDate: string;
  /** The claim deadline runs from this date; null = no deadline (a claw-back). */
  deadlineFrom: { date: string; zh: string; en: string } | null;
  amountFen: number;
  key: { scheme: string; basis: string; slot: string };
  countsTowardLimit: boolean;
  levelReferenceDate: string;
  /** Rides on an approved line (uplift, balance, claw-back): only the duplicate check applies. */
  supplementary: boolean;
  rule: string;
  inputs: Inputs;
  steps: ExplanationStep[];
}

export type Built = Candidate | Refusal;

export function isRefusal(b: Built): b is Refusal {
  return 'rule' in b && !('part' in b);
}

export interface Ctx<K extends PolicyKind> {
  policy: SubsidyPolicyOf<K>;
  rules: SubsidyPolicyOf<K>['rules'];
  filedOn: string;
  history: readonly HistoryLine[];
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function invalid(field: string, zh: string, en: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError('VALIDATION', { zh, en }, { field, ...details });
}

export function levelName(level: SkillLevel): { zh: string; en: string } {
  const info = SKILL_LEVEL_INFO[level];
  return { zh: `${info.zh}(${level})`, en: `${info.en} (${level})` };
}

export function policyAs<K extends PolicyKind>(policy: SubsidyPolicy, kind: K): SubsidyPolicyOf<K> {
  if (policy.kind !== kind) {
    throw invalid('kind', `该申领需要${POLICY_KIND_NAMES[kind].zh}类政策,所给政策为${policy.kind}`, `This claim needs a ${kind} policy; got ${policy.kind}`);
  }
  return policy as SubsidyPolicyOf<K>;
}

export function basisAs<T extends ClaimBasis['type']>(basis: ClaimBasis, type: T): Extract<ClaimBasis, { type: T }> {
  if (basis.type !== type) throw invalid('basis.type', `申领依据须为${type}`, `The claim basis must be of type ${type}`);
  return basis as Extract<ClaimBasis, { type: T }>;
}

export function wholeNumber(value: number, field: string, personId: string, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw invalid(field, `${field}须为非负整数:${value}`, `${field} must be a non-negative whole number: ${value}`, { personId });
  }
}

export function eligible(rules: CommonRules, person: ClaimPerson): { ok: true; steps: ExplanationStep[] } | Refusal {
  const r = checkEligibility(rules, person);
  if (!r.ok) return { rule: r.rule, zh: r.zh, en: r.en };
  return r;
}

export function perLevelKey(
  kind: PolicyKind,
  once: boolean,
  basisRef: string,
): { scheme: string; basis: string; slot: string } {
  return once ? { scheme: OCCUPATION_LEVEL_SCHEME, basis: ANY_BASIS, slot: 'MAIN' } : { scheme: kind, basis: basisRef, slot: 'MAIN' };
}

export function validateClassBasis(b: ClassBasis): void {
  assertCalendarDate(b.startDate, 'basis.startDate');
  assertCalendarDate(b.completedOn, 'basis.completedOn');
  if (b.completedOn < b.startDate) {
    throw invalid('basis.completedOn', `结业日期${b.completedOn}早于开班日期${b.startDate}`, `Completion ${b.completedOn} is before the start ${b.startDate}`);
  }
  if (!Number.isInteger(b.occupationTier) || b.occupationTier < 1) {
    throw invalid('basis.occupationTier', '职业补贴分档须为正整数', 'The occupation tier must be a positive whole number');
  }
}

export function certificateOf(person: ClaimPerson): CertificateFacts | Refusal {
  const cert = person.certificate;
  if (cert === undefined) return missingFact('certificate', '证书信息');
  if (cert === null) return refuse('NO_CERTIFICATE', '未取得职业技能等级证书', 'No skill-level certificate obtained');
  assertCalendarDate(cert.issuedOn, 'certificate.issuedOn');
  return cert;
}

export function isCert(v: CertificateFacts | Refusal): v is CertificateFacts {
  return !('rule' in v);
}

export function certificateStep(cert: CertificateFacts): ExplanationStep {
  const l = levelName(cert.level);
  return {
    zh: `${cert.issuedOn}取得职业${cert.occupationCode}${l.zh}证书${cert.number}`,
    en: `Obtained certificate ${cert.number}, occupation ${cert.occupationCode}, ${l.en}, on ${cert.issuedOn}`,
  };
}

export function levelAmount(table: LevelAmounts, level: SkillLevel, what: { zh: string; en: string }): number | Refusal {
  const amount = table[level];
  if (amount === undefined) {
    const l = levelName(level);
    return refuse('LEVEL_NOT_SUBSIDISED', `${what.zh}不补贴${l.zh}`, `The ${what.en} does not subsidise ${l.en}`);
  }
  return amount;
}
