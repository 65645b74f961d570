import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { DomainError, makeResidentId } from '@vtc/domain';
import ExcelJS from 'exceljs';
import {
  detectRosterFormat,
  parseRosterCsv,
  parseRosterFile,
  parseRosterXlsx,
  rosterTemplateCsv,
  rosterTemplateXlsx,
} from './roster-file.ts';
import { forEachCsvRecord } from './tabular-file.ts';

const id1 = makeResidentId({ regionCode: '141002', birthDate: '1990-05-17', sequence: 11 });
const id2 = makeResidentId({ regionCode: '141002', birthDate: '1992-03-01', sequence: 22 });

async function reason(p: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof DomainError) return e.details?.reason;
    throw e;
  }
  return 'no error';
}

async function xlsx(rows: unknown[][], options: { sheets?: string[]; idAsNumber?: boolean } = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const name of options.sheets ?? []) wb.addWorksheet(name).addRow(['说明文字']);
  const ws = wb.addWorksheet('花名册');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('CSV records', () => {
  it('follows RFC 4180: quotes, doubled quotes, line breaks inside quotes, CRLF/LF/CR', () => {
    const records: Array<[number, string[]]> = [];
    forEachCsvRecord('a,"b,1","say ""hi"""\r\n"multi\nline",x\ry\n\nlast', ',', (cells, n) => records.push([n, cells]));
    expect(records).toEqual([
      [1, ['a', 'b,1', 'say "hi"']],
      [2, ['multi\nline', 'x']],
      [3, ['y']],
      [4, ['']],
      [5, ['last']],
    ]);
  });
});

describe('parseRosterCsv', () => {
  it('reads the template layout with sheet row numbers; blank rows are skipped but counted', () => {
    const csv = `\ufeff姓名,身份证号,手机号,户籍类型,重点群体\r\n张伟,${id1},13800001234,农村,"农民工、脱贫劳动力"\r\n\r\n,,,,\r\n李娜,${id2},,,\r\n`;
    const parsed = parseRosterCsv(Buffer.from(csv));
    expect(parsed).toEqual({
      format: 'csv',
      headerRow: 1,
      rows: [
        { row: 2, name: '张伟', idNumber: id1, phone: '13800001234', householdType: '农村', priorityGroups: '农民工、脱贫劳动力' },
        { row: 5, name: '李娜', idNumber: id2 },
      ],
    });
  });

  it('takes English headers in any order, ignores unknown columns, finds the header below a title row', () => {
    const csv = `尧都区培训班花名册\n\n序号,phone,idNumber,备注,name\n1,,${id1},x,张伟\n2\n`;
    expect(parseRosterCsv(Buffer.from(csv))).toEqual({
      format: 'csv',
      headerRow: 3,
      rows: [{ row: 4, name: '张伟', idNumber: id1 }],
    });
  });

  it('reads GB18030 (Excel "CSV" on Chinese Windows) and tab-separated text', () => {
    const gbk = Buffer.from([
      // "姓名,身份证号\n张伟," in GB18030
      0xd0, 0xd5, 0xc3, 0xfb, 0x2c, 0xc9, 0xed, 0xb7, 0xdd, 0xd6, 0xa4, 0xba, 0xc5, 0x0a, 0xd5, 0xc5, 0xce, 0xb0, 0x2c,
    ]);
    const parsed = parseRosterCsv(Buffer.concat([gbk, Buffer.from(`${id1}\n`)]));
    expect(parsed.rows).toEqual([{ row: 2, name: '张伟', idNumber: id1 }]);
    expect(parseRosterCsv(Buffer.from(`name\tidNumber\n张伟\t${id1}\n`)).rows).toEqual([{ row: 2, name: '张伟', idNumber: id1 }]);
  });

  it.each([
    ['missing required columns', '姓名,手机号\n张伟,13800001234\n', 'MISSING_COLUMNS'],
    ['an empty file', '', 'EMPTY'],
    ['a header without rows', '姓名,身份证号\r\n\r\n', 'EMPTY'],
    ['binary bytes', randomBytes(64).fill(1, 0, 8), 'UNREADABLE'],
  ])('refuses %s', async (_label, content, expected) => {
    expect(await reason(() => parseRosterCsv(typeof content === 'string' ? Buffer.from(content) : content))).toBe(expected);
  });

  it('refuses more rows than the limit', async () => {
    const csv = `姓名,身份证号\n${Array.from({ length: 4 }, () => `张伟,${id1}`).join('\n')}`;
    expect(await reason(() => parseRosterCsv(Buffer.from(csv), 3))).toBe('TOO_MANY_ROWS');
    expect(parseRosterCsv(Buffer.from(csv), 4).rows).toHaveLength(4);
  });
});

