import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { makeResidentId, shanghaiDate } from '@vtc/domain';
import { SUBSIDY_POLICIES } from '../../../prisma/seed/policies.ts';
import { createFixtures, createTestPerson, startTestApi, TEST_PASSWORD, type Fixtures, type TestApi } from './testing.ts';

/**
 * Filing every other claim kind through the API, each by its own role, with the seeded policy
 * figures (docs/domain.md): class-hour subsidy by hours attended (Bayannur), enterprise staff training
 * 300 yuan a person, enterprise self-evaluation per level, the insured person's skill-upgrade
 * subsidy 1,000 / 1,500 / 2,000 yuan, apprenticeship pre-payment (50% of 5,000) and claw-back,
 * and the outcome subsidy by the class employment rate from the employment checks.
 * Dates are relative to today, since a claim must be filed within 12 months of its basis date.
 */
let api: TestApi;
let fx: Fixtures;
const tokens: Record<string, string> = {};
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
const rawId = (g: string) => Buffer.from(g, 'base64').toString().split(':')[1]!;
const ago = (days: number) => shanghaiDate(new Date(Date.now() - days * 86_400_000));
const at = (date: string) => new Date(`${date}T00:00:00Z`);

type R = Record<string, unknown>;
type Line = {
  person: { name: string } | null;
  amountFen: number;
  part: string;
  level: string | null;
  limitSlot: number | null;
  explanation: { policyCode: string; rule: string; inputs: string; steps: Array<{ zh: string; en: string; amountFen: number | null }> };
};

let occupationId: string;
let bayannurInstitution: string;
let enterpriseCreditCode: string;
let seq = 100;

function seedRules(code: string): Record<string, unknown> {
  const p = SUBSIDY_POLICIES.find((x) => x.code === code);
  if (!p) throw new Error(`no seed policy ${code}`);
  return p.rules;
}

function person(name: string, birthDate = '1990-04-12') {
  return createTestPerson(api, name, { sequence: seq++, birthDate, priorityGroups: ['RURAL_MIGRANT_WORKER'] });
}

let certSerial = 1;
async function certificate(personId: string, level: 'LEVEL_5' | 'LEVEL_4' | 'LEVEL_3', issuedOn: string, opts: { letter?: 'Y' | 'S'; issuerId?: string; resultId?: string } = {}) {
  const n = String(certSerial++).padStart(6, '0');
  return api.prisma.certificate.create({
    data: {
      number: `${opts.letter ?? 'S'}000114141002${issuedOn.slice(2, 4)}${level.slice(-1)}${n}`,
      kind: 'SKILL_LEVEL',
      personId,
      issuerId: opts.issuerId ?? fx.enterprise,
      occupationId,
      level,
      issuedOn: at(issuedOn),
      verifyToken: randomBytes(18).toString('base64url'),
      assessmentResultId: opts.resultId,
    },
  });
}

let classCounter = 1;
async function completedClass(
  institutionId: string,
  regionCode: string,
  dates: { start: string; end: string },
  trainees: Array<{ personId: string; rateBp: number; status?: 'COMPLETED' | 'FAILED' }>,
) {
  const c = await api.prisma.trainingClass.create({
    data: {
      code: `PX-KINDS-${String(classCounter++).padStart(4, '0')}`,
      name: '养老护理员(四级)培训班',
      institutionId,
      regionCode,
      occupationId,
      level: 'LEVEL_4',
      trainingType: 'EMPLOYMENT_SKILLS',
      status: 'COMPLETED',
      plannedHours: 80,
      startDate: at(dates.start),
      endDate: at(dates.end),
      completedAt: new Date(`${dates.end}T09:00:00Z`),
      venue: '教学楼 301',
      capacity: 60,
    },
  });
  const enrollments: string[] = [];
  for (const t of trainees) {
    const e = await api.prisma.enrollment.create({
      data: { classId: c.id, personId: t.personId, status: t.status ?? 'COMPLETED', attendanceRateBp: t.rateBp, priorityGroups: ['RURAL_MIGRANT_WORKER'] },
    });
    enrollments.push(e.id);
  }
  return { classId: c.id, enrollments };
}

const CLAIM = `__typename
  ... on SubsidyClaim { id number status kind scheme policyCode policyVersion totalFen totalYuan netFen supplementsClaimId
    claimant { id } claimantPerson { name }
    lines { person { name } amountFen part level limitSlot explanation { policyCode rule inputs steps { zh en amountFen } } }
    excluded { person { name } rule reason reasonZh } }
  ... on DomainError { code field message messageZh }`;
const FILE = `mutation($input: FileClaimInput!) { fileClaim(input: $input) { ${CLAIM} } }`;

async function file(input: R, user: string): Promise<R> {
  const r = await api.gql<{ fileClaim: R }>(FILE, { input }, tokens[user]);
  if (r.errors) return { errors: r.errors };
  return r.data!.fileClaim;
}

const names = (r: R) => (r.lines as Line[]).map((l) => [l.person?.name, l.amountFen]).sort();
const excludedRules = (r: R) => (r.excluded as Array<{ person: { name: string } | null; rule: string }>).map((x) => [x.person?.name ?? null, x.rule]).sort();

