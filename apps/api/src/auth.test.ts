import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFixtures, startTestApi, TEST_PASSWORD, type TestApi } from './testing.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('auth');
  await createFixtures(api.prisma, api.config);
});
afterAll(async () => {
  await api?.stop();
});

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

  it('rejects a wrong password and an unknown user with the same typed error', async () => {
    const wrong = await api.gql<{ login: { code: string; messageZh: string } }>(LOGIN, { u: 'institution2', p: 'Nope@12345' });
    const unknown = await api.gql<{ login: { code: string; messageZh: string } }>(LOGIN, { u: 'nobody', p: 'Nope@12345' });
    expect(wrong.data?.login).toMatchObject({ __typename: 'DomainError', code: 'INVALID_CREDENTIALS', messageZh: '用户名或密码错误' });
    expect(unknown.data?.login).toEqual(wrong.data?.login);
  });

  it('locks the account for 15 minutes after 5 failed logins, even for the right password', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await api.gql<{ login: { code: string } }>(LOGIN, { u: 'enterprise1', p: `Wrong@pass${i}` });
      expect(r.data?.login.code).toBe('INVALID_CREDENTIALS');
    }
    const locked = await api.gql<{ login: { code: string } }>(LOGIN, { u: 'enterprise1', p: TEST_PASSWORD });
    expect(locked.data?.login.code).toBe('ACCOUNT_LOCKED');
    const user = await api.prisma.user.findUniqueOrThrow({ where: { username: 'enterprise1' } });
    const minutes = (user.lockedUntil!.getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);
    const audit = await api.prisma.auditLog.count({ where: { action: 'user.locked', entityId: user.id } });
    expect(audit).toBe(1);
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
