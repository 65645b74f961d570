import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadCertificateFonts } from '@vtc/certificates';
import { type Config, configWith } from '@vtc/config';
import {
  type Actor,
  certificateFonts,
  certificateSigningFrom,
  closeAssessmentSession,
  createAssessmentSession,
  hashPassword,
  recordAssessmentResults,
  registerCandidates,
} from '@vtc/core';
import { makeCreditCode } from '@vtc/domain';
import { createFixtures, startTestApi, TEST_PASSWORD, type TestApi } from '../../api/src/testing.ts';
import { createRenderCertificateHandler, HANDLERS } from './handlers/index.ts';
import { type RunningWorker, startWorker } from './worker.ts';

/**
 * A certificate whose PDF cannot be drawn (here: a configured font that is not a font) no longer
 * leaves the session's render progress stuck: the other certificates are rendered, the failure is
 * recorded with its reason and attempt count, the flow's parent still runs, the API shows
 * `renderProgress { total rendered failed lastError failures }`, and `retryCertificateRendering`
 * (audited; evaluator or bureau only) renders only the failed one once the font is fixed.
 */
let api: TestApi;
let worker: RunningWorker;
let config: Config;
let sessionId: string;
let badCertificateId: string;
let fontFixed = false;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const brokenFonts = () => loadCertificateFonts({ fonts: [{ data: new Uint8Array(64) }] });

beforeAll(async () => {
  api = await startTestApi('render_failures');
  const fx = await createFixtures(api.prisma, api.config);
  config = configWith({ DATABASE_URL: api.db.url, QUEUE_PREFIX: `test-renderfail-${randomBytes(4).toString('hex')}`, OUTBOX_POLL_MS: '50' });
  const occ = await api.prisma.occupation.findUniqueOrThrow({ where: { code: '4-10-01-05' } });
  const body = await api.prisma.organization.create({
    data: {
      name: '临汾市技能评价中心',
      kind: 'EVALUATION_BODY',
      regionCode: '141000',
      evaluationCode: '1409',
      creditCode: makeCreditCode({ authority: '5', orgType: '2', regionCode: '141000', orgCode9: 'MJ0000078' }),
      qualifications: { create: { occupationId: occ.id, maxLevel: 'LEVEL_3' } },
    },
  });
  await api.prisma.user.create({
    data: {
      username: 'evaluator1',
      displayName: 'evaluator1',
      passwordHash: await hashPassword(TEST_PASSWORD),
      roleBindings: { create: { role: 'EVALUATOR', organizationId: body.id } },
    },
  });
  const evaluatorUser = await api.prisma.user.findUniqueOrThrow({ where: { username: 'evaluator1' } });
  const people = await api.prisma.person.findMany({ where: { id: { in: [fx.personB, fx.personC] } } });
  for (const p of people) await api.prisma.enrollment.create({ data: { classId: fx.classA, personId: p.id } });
  await api.prisma.trainingClass.update({ where: { id: fx.classA }, data: { status: 'COMPLETED' } });
  await api.prisma.enrollment.updateMany({ where: { classId: fx.classA }, data: { status: 'COMPLETED' } });
  const evaluator: Actor = {
    userId: evaluatorUser.id,
    username: 'evaluator1',
    sessionId: null,
    roles: [{ role: 'EVALUATOR', organizationId: body.id, regionCode: null, personId: null, canViewIdNumbers: false }],
  };
  const s = await createAssessmentSession(api.prisma, evaluator, {
    occupationId: occ.id,
    kind: 'SKILL_LEVEL',
    level: 'LEVEL_4',
    siteCode: '141002',
    scheduledOn: '2026-12-05',
    classId: fx.classA,
  });
  sessionId = s.id;
  await registerCandidates(api.prisma, evaluator, { sessionId: s.id, fromClassId: fx.classA });
  await recordAssessmentResults(api.prisma, evaluator, {
    sessionId: s.id,
    results: [fx.personA, fx.personB, fx.personC].map((personId) => ({ personId, theoryScore: 80, practicalScore: 90 })),
  }, '2026-12-10');
  const { issued } = await closeAssessmentSession(api.prisma, certificateSigningFrom(config), evaluator, { sessionId: s.id, issuedOn: '2026-12-10' }, '2026-12-10');
  badCertificateId = (await api.prisma.certificate.findUniqueOrThrow({ where: { number: issued[1]! } })).id;
  // The real handlers, except that one certificate's font is broken until the test "installs" it.
  const handlers = HANDLERS.map((h) =>
    h.definition.name === 'render-certificate'
      ? createRenderCertificateHandler({ fonts: (id) => () => (id === badCertificateId && !fontFixed ? brokenFonts() : certificateFonts()) })
      : h,
  );
  worker = await startWorker({ config, handlers });
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await api?.stop();
});

