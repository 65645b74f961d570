import { randomBytes } from 'node:crypto';
import { configWith, type Config } from '@vtc/config';
import { encryptIdNumber, hashPassword, idNumberHash, piiKeysFrom } from '@vtc/core';
import { createPrisma, type PriorityGroup, type PrismaClient } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import { makeCreditCode, makeResidentId, maskResidentId, parseResidentId } from '@vtc/domain';
import pino from 'pino';
import { createApp, type App } from './server.ts';

/**
 * A real API on a random port over this test file's own database. Fixtures are small and
 * made here, so each test file owns all its data.
 */
export const TEST_PASSWORD = 'Test@2026pass';

export interface TestApi {
  url: string;
  app: App;
  prisma: PrismaClient;
  config: Config;
  db: TestDatabase;
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<{ status: number; data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }>;
  login(username: string, password?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestApi(label: string, overrides: Record<string, string> = {}): Promise<TestApi> {
  const db = await createTestDatabase(label);
  const config = configWith({
    DATABASE_URL: db.url,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    // Queues and rate-limit counters in Redis are this test's own too.
    QUEUE_PREFIX: `test-${db.name.slice(-8)}`,
    ...overrides,
  });
  const prisma = createPrisma(db.url, { max: 5 });
  const app = await createApp({ config, prisma, logger: pino({ level: 'silent' }) });
  const url = await app.listen(0, '127.0.0.1');
  const gql: TestApi['gql'] = async (query, variables, token) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: never; errors?: never };
    return { status: res.status, ...body };
  };
  const login = async (username: string, password = TEST_PASSWORD) => {
    const r = await gql<{ login: { __typename: string; token?: string; code?: string } }>(
      `mutation($u: String!, $p: String!) { login(input: { username: $u, password: $p }) {
        __typename ... on LoginPayload { token } ... on DomainError { code } } }`,
      { u: username, p: password },
    );
    const token = r.data?.login.token;
    if (!token) throw new Error(`login ${username} failed: ${JSON.stringify(r)}`);
    return token;
  };
  return {
    url,
    app,
    prisma,
    config,
    db,
    gql,
    login,
    async stop() {
      await app.stop();
      await prisma.$disconnect();
      await db.drop();
    },
  };
}

export interface Fixtures {
  institution1: string;
  institution2: string;
  enterprise: string;
  personA: string; // enrolled at institution1 (Yaodu, 141002)
  personB: string; // enrolled at institution2 (Xiangfen, 141023)
  personC: string; // enrolled at a Bayannur institution (150802)
  classA: string;
  classB: string;
  classC: string;
}

/**
 * Regions of Shanxi/Linfen and Inner Mongolia/Bayannur, one institution per county, a class and a
 * trainee in each, and one user per role: admin, shanxi.bureau, linfen.bureau, yaodu.bureau,
 * xiangfen.bureau, bayannur.bureau, institution1, institution2, enterprise1, traineeA.
 */
