import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import { DomainError, dedupKey } from '@vtc/domain';
import type { Actor } from './actor.ts';
import { fileClaim } from './subsidy-claim.ts';

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
  await prisma.region.createMany({
    data: [
      { code: '140000', name: '山西省', level: 'PROVINCE' },
      { code: '141000', name: '临汾市', level: 'CITY', parentCode: '140000' },
      { code: '141002', name: '尧都区', level: 'COUNTY', parentCode: '141000' },
    ],
  });
  occupationId = (await prisma.occupation.create({ data: { code: '4-10-01-05', name: '养老护理员', levels: ['LEVEL_4'] } })).id;
  inst = (
    await prisma.organization.create({
      data: { name: '尧都区培训学校', kind: 'TRAINING_INSTITUTION', regionCode: '141002', creditCode: '52141002MJ0000001A' },
    })
  ).id;
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
    const e = await race({ personId: t.personId, dedupKey: key, limitSlot: null, number: 'BT-OTHER-1' }, () => fileClaim(prisma, staff, { kind: 'TRAINING', classId: t.classId }));
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
      fileClaim(prisma, staff, { kind: 'TRAINING', classId: t.classId }),
    );
    expect(e).toMatchObject({ code: 'CONFLICT', details: { personId: t.personId, claimNumber: 'BT-OTHER-2' } });
    expect(await written()).toEqual({ ...before, claims: before.claims + 1, lines: before.lines + 1 });
  });

  it('without a race the same trainee is filed normally', async () => {
    const t = await completedClassWithOneTrainee();
    const r = await fileClaim(prisma, staff, { kind: 'TRAINING', classId: t.classId });
    expect([r.totalFen, r.lines, r.excluded, r.number]).toEqual([190_000, 1, 0, expect.stringMatching(/^BT-141002-\d{4}-\d{6}$/)]);
    const line = await prisma.subsidyClaimLine.findFirstOrThrow({ where: { claimId: r.claimId } });
    expect(line).toMatchObject({ limitSlot: 1, countsTowardLimit: true, part: 'MAIN', level: 'LEVEL_4', occupationCode: '4-10-01-05', basisRef: `class:${t.classId}` });
  });
});
