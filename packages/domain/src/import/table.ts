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
  | 'TOO_LARGE';

export function importFileError(reason: ImportFileErrorReason, zh: string, en: string): DomainError {
  return new DomainError('VALIDATION', { zh, en }, { field: 'file', reason });
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
