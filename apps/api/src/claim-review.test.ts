
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays, addWorkingDays, shanghaiDate } from '@vtc/domain';
import { createCompletedTestClass, createFixtures, createTestCertificate, createTestPerson, startTestApi, TEST_PASSWORD, type Fixtures, type TestApi } from './testing.ts';

/**
 * A training claim through the API from submission to payment: county review with one line
 * rejected, city approval and a 5-working-day public notice, closing (not early), and payment once
 * with a balanced ledger; the wrong bureau level or region and illegal transitions are refused.
 * (The exact Friday → Friday notice across a weekend is in core/claim-review.test.ts, which
 * controls the clock; here the notice is moved into the past to close it.)
 */
let api: TestApi;
let fx: Fixtures;
const tokens: Record<string, string> = {};
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

const LF_TRAINING_RULES = {
  payee: 'TRAINING_INSTITUTION',
  minAttendanceRateBp: 8_000,
  requiresPassedAssessment: true,
  priorityGroups: null,
  workingAge: { MALE: { min: 16, max: 60 }, FEMALE: { min: 16, max: 55 } },
  claimWithinMonths: 12,
  maxSubsidiesPerYear: 3,
  higherLevelBarsLower: true,
  exclusions: [],
  sameOccupationAndLevelOnce: true,
  amountFenByTierAndLevel: {
    '1': { LEVEL_5: 180_000, LEVEL_4: 240_000, LEVEL_3: 300_000, LEVEL_2: 360_000, LEVEL_1: 400_000 },
    '2': { LEVEL_5: 140_000, LEVEL_4: 190_000, LEVEL_3: 250_000, LEVEL_2: 300_000, LEVEL_1: 340_000 },
    '3': { LEVEL_5: 100_000, LEVEL_4: 150_000, LEVEL_3: 200_000, LEVEL_2: 250_000, LEVEL_1: 280_000 },
  },
  maxPerPersonFen: 400_000,
};

let occupationId: string;
let evaluationBody: string;
let seq = 700;

function person(name: string, birthDate = '1990-04-12') {
  return createTestPerson(api, name, { sequence: seq++, birthDate, priorityGroups: ['RURAL_MIGRANT_WORKER'] });
}

let certSerial = 1;
function certificate(personId: string) {
  return createTestCertificate(api, { number: `S000114141002264${String(certSerial++).padStart(6, '0')}`, personId, issuerId: evaluationBody, occupationId });
}

let classCounter = 1;
function completedClass(personIds: string[]) {
  const code = `PX-141002-2026-8${String(classCounter++).padStart(3, '0')}`;
  return createCompletedTestClass(api, { code, institutionId: fx.institution1, occupationId, personIds, priorityGroups: ['RURAL_MIGRANT_WORKER'] });
}

beforeAll(async () => {
  api = await startTestApi('claim_review');
  fx = await createFixtures(api.prisma, api.config);
  occupationId = (await api.prisma.occupation.findUniqueOrThrow({ where: { code: '4-10-01-05' } })).id;
  await api.prisma.subsidyPolicy.create({
    data: { code: 'LF-TRAINING', version: 1, name: 'LF-TRAINING', regionCode: '141000', kind: 'TRAINING', effectiveFrom: new Date('2022-07-01T00:00:00Z'), rules: LF_TRAINING_RULES, status: 'PUBLISHED' },
  });
  evaluationBody = (
    await api.prisma.organization.create({
      data: { name: '临汾市职业技能评价中心', kind: 'EVALUATION_BODY', regionCode: '141002', creditCode: '52141002MR00000020' },
    })
  ).id;
  for (const u of ['institution1', 'yaodu.bureau', 'xiangfen.bureau', 'linfen.bureau', 'shanxi.bureau']) {
    tokens[u] = await api.login(u, TEST_PASSWORD);
  }
}, 60_000);
afterAll(async () => {
  await api?.stop();
});

const CLAIM_FIELDS = `__typename
  ... on SubsidyClaim { id status totalFen approvedFen noticeStartsOn noticeEndsOn rejectionReason allowedActions
    lines { id status rejectionReason amountFen person { name } }
    payments { id amountFen status bankReference idempotencyKey }
    ledger { account debitFen creditFen balanceFen } }
  ... on DomainError { code field message messageZh }`;
type R = Record<string, unknown>;
type Claim = {
  __typename: string;
  code?: string;
  status: string;
  approvedFen: number | null;
  noticeStartsOn: string | null;
  noticeEndsOn: string | null;
  allowedActions: string[];
  lines: Array<{ id: string; status: string; rejectionReason: string | null; amountFen: number; person: { name: string } }>;
  payments: Array<{ id: string; amountFen: number; idempotencyKey: string }>;
  ledger: Array<{ account: string; debitFen: number; creditFen: number; balanceFen: number }>;
};

