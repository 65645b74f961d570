import { DomainError } from '../shared/errors';
import { type SkillLevel, skillLevelRank } from './skill-level';

/**
 * Skill assessment (技能人才评价): the three kinds of evaluation, the pass rule of a session and
 * the scope an evaluation body holds. Certificates follow from PASSED results.
 */
export const ASSESSMENT_KINDS = ['QUALIFICATION', 'SKILL_LEVEL', 'SPECIAL_ABILITY'] as const;
export type AssessmentKind = (typeof ASSESSMENT_KINDS)[number];

export interface PassRule {
  passTheoryScore: number;
  passPracticalScore: number;
}

export const DEFAULT_PASS_RULE: PassRule = { passTheoryScore: 60, passPracticalScore: 60 };

export interface ScoreInput {
  absent?: boolean | null;
  theoryScore?: number | null;
  practicalScore?: number | null;
}

/** A score is 0–100 with at most two decimals (scores are stored as DECIMAL(5,2)). */
export function isValidScore(v: number): boolean {
  return Number.isFinite(v) && v >= 0 && v <= 100 && Math.round(v * 100) === v * 100;
}

/**
 * PASSED when both theory and practical reach the session's minimums, FAILED otherwise, ABSENT when
 * the candidate did not sit. A special-ability assessment may be practical only (theory null).
 */
export function assessmentOutcome(
  input: ScoreInput,
  rule: PassRule,
  kind: AssessmentKind,
): { outcome: 'PASSED' | 'FAILED' | 'ABSENT'; reason: string | null } {
  if (input.absent) {
    if (input.theoryScore != null || input.practicalScore != null) {
      throw new DomainError('VALIDATION', { zh: '缺考考生不应有成绩', en: 'An absent candidate cannot have scores' }, { field: 'absent' });
    }
    return { outcome: 'ABSENT', reason: null };
  }
  const practical = input.practicalScore;
  const theory = input.theoryScore;
  if (practical == null) throw new DomainError('VALIDATION', { zh: '缺少实操成绩', en: 'The practical score is missing' }, { field: 'practicalScore' });
  if (theory == null && kind !== 'SPECIAL_ABILITY') {
    throw new DomainError('VALIDATION', { zh: '缺少理论成绩', en: 'The theory score is missing' }, { field: 'theoryScore' });
  }
  for (const [field, v] of [['theoryScore', theory], ['practicalScore', practical]] as const) {
    if (v != null && !isValidScore(v)) {
      throw new DomainError('VALIDATION', { zh: '成绩须在0–100之间,最多两位小数', en: 'Scores are 0–100 with at most two decimals' }, { field });
    }
  }
  if (theory != null && theory < rule.passTheoryScore) {
    return { outcome: 'FAILED', reason: `theory ${theory} < ${rule.passTheoryScore}` };
  }
  if (practical < rule.passPracticalScore) {
    return { outcome: 'FAILED', reason: `practical ${practical} < ${rule.passPracticalScore}` };
  }
  return { outcome: 'PASSED', reason: null };
}

export function checkPassRule(rule: PassRule): void {
  for (const [field, v] of Object.entries(rule)) {
    if (!Number.isInteger(v) || v < 0 || v > 100) {
      throw new DomainError('VALIDATION', { zh: '合格分数线须为0–100的整数', en: 'Pass marks must be whole numbers 0–100' }, { field });
    }
  }
}

/** May an evaluation body qualified up to `maxLevel` (null = every level) assess `level`? */
export function withinEvaluatorScope(level: SkillLevel | null, maxLevel: SkillLevel | null): boolean {
  if (!level || !maxLevel) return true;
  return skillLevelRank(level) <= skillLevelRank(maxLevel);
}

/** An organisation's qualification for one occupation (OrganizationOccupation): highest level and end date. */
export interface OccupationQualification {
  /** null = every level of the occupation. */
  maxLevel: SkillLevel | null;
  /** 'YYYY-MM-DD', inclusive; null = no end. */
  validUntil: string | null;
}

/**
 * May an institution or evaluation body train or evaluate an occupation at `level` (null for a
 * special-ability item) on `on`? Only with a qualification for the occupation (null = none), up to
 * its highest level, and not after it ends.
 */
export function isQualifiedFor(qualification: OccupationQualification | null, level: SkillLevel | null, on: string): boolean {
  if (qualification === null || !withinEvaluatorScope(level, qualification.maxLevel)) return false;
  return qualification.validUntil === null || on <= qualification.validUntil;
}
