import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../shared/errors';
import { makeResidentId } from '../identifiers/resident-id';
import {
  looksLikeRosterHeader,
  matchRosterHeader,
  type RawRosterRow,
  rosterChunkRows,
  rosterImportPercent,
  validateRosterRows,
} from './roster';
import { normaliseHeader } from './table';
import { DEFAULT_TRAINING_RULES } from '../training-class/policy';

const ctx = { today: new Date('2026-11-22T04:00:00Z'), rules: DEFAULT_TRAINING_RULES, on: '2026-12-01' };
const id = (seq: number, birthDate = '1990-05-17') => makeResidentId({ regionCode: '141002', birthDate, sequence: seq });

function fileError(fn: () => unknown): { reason: unknown; zh: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return { reason: e.details?.reason, zh: e.localized.zh };
    throw e;
  }
  throw new Error('no error');
}

describe('roster headers', () => {
  it.each([
    ['姓名 *', '姓名'],
    ['身份证号码(必填)', '身份证号码'],
    ['手机号（选填）', '手机号'],
    ['ID_Number', 'idnumber'],
    [' Priority-Groups ', 'prioritygroups'],
  ])('normaliseHeader(%j) → %j', (cell, expected) => {
    expect(normaliseHeader(cell)).toBe(expected);
  });

  it.each<[string, string[], Array<[string, number]>]>([
    ['Chinese, template order', ['姓名', '身份证号', '手机号', '户籍类型', '重点群体'], [['name', 0], ['idNumber', 1], ['phone', 2], ['householdType', 3], ['priorityGroups', 4]]],
    ['English, other order', ['idNumber', 'phone', 'name'], [['idNumber', 0], ['phone', 1], ['name', 2]]],
    ['unknown columns ignored', ['序号', '公民身份号码', '备注', '学员姓名'], [['idNumber', 1], ['name', 3]]],
  ])('%s', (_label, cells, expected) => {
    expect([...matchRosterHeader(cells).entries()]).toEqual(expected);
  });

  it('names every missing required column in one error', () => {
    const e = fileError(() => matchRosterHeader(['手机号', '备注']));
    expect(e.reason).toBe('MISSING_COLUMNS');
    expect(e.zh).toContain('姓名、身份证号');
  });

  it('refuses a column given twice', () => {
    expect(fileError(() => matchRosterHeader(['姓名', '身份证号', 'name'])).reason).toBe('DUPLICATE_COLUMN');
  });

  it.each([
    [['尧都区2026年养老护理员培训班花名册'], false],
    [['序号', '姓名', '身份证号'], true],
    [['name', 'phone'], true],
    [['张伟', id(1)], false],
  ])('looksLikeRosterHeader(%j) → %s', (cells, expected) => {
    expect(looksLikeRosterHeader(cells)).toBe(expected);
  });
});

describe('validateRosterRows', () => {
  const rows: RawRosterRow[] = [
    { row: 2, name: '张伟', idNumber: id(11) },
    { row: 3, name: '李娜', idNumber: id(12), phone: 'x' },
    { row: 4, name: '王芳', idNumber: id(11).toLowerCase() },
    { row: 5, name: '赵敏', idNumber: id(12) },
    { row: 6, name: '钱多', idNumber: '141002199005170000', idNumberWasNumeric: true },
    { row: 7, idNumber: id(13) },
    { row: 8, name: '孙悟', idNumber: id(15, '2011-01-01') },
  ];
  const outcomes = validateRosterRows(rows, ctx);
  const summary = outcomes.map((o) => (o.ok ? [o.row, 'ok'] : [o.row, o.errors.map((e) => `${e.field}:${e.code}`).join(' ')]));

  it('validates each row and names the first row of a duplicate ID number', () => {
    expect(summary).toEqual([
      [2, 'ok'],
      [3, 'phone:FORMAT'],
      [4, 'idNumber:DUPLICATE_IN_FILE'],
      [5, 'idNumber:DUPLICATE_IN_FILE'],
      [6, 'idNumber:NUMERIC_CELL'],
      [7, 'name:REQUIRED'],
      [8, 'idNumber:WORKING_AGE'],
    ]);
    const dup = outcomes[2]!;
    expect(!dup.ok && dup.errors[0]).toMatchObject({ row: 4, messageZh: '身份证号码与第2行重复', message: 'The same ID number is already on row 2' });
  });

  it('keeps the normalised value of a valid row', () => {
    expect(outcomes[0]).toMatchObject({ ok: true, value: { name: '张伟', idNumber: id(11), sex: 'MALE', birthDate: '1990-05-17' } });
  });
});

describe('rosterChunkRows', () => {
  it.each([
    [100, 1000],
    [5000, 1000],
    [20_000, 2000],
    [100_000, 5000],
  ])('%i rows → chunks of %i', (total, expected) => {
    expect(rosterChunkRows(total)).toBe(expected);
  });
});

describe('rosterImportPercent', () => {
  it.each([
    [{ status: 'PENDING', totalRows: 5000, processedRows: 0 }, 0],
    [{ status: 'RUNNING', totalRows: 5000, processedRows: 2000 }, 40],
    [{ status: 'RUNNING', totalRows: 3, processedRows: 1 }, 33],
    [{ status: 'FAILED', totalRows: 0, processedRows: 0 }, 0],
    [{ status: 'SUCCEEDED', totalRows: 0, processedRows: 0 }, 100],
  ])('%j → %i', (imp, expected) => {
    expect(rosterImportPercent(imp)).toBe(expected);
  });
});
