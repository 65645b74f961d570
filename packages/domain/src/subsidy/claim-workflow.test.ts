import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../errors';
import {
  addWorkingDays,
  allowedClaimActions,
  assertMayActOnClaim,
  assertNoticeEnded,
  claimStepOf,
  claimTransition,
  mayActOnClaim,
  publicNoticeWindow,
} from './claim-workflow';

describe('addWorkingDays skips Saturdays, Sundays and given holidays', () => {
  it.each([
    ['2026-11-20', 5, '2026-11-27'], // Friday → next Friday
    ['2026-11-16', 5, '2026-11-23'], // Monday → next Monday
    ['2026-11-21', 1, '2026-11-23'], // Saturday → Monday
    ['2026-11-22', 5, '2026-11-27'], // Sunday → Friday
    ['2026-11-19', 2, '2026-11-23'], // Thursday → Monday
    ['2026-11-20', 0, '2026-11-20'],
    ['2026-12-31', 1, '2027-01-01'], // no holiday list: New Year's Day is a Friday working day
  ])('%s + %i working days = %s', (from, n, expected) => {
    expect(addWorkingDays(from, n)).toBe(expected);
  });

  it('skips holidays supplied as data', () => {
    expect(addWorkingDays('2026-12-31', 1, ['2027-01-01'])).toBe('2027-01-04');
    expect(addWorkingDays('2026-09-30', 5, ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'])).toBe('2026-10-14'); // Oct 8, 9, 12, 13, 14
  });

  it('rejects bad input', () => {
    expect(() => addWorkingDays('2026-02-30', 1)).toThrow(DomainError);
    expect(() => addWorkingDays('2026-11-20', -1)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-11-20', 1.5)).toThrow(RangeError);
  });

  it('the public notice lasts 5 working days', () => {
    expect(publicNoticeWindow('2026-11-20')).toEqual({ startsOn: '2026-11-20', endsOn: '2026-11-27' });
  });
});

describe('claim review state machine', () => {
  it('walks the happy path', () => {
    expect(claimTransition('SUBMITTED', 'REVIEW')).toBe('UNDER_REVIEW');
    expect(claimTransition('UNDER_REVIEW', 'APPROVE')).toBe('PUBLIC_NOTICE');
    expect(claimTransition('PUBLIC_NOTICE', 'CLOSE_NOTICE')).toBe('APPROVED');
    expect(claimTransition('APPROVED', 'PAY')).toBe('PAID');
    expect(claimTransition('SUBMITTED', 'REJECT')).toBe('REJECTED');
    expect(claimTransition('UNDER_REVIEW', 'REJECT')).toBe('REJECTED');
  });

  it.each([
    ['SUBMITTED', 'APPROVE'],
    ['SUBMITTED', 'PAY'],
    ['UNDER_REVIEW', 'REVIEW'],
    ['PUBLIC_NOTICE', 'PAY'],
    ['PUBLIC_NOTICE', 'REJECT'],
    ['APPROVED', 'CLOSE_NOTICE'],
    ['PAID', 'PAY'],
    ['REJECTED', 'REVIEW'],
    ['DRAFT', 'REVIEW'],
  ] as const)('%s cannot take %s', (from, action) => {
    try {
      claimTransition(from, action);
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('INVALID_TRANSITION');
    }
  });

  it('lists allowed actions', () => {
    expect(allowedClaimActions('SUBMITTED')).toEqual(['REVIEW', 'REJECT']);
    expect(allowedClaimActions('PAID')).toEqual([]);
  });

  it('closing the notice needs the last day to have passed', () => {
    expect(() => assertNoticeEnded('2026-11-27', '2026-11-27')).toThrow(DomainError);
    expect(() => assertNoticeEnded('2026-11-27', '2026-11-28')).not.toThrow();
  });
});

describe('which bureau acts', () => {
  const county = '141002'; // 尧都区 under 临汾 141000
  it('reviews by a covering bureau at county level or above', () => {
    expect(mayActOnClaim('141002', county, 'REVIEW')).toBe(true);
    expect(mayActOnClaim('141000', county, 'REVIEW')).toBe(true);
    expect(mayActOnClaim('140000', county, 'REVIEW')).toBe(true);
    expect(mayActOnClaim('141021', county, 'REVIEW')).toBe(false); // another county
    expect(mayActOnClaim('140100', county, 'REVIEW')).toBe(false); // another city
  });
  it('approves by a covering city (or province) bureau only', () => {
    expect(mayActOnClaim('141002', county, 'APPROVE')).toBe(false);
    expect(mayActOnClaim('141000', county, 'APPROVE')).toBe(true);
    expect(mayActOnClaim('140000', county, 'APPROVE')).toBe(true);
  });
  it('a rejection takes the levels of its step', () => {
    expect(claimStepOf('REJECT', 'SUBMITTED')).toBe('REVIEW');
    expect(claimStepOf('REJECT', 'UNDER_REVIEW')).toBe('APPROVE');
    expect(claimStepOf('PAY', 'APPROVED')).toBe('PAY');
  });
  it('levels are configurable', () => {
    const levels = { REVIEW: ['COUNTY'], APPROVE: ['PROVINCE'], CLOSE_NOTICE: ['PROVINCE'], PAY: ['PROVINCE'] } as const;
    expect(mayActOnClaim('141000', county, 'APPROVE', levels)).toBe(false);
    expect(mayActOnClaim('140000', county, 'APPROVE', levels)).toBe(true);
    expect(() => assertMayActOnClaim(['141000'], county, 'REVIEW', levels)).toThrow(DomainError);
  });
});
