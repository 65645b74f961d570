import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { encryptIdNumber, idNumberHash, piiKeysFrom } from '@vtc/core';
import { dateFromIso, makeCreditCode, makeResidentId, maskResidentId } from '@vtc/domain';
import ExcelJS from 'exceljs';
import { createFixtures, type Fixtures, startTestApi, type TestApi } from './testing.ts';

/**
 * Scorecards on a small fixture whose every rate is known by hand. Class A (institution 1, Yaodu):
 * 10 enrollments, 7 completed, 5 of them certified (4 certificates linked to the enrollment, 1 earned
 * in an assessment session of the class; a revoked certificate and one of a non-completer do not
 * count); 6-month checks 4 QUALIFIED / 1 EMPLOYED / 2 NOT_EMPLOYED; 3-month checks 3 EMPLOYED /
 * 2 NOT_EMPLOYED / 2 PENDING. Employed at 6 months: terms 12, 12, 24, 36 and one open-ended
 * (median 18 over 4); wages 4,000, 5,000, 6,000 yuan on the checks plus 4,500 from a contribution
 * base (the base of a month after the checkpoint is ignored), one without any wage (median 4,750
 * over 4). Class B (institution 2, Xiangfen): 2 enrolled, 1 completed, no checks.
 */
let api: TestApi;
let fx: Fixtures;
const tokens: Record<string, string> = {};
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
const EMPLOYER = makeCreditCode({ regionCode: '141002', orgCode9: 'MA0T00001' });

let seq = 400;
async function person(name: string) {
  const keys = piiKeysFrom(api.config);
  const id = makeResidentId({ regionCode: '141002', birthDate: '1991-02-03', sequence: seq++ });
  return api.prisma.person.create({
    data: {
      name,
      idNumberCipher: encryptIdNumber(keys, id),
      idNumberHash: idNumberHash(keys, id),
      idNumberMasked: maskResidentId(id),
      birthDate: dateFromIso('1991-02-03'),
      sex: 'MALE',
      originRegionCode: '141002',
    },
  });
}

