import { sweepImports } from '@vtc/core';
import { defineHandler, IMPORT_SWEEP_JOB } from '@vtc/jobs';

/** Re-enqueues roster and contribution imports whose job was lost or failed (Postgres is the truth). */
export const importSweepHandler = defineHandler(IMPORT_SWEEP_JOB, async ({ graceMs }, ctx) => {
  if (!ctx.queues) throw new Error(`${ctx.job.name} needs the worker's queues in its context`);
  return sweepImports(ctx.prisma, ctx.queues, { graceMs });
});
