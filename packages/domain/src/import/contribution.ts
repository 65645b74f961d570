import type { DomainError } from '../shared/errors';
import { shanghaiDate } from '../shared/calendar-date';
import { parseCreditCode } from '../identifiers/credit-code';
import { parseResidentId } from '../identifiers/resident-id';
import { isMonthKey, monthKeyOf } from '../subsidy/dates';
import {
  type ImportColumnSpec,
  type ImportFileErrorReason,
  type ImportTableSpec,
  importFileError,
  importPercent,
  importTable,
  looksLikeHeader,
  normaliseHeader,
  type RawImportRow,
} from './table';

/**
 * 社保缴费 (social-insurance contribution) import rules, pure: the columns of the file a bureau
 * uploads, the money and month formats, the insurance types and the row rules. The readers of
 * core/import turn a CSV or XLSX file into raw rows with this spec; core/import/contribution-import
 * stores the valid rows of known persons.
 *
 * Columns (Chinese or English header, any order, extra columns ignored):
 *   身份证号 · 单位统一社会信用代码 · 缴费月份 (YYYYMM) · 险种 (养老/失业/工伤/医疗) · 缴费金额(元) · 缴费基数(元, optional)
 * Row numbers are the sheet's own (header = row 1 in the template, first data row = 2).
 */

/** More data rows than this: the file is refused as a whole. */
export const CONTRIBUTION_MAX_ROWS = 200_000;
/** Up to this many rows the import runs in the upload request; more run as a job on the `imports` queue. */
export const CONTRIBUTION_INLINE_MAX_ROWS = 5_000;
/** Rows per transaction in the job. */
export const CONTRIBUTION_CHUNK_ROWS = 2_000;
/** Row errors kept on the import (rejectedRows counts all). */
export const CONTRIBUTION_STORED_ERRORS = 10_000;
/** Upload size limit (bytes). */
export const CONTRIBUTION_MAX_BYTES = 30 * 1024 * 1024;
/** Contribution months before this are refused (no trainee of the platform contributed earlier). */
export const CONTRIBUTION_EARLIEST_MONTH = '201001';
/** One contribution line above this (yuan) is refused as a typo. */
export const CONTRIBUTION_MAX_YUAN = 100_000;

export type ContributionColumn = 'idNumber' | 'employerCreditCode' | 'month' | 'insuranceType' | 'amount' | 'wageBase';

export type ContributionColumnSpec = ImportColumnSpec<ContributionColumn>;

export const CONTRIBUTION_COLUMNS: readonly ContributionColumnSpec[] = [
  {
    key: 'idNumber',
    zh: '身份证号',
    required: true,
    aliases: ['身份证号', '身份证号码', '公民身份号码', '证件号码', '社会保障号码', 'idnumber', 'residentid'],
    example: '150802199503094568',
    note: { zh: '必填,18位居民身份证号码;请将本列设为“文本”格式', en: 'Required, 18-character resident ID; keep the column as text' },
  },
  {
    key: 'employerCreditCode',
    zh: '单位统一社会信用代码',
    required: true,
    aliases: ['单位统一社会信用代码', '统一社会信用代码', '信用代码', '单位信用代码', 'employercreditcode', 'creditcode'],
    example: '91150802MA0Q000018',
    note: { zh: '必填,缴费单位的18位统一社会信用代码', en: 'Required, the 18-character unified social credit code of the employer' },
  },
  {
    key: 'month',
    zh: '缴费月份',
    required: true,
    aliases: ['缴费月份', '费款所属期', '所属期', '缴费年月', 'month'],
    example: '202604',
    note: { zh: '必填,年月 YYYYMM(如 202604)', en: 'Required, the month as YYYYMM (e.g. 202604)' },
  },
  {
    key: 'insuranceType',
    zh: '险种',
    required: true,
    aliases: ['险种', '险种类型', '保险类型', 'insurancetype', 'insurance'],
    example: '养老',
    note: { zh: '必填:养老、失业、工伤 或 医疗', en: 'Required: 养老 pension, 失业 unemployment, 工伤 work injury or 医疗 medical' },
  },
  {
    key: 'amount',
    zh: '缴费金额(元)',
    required: true,
    aliases: ['缴费金额', '缴费金额元', '实缴金额', 'amount', 'amountyuan'],
    example: '412.80',
    note: { zh: '必填,本月该险种缴费金额(元,最多两位小数)', en: 'Required, the amount paid for the month and type (yuan, up to 2 decimals)' },
  },
  {
    key: 'wageBase',
    zh: '缴费基数(元)',
    required: false,
    aliases: ['缴费基数', '缴费基数元', '缴费工资', 'wagebase', 'wagebaseyuan'],
    example: '5160.00',
    note: { zh: '选填,缴费基数(元),用于统计就业工资水平', en: 'Optional, the contribution base (yuan), used as the wage in scorecards' },
  },
];