beforeAll(async () => {
  api = await startTestApi('scorecards');
  fx = await createFixtures(api.prisma, api.config);
  for (const u of ['linfen.bureau', 'yaodu.bureau', 'xiangfen.bureau', 'shanxi.bureau', 'institution1', 'trainee.a', 'bayannur.bureau']) {
    tokens[u] = await api.login(u);
  }
  const p = api.prisma;
  // Class A: personA (fixture) + 9 more.
  const enrollments = [(await p.enrollment.findFirstOrThrow({ where: { classId: fx.classA } })).id];
  const persons = [fx.personA];
  for (let i = 0; i < 9; i++) {
    const pr = await person(`学员${i}`);
    persons.push(pr.id);
    enrollments.push((await p.enrollment.create({ data: { classId: fx.classA, personId: pr.id } })).id);
  }
  // 7 completed (0–6), 1 failed (7), 2 withdrawn/enrolled (8, 9).
  await p.enrollment.updateMany({ where: { id: { in: enrollments.slice(0, 7) } }, data: { status: 'COMPLETED', completedAt: dateFromIso('2026-03-31') } });
  await p.enrollment.update({ where: { id: enrollments[7]! }, data: { status: 'FAILED' } });
  await p.enrollment.update({ where: { id: enrollments[8]! }, data: { status: 'WITHDRAWN' } });

  const occupationId = (await p.trainingClass.findUniqueOrThrow({ where: { id: fx.classA } })).occupationId;
  const cert = (i: number, extra: Record<string, unknown> = {}) =>
    p.certificate.create({
      data: {
        number: `S${String(i).padStart(21, '0')}`,
        kind: 'SKILL_LEVEL',
        personId: persons[i]!,
        issuerId: fx.institution1,
        occupationId,
        level: 'LEVEL_4',
        issuedOn: dateFromIso('2026-04-10'),
        verifyToken: randomUUID(),
        enrollmentId: enrollments[i]!,
        ...extra,
      },
    });
  for (const i of [0, 1, 2, 3]) await cert(i);
  // Person 4: through an assessment session of the class, no enrollment link.
  const session = await p.assessmentSession.create({
    data: {
      evaluationBodyId: fx.institution1,
      occupationId,
      kind: 'SKILL_LEVEL',
      level: 'LEVEL_4',
      regionCode: '141002',
      siteCode: '141002',
      classId: fx.classA,
      scheduledOn: dateFromIso('2026-04-01'),
    },
  });
  const result = await p.assessmentResult.create({ data: { sessionId: session.id, personId: persons[4]!, outcome: 'PASSED' } });
  await cert(4, { enrollmentId: null, assessmentResultId: result.id });
  await cert(5, { status: 'REVOKED' }); // revoked: not certified
  await cert(7); // failed enrollment: not in "certified of completed"

  // Checks. 6 months: 0–3 QUALIFIED, 4 EMPLOYED, 5–6 NOT_EMPLOYED.
  const check = (i: number, months: number, status: string, extra: Record<string, unknown> = {}) =>
    p.employmentCheck.create({
      data: {
        enrollmentId: enrollments[i]!,
        personId: persons[i]!,
        classId: fx.classA,
        checkpointMonths: months,
        completedOn: dateFromIso('2026-03-31'),
        dueOn: months === 6 ? dateFromIso('2026-09-30') : dateFromIso('2026-06-30'),
        status: status as never,
        ...extra,
      },
    });
  await check(0, 6, 'QUALIFIED', { contractMonths: 12, monthlyWageFen: 400_000, employerCreditCode: EMPLOYER });
  await check(1, 6, 'QUALIFIED', { contractMonths: 12, monthlyWageFen: 500_000, employerCreditCode: EMPLOYER });
  await check(2, 6, 'QUALIFIED', { contractMonths: 24, monthlyWageFen: null, employerCreditCode: EMPLOYER });
  await check(3, 6, 'QUALIFIED', { contractMonths: 36, monthlyWageFen: 600_000, employerCreditCode: EMPLOYER });
  await check(4, 6, 'EMPLOYED', { contractMonths: null, monthlyWageFen: null, employerCreditCode: EMPLOYER });
  await check(5, 6, 'NOT_EMPLOYED');
  await check(6, 6, 'NOT_EMPLOYED');
  // 3 months: 0–2 EMPLOYED, 3–4 NOT_EMPLOYED, 5–6 PENDING.
  for (const i of [0, 1, 2]) await check(i, 3, 'EMPLOYED', { contractMonths: 99, monthlyWageFen: 1 });
  for (const i of [3, 4]) await check(i, 3, 'NOT_EMPLOYED');
  for (const i of [5, 6]) await check(i, 3, 'PENDING');
  // Wage of person 2 from the contribution base up to the checkpoint month; a later base is ignored.
  await p.socialInsuranceContribution.createMany({
    data: [
      { personId: persons[2]!, employerCreditCode: EMPLOYER, month: '202608', insuranceType: 'PENSION', amountFen: 36_000, wageBaseFen: 440_000 },
      { personId: persons[2]!, employerCreditCode: EMPLOYER, month: '202609', insuranceType: 'PENSION', amountFen: 36_000, wageBaseFen: 450_000 },
      { personId: persons[2]!, employerCreditCode: EMPLOYER, month: '202610', insuranceType: 'PENSION', amountFen: 36_000, wageBaseFen: 999_900 },
    ],
  });

  // Class B: the fixture person (completed) + one enrolled.
  const b = await person('乙班学员');
  await p.enrollment.create({ data: { classId: fx.classB, personId: b.id } });
  await p.enrollment.updateMany({ where: { classId: fx.classB, personId: fx.personB }, data: { status: 'COMPLETED', completedAt: dateFromIso('2026-03-31') } });
}, 60_000);

afterAll(async () => {
  await api?.stop();
});

const FIELDS = `key label enrolled completed completionRate certified certificationRate employmentDecided qualifiedEnrollments qualifyingRate
  medianContractMonths contractSamples medianMonthlyWageFen wageSamples
  checkpoints { checkpointMonths decided employed qualified pending employmentRate qualifiedRate }`;
