import type { DomainError } from '../shared/errors';
import {
  type TraineeField,
  type TraineeValidationContext,
  type TraineeValue,
  validateTraineeInput,
} from '../training-class/enrollment';
import {
  type ImportColumnSpec,
  type ImportFileErrorReason,
  type ImportTableSpec,
  importFileError,
  importPercent,
  importTable,
  looksLikeHeader,
  type RawImportRow,
} from './table';

/**
 * 花名册 (roster) import rules, pure. The file readers (core/import/tabular-file) turn a CSV or XLSX sheet
 * into header cells and raw rows; this module finds the columns, validates every row and finds
 * duplicate ID numbers inside the file. What needs the database (a person already registered under
 * another name, already enrolled, class capacity) is decided in core/import/roster-import with the
 * messages below, so every rejection of a row reads the same.
 *
 * Semantics: VALID ROWS IN. Every row is validated; valid rows are imported, rejected rows are
 * listed with their row number as the user sees it in the sheet (header = row 1, first data row = 2),
 * the field and the reason in Chinese and English.
 */

/** More data rows than this: the file is refused as a whole. */
export const ROSTER_MAX_ROWS = 100_000;
/** Up to this many data rows the import runs in the upload request; more run as a job. */
export const ROSTER_INLINE_MAX_ROWS = 2_000;
/** Rows per transaction at most: a chunk is imported entirely or not at all. */
export const ROSTER_CHUNK_ROWS = 5_000;
/** Rows per transaction at least (smaller chunks cost more per row). */
export const ROSTER_MIN_CHUNK_ROWS = 1_000;

/** Chunk size for a file: about a tenth of it, so progress moves visibly, within the bounds above. */
export function rosterChunkRows(totalRows: number): number {
  return Math.min(ROSTER_CHUNK_ROWS, Math.max(ROSTER_MIN_CHUNK_ROWS, Math.ceil(totalRows / 10)));
}
/** Row errors kept on the import (rejectedRows still counts every rejected row). */
export const ROSTER_STORED_ERRORS = 10_000;
/** Row errors returned in the upload response. */
export const ROSTER_RESPONSE_ERRORS = 1_000;
/** Upload size limit (bytes). */
export const ROSTER_MAX_BYTES = 30 * 1024 * 1024;

export type RosterColumn = 'name' | 'idNumber' | 'phone' | 'householdType' | 'priorityGroups';

export type RosterColumnSpec = ImportColumnSpec<RosterColumn>;

export const ROSTER_COLUMNS: readonly RosterColumnSpec[] = [
  {
    key: 'name',
    zh: '姓名',
    required: true,
    aliases: ['姓名', '学员姓名', 'name'],
    example: '张伟',
    note: { zh: '必填,2–30个字;少数民族姓名可用“·”', en: 'Required, 2–30 characters; minority names may use "·"' },
  },
  {
    key: 'idNumber',
    zh: '身份证号',
    required: true,
    aliases: ['身份证号', '身份证号码', '公民身份号码', '身份证', '证件号码', 'idnumber', 'residentid'],
    example: '141002199506014561',
    note: { zh: '必填,18位居民身份证号码;请将本列设为“文本”格式', en: 'Required, 18-character resident ID; keep this column as text' },
  },
  {
    key: 'phone',
    zh: '手机号',
    required: false,
    aliases: ['手机号', '手机号码', '手机', '联系电话', '电话', 'phone', 'mobile'],
    example: '13800001234',
    note: { zh: '选填,11位手机号或带区号的固定电话', en: 'Optional: 11-digit mobile or landline with area code' },
  },
  {
    key: 'householdType',
    zh: '户籍类型',
    required: false,
    aliases: ['户籍类型', '户口性质', '户籍性质', '户口类型', 'householdtype', 'household'],
    example: '农村',
    note: { zh: '选填:城镇 或 农村', en: 'Optional: URBAN (城镇) or RURAL (农村)' },
  },
  {
    key: 'priorityGroups',
    zh: '重点群体',
    required: false,
    aliases: ['重点群体', '重点群体类别', '人员类别', 'prioritygroups', 'prioritygroup'],
    example: '农民工、脱贫劳动力',
    note: {
      zh: '选填,可填多个,用“、”分隔:农民工、脱贫劳动力、高校毕业生、失业人员、退役军人、残疾人、就业困难人员、两后生、灵活就业人员',
      en: 'Optional, several separated by 、 , ; or |, by Chinese name or code (e.g. RURAL_MIGRANT_WORKER)',
    },
  },
];

