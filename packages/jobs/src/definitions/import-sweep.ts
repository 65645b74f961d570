import { z } from 'zod';
import { defineJob } from '../definition.ts';
import { QUEUES } from '../queues.ts';

/**
 * Re-enqueue roster and contribution imports whose job Redis lost (restarted without its data, a job
 * removed) or that failed without the import being marked FAILED. Postgres is the truth: an import
 * PENDING or RUNNING that has not moved for `graceMs` and whose job (`outbox-<eventId>` of its
 * `*.import.requested` event) is missing, failed or completed gets that same job again, and resumes
 * from its processedRows. On the `maintenance` queue, so a long import on `imports` never delays it.
 */
export const IMPORT_SWEEP_JOB = defineJob({
  queue: QUEUES.maintenance,
  name: 'import-sweep',
  version: 1,
  description: 'Re-enqueue roster and contribution imports whose job was lost or failed',
  schema: z.object({ graceMs: z.number().int().min(0).max(86_400_000).default(60_000) }),
  options: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
});
