import type { Config } from '@vtc/config';
import { closeSqlSessions, createPrisma } from '@vtc/db';
import {
  closeQueues,
  closeRedis,
  createQueues,
  createRedis,
  EMPLOYMENT_CHECK_SWEEP_JOB,
  errorMessage,
  IMPORT_SWEEP_JOB,
  JOB_DEFINITIONS,
  type JobHandler,
  type Logger,
  QUEUE_NAMES,
  type QueueName,
  type Queues,
  queuePrefix,
  silentLogger,
  startOutboxRelay,
  upsertJobSchedulers,
} from '@vtc/jobs';
import { piiKeysFrom } from '@vtc/core';
import { FlowProducer, type FlowJob, Worker } from 'bullmq';
import { HANDLERS } from './handlers/index.ts';
import { createProcessor, type WorkerHooks } from './processor.ts';

export interface StartWorkerOptions {
  config: Config;
  logger?: Logger;
  /** Test-only hooks (see WorkerHooks). */
  hooks?: WorkerHooks;
  /** Defaults to every handler of the platform. */
  handlers?: readonly JobHandler[];
}

export interface RunningWorker {
  readonly queueNames: readonly QueueName[];
  readonly schedulerIds: readonly string[];
  /** The producer-side queues (for tests and tooling that add jobs next to a running worker). */
  readonly queues: Queues;
  /**
   * Shut down in order: stop the outbox relay (its batch in flight commits), stop taking jobs and let
   * active ones finish for up to SHUTDOWN_GRACE_MS (after that they are abandoned: their lock expires
   * and BullMQ's stalled-job check hands them to the next worker, which is safe because handlers are
   * idempotent), close queues and Redis, disconnect Prisma. Calling it again returns the same promise.
   */
  stop(): Promise<void>;
}

const CONCURRENCY: Record<QueueName, number> = {
  notifications: 5,
  maintenance: 1,
  imports: 1,
  documents: 2,
  employment: 2,
};

/**
 * Start the worker process's parts: Prisma, two Redis connections (a `worker` one the BullMQ Workers
 * duplicate for their blocking reads, a fail-fast `producer` one for queues, schedulers and the relay),
 * one Worker per queue, the job schedulers and the outbox relay.
 */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { config } = options;
  const logger = options.logger ?? silentLogger;
  const handlers = options.handlers ?? HANDLERS;
  const missing = JOB_DEFINITIONS.filter(
    (d) => !handlers.some((h) => h.definition.queue === d.queue && h.definition.name === d.name),
  );
  if (missing.length > 0) {
    throw new Error(`No handler for job(s): ${missing.map((d) => `${d.queue}/${d.name}`).join(', ')}`);
  }

  // Everything opened so far, closed in reverse if startup fails half-way.
  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        logger.warn({ err: errorMessage(err) }, 'cleanup after failed start');
      }
    }
  };

  try {
    const prisma = createPrisma(config.DATABASE_URL);
    cleanups.push(() => prisma.$disconnect());
    cleanups.push(() => closeSqlSessions(prisma));
    await prisma.$queryRaw`SELECT 1`;

    const workerRedis = createRedis(config.REDIS_URL, { role: 'worker', logger, connectionName: 'vtc-worker' });
    cleanups.push(() => closeRedis(workerRedis));
    const producerRedis = createRedis(config.REDIS_URL, { role: 'producer', logger, connectionName: 'vtc-worker-producer' });
    cleanups.push(() => closeRedis(producerRedis));

    const queues = createQueues(producerRedis, config, { logger });
    cleanups.push(() => closeQueues(queues));
    const schedulerIds = await upsertJobSchedulers(queues);

    const flows = new FlowProducer({ connection: producerRedis, prefix: queuePrefix(config) });
    cleanups.push(() => flows.close());
    const deps = {
      prisma,
      logger,
      config,
      piiKeys: piiKeysFrom(config),
      addFlow: async (flow: FlowJob) => {
        await flows.add(flow);
      },
      queues,
      hooks: options.hooks,
    };
    const workers: Worker[] = [];
    cleanups.push(() => Promise.all(workers.map((w) => w.close(true))).then(() => undefined));
    for (const queue of QUEUE_NAMES) {
      const worker = new Worker(queue, createProcessor(queue, handlers, deps), {
        connection: workerRedis,
        prefix: queuePrefix(config),
        concurrency: CONCURRENCY[queue],
      });
      worker.on('completed', (job, result) => {
        // The sweepers run often (their schedules are in @vtc/jobs): only a sweep that did something is worth an info line.
        const idleSweep =
          (job.name === EMPLOYMENT_CHECK_SWEEP_JOB.name && result?.examined === 0 && result?.finished === 0) ||
          (job.name === IMPORT_SWEEP_JOB.name && result?.examined === 0 && result?.abandoned === 0);
        logger[idleSweep ? 'debug' : 'info']({ queue, jobId: job.id, job: job.name, result }, 'job completed');
      });
      worker.on('failed', (job, err) =>
        logger.warn(
          { queue, jobId: job?.id, job: job?.name, attemptsMade: job?.attemptsMade, err: errorMessage(err) },
          'job failed',
        ),
      );
      worker.on('error', (err) => logger.error({ queue, err: errorMessage(err) }, 'worker error'));
      workers.push(worker);
    }
    await Promise.all(workers.map((w) => w.waitUntilReady()));

    const relay = startOutboxRelay(prisma, queues, { pollMs: config.OUTBOX_POLL_MS, logger });
    cleanups.push(() => relay.stop());

    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        await relay.stop();
        await closeWorkers(workers, config.SHUTDOWN_GRACE_MS, logger);
        await closeQueues(queues);
        await flows.close();
        await Promise.all([closeRedis(workerRedis), closeRedis(producerRedis)]);
        await closeSqlSessions(prisma);
        await prisma.$disconnect();
      })();
      return stopping;
    };
    return { queueNames: QUEUE_NAMES, schedulerIds, queues, stop };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * Stop taking jobs and wait for the active ones, at most `graceMs`; then close. BullMQ's `close()` waits
 * for active jobs without a bound, and a later `close(true)` cannot cut that wait short, so the
 * waiting is done by `pause()` and the closing by `close(force)`.
 */
async function closeWorkers(workers: readonly Worker[], graceMs: number, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const drained = Promise.all(workers.map((w) => w.pause(false))).then(
    () => true,
    (err: unknown) => {
      logger.warn({ err: errorMessage(err) }, 'pausing workers failed');
      return true;
    },
  );
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), graceMs);
  });
  const inTime = await Promise.race([drained, expired]);
  clearTimeout(timer);
  if (!inTime) {
    logger.warn({ graceMs }, 'active jobs did not finish within the shutdown grace period; abandoning them');
    for (const w of workers) w.cancelAllJobs('worker shutdown');
  }
  await Promise.all(workers.map((w) => w.close(!inTime)));
}
