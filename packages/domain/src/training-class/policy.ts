import { ageOn } from '../identifiers/resident-id';

/**
 * The training rules a policy sets (SubsidyPolicy.rules of kind TRAINING): working age and the
 * minimum attendance rate for completion. Policies differ by city and year, so these are data; the
 * defaults below apply only where no active policy says otherwise.
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
