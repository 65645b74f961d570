/**
 * Queue names. One queue per kind of work, so a slow kind (maintenance batches) never delays a fast one
 * (notifications). Every Redis key of a queue is `<QUEUE_PREFIX>:<queue name>:...`.
 */
export const QUEUES = {
  notifications: 'notifications',
  maintenance: 'maintenance',
  /** Bulk imports (rosters): long jobs of their own, so they never hold up maintenance. */
  imports: 'imports',
  /** Certificate PDFs, rendered in flows per assessment session. */
  documents: 'documents',
  /** Daily employment checks: a run job plans chunks, chunk jobs check id ranges, a sweeper re-enqueues lost chunks. */
  employment: 'employment',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const QUEUE_NAMES: readonly QueueName[] = Object.values(QUEUES);