beforeAll(async () => {
  api = await startTestApi('subsidy_kinds');
  fx = await createFixtures(api.prisma, api.config);
  occupationId = (await api.prisma.occupation.findUniqueOrThrow({ where: { code: '4-10-01-05' } })).id;
  bayannurInstitution = (await api.prisma.organization.findFirstOrThrow({ where: { regionCode: '150802', kind: 'TRAINING_INSTITUTION' } })).id;
  enterpriseCreditCode = (await api.prisma.organization.findUniqueOrThrow({ where: { id: fx.enterprise } })).creditCode;
  // The seeded rules of each kind; the demo regions of some are not in the fixtures, so all but the
  // Bayannur class-hour policy are published for Linfen here.
  const policies: Array<[string, string, string]> = [
    ['BYN-CLASS-HOUR', 'CLASS_HOUR', '150800'],
    ['LF-ENTERPRISE-TRAINING', 'ENTERPRISE_TRAINING', '141000'],
    ['ZZ-SELF-EVALUATION', 'ENTERPRISE_SELF_EVALUATION', '141000'],
    ['LF-SKILL-UPGRADE', 'SKILL_UPGRADE', '141000'],
    ['AK-APPRENTICESHIP', 'APPRENTICESHIP', '141000'],
    ['AK-OUTCOME', 'OUTCOME', '141000'],
  ];
  for (const [code, kind, regionCode] of policies) {
    await api.prisma.subsidyPolicy.create({
      data: { code, version: 1, name: code, regionCode, kind: kind as never, effectiveFrom: at('2022-01-01'), rules: seedRules(code) as object, status: 'PUBLISHED' },
    });
  }
  const passwordHash = (await api.prisma.user.findUniqueOrThrow({ where: { username: 'institution1' } })).passwordHash;
  await api.prisma.user.create({
    data: { username: 'byn.institution', displayName: 'byn', passwordHash, roleBindings: { create: { role: 'INSTITUTION_STAFF', organizationId: bayannurInstitution } } },
  });
  await api.prisma.user.create({
    data: { username: 'trainee.b', displayName: 'b', passwordHash, personId: fx.personB, roleBindings: { create: { role: 'TRAINEE', personId: fx.personB } } },
  });
  for (const u of ['institution1', 'institution2', 'byn.institution', 'enterprise1', 'trainee.a', 'trainee.b', 'linfen.bureau', 'xiangfen.bureau', 'bayannur.bureau', 'admin']) {
    tokens[u] = await api.login(u, TEST_PASSWORD);
  }
}, 90_000);
afterAll(async () => {
  await api?.stop();
});

describe('CLASS_HOUR (Bayannur BYN-CLASS-HOUR: hours attended × 15 / 12 / 10 yuan by tier)', () => {
  it('pays each trainee their minutes ÷ 60 × 12 yuan (tier 2), links the enrollment and keeps the class basis for the uplift', async () => {
    const a = await person('巴特尔');
    const b = await person('其木格');
    const low = await person('乌云');
    const start = ago(60);
    const { classId, enrollments } = await completedClass(bayannurInstitution, '150802', { start, end: ago(30) }, [
      { personId: a.id, rateBp: 10_000 },
      { personId: b.id, rateBp: 8_000 },
      { personId: low.id, rateBp: 5_000, status: 'FAILED' },
    ]);
    // Four sessions of 150 minutes: a attends all (600 min = 10 h), b three (450 min = 7.5 h), low two.
    for (let i = 0; i < 4; i++) {
      const s = await api.prisma.attendanceSession.create({
        data: { classId, date: at(ago(59 - i)), startsAt: new Date(Date.now() - (59 - i) * 86_400_000), endsAt: new Date(Date.now() - (59 - i) * 86_400_000 + 9_000_000), minutes: 150 },
      });
      await api.prisma.attendanceRecord.createMany({
        data: [
          { sessionId: s.id, enrollmentId: enrollments[0]!, present: true },
          { sessionId: s.id, enrollmentId: enrollments[1]!, present: i < 3 },
          { sessionId: s.id, enrollmentId: enrollments[2]!, present: i < 2 },
        ],
      });
    }
    const input = { kind: 'CLASS_HOUR', classId: gid('TrainingClass', classId) };
    expect(await file(input, 'institution1')).toMatchObject({ __typename: 'DomainError', code: 'NOT_FOUND' }); // another tenant's class: as if missing
    const r = await file(input, 'byn.institution');
    expect(r).toMatchObject({ __typename: 'SubsidyClaim', kind: 'CLASS_HOUR', scheme: 'CLASS_HOUR', policyCode: 'BYN-CLASS-HOUR', totalFen: 12_000 + 9_000, totalYuan: '210.00' });
    expect(names(r)).toEqual([
      ['其木格', 9_000],
      ['巴特尔', 12_000],
    ]);
    expect(excludedRules(r)).toEqual([['乌云', 'ATTENDANCE_BELOW_MINIMUM']]);
    const line = (r.lines as Line[]).find((l) => l.person?.name === '其木格')!;
    expect(line.explanation.rule).toBe('CLASS_HOUR.HOURS_ATTENDED');
    expect(JSON.parse(line.explanation.inputs)).toMatchObject({ attendedMinutes: 450, minutesPerClassHour: 60, rateFenPerClassHour: 1_200 });
    expect(line.explanation.steps.some((s) => s.amountFen === 9_000 && s.en.includes('450 min'))).toBe(true);
    // What the employment uplift builds on: each line's enrollment and the class basis.
    const claimId = rawId(r.id as string);
    const rows = await api.prisma.subsidyClaimLine.findMany({ where: { claimId }, select: { enrollmentId: true } });
    expect(rows.map((x) => x.enrollmentId).sort()).toEqual([enrollments[0], enrollments[1]].sort());
    const stored = await api.prisma.subsidyClaim.findUniqueOrThrow({ where: { id: claimId } });
    expect(stored.computation).toMatchObject({ basis: { type: 'CLASS', classId, startDate: start, completedOn: ago(30), occupationTier: 2, targetLevel: 'LEVEL_4' } });
    expect(await file(input, 'byn.institution')).toMatchObject({ code: 'CONFLICT', field: 'classId' });
  });

  it('a class filed too late (started more than 12 months ago) pays nobody: INELIGIBLE, nothing written', async () => {
    const p = await person('阿拉坦');
    const { classId, enrollments } = await completedClass(bayannurInstitution, '150802', { start: ago(400), end: ago(380) }, [{ personId: p.id, rateBp: 10_000 }]);
    const s = await api.prisma.attendanceSession.create({ data: { classId, date: at(ago(399)), startsAt: new Date(Date.now() - 399 * 86_400_000), endsAt: new Date(Date.now() - 399 * 86_400_000 + 3_600_000), minutes: 60 } });
    await api.prisma.attendanceRecord.create({ data: { sessionId: s.id, enrollmentId: enrollments[0]!, present: true } });
    const before = await api.prisma.subsidyClaim.count();
    const r = await file({ kind: 'CLASS_HOUR', classId: gid('TrainingClass', classId) }, 'byn.institution');
    expect(r).toMatchObject({ __typename: 'DomainError', code: 'INELIGIBLE' });
    expect(await api.prisma.subsidyClaim.count()).toBe(before);
  });
});

