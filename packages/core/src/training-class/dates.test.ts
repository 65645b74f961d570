import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { configWith } from '@vtc/config';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import { certificateSigningFrom } from '../certificate/issue.ts';
import type { Actor } from '../shared/actor.ts';
import { testActor, seedRegions, seedCareOccupation, seedInstitution, rejects } from '../shared/fixtures.testkit.ts';
import { addAttendanceSession, recordAttendance } from './attendance.ts';
import { completeClass } from './completion.ts';
import { type ClassInput, fileClass, transitionClass } from './filing.ts';

/**
 * Dates cannot lie: every rule is tried with an explicit clock (today = 2026-12-07 in Beijing), the
 * way the use cases receive it from core's one clock.
 */
const signing = certificateSigningFrom(configWith({}));
const NOW = new Date('2026-12-07T10:00:00+08:00');
const TODAY = '2026-12-07';

let db: TestDatabase;
let prisma: PrismaClient;
let occupationId: string;
let inst: string;
let staff: Actor;
let bureau: Actor;

const role = (r: 'INSTITUTION_STAFF' | 'BUREAU_OFFICER', organizationId: string | null, regionCode: string | null): Actor =>
  testActor(r, { organizationId, regionCode });

beforeAll(async () => {
  db = await createTestDatabase('class_dates');
  prisma = createPrisma(db.url);
  await seedRegions(prisma, ['140000', '141000', '141002']);
  occupationId = await seedCareOccupation(prisma);
  inst = await seedInstitution(prisma, { name: '尧都区培训学校', regionCode: '141002', creditCode: '52141002MJ0000001A' });
  await prisma.organizationOccupation.create({ data: { organizationId: inst, occupationId, maxLevel: 'LEVEL_4' } });
  staff = role('INSTITUTION_STAFF', inst, null);
  bureau = role('BUREAU_OFFICER', null, '141000');
});

afterAll(async () => {
  await prisma.$disconnect();
  await db.drop();
});


const input = (change: Partial<ClassInput> = {}): ClassInput => ({
  name: '养老护理员培训班',
  occupationId,
  level: 'LEVEL_4',
  trainingType: 'EMPLOYMENT_SKILLS',
  mode: 'STANDARD',
  plannedHours: 20,
  startDate: '2026-12-01',
  endDate: '2026-12-20',
  venue: '尧都区培训学校301',
  teachers: [{ name: '王老师' }],
  capacity: 30,
  teachingPlan: '理论与实操',
  assessmentPlan: '理论+实操',
  ...change,
});

let seq = 0;
/** A class in `status` with one trainee, straight in the database (as an earlier approval left it). */
async function classIn(status: 'APPROVED' | 'IN_PROGRESS' | 'DRAFT', change: { startDate?: string; endDate?: string; plannedHours?: number } = {}) {
  seq += 1;
  const c = await prisma.trainingClass.create({
    data: {
      code: `PX-D-${seq}`,
      name: `日期测试班${seq}`,
      institutionId: inst,
      regionCode: '141002',
      occupationId,
      level: 'LEVEL_4',
      trainingType: 'EMPLOYMENT_SKILLS',
      status,
      plannedHours: change.plannedHours ?? 20,
      startDate: new Date(`${change.startDate ?? '2026-12-01'}T00:00:00Z`),
      endDate: new Date(`${change.endDate ?? '2026-12-20'}T00:00:00Z`),
      venue: '301',
      capacity: 40,
      teachers: [{ name: '王老师' }],
      teachingPlan: 'p',
      assessmentPlan: 'a',
    },
  });
  const p = await prisma.person.create({
    data: {
      name: `学员${seq}`,
      idNumberCipher: 'x',
      idNumberHash: randomUUID().replace(/-/g, '').padEnd(64, '0'),
      idNumberMasked: '141002********0000',
      birthDate: new Date('1990-01-01T00:00:00Z'),
      sex: 'MALE',
      originRegionCode: '141002',
    },
  });
  const enrollmentId = (await prisma.enrollment.create({ data: { classId: c.id, personId: p.id } })).id;
  return { id: c.id, enrollmentId };
}

