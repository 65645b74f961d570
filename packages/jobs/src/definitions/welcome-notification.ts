import { z } from 'zod';
import { defineJob } from '../definition.ts';
import { QUEUES } from '../queues.ts';

/** Write the welcome notification of a newly registered user (from the `user.registered` event). */
export const WELCOME_NOTIFICATION_JOB = defineJob({
  queue: QUEUES.notifications,
  name: 'welcome',
  version: 1,
  description: 'Welcome notification for a newly registered user',
  schema: z.object({
    /** The OutboxEvent id (a bigint, as a decimal string): the idempotency key of the notification. */
    eventId: z.string().regex(/^[1-9][0-9]{0,18}$/),
    userId: z.uuid(),
  }),
});
