import {
  PRIORITY_GROUP_NAMES,
  PRIORITY_GROUPS,
  ROSTER_COLUMNS,
  ROSTER_MAX_ROWS,
  ROSTER_TABLE,
  type RosterColumn,
} from '@vtc/domain';
import ExcelJS from 'exceljs';
import { detectFormat, type ParsedTable, parseCsv, parseTable, parseXlsx, type TabularFormat, type TabularHints } from './tabular-file.ts';

/** Roster (花名册) files: read with the roster's column spec (domain ROSTER_TABLE), and the templates. */
export type RosterFormat = TabularFormat;

export type ParsedRoster = ParsedTable<RosterColumn>;

/** The format, from the bytes first (the content type and file name only break a tie). */
export function detectRosterFormat(content: Buffer, hint: TabularHints = {}): RosterFormat {
  return detectFormat(content, hint, ROSTER_TABLE);
}

export function parseRosterFile(content: Buffer, options: TabularHints & { maxRows?: number } = {}): Promise<ParsedRoster> {
  return parseTable(content, ROSTER_TABLE, options);
}

export function parseRosterCsv(content: Buffer | string, maxRows: number = ROSTER_MAX_ROWS): ParsedRoster {
  return parseCsv(content, ROSTER_TABLE, maxRows);
}

export function parseRosterXlsx(content: Buffer, maxRows: number = ROSTER_MAX_ROWS): Promise<ParsedRoster> {
  return parseXlsx(content, ROSTER_TABLE, maxRows);
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
