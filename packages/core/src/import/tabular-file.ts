import { Readable } from 'node:stream';
import {
  cellTooLong,
  compressedUpload,
  HEADER_SEARCH_ROWS,
  type ImportTableSpec,
  importFileError,
  isDomainError,
  isoDate,
  looksLikeHeader,
  MAX_CELL_CHARS,
  MAX_COLUMNS,
  type RawImportRow,
  tooManyColumns,
} from '@vtc/domain';
import ExcelJS from 'exceljs';
import { assertSafeXlsxArchive } from './xlsx-archive.ts';

/**
 * The one reader of tabular uploads (rosters and contribution files): CSV (UTF-8 with or without BOM,
 * GB18030 as Excel in Chinese saves it, or UTF-16 "Unicode text"; comma, tab or semicolon separated)
 * and XLSX (the first sheet not named 说明/instructions), read as one stream of rows; the column
 * spec (domain ImportTableSpec) finds the header and names the columns. Row numbers are the sheet's
 * own: in the template the header is row 1 and the first data row 2; a title row above the header
 * moves both down, as in the sheet. Blank rows (and rows whose recognised columns are all blank, e.g.
 * pre-numbered 序号 rows) are skipped.
 *
 * Hostile files are refused before they cost memory: compressed uploads (gzip, 7z, ...), an XLSX whose
 * archive is unsafe or inflates beyond XLSX_LIMITS (xlsx-archive.ts), rows wider than Excel's 16,384
 * columns and cells longer than its 32,767 characters.
 */
export type TabularFormat = 'csv' | 'xlsx';

export interface ParsedTable<K extends string> {
  format: TabularFormat;
  /** Sheet row number of the header. */
  headerRow: number;
  rows: Array<RawImportRow<K>>;
}

export interface TabularHints {
  contentType?: string;
  fileName?: string;
}

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_CONTENT_TYPE = 'text/csv';

const isZip = (b: Buffer) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isOle = (b: Buffer) => b.length >= 4 && b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0;
/** gzip, 7z, rar, xz and zstd signatures. */
const COMPRESSED_MAGIC = [[0x1f, 0x8b], [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], [0x28, 0xb5, 0x2f, 0xfd]];
const isCompressed = (b: Buffer) => COMPRESSED_MAGIC.some((magic) => b.length >= magic.length && magic.every((byte, i) => b[i] === byte));

/** The format, from the bytes first (the content type and file name only break a tie). */
export function detectFormat(content: Buffer, hint: TabularHints, spec: Pick<ImportTableSpec<string>, 'unreadable'>): TabularFormat {
  if (isOle(content)) {
    throw importFileError(
      'UNSUPPORTED_FORMAT',
      '不支持旧版 Excel(.xls)文件,请在 Excel 中另存为 .xlsx 或 CSV 后上传',
      'Old Excel (.xls) files are not supported; save as .xlsx or CSV and upload again',
    );
  }
  if (isCompressed(content)) throw compressedUpload();
  if (isZip(content)) return 'xlsx';
  const type = (hint.contentType ?? '').toLowerCase();
  const name = (hint.fileName ?? '').toLowerCase();
  if (type.includes('spreadsheetml') || name.endsWith('.xlsx')) throw spec.unreadable('notXlsx');
  return 'csv';
}

/** Read a whole upload with `spec`: the header, then the data rows, refusing the file as the spec says. */
export async function parseTable<K extends string>(
  content: Buffer,
  spec: ImportTableSpec<K>,
  options: TabularHints & { maxRows?: number } = {},
): Promise<ParsedTable<K>> {
  const format = detectFormat(content, options, spec);
  return format === 'xlsx' ? parseXlsx(content, spec, options.maxRows) : parseCsv(content, spec, options.maxRows);
}

/** A sheet row: its number, its cells' text, and whether a cell held a number. */
interface SheetRow {
  n: number;
  cells: string[];
  numeric?: (index: number) => boolean;
}

/** Finds the header, then collects the data rows (the recognised columns' non-blank cells); enforces the row limit. */
class RowCollector<K extends string> {
  readonly rows: Array<RawImportRow<K>> = [];
  private columns: Array<[K, number]> = [];
  private headerRow = 0;
  private first: SheetRow | null = null;

  constructor(
    private readonly spec: ImportTableSpec<K>,
    private readonly maxRows: number,
  ) {}

  offer(row: SheetRow): void {
    if (row.cells.length > MAX_COLUMNS) throw tooManyColumns(row.n);
    if (row.cells.some((c) => c.length > MAX_CELL_CHARS)) throw cellTooLong(row.n);
    if (this.headerRow > 0) this.add(row);
    else this.offerHeader(row);
  }

