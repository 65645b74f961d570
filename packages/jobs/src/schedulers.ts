import type { RepeatOptions } from 'bullmq';
import type { AnyJobDefinition, JobInput } from './definition.ts';
import { AUDIT_DIGEST_JOB, EMPLOYMENT_CHECK_RUN_JOB, EMPLOYMENT_CHECK_SWEEP_JOB, IMPORT_SWEEP_JOB } from './definitions/index.ts';
import type { Queues } from './queue-factory.ts';

export interface JobSchedule<D extends AnyJobDefinition = AnyJobDefinition> {
  /** Stable scheduler id: upserting the same id again updates the schedule instead of adding one. */
  readonly id: string;
  readonly job: D;
  readonly repeat: Omit<RepeatOptions, 'key'>;
  readonly payload: JobInput<D>;
}

/**
 * Every job scheduler. Schedules enqueue one job that works in batches; they never fan out one job per
 * person. Times are Asia/Shanghai.
 */
export const JOB_SCHEDULES: readonly JobSchedule[] = [
  {
    id: 'audit-digest-daily',
    job: AUDIT_DIGEST_JOB,
    repeat: { pattern: '0 2 * * *', tz: 'Asia/Shanghai' },
    payload: {},
  } satisfies JobSchedule<typeof AUDIT_DIGEST_JOB>,
  {
    id: 'employment-check-run-daily',
    job: EMPLOYMENT_CHECK_RUN_JOB,
    repeat: { pattern: '0 3 * * *', tz: 'Asia/Shanghai' },
    payload: {},
  } satisfies JobSchedule<typeof EMPLOYMENT_CHECK_RUN_JOB>,
  {
    // Frequent and cheap (one indexed query when nothing is lost); with `every` the first sweep runs
    // as soon as a worker starts, so chunks lost with a wiped Redis come back without waiting a day.
    id: 'employment-check-sweep',
    job: EMPLOYMENT_CHECK_SWEEP_JOB,
    repeat: { every: 30_000 },
    payload: { leaseMs: 30_000 },
  } satisfies JobSchedule<typeof EMPLOYMENT_CHECK_SWEEP_JOB>,
  {
    // Same idea for roster and contribution imports: one indexed query when nothing is stuck; an import
    // is looked at only once it has not moved for a minute (a chunk takes seconds).
    id: 'import-sweep',
    job: IMPORT_SWEEP_JOB,
    repeat: { every: 30_000 },
    payload: { graceMs: 60_000 },
  } satisfies JobSchedule<typeof IMPORT_SWEEP_JOB>,
];

/** Create or update every scheduler (idempotent; safe on every worker start). Returns their ids. */
export async function upsertJobSchedulers(queues: Queues, schedules = JOB_SCHEDULES): Promise<string[]> {
  for (const s of schedules) {
    await queues[s.job.queue].upsertJobScheduler(s.id, s.repeat, {
      name: s.job.name,
      data: s.payload,
      opts: s.job.options?.attempts ? { attempts: s.job.options.attempts } : {},
    });
  }
  return schedules.map((s) => s.id);
}
