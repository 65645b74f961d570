import { z } from 'zod';
import { defineJob } from '../definition.ts';
import { QUEUES } from '../queues.ts';

/**
 * Batch rendering of a closed assessment session's certificates as a BullMQ flow: `render-session`
 * (from the `assessment.closed` event) plans a flow whose parent `render-session-done` runs once every
 * child `render-certificate` (one per certificate) has finished, rendered or failed: a child that
 * fails for good does not hold the parent (ignoreDependencyOnFailure). Rendering is deterministic, so a
 * retried child rewrites the same bytes.
 *
 * A render failure is recorded per certificate (CertificateRenderFailure: attempts, last error). A
 * retry (`certificate.render.retry.requested`, from the retryCertificateRendering mutation) runs
 * `render-session` again with `retryOf` (the event id): a new flow over the certificates not rendered
 * yet, with job ids of its own so the first flow's finished jobs do not swallow it.
 */
export const RENDER_SESSION_JOB = defineJob({
  queue: QUEUES.documents,
  name: 'render-session',
  version: 1,
  description: 'Plan the flow that renders every certificate of a closed assessment session',
  schema: z.object({
    sessionId: z.uuid(),
    /** The retry request's outbox event id: render only the certificates not rendered yet. */
    retryOf: z
      .string()
      .regex(/^[1-9][0-9]{0,18}$/)
      .optional(),
  }),
  options: { attempts: 3, backoff: { type: 'exponential', delay: 2_000 } },
});

/**
 * Transient errors (the database) are retried; a render error (fonts, the PDF itself) would repeat,
 * so the handler fails the job at once after recording it.
 */
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
  description: 'Record how many certificates of a session were rendered and how many failed',
  schema: z.object({ sessionId: z.uuid() }),
});

/** The job id of a certificate's render job: the first flow's, or a retry's. */
export function renderCertificateJobId(certificateId: string, retryOf?: string): string {
  return retryOf ? `render-certificate-${certificateId}-retry-${retryOf}` : `render-certificate-${certificateId}`;
}

/** The job id of a render flow's parent. */
export function renderSessionDoneJobId(sessionId: string, retryOf?: string): string {
  return retryOf ? `render-session-done-${sessionId}-retry-${retryOf}` : `render-session-done-${sessionId}`;
}
