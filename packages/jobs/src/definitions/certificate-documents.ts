import { z } from 'zod';
import { defineJob } from '../definition.ts';
import { QUEUES } from '../queues.ts';

/**
 * Batch rendering of a closed assessment session's certificates as a BullMQ flow: `render-session`
 * (from the `assessment.closed` event) plans a flow whose parent `render-session-done` runs once every
 * child `render-certificate` (one per certificate) has finished. Rendering is deterministic, so a retried
 * child rewrites the same bytes.
 */
export const RENDER_SESSION_JOB = defineJob({
  queue: QUEUES.documents,
  name: 'render-session',
  version: 1,
  description: 'Plan the flow that renders every certificate of a closed assessment session',
  schema: z.object({ sessionId: z.uuid() }),
  options: { attempts: 3, backoff: { type: 'exponential', delay: 2_000 } },
});

export const RENDER_CERTIFICATE_JOB = defineJob({
  queue: QUEUES.documents,
  name: 'render-certificate',
  version: 1,
  description: 'Render one certificate PDF and store it',
  schema: z.object({ certificateId: z.uuid() }),
  options: { attempts: 3, backoff: { type: 'exponential', delay: 2_000 } },
});

export const RENDER_SESSION_DONE_JOB = defineJob({
  queue: QUEUES.documents,
  name: 'render-session-done',
  version: 1,
  description: 'Record that every certificate of a session has been rendered',
  schema: z.object({ sessionId: z.uuid() }),
});
