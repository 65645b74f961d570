import {
  DomainError,
  isDomainError,
  isMonthKey,
  normaliseHeader,
  parseCreditCode,
  parseResidentId,
  shanghaiDate,
} from '@vtc/domain';
import ExcelJS from 'exceljs';
import { cellText, decodeCsv, detectRosterFormat, forEachCsvRecord, type RosterFormat, xlsxDataRows } from './roster-file.ts';

/**
 * 社保缴费 (social-insurance contribution) files a bureau uploads: CSV (UTF-8 with or without BOM,
 * GB18030, UTF-16; comma, tab or semicolon) or XLSX (first sheet not named 说明). The byte-level
 * readers (encoding, RFC 4180 records, cell text, format sniffing) are the roster's (roster-file.ts);
 * the columns and the row rules are here.
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

export interface ContributionColumnSpec {
  key: ContributionColumn;
  zh: string;
  required: boolean;
  aliases: readonly string[];
  example: string;
  note: { zh: string; en: string };
}

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

const COLUMN_BY_ALIAS: ReadonlyMap<string, ContributionColumn> = new Map(
  CONTRIBUTION_COLUMNS.flatMap((c) => c.aliases.map((a) => [normaliseHeader(a), c.key] as const)),
);

export type ContributionFileErrorReason = 'UNSUPPORTED_FORMAT' | 'UNREADABLE' | 'EMPTY' | 'MISSING_COLUMNS' | 'DUPLICATE_COLUMN' | 'TOO_MANY_ROWS';

export function contributionFileError(reason: ContributionFileErrorReason, zh: string, en: string): DomainError {
  return new DomainError('VALIDATION', { zh, en }, { field: 'file', reason });
}

/** One data row as read from the file (or a live feed). */
export interface RawContributionRow {
  row: number;
  idNumber?: string;
  employerCreditCode?: string;
  month?: string;
  insuranceType?: string;
  amount?: string;
  wageBase?: string;
  /** The ID cell was a number in the spreadsheet (Excel drops the last digits of 18-digit numbers). */
  idNumberWasNumeric?: boolean;
}

export interface ParsedContributionFile {
  format: RosterFormat;
  headerRow: number;
  rows: RawContributionRow[];
}

export function matchContributionHeader(cells: readonly string[]): Map<ContributionColumn, number> {
  const found = new Map<ContributionColumn, number>();
  cells.forEach((cell, index) => {
    const key = COLUMN_BY_ALIAS.get(normaliseHeader(cell));
    if (!key) return;
    if (found.has(key)) {
      const spec = CONTRIBUTION_COLUMNS.find((c) => c.key === key)!;
      throw contributionFileError('DUPLICATE_COLUMN', `表头中“${spec.zh}”列出现了不止一次`, `The header has more than one "${key}" (${spec.zh}) column`);
    }
    found.set(key, index);
  });
  const missing = CONTRIBUTION_COLUMNS.filter((c) => c.required && !found.has(c.key));
  if (missing.length > 0) {
    throw contributionFileError(
      'MISSING_COLUMNS',
      `表头缺少必填列:${missing.map((c) => c.zh).join('、')}。请使用下载的模板`,
      `The header lacks the required column(s): ${missing.map((c) => `${c.key} (${c.zh})`).join(', ')}. Use the template`,
    );
  }
  return found;
}

const looksLikeHeader = (cells: readonly string[]) => cells.filter((c) => COLUMN_BY_ALIAS.has(normaliseHeader(c))).length >= 2;

const HEADER_SEARCH_ROWS = 10;

class Collector {
  readonly rows: RawContributionRow[] = [];
  headerRow = 0;
  private columns: Array<[ContributionColumn, number]> = [];
  constructor(private readonly maxRows: number) {}
  get hasHeader() {
    return this.headerRow > 0;
  }
  offerHeader(n: number, cells: string[], force: boolean): boolean {
    if (!force && !looksLikeHeader(cells)) return false;
    this.columns = [...matchContributionHeader(cells).entries()];
    this.headerRow = n;
    return true;
  }
  add(n: number, cell: (i: number) => string, numeric: (i: number) => boolean): void {
    const row: RawContributionRow = { row: n };
    let any = false;
    for (const [key, index] of this.columns) {
      const v = cell(index);
      if (v === '') continue;
      row[key] = v;
      any = true;
      if (key === 'idNumber' && numeric(index)) row.idNumberWasNumeric = true;
    }
    if (!any) return;
    if (this.rows.length >= this.maxRows) {
      throw contributionFileError(
        'TOO_MANY_ROWS',
        `文件超过${this.maxRows}行缴费数据,请拆分后分批上传`,
        `The file has more than ${this.maxRows} contribution rows; split it and upload the parts`,
      );
    }
    this.rows.push(row);
  }
  finish(first: { n: number; cells: string[] } | null, format: RosterFormat): ParsedContributionFile {
    if (!this.hasHeader) {
      if (!first) throw contributionFileError('EMPTY', '文件是空的,没有表头和缴费数据', 'The file is empty: no header and no rows');
      this.offerHeader(first.n, first.cells, true); // throws MISSING_COLUMNS
    }
    if (this.rows.length === 0) throw contributionFileError('EMPTY', '文件中没有缴费数据', 'The file has a header but no contribution rows');
    return { format, headerRow: this.headerRow, rows: this.rows };
  }
}

const unreadable = () =>
  contributionFileError(
    'UNREADABLE',
    '无法读取文件:请上传 CSV 或 Excel(.xlsx)格式的缴费数据,文件可能已损坏',
    'Cannot read the file: upload the contributions as CSV or Excel (.xlsx); the file may be damaged',
  );

