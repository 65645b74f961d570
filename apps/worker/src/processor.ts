import type { PrismaClient } from '@vtc/db';
import { type JobContext, type JobHandler, type Logger, parsePayload, type QueueName } from '@vtc/jobs';
import { type Job, type Processor, UnrecoverableError } from 'bullmq';

/** Identifies a job in hooks and logs: ids and names only, never the payload. */
export interface JobRef {
  id: string;
  queue: QueueName;
  name: string;
}

export interface WorkerHooks {
  /**
   * Runs after the payload is parsed, before the handler. For tests (e.g. hold a job active while the
   * worker shuts down); production code passes none.
   */
  beforeHandle?: (job: JobRef) => Promise<void> | void;
}

export interface ProcessorDeps {
  prisma: PrismaClient;
  logger: Logger;
  config: JobContext['config'];
  piiKeys: JobContext['piiKeys'];
  addFlow: JobContext['addFlow'];
  queues?: JobContext['queues'];
  hooks?: WorkerHooks;
}

/**
 * The BullMQ processor of one queue: find the handler by job name, parse the payload with the job's zod
 * schema (an invalid payload fails the job at once, without retries), call the handler, return its
 * small result.
 */
export function createProcessor(queue: QueueName, handlers: readonly JobHandler[], deps: ProcessorDeps): Processor {
  const byName = new Map(handlers.filter((h) => h.definition.queue === queue).map((h) => [h.definition.name, h]));
  return async (job: Job) => {
    const handler = byName.get(job.name);
    if (!handler) throw new UnrecoverableError(`No handler for job "${job.name}" on queue "${queue}"`);
    const payload = parsePayload(handler.definition, job.data);
    const ref: JobRef = { id: job.id ?? '', queue, name: job.name };
    await deps.hooks?.beforeHandle?.(ref);
    const context: JobContext = {
      prisma: deps.prisma,
      logger: deps.logger,
      config: deps.config,
      piiKeys: deps.piiKeys,
      addFlow: deps.addFlow,
      queues: deps.queues,
      job: {
        ...ref,
        attemptsMade: job.attemptsMade,
        dueAt: dueAt(job),
        updateProgress: (p) => job.updateProgress(p),
      },
    };
    return handler.handle(payload, context);
  };
}

/** When the job was due: a scheduler job's scheduled time, otherwise when it was added plus its delay. */
function dueAt(job: Job): Date {
  return new Date(job.opts.prevMillis ?? job.timestamp + (job.delay ?? 0));
}
