import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { checkChunk, finishCheckRun, piiKeysFrom, planCheckRun } from '@vtc/core';
import { bayannurContributionCsv, CONTRIBUTION_DEMO_FILE } from '../../../prisma/seed/contribution-file.ts';
import { DEMO_TODAY, seedDemo } from '../../../prisma/seed/index.ts';
import { orgId } from '../../../prisma/seed/training.ts';
import { startTestApi, type TestApi } from './testing.ts';

/**
 * Acceptance: "For a seeded cohort, contributions imported from a file turn into qualifying outcomes,
 * the +50% uplift lines appear once and only once on the claims, reminders go out for the rest,
 * scorecards show the rates." On the real demo seed, through the API wherever there is one.
 *
 * The cohort: the Bayannur cook class PX-150802-2026-0009 of 河套职业技能培训学校 (prisma/seed/training.ts
 * `bynCook202604`): 30 enrolled, 27 COMPLETED on 2026-05-22, so its checkpoints close on 2026-08-22
 * (3 months) and 2026-11-22 (6 months; BYN-CLASS-HOUR's uplift window is also 6 months). The seed's
 * employment evidence for the 27 graduates (training.ts, "Bayannur cook graduates find jobs"):
 *   14 contracts of 12–36 months: 10 insured since they began (7 signed by 2026-08-22), 4 signed in
 *      November whose first contributions come only with the bureau's November file;
 *    4 contracts of 6 months with social insurance, 3 contracts without insurance, 6 with nothing.
 * The November file (prisma/seed/bayannur-contributions-202611.csv) carries the 202611 contributions of
 * the 18 insured graduates, with the contribution base (3,800 yuan) that the seed's rows lack.
 * So: the run of 2026-11-21 (before the import) qualifies 10 and reminds the school of the 6 without
 * evidence; the bureau imports the file; the run of 2026-11-22 qualifies the 4 November hires too and
 * adds their uplift lines to the same supplementary claim; the windows then close.
 *
 * The clock: the API files claims and bounds contribution months with the wall clock, and the checks
 * must run while the 6-month windows are still open for reminders to go out (they close on
 * DEMO_TODAY). So the test's Date is pinned to DEMO_TODAY (2026-11-22, Asia/Shanghai) and the daily
 * run is called for the day before, DEMO_TODAY and the day after, as the worker's jobs call planCheckRun / checkChunk /
 * finishCheckRun. Only Date is faked (timers are real), so pg, fetch and the server behave as usual.
 */

const DEMO_PASSWORD = 'Vtc@2026demo';
const CLASS_CODE = 'PX-150802-2026-0009';
/** The day before DEMO_TODAY: the run before the bureau imports the November file. */
const DAY_BEFORE = '2026-11-21';
/** The 3-month checkpoints (window closed 2026-08-22), decided on the first run. */
const THREE_MONTHS = { QUALIFIED: 7, EMPLOYED: 5, NOT_EMPLOYED: 15, PENDING: 0 };
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

let api: TestApi;
const tokens: Record<string, string> = {};
let classId: string;
let classGid: string;
let staffUserId: string;
let baseClaimGid: string;
/** Person global ids with a contribution in the November file (with its 3,800-yuan base). */
const novemberInsured = new Set<string>();

type Check = {
  checkpointMonths: number;
  status: 'PENDING' | 'EMPLOYED' | 'QUALIFIED' | 'NOT_EMPLOYED';
  decided: boolean;
  rule: string | null;
  contractMonths: number | null;
  monthlyWageFen: number | null;
  reminderSentAt: string | null;
  upliftClaimNumber: string | null;
  enrollment: { status: string; person: { id: string } };
};
type Line = { person: { id: string }; scheme: string; part: string; amountFen: number; status: string };
type Claim = { id: string; number: string; kind: string; status: string; supplementsClaimId: string | null; totalFen: number; lines: Line[] };

