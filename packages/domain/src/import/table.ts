import { DomainError } from '../shared/errors';

/**
 * What rosters and contribution files share, pure: a tabular upload (CSV or XLSX) has one header row
 * naming its columns (Chinese or English, any order, extra columns ignored) and data rows numbered as
 * the sheet numbers them. A column spec says which header cells name which column and how the whole
 * file is refused; the readers in core/import apply it.
 */

/** Reasons a whole file is refused (DomainError VALIDATION, details.reason). */
export type ImportFileErrorReason =
  | 'UNSUPPORTED_FORMAT'
  | 'UNREADABLE'
  | 'EMPTY'
  | 'MISSING_COLUMNS'
  | 'DUPLICATE_COLUMN'
  | 'TOO_MANY_ROWS'
  | 'TOO_LARGE'
  | 'FILE_TOO_LARGE_UNCOMPRESSED'
  | 'UNSAFE_ARCHIVE'
  | 'CELL_TOO_LONG'
  | 'TOO_MANY_COLUMNS';

export function importFileError(reason: ImportFileErrorReason, zh: string, en: string, row?: number): DomainError {
  return new DomainError('VALIDATION', { zh, en }, row === undefined ? { field: 'file', reason } : { field: 'file', reason, row });
}

// ───────────────────────────── hostile files ─────────────────────────────

const MiB = 1024 * 1024;

/**
 * What a spreadsheet upload may hold once unpacked. An .xlsx is a zip archive: a few megabytes can
 * inflate to gigabytes (a decompression bomb), so the readers check the archive's directory and the
 * bytes actually inflated against these before the workbook is read. A 100,000-row roster or a
 * 200,000-row contribution file saved by Excel or WPS stays far below them.
 */
export const XLSX_LIMITS = {
  /** Parts in the archive: Excel writes about a dozen, plus a few per sheet. */
  maxEntries: 1_000,
  /** All parts together, uncompressed. */
  maxUncompressedBytes: 256 * MiB,
  /** The shared-strings part (every text cell's text; the reader keeps it in memory while reading). */
  maxSharedStringsBytes: 64 * MiB,
  /** Uncompressed size over compressed size, for a part above ratioFloorBytes (Excel's XML deflates about 5–30 times). */
  maxRatio: 200,
  ratioFloorBytes: MiB,
} as const;

/** Excel's own limits: characters in a cell, columns in a sheet (A…XFD). Files beyond them were not saved by a spreadsheet. */
export const MAX_CELL_CHARS = 32_767;
export const MAX_COLUMNS = 16_384;

/** The workbook inflates beyond XLSX_LIMITS (declared in its directory or found while inflating). */
export function tooLargeUncompressed(): DomainError {
  return importFileError(
    'FILE_TOO_LARGE_UNCOMPRESSED',
    `Excel 文件解压后过大(超过${XLSX_LIMITS.maxUncompressedBytes / MiB}MB,或文字表超过${XLSX_LIMITS.maxSharedStringsBytes / MiB}MB,或压缩比异常),不予读取;请在 Excel 中另存为 .xlsx 或 CSV、或拆分后上传`,
    `The Excel file unpacks to too much data (over ${XLSX_LIMITS.maxUncompressedBytes / MiB} MB in all, over ${XLSX_LIMITS.maxSharedStringsBytes / MiB} MB of shared strings, or an implausible compression ratio); save it again as .xlsx or CSV, or split it, and upload it`,
  );
}

/** The archive's structure is not one a spreadsheet program writes (`why` says what). */
export function unsafeArchive(why: { zh: string; en: string }): DomainError {
  return importFileError('UNSAFE_ARCHIVE', `Excel 文件结构异常(${why.zh}),不予读取;请在 Excel 中重新保存为 .xlsx 后上传`, `The Excel file's structure is not a spreadsheet's (${why.en}); save it again as .xlsx and upload it`);
}

export function cellTooLong(row: number): DomainError {
  return importFileError('CELL_TOO_LONG', `第${row}行有单元格超过${MAX_CELL_CHARS}个字符`, `Row ${row} has a cell longer than ${MAX_CELL_CHARS} characters`, row);
}

export function tooManyColumns(row: number): DomainError {
  return importFileError('TOO_MANY_COLUMNS', `第${row}行超过${MAX_COLUMNS}列`, `Row ${row} has more than ${MAX_COLUMNS} columns`, row);
}

/** A compressed file (gzip, 7z, rar, xz, zstd): uploads are the spreadsheet itself. */
export function compressedUpload(): DomainError {
  return importFileError(
    'UNSUPPORTED_FORMAT',
    '不接受压缩包(gzip、7z、rar 等),请直接上传 CSV 或 Excel(.xlsx)文件',
    'Compressed files (gzip, 7z, rar, ...) are not accepted; upload the CSV or Excel (.xlsx) file itself',
  );
}

/** Too many files are being read at once: nothing was saved; the same upload may be sent again shortly. */
export function importBusy(): DomainError {
  return new DomainError(
    'CONFLICT',
    { zh: '正在读取的上传文件过多,本次上传未保存,请稍后重新上传', en: 'Too many uploads are being read right now; nothing was saved, upload the file again in a moment' },
    { field: 'file', reason: 'BUSY' },
  );
}

