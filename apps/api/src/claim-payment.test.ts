
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { hashPassword } from '@vtc/core';
import { addDays, addWorkingDays, shanghaiDate } from '@vtc/domain';
import { createCompletedTestClass, createFixtures, createTestCertificate, createTestPerson, startTestApi, TEST_PASSWORD, type Fixtures, type TestApi } from './testing.ts';

/**
 * After review, through the API by the right roles: the holiday calendar (province bureau), the
 * notice counted by it, objections during the notice (county records, city resolves), payment
 * batches (city bureau: open, add, submit, confirm paid) and balances per organization and person,
 * each scoped. (Table tests of the rules are in domain; the use cases in core/claim-review.test.ts.)
 */
let api: TestApi;
let fx: Fixtures;
const tokens: Record<string, string> = {};
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

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
  amountFenByTierAndLevel: { '2': { LEVEL_5: 140_000, LEVEL_4: 190_000, LEVEL_3: 250_000, LEVEL_2: 300_000, LEVEL_1: 340_000 } },
  maxPerPersonFen: 400_000,
};

let occupationId: string;
let evaluationBody: string;
let seq = 800;
let certSerial = 1;
let classCounter = 1;

function person(name: string) {
  return createTestPerson(api, name, { sequence: seq++, birthDate: '1991-06-15' });
}

/** A completed class at institution1 whose trainees hold a LEVEL_4 certificate; the institution files the claim. */
async function filedClaim(personIds: string[]): Promise<string> {
  const code = `PX-141002-2026-9${String(classCounter++).padStart(3, '0')}`;
  const classId = await createCompletedTestClass(api, { code, institutionId: fx.institution1, occupationId, personIds });
  for (const personId of personIds) {
    await createTestCertificate(api, { number: `S000114141002264${String(certSerial++).padStart(6, '0')}`, personId, issuerId: evaluationBody, occupationId });
  }
  const r = await api.gql<{ fileClaim: { __typename: string; id: string } }>(
    'mutation($input: FileClaimInput!) { fileClaim(input: $input) { __typename ... on SubsidyClaim { id } ... on DomainError { code message } } }',
    { input: { kind: 'TRAINING', classId: gid('TrainingClass', classId) } },
    tokens.institution1,
  );
  expect(r.data?.fileClaim.__typename).toBe('SubsidyClaim');
  return r.data!.fileClaim.id;
}

type R = Record<string, unknown>;
async function mutate(field: string, args: string, selection: string, vars: R, user: string): Promise<R> {
  const r = await api.gql<Record<string, R>>(`mutation${args ? `(${args})` : ''} { ${field} { __typename ${selection} ... on DomainError { code field row message messageZh } } }`, vars, tokens[user]);
  if (!r.data) throw new Error(JSON.stringify(r.errors));
  return Object.values(r.data)[0]!;
}

const CLAIM = '... on SubsidyClaim { id status totalFen approvedFen noticeStartsOn noticeEndsOn lines { id status rejectionReason } objections { id status raisedByName reason } }';

/** A claim filed, every line accepted by the county and approved by the city: on public notice. */
async function onNotice(names: string[], existingPersonIds: string[] = []) {
  const persons = [...(await Promise.all(names.map((n) => person(n)))).map((p) => ({ id: p.id })), ...existingPersonIds.map((id) => ({ id }))];
  const id = await filedClaim(persons.map((p) => p.id));
  const lines = (await api.prisma.subsidyClaimLine.findMany({ where: { claimId: uuidOf(id) }, orderBy: { id: 'asc' } })).map((l) => l.id);
  const reviewed = await mutate(
    'reviewClaim(id: $id, decisions: $d)',
    '$id: ID!, $d: [ClaimLineDecisionInput!]!',
    CLAIM,
    { id, d: lines.map((lineId) => ({ lineId, accept: true })) },
    'yaodu.bureau',
  );
  expect(reviewed.status).toBe('UNDER_REVIEW');
  const c = await mutate('approveClaim(id: $id)', '$id: ID!', CLAIM, { id }, 'linfen.bureau');
  expect(c.status).toBe('PUBLIC_NOTICE');
  return { id, lines, persons, claim: c };
}

/** Let the notice run: its window moved into the past (ending yesterday). */
async function endNotice(id: string) {
  const yesterday = addDays(shanghaiDate(new Date()), -1);
  await api.prisma.subsidyClaim.update({
    where: { id: uuidOf(id) },
    data: { noticeStartsOn: new Date(`${addDays(yesterday, -7)}T00:00:00Z`), noticeEndsOn: new Date(`${yesterday}T00:00:00Z`) },
  });
}
const close = (id: string, user = 'linfen.bureau') => mutate('closeClaimNotice(id: $id)', '$id: ID!', CLAIM, { id }, user);

