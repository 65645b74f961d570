import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFixtures, startTestApi, type Fixtures, type TestApi } from './testing.ts';

/**
 * Attendance and completion through the API. Fixtures: class A of institution1 (尧都区 141002,
 * 2026-11-01 to 2026-11-30, IN_PROGRESS) with trainee A; tests add trainees and classes with
 * Prisma directly and drive sessions, attendance and completion through GraphQL. The API runs on the
 * real clock, after November 2026: the November classes are late filings (备案补录) the bureau
 * acknowledged, which the institution may enter within their dates; the calendar tests use a class
 * around today.
 */
let api: TestApi;
let fx: Fixtures;
const tokens: Record<string, string> = {};
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

beforeAll(async () => {
  api = await startTestApi('attendance');
  fx = await createFixtures(api.prisma, api.config);
  for (const u of ['institution1', 'institution2', 'yaodu.bureau', 'xiangfen.bureau', 'trainee.a']) tokens[u] = await api.login(u);
  await api.prisma.trainingClass.update({ where: { id: fx.classA }, data: LATE_FILING });
});

const LATE_FILING = { lateFilingReason: '系统升级期间无法备案,线下已报备,现补录', lateFilingAcknowledgedAt: new Date('2026-12-01T09:00:00+08:00') };
afterAll(async () => {
  await api?.stop();
});

const ERR = '... on DomainError { code message messageZh field row }';
type R = Record<string, unknown>;

const ADD_SESSION = `mutation($input: AddAttendanceSessionInput!) { addAttendanceSession(input: $input) {
  __typename ... on AttendanceSession { id date startsAt endsAt minutes topic } ${ERR} } }`;
const RECORD = `mutation($input: RecordAttendanceInput!) { recordAttendance(input: $input) {
  __typename ... on RecordAttendancePayload { created updated unchanged session { id presentCount } } ${ERR} } }`;
const COMPLETE = `mutation($input: CompleteClassInput!) { completeClass(input: $input) {
  __typename ... on CompleteClassPayload { completed failed withdrawn certificatesIssued minAttendanceRate totalMinutes issuedOn
    class { status }
    trainees { enrollmentId outcome status attendedMinutes attendanceRate score reasons reason reasonZh certificateNumber } }
  ${ERR} } }`;
// Two queries, small pages: the API prices a query by its shape (graphql-armor cost limit).
const CLASS_SESSIONS = `query($id: ID!) { node(id: $id) { ... on TrainingClass { status
  sessions(first: 10) { edges { node { id date minutes closedAt presentCount } } } } } }`;
const CLASS_ENROLLMENTS = `query($id: ID!) { node(id: $id) { ... on TrainingClass {
  enrollments(first: 10) { edges { node { id status attendedMinutes attendanceRateLive attendanceRate
    result { status attendanceRate score completedAt } completionCertificate { number issuedOn } } } } } } }`;

let seq = 0;
async function person(name: string) {
  seq += 1;
  return api.prisma.person.create({
    data: {
      name,
      idNumberCipher: 'not-used-here',
      idNumberHash: randomUUID().replace(/-/g, '').padEnd(64, '0'),
      idNumberMasked: `141002********${String(seq).padStart(4, '0')}`,
      birthDate: new Date('1992-03-04T00:00:00Z'),
      sex: 'FEMALE',
      originRegionCode: '141002',
    },
  });
}

