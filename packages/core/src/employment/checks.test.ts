import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import { DomainError, isoDate } from '@vtc/domain';
import { BASE_AMOUNT_FEN, type Base, createCohort, duplicateKeys, seedBase } from './cohort.testkit.ts';
import { checkChunk, EMPLOYMENT_REMINDER_KIND, ensureEmploymentChecks, finishCheckRun, planCheckRun } from './index.ts';

/**
 * The employment checks against the real Postgres: checks created from completions, runs planned as
 * chunks, decisions written, uplift lines filed exactly once on a supplementary claim, windows
 * closed, reminders sent once. Days are passed in, so every date is exact.
 */
let db: TestDatabase;
let prisma: PrismaClient;
let base: Base;

beforeAll(async () => {
  db = await createTestDatabase('employment_checks');
  prisma = createPrisma(db.url);
  base = await seedBase(prisma);
});

afterAll(async () => {
  await prisma.$disconnect();
  await db.drop();
});

async function runDay(runDate: string, chunkSize = 3) {
  const plan = await planCheckRun(prisma, { runDate, chunkSize });
  const results: Awaited<ReturnType<typeof checkChunk>>[] = [];
  for (const id of plan.chunkIds) results.push(await checkChunk(prisma, id, { today: runDate }));
  const total = (k: 'checked' | 'qualified' | 'employed' | 'closed' | 'reminders') => results.reduce((s, r) => s + r[k], 0);
  // The last chunk (or planning, when there is no chunk) leaves the run ready; finishing it files the uplifts.
  const finished = await finishCheckRun(prisma, plan.runId, { today: runDate });
  return {
    plan,
    results,
    finished,
    checked: total('checked'),
    qualified: total('qualified'),
    closed: total('closed'),
    reminders: total('reminders'),
    uplifts: finished?.uplifts ?? 0,
  };
}

async function errorOf(p: Promise<unknown>): Promise<{ code: string; field: unknown }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return { code: e.code, field: e.details?.field };
    throw e;
  }
  throw new Error('expected a DomainError');
}

const checksOf = (classId: string) =>
  prisma.employmentCheck.findMany({ where: { enrollment: { classId } }, orderBy: [{ enrollmentId: 'asc' }, { checkpointMonths: 'asc' }] });
const upliftLines = (classId: string) => prisma.subsidyClaimLine.findMany({ where: { part: 'EMPLOYMENT_UPLIFT', basisRef: `class:${classId}` } });

