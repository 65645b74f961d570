import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import { dateFromIso } from '@vtc/domain';
import { closeQueues, closeRedis, createQueues, createRedis, EMPLOYMENT_CHECK_RUN_JOB, enqueue } from '@vtc/jobs';
import { Redis } from 'ioredis';
import { type Base, createCohort, duplicateKeys, seedBase } from '../../../packages/core/src/employment/cohort.testkit.ts';

/**
 * Fault test of the employment checks: the real worker process (node --import tsx main.ts) on a
 * PRIVATE redis-server (never the shared one on 6379) runs a cohort of 4,000 checks in 200 small
 * chunks. The worker is SIGKILLed mid-run 10 times and restarted each time, and the private Redis
 * is killed and restarted empty once (every job, scheduler and lock lost). Postgres is the truth:
 * the sweeper (its scheduler fires as soon as a worker starts) re-enqueues the lost chunks. At the
 * end no check is lost (every due check decided, every chunk DONE, counted once) and no uplift is
 * doubled (one live line per dedupKey, one per qualified trainee).
 */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const RUN_DATE = '2026-10-01'; // every 3- and 6-month window of a 31 March completion has closed
const TRAINEES = 2_000;
const CHUNK_SIZE = 10; // enrollments per chunk → 200 chunks
const KILLS = 10;
const REDIS_RESTART_AFTER_KILL = 5;

let db: TestDatabase;
let prisma: PrismaClient;
let base: Base;
let port: number;
let redisProc: ChildProcess | null = null;
let workerProc: ChildProcess | null = null;
const prefix = `vtc-fault-${randomBytes(4).toString('hex')}`;
const redisUrl = () => `redis://127.0.0.1:${port}`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function exited(proc: ChildProcess): Promise<void> {
  return proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((r) => proc.once('exit', () => r()));
}

async function startRedis(): Promise<void> {
  redisProc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = new Redis(redisUrl(), { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') break;
    } catch {
      if (Date.now() > deadline) throw new Error('private redis-server did not start');
      probe.disconnect();
      await sleep(100);
    }
  }
  probe.disconnect();
}

async function stopRedis(): Promise<void> {
  if (!redisProc) return;
  const p = redisProc;
  redisProc = null;
  p.kill('SIGKILL');
  await exited(p);
}

/** Start the worker process; resolves once it logged "worker ready". */
async function startWorkerProcess(): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'apps/worker/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: db.url, REDIS_URL: redisUrl(), QUEUE_PREFIX: prefix, LOG_LEVEL: 'info', OUTBOX_POLL_MS: '1000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  workerProc = proc;
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4_000);
  });
  await new Promise<void>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`worker not ready in 60 s: ${stderr}`)), 60_000);
    proc.stdout!.on('data', (d: Buffer) => {
      buffered = (buffered + d.toString()).slice(-10_000);
      if (buffered.includes('"worker ready"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited early (${code}): ${stderr}`));
    });
  });
  proc.stdout!.resume();
  return proc;
}

async function killWorker(): Promise<void> {
  if (!workerProc) return;
  const p = workerProc;
  workerProc = null;
  p.kill('SIGKILL');
  await exited(p);
}

const runRow = () => prisma.employmentCheckRun.findUnique({ where: { runDate: dateFromIso(RUN_DATE) } });

beforeAll(async () => {
  port = await freePort();
  await startRedis();
  db = await createTestDatabase('employment_faults');
  prisma = createPrisma(db.url);
  base = await seedBase(prisma);
}, 60_000);

afterAll(async () => {
  await killWorker();
  await stopRedis();
  await prisma?.$disconnect();
  await db?.drop();
}, 60_000);

describe('employment checks survive killed workers and a wiped Redis', () => {
  it(
    `loses no check and doubles no uplift across ${KILLS} SIGKILLs and one Redis restart`,
    async () => {
      const cohort = await createCohort(prisma, base, { size: TRAINEES, qualifyingEvery: 3 });
      const expectedUplifts = cohort.qualifyingPersonIds.length;

      await startWorkerProcess();
      {
        const producer = createRedis(redisUrl(), { role: 'producer' });
        const queues = createQueues(producer, { QUEUE_PREFIX: prefix });
        await enqueue(queues, EMPLOYMENT_CHECK_RUN_JOB, { runDate: RUN_DATE, chunkSize: CHUNK_SIZE }, { jobId: `run-${RUN_DATE}` });
        await closeQueues(queues);
        await closeRedis(producer);
      }

      let killsMidRun = 0;
      for (let kill = 1; kill <= KILLS; kill++) {
        // Let it make some progress (a few chunks, or at most 3 s), then kill it without warning.
        const before = (await runRow())?.chunksDone ?? 0;
        const until = Date.now() + 3_000;
        while (Date.now() < until && ((await runRow())?.chunksDone ?? 0) < before + 4) await sleep(50);
        if ((await runRow())?.status === 'RUNNING') killsMidRun += 1;
        await killWorker();
        if (kill === REDIS_RESTART_AFTER_KILL) {
          await stopRedis(); // every job, scheduler and lock is gone
          await startRedis();
        }
        await startWorkerProcess();
      }

      // Now let it finish: stalled jobs come back after their lock expires, lost ones through the sweeper.
      const deadline = Date.now() + 300_000;
      for (;;) {
        const run = await runRow();
        if (run?.status === 'SUCCEEDED') break;
        if (Date.now() > deadline) throw new Error(`run not finished: ${JSON.stringify(run, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
        await sleep(500);
      }
      await killWorker();

      const run = (await runRow())!;
      const chunks = await prisma.employmentCheckChunk.findMany({ where: { runId: run.id } });
      expect(killsMidRun).toBeGreaterThanOrEqual(5); // the kills really hit a running run
      expect(chunks).toHaveLength(TRAINEES / CHUNK_SIZE);
      expect(chunks.every((c) => c.status === 'DONE')).toBe(true);
      expect(chunks.some((c) => c.attempts > 1)).toBe(true); // some were re-enqueued by the sweeper
      // Zero lost checks: every due check decided, each counted once.
      expect(await prisma.employmentCheck.count()).toBe(TRAINEES * 2);
      expect(await prisma.employmentCheck.count({ where: { decidedAt: null } })).toBe(0);
      expect(run).toMatchObject({ chunkCount: TRAINEES / CHUNK_SIZE, chunksDone: TRAINEES / CHUNK_SIZE, checked: TRAINEES * 2, qualified: expectedUplifts * 2 });
      expect(await prisma.employmentCheck.count({ where: { status: 'QUALIFIED' } })).toBe(expectedUplifts * 2);
      // Zero duplicate uplifts: one line per dedupKey, one per qualified trainee, all on one supplementary claim.
      const byKey = await prisma.$queryRaw<Array<{ keys: bigint; lines: bigint }>>`
        SELECT count(DISTINCT "dedupKey") AS keys, count(*) AS lines FROM "SubsidyClaimLine" WHERE part = 'EMPLOYMENT_UPLIFT'`;
      expect(byKey[0]).toEqual({ keys: BigInt(expectedUplifts), lines: BigInt(expectedUplifts) });
      expect(await duplicateKeys(prisma)).toEqual([]);
      const supplementary = await prisma.subsidyClaim.findMany({ where: { supplementsClaimId: cohort.claimId! } });
      expect(supplementary).toHaveLength(1);
      expect(supplementary[0]!.totalFen).toBe(BigInt(expectedUplifts * 36_000));
    },
    480_000,
  );
});