describe('ENTERPRISE_TRAINING (Linfen: 300 yuan a person to the enterprise)', () => {
  const BATCH = `__typename ... on StaffTrainingBatch { id number status trainingKind hours participants { person { name } attendedHours completed } } ... on DomainError { code field row message }`;
  const create = `mutation($input: StaffTrainingBatchInput!) { createStaffTrainingBatch(input: $input) { ${BATCH} } }`;
  const add = `mutation($b: ID!, $p: [RealNamePersonInput!]!) { addStaffTrainingParticipants(batchId: $b, participants: $p) { ${BATCH} } }`;
  const complete = `mutation($b: ID!, $r: [StaffTrainingResultInput!]!) { completeStaffTrainingBatch(batchId: $b, results: $r) { ${BATCH} } }`;
  const batchInput = (over: R = {}) => ({ trainingKind: 'SAFETY_SKILLS', title: '2026年安全生产技能培训', startDate: ago(20), endDate: ago(18), hours: 24, ...over });

  async function createBatch(over: R = {}, user = 'enterprise1') {
    const r = await api.gql<{ createStaffTrainingBatch: R }>(create, { input: batchInput(over) }, tokens[user]);
    return r.data?.createStaffTrainingBatch ?? { errors: r.errors };
  }

  it.each([
    ['title', { title: 'x' }],
    ['endDate', { endDate: ago(25) }],
    ['hours', { hours: 0 }],
    ['occupationCode', { occupationCode: '9-99-99-99' }],
  ])('refuses a batch with a bad %s, naming the field', async (field, over) => {
    expect(await createBatch(over)).toMatchObject({ __typename: 'DomainError', code: 'VALIDATION', field });
  });

  it('a child (outside working age on the batch start) is refused as INELIGIBLE naming the row; a batch is not completed before its end', async () => {
    const b = await createBatch({ startDate: ago(3), endDate: ago(-2) });
    const child = makeResidentId({ regionCode: '141002', birthDate: '2015-06-01', sequence: 775 });
    const adult = makeResidentId({ regionCode: '141002', birthDate: '1991-06-01', sequence: 776 });
    const r = await api.gql<{ addStaffTrainingParticipants: R }>(add, { b: b.id, p: [{ name: '顾成', idNumber: adult }, { name: '顾小', idNumber: child }] }, tokens.enterprise1);
    expect(r.data?.addStaffTrainingParticipants).toMatchObject({ code: 'INELIGIBLE', field: 'idNumber', row: 2 });
    expect(await api.prisma.staffTrainingParticipant.count({ where: { batchId: rawId(b.id as string) } })).toBe(0);
    await api.gql(add, { b: b.id, p: [{ name: '顾成', idNumber: adult }] }, tokens.enterprise1);
    const pid = (await api.prisma.staffTrainingParticipant.findFirstOrThrow({ where: { batchId: rawId(b.id as string) } })).personId;
    const early = await api.gql<{ completeStaffTrainingBatch: R }>(complete, { b: b.id, r: [{ personId: gid('Person', pid), attendedHours: 24, completed: true }] }, tokens.enterprise1);
    expect(early.data?.completeStaffTrainingBatch).toMatchObject({ code: 'INVALID_TRANSITION', field: 'batchId' });
  });

  it('only an enterprise records staff training', async () => {
    expect(await createBatch({}, 'institution1')).toMatchObject({ __typename: 'DomainError', code: 'FORBIDDEN' });
  });

  it('create, add staff by ID (the same ID is the same person), complete, file: 300 yuan each, low attendance excluded', async () => {
    const known = await person('郭建国', '1985-02-03');
    const b = await createBatch();
    expect(b).toMatchObject({ __typename: 'StaffTrainingBatch', status: 'DRAFT', trainingKind: 'SAFETY_SKILLS', hours: 24 });
    expect(b.number).toMatch(/^ZG-141002-\d{4}-\d{5}$/);
    const batchId = b.id as string;
    const id2 = makeResidentId({ regionCode: '141002', birthDate: '1992-07-08', sequence: 771 });
    const id3 = makeResidentId({ regionCode: '141002', birthDate: '1994-01-20', sequence: 772 });
    const badId = `${id3.slice(0, 17)}${id3.endsWith('0') ? '1' : '0'}`;
    // A bad ID on row 2: nothing is added, the row and field are named.
    const bad = await api.gql<{ addStaffTrainingParticipants: R }>(add, { b: batchId, p: [{ name: '郭建国', idNumber: known.idNumber }, { name: '韩梅', idNumber: badId }] }, tokens.enterprise1);
    expect(bad.data?.addStaffTrainingParticipants).toMatchObject({ code: 'INVALID_RESIDENT_ID', field: 'idNumber', row: 2 });
    const dup = await api.gql<{ addStaffTrainingParticipants: R }>(add, { b: batchId, p: [{ name: '韩梅', idNumber: id2 }, { name: '韩梅', idNumber: id2 }] }, tokens.enterprise1);
    expect(dup.data?.addStaffTrainingParticipants).toMatchObject({ code: 'VALIDATION', field: 'idNumber', row: 2 });
    const ok = await api.gql<{ addStaffTrainingParticipants: R }>(
      add,
      { b: batchId, p: [{ name: '郭建国', idNumber: known.idNumber }, { name: '韩梅', idNumber: id2 }, { name: '石磊', idNumber: id3 }] },
      tokens.enterprise1,
    );
    expect((ok.data?.addStaffTrainingParticipants.participants as unknown[]).length).toBe(3);
    expect(await api.prisma.person.count({ where: { name: '郭建国' } })).toBe(1);
    const again = await api.gql<{ addStaffTrainingParticipants: R }>(add, { b: batchId, p: [{ name: '韩梅', idNumber: id2 }] }, tokens.enterprise1);
    expect(again.data?.addStaffTrainingParticipants).toMatchObject({ code: 'CONFLICT', row: 1 });

    // Not completed yet: no claim.
    const input = { kind: 'ENTERPRISE_TRAINING', batchId };
    expect(await file(input, 'enterprise1')).toMatchObject({ code: 'INVALID_TRANSITION', field: 'batchId' });

    const people = await api.prisma.staffTrainingParticipant.findMany({ where: { batchId: rawId(batchId) }, include: { person: true } });
    const pid = (name: string) => gid('Person', people.find((p) => p.person.name === name)!.personId);
    const missing = await api.gql<{ completeStaffTrainingBatch: R }>(complete, { b: batchId, r: [{ personId: pid('郭建国'), attendedHours: 24, completed: true }] }, tokens.enterprise1);
    expect(missing.data?.completeStaffTrainingBatch).toMatchObject({ code: 'VALIDATION', field: 'results' });
    const tooMany = await api.gql<{ completeStaffTrainingBatch: R }>(
      complete,
      { b: batchId, r: [{ personId: pid('郭建国'), attendedHours: 25, completed: true }, { personId: pid('韩梅'), attendedHours: 24, completed: true }, { personId: pid('石磊'), attendedHours: 1, completed: false }] },
      tokens.enterprise1,
    );
    expect(tooMany.data?.completeStaffTrainingBatch).toMatchObject({ code: 'VALIDATION', field: 'attendedHours', row: 1 });
    const done = await api.gql<{ completeStaffTrainingBatch: R }>(
      complete,
      { b: batchId, r: [{ personId: pid('郭建国'), attendedHours: 24, completed: true }, { personId: pid('韩梅'), attendedHours: 20, completed: true }, { personId: pid('石磊'), attendedHours: 12, completed: false }] },
      tokens.enterprise1,
    );
    expect(done.data?.completeStaffTrainingBatch).toMatchObject({ status: 'COMPLETED' });

    expect(await file(input, 'institution1')).toMatchObject({ code: 'NOT_FOUND' });
    const r = await file(input, 'enterprise1');
    expect(r).toMatchObject({ __typename: 'SubsidyClaim', kind: 'ENTERPRISE_TRAINING', policyCode: 'LF-ENTERPRISE-TRAINING', totalFen: 60_000, totalYuan: '600.00', claimant: { id: gid('Organization', fx.enterprise) } });
    expect(names(r)).toEqual([
      ['郭建国', 30_000],
      ['韩梅', 30_000],
    ]);
    expect(excludedRules(r)).toEqual([['石磊', 'ATTENDANCE_BELOW_MINIMUM']]);
    expect((r.lines as Line[])[0]!.explanation.rule).toBe('ENTERPRISE_TRAINING.PER_PERSON');
    expect(await file(input, 'enterprise1')).toMatchObject({ code: 'CONFLICT', field: 'batchId' });

    // Visibility: the enterprise and the covering bureau; not another region's bureau nor an institution.
    const node = `query($id: ID!) { node(id: $id) { ... on StaffTrainingBatch { number } } }`;
    for (const [user, visible] of [
      ['enterprise1', true],
      ['linfen.bureau', true],
      ['bayannur.bureau', false],
      ['institution1', false],
    ] as const) {
      const q = await api.gql<{ node: R | null }>(node, { id: batchId }, tokens[user]);
      expect([user, q.data?.node?.number ?? null]).toEqual([user, visible ? b.number : null]);
    }
  });

  async function completedBatch(personIds: string[]) {
    const b = await api.prisma.staffTrainingBatch.create({
      data: {
        number: `ZG-T-${randomBytes(4).toString('hex')}`,
        enterpriseId: fx.enterprise,
        regionCode: '141002',
        trainingKind: 'PRE_JOB',
        title: '岗前培训',
        startDate: at(ago(15)),
        endDate: at(ago(14)),
        hours: 16,
        status: 'COMPLETED',
        completedAt: new Date(),
      },
    });
    await api.prisma.staffTrainingParticipant.createMany({ data: personIds.map((personId) => ({ batchId: b.id, personId, attendedHours: 16, completed: true })) });
    return gid('StaffTrainingBatch', b.id);
  }

  it('the same batch filed twice at the same time: exactly one claim', async () => {
    const p = await person('魏东');
    const batchId = await completedBatch([p.id]);
    const results = await Promise.all([file({ kind: 'ENTERPRISE_TRAINING', batchId }, 'enterprise1'), file({ kind: 'ENTERPRISE_TRAINING', batchId }, 'enterprise1')]);
    expect(results.map((r) => (r.__typename === 'SubsidyClaim' ? 'OK' : r.code)).sort()).toEqual(['CONFLICT', 'OK']);
    expect(await api.prisma.subsidyClaimLine.count({ where: { personId: p.id } })).toBe(1);
  });

  it('two batches racing for the last yearly slot of a person (2 of 3 used): the person gets one line in slot 3', async () => {
    const p = await person('蒋涛');
    const other = await person('沈月');
    const third = await person('韦华');
    const policy = await api.prisma.subsidyPolicy.findFirstOrThrow({ where: { code: 'LF-ENTERPRISE-TRAINING' } });
    const year = Number(ago(15).slice(0, 4));
    const prior = await api.prisma.subsidyClaim.create({
      data: { number: `BT-PRIOR-${randomBytes(3).toString('hex')}`, claimantId: fx.enterprise, regionCode: '141002', policyId: policy.id, kind: 'ENTERPRISE_TRAINING', claimKind: 'ENTERPRISE_TRAINING', basisRef: 'batch:prior', computation: {}, status: 'SUBMITTED', totalFen: 2n },
    });
    for (const slot of [1, 2]) {
      await api.prisma.subsidyClaimLine.create({
        data: { claimId: prior.id, personId: p.id, kind: 'ENTERPRISE_TRAINING', basisRef: `batch:prior-${slot}`, amountFen: 1, subsidyYear: year, countsTowardLimit: true, limitSlot: slot, dedupKey: `PRIOR|${p.id}|${slot}`, explanation: {} },
      });
    }
    const x = await completedBatch([p.id, other.id]);
    const y = await completedBatch([p.id, third.id]);
    const results = await Promise.all([file({ kind: 'ENTERPRISE_TRAINING', batchId: x }, 'enterprise1'), file({ kind: 'ENTERPRISE_TRAINING', batchId: y }, 'enterprise1')]);
    for (const r of results) if (r.__typename !== 'SubsidyClaim') expect(r).toMatchObject({ code: 'CONFLICT' });
    const live = await api.prisma.subsidyClaimLine.findMany({ where: { personId: p.id, status: { not: 'REJECTED' } }, select: { limitSlot: true } });
    expect(live.map((l) => l.limitSlot).sort()).toEqual([1, 2, 3]);
    // A filing that read after the winner committed files without the person, naming the limit.
    for (const r of results) {
      if (r.__typename === 'SubsidyClaim' && !(r.lines as Line[]).some((l) => l.person?.name === '蒋涛')) {
        expect(excludedRules(r)).toEqual([['蒋涛', 'YEARLY_LIMIT_REACHED']]);
      }
    }
  });
});

