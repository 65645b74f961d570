import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { makeResidentId } from '@vtc/domain';
import { createFixtures, startTestApi, type Fixtures, type TestApi } from './testing.ts';

/** A class from draft to in progress through the API, by the right roles, with every bad input refused. */
let api: TestApi;
let fx: Fixtures;
const tokens: Record<string, string> = {};
let occupationGid: string;
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

beforeAll(async () => {
  api = await startTestApi('classes');
  fx = await createFixtures(api.prisma, api.config);
  const occ = await api.prisma.occupation.findUniqueOrThrow({ where: { code: '4-10-01-05' } });
  occupationGid = gid('Occupation', occ.id);
  await api.prisma.organizationOccupation.create({ data: { organizationId: fx.institution1, occupationId: occ.id, maxLevel: 'LEVEL_3' } });
  for (const u of ['institution1', 'institution2', 'yaodu.bureau', 'xiangfen.bureau', 'linfen.bureau', 'admin']) tokens[u] = await api.login(u);
});
afterAll(async () => {
  await api?.stop();
});

const CLASS_FIELDS = `__typename ... on TrainingClass { id classCode: number status rejectionReason allowedActions enrolledCount }
  ... on DomainError { code field message messageZh }`;
const FILE = `mutation($input: ClassInput!) { fileClass(input: $input) { ${CLASS_FIELDS} } }`;
const baseInput = () => ({
  name: '养老护理员(四级)就业技能培训班',
  occupationId: occupationGid,
  level: 'LEVEL_4',
  trainingType: 'EMPLOYMENT_SKILLS',
  mode: 'STANDARD',
  plannedHours: 80,
  startDate: '2026-12-01',
  endDate: '2026-12-20',
  venue: '尧都区解放路 18 号实训室',
  teachers: [{ name: '王老师', certificateNo: 'JS-2019-0031' }],
  capacity: 3,
  teachingPlan: '理论 30 学时,实操 50 学时',
  assessmentPlan: '理论考试 + 实操考核',
});

type R = Record<string, unknown>;
async function file(input: R, user = 'institution1') {
  const r = await api.gql<{ fileClass: R }>(FILE, { input }, tokens[user]);
  return r.data?.fileClass ?? { errors: r.errors };
}
async function act(action: string, id: string, user: string, reason?: string) {
  const args = reason === undefined ? '$id: ID!' : '$id: ID!, $reason: String!';
  const pass = reason === undefined ? 'id: $id' : 'id: $id, reason: $reason';
  const r = await api.gql<Record<string, R>>(`mutation(${args}) { ${action}Class(${pass}) { ${CLASS_FIELDS} } }`, { id, reason }, tokens[user]);
  return r.data?.[`${action}Class`] ?? { errors: r.errors };
}
const ENROLL = `mutation($classId: ID!, $trainee: TraineeInput!) { enrollTrainee(classId: $classId, trainee: $trainee) {
  __typename ... on EnrollPayload { personCreated enrollment { id status person { name idNumber } } }
  ... on DomainError { code field message messageZh } } }`;
async function enroll(classId: string, trainee: R, user = 'institution1') {
  const r = await api.gql<{ enrollTrainee: R }>(ENROLL, { classId, trainee }, tokens[user]);
  return r.data?.enrollTrainee ?? { errors: r.errors };
}

