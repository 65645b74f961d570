import { DomainError, type LocalizedText } from '../shared/errors';
import type { RegionLevel } from '../identifiers/region-code';
import { PRIORITY_GROUPS, type PriorityGroup } from '../person/person';
import { SKILL_LEVELS, type SkillLevel, skillLevelRank } from '../certificate/skill-level';
import type { AgeRange } from '../training-class/policy';
import {
  CLAIM_REVIEW_RULE_KEYS,
  type ClaimActionLevels,
  type ClaimReviewRuleKey,
  DEFAULT_CLAIM_ACTION_LEVELS,
  REGION_LEVELS,
  regionLevelRank,
} from './claim-workflow';
import { BP_SCALE } from './money';

/**
 * The rules of a subsidy policy (SubsidyPolicy.rules) as data, one shape per policy kind, and a
 * validator per kind that turns the stored JSON into typed rules or throws VALIDATION naming the
 * field (`details.field`, e.g. "rules.amountFenByTierAndLevel.1.LEVEL_5").
 *
 * Every field is required (nullable where "none" makes sense): a published policy must mean the
 * same thing forever, so nothing is filled in from defaults in code. The one exception is `review`
 * (who reviews, approves, closes the notice and pays): policies published before it existed cannot
 * be edited, so a missing key reads as DEFAULT_CLAIM_ACTION_LEVELS. Unknown fields are rejected,
 * so a misspelt cap cannot be silently ignored. Amounts are whole fen, shares whole basis points.
 * The only free-text field is `assumptions` (where the figures are demo assumptions, say so).
 */

export const POLICY_KINDS = [
  'TRAINING',
  'CLASS_HOUR',
  'CERTIFICATE',
  'ENTERPRISE_TRAINING',
  'ENTERPRISE_SELF_EVALUATION',
  'SKILL_UPGRADE',
  'APPRENTICESHIP',
  'OUTCOME',
] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

export function isPolicyKind(value: string): value is PolicyKind {
  return (POLICY_KINDS as readonly string[]).includes(value);
}

export const POLICY_KIND_NAMES: Readonly<Record<PolicyKind, LocalizedText>> = {
  TRAINING: { zh: '职业培训补贴(按职业分档和等级)', en: 'training subsidy by occupation tier and level' },
  CLASS_HOUR: { zh: '课时基准补贴', en: 'class-hour base subsidy' },
  CERTIFICATE: { zh: '职业院校毕业生取证补贴', en: 'vocational-college certificate subsidy' },
  ENTERPRISE_TRAINING: { zh: '企业职工培训补贴', en: 'enterprise staff training subsidy' },
  ENTERPRISE_SELF_EVALUATION: { zh: '企业自主培训评价补贴', en: 'enterprise self-evaluation subsidy' },
  SKILL_UPGRADE: { zh: '失业保险技能提升补贴', en: 'unemployment-insurance skill-upgrade subsidy' },
  APPRENTICESHIP: { zh: '企业新型学徒制培训补贴', en: 'new-type apprenticeship subsidy' },
  OUTCOME: { zh: '培训就业成效补贴', en: 'training outcome subsidy' },
};

/** Kinds that pay for a skill level obtained: "same occupation and level once" applies across them. */
export const PER_LEVEL_KINDS: readonly PolicyKind[] = ['TRAINING', 'CERTIFICATE', 'ENTERPRISE_SELF_EVALUATION', 'SKILL_UPGRADE'];

export function paysPerLevel(kind: PolicyKind): boolean {
  return PER_LEVEL_KINDS.includes(kind);
}

/** Who receives the money. Whoever it is, the line counts toward the trainee's yearly limit. */
export const PAYEES = ['TRAINING_INSTITUTION', 'VOCATIONAL_COLLEGE', 'ENTERPRISE', 'PERSON'] as const;
export type Payee = (typeof PAYEES)[number];

