import type { EvaluatorType } from '../certificate/number';
import type { LocalizedText } from '../shared/errors';
import type { Sex } from '../identifiers/resident-id';
import type { PriorityGroup } from '../person/person';
import type { SkillLevel } from '../certificate/skill-level';
import type { PolicyRef } from './policy';
import type { EnterpriseTrainingKind, PolicyKind } from './rules';

/**
 * The facts a claim is computed from, as plain data gathered by the caller (core) — the engine
 * reads no database and no clock. Dates are 'YYYY-MM-DD' (Asia/Shanghai business dates).
 */

// ───────────────────────────── what is claimed ─────────────────────────────

/**
 * What a claim asks for. Most are the policy kind itself; a CLASS_HOUR policy also pays the
 * employment uplift later (EMPLOYMENT_UPLIFT), an APPRENTICESHIP policy pays a pre-payment at the
 * start of a year and settles at its end (balance, full amount, or claw-back).
 */
export const CLAIM_KINDS = [
  'TRAINING',
  'CLASS_HOUR',
  'EMPLOYMENT_UPLIFT',
  'CERTIFICATE',
  'ENTERPRISE_TRAINING',
  'ENTERPRISE_SELF_EVALUATION',
  'SKILL_UPGRADE',
  'APPRENTICESHIP_PREPAYMENT',
  'APPRENTICESHIP_SETTLEMENT',
  'OUTCOME',
] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];

export const POLICY_KIND_OF_CLAIM: Readonly<Record<ClaimKind, PolicyKind>> = {
  TRAINING: 'TRAINING',
  CLASS_HOUR: 'CLASS_HOUR',
  EMPLOYMENT_UPLIFT: 'CLASS_HOUR',
  CERTIFICATE: 'CERTIFICATE',
  ENTERPRISE_TRAINING: 'ENTERPRISE_TRAINING',
  ENTERPRISE_SELF_EVALUATION: 'ENTERPRISE_SELF_EVALUATION',
  SKILL_UPGRADE: 'SKILL_UPGRADE',
  APPRENTICESHIP_PREPAYMENT: 'APPRENTICESHIP',
  APPRENTICESHIP_SETTLEMENT: 'APPRENTICESHIP',
  OUTCOME: 'OUTCOME',
};

/** The basis of a claim: a class, a set of certificates, a staff-training batch, or apprenticeship years. */
export type ClaimBasis = ClassBasis | CertificatesBasis | StaffTrainingBasis | ApprenticeshipsBasis;

/** TRAINING, CLASS_HOUR, EMPLOYMENT_UPLIFT, OUTCOME: one class. Its start date is the basis date. */
export interface ClassBasis {
  type: 'CLASS';
  classId: string;
  occupationCode: string;
  /** Occupation.subsidyTier. */
  occupationTier: number;
  targetLevel: SkillLevel | null;
  startDate: string;
  /** 结业 date: employment windows run from it. */
  completedOn: string;
}

/** CERTIFICATE, ENTERPRISE_SELF_EVALUATION, SKILL_UPGRADE: each person's certificate; its issue date is the basis date. */
export interface CertificatesBasis {
  type: 'CERTIFICATES';
  /** The assessment session or application batch, for the explanation. */
  ref: string;
}

/** ENTERPRISE_TRAINING: one batch of staff training by an enterprise; its start date is the basis date. */
export interface StaffTrainingBasis {
  type: 'STAFF_TRAINING_BATCH';
  batchId: string;
  trainingKind: EnterpriseTrainingKind;
  occupationCode: string | null;
  startDate: string;
  completedOn: string;
}

/** APPRENTICESHIP_*: each person's apprenticeship year; the year's start is the basis date. */
export interface ApprenticeshipsBasis {
  type: 'APPRENTICESHIPS';
  ref: string;
}

export const BASIS_TYPE_OF_CLAIM: Readonly<Record<ClaimKind, ClaimBasis['type']>> = {
  TRAINING: 'CLASS',
  CLASS_HOUR: 'CLASS',
  EMPLOYMENT_UPLIFT: 'CLASS',
  OUTCOME: 'CLASS',
  CERTIFICATE: 'CERTIFICATES',
  ENTERPRISE_SELF_EVALUATION: 'CERTIFICATES',
  SKILL_UPGRADE: 'CERTIFICATES',
  ENTERPRISE_TRAINING: 'STAFF_TRAINING_BATCH',
  APPRENTICESHIP_PREPAYMENT: 'APPRENTICESHIPS',
  APPRENTICESHIP_SETTLEMENT: 'APPRENTICESHIPS',
};

// ───────────────────────────── per person ─────────────────────────────

export interface CertificateFacts {
  number: string;
  occupationCode: string;
  level: SkillLevel;
  issuedOn: string;
  /** Y = employer (self-)evaluation, S = social evaluation organisation. */
  evaluatorType: EvaluatorType | null;
}

/** Another skill-level certificate the person holds (for "a higher level bars the lower"). */
export interface HeldCertificate {
  occupationCode: string;
  level: SkillLevel;
  issuedOn: string;
  number?: string;
}

/** One labour contract and the employer's social-insurance contributions for the person. */
export interface EmploymentEvidence {
  employerName: string | null;
  signedOn: string;
  startsOn: string;
  /** null = open-ended contract (无固定期限). */
  endsOn: string | null;
  /** Months the employer contributed, 'YYYYMM'. */
  socialInsuranceMonths: readonly string[];
}

export const APPRENTICESHIP_YEAR_STATUSES = ['IN_PROGRESS', 'COMPLETED', 'TERMINATED'] as const;
export type ApprenticeshipYearStatus = (typeof APPRENTICESHIP_YEAR_STATUSES)[number];

