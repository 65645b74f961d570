import type { Job, JobsOptions } from 'bullmq';
import { type AnyJobDefinition, type JobInput, parsePayload } from './definition.ts';
import type { Queues } from './queue-factory.ts';

/**
 * Add a job, typed by its definition. The payload is checked against the schema here too, so a bad
 * payload fails in the code that made it rather than later in a worker.
 */
export async function enqueue<D extends AnyJobDefinition>(
  queues: Queues,
  definition: D,
  payload: JobInput<D>,
  options: JobsOptions = {},
): Promise<Job> {
  parsePayload(definition, payload);
  return queues[definition.queue].add(definition.name, payload, { ...definition.options, ...options });
}

/** A producer function bound to one definition: `const sendWelcome = createProducer(queues, WELCOME_NOTIFICATION_JOB)`. */
export function createProducer<D extends AnyJobDefinition>(
  queues: Queues,
  definition: D,
): (payload: JobInput<D>, options?: JobsOptions) => Promise<Job> {
  return (payload, options) => enqueue(queues, definition, payload, options);
}