async function run(mutation: string, args: string, vars: R, user: string): Promise<Claim> {
  const r = await api.gql<Record<string, Claim>>(`mutation(${args}) { ${mutation} { ${CLAIM_FIELDS} } }`, vars, tokens[user]);
  if (!r.data) throw new Error(JSON.stringify(r.errors));
  return Object.values(r.data)[0]!;
}
const review = (id: string, decisions: R[], user: string) =>
  run('reviewClaim(id: $id, decisions: $decisions)', '$id: ID!, $decisions: [ClaimLineDecisionInput!]!', { id, decisions }, user);
const approve = (id: string, user: string) => run('approveClaim(id: $id)', '$id: ID!', { id }, user);
const reject = (id: string, reason: string, user: string) => run('rejectClaim(id: $id, reason: $reason)', '$id: ID!, $reason: String!', { id, reason }, user);
const close = (id: string, user: string) => run('closeClaimNotice(id: $id)', '$id: ID!', { id }, user);
const pay = (id: string, bankReference: string, user: string) =>
  run('payClaim(id: $id, bankReference: $ref)', '$id: ID!, $ref: String!', { id, ref: bankReference }, user);

async function linesOf(id: string, user = 'yaodu.bureau'): Promise<Claim['lines']> {
  const r = await api.gql<{ node: Claim }>('query($id: ID!) { node(id: $id) { ... on SubsidyClaim { lines { id status rejectionReason amountFen person { name } } } } }', { id }, tokens[user]);
  if (!r.data) throw new Error(JSON.stringify(r.errors));
  return r.data.node.lines;
}

async function fileTraining(classId: string): Promise<string> {
  const r = await api.gql<{ fileClaim: { __typename: string; id: string } }>(
    'mutation($input: FileClaimInput!) { fileClaim(input: $input) { __typename ... on SubsidyClaim { id } ... on DomainError { code message } } }',
    { input: { kind: 'TRAINING', classId: gid('TrainingClass', classId) } },
    tokens.institution1,
  );
  expect(r.data?.fileClaim.__typename).toBe('SubsidyClaim');
  return r.data!.fileClaim.id;
}

