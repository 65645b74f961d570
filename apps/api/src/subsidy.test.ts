import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { makeCreditCode, } from '@vtc/domain';
import { createFixtures, createTestPerson, startTestApi, TEST_PASSWORD, type Fixtures, type TestApi } from './testing.ts';

/**
 * Filing subsidy claims through the API with the Linfen figures (临汾 003 items 6 and 9): a completed
 * class's training subsidy by occupation tier and level, a vocational college's certificate subsidy
 * of 600 / 800 yuan, every line explained, and no person claimed twice even when filings race.
 */
let api: TestApi;
let fx: Fixtures;
const tokens: Record<string, string> = {};
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

const WORKING_AGE = { MALE: { min: 16, max: 60 }, FEMALE: { min: 16, max: 55 } };
const LF_TRAINING_RULES = {
  payee: 'TRAINING_INSTITUTION',
  minAttendanceRateBp: 8_000,
  requiresPassedAssessment: true,
  priorityGroups: null,
  workingAge: WORKING_AGE,
  claimWithinMonths: 12,
  maxSubsidiesPerYear: 3,
  higherLevelBarsLower: true,
  exclusions: [],
  sameOccupationAndLevelOnce: true,
  amountFenByTierAndLevel: {
    '1': { LEVEL_5: 180_000, LEVEL_4: 240_000, LEVEL_3: 300_000, LEVEL_2: 360_000, LEVEL_1: 400_000 },
    '2': { LEVEL_5: 140_000, LEVEL_4: 190_000, LEVEL_3: 250_000, LEVEL_2: 300_000, LEVEL_1: 340_000 },
    '3': { LEVEL_5: 100_000, LEVEL_4: 150_000, LEVEL_3: 200_000, LEVEL_2: 250_000, LEVEL_1: 280_000 },
  },
  maxPerPersonFen: 400_000,
};
const LF_CERTIFICATE_RULES = {
  payee: 'VOCATIONAL_COLLEGE',
  minAttendanceRateBp: null,
  requiresPassedAssessment: false,
  priorityGroups: null,
  workingAge: null,
  claimWithinMonths: 12,
  maxSubsidiesPerYear: 3,
  higherLevelBarsLower: true,
  exclusions: [],
  sameOccupationAndLevelOnce: true,
  amountFenByLevel: { LEVEL_4: 60_000, LEVEL_3: 80_000 },
  graduatingStudentsOnly: true,
};

let occupationId: string;
let college: string;
let evaluationBody: string;
let seq = 500;

function person(name: string, birthDate = '1990-04-12') {
  return createTestPerson(api, name, { sequence: seq++, birthDate, priorityGroups: ['RURAL_MIGRANT_WORKER'] });
}

let certSerial = 1;
async function certificate(personId: string, level: 'LEVEL_4' | 'LEVEL_3', issuedOn: string, assessmentResultId?: string) {
  const n = String(certSerial++).padStart(6, '0');
  return api.prisma.certificate.create({
    data: {
      number: `S000114141002${issuedOn.slice(2, 4)}${level.slice(-1)}${n}`,
      kind: 'SKILL_LEVEL',
      personId,
      issuerId: evaluationBody,
      occupationId,
      level,
      issuedOn: new Date(`${issuedOn}T00:00:00Z`),
      verifyToken: randomBytes(18).toString('base64url'),
      assessmentResultId,
    },
  });
}

let classCounter = 1;
async function completedClass(institutionId: string, trainees: Array<{ personId: string; rateBp: number; status: 'COMPLETED' | 'FAILED' }>) {
  const c = await api.prisma.trainingClass.create({
    data: {
      code: `PX-141002-2026-9${String(classCounter++).padStart(3, '0')}`,
      name: '养老护理员(四级)就业技能培训班',
      institutionId,
      regionCode: '141002',
      occupationId,
      level: 'LEVEL_4',
      trainingType: 'EMPLOYMENT_SKILLS',
      status: 'COMPLETED',
      plannedHours: 80,
      startDate: new Date('2026-10-08T00:00:00Z'),
      endDate: new Date('2026-11-06T00:00:00Z'),
      completedAt: new Date('2026-11-06T09:00:00Z'),
      venue: '教学楼 301',
      capacity: 40,
    },
  });
  for (const t of trainees) {
    await api.prisma.enrollment.create({
      data: { classId: c.id, personId: t.personId, status: t.status, attendanceRateBp: t.rateBp, priorityGroups: ['RURAL_MIGRANT_WORKER'], completedAt: new Date('2026-11-06T09:00:00Z') },
    });
  }
  return c.id;
}

