import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { domainError } from '../shared/errors.testkit';
import {
  assertClassCompletable,
  assertClassStartable,
  assertLateFilingApproval,
  assertSessionBegun,
  deliveredHours,
  isLateFiling,
  lateFilingReasonFor,
} from './dates';

const at = (s: string) => new Date(s);
const REASON = '疫情封控期间系统停用,线下已开班,现补录备案';

describe('late filing', () => {
  it.each([
    ['2026-12-01', '2026-12-07', true],
    ['2026-12-06', '2026-12-07', true],
    ['2026-12-07', '2026-12-07', false],
    ['2027-01-10', '2026-12-07', false],
  ])('a class ending %s filed on %s is late: %s', (endDate, today, late) => {
    expect(isLateFiling(endDate, today)).toBe(late);
  });

  it.each([
    [null, 'lateFilingReason'],
    ['  ', 'lateFilingReason'],
    ['太短了', 'lateFilingReason'],
    ['x'.repeat(501), 'lateFilingReason'],
  ])('a class dated wholly in the past is refused with reason %p, naming the dates', (reason, field) => {
    const e = domainError(() => lateFilingReasonFor({ startDate: '2026-10-01', endDate: '2026-11-30' }, '2026-12-07', reason));
    expect([e.code, e.details?.['field']]).toEqual(['VALIDATION', field]);
    expect(e.localized.zh).toContain('2026-10-01至2026-11-30');
    expect(e.localized.en).toContain('2026-11-30');
  });

  it('keeps the reason of a late filing, and none for a class on time', () => {
    expect(lateFilingReasonFor({ startDate: '2026-10-01', endDate: '2026-11-30' }, '2026-12-07', ` ${REASON} `)).toBe(REASON);
    expect(lateFilingReasonFor({ startDate: '2026-12-01', endDate: '2026-12-20' }, '2026-12-07', REASON)).toBeNull();
  });

  it.each([
    [{ lateFilingReason: REASON, endDate: '2026-11-30' }, false, 'acknowledgeLateFiling'],
    [{ lateFilingReason: null, endDate: '2026-11-30' }, true, 'lateFilingReason'],
    [{ lateFilingReason: null, endDate: '2026-11-30' }, false, 'lateFilingReason'],
  ])('approval of %p with acknowledgement %p is refused on %s', (k, ack, field) => {
    const e = domainError(() => assertLateFilingApproval({ startDate: '2026-10-01', ...k }, '2026-12-07', ack));
    expect([e.code, e.details?.['field']]).toEqual(['VALIDATION', field]);
  });

  it.each([
    [{ lateFilingReason: REASON, endDate: '2026-11-30' }, true],
    [{ lateFilingReason: null, endDate: '2026-12-20' }, false],
  ])('approval of %p with acknowledgement %p passes', (k, ack) => {
    expect(() => assertLateFilingApproval({ startDate: '2026-10-01', ...k }, '2026-12-07', ack)).not.toThrow();
  });
});

describe('starting, attendance and completion follow the calendar', () => {
  it.each([
    ['2026-12-08', '2026-12-07', false],
    ['2026-12-07', '2026-12-07', true],
    ['2026-12-01', '2026-12-07', true],
  ])('a class planned from %s started on %s: allowed %p', (startDate, today, ok) => {
    if (ok) expect(() => assertClassStartable(startDate, today)).not.toThrow();
    else {
      const e = domainError(() => assertClassStartable(startDate, today));
      expect([e.code, e.details?.['field']]).toEqual(['VALIDATION', 'startDate']);
      expect(e.localized.zh).toContain(startDate);
    }
  });

  it.each([
    ['2026-12-14T01:00:00Z', '2026-12-07T04:00:00Z', false], // next week
    ['2026-12-07T04:00:01Z', '2026-12-07T04:00:00Z', false], // a second ahead
    ['2026-12-07T04:00:00Z', '2026-12-07T04:00:00Z', true], // just begun
    ['2026-12-01T01:00:00Z', '2026-12-07T04:00:00Z', true],
  ])('attendance for a session starting %s at %s: allowed %p', (startsAt, now, ok) => {
    const s = { startsAt: at(startsAt), endsAt: new Date(at(startsAt).getTime() + 3_600_000) };
    if (ok) expect(() => assertSessionBegun(s, at(now))).not.toThrow();
    else expect(domainError(() => assertSessionBegun(s, at(now))).details?.['field']).toBe('sessionId');
  });

  it.each([
    ['2026-12-08', [], '2026-12-07T04:00:00Z', 'startDate'],
    ['2026-12-01', [['2026-12-07T01:00:00Z', '2026-12-07T05:00:00Z']], '2026-12-07T04:00:00Z', 'sessions'],
    ['2026-12-01', [['2026-12-01T01:00:00Z', '2026-12-01T05:00:00Z']], '2026-12-07T04:00:00Z', null],
    ['2026-12-07', [], '2026-12-06T16:00:00Z', null], // 00:00 on the 7th in Beijing
  ])('completing a class from %s with sessions %p at %s: refused on %p', (startDate, sessions, now, field) => {
    const s = sessions.map(([a, b]) => ({ startsAt: at(a as string), endsAt: at(b as string) }));
    if (field === null) expect(() => assertClassCompletable({ startDate }, s, at(now))).not.toThrow();
    else expect(domainError(() => assertClassCompletable({ startDate }, s, at(now))).details?.['field']).toBe(field);
  });
});

describe('hours delivered', () => {
  it.each([
    [40, 40 * 60, 40, 40, 0],
    [40, 10 * 60 + 59, 10, 10, 30],
    [40, 50 * 60, 50, 40, 0],
    [40, 0, 0, 0, 40],
  ])('%i planned, %i minutes taught → delivered %i, counted %i, short %i', (planned, minutes, delivered, counted, shortfall) => {
    expect(deliveredHours(planned, minutes)).toEqual({ plannedHours: planned, deliveredHours: delivered, countedHours: counted, shortfallHours: shortfall });
  });

  it('never counts more than was planned or taught, and the shortfall closes the gap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 2_000_000 }), (planned, minutes) => {
        const h = deliveredHours(planned, minutes);
        expect(h.countedHours).toBeLessThanOrEqual(planned);
        expect(h.countedHours * 60).toBeLessThanOrEqual(minutes);
        expect(h.countedHours + h.shortfallHours).toBe(planned);
      }),
    );
  });

  it.each([[-1, 0], [1, -1], [1.5, 0], [1, Number.NaN]])('refuses %p planned, %p minutes', (p, m) => {
    expect(() => deliveredHours(p, m)).toThrow(RangeError);
  });
});