describe('filing a class', () => {
  it.each([
    [{ endDate: '2026-11-30' }, 'VALIDATION', 'endDate'],
    [{ startDate: '2026-02-30' }, 'VALIDATION', 'startDate'],
    [{ plannedHours: 200, endDate: '2026-12-05' }, 'VALIDATION', 'plannedHours'],
    [{ level: 'LEVEL_2' }, 'VALIDATION', 'level'],
    [{ level: 'LEVEL_3', endDate: '2026-12-20' }, null, null],
    [{ mode: 'ORDER_BASED' }, 'VALIDATION', 'trainingOrderId'],
  ])('%j → %s on %s', async (change, code, field) => {
    const before = await api.prisma.trainingClass.count();
    const r = await file({ ...baseInput(), ...change });
    if (code === null) {
      expect(r.__typename).toBe('TrainingClass');
      return;
    }
    expect(r).toMatchObject({ __typename: 'DomainError', code, field });
    expect(await api.prisma.trainingClass.count()).toBe(before);
  });

  it('refuses an occupation the institution is not qualified for', async () => {
    expect(await file(baseInput(), 'institution2')).toMatchObject({ code: 'INELIGIBLE', field: 'occupationId' });
  });

  it('refuses bureaus and malformed input before anything runs', async () => {
    expect(await file(baseInput(), 'yaodu.bureau')).toMatchObject({ code: 'FORBIDDEN' });
    expect(await file({ ...baseInput(), teachers: [] })).toMatchObject({ __typename: 'DomainError', code: 'VALIDATION', field: 'teachers' });
  });

  it('refuses names with bidirectional overrides or only invisible characters, and stores names in NFC', async () => {
    for (const name of ['养老护理员培训班\u202Egpj.exe', '\u200B\u200B\u200B', '\u2066培训班\u2069']) {
      expect(await file({ ...baseInput(), name })).toMatchObject({ __typename: 'DomainError', code: 'VALIDATION', field: 'name' });
    }
    const r = await file({ ...baseInput(), name: ' Cafe\u0301 养老护理员培训班 ' });
    expect(r).toMatchObject({ __typename: 'TrainingClass' });
    const id = Buffer.from(r.id as string, 'base64').toString().split(':')[1]!;
    expect((await api.prisma.trainingClass.findUniqueOrThrow({ where: { id } })).name).toBe('Caf\u00e9 养老护理员培训班');
  });
});

