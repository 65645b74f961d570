import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { canonicalPayload, encodeQrContent, parseSignature, verifyQrContent, type CertificatePayload } from '@vtc/certificates';
import { pdfText } from '@vtc/certificates/testing';
import { certificateSigningFrom, hashPassword } from '@vtc/core';
import { addDays, makeCreditCode, shanghaiDate } from '@vtc/domain';
import { createFixtures, startTestApi, TEST_PASSWORD, type Fixtures, type TestApi } from './testing.ts';

/**
 * An assessment session turns completed trainees into signed certificates; the public verifies them
 * (valid, then revoked); the QR payload verifies offline and a flipped byte does not.
 */
let api: TestApi;
let fx: Fixtures;
let evaluator: string;
let occupationId: string;
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
type R = Record<string, unknown>;

beforeAll(async () => {
  api = await startTestApi('certs', { VERIFY_RATE_LIMIT_PER_MINUTE: '12' });
  fx = await createFixtures(api.prisma, api.config);
  const occ = await api.prisma.occupation.findUniqueOrThrow({ where: { code: '4-10-01-05' } });
  occupationId = occ.id;
  const body = await api.prisma.organization.create({
    data: {
      name: '山西省职业技能鉴定评价中心',
      kind: 'EVALUATION_BODY',
      regionCode: '141000',
      evaluationCode: '1408',
      creditCode: makeCreditCode({ authority: '5', orgType: '2', regionCode: '141000', orgCode9: 'MJ0000099' }),
      qualifications: { create: { occupationId: occ.id, maxLevel: 'LEVEL_4' } },
    },
  });
  await api.prisma.user.create({
    data: {
      username: 'evaluator1',
      displayName: '评价员',
      passwordHash: await hashPassword(TEST_PASSWORD),
      roleBindings: { create: { role: 'EVALUATOR', organizationId: body.id } },
    },
  });
  // Class A completed, trainee A (张伟) completed it.
  await api.prisma.trainingClass.update({ where: { id: fx.classA }, data: { status: 'COMPLETED' } });
  await api.prisma.enrollment.updateMany({ where: { classId: fx.classA }, data: { status: 'COMPLETED' } });
  evaluator = await api.login('evaluator1');
});
afterAll(async () => {
  await api?.stop();
});

/** The API runs on the real clock: certificates carry its date (Asia/Shanghai). */
const TODAY = shanghaiDate(new Date());

const SESSION = `mutation($input: AssessmentSessionInput!) { createAssessmentSession(input: $input) {
  __typename ... on AssessmentSession { id status } ... on DomainError { code field } } }`;
const session = (change: R = {}, token = evaluator) =>
  api.gql<{ createAssessmentSession: R }>(SESSION, {
    input: { occupationId: gid('Occupation', occupationId), kind: 'SKILL_LEVEL', level: 'LEVEL_4', siteCode: '141002', scheduledOn: '2026-12-05', classId: gid('TrainingClass', fx.classA), ...change },
  }, token);