async function gql<T>(query: string, variables: Record<string, unknown>, user: string): Promise<T> {
  const r = await api.gql<T>(query, variables, tokens[user]);
  if (!r.data || r.errors) throw new Error(JSON.stringify(r.errors ?? r));
  return r.data;
}

async function checks(): Promise<Check[]> {
  const r = await gql<{ employmentChecks: { __typename: string; data?: Check[]; code?: string } }>(
    `query($c: ID) { employmentChecks(classId: $c) { __typename
      ... on QueryEmploymentChecksSuccess { data { checkpointMonths status decided rule contractMonths monthlyWageFen reminderSentAt upliftClaimNumber
        enrollment { status person { id } } } }
      ... on DomainError { code } } }`,
    { c: classGid },
    'bayannur.bureau',
  );
  if (!r.employmentChecks.data) throw new Error(JSON.stringify(r.employmentChecks));
  return r.employmentChecks.data;
}

async function claims(): Promise<Claim[]> {
  // Two queries: the list, then each claim's lines (one query for both is over the API's cost limit).
  const r = await gql<{ claims: { edges: Array<{ node: Omit<Claim, 'lines'> }> } }>(
    '{ claims(first: 100) { edges { node { id number kind status supplementsClaimId totalFen } } } }',
    {},
    'bayannur.bureau',
  );
  const out: Claim[] = [];
  for (const { node } of r.claims.edges) {
    const l = await gql<{ node: { lines: Line[] } }>(
      'query($id: ID!) { node(id: $id) { ... on SubsidyClaim { lines { person { id } scheme part amountFen status } } } }',
      { id: node.id },
      'bayannur.bureau',
    );
    out.push({ ...node, lines: l.node.lines });
  }
  return out;
}

async function reminders(): Promise<Array<{ kind: string; body: string }>> {
  const r = await gql<{ viewer: { notifications: Array<{ kind: string; body: string }> } }>(
    '{ viewer { notifications(first: 100) { kind body } } }',
    {},
    'hetao.staff',
  );
  return r.viewer.notifications.filter((n) => n.kind === 'EMPLOYMENT_CHECK_REMINDER');
}

/** The worker's daily run, called directly: plan (or resume) the day, check every chunk, finish (file uplifts). */
async function runDay(runDate: string) {
  const plan = await planCheckRun(api.prisma, { runDate });
  const results = [];
  for (const id of plan.chunkIds) results.push(await checkChunk(api.prisma, id, { today: runDate }));
  const finish = await finishCheckRun(api.prisma, plan.runId, { today: runDate });
  return { plan, results, finish };
}

const count = (cs: Check[], months: number) => {
  const at = cs.filter((c) => c.checkpointMonths === months);
  const n = (s: Check['status']) => at.filter((c) => c.status === s).length;
  return { QUALIFIED: n('QUALIFIED'), EMPLOYED: n('EMPLOYED'), NOT_EMPLOYED: n('NOT_EMPLOYED'), PENDING: n('PENDING') };
};

