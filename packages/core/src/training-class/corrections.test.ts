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
import { correctAttendance, correctAttendanceSession } from './corrections.ts';

/**
 * Corrections of past facts: today is 2026-12-08 (Beijing) and the class runs 2026-12-01 to 2026-12-20.
 * The institution enters today and ahead; the past is entered or changed only by a bureau officer
 * covering the class, with a reason, audited with before and after.
 */
const signing = certificateSigningFrom(configWith({}));
const NOW = new Date('2026-12-08T10:00:00+08:00');
const REASON = '机构漏录12月2日下午课次,已核对纸质签到表';

let db: TestDatabase;
let prisma: PrismaClient;
let occupationId: string;
let policyId: string;
let inst: string;
let staff: Actor;
let bureau: Actor;
let cityBureau: Actor;
let otherBureau: Actor;

const role = (r: 'INSTITUTION_STAFF' | 'BUREAU_OFFICER', organizationId: string | null, regionCode: string | null): Actor =>
  testActor(r, { organizationId, regionCode });

beforeAll(async () => {
  db = await createTestDatabase('class_corrections');
  prisma = createPrisma(db.url);
  await seedRegions(prisma, ['140000', '141000', '141002', '141023']);
  occupationId = await seedCareOccupation(prisma);
  inst = await seedInstitution(prisma, { name: '尧都区培训学校', regionCode: '141002', creditCode: '52141002MJ0000001A' });
  policyId = (
    await prisma.subsidyPolicy.create({
      data: { code: 'T-CLASS-HOUR', regionCode: '141002', kind: 'CLASS_HOUR', name: '课时补贴', version: 1, status: 'ACTIVE', effectiveFrom: new Date('2026-01-01T00:00:00Z'), rules: {} },
    })
  ).id;
  staff = role('INSTITUTION_STAFF', inst, null);
  bureau = role('BUREAU_OFFICER', null, '141002');
  cityBureau = role('BUREAU_OFFICER', null, '141000');
  otherBureau = role('BUREAU_OFFICER', null, '141023');
});

afterAll(async () => {
  await prisma.$disconnect();
  await db.drop();
});


let seq = 0;
/** A running class of 2026-12-01 to 2026-12-20 with `trainees` enrolled. */
async function running(trainees = 1) {
  seq += 1;
  const c = await prisma.trainingClass.create({
    data: {
      code: `PX-R-${seq}`,
      name: `更正测试班${seq}`,
      institutionId: inst,
      regionCode: '141002',
      occupationId,
      level: 'LEVEL_4',
      trainingType: 'EMPLOYMENT_SKILLS',
      status: 'IN_PROGRESS',
      plannedHours: 4,
      startDate: new Date('2026-12-01T00:00:00Z'),
      endDate: new Date('2026-12-20T00:00:00Z'),
      venue: '301',
      capacity: 40,
    },
  });
  const enrollments: string[] = [];
  for (let i = 0; i < trainees; i += 1) {
    seq += 1;
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
    enrollments.push((await prisma.enrollment.create({ data: { classId: c.id, personId: p.id } })).id);
  }
  return { id: c.id, enrollments };
}

const slot = (day: string, from: string, to: string) => ({
  date: day,
  startsAt: new Date(`${day}T${from}:00+08:00`),
  endsAt: new Date(`${day}T${to}:00+08:00`),
});

/** A session held on `day`, entered by the institution that morning with attendance at noon. */
async function held(classId: string, day: string, present: Record<string, boolean>) {
  const s = await addAttendanceSession(prisma, staff, { classId, ...slot(day, '09:00', '11:00') }, new Date(`${day}T08:00:00+08:00`));
  const records = Object.entries(present).map(([enrollmentId, p]) => ({ enrollmentId, present: p }));
  if (records.length > 0) await recordAttendance(prisma, staff, { sessionId: s.id, records }, new Date(`${day}T12:00:00+08:00`));
  return s;
}

