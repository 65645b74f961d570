import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Config, configWith } from '@vtc/config';
import { type Actor, MAX_IMPORT_REQUEUES, piiKeysFrom, runContributionImport, sealResidentId, sweepImports, uploadContributions } from '@vtc/core';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import { makeCreditCode, makeResidentId } from '@vtc/domain';
import { closeQueues, closeRedis, createQueues, createRedis, outboxJobId, type Queues, relayOutboxOnce } from '@vtc/jobs';
import type { Redis } from 'ioredis';
import { type RunningWorker, startWorker } from './worker.ts';

/**
 * A contribution import whose job Redis lost (here: every queue obliterated after the job ran one
 * chunk and died) used to stay RUNNING for ever, and a re-upload answered "reused". The import
 * sweeper gives it its job back (the same `outbox-<eventId>` id), the worker resumes it from
 * processedRows, and nothing is counted or stored twice.
 */
let db: TestDatabase;
let prisma: PrismaClient;
let config: Config;
let redis: Redis;
let queues: Queues;
let worker: RunningWorker | undefined;
const bureau: Actor = {
  userId: '00000000-0000-4000-8000-000000000001',
  username: 'bayannur.bureau',
  sessionId: null,
  roles: [{ role: 'BUREAU_OFFICER', regionCode: '150800', organizationId: null, personId: null, canViewIdNumbers: false }],
};
const idNumber = makeResidentId({ regionCode: '150802', birthDate: '1995-03-09', sequence: 368 });
const file = (n: number, month = '202609') => {
  const rows = Array.from({ length: n }, (_, i) => `${idNumber},${makeCreditCode({ regionCode: '150802', orgCode9: `MA0Q${String(i).padStart(5, '0')}` })},${month},养老,100,3000`);
  return Buffer.from(['身份证号,单位统一社会信用代码,缴费月份,险种,缴费金额(元)', ...rows].join('\n'));
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const wipeRedis = () => Promise.all(Object.values(queues).map((q) => q.obliterate({ force: true })));

beforeAll(async () => {
  db = await createTestDatabase('import_sweep');
  prisma = createPrisma(db.url);
  config = configWith({ DATABASE_URL: db.url, QUEUE_PREFIX: `test-isweep-${randomBytes(4).toString('hex')}`, OUTBOX_POLL_MS: '50', LOG_LEVEL: 'silent' });
  redis = createRedis(config.REDIS_URL, { role: 'producer' });
  queues = createQueues(redis, config);
  await prisma.region.create({ data: { code: '150800', name: '巴彦淖尔市', level: 'CITY' } });
  await prisma.person.create({
    data: {
      name: '王芳',
      ...sealResidentId(piiKeysFrom(config), idNumber),
      birthDate: new Date('1995-03-09T00:00:00Z'),
      sex: 'FEMALE',
      originRegionCode: '150802',
    },
  });
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await wipeRedis();
  await closeQueues(queues);
  await closeRedis(redis);
  await prisma.$disconnect();
  await db.drop();
});

describe('import sweeper', () => {
  it('resumes a contribution import whose job Redis lost, once, with every row and no duplicate', async () => {
    const keys = piiKeysFrom(config);
    const content = file(2_500);
    const queued = await uploadContributions(prisma, keys, bureau, { content }, { inlineMaxRows: 10 });
    expect(queued.status).toBe('PENDING');
    expect((await relayOutboxOnce(prisma, queues)).published).toBe(1);
    const event = await prisma.outboxEvent.findFirstOrThrow({ where: { type: 'contribution.import.requested', aggregateId: queued.importId } });
    const jobId = outboxJobId(event.id);
    expect(await queues.imports.getJob(jobId)).toBeTruthy();

    // A worker imports the first chunk (2,000 rows) and dies; then Redis restarts without its data.
    const crash = runContributionImport(prisma, keys, queued.importId, {
      afterChunk: () => {
        throw new Error('worker killed');
      },
    });
    await expect(crash).rejects.toThrow('worker killed');
    await wipeRedis();
    expect(await queues.imports.getJob(jobId)).toBeUndefined();
    expect(await prisma.contributionImport.findUniqueOrThrow({ where: { id: queued.importId } })).toMatchObject({ status: 'RUNNING', processedRows: 2_000 });

    // Within the grace period the sweeper leaves a moving import alone.
    expect(await sweepImports(prisma, queues)).toMatchObject({ examined: 0, requeued: 0 });

    // Re-uploading the same file meanwhile only answers the existing import: no new import, event or job.
    const again = await uploadContributions(prisma, keys, bureau, { content }, { inlineMaxRows: 10 });
    expect(again).toMatchObject({ importId: queued.importId, reused: true, status: 'RUNNING' });
    expect(await prisma.contributionImport.count()).toBe(1);
    expect(await prisma.outboxEvent.count({ where: { type: 'contribution.import.requested' } })).toBe(1);

    // Two sweepers at once (two workers): the import is re-enqueued once, under the upload's job id.
    await sleep(20);
    const [a, b] = await Promise.all([sweepImports(prisma, queues, { graceMs: 10 }), sweepImports(prisma, queues, { graceMs: 10 })]);
    expect(a.requeued + b.requeued).toBe(1);
    const counts = await queues.imports.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    expect(Object.values(counts).reduce((x, y) => x + y, 0)).toBe(1);
    expect(await (await queues.imports.getJob(jobId))?.getState()).toBe('waiting');
    // A sweep right after does nothing more (the job is there, the import just moved).
    expect((await sweepImports(prisma, queues, { graceMs: 10 })).requeued).toBe(0);

    worker = await startWorker({ config });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const imp = await prisma.contributionImport.findUniqueOrThrow({ where: { id: queued.importId }, omit: { content: true } });
      if (imp.status === 'SUCCEEDED') {
        expect(imp).toMatchObject({ totalRows: 2_500, processedRows: 2_500, acceptedRows: 2_500, rejectedRows: 0, requeues: 1 });
        break;
      }
      if (imp.status === 'FAILED' || Date.now() > deadline) throw new Error(`import not finished: ${imp.status} ${imp.processedRows}`);
      await sleep(100);
    }
    expect(await prisma.socialInsuranceContribution.count()).toBe(2_500);
    expect(await prisma.auditLog.count({ where: { action: 'contribution.imported', entityId: queued.importId } })).toBe(1);
    await worker.stop();
    worker = undefined;
  }, 90_000);

  it(`gives up on an import after ${MAX_IMPORT_REQUEUES} lost jobs: FAILED with a reason, and a re-upload resumes it`, async () => {
    const keys = piiKeysFrom(config);
    const content = file(30, '202610');
    const queued = await uploadContributions(prisma, keys, bureau, { content }, { inlineMaxRows: 10 });
    const event = await prisma.outboxEvent.findFirstOrThrow({ where: { type: 'contribution.import.requested', aggregateId: queued.importId } });
    // Published long ago, its job lost MAX_IMPORT_REQUEUES times already.
    await prisma.outboxEvent.update({ where: { id: event.id }, data: { publishedAt: new Date() } });
    await prisma.contributionImport.update({ where: { id: queued.importId }, data: { requeues: MAX_IMPORT_REQUEUES } });
    await sleep(20);
    expect(await sweepImports(prisma, queues, { graceMs: 10 })).toMatchObject({ abandoned: 1, requeued: 0 });
    const failed = await prisma.contributionImport.findUniqueOrThrow({ where: { id: queued.importId } });
    expect(failed).toMatchObject({ status: 'FAILED', content: null });
    expect(failed.failureReason).toContain('upload the file again');
    expect(await prisma.auditLog.count({ where: { action: 'contribution.import.abandoned', entityId: queued.importId } })).toBe(1);
    const resumed = await uploadContributions(prisma, keys, bureau, { content }, { inlineMaxRows: 10 });
    expect(resumed).toMatchObject({ importId: queued.importId, reused: false, status: 'PENDING' });
  }, 30_000);
});
