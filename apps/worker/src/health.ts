import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The worker's health endpoint, for orchestrators (docker-compose HEALTHCHECK, Kubernetes probes),
 * on WORKER_HEALTH_PORT:
 *
 * - `GET /healthz`: 200 while the process runs (liveness);
 * - `GET /readyz`: 200 when PostgreSQL and Redis answer and the BullMQ workers are running; 503
 *   while starting, while a dependency is down and while draining (after SIGTERM). The body says which.
 *
 * The same answers as the API's /healthz and /readyz. No job data, no personal data.
 */

export interface HealthChecks {
  /** True when PostgreSQL answers. */
  postgres(): Promise<boolean>;
  /** True when Redis answers. */
  redis(): Promise<boolean>;
  /** True while the BullMQ workers run: started, not stopping. */
  workers(): boolean;
}

export interface HealthServerOptions {
  port: number;
  host?: string;
  checks: HealthChecks;
  /** A check that has not answered by then counts as down (default 1,500 ms). */
  timeoutMs?: number;
}

export interface HealthServer {
  /** `http://host:port`, with the port actually bound (port 0 picks one). */
  readonly url: string;
  readonly port: number;
  /** From now on /readyz answers 503 `draining`. */
  startDraining(): void;
  close(): Promise<void>;
}

export interface Readiness {
  ok: boolean;
  status: 'ready' | 'not ready' | 'draining';
  postgres: 'up' | 'down';
  redis: 'up' | 'down';
  workers: 'running' | 'stopped';
}

/** A probe that never throws and never takes longer than `timeoutMs`. */
function bounded(probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const answer = Promise.resolve()
    .then(probe)
    .then(
      (ok) => ok === true,
      () => false,
    );
  return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
}

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const { checks } = options;
  const timeoutMs = options.timeoutMs ?? 1_500;
  let draining = false;

  async function readiness(): Promise<Readiness> {
    const [pg, redis] = await Promise.all([bounded(checks.postgres, timeoutMs), bounded(checks.redis, timeoutMs)]);
    const workers = checks.workers();
    const ok = pg && redis && workers && !draining;
    return {
      ok,
      status: ok ? 'ready' : draining ? 'draining' : 'not ready',
      postgres: pg ? 'up' : 'down',
      redis: redis ? 'up' : 'down',
      workers: workers ? 'running' : 'stopped',
    };
  }

  const send = (res: http.ServerResponse, status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { status: 'method not allowed' });
    if (path === '/healthz') return send(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      readiness().then(
        ({ ok, ...body }) => send(res, ok ? 200 : 503, body),
        () => send(res, 503, { status: 'not ready' }),
      );
      return;
    }
    send(res, 404, { status: 'not found' });
  });
  // Probes are short requests; do not let an idle keep-alive socket hold the process at shutdown.
  server.keepAliveTimeout = 1_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host && !['0.0.0.0', '::', ''].includes(options.host) ? options.host : '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    startDraining() {
      draining = true;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** PostgreSQL answers `SELECT 1`. */
export function postgresProbe(prisma: { $queryRaw(query: TemplateStringsArray): PromiseLike<unknown> }): () => Promise<boolean> {
  return async () => {
    await prisma.$queryRaw`SELECT 1`;
    return true;
  };
}

/** Redis answers PING (use a fail-fast `producer` connection, so a dead Redis answers at once). */
export function redisProbe(redis: { ping(): Promise<string> }): () => Promise<boolean> {
  return async () => (await redis.ping()) === 'PONG';
}