describe('one cohort through the year (completed 2026-03-31, Bayannur uplift policy)', () => {
  let classId: string;
  let claimId: string;
  let qualifying: string[];

  beforeAll(async () => {
    const c = await createCohort(prisma, base, { size: 10, qualifyingEvery: 2, ensureChecks: false });
    classId = c.classId;
    claimId = c.claimId!;
    qualifying = c.qualifyingPersonIds;
    // Someone who did not complete gets no checks.
    await prisma.enrollment.update({ where: { id: c.enrollmentIds[0]! }, data: { status: 'FAILED' } });
  });

  it('ensureEmploymentChecks creates the 3- and 6-month checks of completed enrollments once (31 March → 30 June, 30 September)', async () => {
    const first = await ensureEmploymentChecks(prisma, { today: '2026-04-01' });
    expect(first.created).toBe(18);
    expect((await ensureEmploymentChecks(prisma, { today: '2026-04-01' })).created).toBe(0);
    const checks = await checksOf(classId);
    expect(checks).toHaveLength(18);
    expect(new Set(checks.map((c) => `${c.checkpointMonths}:${isoDate(c.completedOn)}:${isoDate(c.dueOn)}`))).toEqual(
      new Set(['3:2026-03-31:2026-06-30', '6:2026-03-31:2026-09-30']),
    );
    expect(checks.every((c) => c.status === 'PENDING' && c.decidedAt === null)).toBe(true);
  });

  it('a run on 1 July decides the qualified trainees and files each uplift line exactly once', async () => {
    const day = await runDay('2026-07-01');
    expect(day.plan.created).toBe(true);
    expect(day.plan.chunkIds).toHaveLength(3); // 9 enrollments in ranges of 3
    expect(day.checked).toBe(18);

    const checks = await checksOf(classId);
    const qualifiedPersons = new Set(
      (await prisma.enrollment.findMany({ where: { id: { in: checks.filter((c) => c.status === 'QUALIFIED').map((c) => c.enrollmentId) } } })).map((e) => e.personId),
    );
    // Every 2nd trainee has a qualifying job; the one whose enrollment FAILED has no checks at all.
    const failed = await prisma.enrollment.findFirstOrThrow({ where: { classId, status: 'FAILED' } });
    expect([...qualifiedPersons].sort()).toEqual(qualifying.filter((p) => p !== failed.personId).sort());
    // Both checkpoints of a qualified trainee are QUALIFIED and final; the others' 3-month window closed NOT_EMPLOYED; 6-month still PENDING.
    for (const c of checks) {
      const e = await prisma.enrollment.findUniqueOrThrow({ where: { id: c.enrollmentId } });
      if (qualifiedPersons.has(e.personId)) {
        expect({ status: c.status, decided: c.decidedAt !== null, employer: c.employerCreditCode, months: c.contractMonths }).toEqual({
          status: 'QUALIFIED',
          decided: true,
          employer: '91150802MA0000001X',
          months: 12,
        });
      } else if (c.checkpointMonths === 3) {
        expect([c.status, c.decidedAt !== null]).toEqual(['NOT_EMPLOYED', true]);
      } else {
        expect([c.status, c.decidedAt]).toEqual(['PENDING', null]);
      }
    }
    expect(day.qualified).toBe(qualifiedPersons.size * 2);

    const lines = await upliftLines(classId);
    expect(lines).toHaveLength(qualifiedPersons.size);
    expect(lines.every((l) => l.amountFen === BASE_AMOUNT_FEN / 2 && l.kind === 'CLASS_HOUR' && l.countsTowardLimit === false && l.enrollmentId !== null)).toBe(true);
    expect(new Set(lines.map((l) => l.personId))).toEqual(qualifiedPersons);
    const supplementary = await prisma.subsidyClaim.findMany({ where: { supplementsClaimId: claimId } });
    expect(supplementary).toHaveLength(1); // one open supplementary claim collects every chunk's lines
    expect(supplementary[0]).toMatchObject({ claimKind: 'EMPLOYMENT_UPLIFT', kind: 'CLASS_HOUR', status: 'SUBMITTED', claimantId: base.institutionId });
    expect(supplementary[0]!.totalFen).toBe(BigInt((BASE_AMOUNT_FEN / 2) * qualifiedPersons.size));
    expect(lines.every((l) => l.claimId === supplementary[0]!.id)).toBe(true);
    const explanation = lines[0]!.explanation as { rule: string; inputs: Record<string, unknown> };
    expect(explanation.rule).toBe('CLASS_HOUR.EMPLOYMENT_UPLIFT');
    expect(explanation.inputs).toMatchObject({ baseAmountFen: BASE_AMOUNT_FEN, upliftBp: 5_000, contractSignedOn: '2026-05-01', contractMonths: 12 });
    // The check says where its uplift went.
    const q = checks.find((c) => c.status === 'QUALIFIED')!;
    expect((q.evidence as { uplift?: { claimNumber: string } }).uplift?.claimNumber).toBe(supplementary[0]!.number);

    const run = await prisma.employmentCheckRun.findUniqueOrThrow({ where: { id: day.plan.runId } });
    expect(run).toMatchObject({ status: 'SUCCEEDED', chunkCount: 3, chunksDone: 3, checked: 18, qualified: day.qualified, closed: day.closed });
    expect(run.finishedAt).not.toBeNull();
    expect(await duplicateKeys(prisma)).toEqual([]);
  });

  it('running the same day again and a chunk twice create nothing new', async () => {
    const before = { lines: (await upliftLines(classId)).length, claims: await prisma.subsidyClaim.count(), audit: await prisma.auditLog.count() };
    const again = await planCheckRun(prisma, { runDate: '2026-07-01', chunkSize: 3 });
    expect(again.created).toBe(false);
    expect(again.chunkIds).toEqual([]); // all DONE
    const chunk = await prisma.employmentCheckChunk.findFirstOrThrow({ where: { runId: again.runId } });
    expect(await checkChunk(prisma, chunk.id, { today: '2026-07-01' })).toMatchObject({ skipped: true, checked: 0, runReady: false });
    // Finishing a finished run again files nothing.
    expect(await finishCheckRun(prisma, again.runId, { today: '2026-07-01' })).toEqual({ skipped: true, uplifts: 0, refused: 0, claims: 0 });
    // The next day: the qualified checks are closed and their uplifts filed; nothing to do for them.
    const next = await runDay('2026-07-02');
    expect(next.uplifts).toBe(0);
    expect(next.qualified).toBe(0);
    expect({ lines: (await upliftLines(classId)).length, claims: await prisma.subsidyClaim.count(), audit: await prisma.auditLog.count() }).toEqual(before);
    const run = await prisma.employmentCheckRun.findUniqueOrThrow({ where: { id: again.runId } });
    expect(run.chunksDone).toBe(3); // the skipped chunk was not counted twice
  });

  it('reminds each active staff user once, 14 days before the 6-month window closes', async () => {
    expect((await runDay('2026-09-15')).reminders).toBe(0); // 15 days before: not yet
    const day = await runDay('2026-09-16');
    // One notification per active staff user per chunk with pending checks (4 pending trainees in 2 of 3 chunks or so).
    const chunksWithPending = day.results.filter((r) => r.reminders > 0).length;
    expect(chunksWithPending).toBeGreaterThan(0);
    expect(day.reminders).toBe(chunksWithPending * base.staffUserIds.length);
    const notes = await prisma.notification.findMany({ where: { kind: EMPLOYMENT_REMINDER_KIND } });
    expect(notes).toHaveLength(day.reminders);
    expect(new Set(notes.map((n) => n.userId))).toEqual(new Set(base.staffUserIds)); // the disabled user gets none
    expect(notes.every((n) => n.channel === 'IN_APP' && n.deliveredAt !== null && n.dedupKey?.startsWith('employment-reminder:'))).toBe(true);
    expect(notes[0]!.body).toContain('2026-09-30');
    const pending = (await checksOf(classId)).filter((c) => c.status === 'PENDING');
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((c) => c.reminderSentAt !== null)).toBe(true);
    // Re-running the day and the next days send nothing more.
    expect((await runDay('2026-09-16')).reminders).toBe(0);
    expect((await runDay('2026-09-17')).reminders).toBe(0);
    expect(await prisma.notification.count({ where: { kind: EMPLOYMENT_REMINDER_KIND } })).toBe(day.reminders);
  });

  it('closes the 6-month window on 1 October: NOT_EMPLOYED, or EMPLOYED for a non-qualifying job', async () => {
    const pending = (await checksOf(classId)).filter((c) => c.status === 'PENDING');
    const employedEnrollment = await prisma.enrollment.findUniqueOrThrow({ where: { id: pending[0]!.enrollmentId } });
    // A six-month contract with insurance: employed, not qualifying (shorter than 12 months).
    await prisma.employmentRecord.create({
      data: { personId: employedEnrollment.personId, source: 'LABOUR_CONTRACT', employerCreditCode: '91150802MA0000002X', contractStart: new Date('2026-06-01T00:00:00Z'), contractEnd: new Date('2026-11-30T00:00:00Z') },
    });
    await prisma.socialInsuranceContribution.create({
      data: { personId: employedEnrollment.personId, employerCreditCode: '91150802MA0000002X', month: '202606', insuranceType: 'PENSION', amountFen: 40_000 },
    });
    const day = await runDay('2026-10-01');
    expect(day.closed).toBe(pending.length);
    const after = (await checksOf(classId)).filter((c) => c.checkpointMonths === 6 && pending.some((p) => p.id === c.id));
    expect(after.every((c) => c.decidedAt !== null)).toBe(true);
    const employed = after.find((c) => c.enrollmentId === employedEnrollment.id)!;
    expect({ status: employed.status, months: employed.contractMonths }).toEqual({ status: 'EMPLOYED', months: 6 });
    expect(after.filter((c) => c.status === 'NOT_EMPLOYED')).toHaveLength(pending.length - 1);
    const ev = after.find((c) => c.status === 'NOT_EMPLOYED')!.evidence as { rule: string }; // no zh/en stored: describeEmploymentEvidence words it
    expect(ev.rule).toBe('WINDOW_CLOSED');
    // Decided checks never change again, whatever evidence arrives later.
    await prisma.socialInsuranceContribution.create({
      data: { personId: (await prisma.enrollment.findUniqueOrThrow({ where: { id: after.find((c) => c.status === 'NOT_EMPLOYED')!.enrollmentId } })).personId, employerCreditCode: '91150802MA0000002X', month: '202609', insuranceType: 'PENSION', amountFen: 40_000 },
    });
    expect((await runDay('2026-10-02')).checked).toBe(0);
  });
});