export const INSURANCE_TYPES = ['PENSION', 'UNEMPLOYMENT', 'WORK_INJURY', 'MEDICAL'] as const;
export type InsuranceTypeCode = (typeof INSURANCE_TYPES)[number];

const INSURANCE_NAMES: ReadonlyMap<string, InsuranceTypeCode> = new Map<string, InsuranceTypeCode>([
  ['养老', 'PENSION'],
  ['养老保险', 'PENSION'],
  ['基本养老保险', 'PENSION'],
  ['企业职工基本养老保险', 'PENSION'],
  ['pension', 'PENSION'],
  ['失业', 'UNEMPLOYMENT'],
  ['失业保险', 'UNEMPLOYMENT'],
  ['unemployment', 'UNEMPLOYMENT'],
  ['工伤', 'WORK_INJURY'],
  ['工伤保险', 'WORK_INJURY'],
  ['workinjury', 'WORK_INJURY'],
  ['医疗', 'MEDICAL'],
  ['医疗保险', 'MEDICAL'],
  ['基本医疗保险', 'MEDICAL'],
  ['职工基本医疗保险', 'MEDICAL'],
  ['medical', 'MEDICAL'],
]);

export type ContributionFileErrorReason = ImportFileErrorReason;

export const contributionFileError: (reason: ContributionFileErrorReason, zh: string, en: string) => DomainError = importFileError;

/** The contribution file's columns and whole-file refusals, for the tabular readers of core/import. */
export const CONTRIBUTION_TABLE: ImportTableSpec<ContributionColumn> = importTable(
  CONTRIBUTION_COLUMNS,
  { zh: '缴费', en: 'contribution' },
  {
    maxRows: CONTRIBUTION_MAX_ROWS,
    unreadable: () =>
      importFileError(
        'UNREADABLE',
        '无法读取文件:请上传 CSV 或 Excel(.xlsx)格式的缴费数据,文件可能已损坏',
        'Cannot read the file: upload the contributions as CSV or Excel (.xlsx); the file may be damaged',
      ),
  },
);

export const contributionColumnOf: (cell: string) => ContributionColumn | null = CONTRIBUTION_TABLE.columnOf;

/** Which column holds what; a column given twice or a required column missing refuses the file. */
export const matchContributionHeader: (cells: readonly string[]) => Map<ContributionColumn, number> = CONTRIBUTION_TABLE.matchHeader;

/** Is this row the header? At least two recognised column names. */
export function looksLikeContributionHeader(cells: readonly string[]): boolean {
  return looksLikeHeader(CONTRIBUTION_TABLE, cells);
}

/** One data row as read from the file (or a live feed); `row` is a stable row number. */
export type RawContributionRow = RawImportRow<ContributionColumn>;

/** Progress in whole percent; a finished import is 100. */
export const contributionImportPercent = importPercent;

// ───────────────────────────── row rules ─────────────────────────────

