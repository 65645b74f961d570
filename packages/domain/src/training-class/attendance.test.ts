import { describe, expect, it } from '@jest/globals';
import {
  attendanceRateBp,
  checkSession,
  completionCertificateNumber,
  completionSerialKey,
  COMPLETION_CERTIFICATE_NUMBER,
  type CompletionEnrollment,
  type CompletionResultInput,
  decideTraineeCompletion,
  formatRateBp,
  formatSessionTime,
  formatScore,
  isCompletionEligible,
  MAX_ATTENDANCE_RECORDS_PER_CALL,
  planClassCompletion,
  scoreHundredths,
  validateAttendanceRecords,
  validateSession,
} from './attendance';
import { DomainError } from '../shared/errors';
import { DEFAULT_TRAINING_RULES } from './policy';

function domainError(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('attendanceRateBp: attended minutes / all session minutes, basis points rounded down', () => {
  it.each<[number, number, number]>([
    [360, 480, 7500], // present at 3 of 4 sessions of 120 min
    [480, 480, 10_000],
    [0, 480, 0],
    [0, 0, 0], // no sessions held
    [350, 480, 7291], // 72.916…% → 7291
    [1, 3, 3333],
    [2, 3, 6666], // 66.66…% rounds down, never up
    [479, 480, 9979],
    [3839, 4800, 7997], // 79.979…%: below 80% even though it would round to 80.0%
    [3840, 4800, 8000],
  ])('%i of %i minutes → %i bp', (attended, total, bp) => {
    expect(attendanceRateBp(attended, total)).toBe(bp);
  });
  it.each<[number, number]>([
    [-1, 10],
    [1.5, 10],
    [11, 10],
    [Number.NaN, 10],
  ])('rejects %p of %p', (attended, total) => {
    expect(() => attendanceRateBp(attended, total)).toThrow(RangeError);
  });
  it('formats basis points as a percentage', () => {
    expect([7291, 8000, 10_000, 5].map(formatRateBp)).toEqual(['72.91%', '80.00%', '100.00%', '0.05%']);
  });
});

describe('isCompletionEligible (policy minimum, default 8000 bp)', () => {
  it.each<[number, number, boolean]>([
    [8000, 8000, true],
    [7999, 8000, false],
    [10_000, 8000, true],
    [7500, 7000, true],
    [6999, 7000, false],
    [0, 0, true],
  ])('%i bp against a minimum of %i → %s', (rate, min, ok) => {
    expect(isCompletionEligible(rate, { minAttendanceRateBp: min })).toBe(ok);
  });
  it('uses the default 80% when no policy says otherwise', () => {
    expect(isCompletionEligible(7999, DEFAULT_TRAINING_RULES)).toBe(false);
    expect(isCompletionEligible(8000, DEFAULT_TRAINING_RULES)).toBe(true);
  });
});

describe('sessions', () => {
  const period = { startDate: '2026-11-01', endDate: '2026-11-30' };
  // Beijing time is UTC+8: 09:00 Beijing = 01:00Z.
  const at = (s: string) => new Date(s);

  it('counts the whole minutes between start and end unless told', () => {
    expect(
      validateSession({ date: '2026-11-05', startsAt: at('2026-11-05T09:00:00+08:00'), endsAt: at('2026-11-05T11:00:00+08:00') }, period),
    ).toEqual({ date: '2026-11-05', startsAt: at('2026-11-05T01:00:00Z'), endsAt: at('2026-11-05T03:00:00Z'), minutes: 120 });
    expect(
      validateSession(
        { date: '2026-11-05', startsAt: at('2026-11-05T08:00:00+08:00'), endsAt: at('2026-11-05T17:30:00+08:00'), minutes: 450 },
        period,
      ).minutes,
    ).toBe(450); // a 9½-hour day with a lunch break counts 7½ class hours
    expect(
      validateSession({ date: '2026-11-05', startsAt: at('2026-11-05T09:00:00+08:00'), endsAt: at('2026-11-05T09:45:59+08:00') }, period)
        .minutes,
    ).toBe(45);
  });

  it.each<[string, string, string, string, number | null, string, RegExp]>([
    ['end before start', '2026-11-05', '2026-11-05T11:00:00+08:00', '2026-11-05T09:00:00+08:00', null, 'endsAt', /晚于开始/],
    ['end equals start', '2026-11-05', '2026-11-05T09:00:00+08:00', '2026-11-05T09:00:00+08:00', null, 'endsAt', /晚于开始/],
    ['not a real date', '2026-11-31', '2026-11-30T09:00:00+08:00', '2026-11-30T11:00:00+08:00', null, 'date', /有效日期/],
    ['before the class starts', '2026-10-31', '2026-10-31T09:00:00+08:00', '2026-10-31T11:00:00+08:00', null, 'date', /不在培训期/],
    ['after the class ends', '2026-12-01', '2026-12-01T09:00:00+08:00', '2026-12-01T11:00:00+08:00', null, 'date', /不在培训期/],
    // 2026-11-05 07:00 Beijing is 2026-11-04 23:00 UTC: the Beijing date is what counts.
    ['start on another Beijing date', '2026-11-05', '2026-11-04T23:30:00+08:00', '2026-11-05T01:00:00+08:00', null, 'startsAt', /开始时间不在/],
    ['end on the next Beijing date', '2026-11-05', '2026-11-05T22:00:00+08:00', '2026-11-06T00:30:00+08:00', null, 'endsAt', /结束时间不在/],
    ['more than 8 class hours', '2026-11-05', '2026-11-05T08:00:00+08:00', '2026-11-05T16:01:00+08:00', null, 'minutes', /最多计8学时/],
    ['counted minutes beyond the length', '2026-11-05', '2026-11-05T09:00:00+08:00', '2026-11-05T11:00:00+08:00', 121, 'minutes', /超过课时长度/],
    ['counted minutes not whole', '2026-11-05', '2026-11-05T09:00:00+08:00', '2026-11-05T11:00:00+08:00', 90.5, 'minutes', /整数/],
    ['shorter than a minute', '2026-11-05', '2026-11-05T09:00:00+08:00', '2026-11-05T09:00:30+08:00', null, 'minutes', /至少1分钟/],
  ])('rejects %s', (_name, date, startsAt, endsAt, minutes, field, zh) => {
    const e = domainError(() => validateSession({ date, startsAt: at(startsAt), endsAt: at(endsAt), minutes }, period));
    expect(e.code).toBe('VALIDATION');
    expect(e.details?.field).toBe(field);
    expect(e.localized.zh).toMatch(zh);
  });

  it('accepts exactly 8 class hours and a session on the first and last day', () => {
    expect(
      checkSession({ date: '2026-11-01', startsAt: at('2026-11-01T08:00:00+08:00'), endsAt: at('2026-11-01T16:00:00+08:00') }, period),
    ).toEqual([]);
    expect(
      checkSession({ date: '2026-11-30', startsAt: at('2026-11-30T19:00:00+08:00'), endsAt: at('2026-11-30T21:00:00+08:00') }, period),
    ).toEqual([]);
  });

  it('reports every issue at once', () => {
    const issues = checkSession(
      { date: '2026-12-05', startsAt: at('2026-12-04T09:00:00+08:00'), endsAt: at('2026-12-04T19:00:00+08:00') },
      period,
    );
    expect(issues.map((i) => i.field)).toEqual(['date', 'startsAt', 'endsAt', 'minutes']);
  });
});

describe('formatSessionTime (Beijing time)', () => {
  it.each<[string, string, string]>([
    ['2026-11-05T01:00:00Z', '2026-11-05T03:00:00Z', '2026-11-05 09:00–11:00'],
    ['2026-11-04T16:00:00Z', '2026-11-04T17:30:00Z', '2026-11-05 00:00–01:30'],
    ['2026-11-05T15:00:00Z', '2026-11-05T16:30:00Z', '2026-11-05 23:00–2026-11-06 00:30'],
  ])('%s to %s → %s', (s, e, label) => {
    expect(formatSessionTime(new Date(s), new Date(e))).toBe(label);
  });
});

describe('validateAttendanceRecords', () => {
  it('defaults to manual records and trims evidence', () => {
    expect(
      validateAttendanceRecords([
        { enrollmentId: 'e1', present: true },
        { enrollmentId: 'e2', present: true, method: 'FACE', evidenceRef: '  face-2026-0001 ' },
        { enrollmentId: 'e3', present: false, method: 'MANUAL', evidenceRef: '' },
      ]),
    ).toEqual([
      { enrollmentId: 'e1', present: true, method: 'MANUAL', evidenceRef: null },
      { enrollmentId: 'e2', present: true, method: 'FACE', evidenceRef: 'face-2026-0001' },
      { enrollmentId: 'e3', present: false, method: 'MANUAL', evidenceRef: null },
    ]);
  });
  it.each<[string, Parameters<typeof validateAttendanceRecords>[0], string, number | undefined, RegExp]>([
    ['no records', [], 'records', undefined, /没有考勤记录/],
    ['a face check-in without evidence', [{ enrollmentId: 'e1', present: true }, { enrollmentId: 'e2', present: true, method: 'FACE' }], 'evidenceRef', 2, /人脸识别签到须附/],
    ['a QR check-in with blank evidence', [{ enrollmentId: 'e1', present: true, method: 'QR', evidenceRef: '   ' }], 'evidenceRef', 1, /扫码签到须附/],
    ['evidence too long', [{ enrollmentId: 'e1', present: true, method: 'QR', evidenceRef: 'x'.repeat(201) }], 'evidenceRef', 1, /最长200/],
    ['one enrollment twice', [{ enrollmentId: 'e1', present: true }, { enrollmentId: 'e2', present: true }, { enrollmentId: 'e1', present: false }], 'enrollmentId', 3, /重复\(与第1条\)/],
  ])('rejects %s', (_name, records, field, row, zh) => {
    const e = domainError(() => validateAttendanceRecords(records));
    expect(e.code).toBe('VALIDATION');
    expect(e.details?.field).toBe(field);
    expect(e.details?.row).toBe(row);
    expect(e.localized.zh).toMatch(zh);
  });
  it(`accepts ${MAX_ATTENDANCE_RECORDS_PER_CALL} records and no more`, () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ enrollmentId: `e${i}`, present: true }));
    expect(validateAttendanceRecords(many(1000))).toHaveLength(1000);
    expect(domainError(() => validateAttendanceRecords(many(1001))).localized.en).toMatch(/At most 1000/);
  });
});

