import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Config, configWith } from '@vtc/config';
import { emit, NOTIFICATION_KINDS, piiKeysFrom } from '@vtc/core';
import { createPrisma, type PrismaClient, transaction } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import {
  closeQueues,
  closeRedis,
  createQueues,
  createRedis,
  enqueue,
  OUTBOX_EVENT_TYPES,
  outboxJobId,
  type Queues,
  WELCOME_NOTIFICATION_JOB,
} from '@vtc/jobs';
import type { Job } from 'bullmq';
import { auditDigestHandler } from './handlers/index.ts';
import type { JobRef } from './processor.ts';
import { type RunningWorker, startWorker } from './worker.ts';

/**
 * The worker end to end against the real Postgres and Redis. Each describe block owns a database, a
 * queue prefix and a worker, all closed in its afterAll, so blocks never pick up each other's events.
 */

async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false>,
  { timeoutMs = 10_000, intervalMs = 50, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

interface Harness {
  db: TestDatabase;
  prisma: PrismaClient;
  config: Config;
  /** Producer-side queues of the test's prefix, independent of the worker's own. */
  queues: Queues;
  close(): Promise<void>;
}

async function harness(label: string, overrides: Record<string, string> = {}): Promise<Harness> {
  const db = await createTestDatabase(label);
  const prisma = createPrisma(db.url);
  const config = configWith({
    DATABASE_URL: db.url,
    QUEUE_PREFIX: `vtc-test-${randomBytes(6).toString('hex')}`,
    OUTBOX_POLL_MS: '25',
    LOG_LEVEL: 'silent',
    ...overrides,
  });
  const redis = createRedis(config.REDIS_URL, { role: 'producer' });
  const queues = createQueues(redis, config);
  return {
    db,
    prisma,
    config,
    queues,
    async close() {
      await Promise.all(Object.values(queues).map((q) => q.obliterate({ force: true })));
      await closeQueues(queues);
      await closeRedis(redis);
      await prisma.$disconnect();
      await db.drop();
    },
  };
}

async function registerUser(prisma: PrismaClient, opts: { rollback?: boolean } = {}) {
  const id = randomUUID();
  const write = transaction(prisma, async (tx) => {
    await tx.user.create({
      data: { id, username: `u_${id.slice(0, 8)}`, displayName: 'Test user', passwordHash: 'x' },
    });
    const eventId = await emit(tx, {
      type: OUTBOX_EVENT_TYPES.userRegistered,
      aggregateType: 'User',
      aggregateId: id,
      payload: { userId: id },
    });
    if (opts.rollback) throw new Error('rolled back on purpose');
    return eventId;
  });
  if (opts.rollback) {
    await expect(write).rejects.toThrow('rolled back on purpose');
    return { userId: id, eventId: undefined };
  }
  return { userId: id, eventId: await write };
}

const welcomeFor = (prisma: PrismaClient, userId: string) =>
  prisma.notification.findMany({ where: { userId, kind: NOTIFICATION_KINDS.welcome } });

async function finished(job: Job): Promise<'completed' | 'failed'> {
  return waitFor(
    async () => {
      const state = await job.getState();
      return state === 'completed' || state === 'failed' ? state : undefined;
    },
    { what: `job ${job.id} to finish` },
  );
}

describe('worker: outbox to notification', () => {
  let h: Harness;
  let worker: RunningWorker;

  beforeAll(async () => {
    h = await harness('worker_e2e');
    worker = await startWorker({ config: h.config });
  });

  afterAll(async () => {
    await worker?.stop();
    await h?.close();
  });

  it('starts a worker for every queue and upserts the daily audit digest scheduler', async () => {
    expect([...worker.queueNames].sort()).toEqual(['documents', 'employment', 'imports', 'maintenance', 'notifications']);
    const scheduler = await h.queues.maintenance.getJobScheduler('audit-digest-daily');
    expect(scheduler).toMatchObject({ name: 'audit-digest', pattern: '0 2 * * *', tz: 'Asia/Shanghai' });
    // Starting again (a second worker process, a redeploy) does not add a second scheduler.
    const schedulers = await h.queues.maintenance.getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual(['audit-digest-daily', 'import-sweep']);
  });

  it('delivers a committed user.registered event as one WELCOME notification; a rolled-back one never', async () => {
    const rolledBack = await registerUser(h.prisma, { rollback: true });
    const committed = await registerUser(h.prisma);

    const rows = await waitFor(async () => {
      const found = await welcomeFor(h.prisma, committed.userId);
      return found.length > 0 && found;
    }, { what: 'the welcome notification' });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.sourceEventId).toBe(committed.eventId);
    expect(rows[0]!.title).toContain('欢迎使用职业技能培训管理平台');

    const event = await h.prisma.outboxEvent.findUniqueOrThrow({ where: { id: committed.eventId! } });
    expect(event.publishedAt).not.toBeNull();
    const job = await h.queues.notifications.getJob(outboxJobId(committed.eventId!));
    expect(await job?.getState()).toBe('completed');
    expect(job?.returnvalue).toEqual({ status: 'created' });

    // The committed event was delivered after the rolled-back one would have been: nothing of it exists.
    expect(await h.prisma.outboxEvent.count({ where: { aggregateId: rolledBack.userId } })).toBe(0);
    expect(await h.prisma.user.count({ where: { id: rolledBack.userId } })).toBe(0);
    expect(await h.prisma.notification.count({ where: { userId: rolledBack.userId } })).toBe(0);
    expect(await h.prisma.outboxEvent.count()).toBe(1);
    expect(await h.queues.notifications.getJobCountByTypes('completed', 'waiting', 'active', 'delayed', 'failed')).toBe(1);
  });

  it('leaves exactly one notification when the same welcome job is delivered twice', async () => {
    const user = await registerUser(h.prisma);
    await waitFor(async () => (await welcomeFor(h.prisma, user.userId)).length > 0, { what: 'first delivery' });

    // The same payload again under other job ids (a job id only deduplicates while the job exists).
    const payload = { eventId: user.eventId!.toString(), userId: user.userId };
    const again = await Promise.all([
      enqueue(h.queues, WELCOME_NOTIFICATION_JOB, payload, { jobId: `redeliver-1-${user.eventId}` }),
      enqueue(h.queues, WELCOME_NOTIFICATION_JOB, payload, { jobId: `redeliver-2-${user.eventId}` }),
    ]);
    expect(await Promise.all(again.map(finished))).toEqual(['completed', 'completed']);
    const results = await Promise.all(again.map(async (j) => (await h.queues.notifications.getJob(j.id!))?.returnvalue));
    expect(results).toEqual([{ status: 'already-delivered' }, { status: 'already-delivered' }]);
    expect(await welcomeFor(h.prisma, user.userId)).toHaveLength(1);
  });

  it('fails a job whose payload zod rejects, without retrying and without writing a row', async () => {
    const before = await h.prisma.notification.count();
    const job = await h.queues.notifications.add(WELCOME_NOTIFICATION_JOB.name, { eventId: '999', userId: 'not-a-uuid' });
    expect(await finished(job)).toBe('failed');
    const failed = (await h.queues.notifications.getJob(job.id!))!;
    expect(failed.failedReason).toContain('userId invalid_format');
    expect(failed.failedReason).not.toContain('not-a-uuid'); // values never end up in errors or logs
    expect(failed.attemptsMade).toBe(1); // unrecoverable: no retries despite attempts: 5
    expect(await h.prisma.notification.count()).toBe(before);
  });

  it('runs the audit digest handler directly with a payload', async () => {
    const admin = await h.prisma.user.create({
      data: {
        username: `admin_${randomUUID().slice(0, 8)}`,
        displayName: 'Admin',
        passwordHash: 'x',
        roleBindings: { create: { role: 'SYSTEM_ADMIN' } },
      },
    });
    await h.prisma.auditLog.create({
      data: { action: 'class.approve', entityType: 'TrainingClass', entityId: '1', at: new Date('2026-11-21T10:00:00+08:00') },
    });
    const config = configWith({});
    const context = {
      prisma: h.prisma,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      config,
      piiKeys: piiKeysFrom(config),
      addFlow: async () => undefined,
      job: {
        id: 'x',
        queue: 'maintenance',
        name: 'audit-digest',
        attemptsMade: 0,
        dueAt: new Date('2026-11-22T02:00:00+08:00'),
        updateProgress: async () => undefined,
      },
    };
    expect(await auditDigestHandler.handle({}, context)).toEqual({ date: '2026-11-21', total: 1, recipients: 1, created: 1 });
    expect(await auditDigestHandler.handle({}, context)).toMatchObject({ created: 0 });
    expect(await h.prisma.notification.count({ where: { userId: admin.id, kind: NOTIFICATION_KINDS.auditDigest } })).toBe(1);
  });
});

