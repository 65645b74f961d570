import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import { DomainError, dedupKey } from '@vtc/domain';
import pg from 'pg';
import type { Actor } from '../shared/actor.ts';
import { ledgerBalances } from './balances.ts';
import { payClaim } from './payment.ts';
import { approveClaim, closeNotice, reviewClaim } from './review.ts';
import { type FileClaimInput, fileClaim } from './claim-filing.ts';
import { seedRegions, seedCareOccupation, seedInstitution } from '../shared/fixtures.testkit.ts';

/**
 * The database is the last word on "never twice": when another transaction writes a line for the
 * same person while a claim is being computed, the filing loses on the partial unique indexes
 * (dedupKey, or the person's yearly limit slot) and surfaces a CONFLICT naming the person, with
 * nothing written. The race is staged deterministically: the other transaction holds its
 * uncommitted line until the filing is blocked on the index, then commits.
 */
let db: TestDatabase;
let prisma: PrismaClient;
let occupationId: string;
let inst: string;
let policyId: string;
let staff: Actor;

/** Within 12 months of the test classes' start (2026-10-08), whenever the tests run. */
const FILED_AT = new Date('2026-11-20T04:00:00Z');

const RULES = {
  payee: 'TRAINING_INSTITUTION',
  minAttendanceRateBp: 8_000,
  requiresPassedAssessment: true,
  priorityGroups: null,
  workingAge: { MALE: { min: 16, max: 60 }, FEMALE: { min: 16, max: 55 } },
  claimWithinMonths: 12,
  maxSubsidiesPerYear: 3,
  higherLevelBarsLower: true,
  exclusions: [],
  sameOccupationAndLevelOnce: true,
  amountFenByTierAndLevel: { '2': { LEVEL_5: 140_000, LEVEL_4: 190_000, LEVEL_3: 250_000 } },
  maxPerPersonFen: 400_000,
};

beforeAll(async () => {
  db = await createTestDatabase('subsidy_claim');
  prisma = createPrisma(db.url);
  await seedRegions(prisma, ['140000', '141000', '141002']);
  occupationId = await seedCareOccupation(prisma);
  inst = await seedInstitution(prisma, { name: '尧都区培训学校', regionCode: '141002', creditCode: '52141002MJ0000001A' });
  policyId = (
    await prisma.subsidyPolicy.create({
      data: { code: 'LF-TRAINING', version: 1, name: '临汾', regionCode: '141000', kind: 'TRAINING', effectiveFrom: new Date('2022-07-01T00:00:00Z'), rules: RULES, status: 'PUBLISHED' },
    })
  ).id;
  staff = {
    userId: randomUUID(),
    username: 'staff',
    sessionId: null,
    roles: [{ role: 'INSTITUTION_STAFF', regionCode: null, organizationId: inst, personId: null, canViewIdNumbers: false }],
  };
});

afterAll(async () => {
  await prisma.$disconnect();
  await db.drop();
});

let n = 0;
async function completedClassWithOneTrainee() {
  n += 1;
  const person = await prisma.person.create({
    data: {
      name: `学员${n}`,
      idNumberCipher: 'x',
      idNumberHash: randomBytes(32).toString('hex'),
      idNumberMasked: `141002********${String(1000 + n)}`,
      birthDate: new Date('1990-01-01T00:00:00Z'),
      sex: 'MALE',
      originRegionCode: '141002',
    },
  });
  const klass = await prisma.trainingClass.create({
    data: {
      code: `PX-T-${n}`,
      name: '养老护理员',
      institutionId: inst,
      regionCode: '141002',
      occupationId,
      level: 'LEVEL_4',
      trainingType: 'EMPLOYMENT_SKILLS',
      status: 'COMPLETED',
      plannedHours: 80,
      startDate: new Date('2026-10-08T00:00:00Z'),
      endDate: new Date('2026-11-06T00:00:00Z'),
      completedAt: new Date('2026-11-06T09:00:00Z'),
      venue: '301',
      capacity: 10,
    },
  });
  await prisma.enrollment.create({ data: { classId: klass.id, personId: person.id, status: 'COMPLETED', attendanceRateBp: 9_000 } });
  await prisma.certificate.create({
    data: {
      number: `S00011414100226400${String(1000 + n)}`,
      kind: 'SKILL_LEVEL',
      personId: person.id,
      issuerId: inst,
      occupationId,
      level: 'LEVEL_4',
      issuedOn: new Date('2026-11-10T00:00:00Z'),
      verifyToken: randomBytes(18).toString('base64url'),
    },
  });
  return { personId: person.id, masked: person.idNumberMasked, classId: klass.id };
}

