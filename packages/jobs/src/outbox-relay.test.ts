import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { loadConfig } from '@vtc/config';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import type { Redis } from 'ioredis';
import { WELCOME_NOTIFICATION_JOB } from './definitions/index.ts';
import { relayOutboxOnce, startOutboxRelay } from './outbox-relay.ts';
import { OUTBOX_EVENT_TYPES, type OutboxRoutes, OUTBOX_ROUTES, outboxJobId } from './outbox-routes.ts';
import { enqueue } from './producers.ts';
import { closeQueues, createQueues, type Queues } from './queue-factory.ts';
import { QUEUE_NAMES } from './queues.ts';
import { closeRedis, createRedis } from './redis.ts';

const REDIS_URL = loadConfig().REDIS_URL;

let db: TestDatabase;
let prisma: PrismaClient;
let redis: Redis;
let queues: Queues;

beforeAll(async () => {
  db = await createTestDatabase('outbox_relay');
  prisma = createPrisma(db.url);
  redis = createRedis(REDIS_URL, { role: 'producer' });
});

afterAll(async () => {
  await prisma.$disconnect();
  await closeRedis(redis);
  await db.drop();
});

// Each test owns its queues: a fresh prefix, obliterated afterwards.
beforeEach(async () => {
  queues = createQueues(redis, { QUEUE_PREFIX: `vtc-test-${randomBytes(6).toString('hex')}` });
  await Promise.all(Object.values(queues).map((q) => q.waitUntilReady()));
});

afterEach(async () => {
  jest.restoreAllMocks();
  await Promise.all(Object.values(queues).map((q) => q.obliterate({ force: true })));
  await closeQueues(queues);
  // Every test relays what it wrote; nothing may leak into the next test.
  await prisma.outboxEvent.deleteMany({});
});

async function writeEvents(n: number, type: string = OUTBOX_EVENT_TYPES.userRegistered): Promise<bigint[]> {
  const ids: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const row = await prisma.outboxEvent.create({
      data: { type, aggregateType: 'User', aggregateId: randomUUID(), payload: {} },
      select: { id: true },
    });
    ids.push(row.id);
  }
  return ids;
}