describe('ENTERPRISE_SELF_EVALUATION (an enterprise that evaluated its own staff)', () => {
  it('pays per level for the Y-type certificates of the session the enterprise ran; an S-type one is excluded', async () => {
    const y4 = await person('钱进');
    const y3 = await person('孔明');
    const s4 = await person('曹阳');
    const session = await api.prisma.assessmentSession.create({
      data: { evaluationBodyId: fx.enterprise, occupationId, kind: 'SKILL_LEVEL', level: 'LEVEL_4', regionCode: '141002', siteCode: '141002', scheduledOn: at(ago(40)), status: 'CLOSED' },
    });
    for (const [p, level, letter] of [
      [y4, 'LEVEL_4', 'Y'],
      [y3, 'LEVEL_3', 'Y'],
      [s4, 'LEVEL_4', 'S'],
    ] as const) {
      const result = await api.prisma.assessmentResult.create({ data: { sessionId: session.id, personId: p.id, outcome: 'PASSED' } });
      await certificate(p.id, level, ago(35), { letter, resultId: result.id });
    }
    const input = { kind: 'ENTERPRISE_SELF_EVALUATION', sessionId: gid('AssessmentSession', session.id) };
    expect(await file(input, 'institution1')).toMatchObject({ code: 'NOT_FOUND' });
    const r = await file(input, 'enterprise1');
    expect(r).toMatchObject({ __typename: 'SubsidyClaim', kind: 'ENTERPRISE_SELF_EVALUATION', policyCode: 'ZZ-SELF-EVALUATION', totalFen: 150_000 + 200_000 });
    expect(names(r)).toEqual([
      ['孔明', 200_000],
      ['钱进', 150_000],
    ]);
    expect(excludedRules(r)).toEqual([['曹阳', 'NOT_SELF_EVALUATED']]);
    expect(await file(input, 'enterprise1')).toMatchObject({ code: 'CONFLICT', field: 'sessionId' });
  });
});