describe('a training claim from submission to payment', () => {
  let id: string;
  let lines: Claim['lines'];

  beforeAll(async () => {
    const a = await person('陈晓红');
    const b = await person('刘建军');
    await certificate(a.id);
    await certificate(b.id);
    id = await fileTraining(await completedClass([a.id, b.id]));
    lines = await linesOf(id);
  });

  it('is SUBMITTED with two pending lines; approval and payment before review are illegal', async () => {
    expect(lines.map((l) => l.status)).toEqual(['PENDING', 'PENDING']);
    expect(await approve(id, 'linfen.bureau')).toMatchObject({ code: 'INVALID_TRANSITION' });
    expect(await pay(id, 'B-1', 'linfen.bureau')).toMatchObject({ code: 'INVALID_TRANSITION' });
    expect(await close(id, 'linfen.bureau')).toMatchObject({ code: 'INVALID_TRANSITION' });
  });

  it('a bureau of another county cannot see it; the institution cannot review it', async () => {
    expect(await review(id, [], 'xiangfen.bureau')).toMatchObject({ code: 'NOT_FOUND' });
    expect(await review(id, [], 'institution1')).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('the county reviews every line: one accepted, one rejected with a reason', async () => {
    const [l1, l2] = lines;
    expect(await review(id, [{ lineId: l1!.id, accept: true }], 'yaodu.bureau')).toMatchObject({ code: 'VALIDATION' });
    expect(await review(id, [{ lineId: l1!.id, accept: true }, { lineId: l2!.id, accept: false }], 'yaodu.bureau')).toMatchObject({ code: 'VALIDATION' });
    const c = await review(
      id,
      [
        { lineId: l1!.id, accept: true },
        { lineId: l2!.id, accept: false, reason: '证书信息与培训记录不符' },
      ],
      'yaodu.bureau',
    );
    expect(c.status).toBe('UNDER_REVIEW');
    expect(c.allowedActions).toEqual(['APPROVE', 'REJECT']);
    expect(c.lines.map((l) => [l.person.name, l.status, l.rejectionReason])).toEqual(
      expect.arrayContaining([
        [lines[0]!.person.name, 'ACCEPTED', null],
        [lines[1]!.person.name, 'REJECTED', '证书信息与培训记录不符'],
      ]),
    );
    expect(await review(id, [], 'yaodu.bureau')).toMatchObject({ code: 'INVALID_TRANSITION' });
  });

  it('a county bureau cannot approve; the city approves and the notice runs 5 working days', async () => {
    expect(await approve(id, 'yaodu.bureau')).toMatchObject({ code: 'FORBIDDEN' });
    const c = await approve(id, 'linfen.bureau');
    const today = shanghaiDate(new Date());
    expect(c.status).toBe('PUBLIC_NOTICE');
    expect(c.noticeStartsOn).toBe(today);
    expect(c.noticeEndsOn).toBe(addWorkingDays(today, 5));
    expect(await reject(id, '公示期间不可驳回', 'linfen.bureau')).toMatchObject({ code: 'INVALID_TRANSITION' });
  });

  it('closing the notice early is refused; after it ends the claim is approved for the accepted line', async () => {
    expect(await close(id, 'linfen.bureau')).toMatchObject({ code: 'INVALID_TRANSITION' });
    // Let the notice run: move its window into the past, ending yesterday.
    const yesterday = addDays(shanghaiDate(new Date()), -1);
    await api.prisma.subsidyClaim.update({
      where: { id: Buffer.from(id, 'base64').toString().split(':')[1]! },
      data: { noticeStartsOn: new Date(`${addDays(yesterday, -7)}T00:00:00Z`), noticeEndsOn: new Date(`${yesterday}T00:00:00Z`) },
    });
    expect(await close(id, 'yaodu.bureau')).toMatchObject({ code: 'FORBIDDEN' });
    const c = await close(id, 'linfen.bureau');
    expect(c.status).toBe('APPROVED');
    expect(c.approvedFen).toBe(lines[0]!.amountFen);
    expect(c.approvedFen).toBe(190_000);
  });

  it('pays once: one payment, balanced ledger, payable back to zero; paying again is a no-op', async () => {
    expect(await pay(id, 'ICBC-0001', 'yaodu.bureau')).toMatchObject({ code: 'FORBIDDEN' });
    const c1 = await pay(id, 'ICBC-0001', 'linfen.bureau');
    expect(c1.status).toBe('PAID');
    const c2 = await pay(id, 'ICBC-0002', 'linfen.bureau');
    expect(c2.status).toBe('PAID');
    expect(c2.payments).toHaveLength(1);
    expect(c2.payments[0]).toMatchObject({ id: c1.payments[0]!.id, amountFen: 190_000, idempotencyKey: expect.stringMatching(/^claim:/) });
    const claimUuid = Buffer.from(id, 'base64').toString().split(':')[1]!;
    expect(await api.prisma.payment.count({ where: { claimId: claimUuid } })).toBe(1);
    expect(await api.prisma.ledgerEntry.count({ where: { claimId: claimUuid } })).toBe(4);
    expect(c2.ledger).toEqual([
      { account: 'bank:141002', debitFen: 0, creditFen: 190_000, balanceFen: -190_000 },
      { account: `payable:org:${fx.institution1}`, debitFen: 190_000, creditFen: 190_000, balanceFen: 0 },
      { account: 'subsidy-expense:141002', debitFen: 190_000, creditFen: 0, balanceFen: 190_000 },
    ]);
    expect(c2.allowedActions).toEqual([]);
  });
});

describe('rejection', () => {
  it('a county bureau rejects a submitted claim with a reason; an empty reason is refused', async () => {
    const p = await person('赵丽');
    await certificate(p.id);
    const id = await fileTraining(await completedClass([p.id]));
    expect(await reject(id, ' ', 'yaodu.bureau')).toMatchObject({ code: 'VALIDATION' });
    const c = await reject(id, '材料不全', 'yaodu.bureau');
    expect(c).toMatchObject({ status: 'REJECTED', lines: [{ status: 'REJECTED', rejectionReason: '材料不全' }] });
    expect(await approve(id, 'linfen.bureau')).toMatchObject({ code: 'INVALID_TRANSITION' });
  });

  it('at approval only a city or province bureau may reject', async () => {
    const p = await person('孙强');
    await certificate(p.id);
    const id = await fileTraining(await completedClass([p.id]));
    const c = await review(id, [{ lineId: (await linesOf(id))[0]!.id, accept: true }], 'yaodu.bureau');
    expect(c.status).toBe('UNDER_REVIEW');
    expect(await reject(id, '超出年度预算', 'yaodu.bureau')).toMatchObject({ code: 'FORBIDDEN' });
    expect(await reject(id, '超出年度预算', 'shanxi.bureau')).toMatchObject({ status: 'REJECTED' });
  });
});
