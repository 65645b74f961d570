import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Config, configWith } from '@vtc/config';
import { EMPLOYMENT_REMINDER_KIND } from '@vtc/core';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import { dateFromIso } from '@vtc/domain';
import {
  checkChunkJobId,
  closeQueues,
  closeRedis,
  createQueues,
  createRedis,
  EMPLOYMENT_CHECK_CHUNK_JOB,
  EMPLOYMENT_CHECK_RUN_JOB,
  EMPLOYMENT_CHECK_SWEEP_JOB,
  enqueue,
  type Queues,
} from '@vtc/jobs';
import type { Job } from 'bullmq';
import { BASE_AMOUNT_FEN, type Base, createCohort, duplicateKeys, seedBase } from '../../../packages/core/src/employment/cohort.testkit.ts';
import { type RunningWorker, startWorker } from './worker.ts';

/**
 * The employment-check jobs end to end on the real Postgres and Redis, through an in-process worker:
 * the run job plans chunks and enqueues them in bulk, chunk jobs decide checks and file uplifts, the
 * sweeper brings back a chunk whose job vanished from Redis.
 */
let db: TestDatabase;
let prisma: PrismaClient;
let config: Config;
let queues: Queues;
let redis: ReturnType<typeof createRedis>;
let worker: RunningWorker;
let base: Base;

async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function finished(job: Job): Promise<string> {
  return waitFor(async () => {
    const s = await job.getState();
    return s === 'completed' || s === 'failed' ? s : undefined;
  }, `job ${job.id}`);
}

const runOf = (runDate: string) => prisma.employmentCheckRun.findUnique({ where: { runDate: dateFromIso(runDate) } });

beforeAll(async () => {
  db = await createTestDatabase('employment_jobs');
  prisma = createPrisma(db.url);
  config = configWith({ DATABASE_URL: db.url, QUEUE_PREFIX: `vtc-test-emp-${randomBytes(4).toString('hex')}`, LOG_LEVEL: 'silent', OUTBOX_POLL_MS: '200' });
  redis = createRedis(config.REDIS_URL, { role: 'producer' });
  queues = createQueues(redis, config);
  base = await seedBase(prisma);
  worker = await startWorker({ config });
});

afterAll(async () => {
  await worker?.stop();
  await Promise.all(Object.values(queues).map((q) => q.obliterate({ force: true })));
  await closeQueues(queues);
  await closeRedis(redis);
  await prisma.$disconnect();
  await db.drop();
});

