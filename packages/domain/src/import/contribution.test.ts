import { describe, expect, it } from '@jest/globals';
import { makeCreditCode } from '../identifiers/credit-code';
import { makeResidentId } from '../identifiers/resident-id';
import { DomainError } from '../shared/errors';
import {
  CONTRIBUTION_EARLIEST_MONTH,
  CONTRIBUTION_MAX_YUAN,
  contributionImportPercent,
  insuranceTypeOf,
  looksLikeContributionHeader,
  matchContributionHeader,
  monthKey,
  validateContributionRow,
  validateContributionRows,
  yuanToFen,
} from './contribution';

const today = new Date('2026-11-22T04:00:00Z');
const ID_A = makeResidentId({ regionCode: '150802', birthDate: '1995-03-09', sequence: 368 });
const EMPLOYER = makeCreditCode({ authority: '9', orgType: '1', regionCode: '150802', orgCode9: 'MA0Q00001' });

describe('contribution row rules', () => {
  const ok = { row: 2, idNumber: ID_A, employerCreditCode: EMPLOYER, month: '202604', insuranceType: '养老', amount: '412.80', wageBase: '5160' };
  it.each([
    ['missing ID', { idNumber: undefined }, 'idNumber', 'REQUIRED'],
    ['bad ID check character', { idNumber: `${ID_A.slice(0, 17)}${ID_A.endsWith('0') ? '1' : '0'}` }, 'idNumber', 'CHECKSUM'],
    ['ID stored as a number by Excel', { idNumber: '150802199503090000', idNumberWasNumeric: true }, 'idNumber', 'NUMERIC_CELL'],
    ['credit code of 17 chars', { employerCreditCode: EMPLOYER.slice(0, 17) }, 'employerCreditCode', 'FORMAT'],
    ['month 13', { month: '202613' }, 'month', 'FORMAT'],
    ['month after the current one', { month: '202612' }, 'month', 'MONTH_RANGE'],
    ['month before 2010', { month: '200912' }, 'month', 'MONTH_RANGE'],
    ['unknown insurance type', { insuranceType: '生育' }, 'insuranceType', 'UNKNOWN_TYPE'],
    ['amount with 3 decimals', { amount: '12.345' }, 'amount', 'FORMAT'],
    ['amount zero', { amount: '0' }, 'amount', 'AMOUNT_RANGE'],
    ['amount above 100,000 yuan', { amount: '100000.01' }, 'amount', 'AMOUNT_RANGE'],
    ['wage base not a number', { wageBase: 'abc' }, 'wageBase', 'FORMAT'],
  ])('%s → %s %s', (_name, change, field, code) => {
    const outcome = validateContributionRow({ ...ok, ...change } as never, today);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors).toEqual([expect.objectContaining({ row: 2, field, code })]);
    expect(outcome.errors[0]!.messageZh.length).toBeGreaterThan(3);
  });

  it.each([
    ['养老', 'PENSION'],
    ['失业保险', 'UNEMPLOYMENT'],
    ['工伤', 'WORK_INJURY'],
    ['基本医疗保险', 'MEDICAL'],
    ['MEDICAL', 'MEDICAL'],
  ])('险种 %s → %s', (text, type) => {
    const outcome = validateContributionRow({ ...ok, insuranceType: text }, today);
    expect(outcome.ok && outcome.value.insuranceType).toBe(type);
  });

  it('accepts 2026-04 and 2026年4月 as the month, and an empty wage base', () => {
    for (const month of ['2026-04', '2026年4月', '202604']) {
      const outcome = validateContributionRow({ ...ok, month, wageBase: undefined }, today);
      expect(outcome.ok && [outcome.value.month, outcome.value.wageBaseFen]).toEqual(['202604', null]);
    }
  });

  it('the month range runs from CONTRIBUTION_EARLIEST_MONTH to the current month in Shanghai', () => {
    const at = (month: string, now: Date) => validateContributionRow({ ...ok, month }, now).ok;
    expect(at(CONTRIBUTION_EARLIEST_MONTH, today)).toBe(true);
    expect(at('202611', today)).toBe(true);
    // 2026-11-30T16:00Z is already 1 December in Shanghai.
    expect(at('202612', new Date('2026-11-30T16:00:00Z'))).toBe(true);
    expect(at('202612', new Date('2026-11-30T15:59:59Z'))).toBe(false);
  });

  it('upper-cases the ID number and credit code and keeps amounts in fen', () => {
    const outcome = validateContributionRow({ ...ok, amount: `${CONTRIBUTION_MAX_YUAN}` }, today);
    expect(outcome).toEqual({
      row: 2,
      ok: true,
      value: { idNumber: ID_A, employerCreditCode: EMPLOYER, month: '202604', insuranceType: 'PENSION', amountFen: CONTRIBUTION_MAX_YUAN * 100, wageBaseFen: 516000 },
    });
  });

  it('rejects a later row with the same person, employer, month and type, naming the first row', () => {
    const seen = new Map<string, number>();
    const [first, other, again] = validateContributionRows(
      [ok, { ...ok, row: 3, insuranceType: '失业' }, { ...ok, row: 4, insuranceType: 'pension', amount: '1' }],
      today,
      seen,
    );
    expect([first!.ok, other!.ok, again!.ok]).toEqual([true, true, false]);
    expect(!again!.ok && again!.errors).toEqual([expect.objectContaining({ row: 4, field: null, code: 'DUPLICATE_IN_FILE', message: expect.stringContaining('row 2') })]);
    // The map carries over to the next chunk.
    expect(validateContributionRows([{ ...ok, row: 9 }], today, seen)[0]!.ok).toBe(false);
  });
});

