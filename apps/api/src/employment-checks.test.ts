import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { checkChunk, ensureEmploymentChecks, finishCheckRun, planCheckRun } from '@vtc/core';
import { createFixtures, type Fixtures, startTestApi, type TestApi } from './testing.ts';

/**
 * Employment checks through the API: the list is scoped by the enrollment scope (institution, bureau
 * region, the trainee), the arguments are checked with the field named, and only a bureau officer or
 * an administrator can ask for a run (an outbox event the worker turns into the run job).
 */
let api: TestApi;
let fx: Fixtures;
const tokens: Record<string, string> = {};
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
let enrollmentA: string;

beforeAll(async () => {
  api = await startTestApi('employment_checks_api');
  fx = await createFixtures(api.prisma, api.config);
  for (const u of ['trainee.a', 'institution1', 'institution2', 'linfen.bureau', 'bayannur.bureau', 'admin']) tokens[u] = await api.login(u);
  enrollmentA = (await api.prisma.enrollment.findFirstOrThrow({ where: { personId: fx.personA, classId: fx.classA } })).id;
  await api.prisma.enrollment.update({ where: { id: enrollmentA }, data: { status: 'COMPLETED', completedAt: new Date('2026-03-31T04:00:00Z') } });
  await ensureEmploymentChecks(api.prisma, { today: '2026-04-01' });
}, 60_000);

afterAll(async () => {
  await api?.stop();
});

type Result = { __typename: string; code?: string; field?: string | null; data?: Array<{ checkpointMonths: number; dueOn: string; status: string; decided: boolean }> };
const LIST = `__typename
  ... on QueryEmploymentChecksSuccess { data { checkpointMonths dueOn status decided rule evidenceEn } }
  ... on DomainError { code field }`;

async function list(user: string, args: { enrollmentId?: string; classId?: string }): Promise<Result> {
  const r = await api.gql<{ employmentChecks: Result }>(
    `query($e: ID, $c: ID) { employmentChecks(enrollmentId: $e, classId: $c) { ${LIST} } }`,
    { e: args.enrollmentId, c: args.classId },
    tokens[user],
  );
  if (!r.data) throw new Error(JSON.stringify(r.errors));
  return r.data.employmentChecks;
}

describe('employmentChecks', () => {
  it('lists the 3- and 6-month checks of an enrollment to those who may see it', async () => {
    const own = await list('institution1', { enrollmentId: gid('Enrollment', enrollmentA) });
    expect(own.data).toEqual([
      { checkpointMonths: 3, dueOn: '2026-06-30', status: 'PENDING', decided: false, rule: null, evidenceEn: null },
      { checkpointMonths: 6, dueOn: '2026-09-30', status: 'PENDING', decided: false, rule: null, evidenceEn: null },
    ]);
    expect((await list('linfen.bureau', { enrollmentId: gid('Enrollment', enrollmentA) })).data).toHaveLength(2);
    expect((await list('trainee.a', { enrollmentId: gid('Enrollment', enrollmentA) })).data).toHaveLength(2);
    expect((await list('institution1', { classId: gid('TrainingClass', fx.classA) })).data).toHaveLength(2);
    // Other institutions and other regions see nothing.
    expect((await list('institution2', { enrollmentId: gid('Enrollment', enrollmentA) })).data).toEqual([]);
    expect((await list('bayannur.bureau', { classId: gid('TrainingClass', fx.classA) })).data).toEqual([]);
  });

  it('shows the decision and its evidence once a run has closed the windows', async () => {
    const plan = await planCheckRun(api.prisma, { runDate: '2026-10-01' });
    for (const id of plan.chunkIds) await checkChunk(api.prisma, id, { today: '2026-10-01' });
    await finishCheckRun(api.prisma, plan.runId, { today: '2026-10-01' });
    const r = await list('institution1', { enrollmentId: gid('Enrollment', enrollmentA) });
    expect(r.data!.map((c) => [c.status, c.decided, (c as { rule?: string }).rule])).toEqual([
      ['NOT_EMPLOYED', true, 'WINDOW_CLOSED'],
      ['NOT_EMPLOYED', true, 'WINDOW_CLOSED'],
    ]);
    expect((r.data![1] as { evidenceEn?: string }).evidenceEn).toContain('2026-03-31 to 2026-09-30 has closed');
  });

  it.each([
    ['neither id', {}, 'enrollmentId'],
    ['both ids', { enrollmentId: 'E', classId: 'C' }, 'classId'],
  ])('%s → VALIDATION naming the field', async (_n, args, field) => {
    const a = args as { enrollmentId?: string; classId?: string };
    const r = await list('institution1', {
      enrollmentId: a.enrollmentId ? gid('Enrollment', enrollmentA) : undefined,
      classId: a.classId ? gid('TrainingClass', fx.classA) : undefined,
    });
    expect(r).toMatchObject({ __typename: 'DomainError', code: 'VALIDATION', field });
  });
});

describe('runEmploymentChecks', () => {
  type Run = { __typename: string; runDate?: string; alreadyPlanned?: boolean; code?: string; field?: string | null };
  const run = async (user: string, date: string): Promise<Run> => {
    const r = await api.gql<{ runEmploymentChecks: Run }>(
      `mutation($d: String!) { runEmploymentChecks(date: $d) { __typename ... on EmploymentCheckRunRequest { runDate alreadyPlanned } ... on DomainError { code field } } }`,
      { d: date },
      tokens[user],
    );
    if (!r.data) throw new Error(JSON.stringify(r.errors));
    return r.data.runEmploymentChecks;
  };

  it('a bureau officer asks for a run: an outbox event for the run job, audited', async () => {
    expect(await run('linfen.bureau', '2026-07-01')).toEqual({ __typename: 'EmploymentCheckRunRequest', runDate: '2026-07-01', alreadyPlanned: false });
    const events = await api.prisma.outboxEvent.findMany({ where: { type: 'employment.check.run.requested' } });
    expect(events.map((e) => e.payload)).toEqual([{ runDate: '2026-07-01' }]);
    expect(await api.prisma.auditLog.count({ where: { action: 'employment.checks.run' } })).toBe(1);
    expect(await run('admin', '2026-07-02')).toMatchObject({ __typename: 'EmploymentCheckRunRequest' });
  });

  it('an institution may not; a bad date names the field', async () => {
    expect(await run('institution1', '2026-07-01')).toMatchObject({ __typename: 'DomainError', code: 'FORBIDDEN' });
    expect(await run('linfen.bureau', '2026-02-30')).toMatchObject({ __typename: 'DomainError', code: 'VALIDATION', field: 'date' });
    expect(await api.prisma.outboxEvent.count({ where: { type: 'employment.check.run.requested' } })).toBe(2);
  });
});
