import type { Config } from '@vtc/config';
import { type DefaultJobOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { errorMessage, type Logger } from './logger.ts';
import { QUEUE_NAMES, type QueueName } from './queues.ts';

export type QueueConfig = Pick<Config, 'QUEUE_PREFIX'>;

/** Every queue of the platform, by name. */
export type Queues = { readonly [Q in QueueName]: Queue };

/**
 * Defaults for every job: retry transient failures with exponential backoff; keep finished jobs long
 * enough to inspect (and for `jobId` deduplication, which only holds while the job exists) but not
 * forever. Idempotency never rests on the job id alone: handlers use a Postgres unique key.
 */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 24 * 60 * 60, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 60 * 60 },
};

/** The BullMQ key prefix: every key is `<QUEUE_PREFIX>:<queue>:...`. Workers must use the same one. */
export function queuePrefix(config: QueueConfig): string {
  return config.QUEUE_PREFIX;
}

export interface CreateQueueOptions {
  /** Queue errors (mostly Redis connection errors) are reported here; otherwise BullMQ prints them. */
  logger?: Logger;
}

export function createQueue(
  name: QueueName,
  connection: Redis,
  config: QueueConfig,
  options: CreateQueueOptions = {},
): Queue {
  const queue = new Queue(name, { connection, prefix: queuePrefix(config), defaultJobOptions: DEFAULT_JOB_OPTIONS });
  const { logger } = options;
  if (logger) queue.on('error', (err: Error) => logger.warn({ queue: name, err: errorMessage(err) }, 'queue error'));
  return queue;
}

/**
 * One Queue per queue name, all sharing `connection` (use a `producer` connection from `createRedis`).
 * The queues do not close the connection: call `closeQueues`, then quit the connection.
 */
export function createQueues(connection: Redis, config: QueueConfig, options: CreateQueueOptions = {}): Queues {
  return Object.fromEntries(
    QUEUE_NAMES.map((name) => [name, createQueue(name, connection, config, options)]),
  ) as Queues;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((q: Queue) => q.close()));
}