const session = (classId: string, day: string, now = NOW) =>
  addAttendanceSession(prisma, staff, { classId, date: day, startsAt: new Date(`${day}T09:00:00+08:00`), endsAt: new Date(`${day}T11:00:00+08:00`) }, now);

describe('late filing (备案补录)', () => {
  it('refuses a class dated wholly in the past without a reason, naming the dates and the field', async () => {
    const e = await rejects(fileClass(prisma, staff, input({ startDate: '2026-11-02', endDate: '2026-11-20' }), TODAY));
    expect([e.code, e.details?.['field']]).toEqual(['VALIDATION', 'lateFilingReason']);
    expect(e.localized.zh).toContain('2026-11-02至2026-11-20');
  });

  it('files it with a reason, and the bureau approves it only with an explicit, audited acknowledgement', async () => {
    const reason = '系统升级期间无法备案,已线下报备,现补录';
    const c = await fileClass(prisma, staff, input({ startDate: '2026-11-02', endDate: '2026-11-20', lateFilingReason: reason }), TODAY);
    expect(c.lateFilingReason).toBe(reason);
    const p = await prisma.person.create({
      data: { name: '李四', idNumberCipher: 'x', idNumberHash: randomUUID().replace(/-/g, '').padEnd(64, '1'), idNumberMasked: '1', birthDate: new Date('1990-01-01T00:00:00Z'), sex: 'MALE', originRegionCode: '141002' },
    });
    await prisma.enrollment.create({ data: { classId: c.id, personId: p.id } });
    await transitionClass(prisma, staff, { classId: c.id, action: 'SUBMIT' }, NOW);

    const e = await rejects(transitionClass(prisma, bureau, { classId: c.id, action: 'APPROVE' }, NOW));
    expect([e.code, e.details?.['field']]).toEqual(['VALIDATION', 'acknowledgeLateFiling']);
    expect(e.localized.zh).toContain(reason);

    const approved = await transitionClass(prisma, bureau, { classId: c.id, action: 'APPROVE', acknowledgeLateFiling: true }, NOW);
    expect([approved.status, approved.lateFilingAcknowledgedAt, approved.lateFilingAcknowledgedById]).toEqual(['APPROVED', NOW, bureau.userId]);
    const row = await prisma.auditLog.findFirstOrThrow({ where: { entityId: c.id, action: 'class.approve' } });
    expect(row.after).toMatchObject({ status: 'APPROVED', lateFilingAcknowledged: reason });
  });

  it('refuses to approve a class whose dates passed while it waited, when no reason was given', async () => {
    const c = await fileClass(prisma, staff, input({ startDate: '2026-12-01', endDate: '2026-12-10' }), TODAY);
    const p = await prisma.person.create({
      data: { name: '王五', idNumberCipher: 'x', idNumberHash: randomUUID().replace(/-/g, '').padEnd(64, '2'), idNumberMasked: '1', birthDate: new Date('1990-01-01T00:00:00Z'), sex: 'MALE', originRegionCode: '141002' },
    });
    await prisma.enrollment.create({ data: { classId: c.id, personId: p.id } });
    await transitionClass(prisma, staff, { classId: c.id, action: 'SUBMIT' }, NOW);
    const later = new Date('2026-12-15T10:00:00+08:00');
    const e = await rejects(transitionClass(prisma, bureau, { classId: c.id, action: 'APPROVE', acknowledgeLateFiling: true }, later));
    expect([e.code, e.details?.['field']]).toEqual(['VALIDATION', 'lateFilingReason']);
  });
});