describe('a past session', () => {
  it('the institution cannot add one dated yesterday', async () => {
    const c = await running();
    const e = await rejects(addAttendanceSession(prisma, staff, { classId: c.id, ...slot('2026-12-07', '14:00', '16:00') }, NOW));
    expect([e.code, e.details?.['field']]).toEqual(['VALIDATION', 'date']);
  });

  it('a bureau officer covering the class adds it with a reason, audited with the reason', async () => {
    const c = await running();
    const s = await correctAttendanceSession(prisma, bureau, { classId: c.id, ...slot('2026-12-02', '14:00', '16:00'), topic: '失能老人照护', reason: ` ${REASON} ` }, NOW);
    expect(s).toMatchObject({ classId: c.id, minutes: 120, topic: '失能老人照护', closedAt: null });
    const row = await prisma.auditLog.findFirstOrThrow({ where: { entityId: s.id } });
    expect([row.action, row.actorUserId, row.before]).toEqual(['attendance.session.add.correction', bureau.userId, null]);
    expect(row.after).toMatchObject({ classId: c.id, date: '2026-12-02', minutes: 120, classStatus: 'IN_PROGRESS', reason: REASON });
    // The city bureau above the county covers it too.
    await correctAttendanceSession(prisma, cityBureau, { classId: c.id, ...slot('2026-12-03', '14:00', '16:00'), reason: REASON }, NOW);
    expect(await prisma.attendanceSession.count({ where: { classId: c.id } })).toBe(2);
  });

  it('changes a session’s times, keeping the earlier ones in the audit row', async () => {
    const c = await running();
    const s = await held(c.id, '2026-12-02', {});
    const moved = await correctAttendanceSession(prisma, bureau, { classId: c.id, sessionId: s.id, ...slot('2026-12-02', '14:00', '15:30'), reason: REASON }, NOW);
    expect([moved.id, moved.minutes, moved.startsAt.toISOString()]).toEqual([s.id, 90, '2026-12-02T06:00:00.000Z']);
    const row = await prisma.auditLog.findFirstOrThrow({ where: { entityId: s.id, action: 'attendance.session.correct' } });
    expect(row.before).toMatchObject({ date: '2026-12-02', startsAt: '2026-12-02T01:00:00.000Z', minutes: 120 });
    expect(row.after).toMatchObject({ date: '2026-12-02', startsAt: '2026-12-02T06:00:00.000Z', minutes: 90, reason: REASON });
  });

  it('the institution cannot correct; a bureau outside the region gets NOT_FOUND; nothing is written', async () => {
    const c = await running();
    const input = { classId: c.id, ...slot('2026-12-02', '14:00', '16:00'), reason: REASON };
    expect((await rejects(correctAttendanceSession(prisma, staff, input, NOW))).code).toBe('FORBIDDEN');
    expect((await rejects(correctAttendanceSession(prisma, otherBureau, input, NOW))).code).toBe('NOT_FOUND');
    expect(await prisma.attendanceSession.count({ where: { classId: c.id } })).toBe(0);
    expect(await prisma.auditLog.count({ where: { action: { startsWith: 'attendance.session' }, after: { path: ['classId'], equals: c.id } } })).toBe(0);
  });

  it.each([
    ['without a reason', { reason: '补录' }, 'VALIDATION', 'reason'],
    ['still ahead (a correction records what happened)', { ...slot('2026-12-09', '09:00', '11:00') }, 'VALIDATION', 'startsAt'],
    ['outside the class dates', { ...slot('2026-11-30', '09:00', '11:00') }, 'VALIDATION', 'date'],
  ])('is refused %s', async (_what, change, code, field) => {
    const c = await running();
    const e = await rejects(correctAttendanceSession(prisma, bureau, { classId: c.id, ...slot('2026-12-02', '14:00', '16:00'), reason: REASON, ...change }, NOW));
    expect([e.code, e.details?.['field']]).toEqual([code, field]);
  });

  it('keeps to the schedule like any session', async () => {
    const c = await running();
    await held(c.id, '2026-12-02', {});
    const e = await rejects(correctAttendanceSession(prisma, bureau, { classId: c.id, ...slot('2026-12-02', '10:00', '12:00'), reason: REASON }, NOW));
    expect(e.code).toBe('SCHEDULE_CONFLICT');
  });
});

