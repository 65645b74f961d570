import { CONTRIBUTION_COLUMNS, CONTRIBUTION_TABLE, type ContributionColumn } from '@vtc/domain';
import ExcelJS from 'exceljs';
import { type ParsedTable, parseTable, type TabularHints } from './tabular-file.ts';

/**
 * 社保缴费 (social-insurance contribution) files a bureau uploads, read with the contribution column
 * spec (domain CONTRIBUTION_TABLE: columns, money, months, insurance types and row rules live there),
 * and the templates.
 */
// Defined in @vtc/domain; re-exported for the API modules that import them from @vtc/core.
export { CONTRIBUTION_MAX_BYTES, CONTRIBUTION_ROW_ERROR_CODES, type ContributionRowError } from '@vtc/domain';

export type ParsedContributionFile = ParsedTable<ContributionColumn>;

export function parseContributionFile(content: Buffer, options: TabularHints & { maxRows?: number } = {}): Promise<ParsedContributionFile> {
  return parseTable(content, CONTRIBUTION_TABLE, options);
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