beforeAll(async () => {
  api = await startTestApi('subsidy');
  fx = await createFixtures(api.prisma, api.config);
  const occ = await api.prisma.occupation.findUniqueOrThrow({ where: { code: '4-10-01-05' } });
  occupationId = occ.id;
  for (const [code, kind, rules] of [
    ['LF-TRAINING', 'TRAINING', LF_TRAINING_RULES],
    ['LF-CERTIFICATE', 'CERTIFICATE', LF_CERTIFICATE_RULES],
  ] as const) {
    await api.prisma.subsidyPolicy.create({
      data: { code, version: 1, name: code, regionCode: '141000', kind, effectiveFrom: new Date('2022-07-01T00:00:00Z'), rules, status: 'PUBLISHED' },
    });
  }
  const org = (name: string, kind: 'VOCATIONAL_COLLEGE' | 'EVALUATION_BODY', n: number) =>
    api.prisma.organization.create({
      data: {
        name,
        kind,
        regionCode: '141002',
        creditCode: makeCreditCode({ authority: '5', orgType: '2', regionCode: '141002', orgCode9: `MK${String(n).padStart(7, '0')}` }),
      },
    });
  college = (await org('临汾职业技术学院', 'VOCATIONAL_COLLEGE', 1)).id;
  evaluationBody = (await org('临汾市职业技能评价中心', 'EVALUATION_BODY', 2)).id;
  await api.prisma.user.create({
    data: {
      username: 'college1',
      displayName: 'college1',
      passwordHash: (await api.prisma.user.findUniqueOrThrow({ where: { username: 'institution1' } })).passwordHash,
      roleBindings: { create: { role: 'INSTITUTION_STAFF', organizationId: college } },
    },
  });
  for (const u of ['institution1', 'institution2', 'college1', 'linfen.bureau', 'xiangfen.bureau', 'bayannur.bureau', 'admin']) {
    tokens[u] = await api.login(u, TEST_PASSWORD);
  }
}, 60_000);
afterAll(async () => {
  await api?.stop();
});

const CLAIM_FIELDS = `__typename
  ... on SubsidyClaim { id number status kind scheme policyCode policyVersion totalFen totalYuan
    lines { person { name idNumber } amountFen amountYuan level part subsidyYear countsTowardLimit limitSlot
      explanation { policyCode policyVersion rule steps { zh en amountFen } } }
    excluded { person { name } rule reason reasonZh } }
  ... on DomainError { code field message messageZh }`;
const FILE = `mutation($input: FileClaimInput!) { fileClaim(input: $input) { ${CLAIM_FIELDS} } }`;
type R = Record<string, unknown>;
type Line = { person: { name: string; idNumber: string }; amountFen: number; amountYuan: string; explanation: { policyCode: string; policyVersion: number; rule: string; steps: Array<{ zh: string; en: string; amountFen: number | null }> } };

async function fileTraining(classId: string, user = 'institution1') {
  const r = await api.gql<{ fileClaim: R }>(FILE, { input: { kind: 'TRAINING', classId: gid('TrainingClass', classId) } }, tokens[user]);
  return r.data?.fileClaim ?? { errors: r.errors };
}

async function counts() {
  const [claims, lines, audits, events] = await Promise.all([
    api.prisma.subsidyClaim.count(),
    api.prisma.subsidyClaimLine.count(),
    api.prisma.auditLog.count({ where: { action: 'claim.file' } }),
    api.prisma.outboxEvent.count({ where: { type: 'claim.filed' } }),
  ]);
  return { claims, lines, audits, events };
}