describe('uplift waits for the base line, and never doubles', () => {
  it('a PENDING base line gives no uplift (reason kept); once accepted, the next run files it on the open supplementary claim or a new one', async () => {
    const c = await createCohort(prisma, base, { size: 2, qualifyingEvery: 1, claim: { status: 'SUBMITTED', lineStatus: 'PENDING' } });
    const d1 = await runDay('2026-11-01', 500);
    expect(d1.uplifts).toBe(0);
    const checks = await checksOf(c.classId);
    expect(checks.every((k) => k.status === 'QUALIFIED')).toBe(true);
    expect((checks[0]!.evidence as { uplift: { refused: string } }).uplift.refused).toBe('BASE_NOT_APPROVED');

    // The county accepts one line: the next run files that one uplift.
    const [first, second] = await prisma.subsidyClaimLine.findMany({ where: { claimId: c.claimId! }, orderBy: { id: 'asc' } });
    await prisma.subsidyClaimLine.update({ where: { id: first!.id }, data: { status: 'ACCEPTED' } });
    const d2 = await runDay('2026-11-02', 500);
    expect(d2.uplifts).toBe(1);
    const [supp] = await prisma.subsidyClaim.findMany({ where: { supplementsClaimId: c.claimId! } });
    // The bureau takes up the supplementary claim; then the second line is accepted.
    await prisma.subsidyClaim.update({ where: { id: supp!.id }, data: { status: 'UNDER_REVIEW' } });
    await prisma.subsidyClaimLine.update({ where: { id: second!.id }, data: { status: 'ACCEPTED' } });
    const d3 = await runDay('2026-11-03', 500);
    expect(d3.uplifts).toBe(1);
    const supps = await prisma.subsidyClaim.findMany({ where: { supplementsClaimId: c.claimId! }, orderBy: { createdAt: 'asc' }, include: { lines: true } });
    expect(supps.map((s) => [s.status, s.lines.length, Number(s.totalFen)])).toEqual([
      ['UNDER_REVIEW', 1, BASE_AMOUNT_FEN / 2],
      ['SUBMITTED', 1, BASE_AMOUNT_FEN / 2],
    ]);
    expect((await runDay('2026-11-04', 500)).uplifts).toBe(0);
  });

  it('a line already holding the uplift key (filed elsewhere) is not doubled and nothing crashes', async () => {
    const c = await createCohort(prisma, base, { size: 1, qualifyingEvery: 1 });
    const personId = c.qualifyingPersonIds[0]!;
    const key = `CLASS_HOUR|${personId}|4-10-01-05|LEVEL_4|class:${c.classId}|EMPLOYMENT_UPLIFT`;
    const other = await prisma.subsidyClaim.create({
      data: { number: `BT-X-${c.tag}`, claimantId: base.institutionId, regionCode: '150802', policyId: base.policyId, kind: 'CLASS_HOUR', claimKind: 'EMPLOYMENT_UPLIFT', basisRef: `class:${c.classId}`, computation: {}, status: 'SUBMITTED' },
    });
    // No enrollment link, so the check still looks for its uplift and runs into the key.
    await prisma.subsidyClaimLine.create({
      data: { claimId: other.id, personId, kind: 'CLASS_HOUR', part: 'EMPLOYMENT_UPLIFT', basisRef: `class:${c.classId}`, amountFen: 1, subsidyYear: 2026, countsTowardLimit: false, dedupKey: key, explanation: {} },
    });
    await runDay('2026-11-05', 500);
    expect((await upliftLines(c.classId)).map((l) => l.claimId)).toEqual([other.id]); // only the line filed elsewhere
    expect(await prisma.subsidyClaimLine.count({ where: { dedupKey: key } })).toBe(1);
    expect(await prisma.subsidyClaim.count({ where: { supplementsClaimId: c.claimId! } })).toBe(0);
    expect(await duplicateKeys(prisma)).toEqual([]);
  });

  it('a rejected CLASS_HOUR claim gets no uplift', async () => {
    const c = await createCohort(prisma, base, { size: 2, qualifyingEvery: 1, claim: { status: 'REJECTED', lineStatus: 'ACCEPTED' } });
    const day = await runDay('2026-11-06', 500);
    expect(day.qualified).toBe(4);
    expect(day.uplifts).toBe(0);
    expect(await upliftLines(c.classId)).toHaveLength(0);
  });
});

