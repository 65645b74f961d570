import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { configWith } from '@vtc/config';
import argon2 from 'argon2';
import { SignJWT } from 'jose';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createApp } from './server.ts';
import { createFixtures, startTestApi, TEST_PASSWORD, type TestApi } from './testing.ts';

let api: TestApi;
let redis: Redis;
beforeAll(async () => {
  api = await startTestApi('auth');
  await createFixtures(api.prisma, api.config);
  redis = new Redis(api.config.REDIS_URL);
});
afterAll(async () => {
  redis?.disconnect();
  await api?.stop();
});

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * POST /graphql from a chosen local address (127.0.0.0/8 is all loopback), so one test plays
 * several clients: the API sees each as its own socket peer.
 */
function post(base: string, body: unknown, o: { from?: string; headers?: Record<string, string> } = {}): Promise<Raw> {
  const url = new URL('/graphql', base);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress: o.from,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...o.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const LOGIN_FIELD = `mutation($u: String!, $p: String!) { login(input: { username: $u, password: $p }) {
  __typename ... on LoginPayload { token } ... on DomainError { code field message messageZh } } }`;

type LoginAnswer = { __typename: string; token?: string; code?: string; field?: string | null; message?: string };

function loginFrom(base: string, from: string, u: string, p: string, headers?: Record<string, string>): Promise<Raw> {
  return post(base, { query: LOGIN_FIELD, variables: { u, p } }, { from, headers });
}

function answer(r: Raw): LoginAnswer | undefined {
  return (JSON.parse(r.text) as { data?: { login?: LoginAnswer } | null }).data?.login;
}

async function failedLogins(username: string) {
  const user = await api.prisma.user.findUnique({ where: { username } });
  const rows = await api.prisma.auditLog.findMany({
    where: { action: 'login.failed', entityId: user?.id ?? username },
    orderBy: { id: 'asc' },
  });
  return rows.map((r) => r.after as Record<string, unknown>);
}

const LOGIN = `mutation($u: String!, $p: String!) { login(input: { username: $u, password: $p }) {
  __typename ... on LoginPayload { token expiresAt } ... on DomainError { code message messageZh } } }`;
const VIEWER = `{ viewer { roles canViewIdNumbers user { username } scope { kind role region { code } organization { name } } } }`;

describe('login, viewer, logout', () => {
  it('logs in with the right password and returns a token the API accepts', async () => {
    const r = await api.gql<{ login: { __typename: string; token: string } }>(LOGIN, { u: 'institution1', p: TEST_PASSWORD });
    expect(r.data?.login.__typename).toBe('LoginPayload');
    const v = await api.gql<{ viewer: { roles: string[]; user: { username: string }; scope: Array<{ kind: string; organization: { name: string } }> } }>(
      VIEWER,
      {},
      r.data!.login.token,
    );
    expect(v.data?.viewer.user.username).toBe('institution1');
    expect(v.data?.viewer.roles).toEqual(['INSTITUTION_STAFF']);
    expect(v.data?.viewer.scope).toEqual([
      { kind: 'ORGANIZATION', role: 'INSTITUTION_STAFF', region: null, organization: { name: '尧都区阳光职业培训学校' } },
    ]);
  });

  it('returns null viewer without a token and for a forged token', async () => {
    expect((await api.gql(VIEWER)).data).toEqual({ viewer: null });
    const forged =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4Iiwic2lkIjoieCJ9.c2lnbmF0dXJlLW5vdC12YWxpZA';
    expect((await api.gql(VIEWER, {}, forged)).data).toEqual({ viewer: null });
  });

  it('a correctly signed token whose session or subject is not a UUID is no session, not an internal error', async () => {
    const key = new TextEncoder().encode(api.config.JWT_SECRET);
    for (const claims of [{ sid: "x' OR '1'='1", sub: '00000000-0000-4000-8000-000000000000' }, { sid: '00000000-0000-4000-8000-000000000000', sub: '__proto__' }]) {
      const token = await new SignJWT({ sid: claims.sid })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(claims.sub)
        .setIssuer('vtc')
        .setAudience('vtc-api')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(key);
      const r = await api.gql(VIEWER, {}, token);
      expect(r.status).toBe(200);
      expect(r.data).toEqual({ viewer: null });
    }
  });

  it('rejects a wrong password and an unknown user with the same typed error', async () => {
    const wrong = await api.gql<{ login: { code: string; messageZh: string } }>(LOGIN, { u: 'institution2', p: 'Nope@12345' });
    const unknown = await api.gql<{ login: { code: string; messageZh: string } }>(LOGIN, { u: 'nobody', p: 'Nope@12345' });
    expect(wrong.data?.login).toMatchObject({ __typename: 'DomainError', code: 'INVALID_CREDENTIALS', messageZh: '用户名或密码错误;如多次失败,请稍后再试' });
    expect(unknown.data?.login).toEqual(wrong.data?.login);
  });

  it("a stranger's wrong passwords from one client do not stop the user logging in from another", async () => {
    const stranger = '127.0.0.2';
    for (let i = 0; i < 6; i++) {
      expect(answer(await loginFrom(api.url, stranger, 'enterprise1', `Wrong@pass${i}`))?.code).toBe('INVALID_CREDENTIALS');
    }
    // The stranger's client has used up its attempts on this account: even the right password is refused there …
    expect(answer(await loginFrom(api.url, stranger, 'enterprise1', TEST_PASSWORD))?.code).toBe('INVALID_CREDENTIALS');
    // … and only there: the user logs in from their own client.
    const own = answer(await loginFrom(api.url, '127.0.0.3', 'enterprise1', TEST_PASSWORD));
    expect(own?.__typename).toBe('LoginPayload');
    const user = await api.prisma.user.findUniqueOrThrow({ where: { username: 'enterprise1' } });
    expect(user.lockedUntil).toBeNull();
    expect((await failedLogins('enterprise1')).map((a) => [a.reason, a.ip])).toEqual([
      ...Array.from({ length: 5 }, () => ['WRONG_PASSWORD', stranger]),
      ['LOCKED', stranger],
      ['LOCKED', stranger],
    ]);
  });

  it("attempts while a client is out of attempts neither count for ever nor extend its wait, which ends by itself", async () => {
    const { loginCounterKeys } = await import('./login-counters.ts');
    const from = '127.0.0.4';
    for (let i = 0; i < 5; i++) await loginFrom(api.url, from, 'institution2', `Wrong@pass${i}`);
    const key = loginCounterKeys(api.config.QUEUE_PREFIX, 'institution2', from).client;
    const before = await redis.pttl(key);
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThanOrEqual(15 * 60_000);
    for (const p of ['Wrong@again1', TEST_PASSWORD, 'Wrong@again2']) {
      expect(answer(await loginFrom(api.url, from, 'institution2', p))?.code).toBe('INVALID_CREDENTIALS');
    }
    const after = await redis.pttl(key);
    expect(after).toBeGreaterThan(0);
    expect(after).toBeLessThanOrEqual(before);
    // The window's end (its expiry) is the only state: once it passes, the right password works again.
    await redis.del(key);
    expect(answer(await loginFrom(api.url, from, 'institution2', TEST_PASSWORD))?.__typename).toBe('LoginPayload');
  });

  it('answers an unknown user, a client out of attempts, a disabled user and a wrong password byte for byte alike; the audit log tells them apart', async () => {
    const from = '127.0.0.5';
    for (let i = 0; i < 5; i++) await loginFrom(api.url, from, 'yaodu.bureau', `Wrong@pass${i}`);
    await api.prisma.user.update({ where: { username: 'bayannur.bureau' }, data: { status: 'DISABLED' } });
    const answers = [
      await loginFrom(api.url, from, 'nobody.here', 'Nope@12345'),
      await loginFrom(api.url, from, 'xiangfen.bureau', 'Nope@12345'),
      await loginFrom(api.url, from, 'yaodu.bureau', TEST_PASSWORD),
      await loginFrom(api.url, from, 'bayannur.bureau', TEST_PASSWORD),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(answer(answers[0]!)).toEqual({
      __typename: 'DomainError',
      code: 'INVALID_CREDENTIALS',
      field: null,
      message: 'Wrong username or password; after several failures, try again later',
      messageZh: '用户名或密码错误;如多次失败,请稍后再试',
    });
    expect((await failedLogins('nobody.here')).map((a) => a.reason)).toEqual(['UNKNOWN_USER']);
    expect((await failedLogins('xiangfen.bureau')).map((a) => a.reason)).toEqual(['WRONG_PASSWORD']);
    expect((await failedLogins('yaodu.bureau')).at(-1)).toMatchObject({ reason: 'LOCKED', passwordMatched: true, ip: from });
    expect((await failedLogins('bayannur.bureau')).map((a) => a.reason)).toEqual(['INACTIVE']);
  });

  it('verifies a password on every refused attempt, an unknown user against a dummy hash of the same cost', async () => {
    const verify = jest.spyOn(argon2, 'verify');
    try {
      const from = '127.0.0.6';
      for (let i = 0; i < 5; i++) await loginFrom(api.url, from, 'shanxi.bureau', `Wrong@pass${i}`);
      verify.mockClear();
      await loginFrom(api.url, from, 'shanxi.bureau', TEST_PASSWORD); // out of attempts
      await loginFrom(api.url, from, 'no.such.user', TEST_PASSWORD); // unknown
      await loginFrom(api.url, '127.0.0.7', 'shanxi.bureau', 'Wrong@pass'); // wrong password
      const stored = (await api.prisma.user.findUniqueOrThrow({ where: { username: 'shanxi.bureau' } })).passwordHash;
      const hashes = verify.mock.calls.map((c) => c[0]);
      expect(hashes).toHaveLength(3);
      expect(hashes[0]).toBe(stored);
      expect(hashes[2]).toBe(stored);
      const params = (h: string) => h.split('$').slice(0, 4).join('$'); // $argon2id$v=19$m=…,p=…,t=…
      expect(await api.prisma.user.count({ where: { passwordHash: hashes[1] } })).toBe(0);
      expect(params(hashes[1]!)).toBe(params(stored));
    } finally {
      verify.mockRestore();
    }
  });

  it.each([
    ['username', 'adm\u0000in', TEST_PASSWORD],
    ['username', 'admin\ud800', TEST_PASSWORD],
    ['username', 'ad\u001bmin', TEST_PASSWORD],
    ['password', 'admin', 'Test@2026\u0000pass'],
    ['password', 'admin', '\udc00Test@2026pass'],
  ])('refuses a %s with a NUL, a control character or a lone surrogate (%j / %j) with VALIDATION', async (field, u, p) => {
    const r = await loginFrom(api.url, '127.0.0.8', u, p);
    expect(r.status).toBe(200);
    expect(answer(r)).toMatchObject({ __typename: 'DomainError', code: 'VALIDATION', field });
  });

  it('logout revokes the token at once', async () => {
    const token = await api.login('xiangfen.bureau');
    expect((await api.gql(VIEWER, {}, token)).data?.viewer).not.toBeNull();
    const out = await api.gql<{ logout: boolean }>('mutation { logout }', {}, token);
    expect(out.data?.logout).toBe(true);
    expect((await api.gql(VIEWER, {}, token)).data).toEqual({ viewer: null });
    const again = await api.gql('mutation { logout }', {}, token);
    expect(again.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('says a malformed global id is invalid input (VALIDATION)', async () => {
    const token = await api.login('admin');
    const r = await api.gql('{ node(id: "x") { id } }', {}, token);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'id' });
  });

  it('requires a login for every other field', async () => {
    for (const q of ['{ organizations { edges { node { id } } } }', '{ trainees { edges { node { id } } } }', '{ classes { edges { node { id } } } }', '{ regions { code } }', `{ node(id: "${Buffer.from('Organization:00000000-0000-4000-8000-000000000000').toString('base64')}") { id } }`]) {
      const r = await api.gql(q);
      expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(r.data == null || Object.values(r.data).every((v) => v === null)).toBe(true);
    }
  });
});

describe('createUser (administrators only)', () => {
  const CREATE = `mutation($input: CreateUserInput!) { createUser(input: $input) {
    __typename ... on User { username roles { role region { code } } } ... on DomainError { code field message } } }`;

  it('creates an account with a strong password and writes an outbox event', async () => {
    const admin = await api.login('admin');
    const r = await api.gql<{ createUser: Record<string, unknown> }>(
      CREATE,
      { input: { username: 'quwo.bureau', displayName: '曲沃县人社局', password: 'Strong#Pass1', role: 'BUREAU_OFFICER', regionCode: '141023' } },
      admin,
    );
    expect(r.data?.createUser).toEqual({ __typename: 'User', username: 'quwo.bureau', roles: [{ role: 'BUREAU_OFFICER', region: { code: '141023' } }] });
    const user = await api.prisma.user.findUniqueOrThrow({ where: { username: 'quwo.bureau' } });
    const events = await api.prisma.outboxEvent.findMany({ where: { aggregateId: user.id } });
    expect(events.map((e) => [e.type, e.payload])).toEqual([['user.registered', { userId: user.id }]]);
    expect(await api.login('quwo.bureau', 'Strong#Pass1')).toMatch(/^ey/);
  });

  it.each([
    [{ password: 'short1!' }, 'WEAK_PASSWORD', 'password'],
    [{ password: 'alllowercaseletters' }, 'WEAK_PASSWORD', 'password'],
    [{ username: 'institution1' }, 'CONFLICT', 'username'],
    [{ username: 'Bad Name' }, 'VALIDATION', 'username'],
    [{ regionCode: '141099' }, 'NOT_FOUND', 'regionCode'],
    [{ regionCode: '999999' }, 'VALIDATION', 'regionCode'],
    [{ role: 'INSTITUTION_STAFF' }, 'VALIDATION', 'organizationId'],
    [{ displayName: '新\u0000用户' }, 'VALIDATION', 'displayName'],
    [{ password: 'Strong#Pass1\u0000' }, 'VALIDATION', 'password'],
    [{ password: 'Strong#Pass1\ud800' }, 'VALIDATION', 'password'],
  ])('rejects %j with %s on %s and saves nothing', async (change, code, field) => {
    const admin = await api.login('admin');
    const before = await api.prisma.user.count();
    const input = { username: 'new.user', displayName: '新用户', password: 'Strong#Pass1', role: 'BUREAU_OFFICER', regionCode: '141002', ...change };
    if ('role' in change) delete (input as Record<string, unknown>).regionCode;
    const r = await api.gql<{ createUser: { __typename: string; code: string; field: string } }>(CREATE, { input }, admin);
    expect(r.data?.createUser).toMatchObject({ __typename: 'DomainError', code, field });
    expect(await api.prisma.user.count()).toBe(before);
  });

  it('is refused to anyone but an administrator', async () => {
    const token = await api.login('linfen.bureau');
    const r = await api.gql(
      CREATE,
      { input: { username: 'sneaky', displayName: 'x', password: 'Strong#Pass1', role: 'SYSTEM_ADMIN' } },
      token,
    );
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await api.prisma.user.count({ where: { username: 'sneaky' } })).toBe(0);
  });
});

describe('login flood', () => {
  let flood: TestApi;
  const PER_MINUTE = 8;
  const PROXY = '127.0.0.9';
  beforeAll(async () => {
    flood = await startTestApi('auth_flood', {
      LOGIN_RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
      LOGIN_MAX_CONCURRENT: '1',
      TRUSTED_PROXIES: PROXY,
    });
    await createFixtures(flood.prisma, flood.config);
  });
  afterAll(async () => {
    await flood?.stop();
  });

  /** Sequential attempts until one is refused with 429; 2 × limit + 2 spans a minute boundary. */
  async function floodUntil429(from: string, headers: (i: number) => Record<string, string> = () => ({})): Promise<Raw | undefined> {
    for (let i = 0; i < 2 * PER_MINUTE + 2; i++) {
      const r = await loginFrom(flood.url, from, 'admin', `Wrong@pass${i}`, headers(i));
      if (r.status === 429) return r;
    }
    return undefined;
  }

  it('answers a client that floods login with HTTP 429, RATE_LIMITED and Retry-After; other clients still log in', async () => {
    const limited = await floodUntil429('127.0.1.1');
    expect(limited?.status).toBe(429);
    const body = JSON.parse(limited!.text) as { data: unknown; errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.data).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]!.extensions.code).toBe('RATE_LIMITED');
    expect(body.errors[0]!.message).toMatch(/login.*登录/s);
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
    expect(answer(await loginFrom(flood.url, '127.0.1.2', 'admin', TEST_PASSWORD))?.__typename).toBe('LoginPayload');
  });

  it('does not let a client that is not a trusted proxy choose its address with X-Forwarded-For', async () => {
    const limited = await floodUntil429('127.0.1.3', (i) => ({ 'x-forwarded-for': `203.0.113.${i + 1}` }));
    expect(limited?.status).toBe(429);
    const ok = answer(await loginFrom(flood.url, '127.0.1.4', 'institution2', TEST_PASSWORD, { 'x-forwarded-for': '198.51.100.99' }));
    const session = await flood.prisma.authSession.findFirstOrThrow({ where: { user: { username: 'institution2' } }, orderBy: { createdAt: 'desc' } });
    expect(ok?.__typename).toBe('LoginPayload');
    expect(session.ip).toBe('127.0.1.4');
  });

  it('behind a trusted proxy, tells clients apart by the address the proxy appended', async () => {
    const stranger = { 'x-forwarded-for': '198.51.100.7' };
    for (let i = 0; i < 5; i++) {
      expect(answer(await loginFrom(flood.url, PROXY, 'institution1', `Wrong@pass${i}`, stranger))?.code).toBe('INVALID_CREDENTIALS');
    }
    expect(answer(await loginFrom(flood.url, PROXY, 'institution1', TEST_PASSWORD, stranger))?.code).toBe('INVALID_CREDENTIALS');
    // The stranger writes another address in front; the proxy appends the real one, which is what counts.
    const forged = { 'x-forwarded-for': '198.51.100.8, 198.51.100.7' };
    expect(answer(await loginFrom(flood.url, PROXY, 'institution1', TEST_PASSWORD, forged))?.code).toBe('INVALID_CREDENTIALS');
    const user = { 'x-forwarded-for': '10.1.2.3, 198.51.100.8' };
    expect(answer(await loginFrom(flood.url, PROXY, 'institution1', TEST_PASSWORD, user))?.__typename).toBe('LoginPayload');
    const session = await flood.prisma.authSession.findFirstOrThrow({ where: { user: { username: 'institution1' } }, orderBy: { createdAt: 'desc' } });
    expect(session.ip).toBe('198.51.100.8');
  });

  it('refuses logins beyond LOGIN_MAX_CONCURRENT at once with 429 instead of queueing them', async () => {
    const clients = Array.from({ length: 6 }, (_, i) => `127.0.2.${i + 1}`);
    const answers = await Promise.all(clients.map((from) => loginFrom(flood.url, from, 'trainee.a', TEST_PASSWORD)));
    const busy = answers.filter((a) => a.status === 429);
    expect(busy.length).toBeGreaterThan(0);
    expect(answers.some((a) => answer(a)?.__typename === 'LoginPayload')).toBe(true);
    const body = JSON.parse(busy[0]!.text) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]!.extensions.code).toBe('RATE_LIMITED');
    expect(busy[0]!.headers['retry-after']).toBe('1');
    // Nothing was held: one at a time, every client logs in.
    for (const from of clients) expect(answer(await loginFrom(flood.url, from, 'trainee.a', TEST_PASSWORD))?.__typename).toBe('LoginPayload');
  });

  it('fails closed with HTTP 503 SERVICE_UNAVAILABLE, not an internal error, when it cannot count attempts', async () => {
    const config = configWith({ DATABASE_URL: flood.db.url, REDIS_URL: 'redis://127.0.0.1:1', QUEUE_PREFIX: flood.config.QUEUE_PREFIX });
    const app = await createApp({ config, prisma: flood.prisma, logger: pino({ level: 'silent' }) });
    try {
      const url = await app.listen(0, '127.0.0.1');
      const r = await loginFrom(url, '127.0.3.1', 'admin', TEST_PASSWORD);
      expect(r.status).toBe(503);
      const body = JSON.parse(r.text) as { errors: Array<{ message: string; extensions: { code: string } }> };
      expect(body.errors[0]!.extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect(body.errors[0]!.message).toMatch(/Login is unavailable.*登录服务暂不可用/);
    } finally {
      await app.stop();
    }
  });
});
