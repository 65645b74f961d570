import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFixtures, type Fixtures, startTestApi, type TestApi } from './testing.ts';

/**
 * Errors people can read, for input an attacker would send: every refusal has a stable code, the
 * field and both languages, and none is an internal error. The generated version of these checks
 * over the whole schema is fuzz.test.ts.
 */
let api: TestApi;
let fx: Fixtures;
const tokens: Record<string, string> = {};
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
const b64 = (s: string) => Buffer.from(s).toString('base64');
const CJK = /[\u4e00-\u9fff]/;

beforeAll(async () => {
  api = await startTestApi('errors', { VERIFY_RATE_LIMIT_PER_MINUTE: '5' });
  fx = await createFixtures(api.prisma, api.config);
  for (const u of ['admin', 'institution1', 'linfen.bureau']) tokens[u] = await api.login(u);
}, 60_000);

afterAll(async () => {
  await api?.stop();
});

type Err = { message: string; extensions?: Record<string, unknown> };
const ERR = '... on DomainError { code field message messageZh }';
const SUBMIT = `mutation($id: ID!) { submitClass(id: $id) { __typename ${ERR} } }`;

describe('strings Postgres cannot store', () => {
  it.each([
    ['a NUL byte', 'adm\u0000in'],
    ['a lone high surrogate', 'admin\ud800'],
    ['a lone low surrogate', '\udc00admin'],
  ])('%s in the anonymous login is VALIDATION on username, not an internal error', async (_name, username) => {
    const r = await api.gql<{ login: Record<string, unknown> }>(
      `mutation($u: String!) { login(input: { username: $u, password: "x" }) { __typename ${ERR} } }`,
      { u: username },
      null,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.login).toMatchObject({ __typename: 'DomainError', code: 'VALIDATION', field: 'username', messageZh: expect.stringMatching(CJK) });
  });

  it('a NUL byte deep in an input is named by its path', async () => {
    const r = await api.gql<{ rejectClass: Record<string, unknown> }>(
      `mutation($id: ID!, $reason: String!) { rejectClass(id: $id, reason: $reason) { __typename ${ERR} } }`,
      { id: gid('TrainingClass', fx.classA), reason: '计划不全\u0000' },
      tokens['linfen.bureau'],
    );
    expect(r.data?.rejectClass).toMatchObject({ code: 'VALIDATION', field: 'reason' });
  });
});

describe('ids and cursors', () => {
  it.each([
    ['not base64 at all', '%%%'],
    ['__proto__', '__proto__'],
    ['constructor as a type', b64('constructor:00000000-0000-4000-8000-000000000000')],
    ['__proto__ as a type', b64('__proto__:1')],
    ['an id that is not a uuid', b64('TrainingClass:not-a-uuid')],
    ['an empty id', b64('TrainingClass:')],
  ])('%s: submitClass answers VALIDATION on id', async (_name, id) => {
    const r = await api.gql<{ submitClass: Record<string, unknown> }>(SUBMIT, { id }, tokens.institution1);
    expect(r.errors).toBeUndefined();
    expect(r.data?.submitClass).toMatchObject({ __typename: 'DomainError', code: 'VALIDATION', field: 'id' });
  });

  it('the id of another type (a certificate for a class) is VALIDATION naming both types', async () => {
    const r = await api.gql<{ submitClass: { message: string } }>(SUBMIT, { id: gid('Certificate', randomUUID()) }, tokens.institution1);
    expect(r.data?.submitClass).toMatchObject({ code: 'VALIDATION', field: 'id' });
    expect(r.data?.submitClass.message).toMatch(/Certificate.*TrainingClass/);
  });

  it.each([['x'], ['__proto__'], [b64('__proto__:1')], [b64('Person:not-a-uuid')], [b64('Region:1')]])('node(id: %j) is VALIDATION, never internal', async (id) => {
    const r = await api.gql('query($id: ID!) { node(id: $id) { id } }', { id }, tokens.admin);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'id' });
  });

  it.each([
    ['a uuid cursor that is not a uuid', b64('GPC:S:not-a-uuid')],
    ['a JSON cursor', b64('GPC:J:{bad')],
  ])('%s on a connection is VALIDATION on after', async (_name, after) => {
    const r = await api.gql('query($a: String) { classes(first: 5, after: $a) { edges { node { id } } } }', { a: after }, tokens.admin);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'after' });
  });
});