export interface ApprenticeshipFacts {
  apprenticeshipId: string;
  occupationCode: string;
  targetLevel: SkillLevel;
  /** 1 for the first year of the apprenticeship, 2 for the second … */
  yearIndex: number;
  yearStartsOn: string;
  yearEndsOn: string;
  status: ApprenticeshipYearStatus;
  /** When a TERMINATED apprenticeship ended. */
  endedOn: string | null;
}

/**
 * One person's facts. Eligibility facts are a snapshot taken at enrollment / training start and
 * never re-read later (a person who leaves a priority group after training keeps the subsidy).
 * Only the facts the policy kind needs must be present; a needed fact that is missing excludes
 * the person (MISSING_FACT) rather than paying on a guess.
 */
export interface ClaimPerson {
  personId: string;
  sex?: Sex;
  /** Age in whole years on the basis date (class start …). */
  ageAtStart?: number;
  priorityGroupsAtEnrollment?: readonly PriorityGroup[];
  /** Attendance rate in basis points, rounded down (attendanceRateBp). */
  attendanceRateBp?: number;
  /** Minutes attended, for class-hour subsidies. */
  attendedMinutes?: number;
  passedAssessment?: boolean;
  /** The certificate this line pays for (per-level kinds). */
  certificate?: CertificateFacts | null;
  /** Every skill-level certificate the person holds (may include the one paid for); needed whenever the line has a level and the policy bars lower levels. */
  heldCertificates?: readonly HeldCertificate[];
  employment?: readonly EmploymentEvidence[];
  graduatingStudent?: boolean;
  /** Months of unemployment-insurance contributions, for SKILL_UPGRADE. */
  insuredMonths?: number;
  apprenticeship?: ApprenticeshipFacts;
}

// ───────────────────────────── history ─────────────────────────────

/** Status of an earlier line. REJECTED lines are dead; every other status counts. */
export const HISTORY_LINE_STATUSES = ['PENDING', 'ACCEPTED', 'PAID', 'REJECTED'] as const;
export type HistoryLineStatus = (typeof HISTORY_LINE_STATUSES)[number];

/**
 * What a line pays: MAIN (the subsidy itself), EMPLOYMENT_UPLIFT (the supplementary +50% line),
 * PREPAYMENT / BALANCE / CLAWBACK (an apprenticeship year paid in two parts, or recovered).
 */
export const LINE_PARTS = ['MAIN', 'EMPLOYMENT_UPLIFT', 'PREPAYMENT', 'BALANCE', 'CLAWBACK'] as const;
export type LinePart = (typeof LINE_PARTS)[number];

/** A line already filed for a person, in any claim, any region (paid, pending or rejected). */
export interface HistoryLine {
  personId: string;
  scheme: PolicyKind;
  part: LinePart;
  occupationCode: string | null;
  level: SkillLevel | null;
  subsidyYear: number;
  status: HistoryLineStatus;
  dedupKey: string;
  amountFen: number;
  countsTowardLimit: boolean;
  limitSlot?: number | null;
  /** Lines of the claim being recomputed are ignored, which makes recomputation idempotent. */
  claimId?: string | null;
  policy?: PolicyRef | null;
}

// ───────────────────────────── results ─────────────────────────────

export interface ExplanationStep extends LocalizedText {
  amountFen?: number;
}

export type ExplanationValue = string | number | boolean | null;

export interface LineExplanation {
  policy: PolicyRef;
  /** The rule applied, e.g. "CLASS_HOUR.EMPLOYMENT_UPLIFT". */
  rule: string;
  /** The facts used, by name. */
  inputs: Readonly<Record<string, ExplanationValue>>;
  steps: readonly ExplanationStep[];
}

export const EXCLUSION_RULES = [
  'MISSING_FACT',
  'ATTENDANCE_BELOW_MINIMUM',
  'ASSESSMENT_NOT_PASSED',
  'NOT_PRIORITY_GROUP',
  'OUTSIDE_WORKING_AGE',
  'NO_CERTIFICATE',
  'CERTIFICATE_OCCUPATION_MISMATCH',
  'CERTIFICATE_BEFORE_TRAINING',
  'LEVEL_NOT_SUBSIDISED',
  'TIER_NOT_SUBSIDISED',
  'NOT_GRADUATING_STUDENT',
  'NOT_SELF_EVALUATED',
  'INSURED_MONTHS_BELOW_MINIMUM',
  'EMPLOYMENT_NOT_CONFIRMED',
  'BASE_NOT_APPROVED',
  'BASE_UNDER_OTHER_POLICY',
  'OUTCOME_TIER_ZERO',
  'APPRENTICESHIP_YEAR_NOT_COVERED',
  'APPRENTICESHIP_NOT_ENDED',
  'PREPAYMENT_NOT_APPROVED',
  'NOTHING_TO_SETTLE',
  'NOT_COMPLETED',
  'POLICY_NOT_IN_FORCE',
  'NOT_YET_CLAIMABLE',
  'CLAIM_DEADLINE_PASSED',
  'ZERO_AMOUNT',
  'ALREADY_CLAIMED',
  'SAME_OCCUPATION_AND_LEVEL_PAID',
  'HIGHER_LEVEL_HELD',
  'MUTUALLY_EXCLUSIVE',
  'YEARLY_LIMIT_REACHED',
] as const;
export type ExclusionRule = (typeof EXCLUSION_RULES)[number];

/** Why a rule refuses: the rule and the clerk's text. */
export interface Refusal extends LocalizedText {
  rule: ExclusionRule;
}

export interface ClaimExclusion extends Refusal {
  personId: string;
}
