import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import { DomainError, makeCreditCode, makeResidentId } from '@vtc/domain';
import ExcelJS from 'exceljs';
import type { Actor } from '../shared/actor.ts';
import { parseContributionFile } from './contribution-file.ts';
import { FileContributionFeed, runContributionImport, uploadContributions } from './contribution-import.ts';
import { type PiiKeys, sealResidentId } from '../shared/pii.ts';

/**
 * The social-insurance contribution import against the real Postgres: row rules (table-driven), the
 * request path, idempotency and upsert, the job path with interruption and resume, scoping and
 * whole-file refusals that write nothing.
 */
let db: TestDatabase;
let prisma: PrismaClient;
const keys: PiiKeys = { encryptionKey: Buffer.alloc(32, 3), hashKey: Buffer.alloc(32, 5) };
const today = new Date('2026-11-22T04:00:00Z');

const bureau = (regionCode: string): Actor => ({
  userId: randomUUID(),
  username: `bureau-${regionCode}`,
  sessionId: null,
  roles: [{ role: 'BUREAU_OFFICER', regionCode, organizationId: null, personId: null, canViewIdNumbers: false }],
});
const bayannur = bureau('150800');

const ID_A = makeResidentId({ regionCode: '150802', birthDate: '1995-03-09', sequence: 368 });
const ID_B = makeResidentId({ regionCode: '150802', birthDate: '1992-07-01', sequence: 121 });
const ID_UNKNOWN = makeResidentId({ regionCode: '150802', birthDate: '1980-01-01', sequence: 17 });
const EMPLOYER = makeCreditCode({ authority: '9', orgType: '1', regionCode: '150802', orgCode9: 'MA0Q00001' });
let personA: string;
let personB: string;

beforeAll(async () => {
  db = await createTestDatabase('contribution_import');
  prisma = createPrisma(db.url);
  await prisma.region.createMany({
    data: [
      { code: '150000', name: '内蒙古自治区', level: 'PROVINCE' },
      { code: '150800', name: '巴彦淖尔市', level: 'CITY', parentCode: '150000' },
      { code: '150802', name: '临河区', level: 'COUNTY', parentCode: '150800' },
      { code: '140000', name: '山西省', level: 'PROVINCE' },
    ],
  });
  const person = (name: string, id: string, birth: string) =>
    prisma.person.create({
      data: {
        name,
        ...sealResidentId(keys, id),
        birthDate: new Date(`${birth}T00:00:00Z`),
        sex: 'FEMALE',
        originRegionCode: '150802',
      },
    });
  personA = (await person('王芳', ID_A, '1995-03-09')).id;
  personB = (await person('赵敏', ID_B, '1992-07-01')).id;
});

afterAll(async () => {
  await prisma.$disconnect();
  await db.drop();
});

const HEADER = '身份证号,单位统一社会信用代码,缴费月份,险种,缴费金额(元),缴费基数(元)';
const csv = (...lines: string[]) => Buffer.from(`${[HEADER, ...lines].join('\r\n')}\r\n`, 'utf8');

// The row rules (table-driven) are in packages/domain/src/import/contribution.test.ts.

describe('whole-file refusals write nothing', () => {
  it('a missing required column refuses the file naming it', async () => {
    const bad = Buffer.from(`身份证号,缴费月份,险种,缴费金额(元)\r\n${ID_A},202604,养老,100\r\n`);
    const err = await uploadContributions(prisma, keys, bayannur, { content: bad, fileName: 'bad.csv' }, { today }).catch((e) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).details).toMatchObject({ field: 'file', reason: 'MISSING_COLUMNS' });
    expect((err as DomainError).localized.zh).toContain('单位统一社会信用代码');
    expect(await prisma.contributionImport.count()).toBe(0);
  });

  it('a header without rows is EMPTY; an institution may not import; a bureau only its own region', async () => {
    const e1 = await uploadContributions(prisma, keys, bayannur, { content: csv() }, { today }).catch((e) => e);
    expect((e1 as DomainError).details).toMatchObject({ reason: 'EMPTY' });
    const inst: Actor = { ...bayannur, roles: [{ role: 'INSTITUTION_STAFF', regionCode: null, organizationId: randomUUID(), personId: null, canViewIdNumbers: false }] };
    const e2 = await uploadContributions(prisma, keys, inst, { content: csv(`${ID_A},${EMPLOYER},202604,养老,1`) }, { today }).catch((e) => e);
    expect((e2 as DomainError).code).toBe('FORBIDDEN');
    const e3 = await uploadContributions(prisma, keys, bayannur, { content: csv(`${ID_A},${EMPLOYER},202604,养老,1`), regionCode: '140000' }, { today }).catch(
      (e) => e,
    );
    expect((e3 as DomainError).code).toBe('FORBIDDEN');
    expect((e3 as DomainError).details).toMatchObject({ field: 'regionCode' });
    expect(await prisma.contributionImport.count()).toBe(0);
  });
});

