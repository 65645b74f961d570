import { z } from 'zod';
import { defineJob } from '../definition.ts';
import { QUEUES } from '../queues.ts';

const calendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * Daily employment checks (就业跟踪). `employment-check-run` (scheduled 03:00 Asia/Shanghai, or
 * enqueued by a bureau for a demo) creates the missing checks, plans the day's run as chunks of
 * enrollment-id ranges in Postgres and enqueues one `employment-check-chunk` job per chunk in bulk
 * (jobId `check-chunk-<chunkId>`). Postgres is the truth: a chunk not DONE is re-enqueued by
 * `employment-check-sweep` (every 30 s) when its job is gone from Redis or failed, and running a chunk
 * twice changes nothing.
 */
export const EMPLOYMENT_CHECK_RUN_JOB = defineJob({
  queue: QUEUES.employment,
  name: 'employment-check-run',
  version: 1,
  description: 'Plan the day’s employment-check run and enqueue its chunks',
  /**
   * `runDate` only for a manual run; a scheduled run checks the Asia/Shanghai date it was due.
   * `chunkSize` (enrollments per chunk) only when planning a new run; default 500.
   */
  schema: z.object({ runDate: calendarDate.optional(), chunkSize: z.number().int().min(1).max(100_000).optional() }),
  options: { attempts: 5, backoff: { type: 'exponential', delay: 2_000 } },
});

export const EMPLOYMENT_CHECK_CHUNK_JOB = defineJob({
  queue: QUEUES.employment,
  name: 'employment-check-chunk',
  version: 1,
  description: 'Check the employment checks of one chunk (an enrollment-id range) and write the outcomes',
  schema: z.object({ chunkId: z.uuid(), runDate: calendarDate }),
  options: { attempts: 5, backoff: { type: 'exponential', delay: 1_000 } },
});

export const EMPLOYMENT_CHECK_SWEEP_JOB = defineJob({
  queue: QUEUES.employment,
  name: 'employment-check-sweep',
  version: 1,
  description: 'Re-enqueue employment-check chunks whose job was lost or failed',
  schema: z.object({ leaseMs: z.number().int().min(0).max(86_400_000).default(30_000) }),
  options: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
});

/** The job id of a chunk's job: at most one job per chunk exists in Redis at a time. */
export function checkChunkJobId(chunkId: string): string {
  return `check-chunk-${chunkId}`;
}