export async function createFixtures(prisma: PrismaClient, config: Config): Promise<Fixtures> {
  const keys = piiKeysFrom(config);
  const passwordHash = await hashPassword(TEST_PASSWORD);
  const regions: Array<[string, string, 'PROVINCE' | 'CITY' | 'COUNTY', string | null]> = [
    ['140000', '山西省', 'PROVINCE', null],
    ['141000', '临汾市', 'CITY', '140000'],
    ['141002', '尧都区', 'COUNTY', '141000'],
    ['141023', '襄汾县', 'COUNTY', '141000'],
    ['150000', '内蒙古自治区', 'PROVINCE', null],
    ['150800', '巴彦淖尔市', 'CITY', '150000'],
    ['150802', '临河区', 'COUNTY', '150800'],
  ];
  for (const [code, name, level, parentCode] of regions) {
    await prisma.region.create({ data: { code, name, level, parentCode } });
  }
  const occupation = await prisma.occupation.create({
    data: { code: '4-10-01-05', name: '养老护理员', levels: ['LEVEL_5', 'LEVEL_4', 'LEVEL_3'] },
  });
  const org = (name: string, kind: 'TRAINING_INSTITUTION' | 'ENTERPRISE', regionCode: string, n: number) =>
    prisma.organization.create({
      data: {
        name,
        kind,
        regionCode,
        creditCode: makeCreditCode({ authority: '5', orgType: '2', regionCode, orgCode9: `MJ${String(n).padStart(7, '0')}` }),
      },
    });
  const inst1 = await org('尧都区阳光职业培训学校', 'TRAINING_INSTITUTION', '141002', 1);
  const inst2 = await org('襄汾县技工培训中心', 'TRAINING_INSTITUTION', '141023', 2);
  const inst3 = await org('临河区河套职业培训学校', 'TRAINING_INSTITUTION', '150802', 3);
  const ent = await org('临汾市钢铁有限公司', 'ENTERPRISE', '141002', 4);

  const person = async (name: string, regionCode: string, birthDate: string, seq: number) => {
    const id = makeResidentId({ regionCode, birthDate, sequence: seq });
    const parsed = parseResidentId(id, new Date());
    if (!parsed.ok) throw new Error('fixture ID invalid');
    return prisma.person.create({
      data: {
        name,
        idNumberCipher: encryptIdNumber(keys, id),
        idNumberHash: idNumberHash(keys, id),
        idNumberMasked: maskResidentId(id),
        birthDate: new Date(`${birthDate}T00:00:00Z`),
        sex: parsed.value.sex,
        originRegionCode: regionCode,
        phone: '13800001234',
        householdType: 'RURAL',
        priorityGroups: ['RURAL_MIGRANT_WORKER'],
      },
    });
  };
  const pA = await person('张伟', '141002', '1990-05-17', 123);
  const pB = await person('李娜', '141023', '1988-11-02', 246);
  const pC = await person('王芳', '150802', '1995-03-09', 368);

  const klass = (code: string, institutionId: string, regionCode: string) =>
    prisma.trainingClass.create({
      data: {
        code,
        name: `${code} 养老护理员(四级)培训班`,
        institutionId,
        regionCode,
        occupationId: occupation.id,
        level: 'LEVEL_4',
        trainingType: 'EMPLOYMENT_SKILLS',
        status: 'IN_PROGRESS',
        plannedHours: 80,
        startDate: new Date('2026-11-01T00:00:00Z'),
        endDate: new Date('2026-11-30T00:00:00Z'),
        venue: '教学楼 301',
        capacity: 40,
      },
    });
  const cA = await klass('PX-141002-0001', inst1.id, '141002');
  const cB = await klass('PX-141023-0001', inst2.id, '141023');
  const cC = await klass('PX-150802-0001', inst3.id, '150802');
  for (const [classId, personId] of [
    [cA.id, pA.id],
    [cB.id, pB.id],
    [cC.id, pC.id],
  ] as const) {
    await prisma.enrollment.create({ data: { classId, personId } });
  }

  const user = (username: string, binding: Record<string, unknown>, personId?: string) =>
    prisma.user.create({
      data: {
        username,
        displayName: username,
        passwordHash,
        personId,
        roleBindings: { create: binding as never },
      },
    });
  await user('admin', { role: 'SYSTEM_ADMIN' });
  await user('shanxi.bureau', { role: 'BUREAU_OFFICER', regionCode: '140000', canViewIdNumbers: true });
  await user('linfen.bureau', { role: 'BUREAU_OFFICER', regionCode: '141000', canViewIdNumbers: true });
  await user('yaodu.bureau', { role: 'BUREAU_OFFICER', regionCode: '141002' });
  await user('xiangfen.bureau', { role: 'BUREAU_OFFICER', regionCode: '141023' });
  await user('bayannur.bureau', { role: 'BUREAU_OFFICER', regionCode: '150800' });
  await user('institution1', { role: 'INSTITUTION_STAFF', organizationId: inst1.id });
  await user('institution2', { role: 'INSTITUTION_STAFF', organizationId: inst2.id });
  await user('enterprise1', { role: 'ENTERPRISE_STAFF', organizationId: ent.id });
  await user('trainee.a', { role: 'TRAINEE', personId: pA.id }, pA.id);

  return {
    institution1: inst1.id,
    institution2: inst2.id,
    enterprise: ent.id,
    personA: pA.id,
    personB: pB.id,
    personC: pC.id,
    classA: cA.id,
    classB: cB.id,
    classC: cC.id,
  };
}