describe('a training claim for a completed Linfen class', () => {
  let classId: string;
  let claimId: string;

  beforeAll(async () => {
    const paid = await person('陈晓红');
    const lowAttendance = await person('刘建军');
    const noCertificate = await person('赵丽');
    const higherHeld = await person('孙强');
    await certificate(paid.id, 'LEVEL_4', '2026-11-10');
    await certificate(higherHeld.id, 'LEVEL_4', '2026-11-10');
    await certificate(higherHeld.id, 'LEVEL_3', '2025-06-01');
    classId = await completedClass(fx.institution1, [
      { personId: paid.id, rateBp: 9_500, status: 'COMPLETED' },
      { personId: lowAttendance.id, rateBp: 7_990, status: 'FAILED' },
      { personId: noCertificate.id, rateBp: 9_000, status: 'COMPLETED' },
      { personId: higherHeld.id, rateBp: 8_000, status: 'COMPLETED' },
    ]);
  });

  it('another institution (or a bureau) cannot file for the class, and nothing is written', async () => {
    const before = await counts();
    expect(await fileTraining(classId, 'institution2')).toMatchObject({ __typename: 'DomainError', code: 'NOT_FOUND' }); // not its class: as if missing
    expect(await fileTraining(classId, 'linfen.bureau')).toMatchObject({ __typename: 'DomainError', code: 'FORBIDDEN' });
    expect(await counts()).toEqual(before);
  });

  it('pays tier 2 LEVEL_4 = 1,900 yuan to the one eligible trainee, every line explained with the policy version', async () => {
    const r = await fileTraining(classId);
    expect(r).toMatchObject({
      __typename: 'SubsidyClaim',
      status: 'SUBMITTED',
      kind: 'TRAINING',
      scheme: 'TRAINING',
      policyCode: 'LF-TRAINING',
      policyVersion: 1,
      totalFen: 190_000,
      totalYuan: '1,900.00',
    });
    expect(r.number).toMatch(/^BT-141002-2026-\d{6}$/);
    claimId = Buffer.from(r.id as string, 'base64').toString().split(':')[1]!;
    const lines = r.lines as Line[];
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({ person: { name: '陈晓红' }, amountFen: 190_000, amountYuan: '1,900.00', level: 'LEVEL_4', part: 'MAIN', subsidyYear: 2026, countsTowardLimit: true, limitSlot: 1 });
    expect(line!.person.idNumber).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    expect(line!.explanation).toMatchObject({ policyCode: 'LF-TRAINING', policyVersion: 1, rule: 'TRAINING.TIER_AND_LEVEL' });
    expect(line!.explanation.steps[0]!.zh).toContain('LF-TRAINING第1版');
    expect(line!.explanation.steps[0]!.en).toContain('policy LF-TRAINING version 1');
    expect(line!.explanation.steps.at(-1)).toMatchObject({ amountFen: 190_000 });
    expect(line!.explanation.steps.some((s) => s.amountFen === 190_000 && s.en.includes('tier 2'))).toBe(true);
    const excluded = (r.excluded as Array<{ person: { name: string }; rule: string; reasonZh: string }>).map((x) => [x.person.name, x.rule]);
    expect(excluded.sort()).toEqual(
      [
        ['刘建军', 'ATTENDANCE_BELOW_MINIMUM'],
        ['赵丽', 'NO_CERTIFICATE'],
        ['孙强', 'HIGHER_LEVEL_HELD'],
      ].sort(),
    );
  });

  it('is audited, announced in the outbox and visible to the claimant and the covering bureau only', async () => {
    expect(await api.prisma.auditLog.count({ where: { action: 'claim.file', entityId: claimId } })).toBe(1);
    expect(await api.prisma.outboxEvent.count({ where: { type: 'claim.filed', aggregateId: claimId } })).toBe(1);
    const node = `query($id: ID!) { node(id: $id) { ... on SubsidyClaim { number totalFen } } }`;
    const id = gid('SubsidyClaim', claimId);
    for (const [user, visible] of [
      ['institution1', true],
      ['linfen.bureau', true],
      ['admin', true],
      ['institution2', false],
      ['xiangfen.bureau', false],
      ['bayannur.bureau', false],
    ] as const) {
      const r = await api.gql<{ node: R | null }>(node, { id }, tokens[user]);
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      expect([user, r.data?.node?.totalFen ?? null]).toEqual([user, visible ? 190_000 : null]);
    }
    const list = await api.gql<{ claims: { edges: Array<{ node: { number: string } }> } }>(`{ claims(first: 10) { edges { node { number } } } }`, {}, tokens.institution2);
    expect(list.data?.claims.edges).toEqual([]);
  });

  it('filing the same class again is a CONFLICT and writes nothing', async () => {
    const before = await counts();
    const serials = await api.prisma.serialCounter.findMany({ orderBy: { key: 'asc' } });
    expect(await fileTraining(classId)).toMatchObject({ __typename: 'DomainError', code: 'CONFLICT' });
    expect(await counts()).toEqual(before);
    expect(await api.prisma.serialCounter.findMany({ orderBy: { key: 'asc' } })).toEqual(serials);
  });
});