async function approvedClaim(names: string[], existingPersonIds: string[] = []) {
  const c = await onNotice(names, existingPersonIds);
  await endNotice(c.id);
  expect((await close(c.id)).status).toBe('APPROVED');
  return c;
}

beforeAll(async () => {
  api = await startTestApi('claim_payment');
  fx = await createFixtures(api.prisma, api.config);
  occupationId = (await api.prisma.occupation.findUniqueOrThrow({ where: { code: '4-10-01-05' } })).id;
  await api.prisma.subsidyPolicy.create({
    data: { code: 'LF-TRAINING', version: 1, name: 'LF-TRAINING', regionCode: '141000', kind: 'TRAINING', effectiveFrom: new Date('2022-07-01T00:00:00Z'), rules: LF_TRAINING_RULES, status: 'PUBLISHED' },
  });
  evaluationBody = (
    await api.prisma.organization.create({ data: { name: '临汾市职业技能评价中心', kind: 'EVALUATION_BODY', regionCode: '141002', creditCode: '52141002MR00000020' } })
  ).id;
  // A second Linfen city officer: four eyes on money (who opened and submitted a batch does not confirm it paid).
  await api.prisma.user.create({
    data: {
      username: 'linfen.payer',
      displayName: 'linfen.payer',
      passwordHash: await hashPassword(TEST_PASSWORD),
      roleBindings: { create: { role: 'BUREAU_OFFICER', regionCode: '141000' } },
    },
  });
  for (const u of ['admin', 'institution1', 'institution2', 'yaodu.bureau', 'xiangfen.bureau', 'linfen.bureau', 'linfen.payer', 'shanxi.bureau', 'bayannur.bureau', 'trainee.a']) {
    tokens[u] = await api.login(u, TEST_PASSWORD);
  }
}, 60_000);
afterAll(async () => {
  await api?.stop();
});

describe('the holiday calendar', () => {
  const SET = 'setCalendarDays(days: $days, removeDates: $remove)';
  const ARGS = '$days: [CalendarDayInput!]!, $remove: [String!]';
  const RESULT = '... on CalendarUpdate { set removed }';

  it('a city bureau or an institution cannot change it; a bad row is named', async () => {
    const days = [{ date: '2026-10-01', workday: false, name: '国庆节' }];
    expect(await mutate(SET, ARGS, RESULT, { days }, 'linfen.bureau')).toMatchObject({ code: 'FORBIDDEN' });
    expect(await mutate(SET, ARGS, RESULT, { days }, 'institution1')).toMatchObject({ code: 'FORBIDDEN' });
    expect(await mutate(SET, ARGS, RESULT, { days: [...days, { date: '2026-10-05', workday: true, name: '调休' }] }, 'shanxi.bureau')).toMatchObject({
      code: 'VALIDATION',
      field: 'workday',
      row: 1,
    });
    expect(await mutate(SET, ARGS, RESULT, { days: [{ date: '2026-10-32', workday: false, name: '国庆节' }] }, 'admin')).toMatchObject({ code: 'VALIDATION', field: 'date', row: 0 });
  });

  it('the province bureau sets days off; a notice approved today counts its 5 working days around them', async () => {
    // Two test holidays on the next two weekdays after today, whatever today is.
    const today = shanghaiDate(new Date());
    const off: string[] = [];
    for (let d = addDays(today, 1); off.length < 2; d = addDays(d, 1)) {
      const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
      if (dow !== 0 && dow !== 6) off.push(d);
    }
    const r = await mutate(SET, ARGS, RESULT, { days: off.map((date) => ({ date, workday: false, name: '测试假日', source: 'claim-payment.test' })) }, 'shanxi.bureau');
    expect(r).toEqual({ __typename: 'CalendarUpdate', set: 2, removed: 0 });
    const q = await api.gql<{ calendarDays: Array<{ date: string; workday: boolean; name: string }> }>(
      'query($f: String!, $t: String!) { calendarDays(from: $f, to: $t) { date workday name } }',
      { f: today, t: addDays(today, 30) },
      tokens.institution1,
    );
    expect(q.data?.calendarDays.map((d) => d.date)).toEqual(off);
    const { claim } = await onNotice(['日历甲']);
    const expected = addWorkingDays(today, 5, { holidays: off, extraWorkdays: [] });
    expect(claim.noticeEndsOn).toBe(expected);
    expect(expected).not.toBe(addWorkingDays(today, 5));
    expect(await mutate(SET, ARGS, RESULT, { days: [], remove: off }, 'admin')).toMatchObject({ set: 0, removed: 2 });
    expect(await api.prisma.auditLog.count({ where: { entityType: 'CalendarDay' } })).toBe(4);
  });
});