/** Hold an uncommitted line for the person until the filing is blocked on it, then commit. */
async function race(line: { personId: string; dedupKey: string; limitSlot: number | null; number: string }, filing: () => Promise<unknown>) {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let inserted!: () => void;
  const ready = new Promise<void>((r) => {
    inserted = r;
  });
  const holder = prisma.$transaction(
    async (tx) => {
      const claim = await tx.subsidyClaim.create({
        data: {
          number: line.number,
          claimantId: inst,
          regionCode: '141002',
          policyId,
          kind: 'TRAINING',
          claimKind: 'TRAINING',
          basisRef: `class:${randomUUID()}`,
          computation: {},
          status: 'SUBMITTED',
          totalFen: 1n,
        },
      });
      await tx.subsidyClaimLine.create({
        data: {
          claimId: claim.id,
          personId: line.personId,
          kind: 'TRAINING',
          basisRef: 'class:other',
          amountFen: 1,
          subsidyYear: 2026,
          countsTowardLimit: line.limitSlot !== null,
          limitSlot: line.limitSlot,
          dedupKey: line.dedupKey,
          explanation: {},
        },
      });
      inserted();
      await gate;
    },
    { timeout: 20_000 },
  );
  await ready;
  const result = filing().then(
    (ok) => ok,
    (e: unknown) => e,
  );
  await new Promise((r) => setTimeout(r, 500));
  release();
  await holder;
  return result;
}

async function written() {
  const [claims, lines, audits, events] = await Promise.all([
    prisma.subsidyClaim.count(),
    prisma.subsidyClaimLine.count(),
    prisma.auditLog.count(),
    prisma.outboxEvent.count(),
  ]);
  return { claims, lines, audits, events };
}

describe('a claim that loses a race on the database', () => {
  it('loses on the per-level dedup key: CONFLICT naming the person, nothing written', async () => {
    const t = await completedClassWithOneTrainee();
    const key = dedupKey({ scheme: 'OCCUPATION_LEVEL', personId: t.personId, occupationCode: '4-10-01-05', level: 'LEVEL_4', basis: '*', slot: 'MAIN' });
    const before = await written();
    const e = await race({ personId: t.personId, dedupKey: key, limitSlot: null, number: 'BT-OTHER-1' }, () => fileClaim(prisma, staff, { kind: 'TRAINING', classId: t.classId }, FILED_AT));
    expect(e).toBeInstanceOf(DomainError);
    expect(e).toMatchObject({ code: 'CONFLICT', details: { personId: t.personId, claimNumber: 'BT-OTHER-1' } });
    expect((e as DomainError).message).toContain(t.masked);
    // Only the other transaction's claim and line exist.
    expect(await written()).toEqual({ ...before, claims: before.claims + 1, lines: before.lines + 1 });
  });

  it("loses on the person's yearly limit slot (another scheme took slot 1): CONFLICT, nothing written", async () => {
    const t = await completedClassWithOneTrainee();
    const before = await written();
    const e = await race({ personId: t.personId, dedupKey: `OTHER|${t.personId}`, limitSlot: 1, number: 'BT-OTHER-2' }, () =>
      fileClaim(prisma, staff, { kind: 'TRAINING', classId: t.classId }, FILED_AT),
    );
    expect(e).toMatchObject({ code: 'CONFLICT', details: { personId: t.personId, claimNumber: 'BT-OTHER-2' } });
    expect(await written()).toEqual({ ...before, claims: before.claims + 1, lines: before.lines + 1 });
  });

  it('without a race the same trainee is filed normally', async () => {
    const t = await completedClassWithOneTrainee();
    const r = await fileClaim(prisma, staff, { kind: 'TRAINING', classId: t.classId }, FILED_AT);
    expect([r.totalFen, r.lines, r.excluded, r.number]).toEqual([190_000, 1, 0, expect.stringMatching(/^BT-141002-\d{4}-\d{6}$/)]);
    const line = await prisma.subsidyClaimLine.findFirstOrThrow({ where: { claimId: r.claimId } });
    expect(line).toMatchObject({ limitSlot: 1, countsTowardLimit: true, part: 'MAIN', level: 'LEVEL_4', occupationCode: '4-10-01-05', basisRef: `class:${t.classId}` });
  });
});