describe('reminders need someone to receive them', () => {
  it('an institution without active staff: nothing is marked reminded; once it has staff, the next run reminds', async () => {
    // Completed 15 June: the 6-month window closes on 15 December, reminders from 1 December.
    const c = await createCohort(prisma, base, { size: 3, qualifyingEvery: 0, claim: null, completedAt: '2026-06-15T09:00:00Z' });
    await prisma.user.updateMany({ where: { id: { in: base.staffUserIds } }, data: { status: 'DISABLED' } });
    try {
      const before = await prisma.notification.count({ where: { kind: EMPLOYMENT_REMINDER_KIND } });
      await runDay('2026-12-01', 500);
      const open = (await checksOf(c.classId)).filter((k) => k.checkpointMonths === 6);
      expect(open.map((k) => [k.status, k.reminderSentAt])).toEqual([
        ['PENDING', null],
        ['PENDING', null],
        ['PENDING', null],
      ]);
      expect(await prisma.notification.count({ where: { kind: EMPLOYMENT_REMINDER_KIND } })).toBe(before);
      await prisma.user.updateMany({ where: { id: { in: base.staffUserIds } }, data: { status: 'ACTIVE' } });
      const next = await runDay('2026-12-02', 500);
      expect(next.reminders).toBe(base.staffUserIds.length); // one chunk: one notification per staff user
      expect((await checksOf(c.classId)).filter((k) => k.checkpointMonths === 6).every((k) => k.reminderSentAt !== null)).toBe(true);
    } finally {
      await prisma.user.updateMany({ where: { id: { in: base.staffUserIds } }, data: { status: 'ACTIVE' } });
    }
  });
});

