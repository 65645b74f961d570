import { regionAncestors } from '../identifiers/region-code';
import { ageOn } from '../identifiers/resident-id';
import { DomainError } from '../shared/errors';
import { type StoredPolicyHeader, storedPolicyInForce } from '../subsidy/policy';
import type { PolicyKind } from '../subsidy/rules';

/**
 * The training rules a policy sets (SubsidyPolicy.rules of kind TRAINING): working age and the
 * minimum attendance rate for completion. Policies differ by city and year, so these are data; the
 * defaults below apply only where no policy in force says otherwise.
 */
export interface AgeRange {
  min: number;
  max: number;
}

export interface TrainingRules {
  /** Working age by sex, inclusive (e.g. men 16–60, women 16–55). */
  workingAge: { MALE: AgeRange; FEMALE: AgeRange };
  /** Minimum attendance rate for completion, basis points (8000 = 80%). */
  minAttendanceRateBp: number;
}

export const DEFAULT_TRAINING_RULES: TrainingRules = {
  workingAge: { MALE: { min: 16, max: 60 }, FEMALE: { min: 16, max: 55 } },
  minAttendanceRateBp: 8000,
};

function range(v: unknown, fallback: AgeRange): AgeRange {
  if (typeof v !== 'object' || v === null) return fallback;
  const { min, max } = v as { min?: unknown; max?: unknown };
  if (typeof min !== 'number' || typeof max !== 'number' || !Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) {
    return fallback;
  }
  return { min, max };
}

/** Read the training rules out of a policy's `rules` JSON; anything missing or malformed keeps the default. */
export function trainingRulesFrom(rules: unknown): TrainingRules {
  const r = (typeof rules === 'object' && rules !== null ? rules : {}) as Record<string, unknown>;
  const wa = (typeof r.workingAge === 'object' && r.workingAge !== null ? r.workingAge : {}) as Record<string, unknown>;
  const bp = r.minAttendanceRateBp;
  return {
    workingAge: {
      MALE: range(wa.MALE, DEFAULT_TRAINING_RULES.workingAge.MALE),
      FEMALE: range(wa.FEMALE, DEFAULT_TRAINING_RULES.workingAge.FEMALE),
    },
    minAttendanceRateBp:
      typeof bp === 'number' && Number.isInteger(bp) && bp >= 0 && bp <= 10_000 ? bp : DEFAULT_TRAINING_RULES.minAttendanceRateBp,
  };
}

export type WorkingAgeCheck =
  | { ok: true; age: number }
  | { ok: false; age: number; range: AgeRange; zh: string; en: string };

/** Is a person of this birth date and sex within working age on `on` (a calendar date or instant)? */
export function checkWorkingAge(
  birthDate: string,
  sex: 'MALE' | 'FEMALE',
  on: Date | string,
  rules: TrainingRules,
): WorkingAgeCheck {
  const age = ageOn(birthDate, on);
  const r = rules.workingAge[sex];
  if (age >= r.min && age <= r.max) return { ok: true, age };
  const who = sex === 'MALE' ? '男性' : '女性';
  return {
    ok: false,
    age,
    range: r,
    zh: `年龄${age}岁,不在政策规定的${who}劳动年龄${r.min}–${r.max}岁范围内`,
    en: `Age ${age} is outside the policy's working age for ${sex === 'MALE' ? 'men' : 'women'} (${r.min}–${r.max})`,
  };
}

// ───────────────────────────── which policy is in force ─────────────────────────────

/** Policy kinds that set the working age and attendance minimum of a class (TrainingRules). */
export const TRAINING_RULE_KINDS = ['TRAINING', 'CLASS_HOUR'] as const satisfies readonly PolicyKind[];

/**
 * The policy whose training rules apply to a class of `regionCode` on `on`: of the TRAINING and the
 * CLASS_HOUR policy in force (each chosen by `storedPolicyInForce`, as claims of that kind choose),
 * the one of the more specific region; null when neither is (the defaults apply).
 * Completion never guesses between policies: two codes of one kind in force, or a TRAINING and a
 * CLASS_HOUR policy of the same region that set different training rules, is CONFLICT, and the
 * enrollment or completion is refused until the bureau ends one of them (claims refuse the same way).
 */
export function trainingPolicyInForce<R extends StoredPolicyHeader & { rules: unknown }>(rows: readonly R[], regionCode: string, on: string): R | null {
  const chain = regionAncestors(regionCode);
  const found = TRAINING_RULE_KINDS.map((kind) => storedPolicyInForce(rows, { regionCode, kind, basisDate: on })).filter(
    (p): p is R => p !== null,
  );
  if (found.length === 0) return null;
  const specificity = (p: R) => chain.indexOf(p.regionCode);
  const mostSpecific = Math.min(...found.map(specificity));
  const [first, ...others] = found.filter((p) => specificity(p) === mostSpecific) as [R, ...R[]];
  const rules = JSON.stringify(trainingRulesFrom(first.rules));
  const differing = others.find((p) => JSON.stringify(trainingRulesFrom(p.rules)) !== rules);
  if (differing) {
    const codes = [first.code, differing.code].sort();
    throw new DomainError(
      'CONFLICT',
      {
        zh: `${first.regionCode}在${on}同时有培训补贴和课时补贴政策生效且规则不同:${codes.join('、')}`,
        en: `Region ${first.regionCode} has a TRAINING and a CLASS_HOUR policy in force on ${on} with different training rules: ${codes.join(', ')}`,
      },
      { field: 'policy', regionCode: first.regionCode, codes },
    );
  }
  return first;
}
