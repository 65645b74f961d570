import { describe, expect, it } from '@jest/globals';
import { domainError } from '../shared/errors.testkit';
import {
  assertCompletionUnchanged,
  assertCorrectable,
  assertInstitutionEntryDate,
  assertPastFact,
  completionChanges,
  correctionReason,
  institutionMayEnterOn,
} from './corrections';

const TODAY = '2026-12-08';
const onTime = { startDate: '2026-12-01', endDate: '2026-12-20', lateFilingAcknowledged: false };
const late = { startDate: '2026-11-01', endDate: '2026-11-30', lateFilingAcknowledged: true };
const lateUnacknowledged = { ...late, lateFilingAcknowledged: false };

describe('what the institution may enter itself', () => {
  it.each([
    ['today', TODAY, onTime, true],
    ['next week', '2026-12-15', onTime, true],
    ['yesterday', '2026-12-07', onTime, false],
    ['the first day of the class, past', '2026-12-01', onTime, false],
    ['within an acknowledged late filing', '2026-11-10', late, true],
    ['the last day of an acknowledged late filing', '2026-11-30', late, true],
    ['before an acknowledged late filing', '2026-10-31', late, false],
    ['within a late filing not acknowledged', '2026-11-10', lateUnacknowledged, false],
  ])('%s (%s): %p', (_what, date, klass, ok) => {
    expect(institutionMayEnterOn(date, klass, TODAY)).toBe(ok);
    if (ok) {
      expect(() => assertInstitutionEntryDate('session', date, klass, TODAY)).not.toThrow();
      return;
    }
    const session = domainError(() => assertInstitutionEntryDate('session', date, klass, TODAY));
    expect([session.code, session.details?.['field']]).toEqual(['VALIDATION', 'date']);
    expect(session.localized.zh).toContain(`日期${date}早于今天${TODAY}`);
    expect(session.localized.en).toContain('bureau correction');
    const attendance = domainError(() => assertInstitutionEntryDate('attendance', date, klass, TODAY));
    expect([attendance.code, attendance.details?.['field']]).toEqual(['VALIDATION', 'sessionId']);
  });
});

describe('a correction', () => {
  it.each([
    [null, false],
    ['   ', false],
    ['太短的原因', false],
    ['x'.repeat(501), false],
    ['机构漏录11月5日课次,已核对签到表', true],
    [` ${'x'.repeat(500)} `, true],
  ])('reason %p accepted: %p', (reason, ok) => {
    if (ok) expect(correctionReason(reason)).toBe(reason!.trim());
    else expect(domainError(() => correctionReason(reason)).details?.['field']).toBe('reason');
  });

  const claim = [{ number: 'BT-141002-2026-000001', status: 'SUBMITTED' }];
  it.each([
    ['session', 'APPROVED', [], null],
    ['session', 'IN_PROGRESS', [], null],
    ['session', 'COMPLETED', [], null],
    ['attendance', 'IN_PROGRESS', [], null],
    ['attendance', 'COMPLETED', [], null],
    ['attendance', 'APPROVED', [], 'INVALID_TRANSITION'],
    ['session', 'DRAFT', [], 'INVALID_TRANSITION'],
    ['session', 'SUBMITTED', [], 'INVALID_TRANSITION'],
    ['attendance', 'CANCELLED', [], 'INVALID_TRANSITION'],
    ['session', 'COMPLETED', claim, 'CONFLICT'],
    ['attendance', 'COMPLETED', claim, 'CONFLICT'],
    ['attendance', 'SETTLED', [], 'CONFLICT'],
  ] as const)('of %s of a %s class with claims %j: %s', (what, status, claims, code) => {
    if (code === null) {
      expect(() => assertCorrectable(what, status, claims)).not.toThrow();
      return;
    }
    expect(domainError(() => assertCorrectable(what, status, claims)).code).toBe(code);
  });

  it('names the live claim in both languages when it refuses', () => {
    const e = domainError(() => assertCorrectable('attendance', 'COMPLETED', claim));
    expect(e.localized.zh).toContain('BT-141002-2026-000001');
    expect(e.localized.en).toContain('BT-141002-2026-000001');
    expect(e.details).toMatchObject({ field: 'classId', claims: ['BT-141002-2026-000001'] });
  });

  it.each([
    ['2026-12-07T01:00:00Z', '2026-12-08T02:00:00Z', true],
    ['2026-12-08T02:00:00Z', '2026-12-08T02:00:00Z', true],
    ['2026-12-08T02:00:01Z', '2026-12-08T02:00:00Z', false],
    ['2026-12-15T01:00:00Z', '2026-12-08T02:00:00Z', false],
  ])('of a session starting %s, at %s, is of the past: %p', (startsAt, now, ok) => {
    const s = { startsAt: new Date(startsAt), endsAt: new Date(new Date(startsAt).getTime() + 7_200_000) };
    if (ok) expect(() => assertPastFact(s, new Date(now))).not.toThrow();
    else expect(domainError(() => assertPastFact(s, new Date(now))).details?.['field']).toBe('startsAt');
  });
});

describe('a completed class is not recomputed silently', () => {
  const stored = {
    deliveredMinutes: 480,
    results: [
      { enrollmentId: 'a', label: '张伟', attendanceRateBp: 7500 },
      { enrollmentId: 'b', label: '李娜', attendanceRateBp: 10_000 },
      { enrollmentId: 'c', label: '王芳', attendanceRateBp: null },
    ],
  };
  it.each([
    ['nothing changes', 480, { a: 360, b: 480 }, []],
    ['a time moved, the same minutes', 480, { a: 360, b: 480, c: 120 }, []],
    ['a trainee marked present at one more session', 480, { a: 480, b: 480 }, ['a']],
    ['a session added, the second trainee present', 600, { a: 360, b: 600 }, ['deliveredMinutes', 'a']],
    ['a session added, nobody present', 600, { a: 360, b: 480 }, ['deliveredMinutes', 'a', 'b']],
    ['a session shortened', 420, { a: 300, b: 420 }, ['deliveredMinutes', 'a']],
  ])('%s → changes %j', (_what, totalMinutes, attended, subjects) => {
    const recomputed = { totalMinutes, attended: new Map(Object.entries(attended)) };
    expect(completionChanges(stored, recomputed).map((c) => c.subject)).toEqual(subjects);
    if (subjects.length === 0) {
      expect(() => assertCompletionUnchanged(stored, recomputed)).not.toThrow();
      return;
    }
    const e = domainError(() => assertCompletionUnchanged(stored, recomputed));
    expect([e.code, e.details?.['changeCount']]).toEqual(['CONFLICT', subjects.length]);
    expect(e.localized.en).toContain('never recomputed silently');
  });

  it('explains the change in both languages', () => {
    const e = domainError(() => assertCompletionUnchanged(stored, { totalMinutes: 480, attended: new Map([['a', 480], ['b', 480]]) }));
    expect(e.localized.zh).toContain('张伟出勤率75.00%→100.00%');
    expect(e.localized.en).toContain('attendance rate of 张伟 75.00% → 100.00%');
  });
});
