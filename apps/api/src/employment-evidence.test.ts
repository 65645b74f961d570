import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { idNumberHash, piiKeysFrom, runContributionImport } from '@vtc/core';
import { addDays, makeCreditCode, makeResidentId, shanghaiDate } from '@vtc/domain';
import ExcelJS from 'exceljs';
import { createFixtures, type Fixtures, startTestApi, type TestApi } from './testing.ts';

/**
 * Employment evidence through the API: a trainee's self-report (every input rule with its field),
 * the employer's masked list and its one-time confirmation or denial (audited), and the bureau's
 * social-insurance contribution upload over HTTP (template, in-request import, idempotency, region
 * scoping, the queued path and its progress in GraphQL).
 */
let api: TestApi;
let fx: Fixtures;
const tokens: Record<string, string> = {};
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
let enterpriseCode: string;
let enrollmentA: string;
let enrollmentB: string;
const today = shanghaiDate(new Date());

beforeAll(async () => {
  api = await startTestApi('employment_evidence');
  fx = await createFixtures(api.prisma, api.config);
  for (const u of ['trainee.a', 'enterprise1', 'institution1', 'bayannur.bureau', 'linfen.bureau']) tokens[u] = await api.login(u);
  enterpriseCode = (await api.prisma.organization.findUniqueOrThrow({ where: { id: fx.enterprise } })).creditCode;
  enrollmentA = (await api.prisma.enrollment.findFirstOrThrow({ where: { personId: fx.personA } })).id;
  enrollmentB = (await api.prisma.enrollment.findFirstOrThrow({ where: { personId: fx.personB } })).id;
  await api.prisma.enrollment.updateMany({
    where: { id: { in: [enrollmentA, enrollmentB] } },
    data: { status: 'COMPLETED', completedAt: new Date('2026-03-31T04:00:00Z') },
  });
}, 60_000);

afterAll(async () => {
  await api?.stop();
});

const RECORD = `__typename
  ... on EmploymentRecord { id source confirmation employerName employerCreditCode contractStart contractEnd contractMonths monthlyWageFen evidenceRef denialReason }
  ... on DomainError { code field message messageZh }`;
type Rec = {
  __typename: string;
  id: string;
  code?: string;
  field?: string | null;
  messageZh?: string;
  confirmation: string;
  contractStart: string;
  contractEnd: string | null;
  contractMonths: number | null;
  denialReason: string | null;
};

async function report(input: Record<string, unknown>, user = 'trainee.a'): Promise<Rec> {
  const r = await api.gql<{ reportEmployment: Rec }>(
    `mutation($input: ReportEmploymentInput!) { reportEmployment(input: $input) { ${RECORD} } }`,
    { input: { enrollmentId: gid('Enrollment', enrollmentA), employerName: '临汾市钢铁有限公司', employerCreditCode: enterpriseCode, ...input } },
    tokens[user],
  );
  if (!r.data) throw new Error(JSON.stringify(r.errors));
  return r.data.reportEmployment;
}

async function decide(input: Record<string, unknown>, user = 'enterprise1'): Promise<Rec> {
  const r = await api.gql<{ decideEmploymentReport: Rec }>(
    `mutation($input: DecideEmploymentReportInput!) { decideEmploymentReport(input: $input) { ${RECORD} } }`,
    { input },
    tokens[user],
  );
  if (!r.data) throw new Error(JSON.stringify(r.errors));
  return r.data.decideEmploymentReport;
}

