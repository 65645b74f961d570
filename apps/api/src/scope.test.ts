import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFixtures, startTestApi, type Fixtures, type TestApi } from './testing.ts';

/**
 * The visibility matrix: who sees which trainees, classes and organizations, through lists and
 * through node(id). Fixtures: trainee A in a class at institution1 (尧都区 141002), B at
 * institution2 (襄汾县 141023), C at a Bayannur institution (临河区 150802).
 */
let api: TestApi;
let fx: Fixtures;
const tokens: Record<string, string> = {};
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

beforeAll(async () => {
  api = await startTestApi('scope');
  fx = await createFixtures(api.prisma, api.config);
  for (const u of ['admin', 'shanxi.bureau', 'linfen.bureau', 'yaodu.bureau', 'xiangfen.bureau', 'bayannur.bureau', 'institution1', 'institution2', 'enterprise1', 'trainee.a']) {
    tokens[u] = await api.login(u);
  }
});
afterAll(async () => {
  await api?.stop();
});

async function listNames(user: string, field: 'trainees' | 'classes' | 'organizations'): Promise<string[]> {
  const sub = field === 'classes' ? 'number' : 'name';
  const r = await api.gql<Record<string, { edges: Array<{ node: Record<string, string> }> }>>(
    `{ ${field}(first: 100) { edges { node { ${sub} } } } }`,
    {},
    tokens[user],
  );
  expect(r.errors).toBeUndefined();
  return r.data![field]!.edges.map((e) => e.node[sub]!).sort();
}

describe('trainees list', () => {
  it.each([
    ['admin', ['张伟', '李娜', '王芳']],
    ['shanxi.bureau', ['张伟', '李娜']],
    ['linfen.bureau', ['张伟', '李娜']],
    ['yaodu.bureau', ['张伟']],
    ['xiangfen.bureau', ['李娜']],
    ['bayannur.bureau', ['王芳']],
    ['institution1', ['张伟']],
    ['institution2', ['李娜']],
    ['enterprise1', []],
    ['trainee.a', ['张伟']],
  ])('%s sees %j', async (user, expected) => {
    expect(await listNames(user, 'trainees')).toEqual([...expected].sort());
  });
});

describe('classes list', () => {
  it.each([
    ['admin', ['PX-141002-0001', 'PX-141023-0001', 'PX-150802-0001']],
    ['linfen.bureau', ['PX-141002-0001', 'PX-141023-0001']],
    ['yaodu.bureau', ['PX-141002-0001']],
    ['xiangfen.bureau', ['PX-141023-0001']],
    ['institution1', ['PX-141002-0001']],
    ['institution2', ['PX-141023-0001']],
    ['trainee.a', ['PX-141002-0001']],
  ])('%s sees %j', async (user, expected) => {
    expect(await listNames(user, 'classes')).toEqual(expected);
  });
});

describe('organizations list', () => {
  it('an institution sees only itself; a county bureau only its county; a city bureau its counties', async () => {
    expect(await listNames('institution1', 'organizations')).toEqual(['尧都区阳光职业培训学校']);
    expect(await listNames('xiangfen.bureau', 'organizations')).toEqual(['襄汾县技工培训中心']);
    expect(await listNames('linfen.bureau', 'organizations')).toEqual(
      ['临汾市钢铁有限公司', '尧都区阳光职业培训学校', '襄汾县技工培训中心'].sort(),
    );
    expect(await listNames('bayannur.bureau', 'organizations')).toEqual(['临河区河套职业培训学校']);
  });
});