/** Reasons a whole roster file is refused (DomainError VALIDATION, details.reason). */
export type RosterFileErrorReason = ImportFileErrorReason;

export const rosterFileError: (reason: RosterFileErrorReason, zh: string, en: string) => DomainError = importFileError;

/** The roster's columns and whole-file refusals, for the tabular readers of core/import. */
export const ROSTER_TABLE: ImportTableSpec<RosterColumn> = importTable(
  ROSTER_COLUMNS,
  { zh: '学员', en: 'trainee' },
  {
    maxRows: ROSTER_MAX_ROWS,
    headers: {
      zh: `(表头:${ROSTER_COLUMNS.map((c) => c.zh).join('、')})`,
      en: ` (headers: ${ROSTER_COLUMNS.map((c) => c.key).join(', ')})`,
    },
    unreadable: (kind) =>
      kind === 'csv'
        ? importFileError('UNREADABLE', '无法读取文件:请上传 CSV 或 Excel(.xlsx)格式的花名册', 'Cannot read the file: upload the roster as CSV or Excel (.xlsx)')
        : kind === 'xlsx'
          ? importFileError(
              'UNREADABLE',
              '无法读取 Excel 文件,文件可能已损坏;请在 Excel 中重新保存为 .xlsx 后上传',
              'Cannot read the Excel file; it may be damaged. Save it again as .xlsx and upload it',
            )
          : importFileError('UNREADABLE', '文件不是有效的 Excel(.xlsx)文件,可能已损坏', 'The file is not a valid Excel (.xlsx) file; it may be damaged'),
  },
);

export const rosterColumnOf: (cell: string) => RosterColumn | null = ROSTER_TABLE.columnOf;

/**
 * Which column holds what: Chinese or English headers, any order; unknown columns are ignored.
 * Missing required columns or a column given twice refuse the file with one error.
 */
export const matchRosterHeader: (cells: readonly string[]) => Map<RosterColumn, number> = ROSTER_TABLE.matchHeader;

/** Is this row the header? At least two recognised column names (a title row above it has none). */
export function looksLikeRosterHeader(cells: readonly string[]): boolean {
  return looksLikeHeader(ROSTER_TABLE, cells);
}

/**
 * One data row as read from the file. `row` is the sheet row number (header = 1 in the template);
 * `idNumberWasNumeric`: the ID cell was a number in the spreadsheet (Excel drops the last digits of
 * 18-digit numbers).
 */
export type RawRosterRow = RawImportRow<RosterColumn>;

export const ROSTER_ROW_ERROR_CODES = [
  'REQUIRED',
  'LENGTH',
  'FORMAT',
  'REGION',
  'BIRTH_DATE',
  'BIRTH_DATE_FUTURE',
  'CHECKSUM',
  'WORKING_AGE',
  'UNKNOWN',
  'DUPLICATE',
  'NUMERIC_CELL',
  'DUPLICATE_IN_FILE',
  'NAME_MISMATCH',
  'ALREADY_ENROLLED',
  'CAPACITY_EXCEEDED',
] as const;
export type RosterRowErrorCode = (typeof ROSTER_ROW_ERROR_CODES)[number];

/** A rejected row's reason, as stored on the import and shown to the user. */
export interface RosterRowError {
  row: number;
  field: TraineeField | null;
  code: RosterRowErrorCode;
  /** English */
  message: string;
  messageZh: string;
}

export type RosterRowOutcome =
  | { row: number; ok: true; value: TraineeValue }
  | { row: number; ok: false; errors: RosterRowError[] };

