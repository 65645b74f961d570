import { checkChunk, finishCheckRun, startCheckRun, sweepCheckChunks } from '@vtc/core';
import { shanghaiDate } from '@vtc/domain';
import { defineHandler, EMPLOYMENT_CHECK_CHUNK_JOB, EMPLOYMENT_CHECK_RUN_JOB, EMPLOYMENT_CHECK_SWEEP_JOB, type JobContext } from '@vtc/jobs';

function queuesOf(ctx: JobContext) {
  if (!ctx.queues) throw new Error(`${ctx.job.name} needs the worker's queues in its context`);
  return ctx.queues;
}

/**
 * Plans (or resumes) the day's run in Postgres and enqueues its chunk jobs in bulk; then sweeps, so a
 * re-run of the day also brings back chunks whose jobs were lost. A scheduled run checks the
 * Asia/Shanghai date it was due on.
 */
export const employmentCheckRunHandler = defineHandler(EMPLOYMENT_CHECK_RUN_JOB, async (payload, ctx) => {
  const runDate = payload.runDate ?? shanghaiDate(ctx.job.dueAt);
  const queues = queuesOf(ctx);
  const run = await startCheckRun(ctx.prisma, queues, { runDate, chunkSize: payload.chunkSize });
  const sweep = await sweepCheckChunks(ctx.prisma, queues);
  return { runId: run.runId, runDate, created: run.created, enqueued: run.enqueued, requeued: sweep.requeued };
});

/**
 * Checks one chunk; the chunk is marked DONE in the same transaction as its writes. The run's last
 * chunk then finishes the run (uplift lines, SUCCEEDED); if this worker dies first, the sweeper does.
 */
export const employmentCheckChunkHandler = defineHandler(EMPLOYMENT_CHECK_CHUNK_JOB, async ({ chunkId, runDate }, ctx) => {
  const r = await checkChunk(ctx.prisma, chunkId, { today: runDate });
  const finished = r.runReady && r.runId ? await finishCheckRun(ctx.prisma, r.runId, { today: runDate }) : null;
  return { chunkId, ...r, uplifts: finished?.uplifts ?? 0 };
});

/** Re-enqueues chunks whose job was lost or failed (Postgres is the truth). */
export const employmentCheckSweepHandler = defineHandler(EMPLOYMENT_CHECK_SWEEP_JOB, async ({ leaseMs }, ctx) => {
  return sweepCheckChunks(ctx.prisma, queuesOf(ctx), { leaseMs });
});