beforeAll(async () => {
  jest.useFakeTimers({
    now: new Date(`${DEMO_TODAY}T10:00:00+08:00`),
    advanceTimers: true,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
  api = await startTestApi('employment_acceptance');
  const seeded = await seedDemo(api.prisma, { demoPassword: DEMO_PASSWORD, piiKeys: piiKeysFrom(api.config) });
  expect(seeded.created).toBe(true);
  for (const u of ['admin', 'bayannur.bureau']) tokens[u] = await api.login(u, DEMO_PASSWORD);
  const klass = await api.prisma.trainingClass.findUniqueOrThrow({ where: { code: CLASS_CODE } });
  classId = klass.id;
  classGid = gid('TrainingClass', classId);

  // 河套职业技能培训学校's demo login: it files the class's claims and receives the reminders.
  staffUserId = (await api.prisma.user.findUniqueOrThrow({ where: { username: 'hetao.school' } })).id;
  tokens['hetao.staff'] = await api.login('hetao.school', DEMO_PASSWORD);
}, 240_000);

afterAll(async () => {
  await api?.stop();
  jest.useRealTimers();
});

const round4 = (num: number, den: number) => (den === 0 ? null : Math.round((num / den) * 10_000) / 10_000);
const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
};

/** The scorecard the checks imply, by the definitions of packages/core/src/employment/scorecards.ts. */
function expectedCard(cs: Check[]) {
  const checkpoints = [3, 6].map((m) => {
    const at = cs.filter((c) => c.checkpointMonths === m);
    const decided = at.filter((c) => c.status !== 'PENDING').length;
    const employed = at.filter((c) => c.status === 'EMPLOYED' || c.status === 'QUALIFIED').length;
    const qualified = at.filter((c) => c.status === 'QUALIFIED').length;
    return {
      checkpointMonths: m,
      decided,
      employed,
      qualified,
      pending: at.length - decided,
      employmentRate: round4(employed, decided),
      qualifiedRate: round4(qualified, decided),
    };
  });
  const byPerson = new Map<string, Check[]>();
  for (const c of cs) byPerson.set(c.enrollment.person.id, [...(byPerson.get(c.enrollment.person.id) ?? []), c]);
  const lists = [...byPerson.values()];
  const decidedEnrollments = lists.filter((l) => l.some((c) => c.status !== 'PENDING')).length;
  const qualifiedEnrollments = lists.filter((l) => l.some((c) => c.status === 'QUALIFIED')).length;
  // Medians over the latest employed checkpoint of each enrollment.
  const latest = lists
    .map((l) => l.filter((c) => c.status === 'EMPLOYED' || c.status === 'QUALIFIED').sort((a, b) => b.checkpointMonths - a.checkpointMonths)[0])
    .filter((c): c is Check => c !== undefined);
  const months = latest.map((c) => c.contractMonths).filter((x): x is number => x !== null);
  // A check without a wage of its own (decided before the file came) counts the person's latest
  // contribution base, as the scorecard does: the file's 3,800 yuan for the persons it covers.
  const wages = latest
    .map((c) => c.monthlyWageFen ?? (novemberInsured.has(c.enrollment.person.id) ? 380_000 : null))
    .filter((x): x is number => x !== null);
  return {
    employmentDecided: decidedEnrollments,
    qualifiedEnrollments,
    qualifyingRate: round4(qualifiedEnrollments, decidedEnrollments),
    checkpoints,
    medianContractMonths: median(months),
    contractSamples: months.length,
    medianMonthlyWageFen: median(wages),
    wageSamples: wages.length,
  };
}

async function scorecard(groupBy: 'CLASS' | 'INSTITUTION', from: string, to: string) {
  const r = await gql<{ scorecards: { __typename: string; data?: Array<Record<string, unknown>> } }>(
    `query($g: ScorecardGroup!, $f: ScorecardFilter!) { scorecards(groupBy: $g, filter: $f) { __typename
      ... on QueryScorecardsSuccess { data { key label enrolled completed completionRate employmentDecided qualifiedEnrollments qualifyingRate
        medianContractMonths contractSamples medianMonthlyWageFen wageSamples
        checkpoints { checkpointMonths decided employed qualified pending employmentRate qualifiedRate } } }
      ... on DomainError { code message } } }`,
    { g: groupBy, f: { from, to, institutionId: gid('Organization', orgId('hetaoSchool')) } },
    'bayannur.bureau',
  );
  if (!r.scorecards.data) throw new Error(JSON.stringify(r.scorecards));
  return r.scorecards.data;
}

describe('Bayannur cook graduates: contributions → qualifying outcomes → uplift once → reminders → scorecards', () => {
  let baseLines: Map<string, number>; // person global id → accepted CLASS_HOUR base amount (fen)
  let qualifiedPersons: string[];
  let novemberHires: string[]; // graduates whose contract starts in November (person global ids)
  let noEvidence: string[]; // graduates with no employment record at all

  it('the institution files the CLASS_HOUR claim of the class and the bureau accepts every line', async () => {
    const filed = await gql<{ fileClaim: Omit<Claim, 'lines'> & { __typename: string; lines: Array<Line & { id: string }> } }>(
      `mutation($input: FileClaimInput!) { fileClaim(input: $input) { __typename
        ... on SubsidyClaim { id number kind status supplementsClaimId totalFen lines { id person { id } scheme part amountFen status } }
        ... on DomainError { code message } } }`,
      { input: { kind: 'CLASS_HOUR', classId: classGid } },
      'hetao.staff',
    );
    const claim = filed.fileClaim;
    expect(claim).toMatchObject({ __typename: 'SubsidyClaim', kind: 'CLASS_HOUR', status: 'SUBMITTED', supplementsClaimId: null });
    baseClaimGid = claim.id;

    // One base line per graduate (27 COMPLETED, all ≥ 80% attendance; the 2 FAILED and the WITHDRAWN
    // trainee get none): attended class hours × 12 yuan (BYN-CLASS-HOUR, tier 2, 4-hour sessions).
    const attended = await api.prisma.$queryRaw<Array<{ personId: string; minutes: number }>>`
      SELECT e."personId"::text AS "personId", SUM(s.minutes)::int AS minutes
      FROM "Enrollment" e JOIN "AttendanceRecord" r ON r."enrollmentId" = e.id AND r.present JOIN "AttendanceSession" s ON s.id = r."sessionId"
      WHERE e."classId" = ${classId}::uuid AND e.status = 'COMPLETED' GROUP BY e."personId"`;
    expect(attended).toHaveLength(27);
    const expected = new Map(attended.map((a) => [gid('Person', a.personId), (a.minutes / 60) * 1_200]));
    expect(claim.lines).toHaveLength(27);
    expect(new Map(claim.lines.map((l) => [l.person.id, l.amountFen]))).toEqual(expected);
    expect(claim.lines.every((l) => l.scheme === 'CLASS_HOUR' && l.part === 'MAIN' && l.status === 'PENDING')).toBe(true);
    expect(claim.totalFen).toBe(3_336_000);
    baseLines = expected;

    // Review (the seed has no Linhe county bureau login; the policy's default levels let the city bureau review too).
    const reviewed = await gql<{ reviewClaim: { __typename: string; status?: string; lines?: Line[] } }>(
      `mutation($id: ID!, $d: [ClaimLineDecisionInput!]!) { reviewClaim(id: $id, decisions: $d) { __typename
        ... on SubsidyClaim { status lines { status } } ... on DomainError { code message } } }`,
      { id: claim.id, d: claim.lines.map((l) => ({ lineId: l.id, accept: true })) },
      'bayannur.bureau',
    );
    expect(reviewed.reviewClaim.__typename).toBe('SubsidyClaim');
    expect(reviewed.reviewClaim.status).toBe('UNDER_REVIEW');
    expect(reviewed.reviewClaim.lines!.every((l) => l.status === 'ACCEPTED')).toBe(true);
  });

  it('the run of 2026-11-21, before the file: the four graduates hired in November are employed but do not qualify yet (no contribution); the school is reminded of the 6 without evidence', async () => {
    const graduates = await api.prisma.enrollment.findMany({ where: { classId, status: 'COMPLETED' }, select: { personId: true } });
    const records = await api.prisma.employmentRecord.findMany({ where: { enrollment: { classId } }, select: { personId: true, source: true, contractStart: true } });
    novemberHires = records
      .filter((r) => r.source === 'LABOUR_CONTRACT' && r.contractStart && r.contractStart.toISOString() >= '2026-11-01')
      .map((r) => gid('Person', r.personId))
      .sort();
    expect(novemberHires).toHaveLength(4);
    const withRecord = new Set(records.map((r) => r.personId));
    noEvidence = graduates.filter((g) => !withRecord.has(g.personId)).map((g) => gid('Person', g.personId));
    expect(noEvidence).toHaveLength(6);
    const { plan, finish } = await runDay(DAY_BEFORE);
    expect(plan.created).toBe(true);
    const cs = await checks();
    expect(cs).toHaveLength(54); // 27 graduates × checkpoints 3 and 6 (BYN's uplift window is 6 months too)
    expect(count(cs, 3)).toEqual(THREE_MONTHS);
    // 6 months (window open until 2026-11-22): 10 long insured contracts qualify; employed but not
    // qualifying (not final while the window is open): 4 six-month contracts, 3 uninsured ones and the 4
    // November hires, whose contracts cover the checkpoint but have no contribution yet; 6 pending.
    expect(count(cs, 6)).toEqual({ QUALIFIED: 10, EMPLOYED: 11, NOT_EMPLOYED: 0, PENDING: 6 });
    const six = cs.filter((c) => c.checkpointMonths === 6);
    expect(six.filter((c) => novemberHires.includes(c.enrollment.person.id)).map((c) => [c.status, c.decided])).toEqual(Array(4).fill(['EMPLOYED', false]));
    expect(six.filter((c) => c.status === 'PENDING').map((c) => c.enrollment.person.id).sort()).toEqual([...noEvidence].sort());
    expect(finish).toEqual({ skipped: false, uplifts: 10, refused: 0, claims: 1 });
    // Reminders: the 6 pending 6-month checks close tomorrow (within 14 days): one notification to the
    // school's staff (one per chunk and staff member) naming 6 checks.
    expect(cs.filter((c) => c.reminderSentAt !== null).map((c) => [c.checkpointMonths, c.status])).toEqual(Array(6).fill([6, 'PENDING']));
    const notes = await reminders();
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toContain('6 employment check(s) in 1 class(es) have no evidence of employment yet; the first closes on 2026-11-22');
  });

  it('the Bayannur bureau imports the November contribution file: 72 accepted, 3 unmatched, 1 rejected (row 77)', async () => {
    const file = readFileSync(CONTRIBUTION_DEMO_FILE);
    // The committed file is the one the seed generates (BOM + CSV).
    expect(file.toString('utf8')).toBe(`\ufeff${bayannurContributionCsv()}`);
    const upload = () =>
      fetch(`${api.url}/contributions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens['bayannur.bureau']}`, 'content-type': 'text/csv', 'x-file-name': 'bayannur-contributions-202611.csv' },
        body: file,
      });
    const first = await upload();
    expect(first.status).toBe(201);
    const summary = (await first.json()) as Record<string, unknown>;
    expect(summary).toMatchObject({
      regionCode: '150800',
      status: 'SUCCEEDED',
      totalRows: 76,
      processedRows: 76,
      acceptedRows: 72, // 18 insured graduates × 4 insurance types
      unmatchedRows: 3, // persons who never trained on the platform
      rejectedRows: 1,
      reused: false,
      errors: [{ row: 77, field: 'insuranceType', code: 'UNKNOWN_TYPE' }],
    });
    // The same file again: 200, the same import, nothing written.
    const again = await upload();
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ importId: summary.importId, reused: true, acceptedRows: 72 });

    // Stored: 72 rows of 202611 with the 3,800-yuan base, for 18 persons, all graduates of the cook class.
    const stored = await api.prisma.socialInsuranceContribution.findMany({ where: { month: '202611' }, select: { personId: true, wageBaseFen: true, source: true } });
    expect(stored).toHaveLength(72);
    expect(new Set(stored.map((c) => c.wageBaseFen))).toEqual(new Set([380_000]));
    expect(new Set(stored.map((c) => c.source))).toEqual(new Set(['SOCIAL_INSURANCE_AGENCY']));
    const persons = new Set(stored.map((c) => c.personId));
    expect(persons.size).toBe(18);
    for (const p of persons) novemberInsured.add(gid('Person', p));
    const graduates = await api.prisma.enrollment.findMany({ where: { classId, status: 'COMPLETED', personId: { in: [...persons] } } });
    expect(graduates).toHaveLength(18);
  });

  it(`the run of ${DEMO_TODAY}, after the file: the November hires qualify, their uplift lines join the same supplementary claim, nobody is reminded twice`, async () => {
    const { plan, finish } = await runDay(DEMO_TODAY);
    expect(plan.created).toBe(true);
    const cs = await checks();
    expect(count(cs, 3)).toEqual(THREE_MONTHS); // decided on the 21st, never again
    // 6 months: the 4 November hires now qualify on the imported contributions; 6 still without evidence.
    expect(count(cs, 6)).toEqual({ QUALIFIED: 14, EMPLOYED: 7, NOT_EMPLOYED: 0, PENDING: 6 });
    const six = cs.filter((c) => c.checkpointMonths === 6);
    const hires = six.filter((c) => novemberHires.includes(c.enrollment.person.id));
    expect(hires.map((c) => [c.status, c.rule, c.monthlyWageFen])).toEqual(Array(4).fill(['QUALIFIED', 'QUALIFYING_CONTRACT', 380_000]));
    qualifiedPersons = six.filter((c) => c.status === 'QUALIFIED').map((c) => c.enrollment.person.id).sort();
    // …exactly the graduates with a contract of 12 months or more and, by now, contributions.
    const evidence = await api.prisma.employmentRecord.findMany({
      where: { enrollment: { classId }, source: 'LABOUR_CONTRACT' },
      select: { personId: true, contractStart: true, contractEnd: true },
    });
    const insured = new Set((await api.prisma.socialInsuranceContribution.findMany({ where: { person: { enrollments: { some: { classId } } } }, select: { personId: true } })).map((c) => c.personId));
    const longInsured = evidence
      .filter((r) => insured.has(r.personId) && r.contractEnd && r.contractStart && r.contractEnd.getTime() - r.contractStart.getTime() > 360 * 86_400_000)
      .map((r) => gid('Person', r.personId))
      .sort();
    expect(qualifiedPersons).toEqual(longInsured);

    // Uplifts: 4 more lines, on the supplementary claim still SUBMITTED: one claim, one line per qualifying graduate, 50% of the base.
    expect(finish).toEqual({ skipped: false, uplifts: 4, refused: 0, claims: 1 });
    const all = await claims();
    const uplift = all.filter((c) => c.kind === 'EMPLOYMENT_UPLIFT');
    expect(uplift).toHaveLength(1);
    expect(uplift[0]).toMatchObject({ status: 'SUBMITTED', supplementsClaimId: baseClaimGid });
    const lines = uplift[0]!.lines;
    expect(lines).toHaveLength(14);
    expect(lines.every((l) => l.part === 'EMPLOYMENT_UPLIFT' && l.scheme === 'CLASS_HOUR' && l.status === 'PENDING')).toBe(true);
    expect(lines.map((l) => l.person.id).sort()).toEqual(qualifiedPersons);
    for (const l of lines) expect(l.amountFen).toBe(baseLines.get(l.person.id)! / 2);
    expect(uplift[0]!.totalFen).toBe(qualifiedPersons.reduce((s, p) => s + baseLines.get(p)! / 2, 0));
    expect(six.filter((c) => c.status === 'QUALIFIED').every((c) => c.upliftClaimNumber === uplift[0]!.number)).toBe(true);

    // Reminders went out yesterday for the 6; nobody is reminded twice.
    expect(await reminders()).toHaveLength(1);
    expect(await api.prisma.notification.count({ where: { userId: staffUserId, kind: 'EMPLOYMENT_CHECK_REMINDER' } })).toBe(1);

    // The scorecards already show today's state: the 6 open checks are pending, not in the denominator.
    const [card] = await scorecard('CLASS', '2026-05-22', '2026-05-22');
    expect(card).toMatchObject({ key: classId, ...expectedCard(cs) });
    expect((card!.checkpoints as Array<{ pending: number }>)[1]!.pending).toBe(6);
  });

  it('running the same day again, and the next day, adds no uplift line and no reminder', async () => {
    const before = await api.prisma.subsidyClaimLine.count({ where: { part: 'EMPLOYMENT_UPLIFT' } });
    expect(before).toBe(14);

    const again = await runDay(DEMO_TODAY);
    expect(again.plan).toMatchObject({ created: false, chunkIds: [] });
    expect(again.finish).toEqual({ skipped: true, uplifts: 0, refused: 0, claims: 0 });

    const next = await runDay('2026-11-23');
    expect(next.plan.created).toBe(true);
    expect(next.results.reduce((s, r) => s + r.reminders, 0)).toBe(0);
    expect(next.finish).toMatchObject({ skipped: false, uplifts: 0 });

    const all = await claims();
    const uplift = all.filter((c) => c.kind === 'EMPLOYMENT_UPLIFT');
    expect(uplift).toHaveLength(1);
    expect(uplift[0]!.lines.map((l) => l.person.id).sort()).toEqual(qualifiedPersons);
    expect(await api.prisma.subsidyClaimLine.count({ where: { part: 'EMPLOYMENT_UPLIFT' } })).toBe(14);
    // Exactly one uplift line per enrollment, ever.
    const perEnrollment = await api.prisma.subsidyClaimLine.groupBy({ by: ['enrollmentId'], where: { part: 'EMPLOYMENT_UPLIFT' }, _count: true });
    expect(perEnrollment.every((g) => g._count === 1)).toBe(true);
    expect(await reminders()).toHaveLength(1);

    // The next day the 6-month windows have closed: the 6 reminded graduates are NOT_EMPLOYED, the rest final.
    const cs = await checks();
    expect(count(cs, 6)).toEqual({ QUALIFIED: 14, EMPLOYED: 7, NOT_EMPLOYED: 6, PENDING: 0 });
    expect(cs.every((c) => c.decided)).toBe(true);
  });

  it('the scorecards of the class and of the institution show the rates computed from the checks', async () => {
    const cs = await checks();
    const expected = expectedCard(cs);
    // By hand: 3 months 12 employed (7 qualified) of 27; 6 months 21 employed (14 qualified) of 27;
    // 14 of 27 graduates qualify; wages: the 18 insured graduates' imported base of 3,800 yuan.
    expect(expected).toMatchObject({
      employmentDecided: 27,
      qualifiedEnrollments: 14,
      qualifyingRate: 0.5185,
      checkpoints: [
        { checkpointMonths: 3, decided: 27, employed: 12, qualified: 7, pending: 0, employmentRate: 0.4444, qualifiedRate: 0.2593 },
        { checkpointMonths: 6, decided: 27, employed: 21, qualified: 14, pending: 0, employmentRate: 0.7778, qualifiedRate: 0.5185 },
      ],
      contractSamples: 21,
      medianMonthlyWageFen: 380_000,
      wageSamples: 18,
    });

    const byClass = await scorecard('CLASS', '2026-05-22', '2026-05-22');
    expect(byClass).toHaveLength(1);
    expect(byClass[0]).toMatchObject({ key: classId, enrolled: 30, completed: 27, completionRate: 0.9, ...expected });

    // The institution's only class ending in 2026 is this one (its welding class ends in 2027).
    const byInstitution = await scorecard('INSTITUTION', '2026-01-01', '2026-12-31');
    expect(byInstitution).toHaveLength(1);
    expect(byInstitution[0]).toMatchObject({ key: orgId('hetaoSchool'), enrolled: 30, completed: 27, completionRate: 0.9, ...expected });
  });
});