type Card = Record<string, unknown> & { key: string; label: string };

async function cards(user: string, groupBy: string, filter: Record<string, unknown> = {}) {
  return api.gql<{ scorecards: Card[] | (Record<string, unknown> & { __typename: string }) }>(
    `query($g: ScorecardGroup!, $f: ScorecardFilter!) { scorecards(groupBy: $g, filter: $f) {
      __typename ... on QueryScorecardsSuccess { data { ${FIELDS} } } ... on DomainError { code field message } } }`,
    { g: groupBy, f: { from: '2026-01-01', to: '2026-12-31', ...filter } },
    tokens[user],
  );
}
const list = (r: Awaited<ReturnType<typeof cards>>) => (r.data?.scorecards as unknown as { data: Card[] }).data;

const CLASS_A = {
  enrolled: 10,
  completed: 7,
  completionRate: 0.7,
  certified: 5,
  certificationRate: 0.7143,
  employmentDecided: 7,
  qualifiedEnrollments: 4,
  qualifyingRate: 0.5714,
  medianContractMonths: 18,
  contractSamples: 4,
  medianMonthlyWageFen: 475_000,
  wageSamples: 4,
  checkpoints: [
    { checkpointMonths: 3, decided: 5, employed: 3, qualified: 0, pending: 2, employmentRate: 0.6, qualifiedRate: 0 },
    { checkpointMonths: 6, decided: 7, employed: 5, qualified: 4, pending: 0, employmentRate: 0.7143, qualifiedRate: 0.5714 },
  ],
};
const CLASS_B = {
  enrolled: 2,
  completed: 1,
  completionRate: 0.5,
  certified: 0,
  certificationRate: 0,
  employmentDecided: 0,
  qualifiedEnrollments: 0,
  qualifyingRate: null,
  medianContractMonths: null,
  contractSamples: 0,
  medianMonthlyWageFen: null,
  wageSamples: 0,
  checkpoints: [],
};

