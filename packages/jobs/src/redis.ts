import { Redis } from 'ioredis';
import type { Logger } from './logger.ts';

export type RedisRole = 'worker' | 'producer';

export interface CreateRedisOptions {
  role: RedisRole;
  /** Connection errors are reported here (otherwise ioredis prints them to stderr). */
  logger?: Logger;
  /** Shown in `CLIENT LIST`, e.g. 'vtc-worker'. */
  connectionName?: string;
}

/**
 * One ioredis connection, tuned for its role. BullMQ is passed connection instances (in native ESM it
 * cannot load ioredis itself from plain options):
 *
 * - `worker`: BullMQ Workers block on Redis and must never give up on a command, so
 *   `maxRetriesPerRequest: null` (BullMQ refuses anything else) and the offline queue stays on:
 *   commands wait for a reconnect instead of failing.
 * - `producer`: code that adds jobs (the API, the outbox relay) should fail fast when Redis is away:
 *   no offline queue, one retry, bounded connect and command time. The outbox relay records the
 *   failure on the row and tries again on its next pass; nothing is lost.
 *
 * A Queue given an instance shares it and does not close it; a Worker duplicates it and closes its
 * duplicates. The caller quits the instance itself, after closing the Queues and Workers using it.
 */
export function createRedis(url: string, options: CreateRedisOptions): Redis {
  const common = { connectionName: options.connectionName, lazyConnect: false };
  const redis =
    options.role === 'worker'
      ? new Redis(url, { ...common, maxRetriesPerRequest: null, enableReadyCheck: true })
      : new Redis(url, {
          ...common,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          connectTimeout: 5_000,
          commandTimeout: 5_000,
        });
  const { logger } = options;
  if (logger) {
    redis.on('error', (err: Error) => logger.warn({ role: options.role, err: err.message }, 'redis connection error'));
  }
  return redis;
}

/** Quit politely; if the server is gone, drop the socket instead of waiting. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  try {
    if (redis.status === 'ready') await redis.quit();
    else redis.disconnect();
  } catch {
    redis.disconnect();
  }
}
