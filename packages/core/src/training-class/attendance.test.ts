import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import { DomainError } from '@vtc/domain';
import type { Actor } from '../shared/actor.ts';
import { type AddAttendanceSessionInput, addAttendanceSession, classAttendanceMinutes, type RecordAttendanceInput, recordAttendance } from './attendance.ts';
import { seedRegions, seedCareOccupation } from '../shared/fixtures.testkit.ts';

/**
 * The clock of these tests: sessions are scheduled on the class's first morning (all of November is
 * ahead then), attendance is recorded at noon of the session's day.
 */
const SCHEDULED = new Date('2026-11-01T08:00:00+08:00');
const noon = (day = '2026-11-05') => new Date(`${day}T12:00:00+08:00`);
const addSession = (by: Actor, input: AddAttendanceSessionInput) => addAttendanceSession(prisma, by, input, SCHEDULED);
const record = (by: Actor, input: RecordAttendanceInput, now = noon()) => recordAttendance(prisma, by, input, now);

let db: TestDatabase;
let prisma: PrismaClient;
let occupationId: string;
let inst1: string;
let inst2: string;
let staff1: Actor;
let staff2: Actor;
let bureau: Actor;

const actor = (role: Actor['roles'][number]['role'], scope: { organizationId?: string; regionCode?: string }): Actor => ({
  userId: randomUUID(),
  username: `${role.toLowerCase()}-${scope.organizationId ?? scope.regionCode}`,
  sessionId: null,
  roles: [{ role, regionCode: scope.regionCode ?? null, organizationId: scope.organizationId ?? null, personId: null, canViewIdNumbers: false }],
});

beforeAll(async () => {
  db = await createTestDatabase('attendance');
  prisma = createPrisma(db.url);
  await seedRegions(prisma, ['140000', '141000', '141002']);
  occupationId = await seedCareOccupation(prisma);
  const org = (name: string, creditCode: string) =>
    prisma.organization.create({ data: { name, kind: 'TRAINING_INSTITUTION', regionCode: '141002', creditCode } });
  inst1 = (await org('一号培训学校', '52141002MJ0000001A')).id;
  inst2 = (await org('二号培训学校', '52141002MJ0000002A')).id;
  staff1 = actor('INSTITUTION_STAFF', { organizationId: inst1 });
  staff2 = actor('INSTITUTION_STAFF', { organizationId: inst2 });
  bureau = actor('BUREAU_OFFICER', { regionCode: '141002' });
});

afterAll(async () => {
  await prisma.$disconnect();
  await db.drop();
});

let seq = 0;
async function person(name: string) {
  seq += 1;
  return prisma.person.create({
    data: {
      name,
      idNumberCipher: 'x',
      idNumberHash: randomUUID().replace(/-/g, '').padEnd(64, '0'),
      idNumberMasked: `141002********${String(seq).padStart(4, '0')}`,
      birthDate: new Date('1990-01-01T00:00:00Z'),
      sex: 'MALE',
      originRegionCode: '141002',
    },
  });
}

async function klass(opts: { institutionId?: string; status?: 'DRAFT' | 'APPROVED' | 'IN_PROGRESS' | 'COMPLETED' | 'CANCELLED'; trainees?: string[] } = {}) {
  seq += 1;
  const c = await prisma.trainingClass.create({
    data: {
      code: `PX-T-${seq}`,
      name: `班级${seq}`,
      institutionId: opts.institutionId ?? inst1,
      regionCode: '141002',
      occupationId,
      level: 'LEVEL_4',
      trainingType: 'EMPLOYMENT_SKILLS',
      status: opts.status ?? 'IN_PROGRESS',
      plannedHours: 80,
      startDate: new Date('2026-11-01T00:00:00Z'),
      endDate: new Date('2026-11-30T00:00:00Z'),
      venue: '301',
      capacity: 40,
    },
  });
  const enrollments: string[] = [];
  for (const personId of opts.trainees ?? []) {
    enrollments.push((await prisma.enrollment.create({ data: { classId: c.id, personId } })).id);
  }
  return { id: c.id, enrollments };
}

const slot = (day: string, from: string, to: string) => ({
  date: day,
  startsAt: new Date(`${day}T${from}:00+08:00`),
  endsAt: new Date(`${day}T${to}:00+08:00`),
});