describe('the life cycle, by the right roles', () => {
  let classId: string;
  const idA = makeResidentId({ regionCode: '141002', birthDate: '1985-06-15', sequence: 411 });
  const idB = makeResidentId({ regionCode: '141023', birthDate: '1988-11-02', sequence: 246 }); // fixture 李娜

  it('files a DRAFT with a numbered code', async () => {
    const r = await file(baseInput());
    expect(r).toMatchObject({ __typename: 'TrainingClass', status: 'DRAFT', allowedActions: ['SUBMIT', 'CANCEL'] });
    expect(r.classCode).toMatch(/^PX-141002-2026-\d{4}$/);
    classId = r.id as string;
  });

  it('cannot be submitted without a roster', async () => {
    expect(await act('submit', classId, 'institution1')).toMatchObject({ code: 'VALIDATION', field: 'roster' });
  });

  it('enrolls real-name trainees, reusing a person known elsewhere', async () => {
    const a = await enroll(classId, { name: '赵建国', idNumber: idA, phone: '13912345678', householdType: '农村', priorityGroups: ['农民工'] });
    expect(a).toMatchObject({ __typename: 'EnrollPayload', personCreated: true, enrollment: { status: 'ENROLLED', person: { name: '赵建国' } } });
    expect((a.enrollment as { person: { idNumber: string } }).person.idNumber).toBe(`${idA.slice(0, 6)}********${idA.slice(14)}`);
    const b = await enroll(classId, { name: '李娜', idNumber: idB });
    expect(b).toMatchObject({ personCreated: false });
    expect(await api.prisma.person.count({ where: { name: '李娜' } })).toBe(1);
  });

  it.each([
    ['the same person twice', () => ({ name: '赵建国', idNumber: idA }), 'CONFLICT', 'idNumber'],
    ['an ID registered under another name', () => ({ name: '李四', idNumber: idA }), 'CONFLICT', 'name'],
    ['a wrong check digit', () => ({ name: '钱多多', idNumber: `${idA.slice(0, 17)}${idA[17] === '1' ? '2' : '1'}` }), 'INVALID_RESIDENT_ID', 'idNumber'],
    ['a woman over 55', () => ({ name: '孙秀英', idNumber: makeResidentId({ regionCode: '141002', birthDate: '1968-01-01', sequence: 222 }) }), 'INELIGIBLE', 'idNumber'],
    ['a 15-year-old', () => ({ name: '周小明', idNumber: makeResidentId({ regionCode: '141002', birthDate: '2011-06-01', sequence: 111 }) }), 'INELIGIBLE', 'idNumber'],
    ['a bad phone', () => ({ name: '吴刚', idNumber: makeResidentId({ regionCode: '141002', birthDate: '1990-01-01', sequence: 333 }), phone: '12345' }), 'VALIDATION', 'phone'],
    ['an unknown priority group', () => ({ name: '吴刚', idNumber: makeResidentId({ regionCode: '141002', birthDate: '1990-01-01', sequence: 333 }), priorityGroups: ['外星人'] }), 'VALIDATION', 'priorityGroups'],
  ])('refuses %s and writes nothing', async (_name, make, code, field) => {
    const persons = await api.prisma.person.count();
    const enrollments = await api.prisma.enrollment.count();
    expect(await enroll(classId, make())).toMatchObject({ __typename: 'DomainError', code, field });
    expect(await api.prisma.person.count()).toBe(persons);
    expect(await api.prisma.enrollment.count()).toBe(enrollments);
  });

  it('respects capacity', async () => {
    const c = await enroll(classId, { name: '郑和平', idNumber: makeResidentId({ regionCode: '141002', birthDate: '1992-03-03', sequence: 515 }) });
    expect(c.__typename).toBe('EnrollPayload');
    const d = await enroll(classId, { name: '冯雪', idNumber: makeResidentId({ regionCode: '141002', birthDate: '1993-04-04', sequence: 626 }) });
    expect(d).toMatchObject({ code: 'CAPACITY_EXCEEDED' });
  });

  it('another institution cannot see or change the class', async () => {
    expect(await enroll(classId, { name: '冯雪', idNumber: makeResidentId({ regionCode: '141023', birthDate: '1993-04-04', sequence: 626 }) }, 'institution2')).toMatchObject({ code: 'NOT_FOUND' });
    expect(await act('submit', classId, 'institution2')).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('submits; only a bureau covering the institution decides', async () => {
    expect(await act('submit', classId, 'institution1')).toMatchObject({ status: 'SUBMITTED' });
    expect(await act('approve', classId, 'institution1')).toMatchObject({ code: 'FORBIDDEN' });
    expect(await act('approve', classId, 'xiangfen.bureau')).toMatchObject({ code: 'NOT_FOUND' });
    expect(await enroll(classId, { name: '冯雪', idNumber: makeResidentId({ regionCode: '141002', birthDate: '1993-04-04', sequence: 626 }) })).toMatchObject({ code: 'INVALID_TRANSITION' });
  });

  it('a rejection needs a reason; the institution corrects and resubmits', async () => {
    expect(await act('reject', classId, 'yaodu.bureau', ' ')).toMatchObject({ __typename: 'DomainError', code: 'VALIDATION', field: 'reason' });
    expect(await act('reject', classId, 'yaodu.bureau', '教学计划缺少实操课时安排')).toMatchObject({ status: 'REJECTED', rejectionReason: '教学计划缺少实操课时安排' });
    expect(await act('submit', classId, 'institution1')).toMatchObject({ status: 'SUBMITTED', rejectionReason: null });
  });

  it('the city bureau approves; the institution starts; a running class cannot be cancelled or re-approved', async () => {
    expect(await act('approve', classId, 'linfen.bureau')).toMatchObject({ status: 'APPROVED' });
    expect(await act('approve', classId, 'linfen.bureau')).toMatchObject({ code: 'INVALID_TRANSITION' });
    expect(await act('start', classId, 'institution1')).toMatchObject({ status: 'IN_PROGRESS', allowedActions: ['COMPLETE'] });
    const r = await act('cancel', classId, 'institution1', '场地不可用');
    expect(r).toMatchObject({ code: 'INVALID_TRANSITION' });
    expect(r.messageZh).toMatch(/培训中/);
  });

  it('audits every transition with before and after', async () => {
    const id = Buffer.from(classId, 'base64').toString().split(':')[1]!;
    const rows = await api.prisma.auditLog.findMany({ where: { entityType: 'TrainingClass', entityId: id }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.action, (r.before as R | null)?.status ?? null, (r.after as R).status])).toEqual([
      ['class.filed', null, 'DRAFT'],
      ['class.submit', 'DRAFT', 'SUBMITTED'],
      ['class.reject', 'SUBMITTED', 'REJECTED'],
      ['class.submit', 'REJECTED', 'SUBMITTED'],
      ['class.approve', 'SUBMITTED', 'APPROVED'],
      ['class.start', 'APPROVED', 'IN_PROGRESS'],
    ]);
  });
});

describe('bureau view', () => {
  it('lists classes in its region by state and institution, and counts per institution', async () => {
    const q = `query($status: ClassStatus, $inst: ID) { classes(first: 50, status: $status, institutionId: $inst) { edges { node { number status institution { name } } } } }`;
    const inProgress = await api.gql<{ classes: { edges: Array<{ node: R }> } }>(q, { status: 'IN_PROGRESS' }, tokens['linfen.bureau']);
    expect(inProgress.data?.classes.edges.map((e) => e.node.number).sort()).toEqual(
      expect.arrayContaining(['PX-141002-0001', 'PX-141023-0001']),
    );
    const yaodu = await api.gql<{ classes: { edges: Array<{ node: R }> } }>(q, { inst: gid('Organization', fx.institution2) }, tokens['yaodu.bureau']);
    expect(yaodu.data?.classes.edges).toEqual([]);
    const counts = await api.gql<{ classCountsByInstitution: Array<{ institution: { name: string }; total: number; trainees: number; byStatus: R[] }> }>(
      '{ classCountsByInstitution { institution { name } total trainees byStatus { status count } } }',
      {},
      tokens['linfen.bureau'],
    );
    const byName = Object.fromEntries(counts.data!.classCountsByInstitution.map((c) => [c.institution.name, c]));
    expect(byName['襄汾县技工培训中心']).toEqual({ institution: { name: '襄汾县技工培训中心' }, total: 1, trainees: 1, byStatus: [{ status: 'IN_PROGRESS', count: 1 }] });
    expect(byName['尧都区阳光职业培训学校']?.total).toBeGreaterThanOrEqual(3);
    expect(byName['临河区河套职业培训学校']).toBeUndefined();
  });
});

describe('Date arguments', () => {
  const q = 'query($from: Date) { classes(first: 1, startFrom: $from) { edges { node { number } } } }';
  it.each(['2026-02-30', '2026-13-45', '2025-02-29', '2026-04-31'])('refuses %s, which is not in the calendar, as a variable and as a literal', async (date) => {
    const asVariable = await api.gql<unknown>(q, { from: date }, tokens['linfen.bureau']);
    expect(asVariable.data ?? null).toBeNull();
    expect(asVariable.errors?.[0]?.message).toContain(`Date ${date} does not exist in the calendar`);
    expect(asVariable.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'startFrom' });
    const asLiteral = await api.gql<unknown>(`{ classes(first: 1, startFrom: "${date}") { edges { node { number } } } }`, {}, tokens['linfen.bureau']);
    expect(asLiteral.data ?? null).toBeNull();
    expect(asLiteral.errors?.[0]?.message).toContain(`Date ${date} does not exist in the calendar`);
    expect(asLiteral.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'startFrom' });
  });
  it.each([
    ['2026-1-05', 'Date must be YYYY-MM-DD'],
    [20261105, 'Date must be YYYY-MM-DD'],
  ])('refuses %p: %s', async (date, message) => {
    const r = await api.gql<unknown>(q, { from: date }, tokens['linfen.bureau']);
    expect(r.errors?.[0]?.message).toContain(message);
  });
  it('accepts real dates, 29 February of a leap year too', async () => {
    for (const date of ['2028-02-29', '2026-12-31']) {
      const r = await api.gql<{ classes: { edges: unknown[] } }>(q, { from: date }, tokens['linfen.bureau']);
      expect(r.errors).toBeUndefined();
      expect(Array.isArray(r.data?.classes.edges)).toBe(true);
    }
  });
});

