import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { piiKeysFrom } from '@vtc/core';
import { hashPassword } from '@vtc/core';
import { makeCreditCode, makeResidentId } from '@vtc/domain';
import { getNamedType, isObjectType } from 'graphql';
import { DEMO_ACCOUNTS, seedDemo } from '../../../prisma/seed/index.ts';
import { schema } from './schema/index.ts';
import { createFixtures, createTestPerson, type Fixtures, startTestApi, type TestApi, TEST_PASSWORD } from './testing.ts';

/**
 * "Every path to a person obeys the one scope." For each role, the persons reachable through ANY
 * path of the API (lists, node(id), and every relation whose type is Person or leads to one) are
 * exactly the persons of `trainees` (personScope). The paths are enumerated from the schema itself,
 * so a new field of type Person fails here until the walk below covers it.
 */

const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
const P = 'id phone priorityGroups';
/** The fields of type Person the walk selects (each answers a Person or null). */
const PERSON_KEYS = new Set(['person', 'holder', 'candidate', 'claimantPerson']);

/** Every field of the schema whose type is Person (or a list of it), or an Enrollment that names one. */
const PERSON_PATHS = [
  'Apprenticeship.person',
  'AssessmentResult.candidate',
  'Certificate.holder',
  'ClaimExcludedPerson.person',
  'Enrollment.person',
  'RoleBinding.person',
  'ScopeEntry.person',
  'StaffTrainingParticipant.person',
  'SubsidyClaim.claimantPerson',
  'SubsidyClaimLine.person',
  'TraineeEdge.node',
];
const ENROLLMENT_PATHS = [
  'AttendanceRecord.enrollment',
  'EmploymentCheck.enrollment',
  'EnrollPayload.enrollment',
  'Person.enrollments',
  'TrainingClassEnrollmentsConnectionEdge.node',
];

function fieldsOfType(typeName: string): string[] {
  const out: string[] = [];
  for (const t of Object.values(schema.getTypeMap())) {
    if (!isObjectType(t) || t.name.startsWith('__') || t.name === 'Mutation') continue;
    for (const f of Object.values(t.getFields())) {
      if (getNamedType(f.type).name === typeName) out.push(`${t.name}.${f.name}`);
    }
  }
  return out.sort();
}

describe('the paths to a person, from the schema', () => {
  it('are the ones this file walks (a new one must be scoped and added here)', () => {
    expect(fieldsOfType('Person')).toEqual(PERSON_PATHS);
    expect(fieldsOfType('Enrollment')).toEqual(ENROLLMENT_PATHS);
  });

  it('relations to a person are nullable: out of scope answers null, as node(id) does', () => {
    for (const path of PERSON_PATHS.filter((p) => p !== 'TraineeEdge.node')) {
      const [type, field] = path.split('.') as [string, string];
      const f = (schema.getType(type) as import('graphql').GraphQLObjectType).getFields()[field]!;
      expect([path, f.type.toString()]).toEqual([path, 'Person']);
    }
  });
});

type Gql = TestApi['gql'];

interface Seen {
  ids: Set<string>;
  /** Persons returned with phone or priority groups (every Person object carries both fields). */
  detailed: Set<string>;
}