export const ALLOWED_PAYEES: Readonly<Record<PolicyKind, readonly Payee[]>> = {
  TRAINING: ['TRAINING_INSTITUTION', 'VOCATIONAL_COLLEGE', 'PERSON'],
  CLASS_HOUR: ['TRAINING_INSTITUTION', 'VOCATIONAL_COLLEGE', 'PERSON'],
  CERTIFICATE: ['VOCATIONAL_COLLEGE'],
  ENTERPRISE_TRAINING: ['ENTERPRISE'],
  ENTERPRISE_SELF_EVALUATION: ['ENTERPRISE'],
  SKILL_UPGRADE: ['PERSON'],
  APPRENTICESHIP: ['ENTERPRISE', 'TRAINING_INSTITUTION'],
  OUTCOME: ['TRAINING_INSTITUTION', 'VOCATIONAL_COLLEGE', 'PERSON'],
};

/** 岗前培训, 安全技能培训, 转岗转业培训 (Linfen item 6). */
export const ENTERPRISE_TRAINING_KINDS = ['PRE_JOB', 'SAFETY_SKILLS', 'JOB_TRANSFER'] as const;
export type EnterpriseTrainingKind = (typeof ENTERPRISE_TRAINING_KINDS)[number];

/**
 * Scope of a named mutual exclusion: a line is refused when the person already has a live line of
 * the named scheme for the same occupation and level, in the same subsidy year, or ever.
 */
export const EXCLUSION_SCOPES = ['SAME_OCCUPATION_AND_LEVEL', 'SAME_YEAR', 'EVER'] as const;
export type ExclusionScope = (typeof EXCLUSION_SCOPES)[number];

/** No single amount in a policy may exceed 1,000,000 yuan: a guard against unit slips, and keeps products exact. */
export const MAX_AMOUNT_FEN = 100_000_000;
export const MAX_CLAIM_WITHIN_MONTHS = 60;
/** 企业新型学徒制 lasts 1–2 years; a policy may subsidise at most 3. */
export const MAX_APPRENTICESHIP_YEARS = 3;
/** Pre-payment is at most 50% of the yearly amount. */
export const MAX_PREPAYMENT_SHARE_BP = 5_000;

export interface WorkingAgeRule {
  MALE: AgeRange;
  FEMALE: AgeRange;
}

export interface SchemeExclusion {
  scheme: PolicyKind;
  scope: ExclusionScope;
}

/** Employment evidence required after completion: a contract signed within `withinMonths`. */
export interface EmploymentCondition {
  withinMonths: number;
  /** Whole months the contract must cover (12 = "1 year or more"); 0 = any length. */
  minContractMonths: number;
  /** A social-insurance contribution by the employer between the signing month and the window's last month. */
  requiresSocialInsurance: boolean;
}

export interface EmploymentUplift extends EmploymentCondition {
  /** Uplift of the approved base line, basis points (5000 = +50%). */
  upliftBp: number;
}

export interface OutcomeTier {
  /** This tier applies from this class employment rate upward, bp. */
  minRateBp: number;
  /** Share of the base paid, bp. */
  shareBp: number;
}

export type LevelAmounts = Readonly<Partial<Record<SkillLevel, number>>>;

/** Fields every kind carries: eligibility fixed at training time, the claim deadline and cross-scheme limits. */
export interface CommonRules {
  payee: Payee;
  /** Minimum attendance rate, bp (8000 = 80%); null = not checked. */
  minAttendanceRateBp: number | null;
  requiresPassedAssessment: boolean;
  /** At least one of these priority groups at enrollment; null = anyone. */
  priorityGroups: readonly PriorityGroup[] | null;
  /** Age at the start of training (or on the basis date), inclusive, by sex; null = not checked. */
  workingAge: WorkingAgeRule | null;
  /** A claim must be filed within this many months of its basis date. */
  claimWithinMonths: number;
  /** Subsidies a person may receive per calendar year across all schemes, whoever is paid; null = no limit. */
  maxSubsidiesPerYear: number | null;
  /** A higher level of the same occupation already held or subsidised bars this line's level. */
  higherLevelBarsLower: boolean;
  exclusions: readonly SchemeExclusion[];
  /**
   * Bureau levels allowed at each step of the claim review, from the optional `rules.review`
   * (see readReviewLevels); DEFAULT_CLAIM_ACTION_LEVELS (county review, city approval) when absent.
   */
  review: ClaimActionLevels;
  assumptions: string | null;
}

/** Per-level kinds also say whether the same occupation and level is paid once across schemes. */
export interface PerLevelRules extends CommonRules {
  sameOccupationAndLevelOnce: boolean;
}