describe('employment-check jobs', () => {
  it('upserts the daily run scheduler (03:00 Asia/Shanghai) and the sweeper on the employment queue', async () => {
    expect(await queues.employment.getJobScheduler('employment-check-run-daily')).toMatchObject({ name: 'employment-check-run', pattern: '0 3 * * *', tz: 'Asia/Shanghai' });
    expect(await queues.employment.getJobScheduler('employment-check-sweep')).toMatchObject({ name: 'employment-check-sweep', every: 30_000 });
  });

  it('a run over a seeded-like cohort decides the checks and files each uplift once; running it again and a chunk twice add nothing', async () => {
    const cohort = await createCohort(prisma, base, { size: 40, qualifyingEvery: 4 });
    const job = await enqueue(queues, EMPLOYMENT_CHECK_RUN_JOB, { runDate: '2026-07-01' }, { jobId: 'run-2026-07-01-a' });
    expect(await finished(job)).toBe('completed');
    expect((await queues.employment.getJob(job.id!))?.returnvalue).toMatchObject({ runDate: '2026-07-01', created: true, enqueued: 1 });
    const run = await waitFor(async () => {
      const r = await runOf('2026-07-01');
      return r?.status === 'SUCCEEDED' && r;
    }, 'the run to succeed');
    expect(run).toMatchObject({ chunkCount: 1, chunksDone: 1, checked: 80, qualified: 20 });

    const lines = await prisma.subsidyClaimLine.findMany({ where: { part: 'EMPLOYMENT_UPLIFT', basisRef: `class:${cohort.classId}` } });
    expect(lines).toHaveLength(10);
    expect(new Set(lines.map((l) => l.personId))).toEqual(new Set(cohort.qualifyingPersonIds));
    expect(lines.every((l) => l.amountFen === BASE_AMOUNT_FEN / 2)).toBe(true);
    expect(await prisma.subsidyClaim.count({ where: { supplementsClaimId: cohort.claimId!, claimKind: 'EMPLOYMENT_UPLIFT', status: 'SUBMITTED' } })).toBe(1);

    // The same day again (a second scheduler fire or a manual re-run) and the chunk job twice more.
    const again = await enqueue(queues, EMPLOYMENT_CHECK_RUN_JOB, { runDate: '2026-07-01' }, { jobId: 'run-2026-07-01-b' });
    expect(await finished(again)).toBe('completed');
    expect((await queues.employment.getJob(again.id!))?.returnvalue).toMatchObject({ created: false, enqueued: 0 });
    const chunk = await prisma.employmentCheckChunk.findFirstOrThrow({ where: { runId: run.id } });
    const twice = await Promise.all(
      ['x', 'y'].map((s) => enqueue(queues, EMPLOYMENT_CHECK_CHUNK_JOB, { chunkId: chunk.id, runDate: '2026-07-01' }, { jobId: `again-${s}-${chunk.id}` })),
    );
    expect(await Promise.all(twice.map(finished))).toEqual(['completed', 'completed']);
    for (const j of twice) expect((await queues.employment.getJob(j.id!))?.returnvalue).toMatchObject({ skipped: true, uplifts: 0 });
    expect(await prisma.subsidyClaimLine.count({ where: { part: 'EMPLOYMENT_UPLIFT' } })).toBe(10);
    expect(await prisma.employmentCheckRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ chunksDone: 1, checked: 80 });
    expect(await duplicateKeys(prisma)).toEqual([]);
  });

  it('reminds once and closes windows on later runs', async () => {
    const remind = await enqueue(queues, EMPLOYMENT_CHECK_RUN_JOB, { runDate: '2026-09-20' }, { jobId: 'run-2026-09-20' });
    expect(await finished(remind)).toBe('completed');
    await waitFor(async () => (await runOf('2026-09-20'))?.status === 'SUCCEEDED', 'the 20 Sep run');
    const reminders = await prisma.notification.count({ where: { kind: EMPLOYMENT_REMINDER_KIND } });
    expect(reminders).toBe(base.staffUserIds.length); // one chunk, one message per active staff user
    const rerun = await enqueue(queues, EMPLOYMENT_CHECK_RUN_JOB, { runDate: '2026-09-21' }, { jobId: 'run-2026-09-21' });
    expect(await finished(rerun)).toBe('completed');
    await waitFor(async () => (await runOf('2026-09-21'))?.status === 'SUCCEEDED', 'the 21 Sep run');
    expect(await prisma.notification.count({ where: { kind: EMPLOYMENT_REMINDER_KIND } })).toBe(reminders);

    const close = await enqueue(queues, EMPLOYMENT_CHECK_RUN_JOB, { runDate: '2026-10-01' }, { jobId: 'run-2026-10-01' });
    expect(await finished(close)).toBe('completed');
    const closed = await waitFor(async () => {
      const r = await runOf('2026-10-01');
      return r?.status === 'SUCCEEDED' && r;
    }, 'the 1 Oct run');
    expect(closed.closed).toBe(30); // the 30 trainees without a job: their 6-month checks close NOT_EMPLOYED
    expect(await prisma.employmentCheck.count({ where: { status: 'NOT_EMPLOYED' } })).toBe(60);
    expect(await prisma.employmentCheck.count({ where: { decidedAt: null } })).toBe(0);
  });

  it('the sweeper re-enqueues a chunk whose job vanished from Redis', async () => {
    await createCohort(prisma, base, { size: 3, qualifyingEvery: 0, completedAt: '2026-10-31T09:00:00Z' });
    // Plan a run whose chunk job is then lost (as with a wiped Redis).
    const job = await enqueue(queues, EMPLOYMENT_CHECK_RUN_JOB, { runDate: '2026-11-10' }, { jobId: 'run-2026-11-10' });
    const run = await waitFor(async () => runOf('2026-11-10'), 'the 10 Nov run row');
    const chunk = await waitFor(async () => prisma.employmentCheckChunk.findFirst({ where: { runId: run.id } }), 'its chunk');
    await finished(job);
    // Simulate the loss: the chunk is not DONE in Postgres, its job is gone from Redis.
    await waitFor(async () => (await prisma.employmentCheckChunk.findUniqueOrThrow({ where: { id: chunk.id } })).status === 'DONE', 'chunk done');
    await prisma.$executeRaw`UPDATE "EmploymentCheckChunk" SET status = 'ENQUEUED', "enqueuedAt" = now() - interval '1 hour', "doneAt" = NULL WHERE id = ${chunk.id}::uuid`;
    await prisma.$executeRaw`UPDATE "EmploymentCheckRun" SET status = 'RUNNING', "chunksDone" = 0 WHERE id = ${run.id}::uuid`;
    await (await queues.employment.getJob(checkChunkJobId(chunk.id)))!.remove();

    const sweep = await enqueue(queues, EMPLOYMENT_CHECK_SWEEP_JOB, { leaseMs: 1_000 }, { jobId: 'sweep-now' });
    expect(await finished(sweep)).toBe('completed');
    expect((await queues.employment.getJob('sweep-now'))?.returnvalue).toMatchObject({ requeued: 1 });
    await waitFor(async () => (await runOf('2026-11-10'))?.status === 'SUCCEEDED', 'the swept run');
    expect(await prisma.employmentCheckChunk.findUniqueOrThrow({ where: { id: chunk.id } })).toMatchObject({ status: 'DONE' });
    expect(await prisma.employmentCheckRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ chunksDone: 1, chunkCount: 1 });
    expect((await prisma.employmentCheckChunk.findUniqueOrThrow({ where: { id: chunk.id } })).attempts).toBe(2);
    expect(await duplicateKeys(prisma)).toEqual([]);
  });
});
