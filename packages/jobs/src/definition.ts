import { UnrecoverableError, type JobsOptions } from 'bullmq';
import type { z } from 'zod';
import type { QueueName } from './queues.ts';

/**
 * A job definition (Documenso style): what a job is called, which queue carries it, the version of its
 * payload contract and the zod schema of that payload. Handlers live elsewhere (apps/worker), so
 * producers can import definitions without pulling in the code that runs them.
 *
 * Payloads carry record ids only: never names, ID numbers or other personal data (job data is stored
 * in Redis in clear text). Bump `version` when the payload changes incompatibly, and keep accepting the
 * old shape in the schema until no job of the old version can still be waiting in Redis.
 */
export interface JobDefinition<
  TQueue extends QueueName = QueueName,
  TName extends string = string,
  TSchema extends z.ZodType = z.ZodType,
> {
  readonly queue: TQueue;
  readonly name: TName;
  readonly version: number;
  readonly description: string;
  readonly schema: TSchema;
  /** Per-job overrides of the queue's default job options (attempts, backoff, retention). */
  readonly options?: JobsOptions;
}

// biome-ignore lint/suspicious/noExplicitAny: any definition, whatever its schema
export type AnyJobDefinition = JobDefinition<QueueName, string, any>;

/** What a producer passes (before zod defaults and transforms). */
export type JobInput<D extends AnyJobDefinition> = z.input<D['schema']>;
/** What a handler receives (after parsing). */
export type JobPayload<D extends AnyJobDefinition> = z.output<D['schema']>;

export function defineJob<TQueue extends QueueName, TName extends string, TSchema extends z.ZodType>(
  definition: JobDefinition<TQueue, TName, TSchema>,
): JobDefinition<TQueue, TName, TSchema> {
  return Object.freeze(definition);
}

/**
 * Thrown for a payload its schema rejects. It extends BullMQ's UnrecoverableError, so the job fails at
 * once instead of retrying a payload that can never become valid. The message names the offending
 * fields and zod's issue codes, never the values.
 */
export class InvalidJobPayloadError extends UnrecoverableError {
  override readonly name = 'InvalidJobPayloadError';
  readonly issues: ReadonlyArray<{ path: string; code: string }>;

  constructor(definition: AnyJobDefinition, issues: ReadonlyArray<{ path: string; code: string }>) {
    super(
      `Invalid payload for job ${definition.queue}/${definition.name} v${definition.version}: ` +
        issues.map((i) => `${i.path || '(root)'} ${i.code}`).join('; '),
    );
    this.issues = issues;
  }
}

export function parsePayload<D extends AnyJobDefinition>(definition: D, data: unknown): JobPayload<D> {
  const schema: z.ZodType = definition.schema;
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new InvalidJobPayloadError(
      definition,
      result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), code: i.code })),
    );
  }
  return result.data as JobPayload<D>;
}
