import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { configWith } from '@vtc/config';
import { createPrisma } from '@vtc/db';
import { createTestDatabase } from '@vtc/db/testing';
import pino from 'pino';
import { createApp, type App } from './server.ts';
import { createFixtures, startTestApi, type TestApi } from './testing.ts';

let api: TestApi;
let admin: string;
beforeAll(async () => {
  api = await startTestApi('http');
  await createFixtures(api.prisma, api.config);
  admin = await api.login('admin');
});
afterAll(async () => {
  await api?.stop();
});

async function post(body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}`, ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, text, json: (() => { try { return JSON.parse(text); } catch { return null; } })() };
}

describe('hostile queries are rejected before any resolver runs', () => {
  const cases: Array<[string, () => string]> = [
    ['depth 50', () => `{ regions { ${'children { '.repeat(49)}code${' }'.repeat(49)} } }`],
    ['1,000 aliases', () => `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: viewer { roles }`).join(' ')} }`],
    ['100 directives', () => `{ viewer ${'@include(if: true) '.repeat(100)} { roles } }`],
    ['20,000 tokens', () => `{ viewer { ${'roles '.repeat(20000)} } }`],
    ['a costly fan-out', () => `{ organizations(first: 100) { edges { node { classes(first: 100) { edges { node { enrollments(first: 100) { edges { node { person { name } } } } } } } } } } }`],
  ];
  it.each(cases)('%s', async (_name, make) => {
    const before = api.app.stats.executions;
    const r = await post(JSON.stringify({ query: make() }));
    expect(r.status).toBe(400);
    expect(r.json.errors[0].extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', messageZh: '查询过大或过于复杂' });
    expect(r.json.errors[0].message).toBe('Query too large or complex / 查询过大或过于复杂');
    // The limits themselves are not told to the client.
    expect(r.json.errors.map((e: { message: string }) => e.message).join(' ')).not.toMatch(/\d{2,}/);
    expect(api.app.stats.executions).toBe(before);
  });

  it('a document larger than the body limit gets 413 without being parsed', async () => {
    const before = api.app.stats.executions;
    const r = await post(JSON.stringify({ query: `{ viewer { roles } } # ${'x'.repeat(3 * 1024 * 1024)}` }));
    expect(r.status).toBe(413);
    expect(r.json.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(api.app.stats.executions).toBe(before);
  });

  it('a normal query still runs', async () => {
    const before = api.app.stats.executions;
    const r = await post(JSON.stringify({ query: '{ viewer { roles } }' }));
    expect(r.json).toEqual({ data: { viewer: { roles: ['SYSTEM_ADMIN'] } } });
    expect(api.app.stats.executions).toBe(before + 1);
  });
});

