import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../shared/errors';
import { DEFAULT_CLAIM_ACTION_LEVELS } from './claim-workflow';
import {
  BAYANNUR_CLASS_HOUR,
  EXAMPLE_POLICIES,
  FUJIAN_APPRENTICESHIP,
  LINFEN_CERTIFICATE,
  LINFEN_ENTERPRISE_TRAINING,
  LINFEN_TRAINING,
  SHAANXI_OUTCOME,
  SHANXI_SKILL_UPGRADE,
} from './fixtures';
import type { PolicyRecord } from './policy';
import { claimActionLevelsOf, type PolicyKind, validatePolicyRules } from './rules';

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) {
      expect(e.code).toBe('VALIDATION');
      expect(e.localized.zh).toContain('字段');
      return String(e.details?.field);
    }
    throw e;
  }
  throw new Error('expected a VALIDATION error');
}

const rulesOf = (p: PolicyRecord) => p.rules as Record<string, unknown>;
const validate = (p: PolicyRecord, changes: Record<string, unknown> = {}) =>
  validatePolicyRules(p.kind as PolicyKind, { ...rulesOf(p), ...changes });
const without = (p: PolicyRecord, key: string) => {
  const { [key]: _, ...rest } = rulesOf(p);
  return validatePolicyRules(p.kind as PolicyKind, rest);
};

describe('every example policy is valid under its kind', () => {
  it.each(EXAMPLE_POLICIES.map((p) => [p.code, p] as const))('%s', (_code, p) => {
    expect(() => validate(p)).not.toThrow();
  });
  it('keeps the real figures as typed data', () => {
    const lf = validatePolicyRules('TRAINING', rulesOf(LINFEN_TRAINING));
    expect(lf.maxPerPersonFen).toBe(400_000);
    expect(validatePolicyRules('CERTIFICATE', rulesOf(LINFEN_CERTIFICATE)).amountFenByLevel).toEqual({ LEVEL_4: 60_000, LEVEL_3: 80_000 });
    expect(validatePolicyRules('ENTERPRISE_TRAINING', rulesOf(LINFEN_ENTERPRISE_TRAINING)).amountPerPersonFen).toBe(30_000);
    expect(validatePolicyRules('SKILL_UPGRADE', rulesOf(SHANXI_SKILL_UPGRADE)).amountFenByLevel).toEqual({
      LEVEL_5: 100_000,
      LEVEL_4: 150_000,
      LEVEL_3: 200_000,
    });
    expect(validatePolicyRules('CLASS_HOUR', rulesOf(BAYANNUR_CLASS_HOUR)).employmentUplift).toEqual({
      upliftBp: 5_000,
      withinMonths: 6,
      minContractMonths: 12,
      requiresSocialInsurance: true,
    });
    expect(validatePolicyRules('OUTCOME', rulesOf(SHAANXI_OUTCOME)).tiers.map((t) => [t.minRateBp, t.shareBp])).toEqual([
      [0, 0],
      [5_000, 6_000],
      [6_500, 8_000],
      [8_000, 10_000],
    ]);
    expect(lf.assumptions).toContain('演示假设');
  });
});