describe('import in the request', () => {
  const file = csv(
    `${ID_A},${EMPLOYER},202604,养老,412.80,5160`, // row 2
    `${ID_A},${EMPLOYER},202604,医疗,103.20,5160`, // row 3
    `${ID_B},${EMPLOYER},202605,养老,400,5000`, // row 4
    `${ID_UNKNOWN},${EMPLOYER},202604,养老,400,5000`, // row 5: not a trainee → unmatched
    `${ID_A},${EMPLOYER},202604,养老,412.80,5160`, // row 6: duplicate of row 2
    `${ID_B},${EMPLOYER},202613,养老,400,5000`, // row 7: bad month
    '', // blank row skipped
    `${ID_B},${EMPLOYER},202606,失业,20,`, // row 9
  );

  it('stores matched rows, counts unknown persons, lists rejected rows with row and field', async () => {
    const s = await uploadContributions(prisma, keys, bayannur, { content: file, fileName: '2026年4-6月.csv', contentType: 'text/csv' }, { today });
    expect(s).toMatchObject({
      status: 'SUCCEEDED',
      regionCode: '150800',
      totalRows: 7,
      processedRows: 7,
      acceptedRows: 4,
      unmatchedRows: 1,
      rejectedRows: 2,
      percent: 100,
      reused: false,
    });
    expect(s.errors.map((e) => [e.row, e.field, e.code])).toEqual([
      [6, null, 'DUPLICATE_IN_FILE'],
      [7, 'month', 'FORMAT'],
    ]);
    const rows = await prisma.socialInsuranceContribution.findMany({ orderBy: [{ month: 'asc' }, { insuranceType: 'asc' }] });
    expect(rows.map((r) => [r.personId, r.month, r.insuranceType, r.amountFen, r.wageBaseFen, r.importId])).toEqual([
      [personA, '202604', 'PENSION', 41280, 516000, s.importId],
      [personA, '202604', 'MEDICAL', 10320, 516000, s.importId],
      [personB, '202605', 'PENSION', 40000, 500000, s.importId],
      [personB, '202606', 'UNEMPLOYMENT', 2000, null, s.importId],
    ]);
    const imp = await prisma.contributionImport.findUniqueOrThrow({ where: { id: s.importId } });
    expect(imp.content).toBeNull();
    expect(await prisma.auditLog.count({ where: { action: 'contribution.imported', entityId: s.importId } })).toBe(1);
  });

  it('the same file again returns the same import and writes nothing', async () => {
    const before = await prisma.socialInsuranceContribution.count();
    const again = await uploadContributions(prisma, keys, bayannur, { content: file }, { today });
    expect(again).toMatchObject({ reused: true, acceptedRows: 4, status: 'SUCCEEDED' });
    expect(await prisma.contributionImport.count({ where: { regionCode: '150800' } })).toBe(1);
    expect(await prisma.socialInsuranceContribution.count()).toBe(before);
  });

  it('a corrected file upserts on (person, employer, month, type)', async () => {
    const corrected = csv(`${ID_A},${EMPLOYER},202604,养老,420.00,5250`);
    const s = await uploadContributions(prisma, keys, bayannur, { content: corrected }, { today });
    expect(s).toMatchObject({ acceptedRows: 1, reused: false });
    const row = await prisma.socialInsuranceContribution.findFirstOrThrow({ where: { personId: personA, month: '202604', insuranceType: 'PENSION' } });
    expect([row.amountFen, row.wageBaseFen, row.importId]).toEqual([42000, 525000, s.importId]);
    expect(await prisma.socialInsuranceContribution.count()).toBe(4);
  });

  it('reads XLSX (ID as text, month and amounts as numbers)', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('社保缴费');
    ws.addRow(['身份证号', '单位统一社会信用代码', '缴费月份', '险种', '缴费金额(元)', '缴费基数(元)']);
    ws.addRow([ID_B, EMPLOYER, 202607, '工伤', 12.5, 5000]);
    ws.addRow([Number(ID_B.slice(0, 15)), EMPLOYER, 202607, '养老', 400, 5000]);
    const content = Buffer.from(await wb.xlsx.writeBuffer());
    const s = await uploadContributions(prisma, keys, bayannur, { content, fileName: 'x.xlsx' }, { today });
    expect(s).toMatchObject({ format: 'xlsx', acceptedRows: 1, rejectedRows: 1 });
    expect(s.errors.map((e) => [e.row, e.field, e.code])).toEqual([[3, 'idNumber', 'NUMERIC_CELL']]);
    const row = await prisma.socialInsuranceContribution.findFirstOrThrow({ where: { personId: personB, month: '202607' } });
    expect([row.insuranceType, row.amountFen]).toEqual(['WORK_INJURY', 1250]);
  });
});