describe('SKILL_UPGRADE (the insured person claims 1,000 / 1,500 / 2,000 yuan for themself)', () => {
  async function contributions(personId: string, months: number, endMonth: string) {
    const [y, m] = [Number(endMonth.slice(0, 4)), Number(endMonth.slice(5, 7))];
    const rows = Array.from({ length: months }, (_, i) => {
      const d = new Date(Date.UTC(y, m - 1 - i, 1));
      return { personId, employerCreditCode: enterpriseCreditCode, month: `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`, insuranceType: 'UNEMPLOYMENT' as const, amountFen: 3_000 };
    });
    await api.prisma.socialInsuranceContribution.createMany({ data: rows });
    // Pension months do not count.
    await api.prisma.socialInsuranceContribution.createMany({ data: rows.map((r) => ({ ...r, insuranceType: 'PENSION' as const })) });
  }

  it('trainee A files for their LEVEL_4 certificate with 13 insured months: 1,500 yuan, the person is the claimant', async () => {
    const issued = ago(30);
    await contributions(fx.personA, 13, issued);
    const cert = await certificate(fx.personA, 'LEVEL_4', issued);
    const input = { kind: 'SKILL_UPGRADE', certificateId: gid('Certificate', cert.id) };
    expect(await file(input, 'institution1')).toMatchObject({ code: 'FORBIDDEN' });
    expect(await file(input, 'trainee.b')).toMatchObject({ code: 'NOT_FOUND' });
    const r = await file(input, 'trainee.a');
    expect(r).toMatchObject({ __typename: 'SubsidyClaim', kind: 'SKILL_UPGRADE', policyCode: 'LF-SKILL-UPGRADE', totalFen: 150_000, totalYuan: '1,500.00', claimant: null, claimantPerson: { name: '张伟' } });
    const line = (r.lines as Line[])[0]!;
    expect(line).toMatchObject({ amountFen: 150_000, level: 'LEVEL_4', limitSlot: 1 });
    expect(JSON.parse(line.explanation.inputs)).toMatchObject({ insuredMonths: 13 });
    const claimId = rawId(r.id as string);
    const stored = await api.prisma.subsidyClaim.findUniqueOrThrow({ where: { id: claimId } });
    expect(stored).toMatchObject({ claimantId: null, claimantPersonId: fx.personA, regionCode: '141002' });
    // The claimant sees their claim; the covering bureau too; the institution and another trainee do not.
    const list = `{ claims(first: 100) { edges { node { number } } } }`;
    for (const [user, visible] of [
      ['trainee.a', true],
      ['linfen.bureau', true],
      ['trainee.b', false],
      ['institution1', false],
    ] as const) {
      const q = await api.gql<{ claims: { edges: Array<{ node: { number: string } }> } }>(list, {}, tokens[user]);
      expect([user, q.data!.claims.edges.some((e) => e.node.number === r.number)]).toEqual([user, visible]);
    }
    expect(await file(input, 'trainee.a')).toMatchObject({ code: 'CONFLICT', field: 'certificateId' });
  });

  it('with 5 insured months (12 required) nothing is filed: INELIGIBLE', async () => {
    const issued = ago(20);
    await contributions(fx.personB, 5, issued);
    const cert = await certificate(fx.personB, 'LEVEL_3', issued);
    const r = await file({ kind: 'SKILL_UPGRADE', certificateId: gid('Certificate', cert.id) }, 'trainee.b');
    expect(r).toMatchObject({ __typename: 'DomainError', code: 'INELIGIBLE' });
    expect(await api.prisma.subsidyClaim.count({ where: { claimantPersonId: fx.personB } })).toBe(0);
  });
});

