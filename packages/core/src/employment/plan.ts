import { type PrismaClient, type Tx, transaction } from '@vtc/db';
import { assertCalendarDate, DomainError, dateFromIso } from '@vtc/domain';
import { checkChunkJobId, EMPLOYMENT_CHECK_CHUNK_JOB, type Queues } from '@vtc/jobs';
import { DEFAULT_CHUNK_SIZE } from './constants.ts';
import { ensureEmploymentChecks } from './ensure.ts';
import { finishCheckRun } from './finish.ts';
import { OPEN_CHECK } from './sql.ts';

export interface PlanCheckRunResult {
  runId: string;
  /** The chunks still to do (all of them for a new run; those not DONE when resuming). */
  chunkIds: string[];
  /** False when the day's run already existed (planning again resumes it). */
  created: boolean;
}

/**
 * The run of `runDate` and its chunks. A new run creates the missing checks first, then cuts the open
 * checks' enrollment ids into ranges of `chunkSize` enrollments (one INSERT … SELECT). A run with
 * nothing to check is SUCCEEDED at once.
 */
export async function planCheckRun(prisma: PrismaClient, { runDate, chunkSize = DEFAULT_CHUNK_SIZE }: { runDate: string; chunkSize?: number }): Promise<PlanCheckRunResult> {
  assertCalendarDate(runDate, 'runDate');
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > 100_000) {
    throw new DomainError('VALIDATION', { zh: '每块人数须为1至100000的整数', en: 'chunkSize must be a whole number from 1 to 100,000' }, { field: 'chunkSize' });
  }
  const existing = await prisma.employmentCheckRun.findUnique({ where: { runDate: dateFromIso(runDate) }, select: { id: true } });
  if (existing) return resume(prisma, existing.id);
  // Classes create their checks when they complete; the run ensures what completed since a month
  // before the last successful run (every enrollment when there was none).
  const last = await prisma.$queryRaw<Array<{ since: string }>>`
    SELECT ("runDate" - 31)::text AS since FROM "EmploymentCheckRun" WHERE status = 'SUCCEEDED' AND "runDate" <= ${runDate}::date
    ORDER BY "runDate" DESC LIMIT 1`;
  await ensureEmploymentChecks(prisma, { today: runDate, completedSince: last[0]?.since ?? null });
  return transaction(
    prisma,
    async (tx) => {
      const inserted = await tx.$queryRaw<Array<{ id: string }>>`
        INSERT INTO "EmploymentCheckRun" (id, "runDate") VALUES (gen_random_uuid(), ${runDate}::date)
        ON CONFLICT ("runDate") DO NOTHING RETURNING id::text AS id`;
      const runId = inserted[0]?.id;
      if (!runId) {
        // Planned by someone else meanwhile.
        const run = await tx.employmentCheckRun.findUniqueOrThrow({ where: { runDate: dateFromIso(runDate) }, select: { id: true } });
        return resume(tx, run.id);
      }
      const chunks = await tx.$queryRaw<Array<{ id: string }>>`
        WITH open AS (SELECT DISTINCT k."enrollmentId" AS id FROM "EmploymentCheck" k WHERE ${OPEN_CHECK}),
        numbered AS (SELECT id, (row_number() OVER (ORDER BY id) - 1) / ${chunkSize}::int AS seq FROM open)
        INSERT INTO "EmploymentCheckChunk" (id, "runId", seq, "fromEnrollmentId", "toEnrollmentId")
        SELECT gen_random_uuid(), ${runId}::uuid, seq, min(id::text)::uuid, max(id::text)::uuid FROM numbered GROUP BY seq
        RETURNING id::text AS id, seq`;
      const sorted = (chunks as Array<{ id: string; seq?: number }>).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
      await tx.employmentCheckRun.update({
        where: { id: runId },
        // With no chunk the run is ready at once: finishCheckRun still files pending uplifts.
        data: { chunkCount: sorted.length },
      });
      return { runId, chunkIds: sorted.map((c) => c.id), created: true };
    },
    { timeoutMs: 120_000 },
  );
}

async function resume(db: Tx | PrismaClient, runId: string): Promise<PlanCheckRunResult> {
  const chunks = await db.employmentCheckChunk.findMany({ where: { runId, status: { not: 'DONE' } }, orderBy: { seq: 'asc' }, select: { id: true } });
  return { runId, chunkIds: chunks.map((c) => c.id), created: false };
}

/** Add one job per chunk in bulk (jobId check-chunk-<id>: an existing job is not added twice) and mark the chunks ENQUEUED. */
export async function enqueueCheckChunks(prisma: PrismaClient, queues: Queues, { runDate, chunkIds }: { runDate: string; chunkIds: readonly string[] }): Promise<number> {
  if (chunkIds.length === 0) return 0;
  const queue = queues[EMPLOYMENT_CHECK_CHUNK_JOB.queue];
  for (let i = 0; i < chunkIds.length; i += 1_000) {
    const part = chunkIds.slice(i, i + 1_000);
    await queue.addBulk(
      part.map((chunkId) => ({ name: EMPLOYMENT_CHECK_CHUNK_JOB.name, data: { chunkId, runDate }, opts: { ...EMPLOYMENT_CHECK_CHUNK_JOB.options, jobId: checkChunkJobId(chunkId) } })),
    );
    await prisma.$executeRaw`
      UPDATE "EmploymentCheckChunk" SET status = 'ENQUEUED', "enqueuedAt" = now(), attempts = attempts + 1
      WHERE id = ANY(${part}::uuid[]) AND status <> 'DONE'`;
  }
  return chunkIds.length;
}

/** Plan (or resume) the day's run and enqueue its chunks: what the `employment-check-run` job does. */
export async function startCheckRun(
  prisma: PrismaClient,
  queues: Queues,
  { runDate, chunkSize }: { runDate: string; chunkSize?: number },
): Promise<PlanCheckRunResult & { enqueued: number }> {
  const plan = await planCheckRun(prisma, { runDate, chunkSize });
  const enqueued = await enqueueCheckChunks(prisma, queues, { runDate, chunkIds: plan.chunkIds });
  if (plan.chunkIds.length === 0) await finishCheckRun(prisma, plan.runId, { today: runDate });
  return { ...plan, enqueued };
}