describe('import as a job', () => {
  const lines = Array.from({ length: 7 }, (_, i) => `${i % 2 ? ID_B : ID_A},${EMPLOYER},2025${String(i + 1).padStart(2, '0')},养老,${100 + i},3000`);
  lines.push(`${ID_UNKNOWN},${EMPLOYER},202501,养老,100,3000`, `${ID_A},BAD,202501,养老,100,3000`);
  const file = csv(...lines);

  it('queues a large file (encrypted content, outbox event), imports it in chunks, resumes after a crash, clears the file', async () => {
    const s = await uploadContributions(prisma, keys, bayannur, { content: file, fileName: 'big.csv' }, { today, inlineMaxRows: 3 });
    expect(s).toMatchObject({ status: 'PENDING', totalRows: 9, processedRows: 0 });
    const stored = await prisma.contributionImport.findUniqueOrThrow({ where: { id: s.importId } });
    expect(stored.content?.length).toBeGreaterThan(0);
    expect(Buffer.from(stored.content!).includes(Buffer.from(ID_A))).toBe(false);
    expect(await prisma.outboxEvent.count({ where: { type: 'contribution.import.requested', aggregateId: s.importId } })).toBe(1);

    const crash = await runContributionImport(prisma, keys, s.importId, {
      today,
      chunkRows: 4,
      afterChunk: ({ processedRows }) => {
        if (processedRows === 4) throw new Error('worker died');
      },
    }).catch((e) => e);
    expect((crash as Error).message).toBe('worker died');
    const mid = await prisma.contributionImport.findUniqueOrThrow({ where: { id: s.importId } });
    expect([mid.status, mid.processedRows, mid.acceptedRows]).toEqual(['RUNNING', 4, 4]);

    const progress: number[] = [];
    const done = await runContributionImport(prisma, keys, s.importId, { today, chunkRows: 4, onProgress: (p) => void progress.push(p.processedRows) });
    expect(progress).toEqual([8, 9]);
    expect(done).toMatchObject({ status: 'SUCCEEDED', processedRows: 9, acceptedRows: 7, unmatchedRows: 1, rejectedRows: 1 });
    expect(done.errors.map((e) => [e.row, e.field])).toEqual([[10, 'employerCreditCode']]);
    const after = await prisma.contributionImport.findUniqueOrThrow({ where: { id: s.importId } });
    expect(after.content).toBeNull();
    expect(await prisma.socialInsuranceContribution.count({ where: { importId: s.importId } })).toBe(7);

    // Running it again changes nothing.
    const again = await runContributionImport(prisma, keys, s.importId, { today });
    expect(again).toMatchObject({ reused: true, acceptedRows: 7 });
  });

  it('a queued import whose file is gone is FAILED with the reason', async () => {
    const s = await uploadContributions(prisma, keys, bayannur, { content: csv(...lines.slice(0, 5)) }, { today, inlineMaxRows: 1 });
    await prisma.contributionImport.update({ where: { id: s.importId }, data: { content: null } });
    const err = await runContributionImport(prisma, keys, s.importId, { today }).catch((e) => e);
    expect((err as DomainError).code).toBe('NOT_FOUND');
    const imp = await prisma.contributionImport.findUniqueOrThrow({ where: { id: s.importId } });
    expect(imp.status).toBe('FAILED');
    expect(imp.failureReason).toContain('NOT_FOUND');
  });
});

describe('FileContributionFeed', () => {
  it('yields the rows of one month when asked', async () => {
    const feed = new FileContributionFeed(
      await parseContributionFile(csv(`${ID_A},${EMPLOYER},202604,养老,1,`, `${ID_A},${EMPLOYER},2026-05,养老,1,`, `${ID_B},${EMPLOYER},202604,医疗,1,`)),
    );
    const rows: number[] = [];
    for await (const r of feed.months('150800', '202604')) rows.push(r.row);
    expect(rows).toEqual([2, 4]);
  });
});