describe('APPRENTICESHIP (pre-payment 50% of 5,000 yuan; claw-back when terminated)', () => {
  const APP = `__typename ... on Apprenticeship { id status startDate endDate targetLevel } ... on DomainError { code field message }`;
  const createApp = `mutation($input: ApprenticeshipInput!) { createApprenticeship(input: $input) { ${APP} } }`;
  const terminate = `mutation($id: ID!, $on: String!, $reason: String!) { terminateApprenticeship(id: $id, endedOn: $on, reason: $reason) { ${APP} } }`;
  // Year 2 started 30 days ago (so its pre-payment is due now); the apprenticeship runs two years.
  const start = ago(365 + 30);

  function appInput(name: string, idNumber: string, over: R = {}) {
    const [y, m, d] = start.split('-');
    return {
      apprentice: { name, idNumber },
      institutionId: gid('Organization', fx.institution1),
      occupationCode: '4-10-01-05',
      targetLevel: 'LEVEL_4',
      mentorName: '王师傅',
      startDate: start,
      endDate: shanghaiDate(new Date(Date.UTC(Number(y) + 2, Number(m) - 1, Number(d) - 1, 12))),
      ...over,
    };
  }

  it('a termination date outside the term or without a reason is refused, naming the field', async () => {
    const id = makeResidentId({ regionCode: '141002', birthDate: '2003-01-01', sequence: 884 });
    const r = await api.gql<{ createApprenticeship: R }>(createApp, { input: appInput('林森', id) }, tokens.enterprise1);
    const appId = r.data!.createApprenticeship.id as string;
    const early = await api.gql<{ terminateApprenticeship: R }>(terminate, { id: appId, on: ago(500), reason: '个人原因' }, tokens.enterprise1);
    expect(early.data?.terminateApprenticeship).toMatchObject({ code: 'VALIDATION', field: 'endedOn' });
    const noReason = await api.gql<{ terminateApprenticeship: R }>(terminate, { id: appId, on: ago(1), reason: ' ' }, tokens.enterprise1);
    expect(noReason.data?.terminateApprenticeship).toMatchObject({ code: 'VALIDATION', field: 'reason' });
    // The same person cannot start an overlapping apprenticeship.
    const twice = await api.gql<{ createApprenticeship: R }>(createApp, { input: appInput('林森', id) }, tokens.enterprise1);
    expect(twice.data?.createApprenticeship).toMatchObject({ code: 'CONFLICT', field: 'apprentice.idNumber' });
  });

  it('refuses a term over 3 years and a bad ID, naming the field; only an enterprise registers', async () => {
    const id = makeResidentId({ regionCode: '141002', birthDate: '2000-01-01', sequence: 881 });
    const r1 = await api.gql<{ createApprenticeship: R }>(createApp, { input: appInput('田野', id, { endDate: ago(-1200) }) }, tokens.enterprise1);
    expect(r1.data?.createApprenticeship).toMatchObject({ code: 'VALIDATION', field: 'endDate' });
    const r2 = await api.gql<{ createApprenticeship: R }>(createApp, { input: appInput('田野', `${id.slice(0, 17)}${id.endsWith('0') ? '1' : '0'}`) }, tokens.enterprise1);
    expect(r2.data?.createApprenticeship).toMatchObject({ code: 'INVALID_RESIDENT_ID', field: 'apprentice.idNumber' });
    const r3 = await api.gql<{ createApprenticeship: R }>(createApp, { input: appInput('田野', id) }, tokens.institution1);
    expect(r3.data?.createApprenticeship).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('pre-pays 2,500 yuan per apprentice for year 2, then settles a terminated one with a −2,500 CLAWBACK line naming the pre-payment claim', async () => {
    const ids = [
      makeResidentId({ regionCode: '141002', birthDate: '2001-03-04', sequence: 882 }),
      makeResidentId({ regionCode: '141002', birthDate: '2002-05-06', sequence: 883 }),
    ];
    const apps: string[] = [];
    for (const [i, name] of ['贾宁', '骆冰'].entries()) {
      const r = await api.gql<{ createApprenticeship: R }>(createApp, { input: appInput(name, ids[i]!) }, tokens.enterprise1);
      expect(r.data?.createApprenticeship).toMatchObject({ __typename: 'Apprenticeship', status: 'ACTIVE', startDate: start });
      apps.push(r.data!.createApprenticeship.id as string);
    }
    const pre = { kind: 'APPRENTICESHIP_PREPAYMENT', apprenticeshipIds: apps, yearIndex: 2 };
    expect(await file({ ...pre, yearIndex: 0 }, 'enterprise1')).toMatchObject({ code: 'VALIDATION', field: 'yearIndex' });
    expect(await file({ ...pre, yearIndex: 3 }, 'enterprise1')).toMatchObject({ code: 'VALIDATION', field: 'yearIndex' });
    expect(await file(pre, 'institution1')).toMatchObject({ code: 'FORBIDDEN' });
    const p = await file(pre, 'enterprise1');
    expect(p).toMatchObject({ __typename: 'SubsidyClaim', kind: 'APPRENTICESHIP_PREPAYMENT', scheme: 'APPRENTICESHIP', policyCode: 'AK-APPRENTICESHIP', totalFen: 500_000 });
    expect((p.lines as Line[]).map((l) => [l.person?.name, l.amountFen, l.part]).sort()).toEqual([
      ['贾宁', 250_000, 'PREPAYMENT'],
      ['骆冰', 250_000, 'PREPAYMENT'],
    ]);
    expect(await file(pre, 'enterprise1')).toMatchObject({ code: 'CONFLICT', field: 'apprenticeshipIds' });

    // 骆冰 leaves early; the pre-payment is approved (set directly: review is another module's).
    const t = await api.gql<{ terminateApprenticeship: R }>(terminate, { id: apps[1], on: ago(5), reason: '个人原因离职' }, tokens.enterprise1);
    expect(t.data?.terminateApprenticeship).toMatchObject({ status: 'TERMINATED', endDate: ago(5) });
    const preId = rawId(p.id as string);
    await api.prisma.subsidyClaimLine.updateMany({ where: { claimId: preId }, data: { status: 'ACCEPTED' } });
    await api.prisma.subsidyClaim.update({ where: { id: preId }, data: { status: 'APPROVED', approvedFen: 500_000n } });

    const s = await file({ kind: 'APPRENTICESHIP_SETTLEMENT', prepaymentClaimId: p.id }, 'enterprise1');
    // The claim nets to −2,500: nothing is payable (total 0) and 2,500 is to be recovered.
    expect(s).toMatchObject({ __typename: 'SubsidyClaim', kind: 'APPRENTICESHIP_SETTLEMENT', totalFen: 0, netFen: -250_000, supplementsClaimId: p.id });
    const [line] = s.lines as Line[];
    expect(line).toMatchObject({ person: { name: '骆冰' }, amountFen: -250_000, part: 'CLAWBACK' });
    expect(line!.explanation.rule).toBe('APPRENTICESHIP.CLAWBACK');
    // Year 2 of the other apprentice is still running.
    expect(excludedRules(s)).toEqual([['贾宁', 'APPRENTICESHIP_NOT_ENDED']]);
    const stored = await api.prisma.subsidyClaim.findUniqueOrThrow({ where: { id: rawId(s.id as string) } });
    expect(stored.supplementsClaimId).toBe(preId);
    expect(stored.computation).toMatchObject({ facts: { netFen: -250_000, recoverFen: 250_000 } });

    // Completing the running one works once; a terminated one cannot be completed.
    const completeApp = `mutation($id: ID!) { completeApprenticeship(id: $id) { ${APP} } }`;
    const c1 = await api.gql<{ completeApprenticeship: R }>(completeApp, { id: apps[0] }, tokens.enterprise1);
    expect(c1.data?.completeApprenticeship).toMatchObject({ status: 'COMPLETED' });
    const c2 = await api.gql<{ completeApprenticeship: R }>(completeApp, { id: apps[0] }, tokens.enterprise1);
    expect(c2.data?.completeApprenticeship).toMatchObject({ code: 'INVALID_TRANSITION' });
    const c3 = await api.gql<{ completeApprenticeship: R }>(completeApp, { id: apps[1] }, tokens.enterprise1);
    expect(c3.data?.completeApprenticeship).toMatchObject({ code: 'INVALID_TRANSITION' });
    // Bureaus see apprenticeships of their region only.
    const node = `query($id: ID!) { node(id: $id) { ... on Apprenticeship { status } } }`;
    for (const [user, visible] of [
      ['linfen.bureau', true],
      ['bayannur.bureau', false],
      ['institution1', true],
      ['institution2', false],
    ] as const) {
      const q = await api.gql<{ node: R | null }>(node, { id: apps[0] }, tokens[user]);
      expect([user, q.data?.node?.status ?? null]).toEqual([user, visible ? 'COMPLETED' : null]);
    }
  });
});

describe('OUTCOME (class employment rate tiers from the employment checks)', () => {
  async function classWithChecks(employed: number, total: number, opts: { checkpoint?: number; decided?: boolean } = {}) {
    const people: Array<{ id: string }> = [];
    for (let i = 0; i < total; i++) people.push(await person(`成效${classCounter}-${i}`));
    const end = ago(200);
    const { classId, enrollments } = await completedClass(fx.institution1, '141002', { start: ago(230), end }, people.map((p) => ({ personId: p.id, rateBp: 9_000 })));
    const cp = opts.checkpoint ?? 6;
    await api.prisma.employmentCheck.createMany({
      data: enrollments.map((enrollmentId, i) => ({
        enrollmentId,
        personId: people[i]!.id,
        classId,
        checkpointMonths: cp,
        completedOn: at(end),
        dueOn: at(ago(200 - cp * 30)),
        status: opts.decided === false ? ('PENDING' as const) : i < employed ? (i % 2 === 0 ? ('QUALIFIED' as const) : ('EMPLOYED' as const)) : ('NOT_EMPLOYED' as const),
        decidedAt: opts.decided === false ? null : new Date(),
      })),
    });
    return gid('TrainingClass', classId);
  }

  it('4 of 5 employed at the 6-month checkpoint (80%): 100% of the 500-yuan base for each trainee, the checkpoint named', async () => {
    const classId = await classWithChecks(4, 5);
    const r = await file({ kind: 'OUTCOME', classId }, 'institution1');
    expect(r).toMatchObject({ __typename: 'SubsidyClaim', kind: 'OUTCOME', policyCode: 'AK-OUTCOME', totalFen: 5 * 50_000 });
    const line = (r.lines as Line[])[0]!;
    expect(line.explanation.rule).toBe('OUTCOME.EMPLOYMENT_RATE_TIER');
    expect(JSON.parse(line.explanation.inputs)).toMatchObject({ classEmploymentRateBp: 8_000, tierShareBp: 10_000, employmentCheckpointMonths: 6 });
    expect(line.explanation.steps.some((s) => s.zh.includes('结业后6个月检查点') && s.en.includes('6-month checkpoint'))).toBe(true);
  });

  it('2 of 5 employed (40%): the tier pays nothing, INELIGIBLE', async () => {
    const classId = await classWithChecks(2, 5);
    expect(await file({ kind: 'OUTCOME', classId }, 'institution1')).toMatchObject({ code: 'INELIGIBLE' });
  });

  it('no employment check decided yet: refused with a clear error', async () => {
    const classId = await classWithChecks(0, 2, { decided: false });
    const r = await file({ kind: 'OUTCOME', classId }, 'institution1');
    expect(r).toMatchObject({ code: 'INELIGIBLE', field: 'classId' });
    expect(r.message).toContain('No employment check');
  });

  it('another institution cannot file it', async () => {
    const classId = await classWithChecks(1, 1);
    expect(await file({ kind: 'OUTCOME', classId }, 'institution2')).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('input errors', () => {
  it.each([
    ['CLASS_HOUR', 'classId'],
    ['OUTCOME', 'classId'],
    ['ENTERPRISE_TRAINING', 'batchId'],
    ['SKILL_UPGRADE', 'certificateId'],
    ['ENTERPRISE_SELF_EVALUATION', 'sessionId'],
    ['APPRENTICESHIP_PREPAYMENT', 'apprenticeshipIds'],
  ])('%s without its basis: VALIDATION naming %s', async (kind, field) => {
    expect(await file({ kind }, 'admin')).toMatchObject({ code: 'VALIDATION', field });
  });

  it('an unknown batch is NOT_FOUND', async () => {
    expect(await file({ kind: 'ENTERPRISE_TRAINING', batchId: gid('StaffTrainingBatch', '00000000-0000-4000-8000-000000000000') }, 'enterprise1')).toMatchObject({ code: 'NOT_FOUND' });
  });
});