async function rejects(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('addAttendanceSession', () => {
  it('adds a session of a running class with its minutes, and audits it', async () => {
    const c = await klass();
    const s = await addSession(staff1, { classId: c.id, ...slot('2026-11-05', '09:00', '11:00'), topic: ' 老年人照护基础 ' });
    expect(s).toMatchObject({ classId: c.id, minutes: 120, topic: '老年人照护基础', closedAt: null });
    expect(s.date.toISOString().slice(0, 10)).toBe('2026-11-05');
    expect(s.startsAt.toISOString()).toBe('2026-11-05T01:00:00.000Z');
    const audits = await prisma.auditLog.findMany({ where: { entityId: s.id } });
    expect(audits.map((a) => [a.action, a.actorUserId])).toEqual([['attendance.session.add', staff1.userId]]);
    // An approved class (not started yet) may be scheduled too; a lunch break can be left out.
    const approved = await klass({ status: 'APPROVED' });
    const day = await addSession(staff1, { classId: approved.id, ...slot('2026-11-06', '08:00', '17:30'), minutes: 450 });
    expect(day.minutes).toBe(450);
  });

  it.each(['DRAFT', 'COMPLETED', 'CANCELLED'] as const)('refuses a %s class', async (status) => {
    const c = await klass({ status });
    const e = await rejects(addSession(staff1, { classId: c.id, ...slot('2026-11-05', '09:00', '11:00') }));
    expect(e.code).toBe('INVALID_TRANSITION');
  });

  it('only the class institution writes: another institution gets NOT_FOUND, a bureau FORBIDDEN, and nothing is written', async () => {
    const c = await klass();
    expect((await rejects(addSession(staff2, { classId: c.id, ...slot('2026-11-05', '09:00', '11:00') }))).code).toBe(
      'NOT_FOUND',
    );
    expect((await rejects(addSession(bureau, { classId: c.id, ...slot('2026-11-05', '09:00', '11:00') }))).code).toBe(
      'FORBIDDEN',
    );
    expect((await rejects(addSession(staff1, { classId: 'not-a-uuid', ...slot('2026-11-05', '09:00', '11:00') }))).code).toBe(
      'NOT_FOUND',
    );
    expect(await prisma.attendanceSession.count({ where: { classId: c.id } })).toBe(0);
  });

  it('checks the session against the class dates and the 8-hour limit', async () => {
    const c = await klass();
    const outside = await rejects(addSession(staff1, { classId: c.id, ...slot('2026-12-01', '09:00', '11:00') }));
    expect([outside.code, outside.details?.field]).toEqual(['VALIDATION', 'date']);
    const long = await rejects(addSession(staff1, { classId: c.id, ...slot('2026-11-05', '08:00', '17:00') }));
    expect([long.code, long.details?.field]).toEqual(['VALIDATION', 'minutes']);
  });

  it('rejects a session overlapping another of the same class; back to back is fine', async () => {
    const c = await klass();
    await addSession(staff1, { classId: c.id, ...slot('2026-11-05', '09:00', '11:00') });
    const e = await rejects(addSession(staff1, { classId: c.id, ...slot('2026-11-05', '10:30', '12:00') }));
    expect(e.code).toBe('SCHEDULE_CONFLICT');
    expect(e.localized.zh).toContain('2026-11-05 09:00–11:00');
    await addSession(staff1, { classId: c.id, ...slot('2026-11-05', '11:00', '12:00') });
    expect(await prisma.attendanceSession.count({ where: { classId: c.id } })).toBe(2);
  });

  it('rejects a session when trainees have an overlapping session in another class, naming how many', async () => {
    const [a, b, c, d] = await Promise.all(['甲', '乙', '丙', '丁'].map(person));
    const other = await klass({ institutionId: inst2, trainees: [a!.id, b!.id, c!.id] });
    await addSession(staff2, { classId: other.id, ...slot('2026-11-10', '09:00', '12:00') });
    const mine = await klass({ trainees: [a!.id, b!.id, d!.id] });
    const e = await rejects(addSession(staff1, { classId: mine.id, ...slot('2026-11-10', '11:00', '13:00') }));
    expect(e.code).toBe('SCHEDULE_CONFLICT');
    expect(e.details).toMatchObject({ trainees: 2, sessions: 1 });
    expect(e.localized.zh).toBe('本班有2名学员在此时间已有其他培训班的课次');
    expect(await prisma.attendanceSession.count({ where: { classId: mine.id } })).toBe(0);

    // Withdrawn on either side no longer counts; neither does a cancelled class.
    await prisma.enrollment.update({ where: { id: mine.enrollments[0]! }, data: { status: 'WITHDRAWN' } });
    await prisma.enrollment.update({ where: { id: other.enrollments[1]! }, data: { status: 'WITHDRAWN' } });
    const s = await addSession(staff1, { classId: mine.id, ...slot('2026-11-10', '11:00', '13:00') });
    expect(s.minutes).toBe(120);
    const cancelled = await klass({ institutionId: inst2, status: 'CANCELLED', trainees: [d!.id] });
    await prisma.attendanceSession.create({
      data: { classId: cancelled.id, ...slot('2026-11-11', '09:00', '12:00'), date: new Date('2026-11-11T00:00:00Z'), minutes: 180 },
    });
    await addSession(staff1, { classId: mine.id, ...slot('2026-11-11', '10:00', '11:00') });
  });

  it('two classes sharing a trainee cannot both take the same hour at the same moment', async () => {
    const p = await person('戊');
    const x = await klass({ trainees: [p.id] });
    const y = await klass({ institutionId: inst2, trainees: [p.id] });
    const settled = await Promise.allSettled([
      addSession(staff1, { classId: x.id, ...slot('2026-11-20', '09:00', '11:00') }),
      addSession(staff2, { classId: y.id, ...slot('2026-11-20', '10:00', '12:00') }),
    ]);
    expect(settled.map((s) => s.status).sort()).toEqual(['fulfilled', 'rejected']);
    const failure = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult;
    expect((failure.reason as DomainError).code).toBe('SCHEDULE_CONFLICT');
  });
});

describe('the institution enters today and ahead; the past is a bureau correction', () => {
  const TODAY_NOW = new Date('2026-11-10T08:00:00+08:00');

  it('refuses a session dated yesterday, naming the date and the way to correct it; today and tomorrow are fine', async () => {
    const c = await klass();
    const e = await rejects(addAttendanceSession(prisma, staff1, { classId: c.id, ...slot('2026-11-09', '09:00', '11:00') }, TODAY_NOW));
    expect([e.code, e.details?.['field']]).toEqual(['VALIDATION', 'date']);
    expect(e.localized.zh).toContain('日期2026-11-09早于今天2026-11-10');
    expect(e.localized.en).toContain('bureau correction');
    expect(await prisma.attendanceSession.count({ where: { classId: c.id } })).toBe(0);
    await addAttendanceSession(prisma, staff1, { classId: c.id, ...slot('2026-11-10', '09:00', '11:00') }, TODAY_NOW);
    await addAttendanceSession(prisma, staff1, { classId: c.id, ...slot('2026-11-11', '09:00', '11:00') }, TODAY_NOW);
    expect(await prisma.attendanceSession.count({ where: { classId: c.id } })).toBe(2);
  });

  it("records attendance on the session's day only: the next day it is refused and nothing changes", async () => {
    const p = await person('寅');
    const c = await klass({ trainees: [p.id] });
    const s = await addSession(staff1, { classId: c.id, ...slot('2026-11-09', '09:00', '11:00') });
    const records = [{ enrollmentId: c.enrollments[0]!, present: true }];
    expect((await record(staff1, { sessionId: s.id, records }, noon('2026-11-09'))).created).toBe(1);
    const e = await rejects(record(staff1, { sessionId: s.id, records: [{ ...records[0]!, present: false }] }, TODAY_NOW));
    expect([e.code, e.details?.['field']]).toEqual(['VALIDATION', 'sessionId']);
    expect((await prisma.attendanceRecord.findFirstOrThrow({ where: { sessionId: s.id } })).present).toBe(true);
  });

  it('a late filing the bureau acknowledged is entered by the institution within the class dates, not outside', async () => {
    const p = await person('卯');
    const c = await klass({ trainees: [p.id] });
    const late = { lateFilingReason: '系统故障期间无法备案,线下已报备,现补录', lateFilingAcknowledgedAt: new Date('2026-12-02T09:00:00+08:00') };
    await prisma.trainingClass.update({ where: { id: c.id }, data: late });
    const december = new Date('2026-12-03T09:00:00+08:00');
    const s = await addAttendanceSession(prisma, staff1, { classId: c.id, ...slot('2026-11-12', '09:00', '11:00') }, december);
    const r = await recordAttendance(prisma, staff1, { sessionId: s.id, records: [{ enrollmentId: c.enrollments[0]!, present: true }] }, december);
    expect(r.created).toBe(1);
    // Filed late but not (yet) acknowledged: no backfilling.
    await prisma.trainingClass.update({ where: { id: c.id }, data: { lateFilingAcknowledgedAt: null } });
    const e = await rejects(addAttendanceSession(prisma, staff1, { classId: c.id, ...slot('2026-11-13', '09:00', '11:00') }, december));
    expect(e.details?.['field']).toBe('date');
  });
});

describe('recordAttendance', () => {
  async function running(n = 3) {
    const people = await Promise.all(Array.from({ length: n }, (_, i) => person(`学员${i}`)));
    const c = await klass({ trainees: people.map((p) => p.id) });
    const s = await addSession(staff1, { classId: c.id, ...slot('2026-11-05', '09:00', '11:00') });
    return { ...c, sessionId: s.id };
  }

  it('creates, updates and leaves unchanged records; the same call twice writes nothing the second time', async () => {
    const c = await running();
    const [e1, e2, e3] = c.enrollments as [string, string, string];
    const first = await record(staff1, {
      sessionId: c.sessionId,
      records: [
        { enrollmentId: e1, present: true, method: 'FACE', evidenceRef: 'face-0001' },
        { enrollmentId: e2, present: true, method: 'QR', evidenceRef: 'qr-0002' },
        { enrollmentId: e3, present: false },
      ],
    });
    expect(first).toMatchObject({ created: 3, updated: 0, unchanged: 0 });
    const again = await record(staff1, {
      sessionId: c.sessionId,
      records: [
        { enrollmentId: e1, present: true, method: 'FACE', evidenceRef: 'face-0001' },
        { enrollmentId: e3, present: true, method: 'MANUAL' }, // arrived late: corrected
      ],
    });
    expect(again).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    const same = await record(staff1, {
      sessionId: c.sessionId,
      records: [{ enrollmentId: e3, present: true }],
    });
    expect(same).toMatchObject({ created: 0, updated: 0, unchanged: 1 });

    const rows = await prisma.attendanceRecord.findMany({ where: { sessionId: c.sessionId }, orderBy: { evidenceRef: 'asc' } });
    expect(rows.map((r) => [r.enrollmentId, r.present, r.method, r.evidenceRef, r.recordedById])).toEqual([
      [e1, true, 'FACE', 'face-0001', staff1.userId],
      [e2, true, 'QR', 'qr-0002', staff1.userId],
      [e3, true, 'MANUAL', null, staff1.userId],
    ]);
    const audits = await prisma.auditLog.findMany({ where: { entityId: c.sessionId, action: 'attendance.record' }, orderBy: { id: 'asc' } });
    expect(audits).toHaveLength(2);
    expect(audits[1]!.before).toEqual({ records: [{ enrollmentId: e3, present: false, method: 'MANUAL', evidenceRef: null }] });
    expect(audits[1]!.after).toMatchObject({ records: [{ enrollmentId: e3, present: true, method: 'MANUAL', evidenceRef: null }] });
  });

  it('rejects a face check-in without evidence, and writes nothing', async () => {
    const c = await running(2);
    const e = await rejects(
      record(staff1, {
        sessionId: c.sessionId,
        records: [
          { enrollmentId: c.enrollments[0]!, present: true },
          { enrollmentId: c.enrollments[1]!, present: true, method: 'FACE' },
        ],
      }),
    );
    expect(e.details).toMatchObject({ field: 'evidenceRef', row: 2 });
    expect(await prisma.attendanceRecord.count({ where: { sessionId: c.sessionId } })).toBe(0);
  });

  it("rejects another class's enrollment (or a made-up id), naming the row", async () => {
    const c = await running(1);
    const other = await running(1);
    for (const bad of [other.enrollments[0]!, randomUUID(), 'nonsense']) {
      const e = await rejects(
        record(staff1, {
          sessionId: c.sessionId,
          records: [
            { enrollmentId: c.enrollments[0]!, present: true },
            { enrollmentId: bad, present: true },
          ],
        }),
      );
      expect(e.code).toBe('VALIDATION');
      expect(e.details).toMatchObject({ field: 'enrollmentId', row: 2, enrollmentId: bad });
    }
    expect(await prisma.attendanceRecord.count({ where: { sessionId: c.sessionId } })).toBe(0);
  });

  it('only the class institution records: NOT_FOUND for another institution, FORBIDDEN for a bureau', async () => {
    const c = await running(1);
    const records = [{ enrollmentId: c.enrollments[0]!, present: true }];
    expect((await rejects(record(staff2, { sessionId: c.sessionId, records }))).code).toBe('NOT_FOUND');
    expect((await rejects(record(bureau, { sessionId: c.sessionId, records }))).code).toBe('FORBIDDEN');
    expect((await rejects(record(staff1, { sessionId: randomUUID(), records }))).code).toBe('NOT_FOUND');
    expect(await prisma.attendanceRecord.count({ where: { sessionId: c.sessionId } })).toBe(0);
  });

  it('refuses a closed session and a completed class', async () => {
    const c = await running(1);
    const records = [{ enrollmentId: c.enrollments[0]!, present: true }];
    await prisma.attendanceSession.update({ where: { id: c.sessionId }, data: { closedAt: new Date() } });
    expect((await rejects(record(staff1, { sessionId: c.sessionId, records }))).localized.en).toMatch(/session is closed/);
    await prisma.trainingClass.update({ where: { id: c.id }, data: { status: 'COMPLETED' } });
    const e = await rejects(record(staff1, { sessionId: c.sessionId, records }));
    expect([e.code, e.localized.en]).toEqual(['INVALID_TRANSITION', 'The class is completed: attendance is closed']);
  });

  it('takes at most 1000 records a call', async () => {
    const c = await running(1);
    const records = Array.from({ length: 1001 }, () => ({ enrollmentId: randomUUID(), present: true }));
    const e = await rejects(record(staff1, { sessionId: c.sessionId, records }));
    expect(e.details).toMatchObject({ field: 'records', count: 1001 });
  });

  it('records 1000 trainees in one call', async () => {
    const people = await prisma.person.createManyAndReturn({
      data: Array.from({ length: 1000 }, (_, i) => ({
        name: `批量${i}`,
        idNumberCipher: 'x',
        idNumberHash: randomUUID().replace(/-/g, '').padEnd(64, '1'),
        idNumberMasked: '141002********0000',
        birthDate: new Date('1990-01-01T00:00:00Z'),
        sex: 'FEMALE' as const,
        originRegionCode: '141002',
      })),
      select: { id: true },
    });
    const c = await klass();
    const enrollments = await prisma.enrollment.createManyAndReturn({
      data: people.map((p) => ({ classId: c.id, personId: p.id })),
      select: { id: true },
    });
    const s = await addSession(staff1, { classId: c.id, ...slot('2026-11-05', '09:00', '11:00') });
    const r = await record(staff1, {
      sessionId: s.id,
      records: enrollments.map((e, i) => ({ enrollmentId: e.id, present: i % 4 !== 0 })),
    });
    expect(r).toMatchObject({ created: 1000, updated: 0, unchanged: 0 });
    const { attended, totalMinutes } = await classAttendanceMinutes(prisma, c.id);
    expect(totalMinutes).toBe(120);
    expect(attended.size).toBe(750);
  });
});

describe('classAttendanceMinutes', () => {
  it('sums present minutes per enrollment and all session minutes', async () => {
    const [a, b] = await Promise.all([person('子'), person('丑')]);
    const c = await klass({ trainees: [a.id, b.id] });
    const [ea, eb] = c.enrollments as [string, string];
    const s1 = await addSession(staff1, { classId: c.id, ...slot('2026-11-05', '09:00', '11:00') });
    const s2 = await addSession(staff1, { classId: c.id, ...slot('2026-11-06', '09:00', '10:30') });
    await record(staff1, { sessionId: s1.id, records: [{ enrollmentId: ea, present: true }, { enrollmentId: eb, present: false }] });
    await record(staff1, { sessionId: s2.id, records: [{ enrollmentId: ea, present: true }, { enrollmentId: eb, present: true }] }, noon('2026-11-06'));
    const m = await classAttendanceMinutes(prisma, c.id);
    expect(m.totalMinutes).toBe(210);
    expect([m.attended.get(ea), m.attended.get(eb)]).toEqual([210, 90]);
  });
});