describe('scores', () => {
  it.each<[number, number | null]>([
    [0, 0],
    [100, 10_000],
    [89.5, 8950],
    [89.99, 8999],
    [60.01, 6001],
    [0.1, 10],
    [89.999, null],
    [100.01, null],
    [-1, null],
    [Number.NaN, null],
    [Number.POSITIVE_INFINITY, null],
  ])('%p → %p hundredths', (score, h) => {
    expect(scoreHundredths(score)).toBe(h);
  });
  it('formats hundredths for Decimal(5,2)', () => {
    expect([8950, 10_000, 5, 0].map(formatScore)).toEqual(['89.50', '100.00', '0.05', '0.00']);
  });
});

describe('decideTraineeCompletion (default minimum 80%)', () => {
  it.each<[CompletionResultInput['outcome'], number, string, string[]]>([
    ['PASSED', 10_000, 'COMPLETED', []],
    ['PASSED', 8000, 'COMPLETED', []],
    ['PASSED', 7500, 'FAILED', ['ATTENDANCE_BELOW_MINIMUM']],
    ['FAILED', 10_000, 'FAILED', ['ASSESSMENT_FAILED']],
    ['FAILED', 5000, 'FAILED', ['ASSESSMENT_FAILED', 'ATTENDANCE_BELOW_MINIMUM']],
    ['WITHDRAWN', 2500, 'WITHDRAWN', []],
    ['WITHDRAWN', 10_000, 'WITHDRAWN', []],
  ])('%s at %i bp → %s %j', (outcome, rate, status, reasons) => {
    const d = decideTraineeCompletion(outcome, rate, DEFAULT_TRAINING_RULES);
    expect(d.status).toBe(status);
    expect(d.reasons).toEqual(reasons);
    expect(d.reason === null).toBe(reasons.length === 0);
  });
  it('says why in both languages', () => {
    expect(decideTraineeCompletion('PASSED', 7500, DEFAULT_TRAINING_RULES).reason).toEqual({
      zh: '出勤率75.00%低于政策要求的80.00%',
      en: 'Attendance 75.00% is below the required 80.00%',
    });
    expect(decideTraineeCompletion('FAILED', 7500, { minAttendanceRateBp: 9000 }).reason?.en).toBe(
      'Failed the final assessment; attendance 75.00% is below the required 90.00%',
    );
  });
  it('follows the policy minimum: 75% passes at a 70% minimum', () => {
    expect(decideTraineeCompletion('PASSED', 7500, { minAttendanceRateBp: 7000 }).status).toBe('COMPLETED');
  });
});

