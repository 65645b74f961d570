import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import type { CompletionResultInput, } from '@vtc/domain';
import type { Actor } from '../shared/actor.ts';
import { seedRegions, seedCareOccupation, seedInstitution, rejects } from '../shared/fixtures.testkit.ts';
import { addAttendanceSession, recordAttendance } from './attendance.ts';
import { certificateSigningFrom } from '../certificate/issue.ts';
import { completeClass, newVerifyToken } from './completion.ts';
import { configWith } from '@vtc/config';

const signing = certificateSigningFrom(configWith({}));

let db: TestDatabase;
let prisma: PrismaClient;
let occupationId: string;
let inst: string;
let instBayannur: string;
let staff: Actor;
let staffBayannur: Actor;

const actor = (organizationId: string): Actor => ({
  userId: randomUUID(),
  username: `staff-${organizationId}`,
  sessionId: null,
  roles: [{ role: 'INSTITUTION_STAFF', regionCode: null, organizationId, personId: null, canViewIdNumbers: false }],
});

beforeAll(async () => {
  db = await createTestDatabase('completion');
  prisma = createPrisma(db.url);
  await seedRegions(prisma, ['140000', '141000', '141002', '150000', '150800', '150802']);
  occupationId = await seedCareOccupation(prisma);
  inst = await seedInstitution(prisma, { name: '尧都区培训学校', regionCode: '141002', creditCode: '52141002MJ0000001A' });
  instBayannur = (
    await prisma.organization.create({
      data: { name: '临河区培训学校', kind: 'TRAINING_INSTITUTION', regionCode: '150802', creditCode: '52150802MJ0000003A' },
    })
  ).id;
  staff = actor(inst);
  staffBayannur = actor(instBayannur);
});

afterAll(async () => {
  await prisma.$disconnect();
  await db.drop();
});

let seq = 0;
const DAYS = ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05'];

/**
 * A running class with 4 sessions of 120 minutes and one trainee per entry of `present`, each present
 * at that many of the sessions (the first ones).
 */
async function classWith(present: number[], opts: { regionCode?: string; by?: Actor } = {}) {
  const by = opts.by ?? staff;
  const regionCode = opts.regionCode ?? '141002';
  seq += 1;
  const c = await prisma.trainingClass.create({
    data: {
      code: `PX-C-${seq}`,
      name: `结业测试班${seq}`,
      institutionId: by.roles[0]!.organizationId!,
      regionCode,
      occupationId,
      level: 'LEVEL_4',
      trainingType: 'EMPLOYMENT_SKILLS',
      status: 'IN_PROGRESS',
      plannedHours: 8,
      startDate: new Date('2026-11-01T00:00:00Z'),
      endDate: new Date('2026-11-30T00:00:00Z'),
      venue: '301',
      capacity: 40,
    },
  });
  const enrollments: string[] = [];
  for (const [i] of present.entries()) {
    seq += 1;
    const p = await prisma.person.create({
      data: {
        name: `学员${seq}`,
        idNumberCipher: 'x',
        idNumberHash: randomUUID().replace(/-/g, '').padEnd(64, '0'),
        idNumberMasked: '141002********0000',
        birthDate: new Date('1990-01-01T00:00:00Z'),
        sex: i % 2 ? 'FEMALE' : 'MALE',
        originRegionCode: regionCode,
      },
    });
    enrollments.push((await prisma.enrollment.create({ data: { classId: c.id, personId: p.id } })).id);
  }
  for (const [n, day] of DAYS.entries()) {
    const s = await addAttendanceSession(prisma, by, {
      classId: c.id,
      date: day,
      startsAt: new Date(`${day}T09:00:00+08:00`),
      endsAt: new Date(`${day}T11:00:00+08:00`),
    }, new Date(`${day}T08:00:00+08:00`));
    if (enrollments.length > 0) {
      await recordAttendance(prisma, by, {
        sessionId: s.id,
        records: enrollments.map((enrollmentId, i) => ({ enrollmentId, present: n < present[i]! })),
      }, new Date(`${day}T12:00:00+08:00`));
    }
  }
  return { id: c.id, enrollments };
}


const NOW = new Date('2026-11-30T10:00:00+08:00');