describe('worker: graceful shutdown', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await harness('worker_shutdown', { SHUTDOWN_GRACE_MS: '10000' });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('lets a job that is active when stop() is called finish before stop() resolves', async () => {
    let markActive!: (ref: JobRef) => void;
    const active = new Promise<JobRef>((resolve) => {
      markActive = resolve;
    });
    const worker = await startWorker({
      config: h.config,
      hooks: {
        async beforeHandle(ref) {
          if (ref.queue !== 'notifications') return; // e.g. the employment-check sweeper, which starts at once
          markActive(ref);
          await new Promise((r) => setTimeout(r, 1_000)); // a slow job
        },
      },
    });
    try {
      const user = await registerUser(h.prisma);
      const ref = await active;
      expect(ref).toMatchObject({ queue: 'notifications', name: 'welcome', id: outboxJobId(user.eventId!) });
      expect(await welcomeFor(h.prisma, user.userId)).toHaveLength(0); // still running

      const started = Date.now();
      await worker.stop();
      expect(Date.now() - started).toBeGreaterThanOrEqual(500); // it really waited for the job

      expect(await welcomeFor(h.prisma, user.userId)).toHaveLength(1);
      const job = await h.queues.notifications.getJob(ref.id);
      expect(await job?.getState()).toBe('completed');
    } finally {
      await worker.stop();
    }
  });
});