describe('scorecards', () => {
  it('a city bureau compares its institutions with exact rates and denominators', async () => {
    const r = await cards('linfen.bureau', 'INSTITUTION');
    expect(list(r)).toEqual([
      { key: fx.institution1, label: '尧都区阳光职业培训学校', ...CLASS_A },
      { key: fx.institution2, label: '襄汾县技工培训中心', ...CLASS_B },
    ]);
  });

  it('groups by class, occupation, labour brand and region with the same numbers', async () => {
    const byClass = list(await cards('linfen.bureau', 'CLASS'));
    expect(byClass.map((c) => [c.key, c.enrolled, c.completionRate])).toEqual([
      [fx.classA, 10, 0.7],
      [fx.classB, 2, 0.5],
    ]);
    const byOccupation = list(await cards('linfen.bureau', 'OCCUPATION'));
    expect(byOccupation).toEqual([expect.objectContaining({ label: '4-10-01-05 养老护理员', enrolled: 12, completed: 8, certified: 5, certificationRate: 0.625 })]);
    const byBrand = list(await cards('linfen.bureau', 'LABOUR_BRAND'));
    expect(byBrand).toEqual([expect.objectContaining({ key: 'NONE', enrolled: 12 })]);
    const byRegion = list(await cards('shanxi.bureau', 'REGION'));
    expect(byRegion.map((c) => [c.key, c.label, c.enrolled])).toEqual([
      ['141002', '141002 尧都区', 10],
      ['141023', '141023 襄汾县', 2],
    ]);
  });

  it('a county bureau sees its county only; an institution its own classes only', async () => {
    expect(list(await cards('yaodu.bureau', 'INSTITUTION')).map((c) => c.key)).toEqual([fx.institution1]);
    expect(list(await cards('xiangfen.bureau', 'INSTITUTION')).map((c) => c.key)).toEqual([fx.institution2]);
    expect(list(await cards('bayannur.bureau', 'INSTITUTION')).map((c) => [c.label, c.enrolled])).toEqual([['临河区河套职业培训学校', 1]]);
    expect(list(await cards('institution1', 'CLASS'))).toEqual([expect.objectContaining({ key: fx.classA, ...CLASS_A })]);
    const other = await cards('institution1', 'CLASS', { institutionId: gid('Organization', fx.institution2) });
    expect(other.data?.scorecards).toMatchObject({ __typename: 'DomainError', code: 'FORBIDDEN', field: 'institutionId' });
  });

  it('a bureau may not look outside its region; a trainee sees no scorecards; bad dates are named', async () => {
    expect((await cards('yaodu.bureau', 'INSTITUTION', { regionCode: '141000' })).data?.scorecards).toMatchObject({ code: 'FORBIDDEN', field: 'regionCode' });
    expect((await cards('trainee.a', 'CLASS')).data?.scorecards).toMatchObject({ code: 'FORBIDDEN' });
    expect((await cards('linfen.bureau', 'CLASS', { from: '2026-02-30' })).data?.scorecards).toMatchObject({ code: 'VALIDATION', field: 'from' });
    expect((await cards('linfen.bureau', 'CLASS', { from: '2026-12-31', to: '2026-01-01' })).data?.scorecards).toMatchObject({ code: 'VALIDATION', field: 'from' });
  });

  it('the period is on the class end date', async () => {
    expect(list(await cards('linfen.bureau', 'CLASS', { from: '2026-01-01', to: '2026-11-29' }))).toEqual([]);
    expect(list(await cards('linfen.bureau', 'CLASS', { from: '2026-11-30', to: '2026-11-30' }))).toHaveLength(2);
  });

  it('the XLSX export holds the same numbers', async () => {
    const q = new URLSearchParams({ groupBy: 'INSTITUTION', from: '2026-01-01', to: '2026-12-31' });
    const res = await fetch(`${api.url}/scorecards/export.xlsx?${q}`, { headers: { authorization: `Bearer ${tokens['linfen.bureau']}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const ws = wb.getWorksheet('绩效评价')!;
    const header = (ws.getRow(1).values as unknown[]).slice(1) as string[];
    const rowOf = (n: number) => Object.fromEntries(header.map((h, i) => [h, ws.getRow(n).getCell(i + 1).value]));
    const a = rowOf(2);
    expect(a).toMatchObject({
      '培训机构 institution': '尧都区阳光职业培训学校',
      '报名人数 enrolled': 10,
      '结业人数 completed': 7,
      '结业率 completion rate': 0.7,
      '取证人数 certified': 5,
      '取证率 certification rate': 0.7143,
      '3个月已判定 decided (3m)': 5,
      '3个月就业率 employment rate (3m)': 0.6,
      '6个月已判定 decided (6m)': 7,
      '6个月就业人数 employed (6m)': 5,
      '6个月就业率 employment rate (6m)': 0.7143,
      '6个月达标就业率 qualified rate (6m)': 0.5714,
      '达标就业率 qualifying rate': 0.5714,
      '合同期限中位数(月) median contract months': 18,
      '月工资中位数(元) median monthly wage (yuan)': 4750,
    });
    expect(rowOf(3)).toMatchObject({ '培训机构 institution': '襄汾县技工培训中心', '报名人数 enrolled': 2, '结业率 completion rate': 0.5 });
    expect(ws.rowCount).toBe(3);
  });

  it('the export refuses without login, with a bad groupBy, and for an institution asking for another', async () => {
    const url = (q: Record<string, string>) => `${api.url}/scorecards/export.xlsx?${new URLSearchParams({ from: '2026-01-01', to: '2026-12-31', ...q })}`;
    expect((await fetch(url({ groupBy: 'CLASS' }))).status).toBe(401);
    const bad = await fetch(url({ groupBy: 'PERSON' }), { headers: { authorization: `Bearer ${tokens['linfen.bureau']}` } });
    expect(bad.status).toBe(400);
    const other = await fetch(url({ groupBy: 'CLASS', institutionId: gid('Organization', fx.institution2) }), {
      headers: { authorization: `Bearer ${tokens.institution1}` },
    });
    expect(other.status).toBe(403);
  });
});
