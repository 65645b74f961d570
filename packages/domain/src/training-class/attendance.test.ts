import { describe, expect, it } from '@jest/globals';
import {
  attendanceRateBp,
  checkSession,
  formatRateBp,
  formatSessionTime,
  isCompletionEligible,
  MAX_ATTENDANCE_RECORDS_PER_CALL,
  validateAttendanceRecords,
  validateSession,
} from './attendance';
import { domainError } from '../shared/errors.testkit';
import { DEFAULT_TRAINING_RULES } from './policy';

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