// ───────────────────────────── the other claim kinds, at the use-case level ─────────────────────────────

const WORKING_AGE = { MALE: { min: 16, max: 60 }, FEMALE: { min: 16, max: 55 } };
const COMMON = {
  minAttendanceRateBp: 8_000,
  requiresPassedAssessment: true,
  priorityGroups: null,
  workingAge: WORKING_AGE,
  claimWithinMonths: 12,
  maxSubsidiesPerYear: 3,
  higherLevelBarsLower: true,
  exclusions: [],
};
const POLICIES: Array<[string, 'CLASS_HOUR' | 'ENTERPRISE_TRAINING' | 'APPRENTICESHIP' | 'OUTCOME', Record<string, unknown>]> = [
  [
    'T-CLASS-HOUR',
    'CLASS_HOUR',
    { payee: 'TRAINING_INSTITUTION', ...COMMON, rateFenPerClassHourByTier: { '2': 1_200 }, minutesPerClassHour: 60, maxClassHoursPerPerson: 200, maxPerPersonFen: 300_000, employmentUplift: { upliftBp: 5_000, withinMonths: 6, minContractMonths: 12, requiresSocialInsurance: true } },
  ],
  ['T-ENTERPRISE-TRAINING', 'ENTERPRISE_TRAINING', { payee: 'ENTERPRISE', ...COMMON, requiresPassedAssessment: false, amountPerPersonFen: 30_000, trainingKinds: ['PRE_JOB', 'SAFETY_SKILLS', 'JOB_TRANSFER'] }],
  [
    'T-APPRENTICESHIP',
    'APPRENTICESHIP',
    { payee: 'ENTERPRISE', ...COMMON, minAttendanceRateBp: null, requiresPassedAssessment: false, higherLevelBarsLower: false, amountFenPerYearByLevel: { LEVEL_4: 500_000, LEVEL_3: 600_000 }, prepaymentShareBp: 5_000, maxYears: 2 },
  ],
  [
    'T-OUTCOME',
    'OUTCOME',
    {
      payee: 'TRAINING_INSTITUTION',
      ...COMMON,
      basePerPersonFen: 50_000,
      tiers: [
        { minRateBp: 0, shareBp: 0 },
        { minRateBp: 5_000, shareBp: 6_000 },
        { minRateBp: 6_500, shareBp: 8_000 },
        { minRateBp: 8_000, shareBp: 10_000 },
      ],
      employment: { withinMonths: 6, minContractMonths: 0, requiresSocialInsurance: false },
    },
  ],
];

let enterprise: string;
let boss: Actor;
const iso = (d: string) => new Date(`${d}T00:00:00Z`);
const noonOn = (d: string) => new Date(`${d}T04:00:00Z`);