describe('planClassCompletion', () => {
  // 4 sessions of 120 minutes = 480 minutes.
  const enrollments: CompletionEnrollment[] = [
    { id: 'e-zhang', status: 'ENROLLED', attendedMinutes: 360, label: '张伟' },
    { id: 'e-li', status: 'ENROLLED', attendedMinutes: 480, label: '李娜' },
    { id: 'e-wang', status: 'ENROLLED', attendedMinutes: 120, label: '王芳' },
  ];
  const results: CompletionResultInput[] = [
    { enrollmentId: 'e-zhang', outcome: 'PASSED', score: 88 },
    { enrollmentId: 'e-li', outcome: 'PASSED', score: 92.5 },
    { enrollmentId: 'e-wang', outcome: 'WITHDRAWN' },
  ];

  it('decides every trainee: 7500 bp fails the default 80%, 10000 completes, the withdrawn stays withdrawn', () => {
    const plan = planClassCompletion({ enrollments, totalMinutes: 480, results, rules: DEFAULT_TRAINING_RULES });
    expect(plan.map((p) => [p.enrollmentId, p.status, p.attendanceRateBp, p.scoreHundredths, p.reasons])).toEqual([
      ['e-zhang', 'FAILED', 7500, 8800, ['ATTENDANCE_BELOW_MINIMUM']],
      ['e-li', 'COMPLETED', 10_000, 9250, []],
      ['e-wang', 'WITHDRAWN', 2500, null, []],
    ]);
  });

  it('with a 70% policy minimum the first trainee completes', () => {
    const plan = planClassCompletion({ enrollments, totalMinutes: 480, results, rules: { minAttendanceRateBp: 7000 } });
    expect(plan.map((p) => p.status)).toEqual(['COMPLETED', 'COMPLETED', 'WITHDRAWN']);
  });

  it('a class without sessions gives everyone 0 bp', () => {
    const plan = planClassCompletion({
      enrollments: enrollments.map((e) => ({ ...e, attendedMinutes: 0 })),
      totalMinutes: 0,
      results,
      rules: { minAttendanceRateBp: 0 },
    });
    expect(plan.map((p) => [p.attendanceRateBp, p.status])).toEqual([
      [0, 'COMPLETED'],
      [0, 'COMPLETED'],
      [0, 'WITHDRAWN'],
    ]);
  });

  it.each<[string, CompletionResultInput[], string, number | undefined, string, RegExp]>([
    ['a missing result', results.slice(0, 2), 'results', undefined, 'e-wang', /e-wang\(王芳\) has no result/],
    [
      'a result for an enrollment of another class',
      [...results, { enrollmentId: 'e-other', outcome: 'PASSED' }],
      'enrollmentId',
      4,
      'e-other',
      /Row 4: enrollment e-other is not in this class/,
    ],
    [
      'two results for one trainee',
      [results[0]!, { enrollmentId: 'e-zhang', outcome: 'FAILED' }, ...results.slice(1)],
      'enrollmentId',
      2,
      'e-zhang',
      /Row 2: enrollment e-zhang\(张伟\) has a second result \(also row 1\)/,
    ],
    [
      'a score with three decimals',
      [{ ...results[0]!, score: 88.125 }, ...results.slice(1)],
      'score',
      1,
      'e-zhang',
      /score 88.125 must be 0–100 with at most 2 decimals/,
    ],
    ['a score above 100', [{ ...results[0]!, score: 101 }, ...results.slice(1)], 'score', 1, 'e-zhang', /0–100/],
    [
      'a score for a withdrawn trainee',
      [...results.slice(0, 2), { enrollmentId: 'e-wang', outcome: 'WITHDRAWN', score: 50 }],
      'score',
      3,
      'e-wang',
      /withdrawn and cannot have a score/,
    ],
  ])('rejects %s, naming it', (_name, given, field, row, enrollmentId, en) => {
    const e = domainError(() => planClassCompletion({ enrollments, totalMinutes: 480, results: given, rules: DEFAULT_TRAINING_RULES }));
    expect(e.code).toBe('VALIDATION');
    expect(e.details).toMatchObject({ field, enrollmentId, issueCount: 1 });
    expect(e.details?.row).toBe(row);
    expect(e.message).toMatch(en);
  });

  it('counts every issue and lists them', () => {
    const e = domainError(() =>
      planClassCompletion({
        enrollments,
        totalMinutes: 480,
        results: [{ enrollmentId: 'x', outcome: 'PASSED' }],
        rules: DEFAULT_TRAINING_RULES,
      }),
    );
    expect(e.message).toBe('Row 1: enrollment x is not in this class (and 3 more)');
    expect(e.localized.zh).toBe('第1行:报名记录x不属于本培训班(另有3处问题)');
    expect((e.details?.issues as unknown[]).length).toBe(4);
  });

  it('a trainee withdrawn while the class ran can only stay withdrawn', () => {
    const withWithdrawn = enrollments.map((x) => (x.id === 'e-wang' ? { ...x, status: 'WITHDRAWN' as const } : x));
    expect(planClassCompletion({ enrollments: withWithdrawn, totalMinutes: 480, results, rules: DEFAULT_TRAINING_RULES })[2]?.status).toBe(
      'WITHDRAWN',
    );
    const e = domainError(() =>
      planClassCompletion({
        enrollments: withWithdrawn,
        totalMinutes: 480,
        results: [...results.slice(0, 2), { enrollmentId: 'e-wang', outcome: 'PASSED' }],
        rules: DEFAULT_TRAINING_RULES,
      }),
    );
    expect(e.details).toMatchObject({ field: 'outcome', row: 3 });
  });
});

describe('completion certificate numbers', () => {
  it.each<[string, number, number, string]>([
    ['141002', 2026, 1, 'JY-141002-2026-000001'],
    ['150802', 2027, 42, 'JY-150802-2027-000042'],
    ['141000', 2026, 999_999, 'JY-141000-2026-999999'],
  ])('%s %i #%i → %s', (region, year, serial, number) => {
    expect(completionCertificateNumber(region, year, serial)).toBe(number);
    expect(number).toMatch(COMPLETION_CERTIFICATE_NUMBER);
  });
  it('serials run per region and year', () => {
    expect(completionSerialKey('141002', 2026)).toBe('completion:141002:2026');
  });
  it.each<[string, number, number]>([
    ['14100', 2026, 1],
    ['141002', 26, 1],
    ['141002', 2026, 0],
    ['141002', 2026, 1_000_000],
    ['141002', 2026, 1.5],
  ])('rejects %s %i #%i', (region, year, serial) => {
    expect(() => completionCertificateNumber(region, year, serial)).toThrow(RangeError);
  });
});
