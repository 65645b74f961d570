import { hostname } from 'node:os';
import { loadConfig } from '@vtc/config';
import { pino } from 'pino';
import { type RunningWorker, startWorker } from './worker.ts';

/**
 * The worker process: `npx tsx apps/worker/src/main.ts`. JSON logs on stdout; SIGTERM or SIGINT shuts
 * down in order and exits 0 (a second signal during shutdown exits 1 at once). While Redis is
 * unreachable at start the worker keeps retrying (and logging) until it is there.
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

async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (shuttingDown) {
    logger.warn({ signal }, 'second signal during shutdown; exiting now');
    process.exit(1);
  }
  shuttingDown = true;
  if (!worker) {
    logger.info({ signal }, 'signal before the worker was ready; exiting');
    process.exit(0);
  }
  logger.info({ signal, graceMs: config.SHUTDOWN_GRACE_MS }, 'worker stopping');
  try {
    await worker.stop();
    logger.info({}, 'worker stopped');
    process.exit(0);
  } catch (err) {
    logger.error({ err: describe(err) }, 'worker shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', (s) => void shutdown(s));
process.on('SIGINT', (s) => void shutdown(s));

try {
  worker = await startWorker({ config, logger });
} catch (err) {
  logger.fatal({ err: describe(err) }, 'worker failed to start');
  process.exit(1);
}
logger.info({ queues: worker.queueNames, schedulers: worker.schedulerIds, prefix: config.QUEUE_PREFIX }, 'worker ready');
