import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../shared/errors';
import type { SkillLevel } from '../certificate/skill-level';
import { type ClaimComputation, type ClaimInput, computeClaim, outcomeTierFor } from './calculator';
import type { CertificateFacts, ClaimPerson, ClassBasis, EmploymentEvidence, HistoryLine } from './facts';
import {
  BAYANNUR_CLASS_HOUR,
  EXAMPLE_POLICIES,
  FUJIAN_APPRENTICESHIP,
  LINFEN_CERTIFICATE,
  LINFEN_ENTERPRISE_TRAINING,
  LINFEN_TRAINING,
  SHAANXI_OUTCOME,
  SHANXI_SKILL_UPGRADE,
  withRules,
  ZAOZHUANG_SELF_EVALUATION,
} from './fixtures';
import { limitSlotKey } from './keys';
import { policyInForce, type SubsidyPolicy, validatePolicy } from './policy';
import { validatePolicyRules } from './rules';

// ───────────────────────────── fixtures ─────────────────────────────

const OCC = '4-10-01-05';
const LF = validatePolicy(LINFEN_TRAINING);
const BYN = validatePolicy(BAYANNUR_CLASS_HOUR);
const LF_CERT = validatePolicy(LINFEN_CERTIFICATE);
const LF_ENT = validatePolicy(LINFEN_ENTERPRISE_TRAINING);
const ZZ = validatePolicy(ZAOZHUANG_SELF_EVALUATION);
const SX_UP = validatePolicy(SHANXI_SKILL_UPGRADE);
const FJ = validatePolicy(FUJIAN_APPRENTICESHIP);
const SN = validatePolicy(SHAANXI_OUTCOME);

const CLASS: ClassBasis = {
  type: 'CLASS',
  classId: 'c1',
  occupationCode: OCC,
  occupationTier: 2,
  targetLevel: 'LEVEL_4',
  startDate: '2026-05-01',
  completedOn: '2026-06-15',
};

function cert(level: SkillLevel, issuedOn = '2026-06-20', more: Partial<CertificateFacts> = {}): CertificateFacts {
  return { number: `S0001140000012640${level.slice(-1)}0001`, occupationCode: OCC, level, issuedOn, evaluatorType: 'S', ...more };
}

function trainee(personId: string, more: Partial<ClaimPerson> = {}): ClaimPerson {
  return {
    personId,
    sex: 'FEMALE',
    ageAtStart: 30,
    priorityGroupsAtEnrollment: ['UNEMPLOYED'],
    attendanceRateBp: 9_000,
    passedAssessment: true,
    attendedMinutes: 2_400,
    certificate: cert('LEVEL_4'),
    heldCertificates: [],
    ...more,
  };
}

let serial = 0;
function paid(p: Partial<HistoryLine>): HistoryLine {
  serial += 1;
  return {
    personId: 'p1',
    scheme: 'ENTERPRISE_TRAINING',
    part: 'MAIN',
    occupationCode: null,
    level: null,
    subsidyYear: 2026,
    status: 'PAID',
    dedupKey: `ENTERPRISE_TRAINING|p1|-|-|batch:x${serial}|MAIN`,
    amountFen: 30_000,
    countsTowardLimit: true,
    limitSlot: null,
    ...p,
  };
}

/** n counted lines of the person's year, in other schemes and paid to others. */
function earlier(n: number, year = 2026, personId = 'p1'): HistoryLine[] {
  return Array.from({ length: n }, (_, i) =>
    paid({ personId, dedupKey: `ENTERPRISE_TRAINING|${personId}|-|-|batch:b${i}|MAIN`, subsidyYear: year, limitSlot: i + 1 }),
  );
}

function claim(input: Partial<ClaimInput> & Pick<ClaimInput, 'policy' | 'kind'>): ClaimComputation {
  return computeClaim({ basis: CLASS, persons: [trainee('p1')], history: [], filedOn: '2026-07-01', ...input });
}

/** The one person's outcome: the amount paid, or the rule that excluded them. */
function outcome(r: ClaimComputation): number | string {
  expect(r.lines.length + r.excluded.length).toBe(1);
  return r.lines[0]?.amountFen ?? r.excluded[0]!.rule;
}