describe('the daily ensure reads only recent completions', () => {
  it('with completedSince: enrollments completed since then, by their own date or (without one) by their class\'s', async () => {
    const c = await createCohort(prisma, base, { size: 3, qualifyingEvery: 0, claim: null, completedAt: '2027-02-10T09:00:00Z', ensureChecks: false });
    // The first trainee has no completion date of its own (its class's counts); the second completed before the cut-off.
    await prisma.enrollment.update({ where: { id: c.enrollmentIds[0]! }, data: { completedAt: null } });
    await prisma.enrollment.update({ where: { id: c.enrollmentIds[1]! }, data: { completedAt: new Date('2027-01-20T09:00:00Z') } });
    expect(await ensureEmploymentChecks(prisma, { today: '2027-02-11', completedSince: '2027-02-01' })).toEqual({ created: 4 });
    const made = await prisma.employmentCheck.findMany({ where: { classId: c.classId }, orderBy: [{ enrollmentId: 'asc' }, { checkpointMonths: 'asc' }] });
    expect(new Set(made.map((k) => k.enrollmentId))).toEqual(new Set([c.enrollmentIds[0]!, c.enrollmentIds[2]!]));
    expect(made.map((k) => isoDate(k.completedOn))).toEqual(Array(4).fill('2027-02-10'));
    // Without the cut-off every completed enrollment is looked at: the early one gets its checks too.
    expect(await ensureEmploymentChecks(prisma, { today: '2027-02-11' })).toEqual({ created: 2 });
    expect(await ensureEmploymentChecks(prisma, { today: '2027-02-11', completedSince: '2027-02-01' })).toEqual({ created: 0 });
  });
});

