import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import { DomainError, makeResidentId } from '@vtc/domain';
import ExcelJS from 'exceljs';
import type { Actor } from '../shared/actor.ts';
import { decryptIdNumber, idNumberHash, type PiiKeys } from '../shared/pii.ts';
import { runRosterImport, uploadRoster } from './roster-import.ts';
import { seedRegions, seedCareOccupation } from '../shared/fixtures.testkit.ts';

/**
 * The roster import use cases against the real Postgres: the request path, the job path with its
 * chunks, interruption and resume, idempotency and every row rejection that needs the database.
 */
let db: TestDatabase;
let prisma: PrismaClient;
let occupationId: string;
let inst: string;
let inst2: string;
let staff: Actor;
let staff2: Actor;
const keys: PiiKeys = { encryptionKey: Buffer.alloc(32, 7), hashKey: Buffer.alloc(32, 9) };
const today = new Date('2026-11-22T04:00:00Z');

const actor = (organizationId: string): Actor => ({
  userId: randomUUID(),
  username: `staff-${organizationId}`,
  sessionId: null,
  roles: [{ role: 'INSTITUTION_STAFF', regionCode: null, organizationId, personId: null, canViewIdNumbers: false }],
});
const bureau: Actor = {
  userId: randomUUID(),
  username: 'linfen.bureau',
  sessionId: null,
  roles: [{ role: 'BUREAU_OFFICER', regionCode: '141000', organizationId: null, personId: null, canViewIdNumbers: true }],
};

const id = (seq: number, birthDate = '1990-05-17', regionCode = '141002') => makeResidentId({ regionCode, birthDate, sequence: seq });

beforeAll(async () => {
  db = await createTestDatabase('roster_import');
  prisma = createPrisma(db.url);
  await seedRegions(prisma, ['140000', '141000', '141002', '141023']);
  occupationId = await seedCareOccupation(prisma);
  const org = (name: string, regionCode: string, creditCode: string) =>
    prisma.organization.create({ data: { name, kind: 'TRAINING_INSTITUTION', regionCode, creditCode } });
  inst = (await org('尧都区培训学校', '141002', '52141002MJ0000001A')).id;
  inst2 = (await org('襄汾县培训中心', '141023', '52141023MJ0000002A')).id;
  staff = actor(inst);
  staff2 = actor(inst2);
});

afterAll(async () => {
  await prisma.$disconnect();
  await db.drop();
});

let seq = 0;
async function draftClass(opts: { institutionId?: string; capacity?: number; status?: 'DRAFT' | 'SUBMITTED' | 'REJECTED' } = {}) {
  seq += 1;
  const institutionId = opts.institutionId ?? inst;
  return prisma.trainingClass.create({
    data: {
      code: `PX-R-${seq}`,
      name: `花名册测试班${seq}`,
      institutionId,
      regionCode: institutionId === inst ? '141002' : '141023',
      occupationId,
      level: 'LEVEL_4',
      trainingType: 'EMPLOYMENT_SKILLS',
      status: opts.status ?? 'DRAFT',
      plannedHours: 80,
      startDate: new Date('2026-12-01T00:00:00Z'),
      endDate: new Date('2026-12-30T00:00:00Z'),
      venue: '教学楼 301',
      capacity: opts.capacity ?? 40,
    },
  });
}