describe('relayOutboxOnce', () => {
  it('publishes unpublished rows in id order with a deterministic job id and an id-only payload', async () => {
    const [first, second] = await writeEvents(2);
    const result = await relayOutboxOnce(prisma, queues);
    expect(result).toEqual({ claimed: 2, published: 2, unroutable: 0, failed: 0 });

    const jobs = await queues.notifications.getJobs(['waiting'], 0, -1, true);
    expect(jobs.map((j) => j.id)).toEqual([outboxJobId(first!), outboxJobId(second!)]);
    const row = await prisma.outboxEvent.findUniqueOrThrow({ where: { id: first! } });
    expect(row.publishedAt).not.toBeNull();
    expect(jobs[0]!.name).toBe(WELCOME_NOTIFICATION_JOB.name);
    expect(jobs[0]!.data).toEqual({ eventId: first!.toString(), userId: row.aggregateId });
    // Parses with the job's own schema.
    expect(WELCOME_NOTIFICATION_JOB.schema.safeParse(jobs[0]!.data).success).toBe(true);

    // Nothing left: a second pass claims nothing.
    expect(await relayOutboxOnce(prisma, queues)).toEqual({ claimed: 0, published: 0, unroutable: 0, failed: 0 });
  });

  it('never publishes a row twice when relays run concurrently', async () => {
    const ids = await writeEvents(60);
    const addCalls = new Map<string, number>();
    const realAdd = queues.notifications.add.bind(queues.notifications);
    jest.spyOn(queues.notifications, 'add').mockImplementation(async (name, data, opts) => {
      const id = String(opts?.jobId);
      addCalls.set(id, (addCalls.get(id) ?? 0) + 1);
      // Widen the window in which another relay could grab the same row.
      await new Promise((r) => setTimeout(r, 2));
      return realAdd(name, data, opts);
    });

    const relayUntilEmpty = async () => {
      let published = 0;
      for (;;) {
        const r = await relayOutboxOnce(prisma, queues, { batchSize: 7 });
        published += r.published;
        if (r.claimed === 0) return published;
      }
    };
    const perRelay = await Promise.all([relayUntilEmpty(), relayUntilEmpty(), relayUntilEmpty(), relayUntilEmpty()]);

    expect(perRelay.reduce((a, b) => a + b, 0)).toBe(60);
    expect(addCalls.size).toBe(60);
    expect([...addCalls.values()].every((n) => n === 1)).toBe(true);
    expect(await queues.notifications.getJobCountByTypes('waiting')).toBe(60);
    const jobIds = (await queues.notifications.getJobs(['waiting'], 0, -1, true)).map((j) => j.id);
    expect(new Set(jobIds)).toEqual(new Set(ids.map(outboxJobId)));
    expect(await prisma.outboxEvent.count({ where: { publishedAt: null } })).toBe(0);
  });

  it('marks an unknown event type with lastError and does not let it block the events behind it', async () => {
    const [unknown] = await writeEvents(1, 'nobody.listens');
    const [known] = await writeEvents(1);

    // batchSize 1: the unknown row comes first in id order.
    expect(await relayOutboxOnce(prisma, queues, { batchSize: 1 })).toMatchObject({ claimed: 1, unroutable: 1 });
    expect(await relayOutboxOnce(prisma, queues, { batchSize: 1 })).toMatchObject({ claimed: 1, published: 1 });
    expect(await relayOutboxOnce(prisma, queues, { batchSize: 1 })).toMatchObject({ claimed: 0 });

    const parked = await prisma.outboxEvent.findUniqueOrThrow({ where: { id: unknown! } });
    expect(parked).toMatchObject({ publishedAt: null, attempts: 1 });
    expect(parked.lastError).toContain('No route for event type "nobody.listens"');
    const delivered = await prisma.outboxEvent.findUniqueOrThrow({ where: { id: known! } });
    expect(delivered.publishedAt).not.toBeNull();
    expect(await queues.notifications.getJob(outboxJobId(known!))).toBeDefined();

    // Once a route exists (a deploy later), the parked row is published after all.
    const routes: OutboxRoutes = {
      ...OUTBOX_ROUTES,
      'nobody.listens': { job: WELCOME_NOTIFICATION_JOB, payload: (e) => ({ eventId: e.id.toString(), userId: e.aggregateId }) },
    };
    expect(await relayOutboxOnce(prisma, queues, { routes })).toMatchObject({ claimed: 1, published: 1 });
  });

  it('records a Redis failure on the row and leaves it unpublished for the next pass', async () => {
    const [failing, fine] = await writeEvents(2);
    const realAdd = queues.notifications.add.bind(queues.notifications);
    jest
      .spyOn(queues.notifications, 'add')
      .mockImplementationOnce(async () => {
        throw new Error('Connection is closed.');
      })
      .mockImplementation(realAdd);

    expect(await relayOutboxOnce(prisma, queues)).toEqual({ claimed: 2, published: 1, unroutable: 0, failed: 1 });
    const row = await prisma.outboxEvent.findUniqueOrThrow({ where: { id: failing! } });
    expect(row).toMatchObject({ publishedAt: null, attempts: 1 });
    expect(row.lastError).toContain('Connection is closed');
    expect((await prisma.outboxEvent.findUniqueOrThrow({ where: { id: fine! } })).publishedAt).not.toBeNull();

    // Next pass: published.
    expect(await relayOutboxOnce(prisma, queues)).toMatchObject({ claimed: 1, published: 1, failed: 0 });
    expect(await queues.notifications.getJobCountByTypes('waiting')).toBe(2);
  });

  it('fails fast (no hang) when the producer connection to Redis is gone', async () => {
    const prefix = { QUEUE_PREFIX: `vtc-test-${randomBytes(6).toString('hex')}` };
    const brokenRedis = createRedis(REDIS_URL, { role: 'producer' });
    const brokenQueues = createQueues(brokenRedis, prefix);
    await Promise.all(Object.values(brokenQueues).map((q) => q.waitUntilReady()));
    brokenRedis.disconnect();
    try {
      const [id] = await writeEvents(1);
      const started = Date.now();
      expect(await relayOutboxOnce(prisma, brokenQueues)).toMatchObject({ claimed: 1, published: 0, failed: 1 });
      expect(Date.now() - started).toBeLessThan(5_000);
      const row = await prisma.outboxEvent.findUniqueOrThrow({ where: { id: id! } });
      expect(row).toMatchObject({ publishedAt: null, attempts: 1 });
      expect(row.lastError).toBeTruthy();
      // And it goes out once Redis is back (here: through the working queues).
      expect(await relayOutboxOnce(prisma, queues)).toMatchObject({ published: 1 });
    } finally {
      await closeQueues(brokenQueues);
      const leftovers = createQueues(redis, prefix);
      await Promise.all(Object.values(leftovers).map((q) => q.obliterate({ force: true })));
      await closeQueues(leftovers);
    }
  });
});

describe('startOutboxRelay', () => {
  it('polls until stopped, and stop() waits for the pass in flight', async () => {
    const relay = startOutboxRelay(prisma, queues, { pollMs: 20, batchSize: 5 });
    try {
      const ids = await writeEvents(12); // more than one batch
      const deadline = Date.now() + 10_000;
      while ((await prisma.outboxEvent.count({ where: { publishedAt: null } })) > 0) {
        if (Date.now() > deadline) throw new Error('relay did not publish in time');
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await queues.notifications.getJobCountByTypes('waiting')).toBe(ids.length);
    } finally {
      await relay.stop();
    }
    // Stopped: nothing is published any more.
    await writeEvents(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(await prisma.outboxEvent.count({ where: { publishedAt: null } })).toBe(1);
    await relay.stop(); // idempotent
  });
});

describe('typed producers', () => {
  it('validate the payload with the job schema before adding', async () => {
    await expect(
      enqueue(queues, WELCOME_NOTIFICATION_JOB, { eventId: '1', userId: 'not-a-uuid' }),
    ).rejects.toThrow(/userId invalid_format/);
    const job = await enqueue(queues, WELCOME_NOTIFICATION_JOB, { eventId: '7', userId: randomUUID() });
    expect(job.name).toBe('welcome');
    expect(await queues.notifications.getJobCountByTypes('waiting')).toBe(1);
  });

  it('use one queue per name under the configured prefix', () => {
    expect(Object.keys(queues).sort()).toEqual([...QUEUE_NAMES].sort());
    for (const q of Object.values(queues)) expect(q.opts.prefix).toMatch(/^vtc-test-/);
  });
});
