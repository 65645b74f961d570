import { z } from 'zod';
import { defineJob } from '../definition.ts';
import { QUEUES } from '../queues.ts';

/**
 * Count one day's audit log by action and notify every system administrator. Scheduled daily; `date`
 * (an Asia/Shanghai calendar date) is only given for a manual re-run, otherwise the handler digests the
 * day before the scheduled run.
 */
export const AUDIT_DIGEST_JOB = defineJob({
  queue: QUEUES.maintenance,
  name: 'audit-digest',
  version: 1,
  description: 'Daily audit log digest for system administrators',
  schema: z.object({
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
  }),
  options: { attempts: 3 },
});
