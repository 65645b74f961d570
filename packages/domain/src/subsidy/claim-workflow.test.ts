import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../shared/errors';
import {
  addWorkingDays,
  allowedPaymentBatchActions,
  approvalPostings,
  assertBalanced,
  assertNoOpenObjections,
  assertObjectionWindow,
  claimantAccount,
  isWorkingDay,
  parseAccount,
  payableOf,
  paymentBatchNumber,
  paymentBatchTransition,
  paymentPostings,
  statusAfterUpheldObjection,
  validateCalendarDay,
  type WorkingCalendar,
  allowedClaimActions,
  assertMayActOnClaim,
  type ClaimAction,
  type ClaimActionLevels,
  assertNoticeEnded,
  claimStepOf,
  claimTransition,
  mayActOnClaim,
  publicNoticeWindow,
  assertFourEyes,
  fourEyesConflicts,
  type FourEyesPrior,
  type FourEyesPriorStep,
  type FourEyesStep,
} from './claim-workflow';
import { claimActionLevelsOf } from './rules';

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
    expect(addWorkingDays('2026-12-31', 1, { holidays: ['2027-01-01'], extraWorkdays: [] })).toBe('2027-01-04');
    expect(addWorkingDays('2026-09-30', 5, { holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'], extraWorkdays: [] })).toBe('2026-10-14'); // Oct 8, 9, 12, 13, 14
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

  // The levels of a policy's rules.review (read by claimActionLevelsOf) decide who acts.
  const SINGLE_CITY = claimActionLevelsOf({ review: { review: ['CITY'], approve: ['CITY'], closeNotice: ['CITY'], pay: ['CITY'] } });
  const COUNTY_ONLY = claimActionLevelsOf({ review: { review: ['COUNTY'], approve: ['COUNTY'], closeNotice: ['COUNTY'], pay: ['CITY', 'PROVINCE'] } });
  const DEFAULT = claimActionLevelsOf({});
  it.each<[string, ClaimActionLevels, string, Exclude<ClaimAction, 'REJECT'>, boolean]>([
    ['default', DEFAULT, '141002', 'REVIEW', true],
    ['default', DEFAULT, '141000', 'REVIEW', true],
    ['default', DEFAULT, '141002', 'APPROVE', false],
    ['default', DEFAULT, '141000', 'PAY', true],
    ['single city', SINGLE_CITY, '141002', 'REVIEW', false],
    ['single city', SINGLE_CITY, '141000', 'REVIEW', true],
    ['single city', SINGLE_CITY, '140000', 'REVIEW', false],
    ['single city', SINGLE_CITY, '141000', 'APPROVE', true],
    ['single city', SINGLE_CITY, '141000', 'CLOSE_NOTICE', true],
    ['single city', SINGLE_CITY, '140000', 'PAY', false],
    ['county only', COUNTY_ONLY, '141002', 'APPROVE', true],
    ['county only', COUNTY_ONLY, '141000', 'APPROVE', false],
    ['county only', COUNTY_ONLY, '141021', 'APPROVE', false], // another county
    ['county only', COUNTY_ONLY, '141002', 'PAY', false],
    ['county only', COUNTY_ONLY, '140000', 'PAY', true],
  ])('policy levels %s: bureau %s may %s → %s', (_name, levels, bureau, action, allowed) => {
    expect(mayActOnClaim(bureau, county, action, levels)).toBe(allowed);
  });

  it('FORBIDDEN names the levels of the step, in both languages and in details', () => {
    try {
      assertMayActOnClaim(['141002'], county, 'REVIEW', SINGLE_CITY);
      throw new Error('expected FORBIDDEN');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      const err = e as DomainError;
      expect(err.code).toBe('FORBIDDEN');
      expect(err.localized.zh).toBe('只有辖区内市级人社部门可以审核此补贴申领');
      expect(err.localized.en).toBe("Only a city bureau covering the claim's region may review it");
      expect(err.details).toEqual({ action: 'REVIEW', levels: ['CITY'] });
    }
  });
});

/**
 * The official calendars (State Council notices 国办发明电〔2024〕12号 for 2025 and the 2026 notice of
 * November 2025), the same days prisma/seed/calendar.ts seeds: weekday holidays and weekend make-up
 * working days (调休).
 */
const PRC_2025_2026: WorkingCalendar = {
  holidays: [
    '2025-01-01',
    '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-03', '2025-02-04',
    '2025-04-04',
    '2025-05-01', '2025-05-02', '2025-05-05',
    '2025-06-02',
    '2025-10-01', '2025-10-02', '2025-10-03', '2025-10-06', '2025-10-07', '2025-10-08',
    '2026-01-01', '2026-01-02',
    '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-23',
    '2026-04-06',
    '2026-05-01', '2026-05-04', '2026-05-05',
    '2026-06-19',
    '2026-09-25',
    '2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07',
  ],
  extraWorkdays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11', '2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
};

describe('a 5-working-day public notice by the published holiday calendar', () => {
  it.each([
    // started on, ends on, why
    ['2026-02-13', '2026-02-27', 'Fri before the Spring Festival: Sat 14 (调休), Feb 15–23 off, 24, 25, 26, 27'],
    ['2026-02-12', '2026-02-26', 'Thu before the Spring Festival: 13, Sat 14 (调休), 24, 25, 26'],
    ['2026-02-24', '2026-03-02', 'Tue after the Spring Festival: 25, 26, 27, Sat 28 (调休), Mon Mar 2'],
    ['2026-09-30', '2026-10-13', 'Wed before National Day: Oct 1–7 off, 8, 9, Sat 10 (调休), 12, 13'],
    ['2026-09-18', '2026-09-24', 'Fri: Sun 20 (调休), 21, 22, 23, 24'],
    ['2026-09-22', '2026-09-30', 'Tue: 23, 24, Mid-Autumn Fri 25 off, 28, 29, 30'],
    ['2026-04-30', '2026-05-11', 'Thu before Labour Day: May 1–5 off, 6, 7, 8, Sat 9 (调休), 11'],
    ['2026-06-17', '2026-06-25', 'Wed: 18, Dragon Boat Fri 19 off, 22, 23, 24, 25'],
    ['2025-12-30', '2026-01-07', 'Tue: 31, New Year Jan 1–3 off, Sun 4 (调休), 5, 6, 7'],
    ['2025-01-24', '2025-02-07', 'Fri before the 2025 Spring Festival: Sun 26 (调休), 27, Jan 28–Feb 4 off, 5, 6, 7'],
    ['2025-09-26', '2025-10-10', 'Fri before National Day 2025: Sun 28 (调休), 29, 30, Oct 1–8 off, 9, 10'],
    ['2026-11-20', '2026-11-27', 'an ordinary week'],
  ])('notice from %s ends on %s (%s)', (from, expected) => {
    expect(publicNoticeWindow(from, PRC_2025_2026).endsOn).toBe(expected);
  });

  it.each([
    ['2026-02-14', true], // Saturday made a working day
    ['2026-02-16', false], // Monday in the Spring Festival holiday
    ['2026-02-21', false], // Saturday in the holiday
    ['2026-02-24', true],
    ['2026-10-10', true],
    ['2026-10-11', false], // an ordinary Sunday
  ])('%s is a working day: %s', (date, working) => {
    expect(isWorkingDay(date, PRC_2025_2026)).toBe(working);
  });

  it('without the calendar the same notices would end too early', () => {
    expect(publicNoticeWindow('2026-02-13').endsOn).toBe('2026-02-20');
    expect(publicNoticeWindow('2026-09-30').endsOn).toBe('2026-10-07');
  });
});

describe('calendar days entered by an administrator', () => {
  it('accepts a weekday holiday, a weekend make-up day and a weekend day inside a holiday', () => {
    expect(validateCalendarDay({ date: '2026-02-16', workday: false, name: ' 春节 ' })).toEqual({ date: '2026-02-16', workday: false, name: '春节', source: null });
    expect(validateCalendarDay({ date: '2026-02-14', workday: true, name: '春节调休', source: '国办通知' }).workday).toBe(true);
    expect(validateCalendarDay({ date: '2026-02-15', workday: false, name: '春节' }).workday).toBe(false);
  });
  it.each([
    [{ date: '2026-02-30', workday: false, name: '春节' }, 'date'],
    [{ date: '2026/02/16', workday: false, name: '春节' }, 'date'],
    [{ date: '2026-02-16', workday: true, name: '春节调休' }, 'workday'], // a Monday cannot be a make-up day
    [{ date: '2026-02-16', workday: false, name: '  ' }, 'name'],
    [{ date: '2026-02-16', workday: false, name: '春'.repeat(51) }, 'name'],
    [{ date: '2026-02-16', workday: false, name: '春节', source: 'x'.repeat(201) }, 'source'],
  ])('refuses %o (field %s)', (input, field) => {
    try {
      validateCalendarDay(input, 3);
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('VALIDATION');
      expect((e as DomainError).details).toMatchObject({ field, row: 3 });
    }
  });
});

describe('objections during the public notice', () => {
  it.each([
    ['PUBLIC_NOTICE', '2026-11-27', '2026-11-20', 'OK'],
    ['PUBLIC_NOTICE', '2026-11-27', '2026-11-27', 'OK'], // the last day of the notice
    ['PUBLIC_NOTICE', '2026-11-27', '2026-11-28', 'INVALID_TRANSITION'],
    ['UNDER_REVIEW', null, '2026-11-20', 'INVALID_TRANSITION'],
    ['APPROVED', '2026-11-27', '2026-11-20', 'INVALID_TRANSITION'],
  ] as const)('a claim %s ending %s, on %s: %s', (status, endsOn, today, expected) => {
    let got = 'OK';
    try {
      assertObjectionWindow(status, endsOn, today);
    } catch (e) {
      got = (e as DomainError).code;
    }
    expect(got).toBe(expected);
  });
  it('open objections block closing the notice', () => {
    expect(() => assertNoOpenObjections([])).not.toThrow();
    expect(() => assertNoOpenObjections(['o1'])).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
  });
  it('an upheld objection leaves the claim on notice while a line is accepted, else rejects it', () => {
    expect(statusAfterUpheldObjection('PUBLIC_NOTICE', 1)).toBe('PUBLIC_NOTICE');
    expect(statusAfterUpheldObjection('PUBLIC_NOTICE', 0)).toBe('REJECTED');
    expect(() => statusAfterUpheldObjection('APPROVED', 1)).toThrow(DomainError);
  });
});

describe('ledger journals', () => {
  const payable = claimantAccount({ organizationId: 'org1' });
  const sum = (ps: ReturnType<typeof approvalPostings>, account: string, personId?: string) =>
    ps.filter((p) => p.account === account && (personId === undefined || p.personId === personId)).reduce((s, p) => s + (p.direction === 'DEBIT' ? p.amountFen : -p.amountFen), 0n);

  it('names claimant accounts for organizations and persons, and reads the old name', () => {
    expect(claimantAccount({ organizationId: 'o' })).toBe('payable:org:o');
    expect(claimantAccount({ personId: 'p' })).toBe('payable:person:p');
    expect(() => claimantAccount({})).toThrow(RangeError);
    expect(parseAccount('payable:org:o')).toEqual({ kind: 'PAYABLE', party: 'ORGANIZATION', id: 'o' });
    expect(parseAccount('payable:person:p')).toEqual({ kind: 'PAYABLE', party: 'PERSON', id: 'p' });
    expect(parseAccount('payable:o')).toEqual({ kind: 'PAYABLE', party: 'ORGANIZATION', id: 'o' });
    expect(parseAccount('bank:141000')).toEqual({ kind: 'BANK', party: 'REGION', id: '141000' });
  });

  it.each([
    // lines (person, fen), payable, owed to claimant after approval
    ['two trainees at 1,900 yuan (Linfen tier 2 LEVEL_4)', [['p1', 190_000], ['p2', 190_000]], 380_000n],
    ['apprenticeship balance 2,500 and a claw-back of 2,500 (Fujian 5,000 at 50% prepaid)', [['p1', 250_000], ['p2', -250_000]], 0n],
    ['balance 3,000 and claw-back 2,500', [['p1', 300_000], ['p2', -250_000]], 50_000n],
    ['claw-back only: 3,000 (6,000 advanced at 50%)', [['p2', -300_000]], 0n],
  ] as const)('%s', (_name, raw, payableFen) => {
    const lines = raw.map(([personId, amountFen], i) => ({ id: `l${i}`, personId, amountFen }));
    const approval = approvalPostings('141002', payable, lines);
    expect(() => assertBalanced(approval)).not.toThrow();
    const net = lines.reduce((s, l) => s + BigInt(l.amountFen), 0n);
    expect(sum(approval, payable)).toBe(-net); // credit = owed to the claimant, debit = receivable
    for (const l of lines) expect(sum(approval, payable, l.personId)).toBe(-BigInt(l.amountFen));
    expect(payableOf(lines)).toBe(payableFen);
    if (payableFen > 0n) {
      const payment = paymentPostings('141002', payable, lines, payableFen);
      expect(sum([...approval, ...payment], payable)).toBe(0n);
      for (const l of lines) expect(sum([...approval, ...payment], payable, l.personId)).toBe(0n);
      expect(sum(payment, 'bank:141002')).toBe(-payableFen);
    } else {
      expect(() => paymentPostings('141002', payable, lines, payableFen)).toThrow(RangeError);
    }
  });

  it('refuses an unbalanced journal and non-positive amounts', () => {
    expect(() => assertBalanced([{ account: 'a', direction: 'DEBIT', amountFen: 1n }])).toThrow(RangeError);
    expect(() => assertBalanced([{ account: 'a', direction: 'DEBIT', amountFen: 0n }, { account: 'b', direction: 'CREDIT', amountFen: 0n }])).toThrow(RangeError);
    expect(() => paymentPostings('141002', payable, [{ id: 'l', personId: 'p', amountFen: 100 }], 99n)).toThrow(RangeError);
  });
});

describe('payment batches', () => {
  it('walk OPEN → SUBMITTED → PAID; cancel from OPEN or SUBMITTED', () => {
    expect(paymentBatchTransition('OPEN', 'ADD_CLAIM')).toBe('OPEN');
    expect(paymentBatchTransition('OPEN', 'SUBMIT')).toBe('SUBMITTED');
    expect(paymentBatchTransition('SUBMITTED', 'CONFIRM_PAID')).toBe('PAID');
    expect(paymentBatchTransition('SUBMITTED', 'CANCEL')).toBe('CANCELLED');
    expect(allowedPaymentBatchActions('PAID')).toEqual([]);
  });
  it.each([
    ['SUBMITTED', 'ADD_CLAIM'],
    ['SUBMITTED', 'REMOVE_CLAIM'],
    ['OPEN', 'CONFIRM_PAID'],
    ['PAID', 'CANCEL'],
    ['CANCELLED', 'SUBMIT'],
  ] as const)('%s cannot take %s', (from, action) => {
    expect(() => paymentBatchTransition(from, action)).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
  });
  it('numbers batches per region and year', () => {
    expect(paymentBatchNumber('141000', 2026, 7)).toBe('PB-141000-2026-0007');
  });
});

describe('four eyes on money: who prepared a step may not complete it', () => {
  const A = 'user-a';
  const B = 'user-b';
  it.each<[string, FourEyesStep, string, FourEyesPrior[], FourEyesPriorStep[]]>([
    ['the reviewer approves', 'APPROVE_CLAIM', A, [{ step: 'REVIEW_CLAIM', userId: A }], ['REVIEW_CLAIM']],
    ['another officer approves', 'APPROVE_CLAIM', B, [{ step: 'REVIEW_CLAIM', userId: A }], []],
    ['one of two reviewers approves', 'APPROVE_CLAIM', B, [{ step: 'REVIEW_CLAIM', userId: A }, { step: 'REVIEW_CLAIM', userId: B }], ['REVIEW_CLAIM']],
    ['nobody reviewed (nothing recorded)', 'APPROVE_CLAIM', A, [], []],
    ['a system step bars no one', 'APPROVE_CLAIM', A, [{ step: 'REVIEW_CLAIM', userId: null }], []],
    ['creating a batch does not bar approving a claim', 'APPROVE_CLAIM', A, [{ step: 'CREATE_BATCH', userId: A }], []],
    ['the creator confirms paid', 'CONFIRM_BATCH_PAID', A, [{ step: 'CREATE_BATCH', userId: A }, { step: 'SUBMIT_BATCH', userId: B }], ['CREATE_BATCH']],
    ['the submitter confirms paid', 'CONFIRM_BATCH_PAID', B, [{ step: 'CREATE_BATCH', userId: A }, { step: 'SUBMIT_BATCH', userId: B }], ['SUBMIT_BATCH']],
    ['creator and submitter confirms paid', 'CONFIRM_BATCH_PAID', A, [{ step: 'CREATE_BATCH', userId: A }, { step: 'SUBMIT_BATCH', userId: A }], ['CREATE_BATCH', 'SUBMIT_BATCH']],
    ['a third officer confirms paid', 'CONFIRM_BATCH_PAID', 'user-c', [{ step: 'CREATE_BATCH', userId: A }, { step: 'SUBMIT_BATCH', userId: B }], []],
    ['reviewing a claim does not bar confirming a batch', 'CONFIRM_BATCH_PAID', A, [{ step: 'REVIEW_CLAIM', userId: A }], []],
  ])('%s', (_name, step, userId, prior, conflicts) => {
    expect(fourEyesConflicts(step, userId, prior)).toEqual(conflicts);
    if (conflicts.length === 0) {
      expect(() => assertFourEyes(step, userId, prior)).not.toThrow();
    } else {
      let error: unknown;
      try {
        assertFourEyes(step, userId, prior);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DomainError);
      const d = error as DomainError;
      expect([d.code, d.details]).toEqual(['FOUR_EYES', { step, conflicts }]);
      expect(d.localized.zh).toContain('审批分离');
      expect(d.localized.en).toContain('another officer');
    }
  });
});