describe('a bad rule is a VALIDATION error naming the field', () => {
  it.each<[string, () => unknown, string]>([
    ['missing cap', () => without(LINFEN_TRAINING, 'maxPerPersonFen'), 'rules.maxPerPersonFen'],
    ['misspelt field', () => validate(LINFEN_TRAINING, { maxPerPersonFenn: 1 }), 'rules.maxPerPersonFenn'],
    ['yuan with decimals', () => validate(LINFEN_TRAINING, { maxPerPersonFen: 4000.5 }), 'rules.maxPerPersonFen'],
    ['amount as a string', () => validate(LINFEN_ENTERPRISE_TRAINING, { amountPerPersonFen: '30000' }), 'rules.amountPerPersonFen'],
    ['negative amount', () => validate(LINFEN_ENTERPRISE_TRAINING, { amountPerPersonFen: -1 }), 'rules.amountPerPersonFen'],
    ['absurd amount', () => validate(LINFEN_ENTERPRISE_TRAINING, { amountPerPersonFen: 100_000_001 }), 'rules.amountPerPersonFen'],
    [
      'unknown level',
      () => validate(LINFEN_CERTIFICATE, { amountFenByLevel: { LEVEL_4: 60_000, LEVEL_6: 1 } }),
      'rules.amountFenByLevel.LEVEL_6',
    ],
    [
      'a higher level paying less',
      () => validate(LINFEN_CERTIFICATE, { amountFenByLevel: { LEVEL_4: 80_000, LEVEL_3: 60_000 } }),
      'rules.amountFenByLevel.LEVEL_3',
    ],
    [
      'bad tier key',
      () => validate(LINFEN_TRAINING, { amountFenByTierAndLevel: { A: { LEVEL_5: 1 } } }),
      'rules.amountFenByTierAndLevel.A',
    ],
    [
      'bad amount deep in the tier table',
      () => validate(LINFEN_TRAINING, { amountFenByTierAndLevel: { '1': { LEVEL_5: 0 } } }),
      'rules.amountFenByTierAndLevel.1.LEVEL_5',
    ],
    ['pre-payment above 50%', () => validate(FUJIAN_APPRENTICESHIP, { prepaymentShareBp: 5_001 }), 'rules.prepaymentShareBp'],
    ['attendance above 100%', () => validate(LINFEN_TRAINING, { minAttendanceRateBp: 10_001 }), 'rules.minAttendanceRateBp'],
    ['payee not allowed for the kind', () => validate(LINFEN_CERTIFICATE, { payee: 'PERSON' }), 'rules.payee'],
    ['unknown priority group', () => validate(LINFEN_TRAINING, { priorityGroups: ['ALIENS'] }), 'rules.priorityGroups.0'],
    ['empty priority list (use null for anyone)', () => validate(LINFEN_TRAINING, { priorityGroups: [] }), 'rules.priorityGroups'],
    [
      'working age max below min',
      () => validate(LINFEN_TRAINING, { workingAge: { MALE: { min: 60, max: 16 }, FEMALE: { min: 16, max: 55 } } }),
      'rules.workingAge.MALE.max',
    ],
    ['claim deadline of 0 months', () => validate(LINFEN_TRAINING, { claimWithinMonths: 0 }), 'rules.claimWithinMonths'],
    ['exclusion of an unknown scheme', () => validate(LINFEN_TRAINING, { exclusions: [{ scheme: 'LOTTERY', scope: 'EVER' }] }), 'rules.exclusions.0.scheme'],
    [
      'uplift without its contract length',
      () => validate(BAYANNUR_CLASS_HOUR, { employmentUplift: { upliftBp: 5_000, withinMonths: 6, requiresSocialInsurance: true } }),
      'rules.employmentUplift.minContractMonths',
    ],
    [
      'outcome tiers not starting at 0',
      () => validate(SHAANXI_OUTCOME, { tiers: [{ minRateBp: 5_000, shareBp: 6_000 }] }),
      'rules.tiers.0.minRateBp',
    ],
    [
      'outcome tiers out of order',
      () =>
        validate(SHAANXI_OUTCOME, {
          tiers: [
            { minRateBp: 0, shareBp: 0 },
            { minRateBp: 6_500, shareBp: 8_000 },
            { minRateBp: 5_000, shareBp: 6_000 },
          ],
        }),
      'rules.tiers.2.minRateBp',
    ],
    [
      'an outcome tier paying less than the one below',
      () =>
        validate(SHAANXI_OUTCOME, {
          tiers: [
            { minRateBp: 0, shareBp: 0 },
            { minRateBp: 5_000, shareBp: 8_000 },
            { minRateBp: 6_500, shareBp: 6_000 },
          ],
        }),
      'rules.tiers.2.shareBp',
    ],
    ['rules not an object', () => validatePolicyRules('TRAINING', [1, 2]), 'rules'],
    ['a per-level kind without the once flag', () => without(LINFEN_CERTIFICATE, 'sameOccupationAndLevelOnce'), 'rules.sameOccupationAndLevelOnce'],
    ['the once flag on a kind that does not pay per level', () => validate(BAYANNUR_CLASS_HOUR, { sameOccupationAndLevelOnce: true }), 'rules.sameOccupationAndLevelOnce'],
  ])('%s', (_name, fn, field) => {
    expect(fieldOf(fn)).toBe(field);
  });
});

