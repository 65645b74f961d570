import { Readable } from 'node:stream';
import {
  isDomainError,
  looksLikeRosterHeader,
  matchRosterHeader,
  PRIORITY_GROUP_NAMES,
  PRIORITY_GROUPS,
  ROSTER_COLUMNS,
  ROSTER_MAX_ROWS,
  type RawRosterRow,
  type RosterColumn,
  rosterFileError,
} from '@vtc/domain';
import ExcelJS from 'exceljs';

/**
 * Reading and writing roster (花名册) files. CSV (UTF-8 with or without BOM, GB18030 as Excel in
 * Chinese saves it, or UTF-16 "Unicode text"; comma, tab or semicolon separated) and XLSX (the first
 * sheet not named 说明/instructions). Row numbers are the sheet's own: in the template the header is
 * row 1 and the first trainee row 2; a title row above the header moves both down, as in the sheet.
 * Blank rows (and rows whose recognised columns are all blank, e.g. pre-numbered 序号 rows) are skipped.
 */
export type RosterFormat = 'csv' | 'xlsx';

export interface ParsedRoster {
  format: RosterFormat;
  /** Sheet row number of the header. */
  headerRow: number;
  rows: RawRosterRow[];
}

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_CONTENT_TYPE = 'text/csv';

/** How many rows from the top are searched for the header row. */
const HEADER_SEARCH_ROWS = 10;

const isZip = (b: Buffer) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isOle = (b: Buffer) => b.length >= 4 && b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0;

/** The format, from the bytes first (the content type and file name only break a tie). */
export function detectRosterFormat(content: Buffer, hint: { contentType?: string; fileName?: string } = {}): RosterFormat {
  if (isOle(content)) {
    throw rosterFileError(
      'UNSUPPORTED_FORMAT',
      '不支持旧版 Excel(.xls)文件,请在 Excel 中另存为 .xlsx 或 CSV 后上传',
      'Old Excel (.xls) files are not supported; save as .xlsx or CSV and upload again',
    );
  }
  if (isZip(content)) return 'xlsx';
  const type = (hint.contentType ?? '').toLowerCase();
  const name = (hint.fileName ?? '').toLowerCase();
  if (type.includes('spreadsheetml') || name.endsWith('.xlsx')) {
    throw rosterFileError(
      'UNREADABLE',
      '文件不是有效的 Excel(.xlsx)文件,可能已损坏',
      'The file is not a valid Excel (.xlsx) file; it may be damaged',
    );
  }
  return 'csv';
}

export async function parseRosterFile(
  content: Buffer,
  options: { contentType?: string; fileName?: string; maxRows?: number } = {},
): Promise<ParsedRoster> {
  const format = detectRosterFormat(content, options);
  const maxRows = options.maxRows ?? ROSTER_MAX_ROWS;
  return format === 'xlsx' ? parseRosterXlsx(content, maxRows) : parseRosterCsv(content, maxRows);
}

/** Collects data rows once the header is known; enforces the row limit as it goes. */
class RowCollector {
  readonly rows: RawRosterRow[] = [];
  private columns: Array<[RosterColumn, number]> = [];
  headerRow = 0;
  private seen = 0;

  constructor(private readonly maxRows: number) {}

  get hasHeader(): boolean {
    return this.headerRow > 0;
  }

  /** Offer a row before the header is found; true once it is. */
  offerHeader(rowNumber: number, cells: string[], force: boolean): boolean {
    if (!force && !looksLikeRosterHeader(cells)) return false;
    this.columns = [...matchRosterHeader(cells).entries()];
    this.headerRow = rowNumber;
    return true;
  }

  add(rowNumber: number, cell: (index: number) => string, numericId: (index: number) => boolean): void {
    const row: RawRosterRow = { row: rowNumber };
    let any = false;
    for (const [key, index] of this.columns) {
      const v = cell(index);
      if (v !== '') {
        row[key] = v;
        any = true;
        if (key === 'idNumber' && numericId(index)) row.idNumberWasNumeric = true;
      }
    }
    if (!any) return;
    this.seen++;
    if (this.seen > this.maxRows) {
      throw rosterFileError(
        'TOO_MANY_ROWS',
        `文件超过${this.maxRows}行学员数据,请拆分后分批上传`,
        `The file has more than ${this.maxRows} trainee rows; split it and upload the parts`,
      );
    }
    this.rows.push(row);
  }
}