/** A running class of `institutionId` (Nov 2026) with the given persons enrolled; returns ids. */
async function makeClass(institutionId: string, personIds: string[]) {
  seq += 1;
  const occupation = await api.prisma.occupation.findFirstOrThrow();
  const institution = await api.prisma.organization.findUniqueOrThrow({ where: { id: institutionId } });
  const c = await api.prisma.trainingClass.create({
    data: {
      code: `PX-${institution.regionCode}-9${String(seq).padStart(3, '0')}`,
      name: `考勤测试班${seq}`,
      institutionId,
      regionCode: institution.regionCode,
      occupationId: occupation.id,
      level: 'LEVEL_4',
      trainingType: 'EMPLOYMENT_SKILLS',
      status: 'IN_PROGRESS',
      plannedHours: 40,
      startDate: new Date('2026-11-01T00:00:00Z'),
      endDate: new Date('2026-11-30T00:00:00Z'),
      venue: '实训楼 101',
      capacity: 40,
      ...LATE_FILING,
    },
  });
  const enrollments: string[] = [];
  for (const personId of personIds) {
    enrollments.push((await api.prisma.enrollment.create({ data: { classId: c.id, personId } })).id);
  }
  return { id: c.id, enrollments };
}

const session = (classId: string, day: string, from: string, to: string, extra: Record<string, unknown> = {}) => ({
  classId: gid('TrainingClass', classId),
  date: day,
  startsAt: `${day}T${from}:00+08:00`,
  endsAt: `${day}T${to}:00+08:00`,
  ...extra,
});

async function addSession(user: string, input: Record<string, unknown>) {
  const r = await api.gql<{ addAttendanceSession: Record<string, unknown> & { __typename: string } }>(ADD_SESSION, { input }, tokens[user]);
  expect(r.errors).toBeUndefined();
  return r.data!.addAttendanceSession;
}

async function record(user: string, sessionId: string, records: Array<Record<string, unknown>>) {
  const r = await api.gql<{ recordAttendance: Record<string, unknown> & { __typename: string } }>(
    RECORD,
    { input: { sessionId, records } },
    tokens[user],
  );
  expect(r.errors).toBeUndefined();
  return r.data!.recordAttendance;
}

async function complete(user: string, classId: string, results: Array<Record<string, unknown>>) {
  const r = await api.gql<{ completeClass: Record<string, unknown> & { __typename: string } }>(
    COMPLETE,
    { input: { classId: gid('TrainingClass', classId), results } },
    tokens[user],
  );
  expect(r.errors).toBeUndefined();
  return r.data!.completeClass;
}

interface ClassView {
  status: string;
  sessions: { edges: Array<{ node: { id: string; date: string; minutes: number; closedAt: string | null; presentCount: number } }> };
  enrollments: {
    edges: Array<{
      node: {
        id: string;
        status: string;
        attendedMinutes: number;
        attendanceRateLive: number;
        attendanceRate: number | null;
        result: { status: string; attendanceRate: number; score: number | null; completedAt: string } | null;
        completionCertificate: { number: string; issuedOn: string } | null;
      };
    }>;
  };
}

async function view(classId: string, user = 'institution1'): Promise<ClassView> {
  const sessions = await api.gql<{ node: Pick<ClassView, 'status' | 'sessions'> }>(CLASS_SESSIONS, { id: gid('TrainingClass', classId) }, tokens[user]);
  const enrollments = await api.gql<{ node: Pick<ClassView, 'enrollments'> }>(CLASS_ENROLLMENTS, { id: gid('TrainingClass', classId) }, tokens[user]);
  expect(sessions.errors).toBeUndefined();
  expect(enrollments.errors).toBeUndefined();
  return { ...sessions.data!.node, ...enrollments.data!.node };
}

/** 4 sessions of 120 minutes; `present[i]` = how many of them trainee i attends (the first ones). */
async function runSessions(classId: string, enrollments: string[], present: number[]) {
  const ids: string[] = [];
  for (const [n, day] of ['2026-11-09', '2026-11-10', '2026-11-11', '2026-11-12'].entries()) {
    const s = await addSession('institution1', session(classId, day, '14:00', '16:00', { topic: `第${n + 1}讲` }));
    expect(s).toMatchObject({ __typename: 'AttendanceSession', minutes: 120, date: day });
    ids.push(s.id as string);
    const r = await record(
      'institution1',
      s.id as string,
      enrollments.map((e, i) =>
        i === 0
          ? { enrollmentId: gid('Enrollment', e), present: n < present[i]!, method: 'FACE', evidenceRef: `face-${day}-${i}` }
          : { enrollmentId: gid('Enrollment', e), present: n < present[i]! },
      ),
    );
    expect(r).toMatchObject({ __typename: 'RecordAttendancePayload', created: enrollments.length, updated: 0, unchanged: 0 });
  }
  return ids;
}