beforeAll(async () => {
  for (const [code, kind, rules] of POLICIES) {
    await prisma.subsidyPolicy.create({ data: { code, version: 1, name: code, regionCode: '141000', kind, effectiveFrom: iso('2022-01-01'), rules: rules as object, status: 'PUBLISHED' } });
  }
  enterprise = (await prisma.organization.create({ data: { name: '临汾钢铁', kind: 'ENTERPRISE', regionCode: '141002', creditCode: '91141002MA0000002B' } })).id;
  boss = { userId: randomUUID(), username: 'boss', sessionId: null, roles: [{ role: 'ENTERPRISE_STAFF', regionCode: null, organizationId: enterprise, personId: null, canViewIdNumbers: false }] };
});

/** n persons in one statement, born 1990 (working age), returned in id order. */
async function persons(n: number): Promise<string[]> {
  const rows = Array.from({ length: n }, (_, i) => ({
    name: `人员${i}`,
    idNumberCipher: 'x',
    idNumberHash: randomBytes(32).toString('hex'),
    idNumberMasked: `141002********${String(i).padStart(4, '0')}`,
    birthDate: iso('1990-01-01'),
    sex: 'MALE' as const,
    originRegionCode: '141002',
  }));
  const made = await prisma.person.createManyAndReturn({ data: rows, select: { id: true } });
  return made.map((p) => p.id).sort();
}

let klassSeq = 0;
async function completedClassOf(personIds: string[], dates: { start: string; end: string }) {
  klassSeq += 1;
  const klass = await prisma.trainingClass.create({
    data: {
      code: `PX-K-${klassSeq}`,
      name: '养老护理员',
      institutionId: inst,
      regionCode: '141002',
      occupationId,
      level: 'LEVEL_4',
      trainingType: 'EMPLOYMENT_SKILLS',
      status: 'COMPLETED',
      plannedHours: 80,
      startDate: iso(dates.start),
      endDate: iso(dates.end),
      completedAt: new Date(`${dates.end}T09:00:00Z`),
      venue: '301',
      capacity: personIds.length,
    },
  });
  const enrollments = await prisma.enrollment.createManyAndReturn({
    data: personIds.map((personId) => ({ classId: klass.id, personId, status: 'COMPLETED' as const, attendanceRateBp: 9_000 })),
    select: { id: true, personId: true },
  });
  return { classId: klass.id, enrollments: enrollments.sort((a, b) => (a.personId < b.personId ? -1 : 1)).map((e) => e.id) };
}

let certN = 500_000;
async function withCertificates(personIds: string[], issuedOn: string) {
  await prisma.certificate.createMany({
    data: personIds.map((personId) => ({
      number: `S0001141410022${issuedOn.slice(3, 4)}4${String(certN++).padStart(6, '0')}`,
      kind: 'SKILL_LEVEL' as const,
      personId,
      issuerId: inst,
      occupationId,
      level: 'LEVEL_4' as const,
      issuedOn: iso(issuedOn),
      verifyToken: randomBytes(18).toString('base64url'),
    })),
  });
}

async function withAttendance(classId: string, enrollments: string[], date: string) {
  for (const [i, minutes] of [120, 180].entries()) {
    const s = await prisma.attendanceSession.create({ data: { classId, date: iso(date), startsAt: new Date(`${date}T0${i + 1}:00:00Z`), endsAt: new Date(`${date}T0${i + 4}:00:00Z`), minutes } });
    await prisma.attendanceRecord.createMany({ data: enrollments.map((enrollmentId) => ({ sessionId: s.id, enrollmentId, present: true })) });
  }
}

async function withChecks(enrollments: string[], employed: number, completedOn: string, checkpointMonths = 6) {
  const rows = await prisma.enrollment.findMany({ where: { id: { in: enrollments } }, select: { id: true, personId: true, classId: true } });
  const of = new Map(rows.map((e) => [e.id, e]));
  await prisma.employmentCheck.createMany({
    data: enrollments.map((enrollmentId, i) => ({
      enrollmentId,
      personId: of.get(enrollmentId)!.personId,
      classId: of.get(enrollmentId)!.classId,
      checkpointMonths,
      completedOn: iso(completedOn),
      dueOn: new Date(iso(completedOn).getTime() + checkpointMonths * 30 * 86_400_000),
      status: i < employed ? ('EMPLOYED' as const) : ('NOT_EMPLOYED' as const),
      decidedAt: new Date(),
    })),
  });
}