describe('past attendance', () => {
  it('the institution cannot change it the next day; the bureau corrects it, audited, as its recorder', async () => {
    const c = await running(2);
    const [a, b] = c.enrollments as [string, string];
    const s = await held(c.id, '2026-12-02', { [a]: true, [b]: false });
    const records = [{ enrollmentId: b, present: true }];
    const e = await rejects(recordAttendance(prisma, staff, { sessionId: s.id, records }, NOW));
    expect([e.code, e.details?.['field']]).toEqual(['VALIDATION', 'sessionId']);

    expect((await rejects(correctAttendance(prisma, staff, { sessionId: s.id, records, reason: REASON }, NOW))).code).toBe('FORBIDDEN');
    expect((await rejects(correctAttendance(prisma, otherBureau, { sessionId: s.id, records, reason: REASON }, NOW))).code).toBe('NOT_FOUND');
    expect((await rejects(correctAttendance(prisma, bureau, { sessionId: s.id, records, reason: '短' }, NOW))).details?.['field']).toBe('reason');

    const r = await correctAttendance(prisma, bureau, { sessionId: s.id, records, reason: REASON }, NOW);
    expect(r).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
    const rec = await prisma.attendanceRecord.findFirstOrThrow({ where: { sessionId: s.id, enrollmentId: b } });
    expect([rec.present, rec.recordedById]).toEqual([true, bureau.userId]);
    const row = await prisma.auditLog.findFirstOrThrow({ where: { entityId: s.id, action: 'attendance.correct' } });
    expect(row.actorUserId).toBe(bureau.userId);
    expect(row.before).toEqual({ records: [{ enrollmentId: b, present: false, method: 'MANUAL', evidenceRef: null }] });
    expect(row.after).toMatchObject({ classStatus: 'IN_PROGRESS', reason: REASON, records: [{ enrollmentId: b, present: true }] });

    // The same again changes nothing and writes no audit row.
    expect(await correctAttendance(prisma, bureau, { sessionId: s.id, records, reason: REASON }, NOW)).toMatchObject({ unchanged: 1 });
    expect(await prisma.auditLog.count({ where: { entityId: s.id, action: 'attendance.correct' } })).toBe(1);
  });

  it("is not corrected for a session that has not begun", async () => {
    const c = await running();
    const s = await addAttendanceSession(prisma, staff, { classId: c.id, ...slot('2026-12-08', '14:00', '16:00') }, NOW);
    const e = await rejects(correctAttendance(prisma, bureau, { sessionId: s.id, records: [{ enrollmentId: c.enrollments[0]!, present: true }], reason: REASON }, NOW));
    expect([e.code, e.details?.['field']]).toEqual(['VALIDATION', 'startsAt']);
  });
});