describe('dates cannot lie', () => {
  /** The Beijing calendar date `offset` days from now (the API runs on the real clock). */
  const day = (offset: number) => new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
  const REASON = '系统升级期间无法备案,已线下报备,现补录';
  const APPROVE = `mutation($id: ID!, $ack: Boolean) { approveClass(id: $id, acknowledgeLateFiling: $ack) {
    ${CLASS_FIELDS} ... on TrainingClass { lateFilingReason lateFilingAcknowledgedAt } } }`;
  const approve = async (id: string, ack: boolean | null) => {
    const r = await api.gql<{ approveClass: R }>(APPROVE, { id, ack }, tokens['yaodu.bureau']);
    expect(r.errors).toBeUndefined();
    return r.data!.approveClass;
  };

  it('a class dated wholly in the past needs a late-filing reason, and the bureau approves it only acknowledging it', async () => {
    const past = { ...baseInput(), startDate: day(-30), endDate: day(-10) };
    const before = await api.prisma.trainingClass.count();
    expect(await file(past)).toMatchObject({ __typename: 'DomainError', code: 'VALIDATION', field: 'lateFilingReason' });
    expect(await file({ ...past, lateFilingReason: '补录' })).toMatchObject({ code: 'VALIDATION', field: 'lateFilingReason' });
    expect(await api.prisma.trainingClass.count()).toBe(before);

    const filed = await file({ ...past, lateFilingReason: REASON });
    expect(filed).toMatchObject({ __typename: 'TrainingClass', status: 'DRAFT' });
    const id = filed.id as string;
    expect(await enroll(id, { name: '韩梅梅', idNumber: makeResidentId({ regionCode: '141002', birthDate: '1991-07-07', sequence: 747 }) })).toMatchObject({
      __typename: 'EnrollPayload',
    });
    expect(await act('submit', id, 'institution1')).toMatchObject({ status: 'SUBMITTED' });

    for (const ack of [null, false]) {
      const refused = await approve(id, ack);
      expect(refused).toMatchObject({ __typename: 'DomainError', code: 'VALIDATION', field: 'acknowledgeLateFiling' });
      expect(refused.messageZh).toContain(REASON);
    }
    const approved = await approve(id, true);
    expect(approved).toMatchObject({ __typename: 'TrainingClass', status: 'APPROVED', lateFilingReason: REASON });
    expect(approved.lateFilingAcknowledgedAt).toEqual(expect.any(String));
  });

  it('a class is not started before its planned start date', async () => {
    const filed = await file({ ...baseInput(), startDate: day(7), endDate: day(20) });
    const id = filed.id as string;
    await enroll(id, { name: '林涛', idNumber: makeResidentId({ regionCode: '141002', birthDate: '1989-08-08', sequence: 858 }) });
    expect(await act('submit', id, 'institution1')).toMatchObject({ status: 'SUBMITTED' });
    expect(await approve(id, null)).toMatchObject({ status: 'APPROVED' });
    const early = await act('start', id, 'institution1');
    expect(early).toMatchObject({ __typename: 'DomainError', code: 'VALIDATION', field: 'startDate' });
    expect(early.messageZh).toContain(day(7));
    expect((await api.prisma.trainingClass.findUniqueOrThrow({ where: { id: Buffer.from(id, 'base64').toString().split(':')[1]! } })).status).toBe('APPROVED');
  });
});
