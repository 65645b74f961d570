import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFixtures, type Fixtures, startTestApi, type TestApi } from '../testing.ts';
import { handleNoticeRequest, isNoticePath } from './notices.ts';

/**
 * The public notice (公示) without login: the `claimsUnderNotice` query and the /notices page show the
 * claims on notice with only the listed fields (claimant, class, masked names, yuan, period, how to
 * object), never a claim in another state, and answer RATE_LIMITED once the client's quota is spent.
 */
let api: TestApi;
let fx: Fixtures;
const LIMIT = 10;
const ids: Record<string, string> = {};

const FIELDS = `claimantName classCode className regionCode regionName noticeStartsOn noticeEndsOn totalYuan persons { nameMasked amountYuan } howToObject howToObjectEn`;
const QUERY = `query($r: String!, $first: Int, $after: String) { claimsUnderNotice(regionCode: $r, first: $first, after: $after) {
  edges { cursor node { ${FIELDS} } } pageInfo { hasNextPage endCursor } } }`;
type Page = { claimsUnderNotice: { edges: Array<{ cursor: string; node: Record<string, unknown> }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

beforeAll(async () => {
  api = await startTestApi('notices', { VERIFY_RATE_LIMIT_PER_MINUTE: String(LIMIT) });
  fx = await createFixtures(api.prisma, api.config);
  const p = api.prisma;
  const policy = await p.subsidyPolicy.create({
    data: { code: 'LF-TRAINING', version: 1, name: 'LF', regionCode: '141000', kind: 'TRAINING', effectiveFrom: new Date('2022-07-01T00:00:00Z'), rules: {}, status: 'PUBLISHED' },
  });
  const extraClass = await p.trainingClass.create({
    data: {
      code: 'PX-141023-0009',
      name: '电工(四级)培训班',
      institutionId: fx.institution2,
      regionCode: '141023',
      occupationId: (await p.occupation.findFirstOrThrow()).id,
      level: 'LEVEL_4',
      trainingType: 'EMPLOYMENT_SKILLS',
      status: 'COMPLETED',
      plannedHours: 80,
      startDate: new Date('2026-10-01T00:00:00Z'),
      endDate: new Date('2026-10-30T00:00:00Z'),
      venue: '301',
      capacity: 10,
    },
  });
  const enrollmentOf = async (classId: string, personId: string) =>
    (await p.enrollment.findFirst({ where: { classId, personId } })) ?? (await p.enrollment.create({ data: { classId, personId } }));
  let n = 0;
  async function claim(
    key: string,
    o: { claimantId: string; regionCode: string; classId: string; status: 'PUBLIC_NOTICE' | 'UNDER_REVIEW'; endsOn?: string; lines: Array<{ personId: string; amountFen: number; status: 'ACCEPTED' | 'REJECTED' }> },
  ) {
    n += 1;
    const c = await p.subsidyClaim.create({
      data: {
        number: `BT-${o.regionCode}-2026-${String(n).padStart(6, '0')}`,
        claimantId: o.claimantId,
        regionCode: o.regionCode,
        policyId: policy.id,
        kind: 'TRAINING',
        claimKind: 'TRAINING',
        basisRef: `class:${o.classId}`,
        computation: {},
        status: o.status,
        totalFen: BigInt(o.lines.filter((l) => l.status === 'ACCEPTED').reduce((s, l) => s + l.amountFen, 0)),
        noticeStartsOn: o.endsOn ? new Date('2026-11-20T00:00:00Z') : null,
        noticeEndsOn: o.endsOn ? new Date(`${o.endsOn}T00:00:00Z`) : null,
      },
    });
    for (const l of o.lines) {
      await p.subsidyClaimLine.create({
        data: {
          claimId: c.id,
          personId: l.personId,
          enrollmentId: (await enrollmentOf(o.classId, l.personId)).id,
          kind: 'TRAINING',
          basisRef: `class:${o.classId}`,
          amountFen: l.amountFen,
          subsidyYear: 2026,
          countsTowardLimit: false,
          dedupKey: `notice-test:${key}:${l.personId}`,
          status: l.status,
          rejectionReason: l.status === 'REJECTED' ? '出勤不足' : null,
          explanation: {},
        },
      });
    }
    ids[key] = c.id;
  }
  // 尧都区: on notice, one line accepted (张伟), one rejected (李娜: not shown).
  await claim('yaodu', {
    claimantId: fx.institution1,
    regionCode: '141002',
    classId: fx.classA,
    status: 'PUBLIC_NOTICE',
    endsOn: '2026-11-27',
    lines: [
      { personId: fx.personA, amountFen: 190_000, status: 'ACCEPTED' },
      { personId: fx.personB, amountFen: 140_000, status: 'REJECTED' },
    ],
  });
  // 襄汾县: one under review (not public), one on notice ending later.
  await claim('review', { claimantId: fx.institution2, regionCode: '141023', classId: fx.classB, status: 'UNDER_REVIEW', lines: [{ personId: fx.personB, amountFen: 250_000, status: 'ACCEPTED' }] });
  await claim('xiangfen', {
    claimantId: fx.institution2,
    regionCode: '141023',
    classId: extraClass.id,
    status: 'PUBLIC_NOTICE',
    endsOn: '2026-11-30',
    lines: [{ personId: fx.personB, amountFen: 150_050, status: 'ACCEPTED' }],
  });
  // 巴彦淖尔 临河区: on notice, but another city.
  await claim('bayannur', { claimantId: fx.institution2, regionCode: '150802', classId: fx.classC, status: 'PUBLIC_NOTICE', endsOn: '2026-11-27', lines: [{ personId: fx.personC, amountFen: 300_000, status: 'ACCEPTED' }] });
}, 60_000);

afterAll(async () => {
  await api?.stop();
});

describe('claimsUnderNotice (GraphQL, no login)', () => {
  it('lists the claims on notice of the region with masked names, yuan and how to object, and nothing else', async () => {
    const r = await api.gql<Page>(QUERY, { r: '141002' }, null);
    expect(r.errors).toBeUndefined();
    const edges = r.data!.claimsUnderNotice.edges;
    expect(edges.map((e) => e.node)).toEqual([
      {
        claimantName: '尧都区阳光职业培训学校',
        classCode: 'PX-141002-0001',
        className: 'PX-141002-0001 养老护理员(四级)培训班',
        regionCode: '141002',
        regionName: '尧都区',
        noticeStartsOn: '2026-11-20',
        noticeEndsOn: '2026-11-27',
        totalYuan: '1,900.00',
        persons: [{ nameMasked: '张*', amountYuan: '1,900.00' }],
        howToObject: expect.stringContaining('请于2026-11-27(含)前向尧都区人力资源和社会保障部门'),
        howToObjectEn: expect.stringContaining('bureau of 尧都区 (141002) or a bureau above it by 2026-11-27'),
      },
    ]);
    const text = JSON.stringify(r);
    const people = await api.prisma.person.findMany({ where: { id: { in: [fx.personA, fx.personB] } } });
    for (const person of people) {
      for (const secret of [person.name, person.idNumberMasked, person.idNumberMasked.slice(-4), person.phone!, person.id]) expect(text).not.toContain(secret);
    }
    for (const id of Object.values(ids)) expect(text).not.toContain(id);
  });

  it('the published type has only the listed fields', async () => {
    const r = await api.gql<{ a: { fields: Array<{ name: string }> }; b: { fields: Array<{ name: string }> } }>(
      '{ a: __type(name: "ClaimUnderNotice") { fields { name } } b: __type(name: "ClaimNoticePerson") { fields { name } } }',
      {},
      null,
    );
    expect(r.data!.a.fields.map((f) => f.name).sort()).toEqual(
      ['claimantName', 'classCode', 'className', 'howToObject', 'howToObjectEn', 'noticeEndsOn', 'noticeStartsOn', 'persons', 'regionCode', 'regionName', 'totalYuan'].sort(),
    );
    expect(r.data!.b.fields.map((f) => f.name).sort()).toEqual(['amountYuan', 'nameMasked']);
  });

  it('a city lists its counties by the last day of the notice, page by page; a claim under review and another city are absent', async () => {
    const first = await api.gql<Page>(QUERY, { r: '141000', first: 1 }, null);
    const p1 = first.data!.claimsUnderNotice;
    expect([p1.edges.map((e) => e.node.regionCode), p1.pageInfo.hasNextPage]).toEqual([['141002'], true]);
    const second = await api.gql<Page>(QUERY, { r: '141000', first: 1, after: p1.pageInfo.endCursor }, null);
    const p2 = second.data!.claimsUnderNotice;
    expect(p2.edges.map((e) => [e.node.classCode, e.node.totalYuan, e.node.persons])).toEqual([['PX-141023-0009', '1,500.50', [{ nameMasked: '李*', amountYuan: '1,500.50' }]]]);
    expect(p2.pageInfo.hasNextPage).toBe(false);
    expect(JSON.stringify([first, second])).not.toContain('PX-141023-0001'); // the claim under review
    expect(JSON.stringify([first, second])).not.toContain('150802');
    const bad = await api.gql(QUERY, { r: '141000', after: 'not-a-cursor' }, null);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'after' });
  });
});

