import { gzipSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DomainError, MAX_CELL_CHARS, MAX_COLUMNS, makeResidentId, XLSX_LIMITS } from '@vtc/domain';
import ExcelJS from 'exceljs';
import { parseContributionFile } from './contribution-file.ts';
import { parseRosterFile } from './roster-file.ts';
import { ParseSlots } from './upload.ts';
import { assertSafeXlsxArchive } from './xlsx-archive.ts';
import { part, repeatedPart, sharedStringsBomb, withPart, xlsxParts, zipOf } from './zip.testkit.ts';

/** Hostile uploads: decompression bombs, unsafe archives, compressed and oversized CSV; each refused with a specific error. */
const id1 = makeResidentId({ regionCode: '141002', birthDate: '1990-05-17', sequence: 11 });
const rows = [
  ['姓名', '身份证号'],
  ['张三', id1],
];

async function refusal(p: Promise<unknown>): Promise<{ code: string; reason: unknown; field: unknown; row?: unknown; zh: string; en: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return { code: e.code, reason: e.details?.reason, field: e.details?.field, row: e.details?.row, zh: e.localized.zh, en: e.message };
    throw e;
  }
  throw new Error('expected a refusal');
}

const MiB = 1024 * 1024;

describe('XLSX archives', () => {
  it('the test kit builds a workbook the reader accepts', async () => {
    const parsed = await parseRosterFile(zipOf(xlsxParts(rows)));
    expect(parsed).toMatchObject({ format: 'xlsx', headerRow: 1, rows: [{ row: 2, name: '张三', idNumber: id1 }] });
    const excel = new ExcelJS.Workbook();
    excel.addWorksheet('花名册').addRows(rows);
    await expect(assertSafeXlsxArchive(Buffer.from(await excel.xlsx.writeBuffer()))).resolves.toBeUndefined();
  });

  it('refuses a shared-strings bomb that declares its size, without inflating it', async () => {
    const bomb = await sharedStringsBomb(10_000_000); // 230 MB of XML in a few hundred KB
    expect(bomb.size).toBeGreaterThan(200 * MiB);
    expect(bomb.deflated.length).toBeLessThan(2 * MiB);
    const r = await refusal(parseRosterFile(zipOf(withPart(xlsxParts(rows), bomb))));
    expect(r).toMatchObject({ code: 'VALIDATION', reason: 'FILE_TOO_LARGE_UNCOMPRESSED', field: 'file' });
    expect(r.zh).toContain('解压后过大');
    expect(r.en).toContain('unpacks to too much data');
  });

  it('refuses a bomb that understates its size, while inflating it', async () => {
    const bomb = await sharedStringsBomb(10_000_000);
    const lying = { ...bomb, declaredSize: 40_000 };
    const r = await refusal(parseContributionFile(zipOf(withPart(xlsxParts(rows), lying))));
    expect(r).toMatchObject({ code: 'VALIDATION', reason: 'FILE_TOO_LARGE_UNCOMPRESSED', field: 'file' });
  });

  const table: Array<[string, () => Promise<Buffer>, string]> = [
    ['shared strings over their own cap', async () => zipOf(withPart(xlsxParts(rows), { ...(await sharedStringsBomb(3_000_000)) })), 'FILE_TOO_LARGE_UNCOMPRESSED'],
    [
      'all parts together over the cap',
      async () => {
        const sheet = await repeatedPart('xl/worksheets/sheet2.xml', '<x>', '<row/>', 6 * 10_000_000, '</x>');
        return zipOf([...xlsxParts(rows), sheet, { ...sheet, name: 'xl/worksheets/sheet3.xml' }, { ...sheet, name: 'xl/worksheets/sheet4.xml' }, { ...sheet, name: 'xl/worksheets/sheet5.xml' }]);
      },
      'FILE_TOO_LARGE_UNCOMPRESSED',
    ],
    ['a part above the compression ratio', async () => zipOf([...xlsxParts(rows), await repeatedPart('xl/media/image1.xml', '', 'A', 8 * MiB, '')]), 'FILE_TOO_LARGE_UNCOMPRESSED'],
    ['a part path with ..', async () => zipOf([...xlsxParts(rows), part('../../etc/cron.d/x', 'x')]), 'UNSAFE_ARCHIVE'],
    ['an absolute part path', async () => zipOf([...xlsxParts(rows), part('/tmp/x', 'x')]), 'UNSAFE_ARCHIVE'],
    ['a backslash part path', async () => zipOf([...xlsxParts(rows), part('xl\\..\\..\\x', 'x')]), 'UNSAFE_ARCHIVE'],
    ['a drive-letter part path', async () => zipOf([...xlsxParts(rows), part('C:/x', 'x')]), 'UNSAFE_ARCHIVE'],
    ['a part name twice', async () => zipOf([...xlsxParts(rows), part('xl/sharedStrings.xml', '<sst/>')]), 'UNSAFE_ARCHIVE'],
    [
      'too many parts',
      async () => zipOf([...xlsxParts(rows), ...Array.from({ length: XLSX_LIMITS.maxEntries }, (_, i) => part(`xl/extra/p${i}.xml`, '<a/>'))]),
      'UNSAFE_ARCHIVE',
    ],
    [
      'a bomb hidden from the directory',
      async () => zipOf([(await sharedStringsBomb(10_000_000)), ...xlsxParts(rows).filter((p) => p.name !== 'xl/sharedStrings.xml')], { hidden: ['xl/sharedStrings.xml'] }),
      'UNSAFE_ARCHIVE',
    ],
  ];
  it.each(table)('refuses %s', async (_, file, reason) => {
    const r = await refusal(parseRosterFile(await file()));
    expect(r).toMatchObject({ code: 'VALIDATION', reason, field: 'file' });
    expect(r.zh).not.toBe('');
    expect(r.en).not.toBe('');
  });

  it('refuses a cell beyond column XFD and a cell longer than 32,767 characters', async () => {
    const wide = xlsxParts([['姓名', '身份证号'], ['张三', id1]]).map((p) =>
      p.name === 'xl/worksheets/sheet1.xml'
        ? part(p.name, '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="ZZZZ1" t="s"><v>1</v></c></row></sheetData></worksheet>')
        : p,
    );
    // exceljs itself refuses a column beyond XFD
    expect(await refusal(parseRosterFile(zipOf(wide)))).toMatchObject({ code: 'VALIDATION', reason: 'UNREADABLE', field: 'file' });
    const long = xlsxParts([['姓名', '身份证号'], ['张'.repeat(MAX_CELL_CHARS + 1), id1]]);
    expect(await refusal(parseRosterFile(zipOf(long)))).toMatchObject({ reason: 'CELL_TOO_LONG', row: 2 });
  });

  it('never answers a damaged archive with anything but a DomainError', async () => {
    const good = zipOf(xlsxParts(rows));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), async (flips) => {
        const bad = Buffer.from(good);
        for (const [at, byte] of flips) bad[at] = byte;
        try {
          await parseRosterFile(bad);
        } catch (e) {
          expect(e).toBeInstanceOf(DomainError);
          expect((e as DomainError).details?.field).toBe('file');
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('CSV and other uploads', () => {
  const csv = (text: string) => Buffer.from(`\ufeff${text}`, 'utf8');

  it('refuses compressed uploads (gzip, 7z, rar, xz, zstd) as unsupported', async () => {
    const files = [
      gzipSync(csv(`姓名,身份证号\r\n张三,${id1}\r\n`)),
      Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]),
      Buffer.from('Rar!\x1a\x07\x01\x00', 'latin1'),
      Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0]),
      Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0]),
    ];
    for (const file of files) {
      const r = await refusal(parseRosterFile(file, { fileName: 'roster.csv', contentType: 'text/csv' }));
      expect(r).toMatchObject({ code: 'VALIDATION', reason: 'UNSUPPORTED_FORMAT', field: 'file' });
      expect(r.zh).toContain('压缩包');
    }
  });

  it('refuses a CSV row wider than 16,384 columns and a cell longer than 32,767 characters, naming the row', async () => {
    const wide = csv(`姓名,身份证号\r\n张三,${id1}${','.repeat(MAX_COLUMNS)}\r\n`);
    expect(await refusal(parseRosterFile(wide))).toMatchObject({ reason: 'TOO_MANY_COLUMNS', row: 2 });
    const commas = csv(','.repeat(5 * MAX_COLUMNS));
    expect(await refusal(parseContributionFile(commas))).toMatchObject({ reason: 'TOO_MANY_COLUMNS', row: 1 });
    const long = csv(`姓名,身份证号\r\n张三,${id1}\r\n"${'x'.repeat(MAX_CELL_CHARS + 1)}",${id1}\r\n`);
    expect(await refusal(parseRosterFile(long))).toMatchObject({ reason: 'CELL_TOO_LONG', row: 3 });
  });
});

describe('parse slots', () => {
  it('runs `size` reads at once, lets `maxWaiting` wait their turn and refuses the rest as BUSY', async () => {
    const slots = new ParseSlots(1, 1);
    let release!: () => void;
    const first = slots.run(
      () =>
        new Promise<string>((resolve) => {
          release = () => resolve('first');
        }),
    );
    const order: string[] = [];
    const second = slots.run(async () => {
      order.push('second');
      return 'second';
    });
    const busy = await refusal(slots.run(async () => 'third'));
    expect(busy).toMatchObject({ code: 'CONFLICT', reason: 'BUSY', field: 'file' });
    expect(busy.zh).toContain('稍后');
    expect(order).toEqual([]);
    release();
    expect(await Promise.all([first, second])).toEqual(['first', 'second']);
    expect(await slots.run(async () => 'again')).toBe('again');
  });
});