function domainError(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

// ───────────────────────────── TRAINING (Linfen) ─────────────────────────────

describe('TRAINING: Linfen, per person by occupation tier × level, up to 4,000 yuan', () => {
  it.each<[number, SkillLevel, number]>([
    [1, 'LEVEL_5', 180_000],
    [1, 'LEVEL_1', 400_000], // the top of the ladder is the 4,000-yuan cap
    [2, 'LEVEL_4', 190_000],
    [3, 'LEVEL_3', 200_000],
    [3, 'LEVEL_5', 100_000],
  ])('tier %i, %s → %i fen', (tier, level, fen) => {
    const r = claim({ policy: LF, kind: 'TRAINING', basis: { ...CLASS, occupationTier: tier }, persons: [trainee('p1', { certificate: cert(level) })] });
    expect(outcome(r)).toBe(fen);
    expect(r.lines[0]).toMatchObject({ scheme: 'TRAINING', part: 'MAIN', payee: 'TRAINING_INSTITUTION', level, subsidyYear: 2026 });
  });

  it('caps at 4,000 yuan when a table amount is above it, and says so', () => {
    const policy = validatePolicy(
      withRules(LINFEN_TRAINING, {
        amountFenByTierAndLevel: { '1': { LEVEL_2: 380_000, LEVEL_1: 450_000 } },
      }),
    );
    const r = claim({ policy, kind: 'TRAINING', basis: { ...CLASS, occupationTier: 1 }, persons: [trainee('p1', { certificate: cert('LEVEL_1') })] });
    expect(outcome(r)).toBe(400_000);
    const steps = r.lines[0]!.explanation.steps;
    expect(steps.map((s) => s.amountFen).filter((a) => a !== undefined)).toEqual([450_000, 400_000, 400_000]);
    expect(steps.map((s) => s.zh)).toContain('超过每人最高4,000.00元,按最高额计');
    const below = claim({ policy, kind: 'TRAINING', basis: { ...CLASS, occupationTier: 1 }, persons: [trainee('p1', { certificate: cert('LEVEL_2') })] });
    expect(outcome(below)).toBe(380_000);
  });

  it.each<[number, number | string]>([
    [7_990, 'ATTENDANCE_BELOW_MINIMUM'], // 79.9%
    [7_999, 'ATTENDANCE_BELOW_MINIMUM'],
    [8_000, 190_000], // 80%
    [10_000, 190_000],
  ])('attendance %i bp → %p', (bp, expected) => {
    expect(outcome(claim({ policy: LF, kind: 'TRAINING', persons: [trainee('p1', { attendanceRateBp: bp })] }))).toBe(expected);
  });

  it.each<[string, Partial<ClaimPerson>, string]>([
    ['no certificate', { certificate: null }, 'NO_CERTIFICATE'],
    ['certificate unknown to the caller', { certificate: undefined }, 'MISSING_FACT'],
    ['certificate of another occupation', { certificate: cert('LEVEL_4', '2026-06-20', { occupationCode: '4-10-01-06' }) }, 'CERTIFICATE_OCCUPATION_MISMATCH'],
    ['certificate issued before the class started', { certificate: cert('LEVEL_4', '2026-04-30') }, 'CERTIFICATE_BEFORE_TRAINING'],
    ['failed the assessment', { passedAssessment: false }, 'ASSESSMENT_NOT_PASSED'],
    ['a man of 61 at the start', { sex: 'MALE', ageAtStart: 61 }, 'OUTSIDE_WORKING_AGE'],
  ])('%s → %s', (_name, more, rule) => {
    expect(outcome(claim({ policy: LF, kind: 'TRAINING', persons: [trainee('p1', more)] }))).toBe(rule);
  });

  it('a tier the table does not list is not subsidised', () => {
    expect(outcome(claim({ policy: LF, kind: 'TRAINING', basis: { ...CLASS, occupationTier: 4 } }))).toBe('TIER_NOT_SUBSIDISED');
  });

  it('only the listed priority groups, as recorded at enrollment', () => {
    const policy = validatePolicy(withRules(LINFEN_TRAINING, { priorityGroups: ['RURAL_MIGRANT_WORKER', 'POVERTY_RELIEF_LABOUR'] }));
    const r = claim({
      policy,
      kind: 'TRAINING',
      persons: [trainee('p1'), trainee('p2', { priorityGroupsAtEnrollment: ['RURAL_MIGRANT_WORKER'] })],
    });
    expect(r.lines.map((l) => l.personId)).toEqual(['p2']);
    expect(r.excluded).toEqual([
      {
        personId: 'p1',
        rule: 'NOT_PRIORITY_GROUP',
        zh: '报名时不属于政策规定的重点群体(农民工、脱贫劳动力)',
        en: 'At enrollment not in a priority group the policy covers (RURAL_MIGRANT_WORKER, POVERTY_RELIEF_LABOUR)',
      },
    ]);
  });

  it('explains itself: policy version, rule, inputs and every step in both languages', () => {
    const line = claim({ policy: LF, kind: 'TRAINING' }).lines[0]!;
    expect(line.dedupKey).toBe(`OCCUPATION_LEVEL|p1|${OCC}|LEVEL_4|*|MAIN`);
    expect(line.explanation.policy).toEqual({ code: 'LF-TRAINING', version: 1 });
    expect(line.explanation.rule).toBe('TRAINING.TIER_AND_LEVEL');
    expect(line.explanation.inputs).toMatchObject({
      personId: 'p1',
      classId: 'c1',
      occupationTier: 2,
      certificateLevel: 'LEVEL_4',
      attendanceRateBp: 9_000,
      filedOn: '2026-07-01',
    });
    expect(line.explanation.steps.map((s) => s.zh)).toEqual([
      '依据政策LF-TRAINING第1版(职业培训补贴(按职业分档和等级),规则TRAINING.TIER_AND_LEVEL)',
      '出勤率90.00%,达到政策要求的80.00%',
      '考核合格',
      '培训开始时30岁,在女性劳动年龄16–55岁内',
      `2026-06-20取得职业${OCC}中级工(LEVEL_4)证书S000114000001264040001`,
      `职业${OCC}属第2档,中级工(LEVEL_4)补贴标准1,900.00元`,
      '2026-07-01申领,在开班日期2026-05-01起12个月内(截至2027-05-01)',
      '2026年度第1次补贴(每人每年最多3次)',
      '本行补贴1,900.00元',
    ]);
    expect(line.explanation.steps.at(-1)).toEqual({ zh: '本行补贴1,900.00元', en: 'This line pays CNY 1,900.00', amountFen: 190_000 });
  });
});

// ───────────────────────────── cross-scheme limits ─────────────────────────────

describe('at most 3 subsidies a year, whoever receives the money', () => {
  it.each<[string, HistoryLine[], number | string, number | null]>([
    ['1st of the year', [], 190_000, 1],
    ['3rd of the year (two earlier, paid to enterprises)', earlier(2), 190_000, 3],
    ['4th of the year', earlier(3), 'YEARLY_LIMIT_REACHED', null],
    ['three in the previous year do not count', earlier(3, 2025), 190_000, 1],
    ['three, one of them rejected', [...earlier(2), paid({ status: 'REJECTED', dedupKey: 'r' })], 190_000, 3],
    ['three, one of them still pending', [...earlier(2), paid({ status: 'PENDING', dedupKey: 'q', limitSlot: 3 })], 'YEARLY_LIMIT_REACHED', null],
  ])('%s', (_name, history, expected, slot) => {
    const r = claim({ policy: LF, kind: 'TRAINING', history });
    expect(outcome(r)).toBe(expected);
    expect(r.lines[0]?.limitSlot ?? null).toBe(slot);
  });
  it('explains the 3rd and refuses the 4th in words', () => {
    const third = claim({ policy: LF, kind: 'TRAINING', history: earlier(2) }).lines[0]!;
    expect(third.explanation.steps.map((s) => s.zh)).toContain('2026年度第3次补贴(每人每年最多3次)');
    expect(third.limitKey).toBe('LIMIT|p1|2026');
    expect(claim({ policy: LF, kind: 'TRAINING', history: earlier(3) }).excluded[0]).toMatchObject({
      zh: '2026年度已有3次补贴,每人每年最多3次',
      en: 'Already 3 subsidies in 2026; at most 3 per person per year',
    });
  });
  it('counts the year of the basis date (class start), not of the filing', () => {
    const r = claim({ policy: LF, kind: 'TRAINING', basis: { ...CLASS, startDate: '2026-12-28', completedOn: '2027-01-20' }, persons: [trainee('p1', { certificate: cert('LEVEL_4', '2027-01-25') })], history: earlier(3, 2027), filedOn: '2027-02-01' });
    expect(outcome(r)).toBe(190_000);
    expect(r.lines[0]!.subsidyYear).toBe(2026);
  });
  it('applies to the enterprise staff-training subsidy too: paid to the employer, counted for the trainee', () => {
    const basis = { type: 'STAFF_TRAINING_BATCH', batchId: 'b9', trainingKind: 'SAFETY_SKILLS', occupationCode: null, startDate: '2026-05-01', completedOn: '2026-05-03' } as const;
    expect(outcome(claim({ policy: LF_ENT, kind: 'ENTERPRISE_TRAINING', basis, history: earlier(2) }))).toBe(30_000);
    expect(outcome(claim({ policy: LF_ENT, kind: 'ENTERPRISE_TRAINING', basis, history: earlier(3) }))).toBe('YEARLY_LIMIT_REACHED');
  });
});

describe('same occupation and level paid once; a higher level bars the lower', () => {
  const trainingLine = (p: Partial<HistoryLine> = {}) =>
    paid({
      scheme: 'TRAINING',
      occupationCode: OCC,
      level: 'LEVEL_4',
      dedupKey: `OCCUPATION_LEVEL|p1|${OCC}|LEVEL_4|*|MAIN`,
      amountFen: 190_000,
      ...p,
    });
  it.each<[string, HistoryLine[], number | string]>([
    ['same occupation and level already paid from another class', [trainingLine()], 'SAME_OCCUPATION_AND_LEVEL_PAID'],
    ['… and only pending', [trainingLine({ status: 'PENDING' })], 'SAME_OCCUPATION_AND_LEVEL_PAID'],
    ['… paid as a college certificate subsidy (another scheme)', [trainingLine({ scheme: 'CERTIFICATE', amountFen: 60_000 })], 'SAME_OCCUPATION_AND_LEVEL_PAID'],
    ['… but rejected', [trainingLine({ status: 'REJECTED' })], 190_000],
    ['a lower level paid before', [trainingLine({ level: 'LEVEL_5', dedupKey: 'x' })], 190_000],
    ['a higher level already subsidised', [trainingLine({ level: 'LEVEL_3', dedupKey: 'y' })], 'HIGHER_LEVEL_HELD'],
  ])('%s → %p', (_name, history, expected) => {
    expect(outcome(claim({ policy: LF, kind: 'TRAINING', history }))).toBe(expected);
  });
  it.each<[string, string, number | string]>([
    ['LEVEL_3 obtained first (March) bars the LEVEL_4 of June', '2026-03-01', 'HIGHER_LEVEL_HELD'],
    ['LEVEL_3 obtained after the LEVEL_4 does not', '2026-09-01', 190_000],
  ])('%s', (_name, issuedOn, expected) => {
    const persons = [trainee('p1', { heldCertificates: [{ occupationCode: OCC, level: 'LEVEL_3', issuedOn, number: 'S00011400000126303000009' }] })];
    const r = claim({ policy: LF, kind: 'TRAINING', persons });
    expect(outcome(r)).toBe(expected);
    if (r.excluded[0]) expect(r.excluded[0].zh).toBe('已于2026-03-01取得同职业更高等级高级工(LEVEL_3)证书 S00011400000126303000009,不再补贴中级工(LEVEL_4)');
  });
  it('the same business key comes out of any class, so the database refuses the second even when both are filed at once', () => {
    const a = claim({ policy: LF, kind: 'TRAINING' });
    const b = claim({ policy: LF, kind: 'TRAINING', basis: { ...CLASS, classId: 'c2' }, claimId: 'claim-b' });
    expect(a.lines[0]!.dedupKey).toBe(b.lines[0]!.dedupKey);
    // Once the first is stored, recomputing the second excludes the person.
    const stored = paid({ ...a.lines[0]!, status: 'PENDING', claimId: 'claim-a' });
    expect(outcome(claim({ policy: LF, kind: 'TRAINING', basis: { ...CLASS, classId: 'c2' }, claimId: 'claim-b', history: [stored] }))).toBe(
      'SAME_OCCUPATION_AND_LEVEL_PAID',
    );
  });
  it('two claims racing for the last yearly place take the same slot key, so only one can be stored', () => {
    const a = claim({ policy: LF, kind: 'TRAINING', history: earlier(2) }).lines[0]!;
    const b = claim({ policy: LF_CERT, kind: 'CERTIFICATE', basis: { type: 'CERTIFICATES', ref: 's1' }, persons: [trainee('p1', { certificate: cert('LEVEL_3'), graduatingStudent: true })], history: earlier(2) }).lines[0]!;
    expect(limitSlotKey(a.personId, a.subsidyYear, a.limitSlot!)).toBe(limitSlotKey(b.personId, b.subsidyYear, b.limitSlot!));
  });
  it('with "once" switched off the key is per class, and a second class of the same level is allowed', () => {
    const policy = validatePolicy(withRules(LINFEN_TRAINING, { sameOccupationAndLevelOnce: false }));
    const a = claim({ policy, kind: 'TRAINING' }).lines[0]!;
    expect(a.dedupKey).toBe(`TRAINING|p1|${OCC}|LEVEL_4|class:c1|MAIN`);
    const stored = paid({ ...a });
    expect(outcome(claim({ policy, kind: 'TRAINING', basis: { ...CLASS, classId: 'c2' }, history: [stored] }))).toBe(190_000);
    expect(outcome(claim({ policy, kind: 'TRAINING', history: [stored] }))).toBe('ALREADY_CLAIMED');
  });
  it('named mutual exclusions are data', () => {
    const policy = validatePolicy(withRules(LINFEN_TRAINING, { exclusions: [{ scheme: 'ENTERPRISE_TRAINING', scope: 'SAME_YEAR' }] }));
    expect(outcome(claim({ policy, kind: 'TRAINING', history: earlier(1) }))).toBe('MUTUALLY_EXCLUSIVE');
    expect(outcome(claim({ policy, kind: 'TRAINING', history: earlier(1, 2025) }))).toBe(190_000);
    expect(claim({ policy, kind: 'TRAINING', history: earlier(1) }).excluded[0]!.zh).toContain('与企业职工培训补贴同一年度不重复享受');
  });
});

// ───────────────────────────── deadlines, policy period ─────────────────────────────

describe('claims are filed within 12 months of the basis date', () => {
  it.each<[string, number | string]>([
    ['2027-05-01', 190_000], // class started 2026-05-01: the last day
    ['2027-05-02', 'CLAIM_DEADLINE_PASSED'],
    ['2028-01-01', 'CLAIM_DEADLINE_PASSED'],
  ])('filed %s → %p', (filedOn, expected) => {
    expect(outcome(claim({ policy: LF, kind: 'TRAINING', filedOn }))).toBe(expected);
  });
  it('says which deadline passed', () => {
    expect(claim({ policy: LF, kind: 'TRAINING', filedOn: '2027-05-02' }).excluded[0]).toMatchObject({
      zh: '申领日期2027-05-02已超过开班日期2026-05-01起12个月的申领期限(2027-05-01)',
    });
  });
  it('a class that started before the policy took effect is not judged by it', () => {
    const basis = { ...CLASS, startDate: '2022-06-30', completedOn: '2022-07-20' };
    const persons = [trainee('p1', { certificate: cert('LEVEL_4', '2022-07-25') })];
    expect(outcome(claim({ policy: LF, kind: 'TRAINING', basis, persons, filedOn: '2022-08-01' }))).toBe('POLICY_NOT_IN_FORCE');
  });
  it('policy selection and calculation fit together: a Yaodu class (141002) is judged by Linfen LF-TRAINING v1', () => {
    const selected = policyInForce(EXAMPLE_POLICIES.map(validatePolicy), { regionCode: '141002', kind: 'TRAINING', basisDate: CLASS.startDate });
    expect(selected?.code).toBe('LF-TRAINING');
    expect(outcome(claim({ policy: selected as SubsidyPolicy, kind: 'TRAINING' }))).toBe(190_000);
  });
});

// ───────────────────────────── determinism ─────────────────────────────

describe('deterministic and idempotent', () => {
  const persons = ['p3', 'p10', 'p1', 'p2'].map((id) => trainee(id, id === 'p2' ? { attendanceRateBp: 7_000 } : {}));
  it('orders lines and exclusions by person id, whatever the input order', () => {
    const r = claim({ policy: LF, kind: 'TRAINING', persons });
    expect(r.lines.map((l) => l.personId)).toEqual(['p1', 'p10', 'p3']);
    expect(r.excluded.map((e) => e.personId)).toEqual(['p2']);
    expect(r.totalFen).toBe(570_000);
    expect(claim({ policy: LF, kind: 'TRAINING', persons: [...persons].reverse() })).toEqual(r);
  });
  it('recomputing a claim ignores its own stored lines and yields identical lines', () => {
    const first = claim({ policy: LF, kind: 'TRAINING', persons, claimId: 'claim-1', history: earlier(2, 2026, 'p3') });
    const stored = first.lines.map((l) => paid({ ...l, status: 'PENDING', claimId: 'claim-1' }));
    const again = claim({ policy: LF, kind: 'TRAINING', persons, claimId: 'claim-1', history: [...earlier(2, 2026, 'p3'), ...stored] });
    expect(again).toEqual(first);
    // Without the claim id the same lines are (rightly) duplicates.
    const other = claim({ policy: LF, kind: 'TRAINING', persons, claimId: 'claim-2', history: stored });
    expect(other.lines).toEqual([]);
  });
  it('refuses a person twice in one claim', () => {
    expect(domainError(() => claim({ policy: LF, kind: 'TRAINING', persons: [trainee('p1'), trainee('p1')] })).details).toMatchObject({
      field: 'persons',
      personId: 'p1',
    });
  });
  it('refuses a policy or basis that does not fit the claim kind', () => {
    expect(domainError(() => claim({ policy: BYN, kind: 'TRAINING' })).details).toMatchObject({ field: 'kind' });
    expect(domainError(() => claim({ policy: LF_CERT, kind: 'CERTIFICATE' })).details).toMatchObject({ field: 'basis.type' });
    expect(domainError(() => claim({ policy: LF, kind: 'TRAINING', filedOn: '2026-13-01' })).details).toMatchObject({ field: 'filedOn' });
  });
});

// ───────────────────────────── CLASS_HOUR and the employment uplift (Bayannur) ─────────────────────────────

describe('CLASS_HOUR: Bayannur, fen per class hour attended', () => {
  const basis: ClassBasis = { ...CLASS, classId: 'c9', occupationTier: 1, targetLevel: null, startDate: '2026-02-01', completedOn: '2026-03-31' };
  it.each<[number, number, number, string]>([
    [1, 2_400, 60_000, '40 hours × 15 yuan'],
    [2, 2_430, 48_600, '40.5 hours × 12 yuan'],
    [3, 25, 417, '25/60 hour × 10 yuan = 4.1666… → 4.17'],
    [3, 2_401, 40_017, '2401/60 × 10 = 400.1666… → 400.17'],
    [1, 15_000, 300_000, '250 hours counted as the 200-hour maximum'],
  ])('tier %i, %i minutes → %i fen (%s)', (tier, minutes, fen) => {
    const r = claim({ policy: BYN, kind: 'CLASS_HOUR', basis: { ...basis, occupationTier: tier }, persons: [trainee('p1', { attendedMinutes: minutes })], filedOn: '2026-04-10' });
    expect(outcome(r)).toBe(fen);
  });
  it('applies the per-person cap after the hours', () => {
    const policy = validatePolicy(withRules(BAYANNUR_CLASS_HOUR, { maxPerPersonFen: 50_000 }));
    expect(outcome(claim({ policy, kind: 'CLASS_HOUR', basis, filedOn: '2026-04-10' }))).toBe(50_000);
  });
  it.each<[number, number | string]>([
    [7_990, 'ATTENDANCE_BELOW_MINIMUM'],
    [8_000, 60_000],
  ])('attendance %i bp → %p', (bp, expected) => {
    expect(outcome(claim({ policy: BYN, kind: 'CLASS_HOUR', basis, persons: [trainee('p1', { attendanceRateBp: bp })], filedOn: '2026-04-10' }))).toBe(expected);
  });
  it('explains the arithmetic', () => {
    const line = claim({ policy: BYN, kind: 'CLASS_HOUR', basis: { ...basis, occupationTier: 3 }, persons: [trainee('p1', { attendedMinutes: 25 })], filedOn: '2026-04-10' }).lines[0]!;
    expect(line.explanation.steps.map((s) => s.zh)).toContain('职业第3档每课时10.00元:25分钟 ÷ 每课时60分钟 × 10.00元 = 4.17元(四舍五入到分)');
    expect(line.dedupKey).toBe(`CLASS_HOUR|p1|${OCC}|-|class:c9|MAIN`);
  });
});

describe('EMPLOYMENT_UPLIFT: +50% of the approved base, as a supplementary line', () => {
  // Completed 31 March 2026: the window runs to 30 September 2026 inclusive.
  const basis: ClassBasis = { ...CLASS, classId: 'c9', occupationTier: 1, targetLevel: null, startDate: '2026-02-01', completedOn: '2026-03-31' };
  const baseKey = `CLASS_HOUR|p1|${OCC}|-|class:c9|MAIN`;
  const base = (p: Partial<HistoryLine> = {}) =>
    paid({ scheme: 'CLASS_HOUR', occupationCode: OCC, dedupKey: baseKey, amountFen: 60_001, policy: { code: 'BYN-CLASS-HOUR', version: 1 }, ...p });
  const job = (signedOn: string, endsOn: string | null, si = [`${signedOn.slice(0, 4)}${signedOn.slice(5, 7)}`]): EmploymentEvidence => ({
    employerName: '河套食品公司',
    signedOn,
    startsOn: signedOn,
    endsOn,
    socialInsuranceMonths: si,
  });
  const uplift = (employment: EmploymentEvidence[], history: HistoryLine[] = [base()], filedOn = '2026-10-20') =>
    claim({ policy: BYN, kind: 'EMPLOYMENT_UPLIFT', basis, persons: [{ personId: 'p1', employment }], history, filedOn });

  it.each<[string, EmploymentEvidence[], number | string]>([
    ['signed exactly 6 months after completion (30 September)', [job('2026-09-30', null)], 30_001],
    ['signed one day later (1 October)', [job('2026-10-01', null)], 'EMPLOYMENT_NOT_CONFIRMED'],
    ['a contract of exactly 12 months', [job('2026-05-15', '2027-05-14')], 30_001],
    ['a contract one day short of 12 months', [job('2026-05-15', '2027-05-13')], 'EMPLOYMENT_NOT_CONFIRMED'],
    ['no social insurance paid', [job('2026-05-15', '2027-05-14', [])], 'EMPLOYMENT_NOT_CONFIRMED'],
  ])('%s → %p', (_name, employment, expected) => {
    expect(outcome(uplift(employment))).toBe(expected);
  });
  it('rounds 50% of 600.01 yuan half up to 300.01 and keeps the line apart from the base', () => {
    const line = uplift([job('2026-05-15', '2027-05-14')]).lines[0]!;
    expect(line).toMatchObject({
      scheme: 'CLASS_HOUR',
      part: 'EMPLOYMENT_UPLIFT',
      amountFen: 30_001,
      dedupKey: `CLASS_HOUR|p1|${OCC}|-|class:c9|EMPLOYMENT_UPLIFT`,
      countsTowardLimit: false,
      limitKey: null,
      limitSlot: null,
    });
    expect(line.explanation.rule).toBe('CLASS_HOUR.EMPLOYMENT_UPLIFT');
    expect(line.explanation.inputs).toMatchObject({ baseAmountFen: 60_001, contractMonths: 12, socialInsuranceMonth: '202605' });
    expect(line.explanation.steps.map((s) => s.zh)).toContain('就业后上浮50%:600.01元 × 50% = 300.01元(四舍五入到分,作为补充行发放)');
  });
  it('is paid even to a person at the yearly limit: it supplements a subsidy already counted', () => {
    expect(outcome(uplift([job('2026-05-15', null)], [base(), ...earlier(3)]))).toBe(30_001);
  });
  it.each<[string, HistoryLine[], string]>([
    ['no base line', [], 'BASE_NOT_APPROVED'],
    ['base still pending review', [base({ status: 'PENDING' })], 'BASE_NOT_APPROVED'],
    ['base rejected', [base({ status: 'REJECTED' })], 'BASE_NOT_APPROVED'],
    ['base decided under another version', [base({ policy: { code: 'BYN-CLASS-HOUR', version: 2 } })], 'BASE_UNDER_OTHER_POLICY'],
    [
      'uplift already claimed',
      [base(), base({ part: 'EMPLOYMENT_UPLIFT', dedupKey: `CLASS_HOUR|p1|${OCC}|-|class:c9|EMPLOYMENT_UPLIFT`, amountFen: 30_001 })],
      'ALREADY_CLAIMED',
    ],
  ])('%s → %s', (_name, history, rule) => {
    expect(outcome(uplift([job('2026-05-15', null)], history))).toBe(rule);
  });
  it('its deadline runs 12 months from the contract signing', () => {
    expect(outcome(uplift([job('2026-09-30', null)], [base()], '2027-09-30'))).toBe(30_001);
    expect(outcome(uplift([job('2026-09-30', null)], [base()], '2027-10-01'))).toBe('CLAIM_DEADLINE_PASSED');
  });
  it('a policy without an uplift cannot be asked for one', () => {
    const policy = validatePolicy(withRules(BAYANNUR_CLASS_HOUR, { employmentUplift: null }));
    expect(domainError(() => claim({ policy, kind: 'EMPLOYMENT_UPLIFT', basis })).code).toBe('INELIGIBLE');
  });
});

// ───────────────────────────── certificate kinds ─────────────────────────────

describe('CERTIFICATE: Linfen colleges, 600 yuan LEVEL_4, 800 yuan LEVEL_3', () => {
  const basis = { type: 'CERTIFICATES', ref: 'session-2026-06' } as const;
  const student = (level: SkillLevel, more: Partial<ClaimPerson> = {}) =>
    ({ personId: 'p1', certificate: cert(level), heldCertificates: [], graduatingStudent: true, ...more }) satisfies ClaimPerson;
  it.each<[SkillLevel, number | string]>([
    ['LEVEL_4', 60_000],
    ['LEVEL_3', 80_000],
    ['LEVEL_5', 'LEVEL_NOT_SUBSIDISED'],
  ])('%s → %p', (level, expected) => {
    const r = claim({ policy: LF_CERT, kind: 'CERTIFICATE', basis, persons: [student(level)] });
    expect(outcome(r)).toBe(expected);
    if (r.lines[0]) expect(r.lines[0]).toMatchObject({ payee: 'VOCATIONAL_COLLEGE', basisDate: '2026-06-20', basisRef: `certificate:${cert(level).number}` });
  });
  it('only graduating-year students', () => {
    expect(outcome(claim({ policy: LF_CERT, kind: 'CERTIFICATE', basis, persons: [student('LEVEL_4', { graduatingStudent: false })] }))).toBe('NOT_GRADUATING_STUDENT');
  });
  it('the deadline runs from the issue date', () => {
    expect(outcome(claim({ policy: LF_CERT, kind: 'CERTIFICATE', basis, persons: [student('LEVEL_4')], filedOn: '2027-06-20' }))).toBe(60_000);
    expect(outcome(claim({ policy: LF_CERT, kind: 'CERTIFICATE', basis, persons: [student('LEVEL_4')], filedOn: '2027-06-21' }))).toBe('CLAIM_DEADLINE_PASSED');
  });
  it('refuses rather than guesses when the caller did not give the certificates the person holds', () => {
    const r = claim({ policy: LF_CERT, kind: 'CERTIFICATE', basis, persons: [student('LEVEL_4', { heldCertificates: undefined })] });
    expect(r.excluded[0]).toMatchObject({ rule: 'MISSING_FACT', en: 'The fact heldCertificates is missing; no subsidy is computed without it' });
  });
  it('a LEVEL_4 already paid as a training subsidy is not paid again to the college', () => {
    const training = claim({ policy: LF, kind: 'TRAINING' }).lines[0]!;
    const r = claim({ policy: LF_CERT, kind: 'CERTIFICATE', basis, persons: [student('LEVEL_4')], history: [paid({ ...training })] });
    expect(r.excluded[0]).toMatchObject({ rule: 'SAME_OCCUPATION_AND_LEVEL_PAID' });
    expect(r.excluded[0]!.zh).toContain('同一职业同一等级只补贴一次');
  });
});

describe('ENTERPRISE_SELF_EVALUATION (Zaozhuang) and SKILL_UPGRADE (1,000 / 1,500 / 2,000 yuan)', () => {
  const basis = { type: 'CERTIFICATES', ref: 'batch-7' } as const;
  it.each<['Y' | 'S', number | string]>([
    ['Y', 150_000],
    ['S', 'NOT_SELF_EVALUATED'],
  ])('evaluator %s → %p', (evaluatorType, expected) => {
    const persons = [{ personId: 'p1', certificate: cert('LEVEL_4', '2026-06-20', { evaluatorType }), heldCertificates: [] }];
    const r = claim({ policy: ZZ, kind: 'ENTERPRISE_SELF_EVALUATION', basis, persons });
    expect(outcome(r)).toBe(expected);
    if (r.lines[0]) expect(r.lines[0].payee).toBe('ENTERPRISE');
  });
  it.each<[SkillLevel, number, number | string]>([
    ['LEVEL_5', 36, 100_000],
    ['LEVEL_4', 36, 150_000],
    ['LEVEL_3', 12, 200_000],
    ['LEVEL_3', 11, 'INSURED_MONTHS_BELOW_MINIMUM'],
    ['LEVEL_2', 36, 'LEVEL_NOT_SUBSIDISED'],
  ])('%s, insured %i months → %p', (level, insuredMonths, expected) => {
    const r = claim({ policy: SX_UP, kind: 'SKILL_UPGRADE', basis, persons: [{ personId: 'p1', certificate: cert(level), heldCertificates: [], insuredMonths }] });
    expect(outcome(r)).toBe(expected);
    if (r.lines[0]) expect(r.lines[0].payee).toBe('PERSON');
  });
});

describe('ENTERPRISE_TRAINING: Linfen, 300 yuan per person to the enterprise', () => {
  const basis = { type: 'STAFF_TRAINING_BATCH', batchId: 'b1', trainingKind: 'PRE_JOB', occupationCode: null, startDate: '2026-05-01', completedOn: '2026-05-03' } as const;
  it('pays 300 yuan per trainee who attended enough', () => {
    const r = claim({ policy: LF_ENT, kind: 'ENTERPRISE_TRAINING', basis, persons: [trainee('p1'), trainee('p2', { attendanceRateBp: 7_990 })] });
    expect(r.lines.map((l) => [l.personId, l.amountFen, l.payee, l.dedupKey])).toEqual([['p1', 30_000, 'ENTERPRISE', 'ENTERPRISE_TRAINING|p1|-|-|batch:b1|MAIN']]);
    expect(r.excluded.map((e) => e.rule)).toEqual(['ATTENDANCE_BELOW_MINIMUM']);
  });
  it('a training kind the policy does not cover is refused as a whole', () => {
    const policy = validatePolicy(withRules(LINFEN_ENTERPRISE_TRAINING, { trainingKinds: ['SAFETY_SKILLS'] }));
    expect(domainError(() => claim({ policy, kind: 'ENTERPRISE_TRAINING', basis })).code).toBe('INELIGIBLE');
  });
});

// ───────────────────────────── APPRENTICESHIP ─────────────────────────────

describe('APPRENTICESHIP: per apprentice per year, 50% pre-paid, claw-back on non-completion', () => {
  const basis = { type: 'APPRENTICESHIPS', ref: 'enterprise-42-2026' } as const;
  const apprentice = (more: Partial<NonNullable<ClaimPerson['apprenticeship']>> = {}): ClaimPerson =>
    trainee('p1', {
      apprenticeship: {
        apprenticeshipId: 'a1',
        occupationCode: OCC,
        targetLevel: 'LEVEL_4',
        yearIndex: 1,
        yearStartsOn: '2026-03-01',
        yearEndsOn: '2027-02-28',
        status: 'IN_PROGRESS',
        endedOn: null,
        ...more,
      },
    });
  const grantKey = `APPRENTICESHIP|p1|${OCC}|LEVEL_4|apprenticeship:a1:year:1|GRANT`;
  const prepaid = (p: Partial<HistoryLine> = {}) =>
    paid({ scheme: 'APPRENTICESHIP', part: 'PREPAYMENT', occupationCode: OCC, level: 'LEVEL_4', dedupKey: grantKey, amountFen: 250_000, ...p });
  const prepay = (person = apprentice(), history: HistoryLine[] = []) =>
    claim({ policy: FJ, kind: 'APPRENTICESHIP_PREPAYMENT', basis, persons: [person], history, filedOn: '2026-03-15' });
  const settle = (person: ClaimPerson, history: HistoryLine[], filedOn = '2027-03-15', policy = FJ) =>
    claim({ policy, kind: 'APPRENTICESHIP_SETTLEMENT', basis, persons: [person], history, filedOn });

  it.each<[SkillLevel, number | string]>([
    ['LEVEL_4', 250_000], // 50% of 5,000 yuan
    ['LEVEL_3', 300_000], // 50% of 6,000 yuan
    ['LEVEL_5', 'LEVEL_NOT_SUBSIDISED'],
  ])('pre-payment for %s → %p', (targetLevel, expected) => {
    expect(outcome(prepay(apprentice({ targetLevel })))).toBe(expected);
  });
  it('the pre-payment is the counted subsidy of the year, keyed GRANT', () => {
    const line = prepay().lines[0]!;
    expect(line).toMatchObject({ part: 'PREPAYMENT', dedupKey: grantKey, countsTowardLimit: true, subsidyYear: 2026, payee: 'ENTERPRISE' });
    expect(outcome(prepay(apprentice(), earlier(3)))).toBe('YEARLY_LIMIT_REACHED');
    expect(outcome(prepay(apprentice(), [prepaid()]))).toBe('ALREADY_CLAIMED');
    expect(outcome(prepay(apprentice({ yearIndex: 3 })))).toBe('APPRENTICESHIP_YEAR_NOT_COVERED');
  });
  it('completed: the balance is the yearly amount less the pre-payment, not counted again', () => {
    const r = settle(apprentice({ status: 'COMPLETED' }), [prepaid(), ...earlier(2)]);
    expect(r.lines[0]).toMatchObject({
      part: 'BALANCE',
      amountFen: 250_000,
      countsTowardLimit: false,
      dedupKey: `APPRENTICESHIP|p1|${OCC}|LEVEL_4|apprenticeship:a1:year:1|SETTLEMENT`,
    });
  });
  it('an odd yearly amount: pre-payment rounded half up, the balance makes up the exact total', () => {
    const policy = validatePolicy(withRules(FUJIAN_APPRENTICESHIP, { amountFenPerYearByLevel: { LEVEL_4: 500_001, LEVEL_3: 600_000 } }));
    const pre = claim({ policy, kind: 'APPRENTICESHIP_PREPAYMENT', basis, persons: [apprentice()], filedOn: '2026-03-15' }).lines[0]!;
    expect(pre.amountFen).toBe(250_001); // 250,000.5 → 250,001
    const bal = settle(apprentice({ status: 'COMPLETED' }), [prepaid({ amountFen: pre.amountFen })], '2027-03-15', policy).lines[0]!;
    expect(pre.amountFen + bal.amountFen).toBe(500_001);
  });
  it('completed without a pre-payment: the full amount, counted', () => {
    expect(settle(apprentice({ status: 'COMPLETED' }), []).lines[0]).toMatchObject({ part: 'MAIN', amountFen: 500_000, countsTowardLimit: true, dedupKey: grantKey });
  });
  it('not completed: the pre-payment is clawed back as a negative line, whatever the date or the yearly count', () => {
    const r = settle(apprentice({ status: 'TERMINATED', endedOn: '2026-09-30' }), [prepaid(), ...earlier(3)], '2029-01-01');
    expect(r.lines[0]).toMatchObject({ part: 'CLAWBACK', amountFen: -250_000, countsTowardLimit: false });
    expect(r.totalFen).toBe(-250_000);
    expect(r.lines[0]!.explanation.steps.at(-1)).toEqual({ zh: '本行追回2,500.00元', en: 'This line claws back CNY 2,500.00', amountFen: -250_000 });
  });
  it.each<[string, ClaimPerson, HistoryLine[], string]>([
    ['terminated, nothing pre-paid', apprentice({ status: 'TERMINATED', endedOn: '2026-09-30' }), [], 'NOT_COMPLETED'],
    ['still running', apprentice(), [prepaid()], 'APPRENTICESHIP_NOT_ENDED'],
    ['pre-payment not approved yet', apprentice({ status: 'COMPLETED' }), [prepaid({ status: 'PENDING' })], 'PREPAYMENT_NOT_APPROVED'],
    [
      'already settled',
      apprentice({ status: 'COMPLETED' }),
      [prepaid(), prepaid({ part: 'BALANCE', dedupKey: `APPRENTICESHIP|p1|${OCC}|LEVEL_4|apprenticeship:a1:year:1|SETTLEMENT` })],
      'ALREADY_CLAIMED',
    ],
    ['already paid in full', apprentice({ status: 'COMPLETED' }), [prepaid({ part: 'MAIN', amountFen: 500_000 })], 'ALREADY_CLAIMED'],
  ])('%s → %s', (_name, person, history, rule) => {
    expect(outcome(settle(person, history))).toBe(rule);
  });
  it('a policy that pre-pays nothing cannot be asked for a pre-payment', () => {
    const policy = validatePolicy(withRules(FUJIAN_APPRENTICESHIP, { prepaymentShareBp: 0 }));
    expect(domainError(() => claim({ policy, kind: 'APPRENTICESHIP_PREPAYMENT', basis })).code).toBe('INELIGIBLE');
  });
});

// ───────────────────────────── OUTCOME tiers ─────────────────────────────

describe('OUTCOME: share of the base by class employment rate (<50% → 0, 50% → 60%, 65% → 80%, 80% → 100%)', () => {
  const { tiers } = validatePolicyRules('OUTCOME', SHAANXI_OUTCOME.rules);
  it.each<[number, number]>([
    [0, 0],
    [4_999, 0],
    [5_000, 6_000],
    [6_499, 6_000],
    [6_500, 8_000],
    [7_999, 8_000],
    [8_000, 10_000],
    [10_000, 10_000],
  ])('rate %i bp → share %i bp', (rate, share) => {
    expect(outcomeTierFor(tiers, rate).shareBp).toBe(share);
  });

  const basis: ClassBasis = { ...CLASS, startDate: '2026-03-01', completedOn: '2026-04-30' };
  const job: EmploymentEvidence = { employerName: null, signedOn: '2026-06-01', startsOn: '2026-06-01', endsOn: null, socialInsuranceMonths: ['202606'] };
  /** A class of 20 who all completed, `employed` of them employed. */
  const roster = (employed: number): ClaimPerson[] =>
    Array.from({ length: 20 }, (_, i) => trainee(`p${String(i + 1).padStart(2, '0')}`, { employment: i < employed ? [job] : [] }));
  const run = (persons: ClaimPerson[], filedOn = '2026-11-01') => claim({ policy: SN, kind: 'OUTCOME', basis, persons, filedOn });

  it.each<[number, number, number | null]>([
    [9, 4_500, null], // 45% → nothing
    [10, 5_000, 90_000], // exactly 50% → 60% of 1,500 yuan
    [12, 6_000, 90_000],
    [13, 6_500, 120_000], // exactly 65% → 80%
    [15, 7_500, 120_000],
    [16, 8_000, 150_000], // exactly 80% → 100%
    [20, 10_000, 150_000],
  ])('%i of 20 employed (%i bp) → %p fen each', (employed, rate, fen) => {
    const r = run(roster(employed));
    expect(r.facts.classEmploymentRateBp).toBe(rate);
    if (fen === null) {
      expect(r.lines).toEqual([]);
      expect(new Set(r.excluded.map((e) => e.rule))).toEqual(new Set(['OUTCOME_TIER_ZERO']));
    } else {
      expect(r.lines).toHaveLength(20);
      expect(new Set(r.lines.map((l) => l.amountFen))).toEqual(new Set([fen]));
      expect(r.totalFen).toBe(20 * fen);
    }
  });
  it('counts only trainees who completed; the others are excluded and not in the rate', () => {
    const persons = [...roster(10), trainee('p99', { attendanceRateBp: 7_990 })];
    const r = run(persons);
    expect(r.facts).toMatchObject({ completedCount: 20, employedCount: 10, classEmploymentRateBp: 5_000 });
    expect(r.excluded).toEqual([expect.objectContaining({ personId: 'p99', rule: 'ATTENDANCE_BELOW_MINIMUM' })]);
    expect(r.lines[0]!.explanation.steps.map((s) => s.zh)).toContain('本班结业20人,结业后6个月内(至2026-10-30)就业10人,就业率50.00%');
  });
  it('can only be claimed once the employment window has closed, and within 12 months of that', () => {
    expect(run(roster(20), '2026-10-29').excluded[0]!.rule).toBe('NOT_YET_CLAIMABLE');
    expect(run(roster(20), '2026-10-30').lines).toHaveLength(20);
    expect(run(roster(20), '2027-10-30').lines).toHaveLength(20);
    expect(run(roster(20), '2027-10-31').excluded[0]!.rule).toBe('CLAIM_DEADLINE_PASSED');
  });
  it('needs every trainee’s completion facts to compute the rate', () => {
    expect(domainError(() => run([...roster(10), trainee('p99', { attendanceRateBp: undefined })])).details).toMatchObject({
      field: 'attendanceRateBp',
      personId: 'p99',
    });
  });
});
