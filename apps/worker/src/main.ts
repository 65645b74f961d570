import { hostname } from 'node:os';
import { loadConfig } from '@vtc/config';
import { createPrisma } from '@vtc/db';
import { closeRedis, createRedis } from '@vtc/jobs';
import { pino } from 'pino';
import { type HealthServer, postgresProbe, redisProbe, startHealthServer } from './health.ts';
import { type RunningWorker, startWorker } from './worker.ts';

/**
 * The worker process: `npx tsx apps/worker/src/main.ts`. JSON logs on stdout; SIGTERM or SIGINT shuts
 * down in order and exits 0 (a second signal during shutdown exits 1 at once). While Redis is
 * unreachable at start the worker keeps retrying (and logging) until it is there. With
 * WORKER_HEALTH_PORT set it serves /healthz and /readyz there (health.ts) from the start.
 */
const config = loadConfig();
const logger = pino({
  level: config.LOG_LEVEL,
  base: { service: 'worker', pid: process.pid, hostname: hostname() },
  // Belt and braces: job payloads are never logged, and if one ever is, it is censored.
  redact: { paths: ['data', '*.data', 'payload', '*.payload', '*.idNumber', '*.password'], censor: '[redacted]' },
});
const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

process.on('unhandledRejection', (reason) => logger.error({ err: describe(reason) }, 'unhandled rejection'));

let worker: RunningWorker | undefined;
let shuttingDown = false;
let health: HealthServer | undefined;
/** Closes the health endpoint and its own PostgreSQL and Redis connections. */
let closeHealth = async (): Promise<void> => {};

async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (shuttingDown) {
    logger.warn({ signal }, 'second signal during shutdown; exiting now');
    process.exit(1);
  }
  shuttingDown = true;
  health?.startDraining();
  if (!worker) {
    logger.info({ signal }, 'signal before the worker was ready; exiting');
    process.exit(0);
  }
  logger.info({ signal, graceMs: config.SHUTDOWN_GRACE_MS }, 'worker stopping');
  try {
    await worker.stop();
    await closeHealth();
    logger.info({}, 'worker stopped');
    process.exit(0);
  } catch (err) {
    logger.error({ err: describe(err) }, 'worker shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', (s) => void shutdown(s));
process.on('SIGINT', (s) => void shutdown(s));

if (config.WORKER_HEALTH_PORT !== undefined) {
  // Connections of its own, so /readyz answers while the worker is still starting or retrying.
  const prisma = createPrisma(config.DATABASE_URL, { max: 1 });
  const redis = createRedis(config.REDIS_URL, { role: 'producer', connectionName: 'vtc-worker-health' });
  redis.on('error', () => undefined); // /readyz reports it; the worker's own connections log
  try {
    const server = await startHealthServer({
      port: config.WORKER_HEALTH_PORT,
      host: config.HOST,
      checks: {
        postgres: postgresProbe(prisma),
        redis: redisProbe(redis),
        workers: () => worker !== undefined && !shuttingDown,
      },
    });
    health = server;
    closeHealth = async () => {
      await server.close();
      await Promise.allSettled([closeRedis(redis), prisma.$disconnect()]);
    };
    logger.info({ port: server.port }, 'health endpoint listening (/healthz, /readyz)');
  } catch (err) {
    logger.fatal({ err: describe(err), port: config.WORKER_HEALTH_PORT }, 'health endpoint failed to start');
    process.exit(1);
  }
}

try {
  worker = await startWorker({ config, logger });
} catch (err) {
  logger.fatal({ err: describe(err) }, 'worker failed to start');
  process.exit(1);
}
logger.info({ queues: worker.queueNames, schedulers: worker.schedulerIds, prefix: config.QUEUE_PREFIX }, 'worker ready');