export const CONTRIBUTION_ROW_ERROR_CODES = [
  'REQUIRED',
  'FORMAT',
  'CHECKSUM',
  'NUMERIC_CELL',
  'UNKNOWN_TYPE',
  'MONTH_RANGE',
  'AMOUNT_RANGE',
  'DUPLICATE_IN_FILE',
] as const;
export type ContributionRowErrorCode = (typeof CONTRIBUTION_ROW_ERROR_CODES)[number];

export interface ContributionRowError {
  row: number;
  field: ContributionColumn | null;
  code: ContributionRowErrorCode;
  message: string;
  messageZh: string;
}

export interface ContributionValue {
  idNumber: string;
  employerCreditCode: string;
  month: string;
  insuranceType: InsuranceTypeCode;
  amountFen: number;
  wageBaseFen: number | null;
}

export type ContributionRowOutcome = { row: number; ok: true; value: ContributionValue } | { row: number; ok: false; errors: ContributionRowError[] };

const MONEY = /^\d{1,9}(\.\d{1,2})?$/;

/** Yuan text ("412.8", "1,234.50", "¥412") → whole fen, without floating point; null when not a money amount. */
export function yuanToFen(text: string): number | null {
  const cleaned = text.replace(/[,，\s¥￥元]/g, '');
  if (!MONEY.test(cleaned)) return null;
  const [whole, frac = ''] = cleaned.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

/** 'YYYYMM', 'YYYY-MM', 'YYYY/MM' or 'YYYY年M月' → 'YYYYMM', else null. */
export function monthKey(text: string): string | null {
  const m = /^(\d{4})\s*(?:[-/.年]\s*)?(\d{1,2})\s*月?$/.exec(text.trim());
  if (!m) return null;
  const key = `${m[1]}${m[2]!.padStart(2, '0')}`;
  return isMonthKey(key) ? key : null;
}

/** 险种 text (Chinese name or code) → the insurance type, else null. */
export function insuranceTypeOf(text: string): InsuranceTypeCode | null {
  const t = text.trim();
  if ((INSURANCE_TYPES as readonly string[]).includes(t.toUpperCase())) return t.toUpperCase() as InsuranceTypeCode;
  return INSURANCE_NAMES.get(normaliseHeader(t)) ?? null;
}

function err(row: number, field: ContributionColumn | null, code: ContributionRowErrorCode, zh: string, en: string): ContributionRowError {
  return { row, field, code, messageZh: zh, message: en };
}

/**
 * Validates one row. `today` bounds the month (no contribution for a month after the current one).
 * Credit codes whose only fault is the check character (early pilot codes) are accepted: the data
 * comes from the social-insurance agency, which registered them.
 */
export function validateContributionRow(raw: RawContributionRow, today: Date): ContributionRowOutcome {
  const errors: ContributionRowError[] = [];
  const row = raw.row;
  const required = (field: ContributionColumn, zh: string): string | null => {
    const v = (raw[field] as string | undefined)?.trim() ?? '';
    if (v === '') {
      errors.push(err(row, field, 'REQUIRED', `${zh}不能为空`, `${field} is required`));
      return null;
    }
    return v;
  };

  let idNumber = required('idNumber', '身份证号');
  if (idNumber !== null) {
    idNumber = idNumber.toUpperCase();
    const parsed = parseResidentId(idNumber, today);
    if (!parsed.ok) {
      if (raw.idNumberWasNumeric) {
        errors.push(
          err(
            row,
            'idNumber',
            'NUMERIC_CELL',
            '身份证号被 Excel 存成了数字,末尾几位已丢失;请将该列设为“文本”格式后重新填写',
            'Excel stored the ID number as a number and lost its last digits; format the column as text',
          ),
        );
      } else {
        errors.push(err(row, 'idNumber', parsed.rule === 'CHECKSUM' ? 'CHECKSUM' : 'FORMAT', `身份证号无效:${parsed.message.zh}`, `Invalid ID number: ${parsed.message.en}`));
      }
    }
  }

  let creditCode = required('employerCreditCode', '单位统一社会信用代码');
  if (creditCode !== null) {
    creditCode = creditCode.toUpperCase();
    const parsed = parseCreditCode(creditCode);
    if (!parsed.ok && parsed.rule !== 'CHECKSUM') {
      errors.push(err(row, 'employerCreditCode', 'FORMAT', `统一社会信用代码无效:${parsed.message.zh}`, `Invalid unified social credit code: ${parsed.message.en}`));
    }
  }

  const monthText = required('month', '缴费月份');
  let month: string | null = null;
  if (monthText !== null) {
    month = monthKey(monthText);
    const current = monthKeyOf(shanghaiDate(today));
    if (month === null) {
      errors.push(err(row, 'month', 'FORMAT', `缴费月份“${monthText}”不是有效年月,应为 YYYYMM(如 202604)`, `Month "${monthText}" is not a valid YYYYMM month (e.g. 202604)`));
    } else if (month > current || month < CONTRIBUTION_EARLIEST_MONTH) {
      errors.push(
        err(
          row,
          'month',
          'MONTH_RANGE',
          `缴费月份${month}不在 ${CONTRIBUTION_EARLIEST_MONTH} 至本月(${current})之间`,
          `Month ${month} is outside ${CONTRIBUTION_EARLIEST_MONTH}…${current} (the current month)`,
        ),
      );
      month = null;
    }
  }

  const typeText = required('insuranceType', '险种');
  const insuranceType = typeText === null ? null : insuranceTypeOf(typeText);
  if (typeText !== null && insuranceType === null) {
    errors.push(err(row, 'insuranceType', 'UNKNOWN_TYPE', `险种“${typeText}”无法识别,应为 养老、失业、工伤 或 医疗`, `Unknown insurance type "${typeText}": use 养老, 失业, 工伤 or 医疗`));
  }

  const money = (field: 'amount' | 'wageBase', zh: string, text: string | null): number | null => {
    if (text === null) return null;
    const fen = yuanToFen(text);
    if (fen === null) {
      errors.push(err(row, field, 'FORMAT', `${zh}“${text}”不是有效金额(元,最多两位小数)`, `${field} "${text}" is not an amount in yuan with at most 2 decimals`));
      return null;
    }
    if (fen <= 0 || fen > CONTRIBUTION_MAX_YUAN * 100) {
      errors.push(err(row, field, 'AMOUNT_RANGE', `${zh}应大于0且不超过${CONTRIBUTION_MAX_YUAN}元`, `${field} must be above 0 and at most ${CONTRIBUTION_MAX_YUAN} yuan`));
      return null;
    }
    return fen;
  };
  const amountFen = money('amount', '缴费金额', required('amount', '缴费金额'));
  const wageText = raw.wageBase?.trim() ? raw.wageBase.trim() : null;
  const wageBaseFen = money('wageBase', '缴费基数', wageText);

  if (errors.length > 0 || idNumber === null || creditCode === null || month === null || insuranceType === null || amountFen === null) {
    return { row, ok: false, errors };
  }
  return { row, ok: true, value: { idNumber, employerCreditCode: creditCode, month, insuranceType, amountFen, wageBaseFen } };
}

/** Validates rows and rejects later rows with the same person, employer, month and type, naming the first row. */
export function validateContributionRows(rows: readonly RawContributionRow[], today: Date, seen = new Map<string, number>()): ContributionRowOutcome[] {
  return rows.map((raw) => {
    const outcome = validateContributionRow(raw, today);
    if (!outcome.ok) return outcome;
    const v = outcome.value;
    const key = `${v.idNumber}|${v.employerCreditCode}|${v.month}|${v.insuranceType}`;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, raw.row);
      return outcome;
    }
    return {
      row: raw.row,
      ok: false,
      errors: [
        err(
          raw.row,
          null,
          'DUPLICATE_IN_FILE',
          `与第${first}行重复(同一人员、单位、月份和险种)`,
          `Same person, employer, month and insurance type as row ${first}`,
        ),
      ],
    };
  });
}
