import type { PrismaClient } from '@vtc/db';
import { checkChunkJobId, EMPLOYMENT_CHECK_CHUNK_JOB, type Queues } from '@vtc/jobs';
import { DEFAULT_CHUNK_LEASE_MS, MAX_CHUNK_ENQUEUES } from './constants.ts';
import { finishCheckRun } from './finish.ts';

/** Chunks looked at per sweep, at the most. */
const SWEEP_BATCH = 5_000;

export interface SweepResult {
  /** Chunks past their lease that were looked at. */
  examined: number;
  /** Of them, chunks whose job was missing, failed or finished without the chunk being DONE: enqueued again. */
  requeued: number;
  /** Runs whose chunks were all DONE but not yet finished (uplifts filed, SUCCEEDED): finished now. */
  finished: number;
}

/**
 * Re-enqueue the chunks of RUNNING runs that are not DONE and were (re-)enqueued more than `leaseMs`
 * ago, when their job is gone from Redis (wiped, restarted, removed), failed, or completed without
 * the chunk being DONE. Jobs still waiting or active are left alone (BullMQ's stalled-job check
 * recovers an active job whose worker died). Every chunk looked at gets a fresh lease. A chunk
 * enqueued MAX_CHUNK_ENQUEUES times is given up on (see constants.ts).
 */
export async function sweepCheckChunks(prisma: PrismaClient, queues: Queues, { leaseMs = DEFAULT_CHUNK_LEASE_MS }: { leaseMs?: number } = {}): Promise<SweepResult> {
  const due = await prisma.$queryRaw<Array<{ id: string; runDate: string }>>`
    SELECT ch.id::text AS id, r."runDate"::text AS "runDate"
    FROM "EmploymentCheckChunk" ch JOIN "EmploymentCheckRun" r ON r.id = ch."runId"
    WHERE r.status = 'RUNNING' AND ch.status <> 'DONE' AND ch.attempts < ${MAX_CHUNK_ENQUEUES}
      AND COALESCE(ch."enqueuedAt", r."startedAt") < now() - make_interval(secs => ${leaseMs / 1000}::double precision)
    ORDER BY ch."enqueuedAt" NULLS FIRST, ch.id LIMIT ${SWEEP_BATCH}`;
  const finished = await finishReadyRuns(prisma);
  if (due.length === 0) return { examined: 0, requeued: 0, finished };
  const queue = queues[EMPLOYMENT_CHECK_CHUNK_JOB.queue];
  const requeue: Array<{ id: string; runDate: string }> = [];
  const retried: string[] = [];
  for (const c of due) {
    const job = await queue.getJob(checkChunkJobId(c.id));
    const state = job ? await job.getState() : 'missing';
    if (state === 'missing' || state === 'unknown') requeue.push(c);
    else if (state === 'failed') {
      await job!.retry('failed');
      retried.push(c.id);
    } else if (state === 'completed') {
      await job!.remove();
      requeue.push(c);
    }
  }
  if (requeue.length > 0) {
    await queue.addBulk(
      requeue.map((c) => ({
        name: EMPLOYMENT_CHECK_CHUNK_JOB.name,
        data: { chunkId: c.id, runDate: c.runDate },
        opts: { ...EMPLOYMENT_CHECK_CHUNK_JOB.options, jobId: checkChunkJobId(c.id) },
      })),
    );
  }
  const again = [...requeue.map((c) => c.id), ...retried];
  await prisma.$executeRaw`
    UPDATE "EmploymentCheckChunk" SET "enqueuedAt" = now(),
      status = CASE WHEN status = 'DONE' THEN status ELSE 'ENQUEUED'::"CheckChunkStatus" END,
      attempts = attempts + CASE WHEN id = ANY(${again}::uuid[]) THEN 1 ELSE 0 END
    WHERE id = ANY(${due.map((c) => c.id)}::uuid[])`;
  return { examined: due.length, requeued: again.length, finished };
}

/** Finish the runs whose chunks are all DONE but whose last step did not end (its worker died). */
async function finishReadyRuns(prisma: PrismaClient): Promise<number> {
  const ready = await prisma.$queryRaw<Array<{ id: string; runDate: string }>>`
    SELECT id::text AS id, "runDate"::text AS "runDate" FROM "EmploymentCheckRun"
    WHERE status = 'RUNNING' AND "chunksDone" >= "chunkCount" ORDER BY "runDate"`;
  let finished = 0;
  for (const r of ready) if (!(await finishCheckRun(prisma, r.id, { today: r.runDate })).skipped) finished += 1;
  return finished;
}

