import type { Config } from '@vtc/config';
import type { PrismaClient } from '@vtc/db';
import type { FlowJob } from 'bullmq';
import type { AnyJobDefinition, JobPayload } from './definition.ts';
import type { Logger } from './logger.ts';
import type { Queues } from './queue-factory.ts';

/** What a handler gets besides its payload. */
export interface JobContext {
  prisma: PrismaClient;
  logger: Logger;
  config: Config;
  /** Keys for resident ID numbers (AES-256-GCM and the lookup HMAC), from the worker's configuration. */
  piiKeys: { encryptionKey: Buffer; hashKey: Buffer };
  /** Add a BullMQ flow (a parent job that runs once all its children have finished). */
  addFlow(flow: FlowJob): Promise<void>;
  /** The producer-side queues, for handlers that enqueue jobs in bulk (the employment-check run, its sweeper). */
  queues?: Queues;
  job: {
    /** Report progress (percent, or an object with counts) to BullMQ. */
    updateProgress(progress: number | object): Promise<void>;
    id: string;
    queue: string;
    name: string;
    /** Attempts already made before this one. */
    attemptsMade: number;
    /** When the job was due: the scheduled time for scheduler jobs, otherwise when it was added. */
    dueAt: Date;
  };
}

/**
 * A handler: parse nothing, decide nothing. It maps a parsed payload onto one `core` use case and
 * returns a small, id-only result (stored by BullMQ as the job's return value).
 */
export interface JobHandler<D extends AnyJobDefinition = AnyJobDefinition, R = unknown> {
  readonly definition: D;
  handle(payload: JobPayload<D>, context: JobContext): Promise<R>;
}

export function defineHandler<D extends AnyJobDefinition, R>(
  definition: D,
  handle: (payload: JobPayload<D>, context: JobContext) => Promise<R>,
): JobHandler<D, R> {
  return { definition, handle };
}