describe('node(id) applies the same rules', () => {
  const NODE = `query($id: ID!) { node(id: $id) { id ... on Person { name idNumber } ... on TrainingClass { number } ... on Organization { name } } }`;
  const cases: Array<[string, string, string, boolean]> = [
    ['institution1', 'Person', 'personA', true],
    ['institution1', 'Person', 'personB', false],
    ['institution2', 'Person', 'personA', false],
    ['yaodu.bureau', 'Person', 'personB', false],
    ['xiangfen.bureau', 'Person', 'personA', false],
    ['linfen.bureau', 'Person', 'personB', true],
    ['bayannur.bureau', 'Person', 'personA', false],
    ['trainee.a', 'Person', 'personB', false],
    ['institution1', 'TrainingClass', 'classB', false],
    ['xiangfen.bureau', 'TrainingClass', 'classA', false],
    ['yaodu.bureau', 'TrainingClass', 'classA', true],
    ['institution1', 'Organization', 'institution2', false],
    ['yaodu.bureau', 'Organization', 'institution2', false],
    ['shanxi.bureau', 'Organization', 'institution2', true],
  ];
  it.each(cases)('%s reading %s %s → visible: %s', async (user, type, key, visible) => {
    const id = fx[key as keyof Fixtures];
    const r = await api.gql<{ node: { id: string } | null }>(NODE, { id: gid(type, id) }, tokens[user]);
    expect(r.errors).toBeUndefined();
    expect(r.data?.node !== null).toBe(visible);
  });

  it('ID numbers are masked: first 6 and last 4 visible', async () => {
    const r = await api.gql<{ node: { idNumber: string } }>(NODE, { id: gid('Person', fx.personA) }, tokens['institution1']);
    expect(r.data?.node.idNumber).toMatch(/^141002\*{8}\d{3}[\dX]$/);
  });

  it('a nested relation cannot reach across: trainee A enrolled elsewhere is not shown to institution1', async () => {
    // Enroll A also in institution2's class; institution1 must not see that enrollment.
    await api.prisma.enrollment.create({ data: { classId: fx.classB, personId: fx.personA } });
    const r = await api.gql<{ node: { enrollments: Array<{ class: { number: string } }> } }>(
      `query($id: ID!) { node(id: $id) { ... on Person { enrollments { class { number } } } } }`,
      { id: gid('Person', fx.personA) },
      tokens['institution1'],
    );
    expect(r.data?.node.enrollments.map((e) => e.class.number)).toEqual(['PX-141002-0001']);
    await api.prisma.enrollment.deleteMany({ where: { classId: fx.classB, personId: fx.personA } });
  });
});

describe('revealing a full ID number', () => {
  const REVEAL = `mutation($id: ID!, $reason: String!) { revealIdNumber(personId: $id, reason: $reason) {
    __typename ... on RevealIdNumberPayload { idNumber } ... on DomainError { code } } }`;

  it('is allowed to a bureau holding the right, and audited with the reason', async () => {
    const r = await api.gql<{ revealIdNumber: { idNumber: string } }>(
      REVEAL,
      { id: gid('Person', fx.personB), reason: '补贴核查' },
      tokens['linfen.bureau'],
    );
    expect(r.data?.revealIdNumber.idNumber).toMatch(/^141023198811022\d{2}[\dX]$/);
    const rows = await api.prisma.auditLog.findMany({ where: { action: 'person.idNumber.read', entityId: fx.personB } });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.after).toEqual({ reason: '补贴核查' });
    expect(JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(
      r.data?.revealIdNumber.idNumber,
    );
  });

  it.each([
    ['institution1', 'personA', 'FORBIDDEN'],
    ['yaodu.bureau', 'personA', 'FORBIDDEN'],
    ['shanxi.bureau', 'personC', 'NOT_FOUND'],
  ])('%s revealing %s → %s, nothing audited', async (user, key, code) => {
    const before = await api.prisma.auditLog.count({ where: { action: 'person.idNumber.read' } });
    const r = await api.gql<{ revealIdNumber: { code: string } }>(
      REVEAL,
      { id: gid('Person', fx[key as keyof Fixtures]), reason: '核查' },
      tokens[user],
    );
    expect(r.data?.revealIdNumber.code).toBe(code);
    expect(await api.prisma.auditLog.count({ where: { action: 'person.idNumber.read' } })).toBe(before);
  });
});

describe('connections', () => {
  it('cap a page at 100 and page with cursors', async () => {
    const r = await api.gql<{ trainees: { edges: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(
      '{ trainees(first: 2) { edges { node { id } } pageInfo { hasNextPage endCursor } } }',
      {},
      tokens['admin'],
    );
    expect(r.data?.trainees.edges).toHaveLength(2);
    expect(r.data?.trainees.pageInfo.hasNextPage).toBe(true);
    const next = await api.gql<{ trainees: { edges: unknown[]; pageInfo: { hasNextPage: boolean } } }>(
      'query($after: String) { trainees(first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage } } }',
      { after: r.data?.trainees.pageInfo.endCursor },
      tokens['admin'],
    );
    expect(next.data?.trainees.edges).toHaveLength(1);
    const max = await api.gql<{ trainees: { edges: unknown[] } }>('{ trainees(first: 100) { edges { node { id } } } }', {}, tokens['admin']);
    expect(max.errors).toBeUndefined();
    const over = await api.gql('{ trainees(first: 101) { edges { node { id } } } }', {}, tokens['admin']);
    expect(over.errors?.[0]?.message).toMatch(/at most 100 per page/);
    for (const first of [101, 1000]) {
      const big = await api.gql(`{ trainees(first: ${first}) { edges { node { id } } } }`, {}, tokens['admin']);
      // 101 breaks the page rule; 1,000 already the query cost limit.
      expect(big.errors?.[0]?.extensions?.code).toBe(first === 101 ? 'VALIDATION' : 'QUERY_TOO_COMPLEX');
      expect(big.data?.trainees ?? null).toBeNull();
    }
  });
});
