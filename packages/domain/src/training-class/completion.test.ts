import { describe, expect, it } from '@jest/globals';
import {
  classEndDate,
  completionCertificateNumber,
  completionSerialKey,
  COMPLETION_CERTIFICATE_NUMBER,
  type CompletionEnrollment,
  type CompletionResultInput,
  decideTraineeCompletion,
  formatScore,
  planClassCompletion,
  scoreHundredths,
} from './completion';
import { domainError } from '../shared/errors.testkit';
import { DEFAULT_TRAINING_RULES } from './policy';

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
    ['a missing result', results.slice(0, 2), 'results', undefined, 'e-wang', /王芳 has no result/],
    [
      'a result for an enrollment of another class',
      [...results, { enrollmentId: 'e-other', outcome: 'PASSED' }],
      'enrollmentId',
      4,
      'e-other',
      /Row 4: the enrollment is not in this class/,
    ],
    [
      'two results for one trainee',
      [results[0]!, { enrollmentId: 'e-zhang', outcome: 'FAILED' }, ...results.slice(1)],
      'enrollmentId',
      2,
      'e-zhang',
      /Row 2: enrollment 张伟 has a second result \(also row 1\)/,
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
    expect(e.message).toBe('Row 1: the enrollment is not in this class (and 3 more)');
    expect(e.localized.zh).toBe('第1行:该报名记录不属于本培训班(另有3处问题)');
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

describe('classEndDate: the earlier of the planned end and the completion date', () => {
  it.each<[string, string, string]>([
    ['2026-12-11', '2026-12-11', '2026-12-11'],
    ['2026-12-11', '2026-12-04', '2026-12-04'],
    ['2026-12-11', '2026-12-18', '2026-12-11'],
    ['2026-12-31', '2027-01-02', '2026-12-31'],
  ])('planned %s, completed %s → %s', (planned, completed, end) => {
    expect(classEndDate(planned, completed)).toBe(end);
  });
});
