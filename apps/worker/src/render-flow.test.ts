import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pdfText } from '@vtc/certificates/testing';
import { type Config, configWith } from '@vtc/config';
import { type Actor, certificateSigningFrom, closeAssessmentSession, createAssessmentSession, recordAssessmentResults, registerCandidates } from '@vtc/core';
import { makeCreditCode } from '@vtc/domain';
import { createFixtures, startTestApi, type TestApi } from '../../api/src/testing.ts';
import { type RunningWorker, startWorker } from './worker.ts';

/**
 * Closing an assessment session emits `assessment.closed`; the relay starts a BullMQ flow: one child
 * job per certificate renders its PDF, the parent runs when all are done.
 */
let api: TestApi;
let worker: RunningWorker;
let config: Config;
beforeAll(async () => {
  api = await startTestApi('render_flow');
  const fx = await createFixtures(api.prisma, api.config);
  config = configWith({ DATABASE_URL: api.db.url, QUEUE_PREFIX: `test-flow-${randomBytes(4).toString('hex')}`, OUTBOX_POLL_MS: '50' });
  const occ = await api.prisma.occupation.findUniqueOrThrow({ where: { code: '4-10-01-05' } });
  const body = await api.prisma.organization.create({
    data: {
      name: '临汾市技能评价中心',
      kind: 'EVALUATION_BODY',
      regionCode: '141000',
      evaluationCode: '1409',
      creditCode: makeCreditCode({ authority: '5', orgType: '2', regionCode: '141000', orgCode9: 'MJ0000077' }),
      qualifications: { create: { occupationId: occ.id, maxLevel: 'LEVEL_3' } },
    },
  });
  // Three more completed trainees in class A.
  const people = await api.prisma.person.findMany({ where: { id: { in: [fx.personB, fx.personC] } } });
  for (const p of people) await api.prisma.enrollment.create({ data: { classId: fx.classA, personId: p.id } });
  await api.prisma.trainingClass.update({ where: { id: fx.classA }, data: { status: 'COMPLETED' } });
  await api.prisma.enrollment.updateMany({ where: { classId: fx.classA }, data: { status: 'COMPLETED' } });
  const evaluator: Actor = {
    userId: '00000000-0000-4000-8000-000000000001',
    username: 'evaluator',
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
  await registerCandidates(api.prisma, evaluator, { sessionId: s.id, fromClassId: fx.classA });
  await recordAssessmentResults(api.prisma, evaluator, {
    sessionId: s.id,
    results: [fx.personA, fx.personB, fx.personC].map((personId) => ({ personId, theoryScore: 80, practicalScore: 90 })),
  }, '2026-12-10');
  worker = await startWorker({ config });
  await closeAssessmentSession(api.prisma, certificateSigningFrom(config), evaluator, { sessionId: s.id, issuedOn: '2026-12-10' }, '2026-12-10');
});
afterAll(async () => {
  await worker?.stop();
  await api?.stop();
});

describe('certificate render flow', () => {
  it('renders every certificate of the session, then runs the parent', async () => {
    const deadline = Date.now() + 30_000;
    let done = 0;
    while (Date.now() < deadline) {
      done = await api.prisma.auditLog.count({ where: { action: 'certificates.rendered' } });
      if (done) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(done).toBe(1);
    const docs = await api.prisma.certificateDocument.findMany({ include: { certificate: { include: { person: true } } } });
    expect(docs).toHaveLength(3);
    const audit = await api.prisma.auditLog.findFirstOrThrow({ where: { action: 'certificates.rendered' } });
    expect(audit.after).toEqual({ total: 3, rendered: 3, failed: 0 });
    for (const d of docs) {
      const text = await pdfText(d.pdf);
      // The holder's name, the number and the occupation, read back from the PDF itself (pdf.js).
      for (const v of [d.certificate.person.name, d.certificate.number, '养老护理员', '职业技能等级证书']) expect(text).toContain(v);
    }
  });
});