describe('completeClass', () => {
  it('decides every trainee from results and attendance, issues numbered certificates, closes sessions, audits and emits', async () => {
    const c = await classWith([3, 4, 1]);
    const [e1, e2, e3] = c.enrollments as [string, string, string];
    const r = await completeClass(
      prisma,
      signing,
      staff,
      {
        classId: c.id,
        results: [
          { enrollmentId: e2, outcome: 'PASSED', score: 92.5 },
          { enrollmentId: e1, outcome: 'PASSED', score: 88 },
          { enrollmentId: e3, outcome: 'WITHDRAWN' },
        ],
      },
      NOW,
    );
    expect(r).toMatchObject({
      issuedOn: '2026-11-30',
      minAttendanceRateBp: 8000,
      totalMinutes: 480,
      completed: 1,
      failed: 1,
      withdrawn: 1,
      certificatesIssued: 1,
    });
    expect(r.trainees.map((t) => [t.enrollmentId, t.status, t.attendanceRateBp, t.reasons, t.certificateNumber])).toEqual([
      [e1, 'FAILED', 7500, ['ATTENDANCE_BELOW_MINIMUM'], null],
      [e2, 'COMPLETED', 10_000, [], 'JY-141002-2026-000001'],
      [e3, 'WITHDRAWN', 2500, [], null],
    ]);

    const klass = await prisma.trainingClass.findUniqueOrThrow({ where: { id: c.id } });
    expect([klass.status, klass.completedAt]).toEqual(['COMPLETED', NOW]);
    const enrollments = await prisma.enrollment.findMany({ where: { classId: c.id }, orderBy: { createdAt: 'asc' } });
    expect(enrollments.map((e) => [e.status, e.attendanceRateBp, e.score?.toFixed(2) ?? null, e.completedAt])).toEqual([
      ['FAILED', 7500, '88.00', NOW],
      ['COMPLETED', 10_000, '92.50', NOW],
      ['WITHDRAWN', 2500, null, NOW],
    ]);
    expect(await prisma.attendanceSession.count({ where: { classId: c.id, closedAt: null } })).toBe(0);

    // The completed trainee's employment checks start with the completion (3 and 6 months); the others get none.
    const checks = await prisma.employmentCheck.findMany({ where: { enrollment: { classId: c.id } }, orderBy: { checkpointMonths: 'asc' } });
    expect(checks.map((k) => [k.enrollmentId, k.checkpointMonths, k.status])).toEqual([
      [e2, 3, 'PENDING'],
      [e2, 6, 'PENDING'],
    ]);
    const [cert] = await prisma.certificate.findMany({ where: { enrollmentId: e2 } });
    expect(cert).toMatchObject({
      number: 'JY-141002-2026-000001',
      kind: 'TRAINING_COMPLETION',
      personId: enrollments[1]!.personId,
      issuerId: inst,
      occupationId,
      level: 'LEVEL_4',
      status: 'ISSUED',
    });
    expect(cert!.issuedOn.toISOString().slice(0, 10)).toBe('2026-11-30');
    expect(cert!.verifyToken).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const audits = await prisma.auditLog.findMany({ where: { actorUserId: staff.userId, action: { in: ['class.complete', 'enrollment.result', 'certificate.issue'] } } });
    const classAudit = audits.find((a) => a.action === 'class.complete' && a.entityId === c.id);
    expect(classAudit).toMatchObject({ before: { status: 'IN_PROGRESS' }, after: { status: 'COMPLETED', completed: 1, failed: 1, withdrawn: 1 } });
    expect(audits.filter((a) => a.action === 'enrollment.result' && c.enrollments.includes(a.entityId))).toHaveLength(3);
    expect(audits.find((a) => a.action === 'enrollment.result' && a.entityId === e1)).toMatchObject({
      before: { status: 'ENROLLED', attendanceRateBp: null, score: null },
      after: { status: 'FAILED', attendanceRateBp: 7500, score: '88.00', reasons: ['ATTENDANCE_BELOW_MINIMUM'] },
    });
    expect(audits.find((a) => a.action === 'certificate.issue' && a.entityId === cert!.id)).toBeDefined();
    const events = await prisma.outboxEvent.findMany({ where: { type: 'class.completed', aggregateId: c.id } });
    expect(events.map((e) => e.payload)).toEqual([{ classId: c.id, completed: 1, failed: 1, withdrawn: 1, certificatesIssued: 1 }]);
  });

  it('serials run on per region and year: the next class in 141002 continues, Bayannur and 2027 start at 1', async () => {
    const a = await classWith([4, 4]);
    const r = await completeClass(
      prisma,
      signing,
      staff,
      { classId: a.id, results: a.enrollments.map((enrollmentId) => ({ enrollmentId, outcome: 'PASSED' as const })) },
      NOW,
    );
    expect(r.trainees.map((t) => t.certificateNumber)).toEqual(['JY-141002-2026-000002', 'JY-141002-2026-000003']);

    const b = await classWith([4], { regionCode: '150802', by: staffBayannur });
    const rb = await completeClass(prisma, signing, staffBayannur, { classId: b.id, results: [{ enrollmentId: b.enrollments[0]!, outcome: 'PASSED' }] }, NOW);
    expect(rb.trainees[0]!.certificateNumber).toBe('JY-150802-2026-000001');

    // 2026-12-31 17:30 UTC is already 2027-01-01 in Beijing.
    const late = await classWith([4]);
    const rl = await completeClass(
      prisma,
      signing,
      staff,
      { classId: late.id, results: [{ enrollmentId: late.enrollments[0]!, outcome: 'PASSED' }] },
      new Date('2026-12-31T17:30:00Z'),
    );
    expect([rl.issuedOn, rl.trainees[0]!.certificateNumber]).toEqual(['2027-01-01', 'JY-141002-2027-000001']);
  });

  it('the minimum is policy data: an active 141000 policy of 70% makes 75% attendance enough', async () => {
    const policy = await prisma.subsidyPolicy.create({
      data: {
        code: 'TEST-TRAINING-70',
        version: 1,
        name: '测试:出勤率70%',
        regionCode: '141000',
        kind: 'TRAINING',
        effectiveFrom: new Date('2026-01-01T00:00:00Z'),
        rules: { minAttendanceRateBp: 7000 },
        status: 'ACTIVE',
      },
    });
    try {
      const c = await classWith([3]);
      const r = await completeClass(prisma, signing, staff, { classId: c.id, results: [{ enrollmentId: c.enrollments[0]!, outcome: 'PASSED' }] }, NOW);
      expect([r.minAttendanceRateBp, r.trainees[0]!.attendanceRateBp, r.trainees[0]!.status]).toEqual([7000, 7500, 'COMPLETED']);
    } finally {
      await prisma.subsidyPolicy.delete({ where: { id: policy.id } });
    }
  });

  it('a bad result row leaves everything as it was', async () => {
    const c = await classWith([4, 4]);
    const serialBefore = await prisma.serialCounter.findMany({ orderBy: { key: 'asc' } });
    const auditsBefore = await prisma.auditLog.count();
    const eventsBefore = await prisma.outboxEvent.count();
    const cases: Array<[CompletionResultInput[], string]> = [
      [[{ enrollmentId: c.enrollments[0]!, outcome: 'PASSED' }], 'Enrollment 学员'],
      [
        [
          { enrollmentId: c.enrollments[0]!, outcome: 'PASSED' },
          { enrollmentId: c.enrollments[1]!, outcome: 'PASSED', score: 100.5 },
        ],
        'Row 2',
      ],
      [
        [
          { enrollmentId: c.enrollments[0]!, outcome: 'PASSED' },
          { enrollmentId: c.enrollments[1]!, outcome: 'PASSED' },
          { enrollmentId: 'not-an-id', outcome: 'FAILED' },
        ],
        'Row 3: the enrollment is not in this class',
      ],
    ];
    for (const [results, message] of cases) {
      const e = await rejects(completeClass(prisma, signing, staff, { classId: c.id, results }, NOW));
      expect(e.code).toBe('VALIDATION');
      expect(e.message).toContain(message);
    }
    expect((await prisma.trainingClass.findUniqueOrThrow({ where: { id: c.id } })).status).toBe('IN_PROGRESS');
    expect((await prisma.enrollment.findMany({ where: { classId: c.id } })).map((e) => [e.status, e.attendanceRateBp, e.completedAt])).toEqual([
      ['ENROLLED', null, null],
      ['ENROLLED', null, null],
    ]);
    expect(await prisma.attendanceSession.count({ where: { classId: c.id, closedAt: { not: null } } })).toBe(0);
    expect(await prisma.certificate.count({ where: { enrollmentId: { in: c.enrollments } } })).toBe(0);
    expect(await prisma.serialCounter.findMany({ orderBy: { key: 'asc' } })).toEqual(serialBefore);
    expect(await prisma.auditLog.count()).toBe(auditsBefore);
    expect(await prisma.outboxEvent.count()).toBe(eventsBefore);
  });

  it('a second completion is an invalid transition and changes nothing', async () => {
    const c = await classWith([4]);
    const results: CompletionResultInput[] = [{ enrollmentId: c.enrollments[0]!, outcome: 'PASSED' }];
    await completeClass(prisma, signing, staff, { classId: c.id, results }, NOW);
    const e = await rejects(completeClass(prisma, signing, staff, { classId: c.id, results }, NOW));
    expect(e.code).toBe('INVALID_TRANSITION');
    expect(await prisma.certificate.count({ where: { enrollmentId: c.enrollments[0]! } })).toBe(1);
  });

  it('only the institution of the class completes it', async () => {
    const c = await classWith([4]);
    const results: CompletionResultInput[] = [{ enrollmentId: c.enrollments[0]!, outcome: 'PASSED' }];
    expect((await rejects(completeClass(prisma, signing, staffBayannur, { classId: c.id, results }))).code).toBe('NOT_FOUND');
    const bureau: Actor = { ...staff, roles: [{ role: 'BUREAU_OFFICER', regionCode: '141000', organizationId: null, personId: null, canViewIdNumbers: false }] };
    expect((await rejects(completeClass(prisma, signing, bureau, { classId: c.id, results }))).code).toBe('FORBIDDEN');
    expect((await prisma.trainingClass.findUniqueOrThrow({ where: { id: c.id } })).status).toBe('IN_PROGRESS');
  });

  it('keeps a certificate already issued for an enrollment (unique per enrollment and kind) without using a serial', async () => {
    const c = await classWith([4, 4]);
    const [e1, e2] = c.enrollments as [string, string];
    const e1Row = await prisma.enrollment.findUniqueOrThrow({ where: { id: e1 } });
    await prisma.certificate.create({
      data: {
        number: 'JY-141002-2026-900000',
        kind: 'TRAINING_COMPLETION',
        personId: e1Row.personId,
        issuerId: inst,
        issuedOn: new Date('2026-11-29T00:00:00Z'),
        verifyToken: newVerifyToken(),
        enrollmentId: e1,
      },
    });
    const before = (await prisma.serialCounter.findUnique({ where: { key: 'completion:141002:2026' } }))?.value ?? 0;
    const r = await completeClass(
      prisma,
      signing,
      staff,
      { classId: c.id, results: [{ enrollmentId: e1, outcome: 'PASSED' }, { enrollmentId: e2, outcome: 'PASSED' }] },
      NOW,
    );
    expect(r.certificatesIssued).toBe(1);
    expect(r.trainees.map((t) => t.certificateNumber)).toEqual(['JY-141002-2026-900000', `JY-141002-2026-${String(before + 1).padStart(6, '0')}`]);
    expect((await prisma.serialCounter.findUniqueOrThrow({ where: { key: 'completion:141002:2026' } })).value).toBe(before + 1);
  });

  it('a trainee withdrawn while the class ran needs the result WITHDRAWN', async () => {
    const c = await classWith([4, 1]);
    const [e1, e2] = c.enrollments as [string, string];
    await prisma.enrollment.update({ where: { id: e2 }, data: { status: 'WITHDRAWN' } });
    const e = await rejects(
      completeClass(prisma, signing, staff, { classId: c.id, results: [{ enrollmentId: e1, outcome: 'PASSED' }, { enrollmentId: e2, outcome: 'FAILED' }] }, NOW),
    );
    expect(e.details).toMatchObject({ field: 'outcome', row: 2 });
    const r = await completeClass(
      prisma,
      signing,
      staff,
      { classId: c.id, results: [{ enrollmentId: e1, outcome: 'PASSED' }, { enrollmentId: e2, outcome: 'WITHDRAWN' }] },
      NOW,
    );
    expect(r.trainees.map((t) => [t.status, t.attendanceRateBp])).toEqual([
      ['COMPLETED', 10_000],
      ['WITHDRAWN', 2500],
    ]);
  });

  it('a class with no sessions gives everyone 0%: they fail on attendance', async () => {
    seq += 1;
    const c = await prisma.trainingClass.create({
      data: {
        code: `PX-C-${seq}`,
        name: '无课次班',
        institutionId: inst,
        regionCode: '141002',
        occupationId,
        trainingType: 'EMPLOYMENT_SKILLS',
        status: 'IN_PROGRESS',
        plannedHours: 8,
        startDate: new Date('2026-11-01T00:00:00Z'),
        endDate: new Date('2026-11-30T00:00:00Z'),
        venue: '301',
        capacity: 40,
      },
    });
    const p = await prisma.person.create({
      data: {
        name: '无课学员',
        idNumberCipher: 'x',
        idNumberHash: randomUUID().replace(/-/g, '').padEnd(64, '2'),
        idNumberMasked: '141002********0000',
        birthDate: new Date('1990-01-01T00:00:00Z'),
        sex: 'MALE',
        originRegionCode: '141002',
      },
    });
    const e = await prisma.enrollment.create({ data: { classId: c.id, personId: p.id } });
    const r = await completeClass(prisma, signing, staff, { classId: c.id, results: [{ enrollmentId: e.id, outcome: 'PASSED' }] }, NOW);
    expect(r.trainees.map((t) => [t.status, t.attendanceRateBp, t.reasons])).toEqual([['FAILED', 0, ['ATTENDANCE_BELOW_MINIMUM']]]);
  });
});