export async function parseContributionFile(
  content: Buffer,
  options: { contentType?: string; fileName?: string; maxRows?: number } = {},
): Promise<ParsedContributionFile> {
  let format: RosterFormat;
  try {
    format = detectRosterFormat(content, options);
  } catch (err) {
    if (isDomainError(err) && err.details?.reason === 'UNSUPPORTED_FORMAT') {
      throw contributionFileError('UNSUPPORTED_FORMAT', err.localized.zh, err.localized.en);
    }
    throw unreadable();
  }
  const maxRows = options.maxRows ?? CONTRIBUTION_MAX_ROWS;
  return format === 'xlsx' ? parseXlsx(content, maxRows) : parseCsv(content, maxRows);
}

function parseCsv(content: Buffer, maxRows: number): ParsedContributionFile {
  let text: string;
  try {
    text = decodeCsv(content);
  } catch {
    throw unreadable();
  }
  const end = text.search(/[\r\n]/);
  const firstLine = end < 0 ? text : text.slice(0, end);
  const delimiter = [',', '\t', ';'].map((d) => [d, firstLine.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]![0];
  const collector = new Collector(maxRows);
  let first: { n: number; cells: string[] } | null = null;
  forEachCsvRecord(text, delimiter, (cells, n) => {
    if (collector.hasHeader) {
      collector.add(
        n,
        (i) => (cells[i] ?? '').trim(),
        () => false,
      );
      return;
    }
    const trimmed = cells.map((c) => c.trim());
    if (trimmed.every((c) => c === '')) return;
    first ??= { n, cells: trimmed };
    if (collector.offerHeader(n, trimmed, false)) return;
    if (n >= HEADER_SEARCH_ROWS) collector.offerHeader(first.n, first.cells, true);
  });
  return collector.finish(first, 'csv');
}

async function parseXlsx(content: Buffer, maxRows: number): Promise<ParsedContributionFile> {
  const collector = new Collector(maxRows);
  let first: { n: number; cells: string[] } | null = null;
  try {
    for await (const { number, values } of xlsxDataRows(content)) {
      if (collector.hasHeader) {
        collector.add(
          number,
          (i) => cellText(values[i + 1]),
          (i) => typeof values[i + 1] === 'number',
        );
        continue;
      }
      const cells = Array.from({ length: Math.max(0, values.length - 1) }, (_, i) => cellText(values[i + 1]));
      if (cells.every((c) => c === '')) continue;
      first ??= { n: number, cells };
      if (collector.offerHeader(number, cells, false)) continue;
      if (number >= HEADER_SEARCH_ROWS) collector.offerHeader(first.n, first.cells, true);
    }
  } catch (err) {
    if (isDomainError(err)) throw err;
    throw unreadable();
  }
  return collector.finish(first, 'xlsx');
}

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
    const current = shanghaiDate(today).slice(0, 7).replace('-', '');
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

// ───────────────────────────── templates ─────────────────────────────

export function contributionTemplateCsv(): Buffer {
  return Buffer.from(`\ufeff${CONTRIBUTION_COLUMNS.map((c) => c.zh).join(',')}\r\n`, 'utf8');
}

/** Sheet 社保缴费 with the header (notes on each cell, ID and credit code as text, a 险种 drop-down); sheet 说明. */
export async function contributionTemplateXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'VTC';
  const sheet = wb.addWorksheet('社保缴费', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = CONTRIBUTION_COLUMNS.map((c) => ({
    key: c.key,
    width: c.key === 'idNumber' || c.key === 'employerCreditCode' ? 24 : 14,
    style: c.key === 'idNumber' || c.key === 'employerCreditCode' || c.key === 'month' ? { numFmt: '@' } : {},
  }));
  const header = sheet.getRow(1);
  CONTRIBUTION_COLUMNS.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.zh;
    cell.font = { bold: true, color: c.required ? { argb: 'FFC00000' } : undefined };
    cell.note = `${c.note.zh}\n${c.note.en}\n示例 example: ${c.example}`;
  });
  header.commit();
  const typeCol = String.fromCharCode(65 + CONTRIBUTION_COLUMNS.findIndex((c) => c.key === 'insuranceType'));
  for (let r = 2; r <= 1001; r++) {
    sheet.getCell(`${typeCol}${r}`).dataValidation = {
      type: 'list',
      allowBlank: true,
      formulae: ['"养老,失业,工伤,医疗"'],
      showErrorMessage: true,
      errorTitle: '险种',
      error: '请选择 养老、失业、工伤 或 医疗',
    };
  }
  const help = wb.addWorksheet('说明');
  help.columns = [
    { header: '列名 column', key: 'column', width: 26 },
    { header: '必填 required', key: 'required', width: 14 },
    { header: '说明', key: 'zh', width: 60 },
    { header: 'notes', key: 'en', width: 60 },
    { header: '示例 example', key: 'example', width: 24 },
  ];
  for (const c of CONTRIBUTION_COLUMNS) {
    help.addRow({ column: `${c.zh} / ${c.key}`, required: c.required ? '是 yes' : '否 no', zh: c.note.zh, en: c.note.en, example: c.example });
  }
  help.addRow({});
  help.addRow({
    column: '导入规则',
    zh: '每行单独校验:合格的行导入(同一人员、单位、月份、险种已有记录的,以本次为准更新),不合格的行列出行号、字段和原因。平台只保存本平台学员的缴费记录,其他人员的行只计数(未匹配),不保存。同一文件重复上传不会重复导入。',
    en: 'Each row is checked on its own: valid rows are imported (an existing record for the same person, employer, month and type is updated), rejected rows are listed with row, field and reason. The platform keeps contributions of its own trainees only: rows of other persons are counted as unmatched and not stored. Uploading the same file again imports nothing twice.',
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
