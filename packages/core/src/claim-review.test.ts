import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import { DomainError } from '@vtc/domain';
import type { Actor, ActorRole } from './actor.ts';
import { approveClaim, closeNotice, ledgerBalances, payClaim, rejectClaim, reviewClaim } from './claim-review.ts';
import { fileClaim } from './subsidy-claim.ts';

/**
 * A training claim through review, city approval, a 5-working-day public notice across a weekend,
 * closing and payment with balanced ledger journals; the clock is passed in, so dates are exact.
 */
let db: TestDatabase;
let prisma: PrismaClient;
let occupationId: string;
let inst: string;
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

const role = (r: Partial<ActorRole> & Pick<ActorRole, 'role'>): ActorRole => ({ regionCode: null, organizationId: null, personId: null, canViewIdNumbers: false, ...r });
const bureau = (regionCode: string): Actor => ({ userId: randomUUID(), username: `bureau-${regionCode}`, sessionId: null, roles: [role({ role: 'BUREAU_OFFICER', regionCode })] });
const county = bureau('141002');
const city = bureau('141000');
const otherCounty = bureau('141023');
const FRIDAY_NOON = new Date('2026-11-20T04:00:00Z'); // 12:00 in Shanghai

beforeAll(async () => {
  db = await createTestDatabase('claim_review');
  prisma = createPrisma(db.url);
  await prisma.region.createMany({
    data: [
      { code: '140000', name: '山西省', level: 'PROVINCE' },
      { code: '141000', name: '临汾市', level: 'CITY', parentCode: '140000' },
      { code: '141002', name: '尧都区', level: 'COUNTY', parentCode: '141000' },
      { code: '141023', name: '襄汾县', level: 'COUNTY', parentCode: '141000' },
    ],
  });
  occupationId = (await prisma.occupation.create({ data: { code: '4-10-01-05', name: '养老护理员', levels: ['LEVEL_4'] } })).id;
  inst = (
    await prisma.organization.create({
      data: { name: '尧都区培训学校', kind: 'TRAINING_INSTITUTION', regionCode: '141002', creditCode: '52141002MJ0000001A' },
    })
  ).id;
  await prisma.subsidyPolicy.create({
    data: { code: 'LF-TRAINING', version: 1, name: '临汾', regionCode: '141000', kind: 'TRAINING', effectiveFrom: new Date('2022-07-01T00:00:00Z'), rules: RULES, status: 'PUBLISHED' },
  });
  staff = { userId: randomUUID(), username: 'staff', sessionId: null, roles: [role({ role: 'INSTITUTION_STAFF', organizationId: inst })] };
});

afterAll(async () => {
  await prisma.$disconnect();
  await db.drop();
});

