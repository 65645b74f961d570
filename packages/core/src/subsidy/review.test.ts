import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import { DomainError } from '@vtc/domain';
import type { Actor, ActorRole } from '../shared/actor.ts';
import { upsertCalendarDays, workingCalendar } from './calendar.ts';
import { recordObjection, resolveObjection } from './objection.ts';
import { ledgerBalances, organizationBalance, personBalance } from './balances.ts';
import { payClaim } from './payment.ts';
import { approveClaim, closeNotice, rejectClaim, reviewClaim } from './review.ts';
import { addClaimsToBatch, cancelPaymentBatch, confirmPaymentBatchPaid, createPaymentBatch, removeClaimFromBatch, submitPaymentBatch } from './payment-batch.ts';
import { fileClaim } from './claim-filing.ts';
import { seedRegions, seedCareOccupation, seedInstitution } from '../shared/fixtures.testkit.ts';

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
/** A second city officer: four eyes on money (who reviewed may not approve, who prepared a batch may not confirm it paid). */
const cityTwo = bureau('141000');
const otherCounty = bureau('141023');
const FRIDAY_NOON = new Date('2026-11-20T04:00:00Z'); // 12:00 in Shanghai

beforeAll(async () => {
  db = await createTestDatabase('claim_review');
  prisma = createPrisma(db.url);
  await seedRegions(prisma, ['140000', '141000', '141002', '141023']);
  occupationId = await seedCareOccupation(prisma);
  inst = await seedInstitution(prisma, { name: '尧都区培训学校', regionCode: '141002', creditCode: '52141002MJ0000001A' });
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
async function classWithTrainees(count: number, at: { institutionId: string; regionCode: string } = { institutionId: inst, regionCode: '141002' }) {
  const klass = await prisma.trainingClass.create({
    data: {
      code: `PX-R-${++n}`,
      name: '养老护理员',
      institutionId: at.institutionId,
      regionCode: at.regionCode,
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
        issuerId: at.institutionId,
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
    claimId = (await fileClaim(prisma, staff, { kind: 'TRAINING', classId }, FRIDAY_NOON)).claimId;
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

  it('closing the notice early is refused; afterwards the accepted lines are approved and the approval journal posted', async () => {
    expect(await code(closeNotice(prisma, city, { claimId, today: '2026-11-27' }))).toBe('INVALID_TRANSITION');
    expect(await code(closeNotice(prisma, county, { claimId, today: '2026-11-30' }))).toBe('FORBIDDEN');
    const c = await closeNotice(prisma, city, { claimId, today: '2026-11-30' });
    expect(c.status).toBe('APPROVED');
    expect(c.approvedFen).toBe(190_000n);
    expect((await ledgerBalances(prisma, { claimId })).map((b) => [b.account, b.balanceFen])).toEqual([
      [`payable:org:${inst}`, -190_000n],
      ['subsidy-expense:141002', 190_000n],
    ]);
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
    const balances = await ledgerBalances(prisma, { claimId });
    expect(balances.map((b) => [b.account, b.balanceFen])).toEqual([
      ['bank:141002', -190_000n],
      [`payable:org:${inst}`, 0n],
      ['subsidy-expense:141002', 190_000n],
    ]);
    // Every entry about the accepted line names its person and line; the bank posting names neither.
    const accepted = lineIds[0]!;
    const personId = (await prisma.subsidyClaimLine.findUniqueOrThrow({ where: { id: accepted } })).personId;
    expect(entries.filter((e) => e.account !== 'bank:141002').every((e) => e.claimLineId === accepted && e.personId === personId)).toBe(true);
    expect(await prisma.auditLog.count({ where: { entityId: claimId, action: { startsWith: 'claim.' } } })).toBeGreaterThanOrEqual(5);
  });
});

describe('rejection', () => {
  it('at review rejects every line and frees the persons for another claim', async () => {
    const classId = await classWithTrainees(1);
    const { claimId } = await fileClaim(prisma, staff, { kind: 'TRAINING', classId }, FRIDAY_NOON);
    expect(await code(rejectClaim(prisma, county, { claimId, reason: '' }))).toBe('VALIDATION');
    const c = await rejectClaim(prisma, county, { claimId, reason: '材料不全' });
    expect(c.status).toBe('REJECTED');
    expect(c.rejectionReason).toBe('材料不全');
    expect((await prisma.subsidyClaimLine.findMany({ where: { claimId } })).map((l) => l.status)).toEqual(['REJECTED']);
    const again = await fileClaim(prisma, staff, { kind: 'TRAINING', classId }, FRIDAY_NOON);
    expect(again.lines).toBe(1);
  });

  it('a review rejecting every line rejects the claim', async () => {
    const classId = await classWithTrainees(1);
    const { claimId } = await fileClaim(prisma, staff, { kind: 'TRAINING', classId }, FRIDAY_NOON);
    const [line] = await prisma.subsidyClaimLine.findMany({ where: { claimId } });
    const c = await reviewClaim(prisma, county, { claimId, decisions: [{ lineId: line!.id, accept: false, reason: '出勤记录存疑' }] });
    expect(c.status).toBe('REJECTED');
  });
});

// ───────────── the working-day calendar, objections, payment batches, per-person balances ─────────────

const admin: Actor = { userId: randomUUID(), username: 'admin', sessionId: null, roles: [role({ role: 'SYSTEM_ADMIN' })] };
const province = bureau('140000');

async function errorOf(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

/** A training claim of `count` trainees, every line accepted by the county and approved by the city at `now`. */
async function onNotice(count: number, now = FRIDAY_NOON) {
  const classId = await classWithTrainees(count);
  const { claimId } = await fileClaim(prisma, staff, { kind: 'TRAINING', classId }, FRIDAY_NOON);
  const lines = await prisma.subsidyClaimLine.findMany({ where: { claimId }, orderBy: { id: 'asc' } });
  await reviewClaim(prisma, county, { claimId, decisions: lines.map((l) => ({ lineId: l.id, accept: true })) });
  const c = await approveClaim(prisma, city, { claimId }, { now });
  return { claimId, lineIds: lines.map((l) => l.id), personIds: lines.map((l) => l.personId), noticeEndsOn: c.noticeEndsOn!.toISOString().slice(0, 10) };
}
async function approved(count: number) {
  const c = await onNotice(count);
  await closeNotice(prisma, city, { claimId: c.claimId, today: '2026-11-30' });
  return c;
}

describe('the working-day calendar as data', () => {
  // 2026 Spring Festival (State Council notice): Feb 15–23 off, Sat Feb 14 and Sat Feb 28 working days.
  const SPRING_FESTIVAL = [
    ...['2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23'].map((date) => ({ date, workday: false, name: '春节' })),
    { date: '2026-02-14', workday: true, name: '春节调休上班' },
    { date: '2026-02-28', workday: true, name: '春节调休上班' },
  ];

  it('only an administrator or a province bureau maintains it; each bad row is named', async () => {
    expect(await code(upsertCalendarDays(prisma, city, { days: SPRING_FESTIVAL }))).toBe('FORBIDDEN');
    expect(await code(upsertCalendarDays(prisma, staff, { days: SPRING_FESTIVAL }))).toBe('FORBIDDEN');
    const bad = await errorOf(upsertCalendarDays(prisma, province, { days: [SPRING_FESTIVAL[0]!, { date: '2026-02-16', workday: true, name: '调休' }] }));
    expect([bad.code, bad.details]).toEqual(['VALIDATION', { field: 'workday', row: 1 }]); // Monday cannot be a make-up day
    expect((await errorOf(upsertCalendarDays(prisma, province, { days: [{ date: '2026-02-30', workday: false, name: '春节' }] }))).details).toEqual({ field: 'date', row: 0 });
    expect((await errorOf(upsertCalendarDays(prisma, province, { days: [SPRING_FESTIVAL[0]!, SPRING_FESTIVAL[0]!] }))).details).toEqual({ field: 'date', row: 1 });
    expect((await errorOf(upsertCalendarDays(prisma, province, { days: [] }))).details).toEqual({ field: 'days' });
    expect(await prisma.calendarDay.count()).toBe(0);
  });

  it('a province bureau sets the Spring Festival, audited; a notice approved the Friday before runs to Feb 27', async () => {
    expect(await upsertCalendarDays(prisma, province, { days: SPRING_FESTIVAL })).toEqual({ set: 11, removed: 0 });
    expect(await prisma.auditLog.count({ where: { entityType: 'CalendarDay', action: 'calendar.set' } })).toBe(11);
    const cal = await workingCalendar(prisma, '2026-02-13');
    expect(cal.extraWorkdays).toEqual(['2026-02-14', '2026-02-28']);
    expect(cal.holidays).toHaveLength(9);
    const c = await onNotice(1, new Date('2026-02-13T04:00:00Z'));
    expect(c.noticeEndsOn).toBe('2026-02-27'); // Sat 14 (调休), 24, 25, 26, 27
  });

  it('National Day: a notice from Wed Sep 30 skips Oct 1–7 and counts Sat Oct 10', async () => {
    await upsertCalendarDays(prisma, admin, {
      days: [
        ...['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'].map((date) => ({ date, workday: false, name: '国庆节', source: 'test' })),
        { date: '2026-10-10', workday: true, name: '国庆节调休上班' },
      ],
    });
    expect((await onNotice(1, new Date('2026-09-30T04:00:00Z'))).noticeEndsOn).toBe('2026-10-13');
  });

  it('a wrongly entered day is removed (audited) and a changed name is updated with its before value', async () => {
    await upsertCalendarDays(prisma, admin, { days: [{ date: '2026-03-02', workday: false, name: '误录' }] });
    expect(await upsertCalendarDays(prisma, admin, { days: [{ date: '2026-02-28', workday: true, name: '春节后调休上班' }], removeDates: ['2026-03-02', '2026-03-03'] })).toEqual({
      set: 1,
      removed: 1,
    });
    expect(await prisma.calendarDay.findUnique({ where: { date: new Date('2026-03-02T00:00:00Z') } })).toBeNull();
    const log = await prisma.auditLog.findFirstOrThrow({ where: { entityType: 'CalendarDay', entityId: '2026-02-28' }, orderBy: { id: 'desc' } });
    expect(log.before).toMatchObject({ name: '春节调休上班' });
    expect((await errorOf(upsertCalendarDays(prisma, admin, { days: [], removeDates: ['2026-13-01'] }))).details).toEqual({ field: 'removeDates', row: 0 });
  });
});

describe('objections during the public notice', () => {
  const during = { now: FRIDAY_NOON };
  const objection = (claimId: string, extra: Record<string, unknown> = {}) => ({ claimId, raisedByName: '王某(群众)', raisedByContact: '139****0000', reason: '该学员未实际参加培训', ...extra });

  it('a bureau covering the claim records one while on notice; specific errors otherwise', async () => {
    const c = await onNotice(1);
    expect(await code(recordObjection(prisma, staff, objection(c.claimId), during))).toBe('FORBIDDEN');
    expect(await code(recordObjection(prisma, otherCounty, objection(c.claimId), during))).toBe('NOT_FOUND');
    expect((await errorOf(recordObjection(prisma, county, objection(c.claimId, { reason: ' ' }), during))).details).toEqual({ field: 'reason' });
    expect((await errorOf(recordObjection(prisma, county, objection(c.claimId, { raisedByName: '' }), during))).details).toEqual({ field: 'raisedByName' });
    expect((await errorOf(recordObjection(prisma, county, objection(c.claimId, { raisedByContact: '1'.repeat(101) }), during))).details).toEqual({ field: 'raisedByContact' });
    expect((await errorOf(recordObjection(prisma, county, objection(c.claimId, { lineId: randomUUID() }), during))).details).toEqual({ field: 'lineId' });
    const late = await errorOf(recordObjection(prisma, county, objection(c.claimId), { now: new Date('2026-11-28T04:00:00Z') }));
    expect([late.code, late.details?.endsOn]).toEqual(['INVALID_TRANSITION', '2026-11-27']);
    const o = await recordObjection(prisma, county, objection(c.claimId, { lineId: c.lineIds[0] }), { now: new Date('2026-11-27T15:00:00Z') }); // 23:00 on the last day
    expect(o).toMatchObject({ status: 'OPEN', lineId: c.lineIds[0], raisedByName: '王某(群众)', recordedById: county.userId });
    expect(await prisma.auditLog.count({ where: { entityId: o.id, action: 'claim.objection.record' } })).toBe(1);
  });

  it('only on notice: not during review', async () => {
    const classId = await classWithTrainees(1);
    const { claimId } = await fileClaim(prisma, staff, { kind: 'TRAINING', classId }, FRIDAY_NOON);
    expect((await errorOf(recordObjection(prisma, county, objection(claimId), during))).code).toBe('INVALID_TRANSITION');
  });

  it('an upheld line objection rejects the line with the objection as reason; closing waits for every objection', async () => {
    const c = await onNotice(2);
    const o1 = await recordObjection(prisma, county, objection(c.claimId, { lineId: c.lineIds[0] }), during);
    const o2 = await recordObjection(prisma, city, objection(c.claimId, { reason: '机构资质存疑' }), during);
    const blocked = await errorOf(closeNotice(prisma, city, { claimId: c.claimId, today: '2026-11-30' }));
    expect([blocked.code, blocked.details?.objectionIds]).toEqual(['CONFLICT', expect.arrayContaining([o1.id, o2.id])]);
    expect(await code(resolveObjection(prisma, county, { objectionId: o1.id, outcome: 'UPHELD' }))).toBe('FORBIDDEN');
    expect(await code(resolveObjection(prisma, otherCounty, { objectionId: o1.id, outcome: 'UPHELD' }))).toBe('NOT_FOUND');
    expect(await resolveObjection(prisma, city, { objectionId: o1.id, outcome: 'UPHELD', resolution: '经核实属实' })).toMatchObject({ status: 'UPHELD', resolvedById: city.userId });
    const line = await prisma.subsidyClaimLine.findUniqueOrThrow({ where: { id: c.lineIds[0]! } });
    expect([line.status, line.rejectionReason]).toEqual(['REJECTED', '该学员未实际参加培训']);
    const claim = await prisma.subsidyClaim.findUniqueOrThrow({ where: { id: c.claimId } });
    expect([claim.status, claim.totalFen]).toEqual(['PUBLIC_NOTICE', 190_000n]);
    expect(await code(resolveObjection(prisma, city, { objectionId: o1.id, outcome: 'DISMISSED', resolution: '再次处理' }))).toBe('INVALID_TRANSITION');
    expect((await errorOf(resolveObjection(prisma, city, { objectionId: o2.id, outcome: 'DISMISSED' }))).details).toEqual({ field: 'resolution' });
    expect(await resolveObjection(prisma, city, { objectionId: o2.id, outcome: 'DISMISSED', resolution: '机构资质有效,异议不成立' })).toMatchObject({ status: 'DISMISSED' });
    expect((await errorOf(recordObjection(prisma, county, objection(c.claimId, { lineId: c.lineIds[0] }), during))).details).toEqual({ field: 'lineId' }); // already rejected
    const closed = await closeNotice(prisma, city, { claimId: c.claimId, today: '2026-11-30' });
    expect([closed.status, closed.approvedFen]).toEqual(['APPROVED', 190_000n]);
    expect(await prisma.auditLog.count({ where: { entityId: { in: [o1.id, o2.id] }, action: { in: ['claim.objection.uphold', 'claim.objection.dismiss'] } } })).toBe(2);
  });

  it('an upheld objection against the claim rejects it and every line; other open objections become moot', async () => {
    const c = await onNotice(2);
    const o1 = await recordObjection(prisma, county, objection(c.claimId, { reason: '培训班为虚假开班' }), during);
    const o2 = await recordObjection(prisma, county, objection(c.claimId, { lineId: c.lineIds[1] }), during);
    await resolveObjection(prisma, province, { objectionId: o1.id, outcome: 'UPHELD' });
    const claim = await prisma.subsidyClaim.findUniqueOrThrow({ where: { id: c.claimId }, include: { lines: true } });
    expect([claim.status, claim.rejectionReason, claim.totalFen]).toEqual(['REJECTED', '培训班为虚假开班', 0n]);
    expect(claim.lines.map((l) => [l.status, l.rejectionReason])).toEqual([
      ['REJECTED', '培训班为虚假开班'],
      ['REJECTED', '培训班为虚假开班'],
    ]);
    expect((await prisma.claimObjection.findUniqueOrThrow({ where: { id: o2.id } })).status).toBe('DISMISSED');
    expect(await code(resolveObjection(prisma, city, { objectionId: o2.id, outcome: 'UPHELD' }))).toBe('INVALID_TRANSITION');
  });

  it('upholding the objection against the last accepted line rejects the claim', async () => {
    const c = await onNotice(1);
    const o = await recordObjection(prisma, county, objection(c.claimId, { lineId: c.lineIds[0] }), during);
    await resolveObjection(prisma, city, { objectionId: o.id, outcome: 'UPHELD' });
    expect((await prisma.subsidyClaim.findUniqueOrThrow({ where: { id: c.claimId } })).status).toBe('REJECTED');
  });
});

describe('payment batches', () => {
  let batchId: string;
  let a: Awaited<ReturnType<typeof approved>>;
  let b: Awaited<ReturnType<typeof approved>>;

  beforeAll(async () => {
    a = await approved(1);
    b = await approved(2);
  });

  it('a city bureau opens a batch for its region; a county bureau or an institution cannot', async () => {
    expect(await code(createPaymentBatch(prisma, county))).toBe('FORBIDDEN');
    expect(await code(createPaymentBatch(prisma, staff))).toBe('FORBIDDEN');
    expect(await code(createPaymentBatch(prisma, city, { regionCode: '140000' }))).toBe('FORBIDDEN');
    const batch = await createPaymentBatch(prisma, city, {}, { now: FRIDAY_NOON });
    expect(batch).toMatchObject({ number: 'PB-141000-2026-0001', regionCode: '141000', status: 'OPEN', totalFen: 0n, claimCount: 0 });
    batchId = batch.id;
  });

  it('adds APPROVED claims and keeps the totals; a claim cannot be in two batches; wrong claims are named', async () => {
    const batch = await addClaimsToBatch(prisma, city, { batchId, claimIds: [a.claimId, b.claimId] });
    expect([batch.totalFen, batch.claimCount]).toEqual([570_000n, 2]);
    const other = await createPaymentBatch(prisma, city);
    const twice = await errorOf(addClaimsToBatch(prisma, city, { batchId: other.id, claimIds: [a.claimId] }));
    expect([twice.code, twice.details?.row, twice.details?.batchNumber]).toEqual(['CONFLICT', 0, 'PB-141000-2026-0001']);
    const notice = await onNotice(1);
    const early = await errorOf(addClaimsToBatch(prisma, city, { batchId: other.id, claimIds: [notice.claimId] }));
    expect([early.code, early.details?.field, early.details?.row]).toEqual(['INVALID_TRANSITION', 'claimIds', 0]);
    expect((await errorOf(addClaimsToBatch(prisma, city, { batchId: other.id, claimIds: [] }))).details).toEqual({ field: 'claimIds' });
    expect((await errorOf(addClaimsToBatch(prisma, city, { batchId: other.id, claimIds: [a.claimId, a.claimId] }))).details).toEqual({ field: 'claimIds' });
    expect(await code(addClaimsToBatch(prisma, county, { batchId, claimIds: [a.claimId] }))).toBe('NOT_FOUND');
    // A batch of one county cannot take a claim of another.
    const xiangfen = await prisma.paymentBatch.create({ data: { number: 'PB-141023-TEST', regionCode: '141023' } });
    const region = await errorOf(addClaimsToBatch(prisma, city, { batchId: xiangfen.id, claimIds: [a.claimId] }));
    expect([region.code, region.details?.row]).toEqual(['VALIDATION', 0]);
    expect(await prisma.payment.count({ where: { claimId: a.claimId } })).toBe(1);
    expect(await code(payClaim(prisma, city, { claimId: a.claimId, bankReference: 'X' }))).toBe('CONFLICT');
  });

  it('a claim taken out of an OPEN batch can be added again; totals follow', async () => {
    const out = await removeClaimFromBatch(prisma, city, { batchId, claimId: b.claimId });
    expect([out.totalFen, out.claimCount]).toEqual([190_000n, 1]);
    expect((await errorOf(removeClaimFromBatch(prisma, city, { batchId, claimId: b.claimId }))).details).toEqual({ field: 'claimId' });
    const back = await addClaimsToBatch(prisma, city, { batchId, claimIds: [b.claimId] });
    expect([back.totalFen, back.claimCount]).toEqual([570_000n, 2]);
  });

  it('two batches racing for the same claim: exactly one gets it', async () => {
    const c = await approved(1);
    const [x, y] = await Promise.all([createPaymentBatch(prisma, city), createPaymentBatch(prisma, city)]);
    const results = await Promise.allSettled([x, y].map((bt) => addClaimsToBatch(prisma, city, { batchId: bt!.id, claimIds: [c.claimId] })));
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as DomainError).code).toBe('CONFLICT');
    expect(await prisma.payment.count({ where: { claimId: c.claimId } })).toBe(1);
  });

  it('submitting freezes the batch; an empty batch cannot be submitted', async () => {
    const empty = await createPaymentBatch(prisma, city);
    expect((await errorOf(submitPaymentBatch(prisma, city, { batchId: empty.id }))).details).toEqual({ field: 'batchId' });
    expect((await submitPaymentBatch(prisma, city, { batchId })).status).toBe('SUBMITTED');
    expect(await prisma.payment.findMany({ where: { batchId }, select: { status: true } })).toEqual([{ status: 'SENT' }, { status: 'SENT' }]);
    expect(await code(addClaimsToBatch(prisma, city, { batchId, claimIds: [a.claimId] }))).toBe('INVALID_TRANSITION');
    expect(await code(removeClaimFromBatch(prisma, city, { batchId, claimId: a.claimId }))).toBe('INVALID_TRANSITION');
    expect(await code(submitPaymentBatch(prisma, city, { batchId }))).toBe('INVALID_TRANSITION');
  });

  it('confirmed paid: every claim PAID with one payment and balanced journals, in one go; again is a no-op', async () => {
    expect((await errorOf(confirmPaymentBatchPaid(prisma, cityTwo, { batchId, bankReference: ' ' }))).details).toEqual({ field: 'bankReference' });
    const paid = await confirmPaymentBatchPaid(prisma, cityTwo, { batchId, bankReference: 'ICBC-PB-0001' });
    expect([paid.status, paid.bankReference, paid.totalFen, paid.claimCount]).toEqual(['PAID', 'ICBC-PB-0001', 570_000n, 2]);
    for (const c of [a, b]) {
      const claim = await prisma.subsidyClaim.findUniqueOrThrow({ where: { id: c.claimId }, include: { payments: true, ledger: true } });
      expect(claim.status).toBe('PAID');
      expect(claim.payments.map((p) => [p.status, p.bankReference, p.amountFen])).toEqual([['CONFIRMED', 'ICBC-PB-0001', claim.approvedFen]]);
      const journals = new Map<string, bigint>();
      for (const e of claim.ledger) journals.set(e.journalId, (journals.get(e.journalId) ?? 0n) + (e.direction === 'DEBIT' ? e.amountFen : -e.amountFen));
      expect([...journals.values()]).toEqual([0n, 0n]);
      expect((await ledgerBalances(prisma, { claimId: c.claimId })).find((x) => x.account === `payable:org:${inst}`)?.balanceFen).toBe(0n);
      for (const personId of c.personIds) expect((await personBalance(prisma, city, personId)).outstandingFen).toBe(0n);
    }
    expect((await personBalance(prisma, city, b.personIds[0]!))).toMatchObject({ approvedFen: 190_000n, paidFen: 190_000n });
    expect((await confirmPaymentBatchPaid(prisma, cityTwo, { batchId, bankReference: 'ICBC-PB-0001' })).id).toBe(batchId);
    expect(await code(confirmPaymentBatchPaid(prisma, cityTwo, { batchId, bankReference: 'ICBC-PB-0002' }))).toBe('CONFLICT');
    expect(await prisma.ledgerEntry.count({ where: { claimId: { in: [a.claimId, b.claimId] }, paymentId: { not: null } } })).toBe(2 + 3);
    expect(await prisma.auditLog.count({ where: { entityId: { in: [a.claimId, b.claimId] }, action: 'claim.pay' } })).toBe(2);
  });

  it('a cancelled batch releases its claims for another batch', async () => {
    const c = await approved(1);
    const bt = await createPaymentBatch(prisma, city);
    await addClaimsToBatch(prisma, city, { batchId: bt.id, claimIds: [c.claimId] });
    await submitPaymentBatch(prisma, city, { batchId: bt.id });
    expect((await errorOf(cancelPaymentBatch(prisma, city, { batchId: bt.id, reason: '' }))).details).toEqual({ field: 'reason' });
    expect(await cancelPaymentBatch(prisma, city, { batchId: bt.id, reason: '银行退回:账号有误' })).toMatchObject({ status: 'CANCELLED', totalFen: 0n, claimCount: 0 });
    expect(await code(confirmPaymentBatchPaid(prisma, city, { batchId: bt.id, bankReference: 'R' }))).toBe('INVALID_TRANSITION');
    const next = await createPaymentBatch(prisma, city);
    expect((await addClaimsToBatch(prisma, city, { batchId: next.id, claimIds: [c.claimId] })).claimCount).toBe(1);
  });
});

describe('claw-backs and balances per claimant and per person', () => {
  let enterprise: string;
  let policyId: string;
  let k = 0;

  async function newPerson() {
    const m = 9_000 + ++k;
    return prisma.person.create({
      data: {
        name: `学徒${m}`,
        idNumberCipher: 'x',
        idNumberHash: randomBytes(32).toString('hex'),
        idNumberMasked: `141002********${m}`,
        birthDate: new Date('1995-01-01T00:00:00Z'),
        sex: 'FEMALE',
        originRegionCode: '141002',
      },
    });
  }

  /**
   * A settlement claim written directly (filing APPRENTICESHIP_SETTLEMENT is core/subsidy/claim-filing.ts):
   * lines with a balance (> 0) and a claw-back (< 0), e.g. Fujian 5,000 a year with 50% pre-paid.
   */
  async function settlement(amounts: number[]) {
    const persons = await Promise.all(amounts.map(() => newPerson()));
    const net = amounts.reduce((s, x) => s + x, 0);
    const claim = await prisma.subsidyClaim.create({
      data: {
        number: `BT-TEST-${randomUUID().slice(0, 8)}`,
        claimantId: enterprise,
        regionCode: '141002',
        policyId,
        kind: 'APPRENTICESHIP',
        claimKind: 'APPRENTICESHIP_SETTLEMENT',
        basisRef: `test:${randomUUID()}`,
        computation: { facts: { netFen: net } },
        status: 'SUBMITTED',
        totalFen: BigInt(Math.max(0, net)),
        lines: {
          create: amounts.map((amountFen, i) => ({
            personId: persons[i]!.id,
            kind: 'APPRENTICESHIP' as const,
            part: amountFen < 0 ? ('CLAWBACK' as const) : ('BALANCE' as const),
            basisRef: `apprenticeship:test:${k}:${i}`,
            amountFen,
            subsidyYear: 2026,
            countsTowardLimit: false,
            dedupKey: `test-settlement:${randomUUID()}`,
            explanation: {},
          })),
        },
      },
      include: { lines: { orderBy: { amountFen: 'desc' } } },
    });
    await reviewClaim(prisma, county, { claimId: claim.id, decisions: claim.lines.map((l) => ({ lineId: l.id, accept: true })) });
    await approveClaim(prisma, city, { claimId: claim.id }, { now: FRIDAY_NOON });
    const closed = await closeNotice(prisma, city, { claimId: claim.id, today: '2026-11-30' });
    return { claim: closed, lines: claim.lines };
  }

  beforeAll(async () => {
    enterprise = (await prisma.organization.create({ data: { name: '尧都区学徒制企业', kind: 'ENTERPRISE', regionCode: '141002', creditCode: '91141002MA0000002B' } })).id;
    policyId = (await prisma.subsidyPolicy.findFirstOrThrow({ where: { code: 'LF-TRAINING' } })).id;
  });

  it('a balance of 3,000 and a claw-back of 2,500 net to 500 paid; every payable balance ends at zero', async () => {
    const { claim, lines } = await settlement([300_000, -250_000]);
    expect(claim.approvedFen).toBe(50_000n);
    const [balance, clawback] = lines;
    const ent = await organizationBalance(prisma, city, enterprise);
    expect([ent.approvedFen, ent.paidFen, ent.outstandingFen]).toEqual([50_000n, 0n, 50_000n]);
    // Before payment: the apprentice of the claw-back owes (a receivable, debit), the other is owed.
    expect((await personBalance(prisma, city, clawback!.personId)).outstandingFen).toBe(-250_000n);
    expect((await personBalance(prisma, city, balance!.personId)).outstandingFen).toBe(300_000n);
    await payClaim(prisma, city, { claimId: claim.id, bankReference: 'BOC-CLAW-1' });
    const after = await organizationBalance(prisma, city, enterprise);
    expect([after.approvedFen, after.paidFen, after.outstandingFen]).toEqual([50_000n, 50_000n, 0n]);
    expect(after.accounts.map((b) => [b.account, b.balanceFen])).toEqual([
      ['bank:141002', -50_000n],
      [`payable:org:${enterprise}`, 0n],
      ['subsidy-expense:141002', 50_000n],
    ]);
    for (const l of lines) expect((await personBalance(prisma, city, l.personId)).outstandingFen).toBe(0n);
  });

  it('a claw-back larger than the rest pays nothing and leaves a receivable from the claimant', async () => {
    const before = (await organizationBalance(prisma, city, enterprise)).outstandingFen;
    const { claim, lines } = await settlement([-300_000]);
    expect([claim.status, claim.approvedFen]).toEqual(['APPROVED', 0n]);
    expect((await errorOf(payClaim(prisma, city, { claimId: claim.id, bankReference: 'X' }))).code).toBe('VALIDATION');
    const bt = await createPaymentBatch(prisma, city);
    expect((await errorOf(addClaimsToBatch(prisma, city, { batchId: bt.id, claimIds: [claim.id] }))).code).toBe('VALIDATION');
    expect((await organizationBalance(prisma, city, enterprise)).outstandingFen - before).toBe(-300_000n);
    const person = await personBalance(prisma, city, lines[0]!.personId);
    expect(person.accounts.map((b) => [b.account, b.balanceFen])).toEqual([
      [`payable:org:${enterprise}`, 300_000n], // debit: owed to the bureau
      ['subsidy-expense:141002', -300_000n],
    ]);
  });

  it('a person claiming for themself is paid on payable:person:<id>; their balance is theirs to see', async () => {
    const p = await newPerson();
    const claim = await prisma.subsidyClaim.create({
      data: {
        number: `BT-TEST-${randomUUID().slice(0, 8)}`,
        claimantPersonId: p.id,
        regionCode: '141002',
        policyId,
        kind: 'SKILL_UPGRADE',
        claimKind: 'SKILL_UPGRADE',
        basisRef: `test:${randomUUID()}`,
        computation: {},
        status: 'SUBMITTED',
        totalFen: 150_000n,
        lines: {
          create: [
            {
              personId: p.id,
              kind: 'SKILL_UPGRADE',
              basisRef: 'certificate:test',
              amountFen: 150_000, // 1,500 yuan for LEVEL_4
              subsidyYear: 2026,
              countsTowardLimit: true,
              dedupKey: `test-skill-upgrade:${p.id}`,
              explanation: {},
            },
          ],
        },
      },
      include: { lines: true },
    });
    await reviewClaim(prisma, county, { claimId: claim.id, decisions: [{ lineId: claim.lines[0]!.id, accept: true }] });
    await approveClaim(prisma, city, { claimId: claim.id }, { now: FRIDAY_NOON });
    await closeNotice(prisma, city, { claimId: claim.id, today: '2026-11-30' });
    await payClaim(prisma, city, { claimId: claim.id, bankReference: 'RCC-0001' });
    expect((await ledgerBalances(prisma, { claimantPersonId: p.id })).map((b) => [b.account, b.debitFen, b.creditFen])).toEqual([
      ['bank:141002', 0n, 150_000n],
      [`payable:person:${p.id}`, 150_000n, 150_000n],
      ['subsidy-expense:141002', 150_000n, 0n],
    ]);
    const self: Actor = { userId: randomUUID(), username: 'self', sessionId: null, roles: [role({ role: 'TRAINEE', personId: p.id })] };
    expect(await personBalance(prisma, self, p.id)).toMatchObject({ approvedFen: 150_000n, paidFen: 150_000n, outstandingFen: 0n });
  });

  it('entries written under the old account name payable:<orgId> still count for the organization', async () => {
    const before = await organizationBalance(prisma, city, enterprise);
    const claim = await prisma.subsidyClaim.findFirstOrThrow({ where: { claimantId: enterprise } });
    const journalId = randomUUID();
    await prisma.ledgerEntry.createMany({
      data: [
        { journalId, account: 'subsidy-expense:141002', direction: 'DEBIT', amountFen: 12_300n, claimId: claim.id },
        { journalId, account: `payable:${enterprise}`, direction: 'CREDIT', amountFen: 12_300n, claimId: claim.id },
      ],
    });
    const after = await organizationBalance(prisma, city, enterprise);
    expect(after.approvedFen - before.approvedFen).toBe(12_300n);
    expect(after.accounts.find((a) => a.account === `payable:${enterprise}`)?.balanceFen).toBe(-12_300n);
  });

  it('balances are scoped: the trainee themself, the institution its own, a bureau its region', async () => {
    const c = await approved(1);
    const personId = c.personIds[0]!;
    const self: Actor = { userId: randomUUID(), username: 't', sessionId: null, roles: [role({ role: 'TRAINEE', personId })] };
    const stranger: Actor = { userId: randomUUID(), username: 's', sessionId: null, roles: [role({ role: 'TRAINEE', personId: randomUUID() })] };
    expect((await personBalance(prisma, self, personId)).approvedFen).toBe(190_000n);
    expect(await code(personBalance(prisma, stranger, personId))).toBe('NOT_FOUND');
    expect(await code(personBalance(prisma, otherCounty, personId))).toBe('NOT_FOUND');
    expect((await organizationBalance(prisma, staff, inst)).approvedFen).toBeGreaterThanOrEqual(190_000n);
    expect(await code(organizationBalance(prisma, staff, enterprise))).toBe('NOT_FOUND');
    expect(await code(organizationBalance(prisma, otherCounty, inst))).toBe('NOT_FOUND');
    expect(await code(organizationBalance(prisma, county, 'not-a-uuid'))).toBe('NOT_FOUND');
  });
});

describe('review levels as policy data (rules.review)', () => {
  // 襄汾县 has its own policy version: the city bureau alone reviews, approves, closes and pays.
  const SINGLE_LEVEL = { review: ['CITY'], approve: ['CITY'], closeNotice: ['CITY'], pay: ['CITY'] };
  let xiangfenInst: string;
  let xiangfenStaff: Actor;

  async function xiangfenClaim(count = 1) {
    const classId = await classWithTrainees(count, { institutionId: xiangfenInst, regionCode: '141023' });
    const { claimId } = await fileClaim(prisma, xiangfenStaff, { kind: 'TRAINING', classId }, FRIDAY_NOON);
    const lines = await prisma.subsidyClaimLine.findMany({ where: { claimId }, orderBy: { id: 'asc' } });
    return { claimId, decisions: lines.map((l) => ({ lineId: l.id, accept: true })) };
  }

  beforeAll(async () => {
    xiangfenInst = (
      await prisma.organization.create({ data: { name: '襄汾县培训学校', kind: 'TRAINING_INSTITUTION', regionCode: '141023', creditCode: '52141023MJ0000003C' } })
    ).id;
    xiangfenStaff = { userId: randomUUID(), username: 'xf-staff', sessionId: null, roles: [role({ role: 'INSTITUTION_STAFF', organizationId: xiangfenInst })] };
    await prisma.subsidyPolicy.create({
      data: {
        code: 'XF-TRAINING',
        version: 1,
        name: '襄汾(市级一级审核)',
        regionCode: '141023',
        kind: 'TRAINING',
        effectiveFrom: new Date('2026-01-01T00:00:00Z'),
        rules: { ...RULES, review: SINGLE_LEVEL },
        status: 'PUBLISHED',
      },
    });
  });

  it('the claim is judged by the levels of its own policy version: a county bureau is FORBIDDEN naming the levels, the city reviews', async () => {
    const { claimId, decisions } = await xiangfenClaim();
    const claim = await prisma.subsidyClaim.findUniqueOrThrow({ where: { id: claimId }, include: { policy: { select: { code: true } } } });
    expect(claim.policy.code).toBe('XF-TRAINING');
    const forbidden = await errorOf(reviewClaim(prisma, otherCounty, { claimId, decisions }));
    expect([forbidden.code, forbidden.details?.action, forbidden.details?.levels]).toEqual(['FORBIDDEN', 'REVIEW', ['CITY']]);
    expect(forbidden.localized.zh).toBe('只有辖区内市级人社部门可以审核此补贴申领');
    expect(forbidden.localized.en).toBe("Only a city bureau covering the claim's region may review it");
    expect(await code(rejectClaim(prisma, otherCounty, { claimId, reason: '材料不全' }))).toBe('FORBIDDEN'); // a rejection at review takes the review levels
    expect(await code(reviewClaim(prisma, province, { claimId, decisions }))).toBe('FORBIDDEN'); // the default would allow a province
    expect((await reviewClaim(prisma, city, { claimId, decisions })).status).toBe('UNDER_REVIEW');
    expect((await approveClaim(prisma, cityTwo, { claimId }, { now: FRIDAY_NOON })).status).toBe('PUBLIC_NOTICE');
    expect(await code(closeNotice(prisma, province, { claimId, today: '2026-11-30' }))).toBe('FORBIDDEN');
    expect((await closeNotice(prisma, city, { claimId, today: '2026-11-30' })).status).toBe('APPROVED');
  });

  it('options.levels still overrides the policy', async () => {
    const { claimId, decisions } = await xiangfenClaim();
    const levels = { REVIEW: ['COUNTY'], APPROVE: ['CITY'], CLOSE_NOTICE: ['CITY'], PAY: ['CITY'] } as const;
    expect((await reviewClaim(prisma, otherCounty, { claimId, decisions }, { levels })).status).toBe('UNDER_REVIEW');
  });

  it('claims under a policy without rules.review keep the default: county review, city approval', async () => {
    const c = await onNotice(1); // LF-TRAINING: reviewed by the county 141002 in the helper
    expect((await prisma.subsidyClaim.findUniqueOrThrow({ where: { id: c.claimId } })).status).toBe('PUBLIC_NOTICE');
  });

  it('paying checks the PAY levels of each claim\'s policy: a province batch cannot take a claim only the city may pay', async () => {
    const { claimId, decisions } = await xiangfenClaim();
    await reviewClaim(prisma, city, { claimId, decisions });
    await approveClaim(prisma, cityTwo, { claimId }, { now: FRIDAY_NOON });
    await closeNotice(prisma, city, { claimId, today: '2026-11-30' });
    expect(await code(payClaim(prisma, province, { claimId, bankReference: 'SX-0001' }))).toBe('FORBIDDEN');
    const provinceBatch = await createPaymentBatch(prisma, province, {}, { now: FRIDAY_NOON });
    const refused = await errorOf(addClaimsToBatch(prisma, province, { batchId: provinceBatch.id, claimIds: [claimId] }));
    expect([refused.code, refused.details?.row, refused.details?.levels]).toEqual(['FORBIDDEN', 0, ['CITY']]);
    const lfClaim = await approved(1); // LF-TRAINING pays at city or province
    expect((await addClaimsToBatch(prisma, province, { batchId: provinceBatch.id, claimIds: [lfClaim.claimId] })).claimCount).toBe(1);
    const cityBatch = await createPaymentBatch(prisma, city, {}, { now: FRIDAY_NOON });
    expect((await addClaimsToBatch(prisma, city, { batchId: cityBatch.id, claimIds: [claimId] })).claimCount).toBe(1);
    await submitPaymentBatch(prisma, city, { batchId: cityBatch.id });
    // The province covers the city's batch, but the claim's policy lets only the city pay it.
    const confirm = await errorOf(confirmPaymentBatchPaid(prisma, province, { batchId: cityBatch.id, bankReference: 'SX-PB-1' }));
    expect([confirm.code, confirm.details?.field, confirm.details?.claimId]).toEqual(['FORBIDDEN', 'batchId', claimId]);
    expect((await confirmPaymentBatchPaid(prisma, cityTwo, { batchId: cityBatch.id, bankReference: 'SX-PB-1' })).status).toBe('PAID');
  });
});

describe('four eyes on money', () => {
  const SINGLE_LEVEL = { review: ['CITY'], approve: ['CITY'], closeNotice: ['CITY'], pay: ['CITY'] } as const;
  const levels = { REVIEW: SINGLE_LEVEL.review, APPROVE: SINGLE_LEVEL.approve, CLOSE_NOTICE: SINGLE_LEVEL.closeNotice, PAY: SINGLE_LEVEL.pay };

  async function reviewedByCity() {
    const classId = await classWithTrainees(1);
    const { claimId } = await fileClaim(prisma, staff, { kind: 'TRAINING', classId }, FRIDAY_NOON);
    const lines = await prisma.subsidyClaimLine.findMany({ where: { claimId } });
    await reviewClaim(prisma, city, { claimId, decisions: lines.map((l) => ({ lineId: l.id, accept: true })) }, { levels });
    return claimId;
  }

  it('single level: the city officer who reviewed cannot approve (FOUR_EYES, audited); a second city officer can, and the approval names the reviewer', async () => {
    const claimId = await reviewedByCity();
    const refused = await errorOf(approveClaim(prisma, city, { claimId }, { levels, now: FRIDAY_NOON }));
    expect([refused.code, refused.details]).toEqual(['FOUR_EYES', { step: 'APPROVE_CLAIM', conflicts: ['REVIEW_CLAIM'] }]);
    expect(refused.localized.zh).toBe('您审核了此申领,不能再审批:涉及资金的操作须由另一名工作人员完成(审批分离)');
    expect(refused.localized.en).toBe('You reviewed it, so you cannot approve this claim: another officer must take this step (four eyes on money)');
    expect((await prisma.subsidyClaim.findUniqueOrThrow({ where: { id: claimId } })).status).toBe('UNDER_REVIEW');
    const attempt = await prisma.auditLog.findMany({ where: { entityId: claimId, action: 'claim.approve.refused' } });
    expect(attempt.map((a) => [a.actorUserId, (a.after as { code: string }).code])).toEqual([[city.userId, 'FOUR_EYES']]);
    expect((await approveClaim(prisma, cityTwo, { claimId }, { levels, now: FRIDAY_NOON })).status).toBe('PUBLIC_NOTICE');
    const approval = await prisma.auditLog.findFirstOrThrow({ where: { entityId: claimId, action: 'claim.approve' } });
    expect(approval.actorUserId).toBe(cityTwo.userId);
    expect(approval.after).toMatchObject({ status: 'PUBLIC_NOTICE', fourEyes: { reviewedBy: [city.userId] } });
  });

  it('a user with county and city bindings who reviewed as the county cannot approve as the city', async () => {
    const both: Actor = { userId: randomUUID(), username: 'both', sessionId: null, roles: [role({ role: 'BUREAU_OFFICER', regionCode: '141002' }), role({ role: 'BUREAU_OFFICER', regionCode: '141000' })] };
    const classId = await classWithTrainees(1);
    const { claimId } = await fileClaim(prisma, staff, { kind: 'TRAINING', classId }, FRIDAY_NOON);
    const lines = await prisma.subsidyClaimLine.findMany({ where: { claimId } });
    await reviewClaim(prisma, both, { claimId, decisions: lines.map((l) => ({ lineId: l.id, accept: true })) });
    expect(await code(approveClaim(prisma, both, { claimId }, { now: FRIDAY_NOON }))).toBe('FOUR_EYES');
    expect((await approveClaim(prisma, city, { claimId }, { now: FRIDAY_NOON })).status).toBe('PUBLIC_NOTICE');
  });

  it('whoever created or submitted a batch cannot confirm it paid; a third officer can, and the confirmation names them', async () => {
    const cityThree = bureau('141000');
    const c = await approved(1);
    const bt = await createPaymentBatch(prisma, city);
    await addClaimsToBatch(prisma, city, { batchId: bt.id, claimIds: [c.claimId] });
    await submitPaymentBatch(prisma, cityTwo, { batchId: bt.id });
    const byCreator = await errorOf(confirmPaymentBatchPaid(prisma, city, { batchId: bt.id, bankReference: 'ICBC-4E-1' }));
    expect([byCreator.code, byCreator.details]).toEqual(['FOUR_EYES', { step: 'CONFIRM_BATCH_PAID', conflicts: ['CREATE_BATCH'] }]);
    expect(byCreator.localized.zh).toContain('您编制了此批次,不能再确认拨付');
    const bySubmitter = await errorOf(confirmPaymentBatchPaid(prisma, cityTwo, { batchId: bt.id, bankReference: 'ICBC-4E-1' }));
    expect([bySubmitter.code, bySubmitter.details?.conflicts]).toEqual(['FOUR_EYES', ['SUBMIT_BATCH']]);
    expect((await prisma.paymentBatch.findUniqueOrThrow({ where: { id: bt.id } })).status).toBe('SUBMITTED');
    expect((await prisma.subsidyClaim.findUniqueOrThrow({ where: { id: c.claimId } })).status).toBe('APPROVED');
    const refusals = await prisma.auditLog.findMany({ where: { entityId: bt.id, action: 'payment-batch.confirm-paid.refused' }, orderBy: { id: 'asc' } });
    expect(refusals.map((r) => r.actorUserId)).toEqual([city.userId, cityTwo.userId]);
    expect((await confirmPaymentBatchPaid(prisma, cityThree, { batchId: bt.id, bankReference: 'ICBC-4E-1' })).status).toBe('PAID');
    const confirmation = await prisma.auditLog.findFirstOrThrow({ where: { entityId: bt.id, action: 'payment-batch.confirm-paid' } });
    expect(confirmation.actorUserId).toBe(cityThree.userId);
    expect(confirmation.after).toMatchObject({ fourEyes: { createdBy: [city.userId], submittedBy: [cityTwo.userId] } });
  });
});