describe('a run writes only what changed', () => {
  const day = (d: Date | null) => (d ? isoDate(d) : null);

  it('checks whose outcome is the same as on the last run are left as they are; new evidence, or a stored digest that does not match, rewrites them', async () => {
    // Completed 15 December: both windows open through January, no reminder due.
    const c = await createCohort(prisma, base, { size: 3, qualifyingEvery: 0, claim: null, completedAt: '2026-12-15T09:00:00Z' });
    await runDay('2027-01-05', 500);
    const written = await checksOf(c.classId);
    expect(written.map((k) => [k.status, day(k.lastCheckedOn), k.outcomeHash?.length])).toEqual(Array(6).fill(['PENDING', '2027-01-05', 22]));

    // The next day nothing is new: every check is looked at again, and none is written.
    const next = await runDay('2027-01-06', 500);
    expect(next.checked).toBeGreaterThanOrEqual(6);
    const same = await checksOf(c.classId);
    expect(same.map((k) => [k.id, k.updatedAt.getTime(), day(k.lastCheckedOn), k.outcomeHash])).toEqual(
      written.map((k) => [k.id, k.updatedAt.getTime(), '2027-01-05', k.outcomeHash]),
    );

    // A contribution arrives for the first trainee; the second's row holds a digest that is not its outcome's.
    const first = await prisma.enrollment.findUniqueOrThrow({ where: { id: c.enrollmentIds[0]! } });
    await prisma.socialInsuranceContribution.create({
      data: { personId: first.personId, employerCreditCode: '91150802MA0000002X', month: '202701', insuranceType: 'PENSION', amountFen: 40_000 },
    });
    await prisma.$executeRaw`UPDATE "EmploymentCheck" SET "outcomeHash" = 'AAAAAAAAAAAAAAAAAAAAAA' WHERE "enrollmentId" = ${c.enrollmentIds[1]!}::uuid`;
    await runDay('2027-01-07', 500);
    const after = new Map((await checksOf(c.classId)).map((k) => [k.id, k]));
    const row = (enrollmentId: string) =>
      written.filter((k) => k.enrollmentId === enrollmentId).map((k) => [after.get(k.id)!.status, day(after.get(k.id)!.lastCheckedOn), after.get(k.id)!.outcomeHash === k.outcomeHash]);
    expect(row(c.enrollmentIds[0]!)).toEqual([
      ['EMPLOYED', '2027-01-07', false],
      ['EMPLOYED', '2027-01-07', false],
    ]);
    expect(row(c.enrollmentIds[1]!)).toEqual([
      ['PENDING', '2027-01-07', true], // rewritten with the same outcome: the digest is right again
      ['PENDING', '2027-01-07', true],
    ]);
    expect(row(c.enrollmentIds[2]!)).toEqual([
      ['PENDING', '2027-01-05', true],
      ['PENDING', '2027-01-05', true],
    ]);
  });
});

describe('input errors', () => {
  it.each([
    ['runDate', () => planCheckRun(prisma, { runDate: '2026-02-30' }), 'runDate'],
    ['chunkSize 0', () => planCheckRun(prisma, { runDate: '2026-12-01', chunkSize: 0 }), 'chunkSize'],
    ['today', () => checkChunk(prisma, '00000000-0000-4000-8000-000000000000', { today: 'tomorrow' }), 'today'],
    ['ensure today', () => ensureEmploymentChecks(prisma, { today: '2026/12/01' }), 'today'],
  ])('%s → VALIDATION naming the field', async (_n, call, field) => {
    expect(await errorOf(call())).toEqual({ code: 'VALIDATION', field });
  });

  it('an unknown chunk → NOT_FOUND', async () => {
    expect(await errorOf(checkChunk(prisma, '00000000-0000-4000-8000-000000000000', { today: '2026-12-01' }))).toEqual({ code: 'NOT_FOUND', field: 'chunkId' });
  });
});