export interface TestPersonOptions {
  /** Resident-ID sequence: the caller's own counter (it also decides the sex: odd is male). */
  sequence: number;
  birthDate?: string;
  priorityGroups?: PriorityGroup[];
}

/**
 * A real-name person of 尧都区 (141002) with a valid resident ID, stored as the product stores it
 * (encrypted, keyed hash, masked); returns the row and the ID number.
 */
export async function createTestPerson(api: TestApi, name: string, o: TestPersonOptions) {
  const birthDate = o.birthDate ?? '1990-04-12';
  const keys = piiKeysFrom(api.config);
  const id = makeResidentId({ regionCode: '141002', birthDate, sequence: o.sequence });
  const parsed = parseResidentId(id, new Date());
  if (!parsed.ok) throw new Error('fixture ID invalid');
  const p = await api.prisma.person.create({
    data: {
      name,
      idNumberCipher: encryptIdNumber(keys, id),
      idNumberHash: idNumberHash(keys, id),
      idNumberMasked: maskResidentId(id),
      birthDate: new Date(`${birthDate}T00:00:00Z`),
      sex: parsed.value.sex,
      originRegionCode: '141002',
      priorityGroups: o.priorityGroups ?? [],
    },
  });
  return { ...p, idNumber: id };
}

/** Midnight UTC `days` before today (fixtures stay within the 12-month filing window whenever the tests run). */
export const daysAgo = (days: number) => new Date(`${new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10)}T00:00:00Z`);

/**
 * A COMPLETED LEVEL_4 employment-skills class of `institutionId` in 尧都区 (141002) that ran 40 to 12
 * days ago, with these persons COMPLETED at 95% attendance.
 */
export async function createCompletedTestClass(
  api: TestApi,
  o: { code: string; institutionId: string; occupationId: string; personIds: readonly string[]; priorityGroups?: PriorityGroup[] },
): Promise<string> {
  const end = daysAgo(12);
  const completedAt = new Date(end.getTime() + 9 * 3_600_000);
  const c = await api.prisma.trainingClass.create({
    data: {
      code: o.code,
      name: '养老护理员(四级)就业技能培训班',
      institutionId: o.institutionId,
      regionCode: '141002',
      occupationId: o.occupationId,
      level: 'LEVEL_4',
      trainingType: 'EMPLOYMENT_SKILLS',
      status: 'COMPLETED',
      plannedHours: 80,
      startDate: daysAgo(40),
      endDate: end,
      completedAt,
      venue: '教学楼 301',
      capacity: 40,
    },
  });
  await api.prisma.enrollment.createMany({
    data: o.personIds.map((personId) => ({ classId: c.id, personId, status: 'COMPLETED' as const, attendanceRateBp: 9_500, priorityGroups: o.priorityGroups ?? [], completedAt })),
  });
  return c.id;
}

/** A LEVEL_4 skill-level certificate of `personId` issued 8 days ago (after the class above). */
export async function createTestCertificate(api: TestApi, o: { number: string; personId: string; issuerId: string; occupationId: string }) {
  return api.prisma.certificate.create({
    data: {
      number: o.number,
      kind: 'SKILL_LEVEL',
      personId: o.personId,
      issuerId: o.issuerId,
      occupationId: o.occupationId,
      level: 'LEVEL_4',
      issuedOn: daysAgo(8),
      verifyToken: randomBytes(18).toString('base64url'),
    },
  });
}
