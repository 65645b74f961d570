import { describe, expect, it } from '@jest/globals';
import { storedPolicyInForce } from '../subsidy/policy';
import { checkWorkingAge, DEFAULT_TRAINING_RULES, trainingPolicyInForce, trainingRulesFrom } from './policy';

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

describe('storedPolicyInForce and trainingPolicyInForce: one choice of policy for completion, claims and employment checks', () => {
  const row = (code: string, version: number, regionCode: string, kind: string, from: string, to: string | null, bp: number, status = 'PUBLISHED') => ({
    code,
    version,
    regionCode,
    kind,
    status,
    effectiveFrom: new Date(`${from}T00:00:00Z`),
    effectiveTo: to === null ? null : to,
    rules: { minAttendanceRateBp: bp },
  });
  const rows = [
    row('LF-TRAINING', 1, '141000', 'TRAINING', '2026-01-01', null, 7000),
    row('LF-TRAINING', 2, '141000', 'TRAINING', '2026-07-01', null, 9000),
    row('LF-TRAINING', 3, '141000', 'TRAINING', '2026-01-01', null, 9500, 'DRAFT'),
    row('SX-TRAINING', 1, '140000', 'TRAINING', '2020-01-01', null, 6000, 'ACTIVE'),
    row('BYN-CLASS-HOUR', 1, '150800', 'CLASS_HOUR', '2026-01-01', '2026-06-30', 7500),
    row('BYN-CLASS-HOUR', 2, '150800', 'CLASS_HOUR', '2026-07-01', null, 8500),
    row('LH-TRAINING', 1, '150802', 'TRAINING', '2026-09-01', null, 8000),
  ];
  it.each<[string, string, string, string | null, number]>([
    // region, date → the version `code vN` completion applies and its minimum
    ['141002', '2026-03-01', 'LF-TRAINING v1', 'LF-TRAINING v1', 7000],
    ['141002', '2026-08-01', 'LF-TRAINING v2', 'LF-TRAINING v2', 9000],
    ['141000', '2026-07-01', 'LF-TRAINING v2', 'LF-TRAINING v2', 9000],
    ['140100', '2026-08-01', 'SX-TRAINING v1', 'SX-TRAINING v1', 6000],
    ['141002', '2019-12-31', '', null, 8000],
    ['150802', '2026-06-30', 'BYN-CLASS-HOUR v1', null, 7500],
    ['150802', '2026-07-01', 'BYN-CLASS-HOUR v2', null, 8500],
    ['150802', '2026-09-01', 'LH-TRAINING v1', 'LH-TRAINING v1', 8000],
  ])('%s on %s → %s', (regionCode, on, chosen, trainingClaim, bp) => {
    const p = trainingPolicyInForce(rows, regionCode, on);
    expect(p ? `${p.code} v${p.version}` : '').toBe(chosen);
    expect(trainingRulesFrom(p?.rules ?? null).minAttendanceRateBp).toBe(bp);
    const claim = storedPolicyInForce(rows, { regionCode, kind: 'TRAINING', basisDate: on });
    expect(claim ? `${claim.code} v${claim.version}` : null).toBe(trainingClaim);
    if (p?.kind === 'CLASS_HOUR') expect(storedPolicyInForce(rows, { regionCode, kind: 'CLASS_HOUR', basisDate: on })).toBe(p);
  });
  it('two codes of one kind in force: CONFLICT, as for claims', () => {
    const both = [...rows, row('LF-TRAINING-B', 1, '141000', 'TRAINING', '2026-01-01', null, 8000)];
    expect(() => trainingPolicyInForce(both, '141002', '2026-08-01')).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(() => storedPolicyInForce(both, { regionCode: '141002', kind: 'TRAINING', basisDate: '2026-08-01' })).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
  });
  it.each<[number, string | null]>([
    [9000, 'LF-TRAINING v2'],
    [8000, null],
  ])('a TRAINING and a CLASS_HOUR policy of one region: the same rules (%i bp) are fine, different ones CONFLICT', (bp, chosen) => {
    const both = [...rows, row('LF-CLASS-HOUR', 1, '141000', 'CLASS_HOUR', '2026-01-01', null, bp)];
    if (chosen) expect(trainingPolicyInForce(both, '141002', '2026-08-01')?.code).toBe('LF-TRAINING');
    else expect(() => trainingPolicyInForce(both, '141002', '2026-08-01')).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
  });
});