function noHeader(): never {
  throw rosterFileError('EMPTY', '文件是空的,没有表头和学员数据', 'The file is empty: no header and no trainee rows');
}

function noRows(): never {
  throw rosterFileError('EMPTY', '文件中没有学员数据', 'The file has a header but no trainee rows');
}

// ───────────────────────────── CSV ─────────────────────────────

/** Text of a CSV file: BOM-marked UTF-8/UTF-16, plain UTF-8, else GB18030 (Excel's "CSV" in Chinese Windows). */
export function decodeCsv(content: Buffer): string {
  if (content[0] === 0xef && content[1] === 0xbb && content[2] === 0xbf) return content.toString('utf8', 3);
  if (content[0] === 0xff && content[1] === 0xfe) return new TextDecoder('utf-16le').decode(content.subarray(2));
  if (content[0] === 0xfe && content[1] === 0xff) return new TextDecoder('utf-16be').decode(content.subarray(2));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    text = new TextDecoder('gb18030').decode(content);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: binary files contain control characters
  if (/[\u0000-\u0008\u000e-\u001a]/.test(text.slice(0, 4096))) {
    throw rosterFileError(
      'UNREADABLE',
      '无法读取文件:请上传 CSV 或 Excel(.xlsx)格式的花名册',
      'Cannot read the file: upload the roster as CSV or Excel (.xlsx)',
    );
  }
  return text;
}

function guessDelimiter(text: string): string {
  const end = text.search(/[\r\n]/);
  const first = end < 0 ? text : text.slice(0, end);
  const counts: Array<[string, number]> = [',', '\t', ';'].map((d) => [d, first.split(d).length - 1]);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ',';
}

/**
 * RFC 4180 records: quoted fields may hold the delimiter, doubled quotes and line breaks; CRLF, LF
 * or CR end a record. Calls `onRecord(cells, recordNumber)`; record 1 is the first line, as Excel
 * numbers the rows when it opens the file. Hand-written because it is ~10× faster than a general
 * parser on a 100,000-row roster.
 */
export function forEachCsvRecord(text: string, delimiter: string, onRecord: (cells: string[], n: number) => void): void {
  const len = text.length;
  const d = delimiter.charCodeAt(0);
  let i = 0;
  let n = 0;
  while (i < len) {
    const cells: string[] = [];
    for (;;) {
      let value: string;
      if (text.charCodeAt(i) === 34 /* " */) {
        let j = i + 1;
        let out = '';
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) {
            out += text.slice(j);
            j = len;
            break;
          }
          out += text.slice(j, q);
          if (text.charCodeAt(q + 1) === 34) {
            out += '"';
            j = q + 2;
          } else {
            j = q + 1;
            break;
          }
        }
        // Anything between the closing quote and the delimiter is kept, as Excel does.
        let k = j;
        while (k < len) {
          const c = text.charCodeAt(k);
          if (c === d || c === 10 || c === 13) break;
          k++;
        }
        value = out + text.slice(j, k);
        i = k;
      } else {
        let k = i;
        while (k < len) {
          const c = text.charCodeAt(k);
          if (c === d || c === 10 || c === 13) break;
          k++;
        }
        value = text.slice(i, k);
        i = k;
      }
      cells.push(value);
      const c = text.charCodeAt(i);
      if (c === d) {
        i++;
        continue;
      }
      if (c === 13) i += text.charCodeAt(i + 1) === 10 ? 2 : 1;
      else if (c === 10) i++;
      break;
    }
    n++;
    onRecord(cells, n);
  }
}