const ID_SHAPE = /^\d{17}[\dX]$/;

/**
 * For each row, the sheet row number of an earlier row with the same ID number (else undefined).
 * An ID number "occurs" once it is well-formed, even if its row is rejected for another field: a
 * file may list each person once.
 */
export function earlierRowsOfIds(rows: readonly RawRosterRow[]): Array<number | undefined> {
  const firstRow = new Map<string, number>();
  return rows.map((raw) => {
    const id = (raw.idNumber ?? '').trim().toUpperCase();
    if (!ID_SHAPE.test(id)) return undefined;
    const first = firstRow.get(id);
    if (first === undefined) firstRow.set(id, raw.row);
    return first;
  });
}

/** Validates one row; `duplicateOf` is the earlier row with the same ID number, if any. */
export function validateRosterRow(raw: RawRosterRow, ctx: TraineeValidationContext, duplicateOf?: number): RosterRowOutcome {
  const errors: RosterRowError[] = [];
  const checked = validateTraineeInput(raw, ctx);
  if (!checked.ok) {
    for (const e of checked.errors) {
      if (e.field === 'idNumber' && raw.idNumberWasNumeric && e.rule !== 'WORKING_AGE') {
        errors.push(rosterRowError(raw.row, 'NUMERIC_CELL'));
      } else {
        errors.push({ row: raw.row, field: e.field, code: e.rule, message: e.en, messageZh: e.zh });
      }
    }
  }
  if (duplicateOf !== undefined) errors.push(rosterRowError(raw.row, 'DUPLICATE_IN_FILE', { firstRow: duplicateOf }));
  if (errors.length > 0 || !checked.ok) return { row: raw.row, ok: false, errors };
  return { row: raw.row, ok: true, value: checked.value };
}

/** Validates every row and rejects later occurrences of an ID number in the file, naming the first row. */
export function validateRosterRows(rows: readonly RawRosterRow[], ctx: TraineeValidationContext): RosterRowOutcome[] {
  const earlier = earlierRowsOfIds(rows);
  return rows.map((raw, i) => validateRosterRow(raw, ctx, earlier[i]));
}

/** Messages of the row rejections that are not a field rule of validateTraineeInput. */
export function rosterRowError(
  row: number,
  code: 'NUMERIC_CELL' | 'DUPLICATE_IN_FILE' | 'NAME_MISMATCH' | 'ALREADY_ENROLLED' | 'CAPACITY_EXCEEDED',
  facts: { firstRow?: number; capacity?: number } = {},
): RosterRowError {
  switch (code) {
    case 'NUMERIC_CELL':
      return {
        row,
        field: 'idNumber',
        code,
        messageZh: '身份证号被 Excel 存成了数字,末尾几位已丢失;请将该列设为“文本”格式后重新填写',
        message: 'Excel stored the ID number as a number and lost its last digits; format the column as text and enter it again',
      };
    case 'DUPLICATE_IN_FILE':
      return {
        row,
        field: 'idNumber',
        code,
        messageZh: `身份证号码与第${facts.firstRow}行重复`,
        message: `The same ID number is already on row ${facts.firstRow}`,
      };
    case 'NAME_MISMATCH':
      return {
        row,
        field: 'name',
        code,
        messageZh: '该身份证号码已在系统中登记为另一姓名,请核对姓名与证件',
        message: 'This ID number is registered under another name; check the name and the ID',
      };
    case 'ALREADY_ENROLLED':
      return {
        row,
        field: 'idNumber',
        code,
        messageZh: '该学员已在本班名单中',
        message: 'This trainee is already enrolled in the class',
      };
    case 'CAPACITY_EXCEEDED':
      return {
        row,
        field: null,
        code,
        messageZh: `班级人数已满(${facts.capacity}人),本行未导入`,
        message: `The class is full (capacity ${facts.capacity}); this row was not imported`,
      };
  }
}

/** Progress in whole percent; a finished import is 100. */
export const rosterImportPercent = importPercent;