describe('objections during the public notice', () => {
  const RECORD = 'recordClaimObjection(claimId: $id, lineId: $line, raisedByName: $name, raisedByContact: $contact, reason: $reason)';
  const RARGS = '$id: ID!, $line: ID, $name: String!, $contact: String, $reason: String!';
  const OBJ = '... on ClaimObjection { id status raisedByName raisedByContact reason resolution line { id status rejectionReason } claim { id status totalFen } }';
  const RESOLVE = 'resolveClaimObjection(id: $id, outcome: $outcome, resolution: $resolution)';
  const SARGS = '$id: ID!, $outcome: ObjectionOutcome!, $resolution: String';

  it('the county records objections (errors name the field); closing waits; the city upholds one and dismisses the other', async () => {
    const c = await onNotice(['异议甲', '异议乙']);
    const base = { id: c.id, name: '李某(群众)', contact: '0357-0000000', reason: '该学员培训期间在外务工' };
    expect(await mutate(RECORD, RARGS, OBJ, { ...base, reason: '' }, 'yaodu.bureau')).toMatchObject({ code: 'VALIDATION', field: 'reason' });
    expect(await mutate(RECORD, RARGS, OBJ, { ...base, line: '00000000-0000-4000-8000-000000000000' }, 'yaodu.bureau')).toMatchObject({ code: 'VALIDATION', field: 'lineId' });
    expect(await mutate(RECORD, RARGS, OBJ, base, 'institution1')).toMatchObject({ code: 'FORBIDDEN' });
    expect(await mutate(RECORD, RARGS, OBJ, base, 'xiangfen.bureau')).toMatchObject({ code: 'NOT_FOUND' });
    const o1 = await mutate(RECORD, RARGS, OBJ, { ...base, line: c.lines[0] }, 'yaodu.bureau');
    expect(o1).toMatchObject({ status: 'OPEN', raisedByName: '李某(群众)', line: { id: c.lines[0] } });
    const o2 = await mutate(RECORD, RARGS, OBJ, { ...base, reason: '机构虚报人数' }, 'linfen.bureau');
    // The institution sees the objections to its claim, not who raised them.
    const seen = await api.gql<{ node: { objections: Array<{ raisedByName: string | null; reason: string }> } }>(
      'query($id: ID!) { node(id: $id) { ... on SubsidyClaim { objections { raisedByName reason } } } }',
      { id: c.id },
      tokens.institution1,
    );
    expect(seen.data?.node.objections).toEqual([
      { raisedByName: null, reason: '该学员培训期间在外务工' },
      { raisedByName: null, reason: '机构虚报人数' },
    ]);
    await endNotice(c.id);
    expect(await close(c.id)).toMatchObject({ code: 'CONFLICT', field: 'objections' });
    expect(await mutate(RECORD, RARGS, OBJ, base, 'yaodu.bureau')).toMatchObject({ code: 'INVALID_TRANSITION' }); // the notice has ended
    expect(await mutate(RESOLVE, SARGS, OBJ, { id: o1.id, outcome: 'UPHELD' }, 'yaodu.bureau')).toMatchObject({ code: 'FORBIDDEN' });
    const upheld = await mutate(RESOLVE, SARGS, OBJ, { id: o1.id, outcome: 'UPHELD', resolution: '经核实属实' }, 'linfen.bureau');
    expect(upheld).toMatchObject({ status: 'UPHELD', line: { status: 'REJECTED', rejectionReason: '该学员培训期间在外务工' }, claim: { status: 'PUBLIC_NOTICE', totalFen: 190_000 } });
    expect(await mutate(RESOLVE, SARGS, OBJ, { id: o2.id, outcome: 'DISMISSED' }, 'linfen.bureau')).toMatchObject({ code: 'VALIDATION', field: 'resolution' });
    expect(await mutate(RESOLVE, SARGS, OBJ, { id: o2.id, outcome: 'DISMISSED', resolution: '人数与考勤一致' }, 'linfen.bureau')).toMatchObject({ status: 'DISMISSED' });
    expect(await close(c.id)).toMatchObject({ status: 'APPROVED', approvedFen: 190_000 });
  });
});