  private offerHeader(row: SheetRow): void {
    if (row.cells.every((c) => c === '')) return;
    this.first ??= row;
    if (looksLikeHeader(this.spec, row.cells)) this.useHeader(row);
    else if (row.n >= HEADER_SEARCH_ROWS) this.useHeader(this.first);
  }

  /** The header is this row; throws when its columns do not fit (MISSING_COLUMNS, DUPLICATE_COLUMN). */
  private useHeader(row: SheetRow): void {
    this.columns = [...this.spec.matchHeader(row.cells).entries()];
    this.headerRow = row.n;
  }

  private add({ n, cells, numeric }: SheetRow): void {
    const row = { row: n } as RawImportRow<K>;
    const values = row as Record<string, string>;
    let any = false;
    for (const [key, index] of this.columns) {
      const v = cells[index] ?? '';
      if (v === '') continue;
      values[key] = v;
      any = true;
      if (key === 'idNumber' && numeric?.(index)) row.idNumberWasNumeric = true;
    }
    if (!any) return;
    if (this.rows.length >= this.maxRows) throw this.spec.tooManyRows(this.maxRows);
    this.rows.push(row);
  }

  finish(format: TabularFormat): ParsedTable<K> {
    if (this.headerRow === 0) {
      if (!this.first) throw this.spec.noHeader();
      this.useHeader(this.first); // throws MISSING_COLUMNS
    }
    if (this.rows.length === 0) throw this.spec.noRows();
    return { format, headerRow: this.headerRow, rows: this.rows };
  }
}

// ───────────────────────────── CSV ─────────────────────────────

/** Text of a CSV file: BOM-marked UTF-8/UTF-16, plain UTF-8, else GB18030 (Excel's "CSV" in Chinese Windows); null when binary. */
export function decodeCsv(content: Buffer): string | null {
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
  return /[\u0000-\u0008\u000e-\u001a]/.test(text.slice(0, 4096)) ? null : text;
}

/** The separator the first line uses most (comma when it has none). */
function guessDelimiter(text: string): string {
  const end = text.search(/[\r\n]/);
  const first = end < 0 ? text : text.slice(0, end);
  const counts: Array<[string, number]> = [',', '\t', ';'].map((d) => [d, first.split(d).length - 1]);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ',';
}

/**
 * Hand-written rather than a CSV library: one pass over the text with exact record numbers for row
 * errors, and no dependency.
 * RFC 4180 records: quoted fields may hold the delimiter, doubled quotes and line breaks; CRLF, LF
 * or CR end a record. Calls `onRecord(cells, recordNumber)`; record 1 is the first line, as Excel
 * numbers the rows when it opens the file.
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
      if (cells.length > MAX_COLUMNS) throw tooManyColumns(n + 1);
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

/** Read CSV content (bytes, or text already decoded) with `spec`. */
export function parseCsv<K extends string>(content: Buffer | string, spec: ImportTableSpec<K>, maxRows = spec.maxRows): ParsedTable<K> {
  const text = typeof content === 'string' ? content.replace(/^\ufeff/, '') : decodeCsv(content);
  if (text === null) throw spec.unreadable('csv');
  const collector = new RowCollector(spec, maxRows);
  forEachCsvRecord(text, guessDelimiter(text), (cells, n) => collector.offer({ n, cells: cells.map((c) => c.trim()) }));
  return collector.finish('csv');
}

// ───────────────────────────── XLSX ─────────────────────────────

/** The text a user sees in a cell, whatever exceljs made of it. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : isoDate(value);
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
 * exceljs; the other sheets are drained (the reader needs every entry consumed). `values` is 1-based,
 * as exceljs gives it. The archive is checked first (assertSafeXlsxArchive).
 */
export async function* xlsxDataRows(content: Buffer): AsyncGenerator<{ number: number; values: unknown[] }> {
  await assertSafeXlsxArchive(content);
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

/** Read XLSX content with `spec`. */
export async function parseXlsx<K extends string>(content: Buffer, spec: ImportTableSpec<K>, maxRows = spec.maxRows): Promise<ParsedTable<K>> {
  const collector = new RowCollector(spec, maxRows);
  try {
    for await (const { number, values } of xlsxDataRows(content)) {
      const cells = Array.from({ length: Math.max(0, values.length - 1) }, (_, i) => cellText(values[i + 1]));
      collector.offer({ n: number, cells, numeric: (i) => typeof values[i + 1] === 'number' });
    }
  } catch (err) {
    if (isDomainError(err)) throw err;
    throw spec.unreadable('xlsx');
  }
  return collector.finish('xlsx');
}
