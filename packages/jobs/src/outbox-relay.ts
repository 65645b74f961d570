import { type PrismaClient, transaction } from '@vtc/db';
import { errorMessage, type Logger, silentLogger } from './logger.ts';
import { OUTBOX_ROUTES, type OutboxRoutes, outboxJobId, type RelayedEvent } from './outbox-routes.ts';
import type { Queues } from './queue-factory.ts';

/**
 * The transactional outbox relay. Use cases write OutboxEvent rows in their own transaction (`emit` in
 * core); the relay publishes committed, unpublished rows to BullMQ, at least once:
 *
 * 1. In one transaction, claim up to `batchSize` unpublished rows in id order with
 *    `FOR UPDATE SKIP LOCKED`: concurrent relays (two worker processes) claim disjoint rows.
 * 2. Route each row by event type to a queue and job and add the job with the deterministic id
 *    `outbox-<eventId>`. An unknown type gets `lastError = 'No route ...'` and is skipped: it no longer
 *    takes a place in later batches, and is published by itself once a route for it is deployed.
 *    A Redis failure increments `attempts`, records `lastError` and leaves the row for the next pass.
 * 3. Set `publishedAt` on the rows whose job was added, and commit.
 *
 * If the commit fails after a job was added, the row is published again on a later pass: BullMQ drops
 * the duplicate while the first job still exists, and handlers are idempotent by a Postgres unique key
 * for when it no longer does.
 */
export interface RelayOptions {
  /** Rows per pass (and per transaction). Default 100. */
  batchSize?: number;
  routes?: OutboxRoutes;
  logger?: Logger;
}

export interface RelayResult {
  /** Rows claimed in this pass. */
  claimed: number;
  published: number;
  /** Rows whose type has no route (marked with lastError). */
  unroutable: number;
  /** Rows whose job could not be added (attempts incremented, retried on a later pass). */
  failed: number;
}

export const DEFAULT_RELAY_BATCH_SIZE = 100;

export async function relayOutboxOnce(
  prisma: PrismaClient,
  queues: Queues,
  options: RelayOptions = {},
): Promise<RelayResult> {
  const batchSize = options.batchSize ?? DEFAULT_RELAY_BATCH_SIZE;
  const routes = options.routes ?? OUTBOX_ROUTES;
  const logger = options.logger ?? silentLogger;
  const routedTypes = Object.keys(routes);

  return transaction(prisma, async (tx) => {
    // A row is claimable while unpublished, unless it already failed for want of a route that still
    // does not exist (those would otherwise fill every batch and starve the rows behind them).
    const claimed = await tx.$queryRaw<Array<{ id: bigint }>>`
      SELECT "id" FROM "OutboxEvent"
      WHERE "publishedAt" IS NULL
        AND ("type" = ANY(${routedTypes}::text[]) OR "lastError" IS NULL)
      ORDER BY "id"
      LIMIT ${batchSize}
      FOR UPDATE SKIP LOCKED`;
    const result: RelayResult = { claimed: claimed.length, published: 0, unroutable: 0, failed: 0 };
    if (claimed.length === 0) return result;

    const rows = await tx.outboxEvent.findMany({
      where: { id: { in: claimed.map((r) => r.id) } },
      orderBy: { id: 'asc' },
    });
    const published: bigint[] = [];
    for (const row of rows) {
      const route = routes[row.type];
      if (!route) {
        result.unroutable += 1;
        await tx.outboxEvent.update({
          where: { id: row.id },
          data: { attempts: { increment: 1 }, lastError: `No route for event type "${row.type}"` },
        });
        logger.warn({ eventId: row.id.toString(), type: row.type }, 'outbox event has no route; skipped');
        continue;
      }
      const event: RelayedEvent = {
        id: row.id,
        type: row.type,
        aggregateType: row.aggregateType,
        aggregateId: row.aggregateId,
        payload: isRecord(row.payload) ? row.payload : {},
      };
      try {
        const data = route.payload(event);
        await queues[route.job.queue].add(route.job.name, data, { ...route.job.options, jobId: outboxJobId(row.id) });
        published.push(row.id);
      } catch (err) {
        result.failed += 1;
        const message = errorMessage(err);
        await tx.outboxEvent.update({
          where: { id: row.id },
          data: { attempts: { increment: 1 }, lastError: message },
        });
        logger.warn({ eventId: row.id.toString(), type: row.type, err: message }, 'outbox event not published; will retry');
      }
    }
    if (published.length > 0) {
      await tx.outboxEvent.updateMany({ where: { id: { in: published } }, data: { publishedAt: new Date() } });
    }
    result.published = published.length;
    return result;
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface OutboxRelayOptions extends RelayOptions {
  /** Pause between passes when the previous pass found less than a full batch (OUTBOX_POLL_MS). */
  pollMs: number;
}

export interface OutboxRelay {
  /** Stop polling; resolves once the pass in flight (if any) has committed or rolled back. */
  stop(): Promise<void>;
}

/**
 * Run `relayOutboxOnce` in a loop: immediately again after a full batch, otherwise after `pollMs`.
 * A failing pass (database unreachable, ...) is logged and retried after `pollMs`.
 */
export function startOutboxRelay(prisma: PrismaClient, queues: Queues, options: OutboxRelayOptions): OutboxRelay {
  const logger = options.logger ?? silentLogger;
  const batchSize = options.batchSize ?? DEFAULT_RELAY_BATCH_SIZE;
  let stopping = false;
  let wake: (() => void) | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const loop = async () => {
    while (!stopping) {
      let fullBatch = false;
      try {
        const r = await relayOutboxOnce(prisma, queues, { ...options, batchSize, logger });
        fullBatch = r.claimed >= batchSize;
        if (r.claimed > 0) logger.debug({ ...r }, 'outbox relay pass');
      } catch (err) {
        logger.error({ err: errorMessage(err) }, 'outbox relay pass failed');
      }
      if (!stopping && !fullBatch) await pause(options.pollMs);
    }
  };
  const running = loop();

  return {
    async stop() {
      stopping = true;
      wake?.();
      await running;
    },
  };
}