let batchSeq = 0;
async function completedBatchOf(personIds: string[], start: string) {
  batchSeq += 1;
  const b = await prisma.staffTrainingBatch.create({
    data: { number: `ZG-T-${batchSeq}`, enterpriseId: enterprise, regionCode: '141002', trainingKind: 'PRE_JOB', title: '岗前培训', startDate: iso(start), endDate: iso(start), hours: 8, status: 'COMPLETED', completedAt: noonOn(start) },
  });
  await prisma.staffTrainingParticipant.createMany({ data: personIds.map((personId) => ({ batchId: b.id, personId, attendedHours: 8, completed: true })) });
  return b.id;
}

async function apprenticeshipsOf(personIds: string[], start: string, end: string) {
  const rows = await prisma.apprenticeship.createManyAndReturn({
    data: personIds.map((personId) => ({
      enterpriseId: enterprise,
      institutionId: inst,
      personId,
      occupationId,
      targetLevel: 'LEVEL_4' as const,
      regionCode: '141002',
      mentorName: '王师傅',
      startDate: iso(start),
      endDate: iso(end),
      status: 'ACTIVE' as const,
    })),
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/** Counts every SQL statement sent by node-postgres (Prisma's pg adapter) while `fn` runs. */
async function statements<T>(fn: () => Promise<T>): Promise<{ result: T; count: number }> {
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const original = proto.query;
  let count = 0;
  proto.query = function (this: unknown, ...a: unknown[]) {
    count += 1;
    return original.apply(this, a);
  };
  try {
    return { result: await fn(), count };
  } finally {
    proto.query = original;
  }
}

describe('SQL statements per claim do not grow with the number of persons', () => {
  const cases: Array<[string, (n: number) => Promise<{ actor: Actor; input: FileClaimInput; now: Date }>]> = [
    [
      'TRAINING',
      async (n) => {
        const ids = await persons(n);
        const { classId } = await completedClassOf(ids, { start: '2026-03-02', end: '2026-03-27' });
        await withCertificates(ids, '2026-04-01');
        return { actor: staff, input: { kind: 'TRAINING', classId }, now: noonOn('2026-05-01') };
      },
    ],
    [
      'CLASS_HOUR',
      async (n) => {
        const ids = await persons(n);
        const { classId, enrollments } = await completedClassOf(ids, { start: '2026-03-02', end: '2026-03-27' });
        await withAttendance(classId, enrollments, '2026-03-03');
        return { actor: staff, input: { kind: 'CLASS_HOUR', classId }, now: noonOn('2026-05-01') };
      },
    ],
    [
      'OUTCOME',
      async (n) => {
        const ids = await persons(n);
        const { classId, enrollments } = await completedClassOf(ids, { start: '2025-12-01', end: '2025-12-20' });
        await withChecks(enrollments, n, '2025-12-20');
        return { actor: staff, input: { kind: 'OUTCOME', classId }, now: noonOn('2026-07-01') };
      },
    ],
    [
      'ENTERPRISE_TRAINING',
      async (n) => {
        const batchId = await completedBatchOf(await persons(n), '2026-03-02');
        return { actor: boss, input: { kind: 'ENTERPRISE_TRAINING', batchId }, now: noonOn('2026-05-01') };
      },
    ],
    [
      'APPRENTICESHIP_PREPAYMENT',
      async (n) => {
        const apprenticeshipIds = await apprenticeshipsOf(await persons(n), '2026-03-02', '2028-03-01');
        return { actor: boss, input: { kind: 'APPRENTICESHIP_PREPAYMENT', apprenticeshipIds, yearIndex: 1 }, now: noonOn('2026-05-01') };
      },
    ],
  ];

  it.each(cases)('%s: a 10-person and a 60-person basis take the same number of statements', async (_kind, setup) => {
    const counts: number[] = [];
    for (const n of [10, 60]) {
      const { actor, input, now } = await setup(n);
      const { result, count } = await statements(() => fileClaim(prisma, actor, input, now));
      expect(result.lines).toBe(n);
      counts.push(count);
    }
    expect(counts[0]).toBe(counts[1]);
    expect(counts[0]).toBeLessThan(25);
  });
});

describe('a class-hour claim that loses a race on the database', () => {
  it("loses on the person's yearly limit slot: CONFLICT naming the person, nothing written", async () => {
    const [personId] = await persons(1);
    const { classId, enrollments } = await completedClassOf([personId!], { start: '2026-10-08', end: '2026-11-06' });
    await withAttendance(classId, enrollments, '2026-10-09');
    const before = await written();
    const e = await race({ personId: personId!, dedupKey: `OTHER|${personId}`, limitSlot: 1, number: 'BT-OTHER-3' }, () => fileClaim(prisma, staff, { kind: 'CLASS_HOUR', classId }, FILED_AT));
    expect(e).toMatchObject({ code: 'CONFLICT', details: { personId, claimNumber: 'BT-OTHER-3' } });
    expect(await written()).toEqual({ ...before, claims: before.claims + 1, lines: before.lines + 1 });
  });
});

describe('OUTCOME tiers (Shaanxi: <50% → 0, 50% → 60%, 65% → 80%, 80% → 100% of the base)', () => {
  it.each([
    [9, 20, null],
    [10, 20, 30_000],
    [12, 20, 30_000],
    [13, 20, 40_000],
    [15, 20, 40_000],
    [16, 20, 50_000],
    [20, 20, 50_000],
  ])('%i of %i employed at the checkpoint: %p fen a person', async (employed, total, perPerson) => {
    const ids = await persons(total);
    const { classId, enrollments } = await completedClassOf(ids, { start: '2025-12-01', end: '2025-12-20' });
    // A 3-month checkpoint says nobody was employed yet; the 6-month one (the latest within the window) counts.
    await withChecks(enrollments, 0, '2025-12-20', 3);
    await withChecks(enrollments, employed, '2025-12-20', 6);
    const filing = fileClaim(prisma, staff, { kind: 'OUTCOME', classId }, noonOn('2026-07-01'));
    if (perPerson === null) {
      await expect(filing).rejects.toMatchObject({ code: 'INELIGIBLE' });
      return;
    }
    const r = await filing;
    expect([r.lines, r.totalFen]).toEqual([total, perPerson * total]);
    expect(r.computation.facts).toMatchObject({ employmentCheckpointMonths: 6, checkedEmployedCount: employed, classEmploymentRateBp: Math.floor((employed * 10_000) / total) });
  });
});

describe('apprenticeship years: pre-payment, then the balance; or the full year without pre-payment', () => {
  it('pre-pays 2,500 at the start of year 1, settles the 2,500 balance after it (naming the pre-payment claim)', async () => {
    const ids = await apprenticeshipsOf(await persons(2), '2025-03-01', '2027-02-28');
    const pre = await fileClaim(prisma, boss, { kind: 'APPRENTICESHIP_PREPAYMENT', apprenticeshipIds: ids, yearIndex: 1 }, noonOn('2025-03-10'));
    expect([pre.lines, pre.totalFen]).toEqual([2, 500_000]);
    // Not approved yet: the settlement waits for it.
    await expect(fileClaim(prisma, boss, { kind: 'APPRENTICESHIP_SETTLEMENT', prepaymentClaimId: pre.claimId }, noonOn('2026-03-10'))).rejects.toMatchObject({ code: 'INELIGIBLE' });
    await prisma.subsidyClaimLine.updateMany({ where: { claimId: pre.claimId }, data: { status: 'ACCEPTED' } });
    const s = await fileClaim(prisma, boss, { kind: 'APPRENTICESHIP_SETTLEMENT', prepaymentClaimId: pre.claimId }, noonOn('2026-03-10'));
    expect([s.lines, s.totalFen]).toEqual([2, 500_000]);
    expect(s.computation.lines.map((l) => [l.part, l.amountFen, l.explanation.rule])).toEqual([
      ['BALANCE', 250_000, 'APPRENTICESHIP.BALANCE'],
      ['BALANCE', 250_000, 'APPRENTICESHIP.BALANCE'],
    ]);
    expect(await prisma.subsidyClaim.findUniqueOrThrow({ where: { id: s.claimId } })).toMatchObject({ supplementsClaimId: pre.claimId, claimKind: 'APPRENTICESHIP_SETTLEMENT' });
    const lines = await prisma.subsidyClaimLine.findMany({ where: { claimId: s.claimId }, select: { apprenticeshipId: true } });
    expect(lines.map((l) => l.apprenticeshipId).sort()).toEqual([...ids].sort());
    // Settling twice is a CONFLICT.
    await expect(fileClaim(prisma, boss, { kind: 'APPRENTICESHIP_SETTLEMENT', prepaymentClaimId: pre.claimId }, noonOn('2026-03-11'))).rejects.toMatchObject({ code: 'CONFLICT', details: { field: 'prepaymentClaimId' } });
  });

  it('a completed year without a pre-payment is paid in full (5,000); a year still running is excluded', async () => {
    const ids = await apprenticeshipsOf(await persons(1), '2025-06-01', '2027-05-31');
    const r = await fileClaim(prisma, boss, { kind: 'APPRENTICESHIP_SETTLEMENT', apprenticeshipIds: ids, yearIndex: 1 }, noonOn('2026-06-05'));
    expect(r.computation.lines.map((l) => [l.part, l.amountFen])).toEqual([['MAIN', 500_000]]);
    await expect(fileClaim(prisma, boss, { kind: 'APPRENTICESHIP_SETTLEMENT', apprenticeshipIds: ids, yearIndex: 2 }, noonOn('2026-06-05'))).rejects.toMatchObject({ code: 'INELIGIBLE' });
  });

  it("another enterprise cannot claim these apprenticeships, and is answered as for a missing one (NOT_FOUND)", async () => {
    const ids = await apprenticeshipsOf(await persons(1), '2026-03-01', '2027-02-28');
    const other: Actor = { ...boss, roles: [{ ...boss.roles[0]!, organizationId: inst }] };
    await expect(fileClaim(prisma, other, { kind: 'APPRENTICESHIP_PREPAYMENT', apprenticeshipIds: ids, yearIndex: 1 }, noonOn('2026-03-10'))).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'Apprenticeship 1 of the list not found', details: { field: 'apprenticeshipIds', row: 1 } });
  });
});

// apprenticeshipYearFacts (which year, and how it stands on the filing date): domain/subsidy/apprenticeship-year.test.ts

describe('recalculation is deterministic', () => {
  it('filing the same class again after the first claim was withdrawn yields identical lines and explanations', async () => {
    const ids = await persons(5);
    const { classId, enrollments } = await completedClassOf(ids, { start: '2026-03-02', end: '2026-03-27' });
    await withAttendance(classId, enrollments, '2026-03-03');
    const now = noonOn('2026-05-01');
    const first = await fileClaim(prisma, staff, { kind: 'CLASS_HOUR', classId }, now);
    const shape = (claimId: string) =>
      prisma.subsidyClaimLine.findMany({
        where: { claimId },
        orderBy: { personId: 'asc' },
        select: { personId: true, enrollmentId: true, amountFen: true, dedupKey: true, limitSlot: true, subsidyYear: true, explanation: true },
      });
    const before = await shape(first.claimId);
    await prisma.subsidyClaimLine.updateMany({ where: { claimId: first.claimId }, data: { status: 'REJECTED' } });
    await prisma.subsidyClaim.update({ where: { id: first.claimId }, data: { status: 'WITHDRAWN' } });
    const second = await fileClaim(prisma, staff, { kind: 'CLASS_HOUR', classId }, now);
    expect(second.claimId).not.toBe(first.claimId);
    expect(await shape(second.claimId)).toEqual(before);
    expect(second.computation.excluded).toEqual(first.computation.excluded);
    expect(before.map((l) => l.amountFen)).toEqual([6_000, 6_000, 6_000, 6_000, 6_000]);
  });
});

describe('a person claiming for themself (SKILL_UPGRADE) through review and payment', () => {
  it('files with the person as claimant (no organization) and is paid to a payable:person:<id> account', async () => {
    await prisma.subsidyPolicy.create({
      data: {
        code: 'T-SKILL-UPGRADE',
        version: 1,
        name: 'skill upgrade',
        regionCode: '141000',
        kind: 'SKILL_UPGRADE',
        effectiveFrom: iso('2022-01-01'),
        status: 'PUBLISHED',
        rules: { payee: 'PERSON', ...COMMON, minAttendanceRateBp: null, requiresPassedAssessment: false, workingAge: null, sameOccupationAndLevelOnce: true, amountFenByLevel: { LEVEL_5: 100_000, LEVEL_4: 150_000, LEVEL_3: 200_000 }, minInsuredMonths: 12 },
      },
    });
    const [personId] = await persons(1);
    await prisma.socialInsuranceContribution.createMany({
      data: Array.from({ length: 12 }, (_, i) => ({ personId: personId!, employerCreditCode: '91141002MA0000002B', month: `2025${String(i + 1).padStart(2, '0')}`, insuranceType: 'UNEMPLOYMENT' as const, amountFen: 3_000 })),
    });
    const cert = await prisma.certificate.create({
      data: { number: 'S00011414100226300001', kind: 'SKILL_LEVEL', personId: personId!, issuerId: inst, occupationId, level: 'LEVEL_3', issuedOn: iso('2026-01-15'), verifyToken: randomBytes(18).toString('base64url') },
    });
    const me: Actor = { userId: randomUUID(), username: 'me', sessionId: null, roles: [{ role: 'TRAINEE', regionCode: null, organizationId: null, personId: personId!, canViewIdNumbers: false }] };
    const r = await fileClaim(prisma, me, { kind: 'SKILL_UPGRADE', certificateId: cert.id }, noonOn('2026-02-01'));
    expect([r.lines, r.totalFen]).toEqual([1, 200_000]);
    expect(await prisma.subsidyClaim.findUniqueOrThrow({ where: { id: r.claimId } })).toMatchObject({ claimantId: null, claimantPersonId: personId, regionCode: '141002' });

    const bureau = (regionCode: string): Actor => ({ userId: randomUUID(), username: `b-${regionCode}`, sessionId: null, roles: [{ role: 'BUREAU_OFFICER', regionCode, organizationId: null, personId: null, canViewIdNumbers: false }] });
    const line = await prisma.subsidyClaimLine.findFirstOrThrow({ where: { claimId: r.claimId } });
    await reviewClaim(prisma, bureau('141002'), { claimId: r.claimId, decisions: [{ lineId: line.id, accept: true }] });
    await approveClaim(prisma, bureau('141000'), { claimId: r.claimId }, { now: new Date('2026-11-20T04:00:00Z') });
    await closeNotice(prisma, bureau('141000'), { claimId: r.claimId, today: '2026-11-30' });
    await payClaim(prisma, bureau('141000'), { claimId: r.claimId, bankReference: 'ICBC-P-0001' });
    const balances = await ledgerBalances(prisma, { claimId: r.claimId });
    expect(balances.find((b) => b.account === `payable:person:${personId}`)).toMatchObject({ debitFen: 200_000n, creditFen: 200_000n, balanceFen: 0n });
  });
});