function collect(value: unknown, seen: Seen, key = ''): void {
  if (Array.isArray(value)) {
    for (const v of value) collect(v, seen, key);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const o = value as Record<string, unknown>;
  if (PERSON_KEYS.has(key) && typeof o.id === 'string') {
    seen.ids.add(o.id);
    if (o.phone != null || (Array.isArray(o.priorityGroups) && o.priorityGroups.length > 0)) seen.detailed.add(o.id);
  }
  for (const [k, v] of Object.entries(o)) collect(v, seen, k);
}

/** Global IDs of every object named `key` (e.g. all enrollments) anywhere in a result. */
function idsUnder(value: unknown, key: string, out: Set<string>, at = ''): void {
  if (Array.isArray(value)) {
    for (const v of value) idsUnder(v, key, out, at);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const o = value as Record<string, unknown>;
  if (at === key && typeof o.id === 'string') out.add(o.id);
  for (const [k, v] of Object.entries(o)) idsUnder(v, key, out, k);
}

/** All pages of a top-level connection: `body` is the node selection. */
async function pages(gql: Gql, token: string, field: string, body: string, size = 20): Promise<unknown[]> {
  const out: unknown[] = [];
  let after: string | null = null;
  for (;;) {
    type Page = { edges: Array<{ node: unknown }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
    const r: { data?: Record<string, Page>; errors?: unknown[] } = await gql<Record<string, Page>>(
      `query($after: String) { ${field}(first: ${size}, after: $after) { edges { node { ${body} } } pageInfo { hasNextPage endCursor } } }`,
      { after },
      token,
    );
    expect([field, r.errors]).toEqual([field, undefined]);
    const conn: Page = r.data![field]!;
    out.push(...conn.edges.map((e) => e.node));
    if (!conn.pageInfo.hasNextPage) return out;
    after = conn.pageInfo.endCursor;
  }
}

/**
 * Persons reachable by every path but `trainees` and node(id). The API's query cost limit keeps
 * deep selections short, so the walk goes in two steps: first the ids of every class and
 * enrollment the caller reaches (through lists, relations, attendance records, employment
 * checks), then `person` of each of those enrollments through node(id).
 */
async function reachable(api: TestApi, token: string): Promise<Seen> {
  const seen: Seen = { ids: new Set(), detailed: new Set() };
  const gql = api.gql;
  const classIds = new Set<string>();
  const enrollmentIds = new Set<string>();
  const one = async (query: string, id?: string) => {
    const r = await gql<Record<string, unknown>>(query, id ? { id } : {}, token);
    expect([query, r.errors]).toEqual([query, undefined]);
    collect(r.data, seen);
    return r.data!;
  };
  for (const c of await pages(gql, token, 'classes', 'id', 100)) idsUnder([{ c }], 'c', classIds);
  for (const o of await pages(gql, token, 'organizations', 'id', 100)) {
    const id = (o as { id: string }).id;
    idsUnder(await one(`query($id: ID!) { node(id: $id) { ... on Organization { classes(first: 100) { edges { node { id } } } } } }`, id), 'node', classIds);
  }
  const sessions = await pages(gql, token, 'assessmentSessions', `id results { candidate { ${P} } certificate { holder { ${P} } } } class { id }`, 20);
  collect(sessions, seen);
  idsUnder(sessions, 'class', classIds);
  for (const id of classIds) {
    idsUnder(await one(`query($id: ID!) { node(id: $id) { ... on TrainingClass { enrollments(first: 100) { edges { node { id } } } } } }`, id), 'node', enrollmentIds);
    const attendance = new Set<string>();
    idsUnder(await one(`query($id: ID!) { node(id: $id) { ... on TrainingClass { sessions(first: 100) { edges { node { id } } } } } }`, id), 'node', attendance);
    attendance.delete(id);
    for (const s of attendance) {
      idsUnder(await one(`query($id: ID!) { node(id: $id) { ... on AttendanceSession { records(first: 100) { edges { node { enrollment { id } } } } } } }`, s), 'enrollment', enrollmentIds);
    }
    idsUnder(
      await one(`query($id: ID!) { employmentChecks(classId: $id) { __typename ... on QueryEmploymentChecksSuccess { data { enrollment { id } } } } }`, id),
      'enrollment',
      enrollmentIds,
    );
  }
  idsUnder(await pages(gql, token, 'trainees', 'id enrollments { id }', 50), 'enrollments', enrollmentIds);
  const list = [...enrollmentIds];
  for (let i = 0; i < list.length; i += 15) {
    const chunk = list.slice(i, i + 15);
    await one(`{ ${chunk.map((id, k) => `e${k}: node(id: "${id}") { ... on Enrollment { person { ${P} } } }`).join(' ')} }`);
  }
  collect(await pages(gql, token, 'certificates', `id holder { ${P} }`, 100), seen);
  collect(await pages(gql, token, 'claims', `id claimantPerson { ${P} } lines { person { ${P} } } excluded { person { ${P} } }`, 20), seen);
  collect(await pages(gql, token, 'claims', `id objections { line { person { ${P} } } } payments { claim { lines { person { ${P} } } } }`, 20), seen);
  collect(await pages(gql, token, 'paymentBatches', `id payments { claim { lines { person { ${P} } } } }`, 20), seen);
  collect(await pages(gql, token, 'apprenticeships', `id person { ${P} }`, 100), seen);
  collect(await pages(gql, token, 'staffTrainingBatches', `id participants { person { ${P} } }`, 20), seen);
  await one(`{ viewer { user { roles { person { ${P} } } } scope { person { ${P} } } } }`);
  return seen;
}

async function listed(api: TestApi, token: string): Promise<Set<string>> {
  const nodes = (await pages(api.gql, token, 'trainees', 'id', 100)) as Array<{ id: string }>;
  return new Set(nodes.map((n) => Buffer.from(n.id, 'base64').toString().split(':')[1]!));
}

/** Persons node(id) answers, asked for every person in the database (15 aliases a request). */
async function byNode(api: TestApi, token: string, personIds: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < personIds.length; i += 15) {
    const chunk = personIds.slice(i, i + 15);
    const q = `{ ${chunk.map((id, k) => `n${k}: node(id: "${gid('Person', id)}") { ... on Person { id } }`).join(' ')} }`;
    const r = await api.gql<Record<string, unknown>>(q, {}, token);
    expect(r.errors).toBeUndefined();
    chunk.forEach((id, k) => {
      if (r.data![`n${k}`]) found.add(id);
    });
  }
  return found;
}

const decoded = (s: Set<string>) => new Set([...s].map((g) => (g.includes('-') ? g : Buffer.from(g, 'base64').toString().split(':')[1]!)));
const sorted = (s: Set<string>) => [...s].sort();

describe('the authorization matrix on the demo seed', () => {
  let api: TestApi;
  let allPersons: string[];
  const DEMO_PASSWORD = 'Vtc@2026demo';

  beforeAll(async () => {
    api = await startTestApi('visibility-seed');
    const seeded = await seedDemo(api.prisma, { demoPassword: DEMO_PASSWORD, piiKeys: piiKeysFrom(api.config) });
    expect(seeded.created).toBe(true);
    allPersons = (await api.prisma.person.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((p) => p.id);
  }, 300_000);
  afterAll(async () => {
    await api?.stop();
  });

  it.each(DEMO_ACCOUNTS.map((a) => [a.username, a.role] as const))(
    '%s (%s): every path reaches exactly the persons of trainees / node(id)',
    async (username) => {
      const token = await api.login(username, DEMO_PASSWORD);
      const list = await listed(api, token);
      const seen = await reachable(api, token);
      const ids = decoded(seen.ids);
      // Nothing reachable outside the list; phone and priority groups only on listed persons.
      expect(sorted(new Set([...ids].filter((id) => !list.has(id))))).toEqual([]);
      expect(sorted(new Set([...decoded(seen.detailed)].filter((id) => !list.has(id))))).toEqual([]);
      expect(sorted(await byNode(api, token, allPersons))).toEqual(sorted(list));
    },
    300_000,
  );

  /** The organizations every relation of these lists shows, and which of them node(id) answers. */
  const ORG_PATHS: ReadonlyArray<readonly [string, string]> = [
    ['classes', 'institution { id }'],
    ['assessmentSessions', 'evaluationBody { id }'],
    ['apprenticeships', 'enterprise { id } institution { id }'],
    ['certificates', 'issuer { id }'],
  ];
  it.each(DEMO_ACCOUNTS.map((a) => [a.username] as const))(
    '%s: every organization a relation shows is one node(id) answers too',
    async (username) => {
      const token = await api.login(username, DEMO_PASSWORD);
      const shown = new Set<string>();
      for (const [field, body] of ORG_PATHS) {
        const r = await api.gql<Record<string, { edges: Array<{ node: Record<string, { id: string } | null> }> } | null>>(
          `{ ${field}(first: 50) { edges { node { ${body} } } } }`,
          {},
          token,
        );
        for (const e of r.data?.[field]?.edges ?? []) for (const o of Object.values(e.node)) if (o) shown.add(o.id);
      }
      const hidden: string[] = [];
      for (const id of shown) {
        const r = await api.gql<{ node: { id: string } | null }>('query($id: ID!) { node(id: $id) { id } }', { id }, token);
        if (r.data?.node?.id !== id) hidden.push(Buffer.from(id, 'base64').toString());
      }
      expect(hidden).toEqual([]);
    },
    300_000,
  );
});

describe('evaluators and enterprises see the persons they work with, no more (own data)', () => {
  let api: TestApi;
  let fx: Fixtures;
  let personD: string;
  let personE: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    api = await startTestApi('visibility');
    fx = await createFixtures(api.prisma, api.config);
    const p = api.prisma;
    // D: enrolled in class A beside A, never a candidate. E: in the enterprise's order class beside B, never hired.
    personD = (await createTestPerson(api, '赵敏', { sequence: 411, priorityGroups: ['RURAL_MIGRANT_WORKER'] })).id;
    personE = (await createTestPerson(api, '钱强', { sequence: 433, priorityGroups: ['RURAL_MIGRANT_WORKER'] })).id;
    await p.person.updateMany({ where: { id: { in: [personD, personE] } }, data: { phone: '13900005678' } });
    const classA = await p.trainingClass.findUniqueOrThrow({ where: { id: fx.classA } });
    await p.enrollment.create({ data: { classId: fx.classA, personId: personD } });
    await p.enrollment.create({ data: { classId: fx.classB, personId: personE } });

    const body = await p.organization.create({
      data: {
        name: '临汾市职业技能评价中心',
        kind: 'EVALUATION_BODY',
        regionCode: '141002',
        creditCode: makeCreditCode({ authority: '5', orgType: '2', regionCode: '141002', orgCode9: 'MJ0000009' }),
      },
    });
    const session = await p.assessmentSession.create({
      data: {
        evaluationBodyId: body.id,
        occupationId: classA.occupationId,
        kind: 'SKILL_LEVEL',
        level: 'LEVEL_4',
        regionCode: '141002',
        siteCode: '141002',
        scheduledOn: new Date('2026-12-05T00:00:00Z'),
        classId: fx.classA,
      },
    });
    await p.assessmentResult.create({ data: { sessionId: session.id, personId: fx.personA, outcome: 'PENDING' } });

    const order = await p.trainingOrder.create({
      data: { enterpriseId: fx.enterprise, occupationId: classA.occupationId, regionCode: '141023', quantity: 10, hireCommitment: 8, status: 'OPEN' },
    });
    await p.trainingClass.update({ where: { id: fx.classB }, data: { mode: 'ORDER_BASED', trainingOrderId: order.id } });
    const ent = await p.organization.findUniqueOrThrow({ where: { id: fx.enterprise } });
    await p.employmentRecord.create({
      data: { personId: fx.personB, source: 'EMPLOYER_CONFIRMATION', employerId: fx.enterprise, employerCreditCode: ent.creditCode, confirmation: 'CONFIRMED' },
    });

    await p.user.create({
      data: {
        username: 'evaluator1',
        displayName: 'evaluator1',
        passwordHash: await hashPassword(TEST_PASSWORD),
        roleBindings: { create: { role: 'EVALUATOR', organizationId: body.id } },
      },
    });
    for (const u of ['evaluator1', 'enterprise1', 'institution1', 'institution2', 'linfen.bureau', 'trainee.a']) tokens[u] = await api.login(u);
  }, 120_000);
  afterAll(async () => {
    await api?.stop();
  });

  const reach = async (user: string) => {
    const seen = await reachable(api, tokens[user]!);
    return { ids: sorted(decoded(seen.ids)), detailed: sorted(decoded(seen.detailed)), list: sorted(await listed(api, tokens[user]!)) };
  };

  it('an evaluator reaches its candidate A only, not D enrolled in the same class', async () => {
    const r = await reach('evaluator1');
    expect(r.list).toEqual([fx.personA]);
    expect(r.ids).toEqual([fx.personA]);
    expect(r.detailed).toEqual([fx.personA]);
  });

  it("an enterprise reaches the trainee it hired (B), not E in the class it ordered, and not E's phone", async () => {
    const r = await reach('enterprise1');
    expect(r.list).toEqual([fx.personB]);
    expect(r.ids).toEqual([fx.personB]);
    expect(r.detailed).not.toContain(personE);
  });

  it('an evaluator sees only its candidates among the enrollments of the class it assesses', async () => {
    const r = await api.gql<{ node: { enrollments: { edges: Array<{ node: { person: { id: string } | null } }> } } }>(
      `query($id: ID!) { node(id: $id) { ... on TrainingClass { enrollments(first: 10) { edges { node { person { id } } } } } } }`,
      { id: gid('TrainingClass', fx.classA) },
      tokens['evaluator1'],
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.node.enrollments.edges.map((e) => e.node.person?.id)).toEqual([gid('Person', fx.personA)]);
  });

  it.each([
    ['institution1', () => [fx.personA, personD]],
    ['institution2', () => [fx.personB, personE]],
    ['linfen.bureau', () => [fx.personA, fx.personB, personD, personE]],
    ['trainee.a', () => [fx.personA]],
  ] as const)('%s reaches the same persons as its trainees list', async (user, expected) => {
    const r = await reach(user);
    expect(r.list).toEqual([...expected()].sort());
    expect(r.ids).toEqual([...expected()].sort());
  });

  describe('answers that would tell another tenant\'s record exists', () => {
    const FILE = `mutation($input: FileClaimInput!) { fileClaim(input: $input) { __typename ... on DomainError { code message messageZh field } } }`;
    const file = async (user: string, classId: string) =>
      (await api.gql<{ fileClaim: Record<string, unknown> }>(FILE, { input: { kind: 'TRAINING', classId: gid('TrainingClass', classId) } }, tokens[user])).data?.fileClaim;

    it("fileClaim on another institution's class answers exactly as on a class that does not exist", async () => {
      const missing = await file('institution2', '00000000-0000-4000-8000-000000000000');
      expect(missing).toMatchObject({ code: 'NOT_FOUND', message: 'Class not found', messageZh: '培训班不存在或无权访问' });
      expect(await file('institution2', fx.classA)).toEqual(missing);
    });

    it('a bureau that sees the class is still told plainly that it may not claim for it', async () => {
      expect(await file('linfen.bureau', fx.classA)).toMatchObject({ code: 'FORBIDDEN' });
    });
  });

  describe('enrolling by ID number under another name', () => {
    const ENROLL = `mutation($classId: ID!, $trainee: TraineeInput!) { enrollTrainee(classId: $classId, trainee: $trainee) {
      __typename ... on EnrollPayload { personCreated } ... on DomainError { code field message } } }`;
    const idB = makeResidentId({ regionCode: '141023', birthDate: '1988-11-02', sequence: 246 });
    let draft: string;
    const enroll = async (trainee: Record<string, unknown>) =>
      (await api.gql<{ enrollTrainee: Record<string, unknown> }>(ENROLL, { classId: gid('TrainingClass', draft), trainee }, tokens['institution1'])).data?.enrollTrainee;
    const mismatches = () => api.prisma.auditLog.count({ where: { action: 'person.nameMismatch' } });

    beforeAll(async () => {
      const a = await api.prisma.trainingClass.findUniqueOrThrow({ where: { id: fx.classA } });
      const draftClass = await api.prisma.trainingClass.create({
        data: {
          code: 'PX-141002-0009',
          name: '养老护理员(四级)培训班',
          institutionId: a.institutionId,
          regionCode: a.regionCode,
          occupationId: a.occupationId,
          level: 'LEVEL_4',
          trainingType: 'EMPLOYMENT_SKILLS',
          status: 'DRAFT',
          plannedHours: 80,
          startDate: a.startDate,
          endDate: a.endDate,
          venue: '教学楼 302',
          capacity: 40,
        },
      });
      draft = draftClass.id;
    });

    it('is refused, and each refusal is audited against the person, without the name or the number', async () => {
      expect(await enroll({ name: '李四', idNumber: idB })).toMatchObject({ __typename: 'DomainError', code: 'CONFLICT', field: 'name' });
      expect(await mismatches()).toBe(1);
      const row = await api.prisma.auditLog.findFirstOrThrow({ where: { action: 'person.nameMismatch' } });
      expect([row.entityType, row.entityId, row.actorUserId !== null]).toEqual(['Person', fx.personB, true]);
      expect(JSON.stringify(row.after)).not.toMatch(new RegExp(`李四|${idB}`));
    });

    it('is rate-limited per user: after 10 in an hour every registration by ID number is refused, without a lookup', async () => {
      const names = ['李一', '李二', '李三', '李四', '李五', '李六', '李七', '李八', '李九', '李十'];
      for (let i = await mismatches(); i < 10; i++) {
        expect(await enroll({ name: names[i], idNumber: idB })).toMatchObject({ code: 'CONFLICT', field: 'name' });
      }
      expect(await mismatches()).toBe(10);
      const fresh = makeResidentId({ regionCode: '141002', birthDate: '1991-02-03', sequence: 515 });
      for (const trainee of [{ name: '李四', idNumber: idB }, { name: '孙丽', idNumber: fresh }]) {
        expect(await enroll(trainee)).toMatchObject({ __typename: 'DomainError', code: 'RATE_LIMITED' });
      }
      expect(await mismatches()).toBe(10);
      expect(await api.prisma.person.count({ where: { name: '孙丽' } })).toBe(0);
    });
  });
});