/** Where a file could not be read: CSV text, an XLSX workbook, or a file named .xlsx that is not one. */
export type UnreadableKind = 'csv' | 'xlsx' | 'notXlsx';

/** One data row as read: the non-blank cells of the recognised columns, by column. */
export type RawImportRow<K extends string> = { row: number; idNumberWasNumeric?: boolean } & { [key in K]?: string };

export interface ImportTableSpec<K extends string> {
  /** The column a header cell names, or null. */
  columnOf(cell: string): K | null;
  /** The column of every recognised header cell; refuses DUPLICATE_COLUMN and MISSING_COLUMNS. */
  matchHeader(cells: readonly string[]): Map<K, number>;
  /** More data rows than this: the file is refused as a whole. */
  maxRows: number;
  tooManyRows(maxRows: number): DomainError;
  /** Nothing at all in the file. */
  noHeader(): DomainError;
  /** A header and no data row. */
  noRows(): DomainError;
  unreadable(kind: UnreadableKind): DomainError;
}

/** One column of an import table: its key, Chinese header, accepted header spellings and template help. */
export interface ImportColumnSpec<K extends string> {
  key: K;
  zh: string;
  required: boolean;
  /** Accepted header spellings, compared after normaliseHeader. */
  aliases: readonly string[];
  /** Filled-in example for the template. */
  example: string;
  note: { zh: string; en: string };
}

/**
 * The spec of a table with `columns` whose data rows are called `rows` (e.g. 学员 / trainee): header
 * matching by alias, and the whole-file refusals worded for those rows. `headers` ends the
 * MISSING_COLUMNS message.
 */
export function importTable<K extends string>(
  columns: readonly ImportColumnSpec<K>[],
  rows: { zh: string; en: string },
  options: { maxRows: number; headers?: { zh: string; en: string }; unreadable: (kind: UnreadableKind) => DomainError },
): ImportTableSpec<K> {
  const byAlias: ReadonlyMap<string, K> = new Map(columns.flatMap((c) => c.aliases.map((a) => [normaliseHeader(a), c.key] as const)));
  const columnOf = (cell: string): K | null => byAlias.get(normaliseHeader(cell)) ?? null;
  return {
    columnOf,
    matchHeader: (cells) => matchHeader(columns, columnOf, cells, options.headers),
    maxRows: options.maxRows,
    tooManyRows: (max) =>
      importFileError('TOO_MANY_ROWS', `文件超过${max}行${rows.zh}数据,请拆分后分批上传`, `The file has more than ${max} ${rows.en} rows; split it and upload the parts`),
    noHeader: () => importFileError('EMPTY', `文件是空的,没有表头和${rows.zh}数据`, `The file is empty: no header and no ${rows.en} rows`),
    noRows: () => importFileError('EMPTY', `文件中没有${rows.zh}数据`, `The file has a header but no ${rows.en} rows`),
    unreadable: options.unreadable,
  };
}

/** How many rows from the top are searched for the header row. */
export const HEADER_SEARCH_ROWS = 10;

/** Is this row the header? At least two recognised column names (a title row above it has none). */
export function looksLikeHeader<K extends string>(spec: Pick<ImportTableSpec<K>, 'columnOf'>, cells: readonly string[]): boolean {
  let n = 0;
  for (const cell of cells) if (spec.columnOf(cell)) n++;
  return n >= 2;
}

/** Header text as compared: lower case, no spaces, underscores, hyphens, asterisks or bracketed notes. */
export function normaliseHeader(cell: string): string {
  return cell
    .replace(/[（(【[].*?[）)】\]]/g, '')
    .replace(/[\s_\-*＊:：]/g, '')
    .toLowerCase();
}

/**
 * Which column holds what; a column given twice, or required columns missing, refuse the file with one
 * error. `headers` ends the MISSING_COLUMNS message (e.g. the template's header list).
 */
export function matchHeader<K extends string>(
  columns: ReadonlyArray<{ key: K; zh: string; required: boolean }>,
  columnOf: (cell: string) => K | null,
  cells: readonly string[],
  headers: { zh: string; en: string } = { zh: '', en: '' },
): Map<K, number> {
  const found = new Map<K, number>();
  cells.forEach((cell, index) => {
    const key = columnOf(cell);
    if (!key) return;
    if (found.has(key)) {
      const spec = columns.find((c) => c.key === key)!;
      throw importFileError('DUPLICATE_COLUMN', `表头中“${spec.zh}”列出现了不止一次`, `The header has more than one "${key}" (${spec.zh}) column`);
    }
    found.set(key, index);
  });
  const missing = columns.filter((c) => c.required && !found.has(c.key));
  if (missing.length > 0) {
    throw importFileError(
      'MISSING_COLUMNS',
      `表头缺少必填列:${missing.map((c) => c.zh).join('、')}。请使用下载的模板${headers.zh}`,
      `The header lacks the required column(s): ${missing.map((c) => `${c.key} (${c.zh})`).join(', ')}. Use the template${headers.en}`,
    );
  }
  return found;
}

/** An import's progress in whole percent; a finished import is 100. */
export function importPercent(imp: { status: string; totalRows: number; processedRows: number }): number {
  if (imp.status === 'SUCCEEDED') return 100;
  if (imp.totalRows <= 0) return 0;
  return Math.min(100, Math.floor((imp.processedRows * 100) / imp.totalRows));
}