const sessionGlobalId = () => Buffer.from(`AssessmentSession:${sessionId}`).toString('base64');
const PROGRESS = `query($id: ID!) { node(id: $id) { ... on AssessmentSession {
  renderProgress { total rendered failed lastError failures { certificateNumber attempts reason failedAt } } } } }`;
const RETRY = `mutation($id: ID!) { retryCertificateRendering(sessionId: $id) {
  __typename ... on CountPayload { count total } ... on DomainError { code } } }`;

interface Progress {
  total: number;
  rendered: number;
  failed: number;
  lastError: string | null;
  failures: Array<{ certificateNumber: string; attempts: number; reason: string }>;
}

async function progressAs(token: string): Promise<Progress> {
  const r = await api.gql<{ node: { renderProgress: Progress } | null }>(PROGRESS, { id: sessionGlobalId() }, token);
  expect(r.errors).toBeUndefined();
  return r.data!.node!.renderProgress;
}

describe('certificate rendering failures are visible and retried', () => {
  it('renders the others, counts the failure with its reason, and runs the flow parent', async () => {
    const audit = await waitFor(() => api.prisma.auditLog.findFirst({ where: { action: 'certificates.rendered' } }), 'the render flow parent');
    expect(audit.after).toEqual({ total: 3, rendered: 2, failed: 1 });
    expect(await api.prisma.certificateDocument.count()).toBe(2);

    const bad = await api.prisma.certificate.findUniqueOrThrow({ where: { id: badCertificateId } });
    const evaluatorToken = await api.login('evaluator1');
    const progress = await progressAs(evaluatorToken);
    expect(progress).toMatchObject({ total: 3, rendered: 2, failed: 1 });
    expect(progress.lastError).toContain('not a TrueType/OpenType font');
    // A render error would repeat: one attempt, no BullMQ retries.
    expect(progress.failures).toEqual([
      expect.objectContaining({ certificateNumber: bad.number, attempts: 1, reason: expect.stringContaining('CertificateFontError') }),
    ]);
    // The institution whose class it was sees the progress too.
    expect((await progressAs(await api.login('institution1'))).failed).toBe(1);
  });

  it('retries only the failed certificate, for the evaluator or a covering bureau, audited', async () => {
    const before = await api.prisma.certificateDocument.findMany({ orderBy: { certificateId: 'asc' } });

    // The institution sees the session but may not retry; a bureau elsewhere does not see it.
    const inst = await api.gql<{ retryCertificateRendering: { __typename: string; code?: string } }>(RETRY, { id: sessionGlobalId() }, await api.login('institution1'));
    expect(inst.data?.retryCertificateRendering).toEqual({ __typename: 'DomainError', code: 'FORBIDDEN' });
    const other = await api.gql<{ retryCertificateRendering: { __typename: string; code?: string } }>(RETRY, { id: sessionGlobalId() }, await api.login('bayannur.bureau'));
    expect(other.data?.retryCertificateRendering).toEqual({ __typename: 'DomainError', code: 'NOT_FOUND' });

    fontFixed = true; // the operator installs the font
    const r = await api.gql<{ retryCertificateRendering: { count: number; total: number } }>(RETRY, { id: sessionGlobalId() }, await api.login('linfen.bureau'));
    expect(r.errors).toBeUndefined();
    expect(r.data?.retryCertificateRendering).toEqual({ __typename: 'CountPayload', count: 1, total: 3 });
    expect(await api.prisma.auditLog.count({ where: { action: 'certificates.render.retried', entityId: sessionId } })).toBe(1);

    await waitFor(async () => (await api.prisma.auditLog.count({ where: { action: 'certificates.rendered' } })) === 2, 'the retry flow parent');
    const last = await api.prisma.auditLog.findFirstOrThrow({ where: { action: 'certificates.rendered' }, orderBy: { at: 'desc' } });
    expect(last.after).toEqual({ total: 3, rendered: 3, failed: 0 });
    const progress = await progressAs(await api.login('evaluator1'));
    expect(progress).toEqual({ total: 3, rendered: 3, failed: 0, lastError: null, failures: [] });
    // Only the failed one was rendered again: the other two documents are untouched.
    const after = await api.prisma.certificateDocument.findMany({ orderBy: { certificateId: 'asc' } });
    expect(after).toHaveLength(3);
    for (const d of before) expect(after.find((a) => a.certificateId === d.certificateId)?.renderedAt).toEqual(d.renderedAt);
    expect(await api.prisma.certificateRenderFailure.count()).toBe(0);

    // Nothing left to retry.
    const again = await api.gql<{ retryCertificateRendering: { __typename: string; code?: string } }>(RETRY, { id: sessionGlobalId() }, await api.login('evaluator1'));
    expect(again.data?.retryCertificateRendering).toEqual({ __typename: 'DomainError', code: 'VALIDATION' });
  }, 60_000);
});