describe('a class keeps to its calendar', () => {
  it('cannot be started before its planned start date', async () => {
    const c = await classIn('APPROVED', { startDate: '2026-12-14', endDate: '2026-12-30' });
    const e = await rejects(transitionClass(prisma, staff, { classId: c.id, action: 'START' }, NOW));
    expect([e.code, e.details?.['field']]).toEqual(['VALIDATION', 'startDate']);
    expect(e.localized.zh).toContain('2026-12-14');
    expect((await prisma.trainingClass.findUniqueOrThrow({ where: { id: c.id } })).status).toBe('APPROVED');
    const started = await transitionClass(prisma, staff, { classId: c.id, action: 'START' }, new Date('2026-12-14T08:00:00+08:00'));
    expect(started.status).toBe('IN_PROGRESS');
  });

  it("records attendance only for sessions that have begun, not next week's", async () => {
    const c = await classIn('IN_PROGRESS');
    const ahead = await session(c.id, '2026-12-14');
    const e = await rejects(recordAttendance(prisma, staff, { sessionId: ahead.id, records: [{ enrollmentId: c.enrollmentId, present: true }] }, NOW));
    expect([e.code, e.details?.['field']]).toEqual(['VALIDATION', 'sessionId']);
    expect(await prisma.attendanceRecord.count({ where: { sessionId: ahead.id } })).toBe(0);
    const held = await session(c.id, '2026-12-07');
    const r = await recordAttendance(prisma, staff, { sessionId: held.id, records: [{ enrollmentId: c.enrollmentId, present: true }] }, NOW);
    expect(r.created).toBe(1);
  });

  it('a class started early is refused completion naming its start date, not with a certificate error', async () => {
    const c = await classIn('IN_PROGRESS', { startDate: '2026-12-10', endDate: '2026-12-20' });
    const results = [{ enrollmentId: c.enrollmentId, outcome: 'PASSED' as const }];
    const e = await rejects(completeClass(prisma, signing, staff, { classId: c.id, results }, NOW));
    expect([e.code, e.details?.['field']]).toEqual(['VALIDATION', 'startDate']);
    expect(e.localized.en).toContain('2026-12-10');
  });

  it('is not completed while a session is still ahead', async () => {
    const c = await classIn('IN_PROGRESS');
    await session(c.id, '2026-12-09');
    const e = await rejects(completeClass(prisma, signing, staff, { classId: c.id, results: [{ enrollmentId: c.enrollmentId, outcome: 'PASSED' }] }, NOW));
    expect([e.code, e.details?.['field']]).toEqual(['VALIDATION', 'sessions']);
    expect((await prisma.trainingClass.findUniqueOrThrow({ where: { id: c.id } })).status).toBe('IN_PROGRESS');
  });
});

describe('hours delivered', () => {
  it('a class that taught fewer hours than planned certifies the hours delivered and stores them for the bureau', async () => {
    const c = await classIn('IN_PROGRESS', { plannedHours: 20 });
    for (const day of ['2026-12-02', '2026-12-03', '2026-12-04']) {
      // Each session entered that morning and its attendance at noon: the past is not backfilled.
      const s = await session(c.id, day, new Date(`${day}T08:00:00+08:00`));
      await recordAttendance(prisma, staff, { sessionId: s.id, records: [{ enrollmentId: c.enrollmentId, present: true }] }, new Date(`${day}T12:00:00+08:00`));
    }
    const r = await completeClass(prisma, signing, staff, { classId: c.id, results: [{ enrollmentId: c.enrollmentId, outcome: 'PASSED', score: 90 }] }, NOW);
    expect([r.completed, r.certificatesIssued]).toEqual([1, 1]);
    const klass = await prisma.trainingClass.findUniqueOrThrow({ where: { id: c.id } });
    expect([klass.plannedHours, klass.deliveredMinutes]).toEqual([20, 360]);
    const cert = await prisma.certificate.findFirstOrThrow({ where: { enrollmentId: c.enrollmentId } });
    expect(cert.signedPayload).toMatchObject({ trainingHours: 6, trainingStartOn: '2026-12-01', trainingEndOn: TODAY });
    const row = await prisma.auditLog.findFirstOrThrow({ where: { entityId: c.id, action: 'class.complete' } });
    expect(row.after).toMatchObject({ plannedHours: 20, deliveredHours: 6, shortfallHours: 14 });
  });
});