describe('HTTP edge', () => {
  it('hides field suggestions', async () => {
    const r = await post(JSON.stringify({ query: '{ viewr { roles } }' }));
    expect(r.status).toBe(400);
    expect(r.text).not.toMatch(/Did you mean/);
  });

  it('blocks CSRF-able requests: text/plain POST and GET without a preflight header', async () => {
    const plain = await post('{"query":"{ viewer { roles } }"}', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(400);
    const get = await fetch(`${api.url}/graphql?query=${encodeURIComponent('{ viewer { roles } }')}`);
    expect(get.status).toBe(400);
    const getOk = await fetch(`${api.url}/graphql?query=${encodeURIComponent('{ viewer { roles } }')}`, {
      headers: { 'apollo-require-preflight': 'true', authorization: `Bearer ${admin}` },
    });
    expect(getOk.status).toBe(200);
  });

  it('answers malformed JSON, batches, unknown paths and methods plainly', async () => {
    expect((await post('{"query": ')).status).toBe(400);
    expect((await post(JSON.stringify([{ query: '{ viewer { roles } }' }, { query: '{ viewer { roles } }' }]))).status).toBe(400);
    expect((await fetch(`${api.url}/nope`)).status).toBe(404);
    expect((await fetch(`${api.url}/graphql`, { method: 'DELETE' })).status).toBe(405);
  });

  it('rejects wrongly typed variables with VALIDATION, naming the field', async () => {
    const r = await post(JSON.stringify({ query: 'query($n: Int) { trainees(first: $n) { edges { node { id } } } }', variables: { n: 'ten' } }));
    expect(r.json.errors[0].extensions).toMatchObject({ code: 'VALIDATION', field: 'n' });
    expect(r.json.errors[0].extensions.messageZh).toMatch(/[\u4e00-\u9fff]/);
  });

  it('echoes a request id, and /healthz answers', async () => {
    const res = await fetch(`${api.url}/healthz`, { headers: { 'x-request-id': 'abc12345-test' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('abc12345-test');
  });
});

describe('unexpected errors are masked with a correlation id and logged without personal data', () => {
  it('shows "internal error" and the id, logs the cause under the same id', async () => {
    const db = await createTestDatabase('mask');
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } });
    const config = configWith({ DATABASE_URL: db.url, NODE_ENV: 'test' });
    const prisma = createPrisma(db.url, { max: 2 });
    const app = await createApp({ config, prisma, logger: pino({ level: 'info' }, sink) });
    const url = await app.listen(0, '127.0.0.1');
    try {
      await createFixtures(prisma, config);
      const login = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation { login(input: {username: "admin", password: "Test@2026pass"}) { ... on LoginPayload { token } } }' }),
      });
      const token = ((await login.json()) as { data: { login: { token: string } } }).data.login.token;
      await prisma.$executeRawUnsafe('ALTER TABLE "Occupation" RENAME COLUMN "name" TO "broken"');
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ occupations { name } }' }),
      });
      const body = (await res.json()) as { errors: Array<{ message: string; extensions: { code: string; correlationId: string } }> };
      const err = body.errors[0]!;
      expect(err.extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(err.message).toContain(err.extensions.correlationId);
      expect(JSON.stringify(body)).not.toMatch(/broken|prisma|column/i);
      const logged = lines.map((l) => JSON.parse(l)).find((l) => l.correlationId === err.extensions.correlationId);
      expect(logged?.msg).toBe('unexpected error');
      expect(lines.join('\n')).not.toContain('Test@2026pass');
      expect(lines.join('\n')).not.toMatch(/\d{17}[\dX]/);
    } finally {
      await app.stop();
      await prisma.$disconnect();
      await db.drop();
    }
  });
});

describe('production mode', () => {
  it('turns introspection off and refuses default secrets', async () => {
    expect(() => configWith({ NODE_ENV: 'production', JWT_SECRET: '' })).toThrow();
    expect(() => configWith({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET must be set in production/);
    const key = () => Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 7 + Math.floor(Math.random() * 200)) % 256)).toString('base64');
    const config = configWith({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://vtc.example.gov.cn',
      DATABASE_URL: api.db.url,
      JWT_SECRET: 'a-production-secret-that-is-long-enough-0123456789',
      ID_ENCRYPTION_KEY: key(),
      ID_HASH_KEY: key(),
      CERT_SIGNING_KEY: key(),
    });
    const app = await createApp({ config, prisma: api.prisma, logger: pino({ level: 'silent' }) });
    const url = await app.listen(0, '127.0.0.1');
    try {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __schema { types { name } } }' }),
      });
      const body = (await res.json()) as { errors: Array<{ message: string }> };
      expect(body.errors[0]?.message).toMatch(/introspection/i);
    } finally {
      await app.stop();
    }
  });
});

describe('/readyz follows Postgres and Redis', () => {
  let redis: ChildProcess | undefined;
  let app: App | undefined;
  const freePort = () =>
    new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
  const startRedis = (port: number) => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    return child;
  };
  const waitFor = async (url: string, status: number) => {
    const deadline = Date.now() + 15_000;
    let last = 0;
    while (Date.now() < deadline) {
      last = (await fetch(url)).status;
      if (last === status) return last;
      await new Promise((r) => setTimeout(r, 200));
    }
    return last;
  };
  afterAll(async () => {
    await app?.stop();
    redis?.kill('SIGKILL');
  });

  it('200 when both answer, 503 when Redis stops, 200 again when it is back, 503 while draining', async () => {
    const port = await freePort();
    redis = startRedis(port);
    const config = configWith({ DATABASE_URL: api.db.url, REDIS_URL: `redis://127.0.0.1:${port}` });
    app = await createApp({ config, prisma: api.prisma, logger: pino({ level: 'silent' }) });
    const url = await app.listen(0, '127.0.0.1');
    expect(await waitFor(`${url}/readyz`, 200)).toBe(200);

    redis.kill('SIGKILL');
    expect(await waitFor(`${url}/readyz`, 503)).toBe(503);
    const down = (await (await fetch(`${url}/readyz`)).json()) as Record<string, string>;
    expect(down).toMatchObject({ postgres: 'up', redis: 'down' });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    redis = startRedis(port);
    expect(await waitFor(`${url}/readyz`, 200)).toBe(200);

    app.beginDrain();
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
  });
});