let n = 0;
async function classWithTrainees(count: number) {
  const klass = await prisma.trainingClass.create({
    data: {
      code: `PX-R-${++n}`,
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
  for (let i = 0; i < count; i++) {
    const m = n * 10 + i;
    const person = await prisma.person.create({
      data: {
        name: `学员${m}`,
        idNumberCipher: 'x',
        idNumberHash: randomBytes(32).toString('hex'),
        idNumberMasked: `141002********${String(1000 + m)}`,
        birthDate: new Date('1990-01-01T00:00:00Z'),
        sex: 'MALE',
        originRegionCode: '141002',
      },
    });
    await prisma.enrollment.create({ data: { classId: klass.id, personId: person.id, status: 'COMPLETED', attendanceRateBp: 9_000 } });
    await prisma.certificate.create({
      data: {
        number: `S00011414100226400${String(1000 + m)}`,
        kind: 'SKILL_LEVEL',
        personId: person.id,
        issuerId: inst,
        occupationId,
        level: 'LEVEL_4',
        issuedOn: new Date('2026-11-10T00:00:00Z'),
        verifyToken: randomBytes(18).toString('base64url'),
      },
    });
  }
  return klass.id;
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
}

describe('a training claim from filing to payment', () => {
  let claimId: string;
  let lineIds: string[];

  beforeAll(async () => {
    const classId = await classWithTrainees(2);
    claimId = (await fileClaim(prisma, staff, { kind: 'TRAINING', classId })).claimId;
    lineIds = (await prisma.subsidyClaimLine.findMany({ where: { claimId }, orderBy: { id: 'asc' } })).map((l) => l.id);
    expect(lineIds).toHaveLength(2);
  });

  it('refuses approval, closing and payment before review, and review by the wrong bureau', async () => {
    expect(await code(approveClaim(prisma, city, { claimId }))).toBe('INVALID_TRANSITION');
    expect(await code(payClaim(prisma, city, { claimId, bankReference: 'B1' }))).toBe('INVALID_TRANSITION');
    expect(await code(reviewClaim(prisma, otherCounty, { claimId, decisions: [] }))).toBe('NOT_FOUND');
    expect(await code(reviewClaim(prisma, staff, { claimId, decisions: [] }))).toBe('FORBIDDEN');
  });

  it('review must decide every line, and a rejection needs a reason', async () => {
    expect(await code(reviewClaim(prisma, county, { claimId, decisions: [{ lineId: lineIds[0]!, accept: true }] }))).toBe('VALIDATION');
    expect(
      await code(reviewClaim(prisma, county, { claimId, decisions: [{ lineId: lineIds[0]!, accept: true }, { lineId: lineIds[1]!, accept: false }] })),
    ).toBe('VALIDATION');
  });

  it('the county reviews: one line accepted, one rejected with a reason', async () => {
    const c = await reviewClaim(prisma, county, {
      claimId,
      decisions: [
        { lineId: lineIds[0]!, accept: true },
        { lineId: lineIds[1]!, accept: false, reason: '证书与培训职业不符' },
      ],
    });
    expect(c.status).toBe('UNDER_REVIEW');
    const lines = await prisma.subsidyClaimLine.findMany({ where: { claimId }, orderBy: { id: 'asc' } });
    expect(lines.map((l) => [l.status, l.rejectionReason])).toEqual([
      ['ACCEPTED', null],
      ['REJECTED', '证书与培训职业不符'],
    ]);
    expect(await code(reviewClaim(prisma, county, { claimId, decisions: [] }))).toBe('INVALID_TRANSITION');
  });

  it('only a city bureau approves; the notice runs 5 working days across the weekend', async () => {
    expect(await code(approveClaim(prisma, county, { claimId }, { now: FRIDAY_NOON }))).toBe('FORBIDDEN');
    const c = await approveClaim(prisma, city, { claimId }, { now: FRIDAY_NOON });
    expect(c.status).toBe('PUBLIC_NOTICE');
    expect(c.noticeStartsOn?.toISOString().slice(0, 10)).toBe('2026-11-20');
    expect(c.noticeEndsOn?.toISOString().slice(0, 10)).toBe('2026-11-27');
    expect(await code(rejectClaim(prisma, city, { claimId, reason: '太迟了' }))).toBe('INVALID_TRANSITION');
  });

  it('closing the notice early is refused; afterwards the accepted lines are approved', async () => {
    expect(await code(closeNotice(prisma, city, { claimId, today: '2026-11-27' }))).toBe('INVALID_TRANSITION');
    expect(await code(closeNotice(prisma, county, { claimId, today: '2026-11-30' }))).toBe('FORBIDDEN');
    const c = await closeNotice(prisma, city, { claimId, today: '2026-11-30' });
    expect(c.status).toBe('APPROVED');
    expect(c.approvedFen).toBe(190_000n);
  });

  it('pays once, with balanced journals; paying again is a no-op', async () => {
    const p1 = await payClaim(prisma, city, { claimId, bankReference: 'ICBC-20261201-0001' });
    const p2 = await payClaim(prisma, city, { claimId, bankReference: 'ICBC-20261201-0002' });
    expect(p2.id).toBe(p1.id);
    expect(p1.amountFen).toBe(190_000n);
    expect(await prisma.payment.count({ where: { claimId } })).toBe(1);
    expect((await prisma.subsidyClaim.findUniqueOrThrow({ where: { id: claimId } })).status).toBe('PAID');
    const entries = await prisma.ledgerEntry.findMany({ where: { claimId } });
    expect(entries).toHaveLength(4);
    const journals = new Map<string, bigint>();
    for (const e of entries) journals.set(e.journalId, (journals.get(e.journalId) ?? 0n) + (e.direction === 'DEBIT' ? e.amountFen : -e.amountFen));
    expect([...journals.values()]).toEqual([0n, 0n]);
    const balances = await ledgerBalances(prisma, { claimantId: inst });
    expect(balances.map((b) => [b.account, b.balanceFen])).toEqual([
      ['bank:141002', -190_000n],
      [`payable:${inst}`, 0n],
      ['subsidy-expense:141002', 190_000n],
    ]);
    expect(await prisma.auditLog.count({ where: { entityId: claimId, action: { startsWith: 'claim.' } } })).toBeGreaterThanOrEqual(5);
  });
});

describe('rejection', () => {
  it('at review rejects every line and frees the persons for another claim', async () => {
    const classId = await classWithTrainees(1);
    const { claimId } = await fileClaim(prisma, staff, { kind: 'TRAINING', classId });
    expect(await code(rejectClaim(prisma, county, { claimId, reason: '' }))).toBe('VALIDATION');
    const c = await rejectClaim(prisma, county, { claimId, reason: '材料不全' });
    expect(c.status).toBe('REJECTED');
    expect(c.rejectionReason).toBe('材料不全');
    expect((await prisma.subsidyClaimLine.findMany({ where: { claimId } })).map((l) => l.status)).toEqual(['REJECTED']);
    const again = await fileClaim(prisma, staff, { kind: 'TRAINING', classId });
    expect(again.lines).toBe(1);
  });

  it('a review rejecting every line rejects the claim', async () => {
    const classId = await classWithTrainees(1);
    const { claimId } = await fileClaim(prisma, staff, { kind: 'TRAINING', classId });
    const [line] = await prisma.subsidyClaimLine.findMany({ where: { claimId } });
    const c = await reviewClaim(prisma, county, { claimId, decisions: [{ lineId: line!.id, accept: false, reason: '出勤记录存疑' }] });
    expect(c.status).toBe('REJECTED');
  });
});