describe('concurrent filings', () => {
  it('the same class filed twice at the same time: exactly one claim', async () => {
    const p = await person('周敏');
    await certificate(p.id, 'LEVEL_4', '2026-11-10');
    const classId = await completedClass(fx.institution1, [{ personId: p.id, rateBp: 10_000, status: 'COMPLETED' }]);
    const results = await Promise.all([fileTraining(classId), fileTraining(classId)]);
    const kinds = results.map((r) => (r.__typename === 'SubsidyClaim' ? 'OK' : r.code)).sort();
    expect(kinds).toEqual(['CONFLICT', 'OK']);
    expect(await api.prisma.subsidyClaimLine.count({ where: { personId: p.id } })).toBe(1);
  });

  it('two classes claiming the same person at the same time: one line for that person, the loser writes nothing', async () => {
    const shared = await person('吴刚');
    const other = await person('郑洁');
    const third = await person('王磊');
    for (const p of [shared, other, third]) await certificate(p.id, 'LEVEL_4', '2026-11-10');
    // Each class has a trainee of its own, so a filing that reads after the winner committed still
    // has someone to pay and succeeds without the shared person.
    const x = await completedClass(fx.institution1, [
      { personId: shared.id, rateBp: 9_000, status: 'COMPLETED' },
      { personId: third.id, rateBp: 9_000, status: 'COMPLETED' },
    ]);
    const y = await completedClass(fx.institution1, [
      { personId: shared.id, rateBp: 9_000, status: 'COMPLETED' },
      { personId: other.id, rateBp: 9_000, status: 'COMPLETED' },
    ]);
    const before = await api.prisma.subsidyClaim.count();
    const results = await Promise.all([fileTraining(x), fileTraining(y)]);
    const ok = results.filter((r) => r.__typename === 'SubsidyClaim');
    expect(ok.length).toBeGreaterThanOrEqual(1);
    // However the race falls: the person is paid once; a loser is either a CONFLICT naming nobody's
    // line twice, or (if it read after the winner committed) a claim that excludes the person.
    expect(await api.prisma.subsidyClaimLine.count({ where: { personId: shared.id, status: { not: 'REJECTED' } } })).toBe(1);
    for (const r of results) if (r.__typename !== 'SubsidyClaim') expect(r).toMatchObject({ code: 'CONFLICT' });
    expect(await api.prisma.subsidyClaim.count()).toBe(before + ok.length);
  });
});

describe('a vocational college certificate claim (临汾 003 item 9)', () => {
  it('pays 600 yuan for LEVEL_4 and 800 yuan for LEVEL_3, to the college', async () => {
    const s1 = await person('冯雪', '2005-03-01');
    const s2 = await person('褚涛', '2004-09-15');
    const outsider = await person('卫东', '2004-02-02');
    const classId = await completedClass(college, [
      { personId: s1.id, rateBp: 9_000, status: 'COMPLETED' },
      { personId: s2.id, rateBp: 9_000, status: 'COMPLETED' },
    ]);
    const session = await api.prisma.assessmentSession.create({
      data: {
        evaluationBodyId: evaluationBody,
        occupationId,
        kind: 'SKILL_LEVEL',
        level: 'LEVEL_4',
        regionCode: '141002',
        siteCode: '141002',
        classId,
        scheduledOn: new Date('2026-11-12T00:00:00Z'),
        status: 'CLOSED',
      },
    });
    for (const [p, level] of [
      [s1, 'LEVEL_4'],
      [s2, 'LEVEL_3'],
      [outsider, 'LEVEL_4'],
    ] as const) {
      const result = await api.prisma.assessmentResult.create({ data: { sessionId: session.id, personId: p.id, outcome: 'PASSED' } });
      await certificate(p.id, level, '2026-11-15', result.id);
    }
    const input = { kind: 'CERTIFICATE', sessionId: gid('AssessmentSession', session.id) };
    const denied = await api.gql<{ fileClaim: R }>(FILE, { input }, tokens.institution1);
    expect(denied.data?.fileClaim).toMatchObject({ code: 'NOT_FOUND' });

    const r = (await api.gql<{ fileClaim: R }>(FILE, { input }, tokens.college1)).data?.fileClaim as R;
    expect(r).toMatchObject({ __typename: 'SubsidyClaim', kind: 'CERTIFICATE', policyCode: 'LF-CERTIFICATE', policyVersion: 1, totalFen: 140_000, totalYuan: '1,400.00' });
    const lines = (r.lines as Line[]).map((l) => [l.person.name, l.amountFen, l.amountYuan]).sort();
    expect(lines).toEqual(
      [
        ['冯雪', 60_000, '600.00'],
        ['褚涛', 80_000, '800.00'],
      ].sort(),
    );
    for (const l of r.lines as Line[]) expect(l.explanation.steps[0]!.zh).toContain('LF-CERTIFICATE第1版');
    // Not the college's student: no graduating-year status, excluded with the rule.
    expect(r.excluded).toEqual([expect.objectContaining({ rule: 'NOT_GRADUATING_STUDENT' })]);
  });
});