describe('money, months and insurance types', () => {
  it.each([
    ['412.80', 41280],
    ['412.8', 41280],
    ['1,234.5', 123450],
    ['¥5160', 516000],
    ['0.01', 1],
    ['1e3', null],
    ['-5', null],
  ])('yuan %s → %s fen', (text, fen) => {
    expect(yuanToFen(text)).toBe(fen);
  });

  it.each([
    ['202604', '202604'],
    ['2026-04', '202604'],
    ['2026/4', '202604'],
    ['2026.04', '202604'],
    ['2026年4月', '202604'],
    [' 2026 年 12 月 ', '202612'],
    ['202613', null],
    ['2026-00', null],
    ['26-04', null],
    ['', null],
  ])('month %p → %p', (text, key) => {
    expect(monthKey(text)).toBe(key);
  });

  it.each([
    ['养老保险', 'PENSION'],
    ['企业职工基本养老保险', 'PENSION'],
    ['unemployment', 'UNEMPLOYMENT'],
    ['Work Injury', 'WORK_INJURY'],
    ['职工基本医疗保险', 'MEDICAL'],
    ['pension', 'PENSION'],
    ['生育', null],
  ])('险种 %s → %s', (text, type) => {
    expect(insuranceTypeOf(text)).toBe(type);
  });

  it.each([
    [{ status: 'SUCCEEDED', totalRows: 0, processedRows: 0 }, 100],
    [{ status: 'RUNNING', totalRows: 0, processedRows: 0 }, 0],
    [{ status: 'RUNNING', totalRows: 3, processedRows: 2 }, 66],
    [{ status: 'RUNNING', totalRows: 10, processedRows: 12 }, 100],
  ])('progress %p → %s%', (imp, percent) => {
    expect(contributionImportPercent(imp)).toBe(percent);
  });
});

describe('contribution headers', () => {
  it('finds the columns by Chinese or English name, in any order', () => {
    const cols = matchContributionHeader(['序号', 'amount', '险种', '费款所属期', '统一社会信用代码', '公民身份号码']);
    expect(Object.fromEntries(cols)).toEqual({ amount: 1, insuranceType: 2, month: 3, employerCreditCode: 4, idNumber: 5 });
    expect(looksLikeContributionHeader(['社保缴费明细', '', ''])).toBe(false);
    expect(looksLikeContributionHeader(['身份证号', '险种'])).toBe(true);
  });

  it.each([
    [['身份证号', '缴费月份', '险种', '缴费金额(元)'], 'MISSING_COLUMNS', '单位统一社会信用代码'],
    [['身份证号', '身份证号码', '信用代码', '缴费月份', '险种', '缴费金额'], 'DUPLICATE_COLUMN', '身份证号'],
  ])('%p is refused: %s', (cells, reason, named) => {
    let err: unknown;
    try {
      matchContributionHeader(cells);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).details).toEqual({ field: 'file', reason });
    expect((err as DomainError).localized.zh).toContain(named);
  });
});