describe('payment batches and balances', () => {
  const B = '... on PaymentBatch { id number status totalFen claimCount bankReference allowedActions payments { amountFen status bankReference claim { id status } } }';
  let batchId: string;
  let a: Awaited<ReturnType<typeof approvedClaim>>;
  let b: Awaited<ReturnType<typeof approvedClaim>>;
  let onNoticeClaim: string;

  beforeAll(async () => {
    a = await approvedClaim(['拨付甲']);
    b = await approvedClaim(['拨付乙'], [fx.personA]); // trainee.a is person A
    onNoticeClaim = (await onNotice(['公示中'])).id;
  });

  it('only a city (or province) bureau opens a batch', async () => {
    expect(await mutate('createPaymentBatch', '', B, {}, 'yaodu.bureau')).toMatchObject({ code: 'FORBIDDEN' });
    expect(await mutate('createPaymentBatch', '', B, {}, 'institution1')).toMatchObject({ code: 'FORBIDDEN' });
    const batch = await mutate('createPaymentBatch', '', B, {}, 'linfen.bureau');
    expect(batch).toMatchObject({ status: 'OPEN', totalFen: 0, claimCount: 0, allowedActions: ['ADD_CLAIM', 'REMOVE_CLAIM', 'SUBMIT', 'CANCEL'] });
    expect(batch.number).toMatch(/^PB-141000-\d{4}-0001$/);
    batchId = batch.id as string;
  });

  it('adds approved claims; a claim on notice, in another batch, or of another city is refused with its row', async () => {
    const ADD = 'addClaimsToPaymentBatch(id: $id, claimIds: $claims)';
    const AARGS = '$id: ID!, $claims: [ID!]!';
    expect(await mutate(ADD, AARGS, B, { id: batchId, claims: [a.id, onNoticeClaim] }, 'linfen.bureau')).toMatchObject({ code: 'INVALID_TRANSITION', field: 'claimIds', row: 1 });
    expect(await mutate(ADD, AARGS, B, { id: batchId, claims: [a.id, b.id] }, 'linfen.bureau')).toMatchObject({ status: 'OPEN', totalFen: 570_000, claimCount: 2 });
    const other = await mutate('createPaymentBatch', '', B, {}, 'shanxi.bureau');
    expect(await mutate(ADD, AARGS, B, { id: other.id, claims: [b.id] }, 'shanxi.bureau')).toMatchObject({ code: 'CONFLICT', row: 0 });
    const bayannur = await mutate('createPaymentBatch', '', B, {}, 'bayannur.bureau');
    expect(await mutate(ADD, AARGS, B, { id: bayannur.id, claims: [a.id] }, 'bayannur.bureau')).toMatchObject({ code: 'NOT_FOUND', row: 0 });
    expect(await mutate(ADD, AARGS, B, { id: batchId, claims: [a.id] }, 'bayannur.bureau')).toMatchObject({ code: 'NOT_FOUND' });
    expect(await mutate('payClaim(id: $id, bankReference: $ref)', '$id: ID!, $ref: String!', CLAIM, { id: a.id, ref: 'X-1' }, 'linfen.bureau')).toMatchObject({ code: 'CONFLICT' });
  });

  it('submitted, frozen, then confirmed paid: every claim PAID once with a balanced ledger', async () => {
    const SUBMIT = 'submitPaymentBatch(id: $id)';
    expect(await mutate(SUBMIT, '$id: ID!', B, { id: batchId }, 'yaodu.bureau')).toMatchObject({ code: 'NOT_FOUND' });
    expect(await mutate(SUBMIT, '$id: ID!', B, { id: batchId }, 'linfen.bureau')).toMatchObject({ status: 'SUBMITTED', allowedActions: ['CONFIRM_PAID', 'CANCEL'] });
    expect(await mutate('removeClaimFromPaymentBatch(id: $id, claimId: $c)', '$id: ID!, $c: ID!', B, { id: batchId, c: a.id }, 'linfen.bureau')).toMatchObject({
      code: 'INVALID_TRANSITION',
    });
    const CONFIRM = 'confirmPaymentBatchPaid(id: $id, bankReference: $ref)';
    const CARGS = '$id: ID!, $ref: String!';
    expect(await mutate(CONFIRM, CARGS, B, { id: batchId, ref: '' }, 'linfen.payer')).toMatchObject({ code: 'VALIDATION', field: 'bankReference' });
    // Four eyes: linfen.bureau opened and submitted the batch, so another officer confirms it paid.
    expect(await mutate(CONFIRM, CARGS, B, { id: batchId, ref: 'ICBC-20261201-77' }, 'linfen.bureau')).toMatchObject({
      code: 'FOUR_EYES',
      messageZh: '您编制了此批次并提交了此批次,不能再确认拨付:涉及资金的操作须由另一名工作人员完成(审批分离)',
      message: 'You created it and submitted it, so you cannot confirm this batch paid: another officer must take this step (four eyes on money)',
    });
    const paid = await mutate(CONFIRM, CARGS, B, { id: batchId, ref: 'ICBC-20261201-77' }, 'linfen.payer');
    expect(paid).toMatchObject({ status: 'PAID', bankReference: 'ICBC-20261201-77', totalFen: 570_000, claimCount: 2, allowedActions: [] });
    expect(paid.payments).toEqual(
      expect.arrayContaining([
        { amountFen: 190_000, status: 'CONFIRMED', bankReference: 'ICBC-20261201-77', claim: { id: a.id, status: 'PAID' } },
        { amountFen: 380_000, status: 'CONFIRMED', bankReference: 'ICBC-20261201-77', claim: { id: b.id, status: 'PAID' } },
      ]),
    );
    expect(await mutate(CONFIRM, CARGS, B, { id: batchId, ref: 'ICBC-20261201-77' }, 'linfen.payer')).toMatchObject({ status: 'PAID' });
    expect(await mutate(CONFIRM, CARGS, B, { id: batchId, ref: 'ICBC-OTHER' }, 'linfen.payer')).toMatchObject({ code: 'CONFLICT' });
    const ledger = await api.gql<{ node: { ledger: Array<{ account: string; balanceFen: number }> } }>(
      'query($id: ID!) { node(id: $id) { ... on SubsidyClaim { ledger { account balanceFen } } } }',
      { id: b.id },
      tokens.institution1,
    );
    expect(ledger.data?.node.ledger).toEqual([
      { account: 'bank:141002', balanceFen: -380_000 },
      { account: `payable:org:${fx.institution1}`, balanceFen: 0 },
      { account: 'subsidy-expense:141002', balanceFen: 380_000 },
    ]);
    const list = await api.gql<{ paymentBatches: { edges: Array<{ node: { number: string } }> } }>('{ paymentBatches(status: PAID) { edges { node { number } } } }', {}, tokens['linfen.bureau']);
    expect(list.data?.paymentBatches.edges).toHaveLength(1);
    const none = await api.gql<{ paymentBatches: { edges: unknown[] } }>('{ paymentBatches { edges { node { number } } } }', {}, tokens['yaodu.bureau']);
    expect(none.data?.paymentBatches.edges).toEqual([]);
  });

  it('balances: the institution its own, a bureau of its region, the trainee themself; others NOT_FOUND', async () => {
    const PB = '__typename ... on PartyBalance { approvedFen paidFen outstandingFen accounts { account balanceFen } } ... on DomainError { code }';
    const org = (user: string, id = fx.institution1) =>
      api.gql<{ organizationBalance: R }>(`query($id: ID!) { organizationBalance(organizationId: $id) { ${PB} } }`, { id: gid('Organization', id) }, tokens[user]);
    const per = (user: string, id: string) => api.gql<{ personBalance: R }>(`query($id: ID!) { personBalance(personId: $id) { ${PB} } }`, { id: gid('Person', id) }, tokens[user]);
    const own = (await org('institution1')).data?.organizationBalance;
    expect(own).toMatchObject({ paidFen: 570_000 });
    expect((own!.outstandingFen as number) >= 0).toBe(true);
    expect((await org('linfen.bureau')).data?.organizationBalance).toMatchObject({ paidFen: 570_000 });
    expect((await org('xiangfen.bureau')).data?.organizationBalance).toMatchObject({ code: 'NOT_FOUND' });
    expect((await org('institution2')).data?.organizationBalance).toMatchObject({ code: 'NOT_FOUND' });
    const person = b.persons[0]!;
    expect((await per('linfen.bureau', person.id)).data?.personBalance).toMatchObject({ approvedFen: 190_000, paidFen: 190_000, outstandingFen: 0 });
    expect((await per('xiangfen.bureau', person.id)).data?.personBalance).toMatchObject({ code: 'NOT_FOUND' });
    expect((await per('trainee.a', person.id)).data?.personBalance).toMatchObject({ code: 'NOT_FOUND' });
    expect((await per('trainee.a', fx.personA)).data?.personBalance).toMatchObject({ approvedFen: 190_000, paidFen: 190_000, outstandingFen: 0 });
  });
});