/** TRAINING: per person, by occupation subsidy tier × level obtained, capped (Linfen: up to 4,000 yuan). */
export interface TrainingSubsidyRules extends PerLevelRules {
  /** Keys are Occupation.subsidyTier ("1", "2", …), then levels. */
  amountFenByTierAndLevel: Readonly<Record<string, LevelAmounts>>;
  maxPerPersonFen: number;
}

/** CLASS_HOUR: fen per class hour attended, by tier; optional employment uplift paid as a supplementary line (Bayannur). */
export interface ClassHourRules extends CommonRules {
  rateFenPerClassHourByTier: Readonly<Record<string, number>>;
  minutesPerClassHour: number;
  maxClassHoursPerPerson: number | null;
  maxPerPersonFen: number | null;
  employmentUplift: EmploymentUplift | null;
}

/** CERTIFICATE: per certificate obtained, to the vocational college (Linfen: LEVEL_4 600, LEVEL_3 800 yuan). */
export interface CertificateSubsidyRules extends PerLevelRules {
  amountFenByLevel: LevelAmounts;
  graduatingStudentsOnly: boolean;
}

/** ENTERPRISE_TRAINING: flat per person to the enterprise (Linfen: 300 yuan). */
export interface EnterpriseTrainingRules extends CommonRules {
  amountPerPersonFen: number;
  trainingKinds: readonly EnterpriseTrainingKind[];
}

/** ENTERPRISE_SELF_EVALUATION: per certificate the enterprise issued itself (evaluator type Y), to the enterprise (Zaozhuang). */
export interface SelfEvaluationRules extends PerLevelRules {
  amountFenByLevel: LevelAmounts;
}

/** SKILL_UPGRADE: unemployment insurance pays the insured worker per level (1,000 / 1,500 / 2,000 yuan). */
export interface SkillUpgradeRules extends PerLevelRules {
  amountFenByLevel: LevelAmounts;
  /** Months of unemployment-insurance contributions required; null = not checked. */
  minInsuredMonths: number | null;
}

/** APPRENTICESHIP: per apprentice per year by target level; up to 50% pre-paid, clawed back if not completed. */
export interface ApprenticeshipRules extends CommonRules {
  amountFenPerYearByLevel: LevelAmounts;
  prepaymentShareBp: number;
  maxYears: number;
}

/** OUTCOME: a share of a base amount per completed trainee, by the class employment rate (Shaanxi tiers). */
export interface OutcomeRules extends CommonRules {
  basePerPersonFen: number;
  /** Ascending by minRateBp, the first at 0. */
  tiers: readonly OutcomeTier[];
  employment: EmploymentCondition;
}

export interface RulesByKind {
  TRAINING: TrainingSubsidyRules;
  CLASS_HOUR: ClassHourRules;
  CERTIFICATE: CertificateSubsidyRules;
  ENTERPRISE_TRAINING: EnterpriseTrainingRules;
  ENTERPRISE_SELF_EVALUATION: SelfEvaluationRules;
  SKILL_UPGRADE: SkillUpgradeRules;
  APPRENTICESHIP: ApprenticeshipRules;
  OUTCOME: OutcomeRules;
}

export type PolicyRules = RulesByKind[PolicyKind];

/** A starting point for new drafts (the national practice in docs/domain.md); copied into the data, never read at run time. */
export const DEFAULT_LIMITS = {
  claimWithinMonths: 12,
  maxSubsidiesPerYear: 3,
  higherLevelBarsLower: true,
  exclusions: [],
} as const;

// ───────────────────────────── reading JSON ─────────────────────────────

type Raw = Record<string, unknown>;

function invalid(field: string, zh: string, en: string): DomainError {
  return new DomainError('VALIDATION', { zh: `政策规则字段${field}${zh}`, en: `Policy rule field ${field} ${en}` }, { field });
}

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readObject(value: unknown, field: string): Raw {
  if (!isObject(value)) throw invalid(field, '须为对象', 'must be an object');
  return value;
}

/** Reads the fields of one object and rejects any it was not asked for. */
class Fields {
  private readonly seen = new Set<string>();
  constructor(
    private readonly raw: Raw,
    readonly path: string,
  ) {}

