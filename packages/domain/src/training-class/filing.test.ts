import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../shared/errors';
import {
  allowedClassActions,
  CLASS_STATUSES,
  type ClassAction,
  type ClassStatus,
  checkClassPlan,
  classTransition,
  overlaps,
} from './filing';

describe('class state machine', () => {
  const legal: Array<[ClassStatus, ClassAction, 'INSTITUTION' | 'BUREAU', ClassStatus]> = [
    ['DRAFT', 'SUBMIT', 'INSTITUTION', 'SUBMITTED'],
    ['REJECTED', 'SUBMIT', 'INSTITUTION', 'SUBMITTED'],
    ['SUBMITTED', 'APPROVE', 'BUREAU', 'APPROVED'],
    ['SUBMITTED', 'REJECT', 'BUREAU', 'REJECTED'],
    ['APPROVED', 'START', 'INSTITUTION', 'IN_PROGRESS'],
    ['IN_PROGRESS', 'COMPLETE', 'INSTITUTION', 'COMPLETED'],
    ['COMPLETED', 'SETTLE', 'BUREAU', 'SETTLED'],
    ['DRAFT', 'CANCEL', 'INSTITUTION', 'CANCELLED'],
    ['APPROVED', 'CANCEL', 'INSTITUTION', 'CANCELLED'],
  ];
  it.each(legal)('%s --%s by %s--> %s', (from, action, by, to) => {
    expect(classTransition(from, action, by)).toBe(to);
  });

  const illegal: Array<[ClassStatus, ClassAction]> = [
    ['DRAFT', 'APPROVE'],
    ['DRAFT', 'START'],
    ['SUBMITTED', 'SUBMIT'],
    ['APPROVED', 'APPROVE'],
    ['REJECTED', 'START'],
    ['IN_PROGRESS', 'CANCEL'],
    ['COMPLETED', 'COMPLETE'],
    ['CANCELLED', 'SUBMIT'],
    ['SETTLED', 'CANCEL'],
  ];
  it.each(illegal)('%s cannot %s', (from, action) => {
    const by = ['APPROVE', 'REJECT', 'SETTLE'].includes(action) ? 'BUREAU' : 'INSTITUTION';
    try {
      classTransition(from, action, by);
      throw new Error('expected a DomainError');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('INVALID_TRANSITION');
      expect((e as DomainError).localized.zh).toMatch(/不能/);
    }
  });

  it('an institution cannot approve, a bureau cannot submit', () => {
    expect(() => classTransition('SUBMITTED', 'APPROVE', 'INSTITUTION')).toThrow(/Only a bureau/);
    expect(() => classTransition('DRAFT', 'SUBMIT', 'BUREAU')).toThrow(/Only the institution/);
  });

  it('every status has its allowed actions and terminal ones have none', () => {
    const map = Object.fromEntries(CLASS_STATUSES.map((s) => [s, allowedClassActions(s)]));
    expect(map).toEqual({
      DRAFT: ['SUBMIT', 'CANCEL'],
      SUBMITTED: ['APPROVE', 'REJECT', 'CANCEL'],
      APPROVED: ['START', 'CANCEL'],
      REJECTED: ['SUBMIT', 'CANCEL'],
      IN_PROGRESS: ['COMPLETE'],
      COMPLETED: ['SETTLE'],
      SETTLED: [],
      CANCELLED: [],
    });
  });
});

describe('checkClassPlan', () => {
  const ok = { startDate: '2026-12-01', endDate: '2026-12-10', plannedHours: 80, capacity: 40 };
  it('accepts a plausible plan', () => {
    expect(checkClassPlan(ok)).toEqual([]);
  });
  it.each([
    [{ endDate: '2026-11-30' }, 'endDate', /早于/],
    [{ startDate: '2026-02-30' }, 'startDate', /有效日期/],
    [{ endDate: '2026-13-01' }, 'endDate', /有效日期/],
    [{ plannedHours: 81 }, 'plannedHours', /超过10天内/],
    [{ plannedHours: 0 }, 'plannedHours', /正整数/],
    [{ plannedHours: 12.5 }, 'plannedHours', /正整数/],
    [{ capacity: 0 }, 'capacity', /1–100000/],
    [{ capacity: 100_001 }, 'capacity', /1–100000/],
  ] as const)('%j → %s', (change, field, zh) => {
    const issues = checkClassPlan({ ...ok, ...change });
    expect(issues[0]?.field).toBe(field);
    expect(issues[0]?.zh).toMatch(zh);
  });
  it('one day allows 8 hours', () => {
    expect(checkClassPlan({ ...ok, endDate: ok.startDate, plannedHours: 8 })).toEqual([]);
    expect(checkClassPlan({ ...ok, endDate: ok.startDate, plannedHours: 9 })).toHaveLength(1);
  });
});

describe('overlaps', () => {
  const t = (h: number) => new Date(Date.UTC(2026, 11, 1, h));
  it.each([
    [8, 12, 10, 14, true],
    [8, 12, 12, 14, false],
    [8, 12, 6, 8, false],
    [8, 12, 9, 10, true],
  ])('[%i,%i) vs [%i,%i) → %s', (a, b, c, d, expected) => {
    expect(overlaps(t(a), t(b), t(c), t(d))).toBe(expected);
  });
});