export function parseRosterCsv(content: Buffer | string, maxRows: number = ROSTER_MAX_ROWS): ParsedRoster {
  const text = typeof content === 'string' ? content.replace(/^\ufeff/, '') : decodeCsv(content);
  const collector = new RowCollector(maxRows);
  let firstNonEmpty: { n: number; cells: string[] } | null = null;
  forEachCsvRecord(text, guessDelimiter(text), (cells, n) => {
    if (collector.hasHeader) {
      collector.add(
        n,
        (index) => (cells[index] ?? '').trim(),
        () => false,
      );
      return;
    }
    const trimmed = cells.map((c) => c.trim());
    if (trimmed.every((c) => c === '')) return;
    firstNonEmpty ??= { n, cells: trimmed };
    if (collector.offerHeader(n, trimmed, false)) return;
    if (n >= HEADER_SEARCH_ROWS) collector.offerHeader(firstNonEmpty.n, firstNonEmpty.cells, true);
  });
  if (!collector.hasHeader) {
    const first = firstNonEmpty as { n: number; cells: string[] } | null;
    if (!first) noHeader();
    collector.offerHeader(first.n, first.cells, true); // throws MISSING_COLUMNS
  }
  if (collector.rows.length === 0) noRows();
  return { format: 'csv', headerRow: collector.headerRow, rows: collector.rows };
}

// ───────────────────────────── XLSX ─────────────────────────────

/** The text a user sees in a cell, whatever exceljs made of it. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as { richText?: Array<{ text?: string }>; text?: unknown; result?: unknown; error?: unknown };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text ?? '').join('').trim();
    if ('result' in v) return cellText(v.result);
    if (v.text !== undefined) return cellText(v.text);
  }
  return '';
}

const isInstructionSheet = (name: string) => /说明|instruction|readme/i.test(name);

interface SheetReader extends AsyncIterable<{ number: number; values: unknown }> {
  name?: string;
}

/**
 * The rows of a workbook's first sheet that is not an instructions sheet (说明 / readme), streamed with
 * exceljs; the other sheets are drained (the reader needs every entry consumed). `values` is 1-based, as
 * exceljs gives it. Rosters and contribution files read their XLSX through it.
 */
export async function* xlsxDataRows(content: Buffer): AsyncGenerator<{ number: number; values: unknown[] }> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(content), {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  let sheetFound = false;
  for await (const sheet of reader as unknown as AsyncIterable<SheetReader>) {
    if (sheetFound || isInstructionSheet(sheet.name ?? '')) {
      for await (const _row of sheet) {
        // drain
      }
      continue;
    }
    sheetFound = true;
    for await (const row of sheet) yield { number: row.number, values: (Array.isArray(row.values) ? row.values : []) as unknown[] };
  }
}

export async function parseRosterXlsx(content: Buffer, maxRows: number = ROSTER_MAX_ROWS): Promise<ParsedRoster> {
  const collector = new RowCollector(maxRows);
  let firstNonEmpty: { n: number; cells: string[] } | null = null;
  try {
    for await (const { number, values } of xlsxDataRows(content)) {
      if (collector.hasHeader) {
        collector.add(
          number,
          (index) => cellText(values[index + 1]),
          (index) => typeof values[index + 1] === 'number',
        );
        continue;
      }
      const cells = Array.from({ length: Math.max(0, values.length - 1) }, (_, i) => cellText(values[i + 1]));
      if (cells.every((c) => c === '')) continue;
      firstNonEmpty ??= { n: number, cells };
      if (collector.offerHeader(number, cells, false)) continue;
      if (number >= HEADER_SEARCH_ROWS) collector.offerHeader(firstNonEmpty.n, firstNonEmpty.cells, true);
    }
  } catch (err) {
    if (isDomainError(err)) throw err;
    throw rosterFileError(
      'UNREADABLE',
      '无法读取 Excel 文件,文件可能已损坏;请在 Excel 中重新保存为 .xlsx 后上传',
      'Cannot read the Excel file; it may be damaged. Save it again as .xlsx and upload it',
    );
  }
  if (!collector.hasHeader) {
    const first = firstNonEmpty as { n: number; cells: string[] } | null;
    if (!first) noHeader();
    collector.offerHeader(first.n, first.cells, true);
  }
  if (collector.rows.length === 0) noRows();
  return { format: 'xlsx', headerRow: collector.headerRow, rows: collector.rows };
}