describe('self-report', () => {
  let reportedId: string;

  it('a trainee reports a job for a completed enrollment: SELF_REPORTED, UNCONFIRMED, linked to the employer', async () => {
    const r = await report({ contractStart: '2026-04-15', contractMonths: 12, monthlyWageFen: 450_000, evidenceRef: '劳动合同 No.2026-118' });
    expect(r).toMatchObject({
      __typename: 'EmploymentRecord',
      source: 'SELF_REPORTED',
      confirmation: 'UNCONFIRMED',
      contractStart: '2026-04-15',
      contractEnd: '2027-04-14',
      contractMonths: 12,
    });
    reportedId = Buffer.from(r.id, 'base64').toString().split(':')[1]!;
    const row = await api.prisma.employmentRecord.findUniqueOrThrow({ where: { id: reportedId } });
    const traineeUser = await api.prisma.user.findUniqueOrThrow({ where: { username: 'trainee.a' } });
    expect([row.employerId, row.reportedById, row.personId, row.enrollmentId]).toEqual([fx.enterprise, traineeUser.id, fx.personA, enrollmentA]);
    expect(await api.prisma.auditLog.count({ where: { action: 'employment.reported', entityId: reportedId } })).toBe(1);
  });

  it('an open-ended contract that started before completion is accepted (employed already; the uplift rule decides later)', async () => {
    const r = await report({ contractStart: '2025-12-01', openEnded: true, employerName: '巴彦淖尔河套酒业', employerCreditCode: makeCreditCode({ regionCode: '150802', orgCode9: 'MA0R00007' }) });
    expect(r).toMatchObject({ __typename: 'EmploymentRecord', contractMonths: null, contractEnd: null });
  });

  const farFuture = addDays(today, 93);
  it.each([
    ['not your enrollment (answered as a missing one)', { enrollmentId: 'B' }, 'NOT_FOUND', 'enrollmentId'],
    ['a credit code with a wrong check character', { employerCreditCode: `${'x'}` }, 'INVALID_CREDIT_CODE', 'employerCreditCode'],
    ['30 February', { contractStart: '2026-02-30', contractMonths: 12 }, 'VALIDATION', 'contractStart'],
    [`a start more than 92 days ahead (${farFuture})`, { contractStart: farFuture, contractMonths: 12 }, 'VALIDATION', 'contractStart'],
    ['a start before the 16th birthday', { contractStart: '2005-01-01', contractMonths: 12 }, 'VALIDATION', 'contractStart'],
    ['both a term and open-ended', { contractStart: '2026-05-01', contractMonths: 12, openEnded: true }, 'VALIDATION', 'contractMonths'],
    ['neither a term nor open-ended', { contractStart: '2026-05-01', contractMonths: null }, 'VALIDATION', 'contractMonths'],
    ['a term of 0 months', { contractStart: '2026-05-01', contractMonths: 0 }, 'VALIDATION', 'contractMonths'],
    ['a term of 121 months', { contractStart: '2026-05-01', contractMonths: 121 }, 'VALIDATION', 'contractMonths'],
    ['a negative wage', { contractStart: '2026-05-01', contractMonths: 12, monthlyWageFen: -1 }, 'VALIDATION', 'monthlyWageFen'],
    ['an employer name of one character', { contractStart: '2026-05-01', contractMonths: 12, employerName: '厂' }, 'VALIDATION', 'employerName'],
    ['the same job twice', { contractStart: '2026-04-15', contractMonths: 24 }, 'CONFLICT', 'contractStart'],
  ])('refuses %s (%s on %s) and writes nothing', async (_name, change, code, field) => {
    const before = await api.prisma.employmentRecord.count();
    const input: Record<string, unknown> = { contractStart: '2026-05-01', contractMonths: 12, ...change };
    if (input.enrollmentId === 'B') input.enrollmentId = gid('Enrollment', enrollmentB);
    if (input.employerCreditCode === 'x') input.employerCreditCode = `${enterpriseCode.slice(0, 17)}${enterpriseCode.endsWith('0') ? '1' : '0'}`;
    const r = await report(input);
    expect(r).toMatchObject({ __typename: 'DomainError', code, field });
    expect(r.messageZh!.length).toBeGreaterThan(4);
    expect(await api.prisma.employmentRecord.count()).toBe(before);
  });

  it('an enrollment not yet completed is refused (INVALID_TRANSITION)', async () => {
    await api.prisma.enrollment.update({ where: { id: enrollmentA }, data: { status: 'ENROLLED' } });
    try {
      const r = await report({ contractStart: '2026-06-01', contractMonths: 12 });
      expect(r).toMatchObject({ __typename: 'DomainError', code: 'INVALID_TRANSITION', field: 'enrollmentId' });
    } finally {
      await api.prisma.enrollment.update({ where: { id: enrollmentA }, data: { status: 'COMPLETED' } });
    }
  });

  it('only a trainee may report', async () => {
    const r = await report({ contractStart: '2026-06-01', contractMonths: 12 }, 'institution1');
    expect(r).toMatchObject({ __typename: 'DomainError', code: 'FORBIDDEN' });
  });

  describe('employer answer', () => {
    it('lists reports naming the enterprise with the name and ID masked; others may not list', async () => {
      const r = await api.gql<{ employmentReports: Array<Record<string, unknown>> }>(
        '{ employmentReports { record personName idNumberMasked contractStart contractMonths confirmation className completedOn } }',
        {},
        tokens.enterprise1,
      );
      expect(r.data?.employmentReports).toEqual([
        {
          record: gid('EmploymentRecord', reportedId),
          personName: '张*',
          idNumberMasked: expect.stringMatching(/^141002\*{8}\d{3}[\dX]$/),
          contractStart: '2026-04-15',
          contractMonths: 12,
          confirmation: 'UNCONFIRMED',
          className: expect.stringContaining('PX-141002-0001'),
          completedOn: '2026-03-31',
        },
      ]);
      const other = await api.gql('{ employmentReports { record } }', {}, tokens['institution1']);
      expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('a denial needs a reason; a trainee cannot decide', async () => {
      expect(await decide({ recordId: gid('EmploymentRecord', reportedId), confirm: false })).toMatchObject({ code: 'VALIDATION', field: 'reason' });
      expect(await decide({ recordId: gid('EmploymentRecord', reportedId), confirm: true }, 'trainee.a')).toMatchObject({ code: 'FORBIDDEN' });
      expect(await decide({ recordId: gid('EmploymentRecord', reportedId), confirm: true, contractMonths: 0 })).toMatchObject({
        code: 'VALIDATION',
        field: 'contractMonths',
      });
    });

    it('confirms once, correcting the term; audited; a second decision is INVALID_TRANSITION', async () => {
      const r = await decide({ recordId: gid('EmploymentRecord', reportedId), confirm: true, contractMonths: 24 });
      expect(r).toMatchObject({ __typename: 'EmploymentRecord', confirmation: 'CONFIRMED', contractMonths: 24, contractEnd: '2028-04-14' });
      const audit = await api.prisma.auditLog.findFirstOrThrow({ where: { action: 'employment.confirmed', entityId: reportedId } });
      expect(audit.before).toMatchObject({ confirmation: 'UNCONFIRMED', contractMonths: 12 });
      expect(audit.after).toMatchObject({ confirmation: 'CONFIRMED', contractMonths: 24 });
      const again = await decide({ recordId: gid('EmploymentRecord', reportedId), confirm: false, reason: '查无此人' });
      expect(again).toMatchObject({ __typename: 'DomainError', code: 'INVALID_TRANSITION' });
      const row = await api.prisma.employmentRecord.findUniqueOrThrow({ where: { id: reportedId } });
      expect([row.confirmation, row.denialReason]).toEqual(['CONFIRMED', null]);
    });

    it('denies another report with the reason', async () => {
      const r = await report({ contractStart: '2026-07-01', contractMonths: 6 });
      const denied = await decide({ recordId: r.id, confirm: false, reason: '该员工为劳务派遣,非本单位签约' });
      expect(denied).toMatchObject({ confirmation: 'DENIED', denialReason: '该员工为劳务派遣,非本单位签约', contractMonths: 6 });
      expect(await api.prisma.auditLog.count({ where: { action: 'employment.denied' } })).toBe(1);
    });
  });
});

describe('contribution upload over HTTP', () => {
  const ID_C = () => makeResidentId({ regionCode: '150802', birthDate: '1995-03-09', sequence: 368 }); // fixture person C
  const EMPLOYER = makeCreditCode({ regionCode: '150802', orgCode9: 'MA0Q00001' });
  const HEADER = '身份证号,单位统一社会信用代码,缴费月份,险种,缴费金额(元),缴费基数(元)';
  const post = (body: Buffer, user: string | null, query = '') =>
    fetch(`${api.url}/contributions${query}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', ...(user ? { authorization: `Bearer ${tokens[user]}` } : {}) },
      body,
    });
  const file = Buffer.from(
    [HEADER, `${ID_C()},${EMPLOYER},202604,养老,412.80,5160`, `${ID_C()},${EMPLOYER},202604,生育,1,1`, `${makeResidentId({ regionCode: '150802', birthDate: '1970-01-01', sequence: 5 })},${EMPLOYER},202604,养老,1,1`].join('\n'),
  );
  let importGid: string;

  it('serves the templates', async () => {
    const csv = await fetch(`${api.url}/contributions/template.csv`);
    expect(csv.status).toBe(200);
    expect((await csv.text()).replace(/^\ufeff/, '').trim()).toBe(HEADER);
    const xlsx = await fetch(`${api.url}/contributions/template.xlsx`);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    expect((wb.getWorksheet('社保缴费')!.getRow(1).values as unknown[]).slice(1)).toEqual(HEADER.split(','));
  });

  it('imports a small file in the request (201), the same file again is 200 and reused', async () => {
    const res = await post(file, 'bayannur.bureau');
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown> & { importId: string; errors: unknown[] };
    expect(body).toMatchObject({ status: 'SUCCEEDED', regionCode: '150800', totalRows: 3, acceptedRows: 1, unmatchedRows: 1, rejectedRows: 1 });
    expect(body.errors).toEqual([expect.objectContaining({ row: 3, field: 'insuranceType', code: 'UNKNOWN_TYPE' })]);
    importGid = body.importId;
    const again = await post(file, 'bayannur.bureau');
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ importId: importGid, reused: true });
    expect(await api.prisma.socialInsuranceContribution.count({ where: { personId: fx.personC } })).toBe(1);
  });

  it('shows the import to the bureau of its region only', async () => {
    const q = `query($id: ID!) { contributionImport(id: $id) { status percent acceptedRows unmatchedRows rejectedRows errors { edges { node { row field code messageZh } } } } }`;
    const mine = await api.gql<{ contributionImport: Record<string, unknown> | null }>(q, { id: importGid }, tokens['bayannur.bureau']);
    expect(mine.data?.contributionImport).toMatchObject({
      status: 'SUCCEEDED',
      percent: 100,
      acceptedRows: 1,
      unmatchedRows: 1,
      rejectedRows: 1,
      errors: { edges: [{ node: { row: 3, field: 'insuranceType', code: 'UNKNOWN_TYPE', messageZh: expect.stringContaining('生育') } }] },
    });
    const other = await api.gql<{ contributionImport: unknown }>(q, { id: importGid }, tokens['linfen.bureau']);
    expect(other.data?.contributionImport).toBeNull();
  });

  it('refuses without login (401), an institution (403), another region (403), a missing column (422)', async () => {
    expect((await post(file, null)).status).toBe(401);
    expect((await post(file, 'institution1')).status).toBe(403);
    const res = await post(file, 'bayannur.bureau', '?regionCode=141000');
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'FORBIDDEN', field: 'regionCode' } });
    const bad = await post(Buffer.from(`身份证号,缴费月份\n${ID_C()},202604\n`), 'bayannur.bureau');
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ error: { code: 'VALIDATION', reason: 'MISSING_COLUMNS', field: 'file' } });
  });

  it('queues a file of more than 5,000 rows (202) and shows its progress once the job ran', async () => {
    const keys = piiKeysFrom(api.config);
    // 5,001 rows: one known person over many months and employers, the rest unknown persons.
    const lines = [HEADER];
    for (let i = 0; i < 5001; i++) {
      const month = `20${String(15 + Math.floor(i / 12) % 11)}${String((i % 12) + 1).padStart(2, '0')}`;
      const id = i < 100 ? ID_C() : makeResidentId({ regionCode: '150802', birthDate: '1980-01-01', sequence: 100 + (i % 800) });
      const employer = makeCreditCode({ regionCode: '150802', orgCode9: `MA0Q${String(i).padStart(5, '0')}` });
      lines.push(`${id},${employer},${month},养老,100,3000`);
    }
    const res = await post(Buffer.from(lines.join('\n')), 'bayannur.bureau');
    expect(res.status).toBe(202);
    const body = (await res.json()) as { importId: string; status: string };
    expect(body.status).toBe('PENDING');
    const id = Buffer.from(body.importId, 'base64').toString().split(':')[1]!;
    // The worker's handler calls exactly this with the job's import id.
    await runContributionImport(api.prisma, keys, id, { chunkRows: 2000 });
    const q = `query($id: ID!) { contributionImport(id: $id) { status totalRows processedRows acceptedRows unmatchedRows rejectedRows } }`;
    const r = await api.gql<{ contributionImport: Record<string, number | string> }>(q, { id: body.importId }, tokens['bayannur.bureau']);
    expect(r.data?.contributionImport).toEqual({ status: 'SUCCEEDED', totalRows: 5001, processedRows: 5001, acceptedRows: 100, unmatchedRows: 4901, rejectedRows: 0 });
    expect(idNumberHash(keys, ID_C())).toBe((await api.prisma.person.findUniqueOrThrow({ where: { id: fx.personC } })).idNumberHash);
  }, 60_000);
});
