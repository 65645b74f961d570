import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { configWith } from '@vtc/config';
import { createPrisma } from '@vtc/db';
import { createTestDatabase } from '@vtc/db/testing';
import { closeRedis, createRedis } from '@vtc/jobs';
import { type HealthChecks, type HealthServer, postgresProbe, redisProbe, startHealthServer } from './health.ts';

const servers: HealthServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function start(checks: HealthChecks, timeoutMs?: number): Promise<HealthServer> {
  const s = await startHealthServer({ port: 0, host: '127.0.0.1', checks, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  servers.push(s);
  return s;
}

async function get(url: string): Promise<{ status: number; body: Record<string, string> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

const up = async () => true;
const down = async () => false;

describe('worker health endpoint', () => {
  it('answers /healthz 200 and /readyz 200 when PostgreSQL, Redis and the workers are up', async () => {
    const s = await start({ postgres: up, redis: up, workers: () => true });
    expect(s.port).toBeGreaterThan(0);
    expect(await get(`${s.url}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await get(`${s.url}/readyz`)).toEqual({
      status: 200,
      body: { status: 'ready', postgres: 'up', redis: 'up', workers: 'running' },
    });
    expect((await fetch(`${s.url}/other`)).status).toBe(404);
    expect((await fetch(`${s.url}/readyz`, { method: 'POST' })).status).toBe(405);
  });

  it('answers /readyz 503 naming what is down; /healthz stays 200', async () => {
    let workers = false;
    const s = await start({ postgres: up, redis: down, workers: () => workers });
    expect(await get(`${s.url}/readyz`)).toEqual({
      status: 503,
      body: { status: 'not ready', postgres: 'up', redis: 'down', workers: 'stopped' },
    });
    workers = true;
    expect((await get(`${s.url}/readyz`)).body).toMatchObject({ redis: 'down', workers: 'running' });
    expect((await get(`${s.url}/healthz`)).status).toBe(200);
  });

  it('counts a check that throws or hangs as down, within the timeout', async () => {
    const s = await start(
      {
        postgres: () => new Promise<boolean>(() => {}),
        redis: async () => {
          throw new Error('ECONNREFUSED');
        },
        workers: () => true,
      },
      200,
    );
    const started = Date.now();
    expect(await get(`${s.url}/readyz`)).toMatchObject({ status: 503, body: { postgres: 'down', redis: 'down' } });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('answers /readyz 503 draining once draining starts; /healthz still 200', async () => {
    const s = await start({ postgres: up, redis: up, workers: () => true });
    expect((await get(`${s.url}/readyz`)).status).toBe(200);
    s.startDraining();
    expect(await get(`${s.url}/readyz`)).toMatchObject({ status: 503, body: { status: 'draining' } });
    expect((await get(`${s.url}/healthz`)).status).toBe(200);
  });

  it('fails to start on a port in use (the worker then exits instead of running unwatched)', async () => {
    const s = await start({ postgres: up, redis: up, workers: () => true });
    await expect(startHealthServer({ port: s.port, host: '127.0.0.1', checks: { postgres: up, redis: up, workers: () => true } })).rejects.toThrow(
      /EADDRINUSE/,
    );
  });
});

describe('dependency probes against the real PostgreSQL and Redis', () => {
  const config = configWith({});

  it('say up when they answer and down when they do not', async () => {
    // The server's maintenance database: it always exists, whether or not `vtc` was created yet.
    const pgUrl = new URL(config.DATABASE_URL);
    pgUrl.pathname = '/postgres';
    const prisma = createPrisma(pgUrl.toString(), { max: 1 });
    const redis = createRedis(config.REDIS_URL, { role: 'producer', connectionName: 'vtc-health-test' });
    await new Promise<void>((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve())));
    // Port 1 on loopback: nothing listens there.
    const deadPrisma = createPrisma('postgresql://postgres@127.0.0.1:1/vtc', { max: 1 });
    const deadRedis = createRedis('redis://127.0.0.1:1', { role: 'producer', connectionName: 'vtc-health-test-dead' });
    deadRedis.on('error', () => undefined);
    try {
      const s = await start({ postgres: postgresProbe(prisma), redis: redisProbe(redis), workers: () => true });
      expect(await get(`${s.url}/readyz`)).toMatchObject({ status: 200, body: { postgres: 'up', redis: 'up' } });
      const dead = await start({ postgres: postgresProbe(deadPrisma), redis: redisProbe(deadRedis), workers: () => true });
      expect(await get(`${dead.url}/readyz`)).toMatchObject({ status: 503, body: { postgres: 'down', redis: 'down' } });
    } finally {
      await Promise.allSettled([prisma.$disconnect(), deadPrisma.$disconnect(), closeRedis(redis), closeRedis(deadRedis)]);
    }
  });
});

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

describe('the worker process (main.ts) with WORKER_HEALTH_PORT', () => {
  it('answers /readyz 200 once its workers run and /healthz 200, and exits 0 on SIGTERM', async () => {
    const db = await createTestDatabase('worker_health');
    const port = await freePort();
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const proc = spawn(process.execPath, ['--import', 'tsx', 'apps/worker/src/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        QUEUE_PREFIX: `vtc-health-${randomBytes(4).toString('hex')}`,
        WORKER_HEALTH_PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4_000);
    });
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 60_000;
      let ready: { status: number; body: Record<string, string> } | undefined;
      while (Date.now() < deadline && proc.exitCode === null) {
        ready = await get(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
        if (ready?.status === 200) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect({ ready, stderr: ready?.status === 200 ? '' : stderr }).toMatchObject({
        ready: { status: 200, body: { status: 'ready', postgres: 'up', redis: 'up', workers: 'running' } },
      });
      expect((await get(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      proc.kill('SIGKILL');
      await exited;
      await db.drop();
    }
  }, 90_000);
});