describe('attendance drives completion (class A of institution1)', () => {
  let enrollments: string[];
  beforeAll(async () => {
    const a = await api.prisma.enrollment.findFirstOrThrow({ where: { classId: fx.classA, personId: fx.personA } });
    const second = await api.prisma.enrollment.create({ data: { classId: fx.classA, personId: (await person('赵敏')).id } });
    const third = await api.prisma.enrollment.create({ data: { classId: fx.classA, personId: (await person('钱芳')).id } });
    enrollments = [a.id, second.id, third.id];
  });

  it('4 sessions of 120 minutes: present at 3 → 75%, at 4 → 100%, at 1 → 25%, live', async () => {
    await runSessions(fx.classA, enrollments, [3, 4, 1]);
    const v = await view(fx.classA);
    expect(v.sessions.edges.map((e) => [e.node.date, e.node.minutes, e.node.presentCount, e.node.closedAt])).toEqual([
      ['2026-11-09', 120, 3, null],
      ['2026-11-10', 120, 2, null],
      ['2026-11-11', 120, 2, null],
      ['2026-11-12', 120, 1, null],
    ]);
    const byId = new Map(v.enrollments.edges.map((e) => [rawId(e.node.id), e.node]));
    expect(enrollments.map((id) => [byId.get(id)?.attendedMinutes, byId.get(id)?.attendanceRateLive, byId.get(id)?.result])).toEqual([
      [360, 0.75, null],
      [480, 1, null],
      [120, 0.25, null],
    ]);
  });

  it('re-recording is idempotent and a correction updates', async () => {
    const v = await view(fx.classA);
    const last = v.sessions.edges[3]!.node.id;
    const again = await record('institution1', last, [
      { enrollmentId: gid('Enrollment', enrollments[1]!), present: true },
      { enrollmentId: gid('Enrollment', enrollments[2]!), present: false },
    ]);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    const fix = await record('institution1', last, [{ enrollmentId: gid('Enrollment', enrollments[2]!), present: true }]);
    expect(fix).toMatchObject({ created: 0, updated: 1, unchanged: 0, session: { presentCount: 2 } });
    const undo = await record('institution1', last, [{ enrollmentId: gid('Enrollment', enrollments[2]!), present: false }]);
    expect(undo).toMatchObject({ updated: 1, session: { presentCount: 1 } });
  });

  it('FACE without evidence is rejected, naming the row; nothing is written', async () => {
    const before = await api.prisma.attendanceRecord.count();
    const s = (await view(fx.classA)).sessions.edges[0]!.node.id;
    const r = await record('institution1', s, [
      { enrollmentId: gid('Enrollment', enrollments[1]!), present: false },
      { enrollmentId: gid('Enrollment', enrollments[2]!), present: true, method: 'FACE' },
    ]);
    expect(r).toMatchObject({ __typename: 'DomainError', code: 'VALIDATION', field: 'evidenceRef', row: 2 });
    expect(r.messageZh).toMatch(/人脸识别签到须附签到凭证编号/);
    expect(await api.prisma.attendanceRecord.count()).toBe(before);
    expect((await view(fx.classA)).sessions.edges[0]!.node.presentCount).toBe(3);
  });

  it("recording another class's enrollment is rejected", async () => {
    const b = await api.prisma.enrollment.findFirstOrThrow({ where: { classId: fx.classB } });
    const s = (await view(fx.classA)).sessions.edges[0]!.node.id;
    const r = await record('institution1', s, [{ enrollmentId: gid('Enrollment', b.id), present: true }]);
    expect(r).toMatchObject({ __typename: 'DomainError', code: 'VALIDATION', field: 'enrollmentId', row: 1 });
    expect(await api.prisma.attendanceRecord.count({ where: { enrollmentId: b.id } })).toBe(0);
  });

  it('institution2 and a bureau cannot record attendance or add sessions for institution1, and nothing is written', async () => {
    const s = (await view(fx.classA)).sessions.edges[0]!.node.id;
    const before = await api.prisma.attendanceRecord.findMany({ orderBy: { id: 'asc' } });
    const records = [{ enrollmentId: gid('Enrollment', enrollments[2]!), present: true }];
    expect(await record('institution2', s, records)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await record('yaodu.bureau', s, records)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await record('trainee.a', s, records)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await addSession('institution2', session(fx.classA, '2026-11-20', '09:00', '10:00'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await addSession('yaodu.bureau', session(fx.classA, '2026-11-20', '09:00', '10:00'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await api.prisma.attendanceRecord.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
    expect(await api.prisma.attendanceSession.count({ where: { classId: fx.classA } })).toBe(4);
  });

  it('sessions are seen through their class: the bureau reads them, institution2 does not, a trainee sees only their own record', async () => {
    const s = (await view(fx.classA)).sessions.edges[0]!.node.id;
    const q = `query($id: ID!) { node(id: $id) { ... on AttendanceSession { minutes records(first: 10) { edges { node { present method evidenceRef enrollment { id } } } } } } }`;
    const bureau = await api.gql<{ node: { records: { edges: unknown[] } } | null }>(q, { id: s }, tokens['yaodu.bureau']);
    expect(bureau.data?.node?.records.edges).toHaveLength(3);
    const other = await api.gql<{ node: unknown }>(q, { id: s }, tokens['institution2']);
    expect(other.data?.node).toBeNull();
    const trainee = await api.gql<{ node: { records: { edges: Array<{ node: { method: string; evidenceRef: string; enrollment: { id: string } } }> } } }>(
      q,
      { id: s },
      tokens['trainee.a'],
    );
    expect(trainee.data?.node.records.edges.map((e) => [rawId(e.node.enrollment.id), e.node.method, e.node.evidenceRef])).toEqual([
      [enrollments[0], 'FACE', 'face-2026-11-09-0'],
    ]);
  });

  it('a missing result leaves everything unchanged', async () => {
    const audits = await api.prisma.auditLog.count();
    const r = await complete('institution1', fx.classA, [
      { enrollmentId: gid('Enrollment', enrollments[0]!), outcome: 'PASSED', score: 88 },
      { enrollmentId: gid('Enrollment', enrollments[1]!), outcome: 'PASSED', score: 92.5 },
    ]);
    expect(r).toMatchObject({ __typename: 'DomainError', code: 'VALIDATION', field: 'results' });
    expect(r.message).toBe('Enrollment 钱芳 has no result');
    expect(r.messageZh).toBe('报名记录钱芳没有结业结果');
    const v = await view(fx.classA);
    expect(v.status).toBe('IN_PROGRESS');
    expect(v.sessions.edges.every((e) => e.node.closedAt === null)).toBe(true);
    expect(v.enrollments.edges.map((e) => [e.node.status, e.node.result, e.node.completionCertificate])).toEqual([
      ['ENROLLED', null, null],
      ['ENROLLED', null, null],
      ['ENROLLED', null, null],
    ]);
    expect(await api.prisma.certificate.count()).toBe(0);
    expect(await api.prisma.serialCounter.count({ where: { key: { startsWith: 'completion:' } } })).toBe(0);
    expect(await api.prisma.auditLog.count()).toBe(audits);
  });

  it('completes: 75% fails under the default 80%, 100% completes with JY-141002-2026-000001, the third withdrew', async () => {
    const r = await complete('institution1', fx.classA, [
      { enrollmentId: gid('Enrollment', enrollments[2]!), outcome: 'WITHDRAWN' },
      { enrollmentId: gid('Enrollment', enrollments[0]!), outcome: 'PASSED', score: 88 },
      { enrollmentId: gid('Enrollment', enrollments[1]!), outcome: 'PASSED', score: 92.5 },
    ]);
    expect(r).toMatchObject({
      __typename: 'CompleteClassPayload',
      completed: 1,
      failed: 1,
      withdrawn: 1,
      certificatesIssued: 1,
      minAttendanceRate: 0.8,
      totalMinutes: 480,
      class: { status: 'COMPLETED' },
    });
    const trainees = r.trainees as Array<Record<string, unknown>>;
    expect(trainees.map((t) => [rawId(t.enrollmentId as string), t.status, t.attendedMinutes, t.attendanceRate, t.score, t.reasons, t.certificateNumber])).toEqual([
      [enrollments[0], 'FAILED', 360, 0.75, 88, ['ATTENDANCE_BELOW_MINIMUM'], null],
      [enrollments[1], 'COMPLETED', 480, 1, 92.5, [], 'JY-141002-2026-000001'],
      [enrollments[2], 'WITHDRAWN', 120, 0.25, null, [], null],
    ]);
    expect(trainees[0]).toMatchObject({ reason: 'Attendance 75.00% is below the required 80.00%', reasonZh: '出勤率75.00%低于政策要求的80.00%' });

    const v = await view(fx.classA);
    expect(v.status).toBe('COMPLETED');
    expect(v.sessions.edges.every((e) => e.node.closedAt !== null)).toBe(true);
    const byId = new Map(v.enrollments.edges.map((e) => [rawId(e.node.id), e.node]));
    const issuedOn = r.issuedOn as string;
    expect(enrollments.map((id) => {
      const e = byId.get(id)!;
      return [e.status, e.attendanceRate, e.result?.status, e.result?.score, e.completionCertificate];
    })).toEqual([
      ['FAILED', 0.75, 'FAILED', 88, null],
      ['COMPLETED', 1, 'COMPLETED', 92.5, { number: 'JY-141002-2026-000001', issuedOn }],
      ['WITHDRAWN', 0.25, 'WITHDRAWN', null, null],
    ]);

    const cert = await api.prisma.certificate.findFirstOrThrow({ where: { enrollmentId: enrollments[1]! } });
    expect(cert).toMatchObject({ kind: 'TRAINING_COMPLETION', issuerId: fx.institution1, level: 'LEVEL_4' });

    // Audited: the class, every enrollment and the certificate; one class.completed event.
    const user = await api.prisma.user.findUniqueOrThrow({ where: { username: 'institution1' } });
    const audits = await api.prisma.auditLog.findMany({ where: { actorUserId: user.id, action: { in: ['class.complete', 'enrollment.result', 'certificate.issue'] } } });
    expect(audits.filter((a) => a.action === 'class.complete').map((a) => [a.entityId, a.before, (a.after as { status: string }).status])).toEqual([
      [fx.classA, { status: 'IN_PROGRESS' }, 'COMPLETED'],
    ]);
    expect(audits.filter((a) => a.action === 'enrollment.result').map((a) => a.entityId).sort()).toEqual([...enrollments].sort());
    expect(audits.filter((a) => a.action === 'certificate.issue').map((a) => a.entityId)).toEqual([cert.id]);
    expect(await api.prisma.auditLog.count({ where: { action: 'attendance.session.add', actorUserId: user.id } })).toBe(4);
    expect(await api.prisma.outboxEvent.count({ where: { type: 'class.completed', aggregateId: fx.classA } })).toBe(1);
  });

  it('completing twice is an invalid transition; attendance is closed', async () => {
    const r = await complete('institution1', fx.classA, enrollments.map((e) => ({ enrollmentId: gid('Enrollment', e), outcome: 'PASSED' })));
    expect(r).toMatchObject({ __typename: 'DomainError', code: 'INVALID_TRANSITION' });
    expect(await api.prisma.certificate.count()).toBe(1);
    const s = (await view(fx.classA)).sessions.edges[0]!.node.id;
    const late = await record('institution1', s, [{ enrollmentId: gid('Enrollment', enrollments[0]!), present: true }]);
    expect(late).toMatchObject({ code: 'INVALID_TRANSITION', message: 'The class is completed: attendance is closed' });
    expect(await addSession('institution1', session(fx.classA, '2026-11-20', '09:00', '10:00'))).toMatchObject({ code: 'INVALID_TRANSITION' });
  });

  it('the bureau sees the hours delivered against the plan: 4 sessions of 2 hours of 80 planned', async () => {
    const q = `query($id: ID!) { node(id: $id) { ... on TrainingClass { status plannedHours deliveredHours shortfallHours } } }`;
    const r = await api.gql<{ node: R }>(q, { id: gid('TrainingClass', fx.classA) }, tokens['yaodu.bureau']);
    expect(r.errors).toBeUndefined();
    expect(r.data?.node).toEqual({ status: 'COMPLETED', plannedHours: 80, deliveredHours: 8, shortfallHours: 72 });
  });
});

describe('the minimum attendance rate is policy data', () => {
  it('with an active 141000 policy of 70%, a trainee present at 3 of 4 sessions completes', async () => {
    const policy = await api.prisma.subsidyPolicy.create({
      data: {
        code: 'TEST-LF-TRAINING',
        version: 9,
        name: '测试:出勤率不低于70%',
        regionCode: '141000',
        kind: 'TRAINING',
        effectiveFrom: new Date('2026-01-01T00:00:00Z'),
        rules: { minAttendanceRateBp: 7000 },
        status: 'ACTIVE',
      },
    });
    try {
      const c = await makeClass(fx.institution1, [(await person('孙丽')).id, (await person('周强')).id]);
      await runSessions(c.id, c.enrollments, [3, 2]);
      const r = await complete('institution1', c.id, [
        { enrollmentId: gid('Enrollment', c.enrollments[0]!), outcome: 'PASSED', score: 75 },
        { enrollmentId: gid('Enrollment', c.enrollments[1]!), outcome: 'PASSED', score: 80 },
      ]);
      expect(r).toMatchObject({ minAttendanceRate: 0.7, completed: 1, failed: 1 });
      expect((r.trainees as Array<Record<string, unknown>>).map((t) => [t.status, t.attendanceRate, t.certificateNumber])).toEqual([
        ['COMPLETED', 0.75, 'JY-141002-2026-000002'],
        ['FAILED', 0.5, null],
      ]);
    } finally {
      await api.prisma.subsidyPolicy.delete({ where: { id: policy.id } });
    }
  });
});

describe('schedules', () => {
  it('rejects overlapping sessions in one class; back to back is fine', async () => {
    const c = await makeClass(fx.institution1, [(await person('吴刚')).id]);
    expect(await addSession('institution1', session(c.id, '2026-11-16', '09:00', '11:00'))).toMatchObject({ __typename: 'AttendanceSession' });
    const clash = await addSession('institution1', session(c.id, '2026-11-16', '10:00', '12:00'));
    expect(clash).toMatchObject({ __typename: 'DomainError', code: 'SCHEDULE_CONFLICT' });
    expect(clash.messageZh).toBe('与本班已有课次(2026-11-16 09:00–11:00)时间重叠');
    expect(await addSession('institution1', session(c.id, '2026-11-16', '11:00', '12:00'))).toMatchObject({ minutes: 60 });
  });

  it('rejects a session when trainees already have a session of another class at that time, naming how many', async () => {
    const [p1, p2, p3] = [await person('郑一'), await person('王二'), await person('冯三')];
    const theirs = await makeClass(fx.institution2, [p1.id, p2.id]);
    const mine = await makeClass(fx.institution1, [p1.id, p2.id, p3.id]);
    expect(await addSession('institution2', session(theirs.id, '2026-11-17', '08:30', '11:30'))).toMatchObject({ __typename: 'AttendanceSession' });
    const r = await addSession('institution1', session(mine.id, '2026-11-17', '10:00', '12:00'));
    expect(r).toMatchObject({ __typename: 'DomainError', code: 'SCHEDULE_CONFLICT', field: 'startsAt' });
    expect(r.message).toBe('2 trainee(s) of this class have a session of another class at this time');
    expect(r.messageZh).toBe('本班有2名学员在此时间已有其他培训班的课次');
    expect(await api.prisma.attendanceSession.count({ where: { classId: mine.id } })).toBe(0);
    expect(await addSession('institution1', session(mine.id, '2026-11-17', '11:30', '12:30'))).toMatchObject({ __typename: 'AttendanceSession' });
  });

  it('checks dates and times: outside the class period, not the same Beijing date, over 8 hours', async () => {
    const c = await makeClass(fx.institution1, []);
    expect(await addSession('institution1', session(c.id, '2026-12-01', '09:00', '11:00'))).toMatchObject({ code: 'VALIDATION', field: 'date' });
    expect(
      await addSession('institution1', { ...session(c.id, '2026-11-18', '09:00', '11:00'), startsAt: '2026-11-17T15:00:00Z' }),
    ).toMatchObject({ code: 'VALIDATION', field: 'startsAt' }); // 2026-11-17 23:00 in Beijing
    expect(await addSession('institution1', session(c.id, '2026-11-18', '08:00', '17:00'))).toMatchObject({ code: 'VALIDATION', field: 'minutes' });
    expect(await addSession('institution1', session(c.id, '2026-11-18', '08:00', '17:00', { minutes: 420 }))).toMatchObject({ minutes: 420 });
  });

  it('rejects malformed input before the resolver', async () => {
    const bad = await api.gql(ADD_SESSION, { input: { ...session(fx.classA, '2026-11-18', '09:00', '11:00'), date: '2026/11/18' } }, tokens['institution1']);
    expect(bad.data?.addAttendanceSession ?? bad.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'date' });
    const noOffset = await api.gql(ADD_SESSION, { input: { ...session(fx.classA, '2026-11-18', '09:00', '11:00'), startsAt: '2026-11-18T09:00:00' } }, tokens['institution1']);
    expect(noOffset.data?.addAttendanceSession).toMatchObject({ code: 'VALIDATION', field: 'startsAt', message: expect.stringMatching(/startsAt: must be ISO 8601 with an offset/) });
    const tooMany = await api.gql(
      RECORD,
      { input: { sessionId: gid('AttendanceSession', randomUUID()), records: Array.from({ length: 1001 }, () => ({ enrollmentId: gid('Enrollment', randomUUID()), present: true })) } },
      tokens['institution1'],
    );
    expect(tooMany.data?.recordAttendance ?? tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'records' });
  });
});

describe('dates cannot lie: a class running around today', () => {
  /** The Beijing calendar date `offset` days from now. */
  const day = (offset: number) => new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
  const REASON = '机构漏录昨日课次,已核对纸质签到表和教学日志';
  const CORRECT_SESSION = `mutation($input: CorrectAttendanceSessionInput!) { correctAttendanceSession(input: $input) {
    __typename ... on AttendanceSession { id date minutes } ${ERR} } }`;
  const CORRECT = `mutation($input: CorrectAttendanceInput!) { correctAttendance(input: $input) {
    __typename ... on RecordAttendancePayload { created updated unchanged } ${ERR} } }`;
  let classId: string;
  let enrollmentId: string;

  beforeAll(async () => {
    const c = await makeClass(fx.institution1, [(await person('陈静')).id]);
    await api.prisma.trainingClass.update({
      where: { id: c.id },
      data: { startDate: new Date(`${day(-10)}T00:00:00Z`), endDate: new Date(`${day(20)}T00:00:00Z`), lateFilingReason: null, lateFilingAcknowledgedAt: null },
    });
    classId = c.id;
    enrollmentId = c.enrollments[0]!;
  });

  async function mutate(doc: string, field: string, input: R, user: string) {
    const r = await api.gql<Record<string, R>>(doc, { input }, tokens[user]);
    expect(r.errors).toBeUndefined();
    return r.data![field]!;
  }

  it('the institution cannot add a session dated yesterday', async () => {
    const r = await addSession('institution1', session(classId, day(-1), '09:00', '11:00'));
    expect(r).toMatchObject({ __typename: 'DomainError', code: 'VALIDATION', field: 'date' });
    expect(r.message).toContain('bureau correction');
    expect(await api.prisma.attendanceSession.count({ where: { classId } })).toBe(0);
  });

  it("attendance for next week's session is refused", async () => {
    const s = await addSession('institution1', session(classId, day(7), '09:00', '11:00'));
    expect(s).toMatchObject({ __typename: 'AttendanceSession', date: day(7) });
    const r = await record('institution1', s.id as string, [{ enrollmentId: gid('Enrollment', enrollmentId), present: true }]);
    expect(r).toMatchObject({ __typename: 'DomainError', code: 'VALIDATION', field: 'sessionId' });
    expect(r.messageZh).toContain('尚未开始');
    expect(await api.prisma.attendanceRecord.count({ where: { sessionId: rawId(s.id as string) } })).toBe(0);
  });

  it('yesterday is entered as a bureau correction: not by the institution, not by a bureau elsewhere, audited with the reason', async () => {
    const input = { ...session(classId, day(-1), '09:00', '11:00'), reason: REASON };
    expect(await mutate(CORRECT_SESSION, 'correctAttendanceSession', input, 'institution1')).toMatchObject({ code: 'FORBIDDEN' });
    expect(await mutate(CORRECT_SESSION, 'correctAttendanceSession', input, 'xiangfen.bureau')).toMatchObject({ code: 'NOT_FOUND' });
    expect(await mutate(CORRECT_SESSION, 'correctAttendanceSession', { ...input, reason: '补录' }, 'yaodu.bureau')).toMatchObject({
      code: 'VALIDATION',
      field: 'reason',
    });
    const s = await mutate(CORRECT_SESSION, 'correctAttendanceSession', input, 'yaodu.bureau');
    expect(s).toMatchObject({ __typename: 'AttendanceSession', date: day(-1), minutes: 120 });

    const records = [{ enrollmentId: gid('Enrollment', enrollmentId), present: true }];
    expect(await record('institution1', s.id as string, records)).toMatchObject({ code: 'VALIDATION', field: 'sessionId' });
    expect(await mutate(CORRECT, 'correctAttendance', { sessionId: s.id, records, reason: REASON }, 'institution1')).toMatchObject({ code: 'FORBIDDEN' });
    expect(await mutate(CORRECT, 'correctAttendance', { sessionId: s.id, records, reason: REASON }, 'yaodu.bureau')).toMatchObject({
      __typename: 'RecordAttendancePayload',
      created: 1,
    });
    const officer = await api.prisma.user.findUniqueOrThrow({ where: { username: 'yaodu.bureau' } });
    const rows = await api.prisma.auditLog.findMany({ where: { entityId: rawId(s.id as string) }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.action, r.actorUserId, (r.after as R).reason])).toEqual([
      ['attendance.session.add.correction', officer.id, REASON],
      ['attendance.correct', officer.id, REASON],
    ]);
  });
});