describe('rules.review: the bureau levels of each claim-review step, as data', () => {
  const SINGLE_LEVEL = { review: ['CITY'], approve: ['CITY'], closeNotice: ['CITY'], pay: ['CITY'] };
  it.each<[string, unknown, Record<string, readonly string[]>]>([
    ['missing: the default, county review and city approval', undefined, DEFAULT_CLAIM_ACTION_LEVELS],
    ['single level (the city does everything)', SINGLE_LEVEL, { REVIEW: ['CITY'], APPROVE: ['CITY'], CLOSE_NOTICE: ['CITY'], PAY: ['CITY'] }],
    [
      'county review, city approval, city or province pays',
      { review: ['COUNTY', 'CITY'], approve: ['CITY'], closeNotice: ['CITY'], pay: ['CITY', 'PROVINCE'] },
      { REVIEW: ['COUNTY', 'CITY'], APPROVE: ['CITY'], CLOSE_NOTICE: ['CITY'], PAY: ['CITY', 'PROVINCE'] },
    ],
    [
      'a county both reviews and approves; the city pays',
      { review: ['COUNTY'], approve: ['COUNTY'], closeNotice: ['COUNTY'], pay: ['CITY'] },
      { REVIEW: ['COUNTY'], APPROVE: ['COUNTY'], CLOSE_NOTICE: ['COUNTY'], PAY: ['CITY'] },
    ],
    [
      'county finance pays what the province approved (pay is not ordered)',
      { review: ['CITY'], approve: ['PROVINCE'], closeNotice: ['PROVINCE'], pay: ['COUNTY'] },
      { REVIEW: ['CITY'], APPROVE: ['PROVINCE'], CLOSE_NOTICE: ['PROVINCE'], PAY: ['COUNTY'] },
    ],
  ])('%s', (_name, review, expected) => {
    expect(claimActionLevelsOf(review === undefined ? {} : { review })).toEqual(expected);
    for (const p of EXAMPLE_POLICIES) {
      const typed = review === undefined ? validate(p) : validate(p, { review });
      expect(typed.review).toEqual(expected);
    }
  });

  it.each<[string, unknown, string]>([
    ['null (omit the key for the default)', null, 'rules.review'],
    ['a list instead of the steps', ['CITY'], 'rules.review'],
    ['a step missing', { review: ['CITY'], approve: ['CITY'], closeNotice: ['CITY'] }, 'rules.review.pay'],
    ['an unknown step', { ...SINGLE_LEVEL, reject: ['CITY'] }, 'rules.review.reject'],
    ['an empty list', { ...SINGLE_LEVEL, review: [] }, 'rules.review.review'],
    ['not a list', { ...SINGLE_LEVEL, closeNotice: 'CITY' }, 'rules.review.closeNotice'],
    ['an unknown level', { ...SINGLE_LEVEL, pay: ['CITY', 'NATIONAL'] }, 'rules.review.pay.1'],
    ['a lower-case level', { ...SINGLE_LEVEL, approve: ['city'] }, 'rules.review.approve.0'],
    ['a level twice', { ...SINGLE_LEVEL, pay: ['CITY', 'CITY'] }, 'rules.review.pay'],
    ['approval below review', { ...SINGLE_LEVEL, approve: ['COUNTY'] }, 'rules.review.approve'],
    ['approval reaching below review', { ...SINGLE_LEVEL, approve: ['COUNTY', 'CITY'] }, 'rules.review.approve'],
  ])('%s → VALIDATION on %s', (_name, review, field) => {
    expect(fieldOf(() => claimActionLevelsOf({ review }))).toBe(field);
    for (const p of EXAMPLE_POLICIES) expect(fieldOf(() => validate(p, { review }))).toBe(field);
  });

  it('names the field in both languages; approval below review names the lowest review level', () => {
    try {
      claimActionLevelsOf({ review: { ...SINGLE_LEVEL, approve: ['COUNTY'] } });
      throw new Error('expected an error');
    } catch (e) {
      expect((e as DomainError).localized.zh).toContain('rules.review.approve');
      expect((e as DomainError).localized.zh).toContain('CITY');
      expect((e as DomainError).localized.en).toContain('rules.review.approve');
      expect((e as DomainError).localized.en).toContain('(CITY)');
    }
  });

  it('reads only the review key of stored rules, of any kind', () => {
    expect(claimActionLevelsOf({ payee: 'nonsense', review: SINGLE_LEVEL }).APPROVE).toEqual(['CITY']);
    expect(fieldOf(() => claimActionLevelsOf('{}'))).toBe('rules');
  });
});