  at(key: string): string {
    return `${this.path}.${key}`;
  }

  required(key: string): unknown {
    this.seen.add(key);
    if (!Object.hasOwn(this.raw, key)) throw invalid(this.at(key), '缺失', 'is missing');
    return this.raw[key];
  }

  optional(key: string): unknown {
    this.seen.add(key);
    return this.raw[key];
  }

  finish(): void {
    for (const key of Object.keys(this.raw)) {
      if (!this.seen.has(key)) throw invalid(this.at(key), '不是该类政策的规则字段', 'is not a rule field of this policy kind');
    }
  }
}

function readInt(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(field, `须为${min}至${max}之间的整数`, `must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function readFen(value: unknown, field: string, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_AMOUNT_FEN) {
    throw invalid(
      field,
      `须为${min}至${MAX_AMOUNT_FEN}之间的整数(单位:分)`,
      `must be a whole number of fen from ${min} to ${MAX_AMOUNT_FEN}`,
    );
  }
  return value;
}

function readBp(value: unknown, field: string, max = BP_SCALE): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw invalid(field, `须为0至${max}之间的整数(基点)`, `must be whole basis points from 0 to ${max}`);
  }
  return value;
}

function readBool(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw invalid(field, '须为true或false', 'must be true or false');
  return value;
}

function readEnum<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(field, `须为以下之一:${allowed.join('、')}`, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function readList<T>(value: unknown, field: string, item: (v: unknown, f: string) => T, minLength = 0): T[] {
  if (!Array.isArray(value)) throw invalid(field, '须为数组', 'must be an array');
  if (value.length < minLength) throw invalid(field, `至少须有${minLength}项`, `must have at least ${minLength} item(s)`);
  return value.map((v, i) => item(v, `${field}.${i}`));
}

function readUniqueEnumList<T extends string>(value: unknown, field: string, allowed: readonly T[]): T[] {
  const list = readList(value, field, (v, f) => readEnum(v, f, allowed), 1);
  const dup = list.find((v, i) => list.indexOf(v) !== i);
  if (dup) throw invalid(field, `中${dup}重复`, `lists ${dup} twice`);
  return list;
}

function readAgeRange(value: unknown, field: string): AgeRange {
  const f = new Fields(readObject(value, field), field);
  const min = readInt(f.required('min'), f.at('min'), 0, 150);
  const max = readInt(f.required('max'), f.at('max'), 0, 150);
  f.finish();
  if (max < min) throw invalid(f.at('max'), '不得小于min', 'must not be below min');
  return { min, max };
}

function readWorkingAge(value: unknown, field: string): WorkingAgeRule | null {
  if (value === null) return null;
  const f = new Fields(readObject(value, field), field);
  const rule = { MALE: readAgeRange(f.required('MALE'), f.at('MALE')), FEMALE: readAgeRange(f.required('FEMALE'), f.at('FEMALE')) };
  f.finish();
  return rule;
}

function readLevelAmounts(value: unknown, field: string): LevelAmounts {
  const raw = readObject(value, field);
  const keys = Object.keys(raw);
  if (keys.length === 0) throw invalid(field, '至少须列出一个等级', 'must list at least one level');
  const out: Partial<Record<SkillLevel, number>> = {};
  for (const key of keys) readEnum(key, `${field}.${key}`, SKILL_LEVELS);
  let previous: { level: SkillLevel; fen: number } | null = null;
  // Walk the levels from the lowest up: a ladder never pays less for a higher level.
  for (const level of SKILL_LEVELS) {
    if (!Object.hasOwn(raw, level)) continue;
    const fen = readFen(raw[level], `${field}.${level}`);
    if (previous && fen < previous.fen) {
      throw invalid(
        `${field}.${level}`,
        `(${fen}分)不得低于较低等级${previous.level}(${previous.fen}分)`,
        `(${fen} fen) must not be below the lower level ${previous.level} (${previous.fen} fen)`,
      );
    }
    out[level] = fen;
    previous = { level, fen };
  }
  return out;
}

function readTierKeyed<T>(value: unknown, field: string, item: (v: unknown, f: string) => T): Record<string, T> {
  const raw = readObject(value, field);
  const keys = Object.keys(raw);
  if (keys.length === 0) throw invalid(field, '至少须列出一个分档', 'must list at least one tier');
  const out: Record<string, T> = {};
  for (const key of keys.sort((a, b) => Number(a) - Number(b))) {
    if (!/^[1-9]\d{0,2}$/.test(key)) throw invalid(`${field}.${key}`, '的分档须为正整数', 'must be keyed by a positive whole tier number');
    out[key] = item(raw[key], `${field}.${key}`);
  }
  return out;
}

function readEmploymentCondition(f: Fields): EmploymentCondition {
  return {
    withinMonths: readInt(f.required('withinMonths'), f.at('withinMonths'), 1, 24),
    minContractMonths: readInt(f.required('minContractMonths'), f.at('minContractMonths'), 0, 120),
    requiresSocialInsurance: readBool(f.required('requiresSocialInsurance'), f.at('requiresSocialInsurance')),
  };
}

/**
 * `rules.review`: the region levels allowed at each step of the claim review, e.g. a single-level
 * deployment `{ review: ['CITY'], approve: ['CITY'], closeNotice: ['CITY'], pay: ['CITY'] }`.
 * Missing (undefined) → DEFAULT_CLAIM_ACTION_LEVELS; null is refused (there is no "nobody").
 * All four steps are required once the key is given, so a policy states its practice whole rather
 * than half-inheriting a default; each is a non-empty list of PROVINCE/CITY/COUNTY without repeats.
 * A rejection takes the levels of the step it happens at (claimStepOf), so it has no key.
 *
 * One rule between steps: approval is never delegated below review. The lowest level that may
 * approve must not be below the lowest level that may review (review ['CITY'] with approve
 * ['COUNTY'] would let a county approve what only the city may review: the 审核 → 审批 hierarchy
 * upside down). Equal levels are allowed (a county, or a city, both reviewing and approving).
 * closeNotice and pay are not ordered against review: who keeps the notice and who holds the money
 * varies by deployment (e.g. county finance paying what the city approved).
 */
function readReviewLevels(value: unknown, field: string): ClaimActionLevels {
  if (value === undefined) return DEFAULT_CLAIM_ACTION_LEVELS;
  const f = new Fields(readObject(value, field), field);
  const levels = {} as Record<keyof ClaimActionLevels, RegionLevel[]>;
  for (const key of Object.keys(CLAIM_REVIEW_RULE_KEYS) as ClaimReviewRuleKey[]) {
    levels[CLAIM_REVIEW_RULE_KEYS[key]] = readUniqueEnumList(f.required(key), f.at(key), REGION_LEVELS);
  }
  f.finish();
  const lowest = (list: readonly RegionLevel[]) => Math.min(...list.map(regionLevelRank));
  if (lowest(levels.APPROVE) < lowest(levels.REVIEW)) {
    const reviewFrom = REGION_LEVELS[lowest(levels.REVIEW)];
    throw invalid(
      f.at('approve'),
      `的最低层级不得低于审核(review)的最低层级${reviewFrom}`,
      `must not go below the lowest review level (${reviewFrom}): approval is never delegated below review`,
    );
  }
  return levels;
}

/**
 * The claim-review levels of stored policy rules of any kind: reads `rules.review` alone (the rest
 * is the calculator's business), DEFAULT_CLAIM_ACTION_LEVELS when absent. Throws VALIDATION naming
 * the field ("rules.review.approve") like validatePolicyRules.
 */
export function claimActionLevelsOf(rules: unknown): ClaimActionLevels {
  return readReviewLevels(readObject(rules, 'rules').review, 'rules.review');
}

function readCommon(kind: PolicyKind, f: Fields): CommonRules {
  // Read in the order of the interface, so the first bad field reported is predictable.
  const payee = readEnum(f.required('payee'), f.at('payee'), ALLOWED_PAYEES[kind]);
  const minAttendance = f.required('minAttendanceRateBp');
  const minAttendanceRateBp = minAttendance === null ? null : readBp(minAttendance, f.at('minAttendanceRateBp'));
  const requiresPassedAssessment = readBool(f.required('requiresPassedAssessment'), f.at('requiresPassedAssessment'));
  const priority = f.required('priorityGroups');
  const priorityGroups = priority === null ? null : readUniqueEnumList(priority, f.at('priorityGroups'), PRIORITY_GROUPS);
  const workingAge = readWorkingAge(f.required('workingAge'), f.at('workingAge'));
  const claimWithinMonths = readInt(f.required('claimWithinMonths'), f.at('claimWithinMonths'), 1, MAX_CLAIM_WITHIN_MONTHS);
  const maxPerYear = f.required('maxSubsidiesPerYear');
  const maxSubsidiesPerYear = maxPerYear === null ? null : readInt(maxPerYear, f.at('maxSubsidiesPerYear'), 1, 100);
  const higherLevelBarsLower = readBool(f.required('higherLevelBarsLower'), f.at('higherLevelBarsLower'));
  const exclusions = readList(f.required('exclusions'), f.at('exclusions'), (v, field) => {
    const e = new Fields(readObject(v, field), field);
    const out = {
      scheme: readEnum(e.required('scheme'), e.at('scheme'), POLICY_KINDS),
      scope: readEnum(e.required('scope'), e.at('scope'), EXCLUSION_SCOPES),
    };
    e.finish();
    return out;
  });
  const review = readReviewLevels(f.optional('review'), f.at('review'));
  const assumptions = f.optional('assumptions');
  if (assumptions !== undefined && typeof assumptions !== 'string') {
    throw invalid(f.at('assumptions'), '须为文字', 'must be text');
  }
  return {
    payee,
    minAttendanceRateBp,
    requiresPassedAssessment,
    priorityGroups,
    workingAge,
    claimWithinMonths,
    maxSubsidiesPerYear,
    higherLevelBarsLower,
    exclusions,
    review,
    assumptions: assumptions ?? null,
  };
}

function readPerLevel(kind: PolicyKind, f: Fields): PerLevelRules {
  return {
    ...readCommon(kind, f),
    sameOccupationAndLevelOnce: readBool(f.required('sameOccupationAndLevelOnce'), f.at('sameOccupationAndLevelOnce')),
  };
}

const READERS: { [K in PolicyKind]: (f: Fields) => RulesByKind[K] } = {
  TRAINING: (f) => ({
    ...readPerLevel('TRAINING', f),
    amountFenByTierAndLevel: readTierKeyed(f.required('amountFenByTierAndLevel'), f.at('amountFenByTierAndLevel'), readLevelAmounts),
    maxPerPersonFen: readFen(f.required('maxPerPersonFen'), f.at('maxPerPersonFen')),
  }),
  CLASS_HOUR: (f) => {
    const common = readCommon('CLASS_HOUR', f);
    const rateFenPerClassHourByTier = readTierKeyed(f.required('rateFenPerClassHourByTier'), f.at('rateFenPerClassHourByTier'), (v, field) =>
      readFen(v, field),
    );
    const minutesPerClassHour = readInt(f.required('minutesPerClassHour'), f.at('minutesPerClassHour'), 1, 240);
    const maxHours = f.required('maxClassHoursPerPerson');
    const cap = f.required('maxPerPersonFen');
    const maxClassHoursPerPerson = maxHours === null ? null : readInt(maxHours, f.at('maxClassHoursPerPerson'), 1, 10_000);
    const maxPerPersonFen = cap === null ? null : readFen(cap, f.at('maxPerPersonFen'));
    const uplift = f.required('employmentUplift');
    let employmentUplift: EmploymentUplift | null = null;
    if (uplift !== null) {
      const u = new Fields(readObject(uplift, f.at('employmentUplift')), f.at('employmentUplift'));
      employmentUplift = { upliftBp: readBp(u.required('upliftBp'), u.at('upliftBp')), ...readEmploymentCondition(u) };
      u.finish();
    }
    return { ...common, rateFenPerClassHourByTier, minutesPerClassHour, maxClassHoursPerPerson, maxPerPersonFen, employmentUplift };
  },
  CERTIFICATE: (f) => ({
    ...readPerLevel('CERTIFICATE', f),
    amountFenByLevel: readLevelAmounts(f.required('amountFenByLevel'), f.at('amountFenByLevel')),
    graduatingStudentsOnly: readBool(f.required('graduatingStudentsOnly'), f.at('graduatingStudentsOnly')),
  }),
  ENTERPRISE_TRAINING: (f) => ({
    ...readCommon('ENTERPRISE_TRAINING', f),
    amountPerPersonFen: readFen(f.required('amountPerPersonFen'), f.at('amountPerPersonFen')),
    trainingKinds: readUniqueEnumList(f.required('trainingKinds'), f.at('trainingKinds'), ENTERPRISE_TRAINING_KINDS),
  }),
  ENTERPRISE_SELF_EVALUATION: (f) => ({
    ...readPerLevel('ENTERPRISE_SELF_EVALUATION', f),
    amountFenByLevel: readLevelAmounts(f.required('amountFenByLevel'), f.at('amountFenByLevel')),
  }),
  SKILL_UPGRADE: (f) => {
    const common = readPerLevel('SKILL_UPGRADE', f);
    const amountFenByLevel = readLevelAmounts(f.required('amountFenByLevel'), f.at('amountFenByLevel'));
    const months = f.required('minInsuredMonths');
    return { ...common, amountFenByLevel, minInsuredMonths: months === null ? null : readInt(months, f.at('minInsuredMonths'), 0, 600) };
  },
  APPRENTICESHIP: (f) => ({
    ...readCommon('APPRENTICESHIP', f),
    amountFenPerYearByLevel: readLevelAmounts(f.required('amountFenPerYearByLevel'), f.at('amountFenPerYearByLevel')),
    prepaymentShareBp: readBp(f.required('prepaymentShareBp'), f.at('prepaymentShareBp'), MAX_PREPAYMENT_SHARE_BP),
    maxYears: readInt(f.required('maxYears'), f.at('maxYears'), 1, MAX_APPRENTICESHIP_YEARS),
  }),
  OUTCOME: (f) => {
    const common = readCommon('OUTCOME', f);
    const basePerPersonFen = readFen(f.required('basePerPersonFen'), f.at('basePerPersonFen'));
    const tiers = readList(
      f.required('tiers'),
      f.at('tiers'),
      (v, field) => {
        const t = new Fields(readObject(v, field), field);
        const tier = { minRateBp: readBp(t.required('minRateBp'), t.at('minRateBp')), shareBp: readBp(t.required('shareBp'), t.at('shareBp')) };
        t.finish();
        return tier;
      },
      1,
    );
    if (tiers[0]?.minRateBp !== 0) throw invalid(`${f.at('tiers')}.0.minRateBp`, '须为0(每个就业率都须落在某一档)', 'must be 0 (every rate must fall in a tier)');
    tiers.forEach((t, i) => {
      const before = tiers[i - 1];
      if (!before) return;
      if (t.minRateBp <= before.minRateBp) {
        throw invalid(`${f.at('tiers')}.${i}.minRateBp`, '须大于上一档', 'must be above the previous tier');
      }
      if (t.shareBp < before.shareBp) {
        throw invalid(`${f.at('tiers')}.${i}.shareBp`, '不得低于上一档', 'must not be below the previous tier');
      }
    });
    const e = new Fields(readObject(f.required('employment'), f.at('employment')), f.at('employment'));
    const employment = readEmploymentCondition(e);
    e.finish();
    return { ...common, basePerPersonFen, tiers, employment };
  },
};

/** The typed rules of a policy of `kind`, or VALIDATION naming the first bad field ("rules.…"). */
export function validatePolicyRules<K extends PolicyKind>(kind: K, rules: unknown): RulesByKind[K] {
  if (!isPolicyKind(kind)) {
    throw new DomainError('VALIDATION', { zh: `未知的补贴政策类别:${String(kind)}`, en: `Unknown subsidy policy kind: ${String(kind)}` }, { field: 'kind' });
  }
  const f = new Fields(readObject(rules, 'rules'), 'rules');
  const typed = READERS[kind](f);
  f.finish();
  return typed;
}

/** The amount for a level in a level table, or null when the level is not subsidised. */
export function amountForLevel(table: LevelAmounts, level: SkillLevel): number | null {
  return table[level] ?? null;
}

/** Levels of a table from lowest to highest, for explanations. */
export function levelsOf(table: LevelAmounts): SkillLevel[] {
  return SKILL_LEVELS.filter((l) => table[l] !== undefined).sort((a, b) => skillLevelRank(a) - skillLevelRank(b));
}
