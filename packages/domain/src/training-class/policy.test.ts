import { describe, expect, it } from '@jest/globals';
import { checkWorkingAge, DEFAULT_TRAINING_RULES, trainingRulesFrom } from './policy';

describe('trainingRulesFrom', () => {
  it('reads working age and attendance rate from policy rules', () => {
    expect(
      trainingRulesFrom({ workingAge: { MALE: { min: 16, max: 63 }, FEMALE: { min: 18, max: 58 } }, minAttendanceRateBp: 9000 }),
    ).toEqual({ workingAge: { MALE: { min: 16, max: 63 }, FEMALE: { min: 18, max: 58 } }, minAttendanceRateBp: 9000 });
  });
  it.each([null, undefined, 42, {}, { workingAge: { MALE: { min: 60, max: 16 } }, minAttendanceRateBp: 12_000 }])(
    'falls back to the defaults for %j',
    (rules) => {
      expect(trainingRulesFrom(rules)).toEqual(DEFAULT_TRAINING_RULES);
    },
  );
});

describe('checkWorkingAge (defaults: men 16–60, women 16–55)', () => {
  const on = '2026-11-22';
  it.each([
    ['2010-11-22', 'MALE', true, 16],
    ['2010-11-23', 'MALE', false, 15],
    ['1966-11-23', 'MALE', true, 59],
    ['1966-11-22', 'MALE', true, 60],
    ['1965-11-22', 'MALE', false, 61],
    ['1971-11-22', 'FEMALE', true, 55],
    ['1970-11-22', 'FEMALE', false, 56],
    ['1966-11-22', 'FEMALE', false, 60],
  ] as const)('born %s, %s → %s (age %i)', (birth, sex, ok, age) => {
    const r = checkWorkingAge(birth, sex, on, DEFAULT_TRAINING_RULES);
    expect(r.ok).toBe(ok);
    expect(r.age).toBe(age);
    if (!r.ok) expect(r.zh).toContain(`${age}岁`);
  });
  it('follows a policy that says otherwise', () => {
    const rules = trainingRulesFrom({ workingAge: { FEMALE: { min: 16, max: 60 } } });
    expect(checkWorkingAge('1966-11-22', 'FEMALE', on, rules).ok).toBe(true);
  });
});