describe('validation failures have the DomainError shape', () => {
  it('a validation schema refusal is the union member, with the field and a Chinese message', async () => {
    const r = await api.gql<{ rejectClass: Record<string, unknown> }>(
      `mutation($id: ID!, $reason: String!) { rejectClass(id: $id, reason: $reason) { __typename ${ERR} } }`,
      { id: gid('TrainingClass', fx.classA), reason: ' ' },
      tokens['linfen.bureau'],
    );
    expect(r.data?.rejectClass).toMatchObject({ __typename: 'DomainError', code: 'VALIDATION', field: 'reason', messageZh: expect.stringMatching(CJK) });
  });

  it('an impossible date is VALIDATION naming the field inside the input', async () => {
    const r = await api.gql<{ scorecards: Record<string, unknown> }>(
      `query($f: ScorecardFilter!) { scorecards(filter: $f, groupBy: CLASS) { __typename ${ERR} } }`,
      { f: { from: '2026-13-45', to: '2026-12-31' } },
      tokens['linfen.bureau'],
    );
    expect(r.data?.scorecards).toMatchObject({ __typename: 'DomainError', code: 'VALIDATION', field: 'from', messageZh: expect.stringContaining('2026-13-45') });
  });

  it('a value of the wrong type (before execution) is a top-level VALIDATION with the field and messageZh', async () => {
    const r = await api.gql(`mutation($id: ID!, $r: String!) { rejectClass(id: $id, reason: $r) { __typename } }`, { id: gid('TrainingClass', fx.classA), r: 42 }, tokens['linfen.bureau']);
    const e = r.errors?.[0] as Err;
    expect(e.extensions).toMatchObject({ code: 'VALIDATION', field: 'r', messageZh: expect.stringMatching(CJK) });
  });

  it('an unknown enum value and a key named __proto__ are VALIDATION, never internal', async () => {
    const enumValue = await api.gql('query($k: OrganizationKind) { organizations(kind: $k) { edges { node { id } } } }', { k: '__proto__' }, tokens.admin);
    expect(enumValue.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'k' });
    const body = `{"query":"query($f: ScorecardFilter!) { scorecards(filter: $f, groupBy: CLASS) { __typename } }","variables":{"f":{"__proto__":{"admin":true},"from":"2026-01-01"}}}`;
    const res = await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.admin}` }, body });
    const json = (await res.json()) as { errors?: Err[] };
    expect(json.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'f' });
  });

  it('thousands of bad list items stop at a VALIDATION answer, not an internal error', async () => {
    const r = await api.gql('mutation($d: [CalendarDayInput!]!) { setCalendarDays(days: $d) { __typename } }', { d: Array.from({ length: 3000 }, () => 'x') }, tokens.admin);
    expect(r.errors?.length).toBeGreaterThan(0);
    expect(r.errors?.every((e) => e.extensions?.code === 'VALIDATION')).toBe(true);
  });
});

describe('query limits', () => {
  it('say "query too large or complex" in both languages with a stable code', async () => {
    const r = await api.gql(`{ ${Array.from({ length: 100 }, (_, i) => `a${i}: viewer { roles }`).join(' ')} }`, {}, tokens.admin);
    expect(r.status).toBe(400);
    expect(r.errors).toEqual([{ message: 'Query too large or complex / 查询过大或过于复杂', extensions: { code: 'QUERY_TOO_COMPLEX', messageZh: '查询过大或过于复杂' } }]);
  });
});

describe('operations the API does not serve', () => {
  it('a subscription is refused plainly with a stable code, not an internal error', async () => {
    const r = await api.gql('subscription { viewer { __typename } }', {}, tokens.institution1);
    expect(r.status).toBe(200); // application/json answers carry request errors with 200, as graphql-over-http allows
    expect(r.errors).toEqual([{ message: 'Only queries and mutations are served / 只支持查询和变更操作', extensions: { code: 'OPERATION_NOT_SUPPORTED', messageZh: '只支持查询和变更操作' } }]);
  });
});

describe('TrainingClass.number', () => {
  it('can be selected beside DomainError.code in one union', async () => {
    const r = await api.gql<{ submitClass: Record<string, unknown> }>(
      `mutation($id: ID!) { submitClass(id: $id) { __typename ... on TrainingClass { number } ... on DomainError { code } } }`,
      { id: gid('TrainingClass', fx.classB) },
      tokens.institution1,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.submitClass.__typename).toMatch(/TrainingClass|DomainError/);
  });
});

describe('/verify/<number> with bad percent-encoding', () => {
  it('answers 400, not 500, and counts against the rate limit', async () => {
    const first = await fetch(`${api.url}/verify/%E0%A4%A`);
    expect(first.status).toBe(400);
    expect(await first.text()).toContain('未查到');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await fetch(`${api.url}/verify/%${i}`)).status);
    expect(statuses).toContain(429);
    expect(statuses.every((s) => s === 400 || s === 429)).toBe(true);
  });
});