// ───────────────────────────── templates ─────────────────────────────

/** The CSV template: the Chinese header row, UTF-8 with a BOM so Excel opens it with the right encoding. */
export function rosterTemplateCsv(): Buffer {
  return Buffer.from(`\ufeff${ROSTER_COLUMNS.map((c) => c.zh).join(',')}\r\n`, 'utf8');
}

/**
 * The XLSX template: sheet 花名册 with the Chinese header row (each header cell carries a note with
 * the rule and an example), the ID and phone columns formatted as text so Excel keeps all 18 digits,
 * a drop-down for 户籍类型; sheet 说明 (instructions) explains every column with an example row.
 */
export async function rosterTemplateXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'VTC';
  const sheet = wb.addWorksheet('花名册', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = ROSTER_COLUMNS.map((c) => ({
    key: c.key,
    width: c.key === 'idNumber' ? 22 : c.key === 'priorityGroups' ? 28 : 14,
    style: c.key === 'idNumber' || c.key === 'phone' ? { numFmt: '@' } : {},
  }));
  const header = sheet.getRow(1);
  ROSTER_COLUMNS.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.zh;
    cell.font = { bold: true, color: c.required ? { argb: 'FFC00000' } : undefined };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
    cell.note = `${c.note.zh}\n${c.note.en}\n示例 example: ${c.example}`;
  });
  header.commit();
  const household = ROSTER_COLUMNS.findIndex((c) => c.key === 'householdType') + 1;
  const col = String.fromCharCode(64 + household);
  for (let r = 2; r <= 1001; r++) {
    sheet.getCell(`${col}${r}`).dataValidation = {
      type: 'list',
      allowBlank: true,
      formulae: ['"城镇,农村"'],
      showErrorMessage: true,
      errorTitle: '户籍类型',
      error: '请选择“城镇”或“农村”',
    };
  }

  const help = wb.addWorksheet('说明');
  help.columns = [
    { header: '列名 column', key: 'column', width: 22 },
    { header: '必填 required', key: 'required', width: 14 },
    { header: '说明', key: 'zh', width: 60 },
    { header: 'notes', key: 'en', width: 60 },
    { header: '示例 example', key: 'example', width: 24 },
  ];
  help.getRow(1).font = { bold: true };
  for (const c of ROSTER_COLUMNS) {
    help.addRow({
      column: `${c.zh} / ${c.key}`,
      required: c.required ? '是 yes' : '否 no',
      zh: c.note.zh,
      en: c.note.en,
      example: c.example,
    });
  }
  help.addRow({});
  help.addRow({ column: '示例行 example row' }).font = { bold: true };
  help.addRow(ROSTER_COLUMNS.map((c) => c.zh));
  const example = help.addRow(ROSTER_COLUMNS.map((c) => c.example));
  example.getCell(2).numFmt = '@';
  help.addRow({});
  help.addRow({ column: '重点群体可填 priority groups' }).font = { bold: true };
  for (const g of PRIORITY_GROUPS) help.addRow({ column: PRIORITY_GROUP_NAMES[g], required: g });
  help.addRow({});
  help.addRow({
    column: '导入规则',
    zh: '表头可用中文或英文列名,列的顺序不限,多余的列会被忽略。每行单独校验:合格的行导入,不合格的行列出行号、字段和原因。同一身份证号在文件中只能出现一次;已在系统中的人员直接沿用(姓名须一致)。同一文件重复上传不会重复导入。',
    en: 'Headers in Chinese or English, any column order, extra columns ignored. Each row is checked on its own: valid rows are imported, rejected rows are listed with row number, field and reason. An ID number may appear once per file; people already registered are reused (the name must match). Uploading the same file again imports nothing twice.',
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