const csv = (lines: string[]) => Buffer.from(`\ufeff${lines.join('\r\n')}\r\n`, 'utf8');
const upload = (classId: string, content: Buffer, by: Actor = staff, inlineMaxRows?: number) =>
  uploadRoster(prisma, keys, by, { classId, content, fileName: '花名册.csv', contentType: 'text/csv' }, { today, inlineMaxRows });

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('roster import in the request', () => {
  it('imports the valid rows and lists each rejected row with row number, field and code', async () => {
    const klass = await draftClass();
    const badCheck = `${id(1).slice(0, 17)}${id(1).endsWith('0') ? '1' : '0'}`;
    const file = csv([
      '姓名,身份证号,手机号,户籍类型,重点群体',
      `张伟,${id(1)},13800001234,农村,农民工、脱贫劳动力`, // 2 ok
      `李娜,${badCheck},,,`, // 3 checksum
      `王芳,${id(3, '2027-01-01')},,,`, // 4 future birth date
      `赵敏,${id(4, '1969-01-01')},,,`, // 5 a woman of 57: outside 16–55
      `钱多,${id(1)},,,`, // 6 duplicate of row 2
      `孙悟,${id(7)},12345,,`, // 7 bad phone
      `周星,${id(9)},,,学生`, // 8 unknown priority group
      `,${id(11)},,,`, // 9 missing name
      `吴用,${id(13)},0357-1234567,URBAN,VETERAN`, // 10 ok
    ]);
    const r = await upload(klass.id, file);
    expect(r).toMatchObject({ status: 'SUCCEEDED', totalRows: 9, processedRows: 9, acceptedRows: 2, rejectedRows: 7, reused: false, percent: 100 });
    expect(r.errors.map((e) => [e.row, e.field, e.code])).toEqual([
      [3, 'idNumber', 'CHECKSUM'],
      [4, 'idNumber', 'BIRTH_DATE_FUTURE'],
      [5, 'idNumber', 'WORKING_AGE'],
      [6, 'idNumber', 'DUPLICATE_IN_FILE'],
      [7, 'phone', 'FORMAT'],
      [8, 'priorityGroups', 'UNKNOWN'],
      [9, 'name', 'REQUIRED'],
    ]);
    expect(r.errors[3]).toMatchObject({ messageZh: '身份证号码与第2行重复', message: 'The same ID number is already on row 2' });
    expect(r.errors.every((e) => e.message && e.messageZh)).toBe(true);

    const enrollments = await prisma.enrollment.findMany({ where: { classId: klass.id }, include: { person: true }, orderBy: { createdAt: 'asc' } });
    expect(enrollments.map((e) => [e.person.name, e.householdType, e.priorityGroups, e.rosterImportId]).sort()).toEqual([
      ['吴用', 'URBAN', ['VETERAN'], r.importId],
      ['张伟', 'RURAL', ['RURAL_MIGRANT_WORKER', 'POVERTY_RELIEF_LABOUR'], r.importId],
    ]);
    const zhang = enrollments.find((e) => e.person.name === '张伟')!.person;
    expect(zhang).toMatchObject({ idNumberHash: idNumberHash(keys, id(1)), idNumberMasked: `141002********${id(1).slice(-4)}`, sex: 'MALE' });
    expect(zhang.idNumberCipher).not.toContain(id(1));
    expect(decryptIdNumber(keys, zhang.idNumberCipher)).toBe(id(1));

    const audit = await prisma.auditLog.findMany({ where: { action: 'roster.imported', entityId: r.importId } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after).toMatchObject({ totalRows: 9, acceptedRows: 2, rejectedRows: 7 });
    expect(JSON.stringify([audit[0]!.before, audit[0]!.after])).not.toMatch(/\d{17}/); // counts only, never ID numbers
    expect(await prisma.outboxEvent.count({ where: { type: 'roster.imported', aggregateId: r.importId } })).toBe(1);
    expect(await prisma.rosterImportFile.count()).toBe(0); // nothing stored for an import done in the request
  });

  it('reads XLSX the same way', async () => {
    const klass = await draftClass();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('花名册');
    ws.addRow(['name', 'idNumber', 'phone']);
    ws.addRow(['张三丰', id(21), '13900001111']);
    ws.addRow(['张三丰', id(21), '13900001111']);
    const r = await upload(klass.id, Buffer.from(await wb.xlsx.writeBuffer()));
    expect(r).toMatchObject({ status: 'SUCCEEDED', format: 'xlsx', acceptedRows: 1, rejectedRows: 1 });
    expect(r.errors.map((e) => [e.row, e.code])).toEqual([[3, 'DUPLICATE_IN_FILE']]);
  });

  it('is idempotent: the same file again returns the same import and writes nothing', async () => {
    const klass = await draftClass();
    const file = csv(['姓名,身份证号', `欧阳明,${id(31)}`, `欧阳亮,${id(33)}`]);
    const first = await upload(klass.id, file);
    const counts = async () => [await prisma.person.count(), await prisma.enrollment.count(), await prisma.auditLog.count(), await prisma.rosterImport.count()];
    const before = await counts();
    const again = await upload(klass.id, file);
    expect(again).toMatchObject({ importId: first.importId, reused: true, status: 'SUCCEEDED', acceptedRows: 2 });
    expect(await counts()).toEqual(before);
    // Two uploads of one new file at the same moment: one import.
    const file2 = csv(['姓名,身份证号', `欧阳春,${id(35)}`]);
    const both = await Promise.all([upload(klass.id, file2), upload(klass.id, file2)]);
    expect(new Set(both.map((b) => b.importId)).size).toBe(1);
    expect(both.map((b) => b.reused).sort()).toEqual([false, true]);
    expect(await prisma.enrollment.count({ where: { classId: klass.id } })).toBe(3);
  });

  it('reuses a person already registered by another institution (one Person row); a different name is refused', async () => {
    const theirs = await draftClass({ institutionId: inst2 });
    await upload(theirs.id, csv(['姓名,身份证号', `马丽,${id(41)}`, `马冬梅,${id(43)}`]), staff2);
    const persons = await prisma.person.count();
    const mine = await draftClass();
    const r = await upload(mine.id, csv(['姓名,身份证号', `马丽,${id(41)}`, `马东梅,${id(43)}`]));
    expect(r).toMatchObject({ acceptedRows: 1, rejectedRows: 1 });
    expect(r.errors.map((e) => [e.row, e.field, e.code])).toEqual([[3, 'name', 'NAME_MISMATCH']]);
    expect(await prisma.person.count()).toBe(persons);
    expect(await prisma.person.count({ where: { idNumberHash: idNumberHash(keys, id(41)) } })).toBe(1);
    const p = await prisma.person.findUniqueOrThrow({ where: { idNumberHash: idNumberHash(keys, id(41)) }, include: { enrollments: true } });
    expect(p.enrollments.map((e) => e.classId).sort()).toEqual([theirs.id, mine.id].sort());
  });

  it('rejects a person already enrolled (from another file) and rows beyond the capacity', async () => {
    const klass = await draftClass({ capacity: 3 });
    await upload(klass.id, csv(['姓名,身份证号', `甲一,${id(51)}`]));
    const r = await upload(klass.id, csv(['姓名,身份证号', `甲一,${id(51)}`, `乙二,${id(53)}`, `丙三,${id(55)}`, `丁四,${id(57)}`, `戊五,${id(59)}`]));
    expect(r).toMatchObject({ acceptedRows: 2, rejectedRows: 3 });
    expect(r.errors.map((e) => [e.row, e.code])).toEqual([
      [2, 'ALREADY_ENROLLED'],
      [5, 'CAPACITY_EXCEEDED'],
      [6, 'CAPACITY_EXCEEDED'],
    ]);
    expect(r.errors[1]!.messageZh).toContain('3人');
    expect(await prisma.enrollment.count({ where: { classId: klass.id } })).toBe(3);
    // Rows refused for capacity did not create persons.
    expect(await prisma.person.count({ where: { idNumberHash: idNumberHash(keys, id(57)) } })).toBe(0);
  });

  it('only the class institution uploads, and only while the class takes trainees', async () => {
    const klass = await draftClass();
    const file = csv(['姓名,身份证号', `陈一,${id(61)}`]);
    expect(await codeOf(upload(klass.id, file, staff2))).toBe('NOT_FOUND');
    expect(await codeOf(upload(klass.id, file, bureau))).toBe('FORBIDDEN');
    const submitted = await draftClass({ status: 'SUBMITTED' });
    expect(await codeOf(upload(submitted.id, file))).toBe('INVALID_TRANSITION');
    const rejected = await draftClass({ status: 'REJECTED' });
    expect((await upload(rejected.id, file)).acceptedRows).toBe(1);
    expect(await prisma.rosterImport.count({ where: { classId: { in: [klass.id, submitted.id] } } })).toBe(0);
  });
});

describe('roster import as a job', () => {
  const rows = (n: number, from: number) =>
    Array.from({ length: n }, (_, i) => `学员甲${String.fromCharCode(0x4e00 + i)},${id((from + i) % 1000, `19${80 + Math.floor((from + i) / 1000)}-01-01`)}`);

  it('stores the file encrypted, imports chunk by chunk, and a rerun after a crash finishes without duplicates', async () => {
    const klass = await draftClass({ capacity: 100 });
    const lines = rows(30, 100);
    lines.splice(10, 0, lines[3]!); // a duplicate (row 12 repeats row 5)
    const file = csv(['姓名,身份证号', ...lines]);
    const queued = await upload(klass.id, file, staff, 5);
    expect(queued).toMatchObject({ status: 'PENDING', totalRows: 31, processedRows: 0, acceptedRows: 0 });
    const stored = await prisma.rosterImportFile.findUniqueOrThrow({ where: { importId: queued.importId } });
    expect(Buffer.from(stored.content).includes(Buffer.from(id(100, '1980-01-01')))).toBe(false);
    const event = await prisma.outboxEvent.findFirstOrThrow({ where: { type: 'roster.import.requested', aggregateId: queued.importId } });
    expect(JSON.stringify(event.payload)).not.toMatch(/\d{17}/);

    // The first run dies after its first chunk (of 10 rows).
    const progress: number[] = [];
    const crash = runRosterImport(prisma, keys, queued.importId, {
      today,
      chunkRows: 10,
      onProgress: (p) => void progress.push(p.percent),
      afterChunk: () => {
        throw new Error('worker killed');
      },
    });
    await expect(crash).rejects.toThrow('worker killed');
    let imp = await prisma.rosterImport.findUniqueOrThrow({ where: { id: queued.importId } });
    expect(imp).toMatchObject({ status: 'RUNNING', processedRows: 10, acceptedRows: 10, rejectedRows: 0 });
    expect(await prisma.enrollment.count({ where: { classId: klass.id } })).toBe(10);
    expect(progress).toEqual([32]);

    // The retry resumes at row 12 of the sheet (the 11th data row) and finishes.
    const done = await runRosterImport(prisma, keys, queued.importId, { today, chunkRows: 10, onProgress: (p) => void progress.push(p.percent) });
    expect(done).toMatchObject({ status: 'SUCCEEDED', processedRows: 31, acceptedRows: 30, rejectedRows: 1, percent: 100 });
    expect(done.errors.map((e) => [e.row, e.code])).toEqual([[12, 'DUPLICATE_IN_FILE']]);
    expect(progress).toEqual([32, 64, 96, 100]);
    expect(await prisma.enrollment.count({ where: { classId: klass.id } })).toBe(30);
    const hashes = lines.map((l) => idNumberHash(keys, l.split(',')[1]!));
    expect(await prisma.person.count({ where: { idNumberHash: { in: hashes } } })).toBe(30);
    // New persons and enrollments get time-ordered ids (UUID version 7).
    const created = await prisma.enrollment.findMany({ where: { classId: klass.id }, select: { id: true, personId: true } });
    for (const e of created) {
      expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(e.personId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(await prisma.rosterImportFile.count({ where: { importId: queued.importId } })).toBe(0);
    expect(await prisma.auditLog.count({ where: { action: 'roster.imported', entityId: queued.importId } })).toBe(1);

    // Running the job once more (a redelivered job) changes nothing.
    imp = await prisma.rosterImport.findUniqueOrThrow({ where: { id: queued.importId } });
    expect(await runRosterImport(prisma, keys, queued.importId, { today })).toMatchObject({ status: 'SUCCEEDED', acceptedRows: 30 });
    expect(await prisma.rosterImport.findUniqueOrThrow({ where: { id: queued.importId } })).toEqual(imp);
    expect(await prisma.auditLog.count({ where: { action: 'roster.imported', entityId: queued.importId } })).toBe(1);
  });

  it('keeps file order for seats and resolves known persons when chunks run side by side', async () => {
    // Known persons: one registered elsewhere (reused), one under another name, one already in the class.
    const elsewhere = await draftClass({ institutionId: inst2 });
    await upload(elsewhere.id, csv(['姓名,身份证号', `宋江,${id(701)}`, `卢俊义,${id(703)}`]), staff2);
    const klass = await draftClass({ capacity: 16 });
    await upload(klass.id, csv(['姓名,身份证号', `吴用,${id(705)}`]));
    const lines = rows(25, 400);
    lines[2] = `宋江,${id(701)}`; // row 4: reused
    lines[5] = `卢俊,${id(703)}`; // row 7: another name
    lines[8] = `吴用,${id(705)}`; // row 10: already enrolled
    const queued = await upload(klass.id, csv(['姓名,身份证号', ...lines]), staff, 5);
    const done = await runRosterImport(prisma, keys, queued.importId, { today, chunkRows: 5 });
    // 16 seats, 1 taken: rows 2–18 less the two refused known persons get the 15 seats left.
    expect(done).toMatchObject({ status: 'SUCCEEDED', processedRows: 25, acceptedRows: 15, rejectedRows: 10 });
    expect(done.errors.map((e) => [e.row, e.code])).toEqual([
      [7, 'NAME_MISMATCH'],
      [10, 'ALREADY_ENROLLED'],
      ...[19, 20, 21, 22, 23, 24, 25, 26].map((row) => [row, 'CAPACITY_EXCEEDED']),
    ]);
    expect(await prisma.enrollment.count({ where: { classId: klass.id } })).toBe(16);
    expect(await prisma.person.count({ where: { idNumberHash: idNumberHash(keys, id(701)) } })).toBe(1);
    const reused = await prisma.person.findUniqueOrThrow({ where: { idNumberHash: idNumberHash(keys, id(701)) }, include: { enrollments: true } });
    expect(reused.enrollments).toHaveLength(2);
  });

  it('fails as a whole when the class stops taking trainees, and resumes when the same file comes again', async () => {
    const klass = await draftClass({ capacity: 100 });
    const file = csv(['姓名,身份证号', ...rows(12, 300)]);
    const queued = await upload(klass.id, file, staff, 5);
    await prisma.trainingClass.update({ where: { id: klass.id }, data: { status: 'SUBMITTED' } });
    expect(await codeOf(runRosterImport(prisma, keys, queued.importId, { today }))).toBe('INVALID_TRANSITION');
    expect(await prisma.rosterImport.findUniqueOrThrow({ where: { id: queued.importId } })).toMatchObject({ status: 'FAILED', processedRows: 0 });

    await prisma.trainingClass.update({ where: { id: klass.id }, data: { status: 'REJECTED' } });
    const again = await upload(klass.id, file, staff, 5);
    expect(again).toMatchObject({ importId: queued.importId, status: 'PENDING', reused: false });
    expect(await runRosterImport(prisma, keys, queued.importId, { today })).toMatchObject({ status: 'SUCCEEDED', acceptedRows: 12 });
  });
});