describe('assessment to certificate', () => {
  let sessionId: string;
  let number: string;

  it.each([
    [{ level: 'LEVEL_3' }, 'INELIGIBLE', 'occupationId'],
    [{ level: 'LEVEL_2' }, 'VALIDATION', 'level'],
    [{ kind: 'SPECIAL_ABILITY', level: null }, 'VALIDATION', 'kind'],
    [{ classId: gid('TrainingClass', fx?.classB ?? '00000000-0000-4000-8000-000000000000') }, 'VALIDATION', 'classId'],
  ])('refuses %j', async (change, code, field) => {
    if ('classId' in change) change.classId = gid('TrainingClass', fx.classB);
    const r = await session(change);
    expect(r.data?.createAssessmentSession).toMatchObject({ __typename: 'DomainError', code, field });
  });

  it('an institution cannot plan assessments', async () => {
    const r = await session({}, await api.login('institution1'));
    expect(r.data?.createAssessmentSession).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('plans, registers candidates from the completed class, records scores, closes and issues', async () => {
    const s = await session();
    sessionId = (s.data?.createAssessmentSession as R).id as string;
    const reg = await api.gql<{ registerCandidates: R }>(
      `mutation($s: ID!, $c: ID!) { registerCandidates(sessionId: $s, fromClassId: $c) { __typename ... on CountPayload { count total } ... on DomainError { code } } }`,
      { s: sessionId, c: gid('TrainingClass', fx.classA) },
      evaluator,
    );
    expect(reg.data?.registerCandidates).toEqual({ __typename: 'CountPayload', count: 1, total: 1 });

    const RECORD = `mutation($s: ID!, $r: [AssessmentScoreInput!]!) { recordAssessmentResults(sessionId: $s, results: $r) {
      __typename ... on CountPayload { count total } ... on DomainError { code field row } } }`;
    const bad = await api.gql<{ recordAssessmentResults: R }>(RECORD, { s: sessionId, r: [{ personId: gid('Person', fx.personA), theoryScore: 101, practicalScore: 80 }] }, evaluator);
    expect(bad.data?.recordAssessmentResults).toMatchObject({ code: 'VALIDATION', field: 'theoryScore', row: 1 });
    const stranger = await api.gql<{ recordAssessmentResults: R }>(RECORD, { s: sessionId, r: [{ personId: gid('Person', fx.personB), theoryScore: 80, practicalScore: 80 }] }, evaluator);
    expect(stranger.data?.recordAssessmentResults).toMatchObject({ code: 'NOT_FOUND', field: 'personId', row: 1 });

    const CLOSE = `mutation($s: ID!, $d: String!) { closeAssessmentSession(sessionId: $s, issuedOn: $d) {
      __typename ... on CertificatesIssuedPayload { numbers } ... on DomainError { code field } } }`;
    const early = await api.gql<{ closeAssessmentSession: R }>(CLOSE, { s: sessionId, d: TODAY }, evaluator);
    expect(early.data?.closeAssessmentSession).toMatchObject({ code: 'VALIDATION', field: 'results' });

    const ok = await api.gql<{ recordAssessmentResults: R }>(RECORD, { s: sessionId, r: [{ personId: gid('Person', fx.personA), theoryScore: 78.5, practicalScore: 85 }] }, evaluator);
    expect(ok.data?.recordAssessmentResults).toEqual({ __typename: 'CountPayload', count: 1, total: 1 });
    for (const d of [addDays(TODAY, 3), addDays(TODAY, -1), '2026-12-04']) {
      const dated = await api.gql<{ closeAssessmentSession: R }>(CLOSE, { s: sessionId, d }, evaluator);
      expect([d, dated.data?.closeAssessmentSession]).toEqual([d, { __typename: 'DomainError', code: 'VALIDATION', field: 'issuedOn' }]);
    }
    const closed = await api.gql<{ closeAssessmentSession: { numbers: string[] } }>(CLOSE, { s: sessionId, d: TODAY }, evaluator);
    expect(closed.data?.closeAssessmentSession.numbers).toEqual(['S14081414100226400000' + '1']);
    number = closed.data!.closeAssessmentSession.numbers[0]!;
    expect(number).toHaveLength(22);
    const again = await api.gql<{ closeAssessmentSession: R }>(CLOSE, { s: sessionId, d: TODAY }, evaluator);
    expect(again.data?.closeAssessmentSession).toMatchObject({ code: 'INVALID_TRANSITION' });
  });

  it('refuses scores before the assessment date, naming it', async () => {
    const scheduledOn = addDays(TODAY, 7);
    const s = await session({ scheduledOn });
    const id = (s.data?.createAssessmentSession as R).id as string;
    await api.gql(`mutation($s: ID!, $c: ID!) { registerCandidates(sessionId: $s, fromClassId: $c) { __typename } }`, { s: id, c: gid('TrainingClass', fx.classA) }, evaluator);
    const r = await api.gql<{ recordAssessmentResults: R }>(
      `mutation($s: ID!, $r: [AssessmentScoreInput!]!) { recordAssessmentResults(sessionId: $s, results: $r) { __typename ... on DomainError { code field message } } }`,
      { s: id, r: [{ personId: gid('Person', fx.personA), theoryScore: 80, practicalScore: 80 }] },
      evaluator,
    );
    expect(r.data?.recordAssessmentResults).toMatchObject({ __typename: 'DomainError', code: 'VALIDATION', field: 'scheduledOn' });
    expect((r.data?.recordAssessmentResults as R).message).toContain(scheduledOn);
    const rawId = Buffer.from(id, 'base64').toString().split(':')[1];
    expect(await api.prisma.assessmentResult.count({ where: { sessionId: rawId, outcome: { not: 'PENDING' } } })).toBe(0);
  });

  it('the stored signature verifies offline over the printed fields; a flipped byte does not', async () => {
    const c = await api.prisma.certificate.findUniqueOrThrow({ where: { number } });
    const payload = c.signedPayload as unknown as CertificatePayload;
    expect(payload).toMatchObject({ number, holderName: '张伟', level: 'LEVEL_4', levelName: '中级工', occupationCode: '4-10-01-05', issuedOn: TODAY });
    expect(payload.holderIdMasked).toMatch(/^141002\*{8}\d{3}[\dX]$/);
    const signature = parseSignature(c.signature!);
    const key = certificateSigningFrom(api.config).publicKey;
    const content = encodeQrContent({ baseUrl: 'https://vtc.example.gov.cn', number, canonical: canonicalPayload(payload), signature });
    const official = { baseUrl: 'https://vtc.example.gov.cn', keys: [key] };
    expect(verifyQrContent(content, official).status).toBe('VALID');
    expect(verifyQrContent(content.replace('vtc.example.gov.cn', 'vtc.example.gov.cn.evil.test'), official).status).not.toBe('VALID');
    const frag = content.split('#')[1]!;
    const flipped = content.replace(frag, `${frag[0] === 'A' ? 'B' : 'A'}${frag.slice(1)}`);
    expect(verifyQrContent(flipped, official).status).not.toBe('VALID');
  });

  const VERIFY = `query($n: String!, $name: String!) { verifyCertificate(number: $n, name: $name) { status certificate {
    number holderName holderIdNumber occupationName levelName issuerName issuedOn revokedAt revokeReason } } }`;

  it('the public sees it valid with masked holder fields; a wrong name looks like not found', async () => {
    const r = await api.gql<{ verifyCertificate: { status: string; certificate: R } }>(VERIFY, { n: number, name: '张伟' });
    expect(r.data?.verifyCertificate.status).toBe('VALID');
    expect(r.data?.verifyCertificate.certificate).toMatchObject({ number, holderName: '张*', levelName: '中级工', issuerName: '山西省职业技能鉴定评价中心', revokedAt: null });
    const wrong = await api.gql(VERIFY, { n: number, name: '李四' });
    const missing = await api.gql(VERIFY, { n: 'S140814141002264999999', name: '张伟' });
    expect(wrong.data).toEqual({ verifyCertificate: { status: 'NOT_FOUND', certificate: null } });
    expect(missing.data).toEqual(wrong.data);
  });

  it('the PDF downloads for the holder and reads back (pdf.js); the public page and key endpoint answer', async () => {
    const c = await api.prisma.certificate.findUniqueOrThrow({ where: { number } });
    const token = await api.login('trainee.a');
    const anon = await fetch(`${api.url}/certificates/${c.id}.pdf`);
    expect(anon.status).toBe(401);
    const other = await fetch(`${api.url}/certificates/${c.id}.pdf`, { headers: { authorization: `Bearer ${await api.login('institution2')}` } });
    expect(other.status).toBe(404);
    const res = await fetch(`${api.url}/certificates/${c.id}.pdf`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.length).toBeLessThan(150 * 1024);
    const text = await pdfText(pdf);
    for (const s of ['职业技能等级证书', '张伟', number, '养老护理员', '山西省职业技能鉴定评价中心']) expect(text).toContain(s);
    expect(text).toMatch(/141002\*{8}\d{3}[\dX]/);

    const ask = await fetch(`${api.url}/verify/${number}`);
    expect(await ask.text()).toContain('<form');
    const valid = await (await fetch(`${api.url}/verify/${number}?name=${encodeURIComponent('张伟')}`)).text();
    expect(valid).toContain('证书有效');
    expect(valid).toContain('张*');
    expect(valid).not.toContain('张伟');
    const keys = (await (await fetch(`${api.url}/.well-known/vtc-certificate-keys.json`)).json()) as Array<{ keyId: string }>;
    expect(keys.map((k) => k.keyId)).toEqual([api.config.CERT_KEY_ID]);
  });

  it('after revocation it verifies as revoked', async () => {
    const c = await api.prisma.certificate.findUniqueOrThrow({ where: { number } });
    const REVOKE = `mutation($id: ID!, $reason: String!) { revokeCertificate(id: $id, reason: $reason) {
      __typename ... on Certificate { status revokeReason } ... on DomainError { code } } }`;
    const byInstitution = await api.gql<{ revokeCertificate: R }>(REVOKE, { id: gid('Certificate', c.id), reason: '考核作弊' }, await api.login('institution2'));
    expect(byInstitution.data?.revokeCertificate).toMatchObject({ code: 'NOT_FOUND' });
    const r = await api.gql<{ revokeCertificate: R }>(REVOKE, { id: gid('Certificate', c.id), reason: '考核作弊' }, evaluator);
    expect(r.data?.revokeCertificate).toEqual({ __typename: 'Certificate', status: 'REVOKED', revokeReason: '考核作弊' });
    const v = await api.gql<{ verifyCertificate: { status: string; certificate: R } }>(VERIFY, { n: number, name: '张伟' });
    expect(v.data?.verifyCertificate).toMatchObject({ status: 'REVOKED', certificate: { revokeReason: '考核作弊' } });
    const html = await (await fetch(`${api.url}/verify/${number}?name=${encodeURIComponent('张伟')}`)).text();
    expect(html).toContain('证书已撤销');
  });

  it('rate-limits public verification per client with 429', async () => {
    let limited: { status: number; errors?: Array<{ extensions?: R }> } | undefined;
    for (let i = 0; i < 16 && !limited; i++) {
      const r = await api.gql(VERIFY, { n: number, name: '张伟' });
      if (r.status === 429) limited = r;
    }
    expect(limited?.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });

  it('trainee A sees the certificate among their own; institution2 does not', async () => {
    const q = '{ certificates(first: 10) { edges { node { number kind status holder { name } } } } }';
    const mine = await api.gql<{ certificates: { edges: Array<{ node: R }> } }>(q, {}, await api.login('trainee.a'));
    expect(mine.data?.certificates.edges.map((e) => e.node.number)).toEqual([number]);
    const other = await api.gql<{ certificates: { edges: unknown[] } }>(q, {}, await api.login('institution2'));
    expect(other.data?.certificates.edges).toEqual([]);
  });
});

describe('dual-certificate view of a vocational college', () => {
  it('counts graduating students with and without a skill certificate; others cannot see it', async () => {
    const occ = await api.prisma.occupation.findUniqueOrThrow({ where: { code: '4-10-01-05' } });
    const college = await api.prisma.organization.create({
      data: {
        name: '临汾职业技术学院',
        kind: 'VOCATIONAL_COLLEGE',
        regionCode: '141000',
        creditCode: makeCreditCode({ authority: '1', orgType: '2', regionCode: '141000', orgCode9: 'MJ0000055' }),
      },
    });
    const klass = await api.prisma.trainingClass.create({
      data: {
        code: 'PX-141000-2026-0900',
        name: '2026届养老护理专业',
        institutionId: college.id,
        regionCode: '141000',
        occupationId: occ.id,
        level: 'LEVEL_4',
        trainingType: 'EMPLOYMENT_SKILLS',
        status: 'COMPLETED',
        plannedHours: 120,
        startDate: new Date('2026-03-01T00:00:00Z'),
        endDate: new Date('2026-06-30T00:00:00Z'),
        venue: '校本部',
        capacity: 50,
      },
    });
    for (const personId of [fx.personB, fx.personC]) await api.prisma.enrollment.create({ data: { classId: klass.id, personId } });
    await api.prisma.certificate.create({
      data: {
        number: 'S140814141002264000900',
        kind: 'SKILL_LEVEL',
        personId: fx.personB,
        issuerId: college.id,
        occupationId: occ.id,
        level: 'LEVEL_4',
        issuedOn: new Date('2026-06-20T00:00:00Z'),
        verifyToken: 'dual-cert-test-token',
      },
    });
    const Q = `query($c: ID!, $y: Int!) { dualCertificateReport(collegeId: $c, graduationYear: $y) {
      __typename ... on DualCertificateReport { students withCertificate withoutCertificate coverage studentsWithout { name idNumber } }
      ... on DomainError { code } } }`;
    const r = await api.gql<{ dualCertificateReport: R }>(Q, { c: gid('Organization', college.id), y: 2026 }, await api.login('linfen.bureau'));
    expect(r.data?.dualCertificateReport).toMatchObject({ students: 2, withCertificate: 1, withoutCertificate: 1, coverage: 0.5 });
    expect((r.data?.dualCertificateReport.studentsWithout as Array<{ name: string }>).map((s) => s.name)).toEqual(['王芳']);
    const other = await api.gql<{ dualCertificateReport: R }>(Q, { c: gid('Organization', college.id), y: 2026 }, await api.login('institution1'));
    expect(other.data?.dualCertificateReport).toMatchObject({ code: 'NOT_FOUND' });
    const nextYear = await api.gql<{ dualCertificateReport: R }>(Q, { c: gid('Organization', college.id), y: 2027 }, await api.login('admin'));
    expect(nextYear.data?.dualCertificateReport).toMatchObject({ students: 0, coverage: 0 });
  });
});

describe('enterprise self-evaluation', () => {
  it('an employer evaluates its own staff only and issues Y-numbered certificates', async () => {
    const occ = await api.prisma.occupation.findUniqueOrThrow({ where: { code: '4-10-01-05' } });
    await api.prisma.organization.update({
      where: { id: fx.enterprise },
      data: { evaluationCode: '2201', qualifications: { create: { occupationId: occ.id, maxLevel: 'LEVEL_3' } } },
    });
    await api.prisma.user.create({
      data: {
        username: 'steel.evaluator',
        displayName: '企业评价员',
        passwordHash: await hashPassword(TEST_PASSWORD),
        roleBindings: { create: { role: 'EVALUATOR', organizationId: fx.enterprise } },
      },
    });
    await api.prisma.employmentRecord.create({
      data: { personId: fx.personC, employerId: fx.enterprise, source: 'LABOUR_CONTRACT', contractStart: new Date('2026-01-01T00:00:00Z') },
    });
    const token = await api.login('steel.evaluator');
    const s = await session({ classId: null, scheduledOn: '2026-12-06' }, token);
    const sessionId = (s.data?.createAssessmentSession as R).id as string;
    const REG = `mutation($s: ID!, $p: [ID!]) { registerCandidates(sessionId: $s, personIds: $p) { __typename ... on CountPayload { count } ... on DomainError { code } } }`;
    const outsider = await api.gql<{ registerCandidates: R }>(REG, { s: sessionId, p: [gid('Person', fx.personB)] }, token);
    expect(outsider.data?.registerCandidates).toMatchObject({ code: 'INELIGIBLE' });
    const staff = await api.gql<{ registerCandidates: R }>(REG, { s: sessionId, p: [gid('Person', fx.personC)] }, token);
    expect(staff.data?.registerCandidates).toEqual({ __typename: 'CountPayload', count: 1 });
    await api.gql(
      `mutation($s: ID!, $r: [AssessmentScoreInput!]!) { recordAssessmentResults(sessionId: $s, results: $r) { __typename } }`,
      { s: sessionId, r: [{ personId: gid('Person', fx.personC), theoryScore: 70, practicalScore: 70 }] },
      token,
    );
    const closed = await api.gql<{ closeAssessmentSession: { numbers: string[] } }>(
      `mutation($s: ID!) { closeAssessmentSession(sessionId: $s) { ... on CertificatesIssuedPayload { numbers } } }`,
      { s: sessionId },
      token,
    );
    expect(closed.data?.closeAssessmentSession.numbers).toEqual(['Y22011414100226400000' + '1']);
  });
});