describe('the /notices page', () => {
  let server: http.Server;
  let base: string;
  let allowed = true;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (!isNoticePath(url.pathname)) {
        res.statusCode = 404;
        return void res.end();
      }
      handleNoticeRequest(req, res, url, { prisma: api.prisma, noticeRateLimit: async () => allowed }).catch((e) => {
        res.statusCode = 500;
        res.end(String(e));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('renders the claims on notice of a city, escaped, with masked names and how to object', async () => {
    const res = await fetch(`${base}/notices/141000`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    for (const text of ['尧都区阳光职业培训学校', 'PX-141002-0001', '张*', '1,900.00', '2026-11-20', '2026-11-27', '李*', '1,500.50', '人力资源和社会保障部门']) expect(html).toContain(text);
    for (const text of ['张伟', '李娜', '13800001234', 'PX-141023-0001', '王芳', ids.yaodu!]) expect(html).not.toContain(text);
    expect(html).toContain('(PX-141002-0001)'); // class code beside its name
    expect(html).not.toContain('<script');
  });

  it('unknown region 404, a bad cursor 400, the form redirects, and a spent quota answers 429', async () => {
    expect((await fetch(`${base}/notices/999999`)).status).toBe(404);
    expect((await fetch(`${base}/notices/141000?after=%3Cscript%3E`)).status).toBe(400);
    const redirect = await fetch(`${base}/notices?region=141002`, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([303, '/notices/141002']);
    expect((await fetch(`${base}/notices/141000`, { method: 'POST' })).status).toBe(405);
    allowed = false;
    const limited = await fetch(`${base}/notices/141000`);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '60']);
    expect(await limited.text()).toContain('Too many requests');
  });
});

describe('rate limit of the query', () => {
  it('answers RATE_LIMITED with a clear message once the per-client quota is spent', async () => {
    // Earlier queries in this file count too; a minute boundary may reset the counter once.
    let refused: { message: string; extensions?: Record<string, unknown> } | undefined;
    for (let i = 0; i < 2 * LIMIT + 2 && !refused; i++) {
      const r = await api.gql(QUERY, { r: '141002' }, null);
      refused = r.errors?.find((e) => e.extensions?.code === 'RATE_LIMITED');
    }
    expect(refused?.message).toBe('Too many requests for the public notice; try again in a minute / 公示查询过于频繁,请一分钟后再试');
  });
});