describe('a completed class', () => {
  /** Completed on NOW with two sessions of 120 minutes; trainee a present at both, b at the first. */
  async function completed() {
    const c = await running(2);
    const [a, b] = c.enrollments as [string, string];
    const s1 = await held(c.id, '2026-12-02', { [a]: true, [b]: true });
    const s2 = await held(c.id, '2026-12-03', { [a]: true, [b]: false });
    await completeClass(prisma, signing, staff, { classId: c.id, results: [{ enrollmentId: a, outcome: 'PASSED' }, { enrollmentId: b, outcome: 'PASSED' }] }, NOW);
    return { ...c, a, b, s1, s2 };
  }

  it('with a live claim on it: CONFLICT naming the claim, and nothing changes', async () => {
    const c = await completed();
    await prisma.subsidyClaim.create({
      data: { number: `BT-141002-2026-9${seq}`, claimantId: inst, regionCode: '141002', policyId, kind: 'CLASS_HOUR', claimKind: 'CLASS_HOUR', basisRef: `class:${c.id}`, computation: {}, status: 'SUBMITTED' },
    });
    const e = await rejects(correctAttendance(prisma, bureau, { sessionId: c.s2.id, records: [{ enrollmentId: c.b, present: true }], reason: REASON }, NOW));
    expect([e.code, e.details?.['field']]).toEqual(['CONFLICT', 'classId']);
    expect(e.localized.zh).toContain(`BT-141002-2026-9${seq}`);
    expect(e.localized.en).toMatch(/claim.*withdrawn or rejected/);
    const moved = await rejects(correctAttendanceSession(prisma, bureau, { classId: c.id, sessionId: c.s1.id, ...slot('2026-12-02', '13:00', '15:00'), reason: REASON }, NOW));
    expect(moved.code).toBe('CONFLICT');
    expect((await prisma.attendanceRecord.findFirstOrThrow({ where: { sessionId: c.s2.id, enrollmentId: c.b } })).present).toBe(false);
  });

  it('a withdrawn claim no longer holds it', async () => {
    const c = await completed();
    await prisma.subsidyClaim.create({
      data: { number: `BT-141002-2026-8${seq}`, claimantId: inst, regionCode: '141002', policyId, kind: 'CLASS_HOUR', claimKind: 'CLASS_HOUR', basisRef: `class:${c.id}`, computation: {}, status: 'WITHDRAWN' },
    });
    const s = await correctAttendanceSession(prisma, bureau, { classId: c.id, sessionId: c.s1.id, ...slot('2026-12-02', '13:00', '15:00'), reason: REASON }, NOW);
    expect(s.startsAt.toISOString()).toBe('2026-12-02T05:00:00.000Z');
  });

  it('without a claim: a correction that keeps what completion fixed passes, audited', async () => {
    const c = await completed();
    const s = await correctAttendanceSession(prisma, bureau, { classId: c.id, sessionId: c.s1.id, ...slot('2026-12-02', '13:00', '15:00'), reason: REASON }, NOW);
    expect([s.minutes, s.closedAt]).toEqual([120, NOW]);
    const row = await prisma.auditLog.findFirstOrThrow({ where: { entityId: c.s1.id, action: 'attendance.session.correct' } });
    expect(row.after).toMatchObject({ classStatus: 'COMPLETED', reason: REASON });
  });

  it('without a claim: one that would change an attendance rate or the delivered hours is refused and explained, nothing recomputed', async () => {
    const c = await completed();
    const rate = await rejects(correctAttendance(prisma, bureau, { sessionId: c.s2.id, records: [{ enrollmentId: c.b, present: true }], reason: REASON }, NOW));
    expect([rate.code, rate.details?.['changeCount']]).toEqual(['CONFLICT', 1]);
    expect(rate.localized.zh).toContain('出勤率50.00%→100.00%');
    expect(rate.localized.en).toContain('never recomputed silently');
    expect((await prisma.attendanceRecord.findFirstOrThrow({ where: { sessionId: c.s2.id, enrollmentId: c.b } })).present).toBe(false);

    const added = await rejects(correctAttendanceSession(prisma, bureau, { classId: c.id, ...slot('2026-12-04', '09:00', '11:00'), reason: REASON }, NOW));
    expect(added.code).toBe('CONFLICT');
    expect(added.localized.en).toContain('delivered minutes 240 → 360');
    expect(await prisma.attendanceSession.count({ where: { classId: c.id } })).toBe(2);
    expect(await prisma.auditLog.count({ where: { action: { in: ['attendance.correct', 'attendance.session.add.correction'] }, entityId: { in: [c.s2.id] } } })).toBe(0);
    const klass = await prisma.trainingClass.findUniqueOrThrow({ where: { id: c.id } });
    expect([klass.status, klass.deliveredMinutes]).toEqual(['COMPLETED', 240]);
  });
});