describe('parseRosterXlsx', () => {
  it('reads the first roster sheet, skips an instructions sheet, keeps sheet row numbers and rich text', async () => {
    const buf = await xlsx(
      [
        ['2026年第一期培训班花名册'],
        ['序号', '姓名', '身份证号', '手机号', '重点群体'],
        [1, { richText: [{ text: '张' }, { text: '伟' }] }, id1, 13800001234, '农民工'],
        [2],
        [3, '李娜', Number(id2.slice(0, 17)) * 10, null, null],
      ],
      { sheets: ['说明'] },
    );
    const parsed = await parseRosterXlsx(buf);
    expect(parsed.headerRow).toBe(2);
    expect(parsed.rows).toEqual([
      { row: 3, name: '张伟', idNumber: id1, phone: '13800001234', priorityGroups: '农民工' },
      { row: 5, name: '李娜', idNumber: expect.any(String), idNumberWasNumeric: true },
    ]);
  });

  it.each([
    ['random bytes claiming to be xlsx', () => parseRosterFile(randomBytes(2048), { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), 'UNREADABLE'],
    ['a damaged zip', () => parseRosterFile(Buffer.concat([Buffer.from('PK\x03\x04'), randomBytes(4096)])), 'UNREADABLE'],
    ['an old .xls file', () => parseRosterFile(Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0]), randomBytes(64)])), 'UNSUPPORTED_FORMAT'],
  ])('refuses %s', async (_label, fn, expected) => {
    expect(await reason(fn)).toBe(expected);
  });

  it('detects the format from the bytes', async () => {
    expect(detectRosterFormat(await xlsx([['姓名']]), { contentType: 'text/csv' })).toBe('xlsx');
    expect(detectRosterFormat(Buffer.from('姓名,身份证号\n'), { fileName: 'a.csv' })).toBe('csv');
  });
});

describe('templates', () => {
  it('the CSV template is the Chinese header row, UTF-8 with BOM', () => {
    const t = rosterTemplateCsv();
    expect([...t.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(t.toString('utf8', 3)).toBe('姓名,身份证号,手机号,户籍类型,重点群体\r\n');
  });

  it('the XLSX template has the header row, notes, text-formatted ID column and a 说明 sheet with an example', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await rosterTemplateXlsx()) as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['花名册', '说明']);
    const sheet = wb.getWorksheet('花名册')!;
    expect(sheet.getRow(1).values).toEqual([undefined, '姓名', '身份证号', '手机号', '户籍类型', '重点群体']);
    expect(String(sheet.getCell('B1').note ? JSON.stringify(sheet.getCell('B1').note) : '')).toContain('18');
    expect(sheet.getColumn(2).numFmt).toBe('@');
    const help = wb.getWorksheet('说明')!;
    const texts: string[] = [];
    help.eachRow((r) => texts.push(JSON.stringify(r.values)));
    expect(texts.join('\n')).toContain('141002199506014561');

    // Filled in, the template imports as it is.
    sheet.getCell('A2').value = '张伟';
    sheet.getCell('B2').value = id1;
    const filled = Buffer.from(await wb.xlsx.writeBuffer());
    expect((await parseRosterFile(filled)).rows).toEqual([{ row: 2, name: '张伟', idNumber: id1 }]);
  });
});