describe('worker: shutdown grace period', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await harness('worker_grace', { SHUTDOWN_GRACE_MS: '300' });
  });

  afterAll(async () => {
    await h?.close();
    // A forced close disconnects the worker's blocking Redis connection a second time (pause() already
    // did); ioredis then keeps a 2 s socket-destroy timer alive. Let it run out so jest exits cleanly.
    await new Promise((r) => setTimeout(r, 2_100));
  });

  it('abandons a job still active after SHUTDOWN_GRACE_MS, leaving it for the stalled-job check', async () => {
    let markActive!: (ref: JobRef) => void;
    const active = new Promise<JobRef>((resolve) => {
      markActive = resolve;
    });
    const worker = await startWorker({
      config: h.config,
      hooks: {
        beforeHandle(ref) {
          if (ref.queue !== 'notifications') return; // e.g. the employment-check sweeper, which starts at once
          markActive(ref);
          return new Promise<void>(() => {}); // never finishes
        },
      },
    });
    const user = await registerUser(h.prisma);
    const ref = await active;

    const started = Date.now();
    await worker.stop();
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(5_000);

    expect(await welcomeFor(h.prisma, user.userId)).toHaveLength(0);
    // Still active in Redis: once its lock expires another worker's stalled check picks it up again.
    expect(await (await h.queues.notifications.getJob(ref.id))?.getState()).toBe('active');
  });
});
