import {
  assessmentSessionScope,
  certificateScope,
  closeAssessmentSession,
  createAssessmentSession,
  recordAssessmentResults,
  registerCandidates,
  dualCertificateReport,
  personScope,
  retryCertificateRendering,
  revokeCertificate,
  type RenderFailure as RenderFailureShape,
  type RenderProgress as RenderProgressShape,
  sessionRenderProgress,
  verifyCertificate,
} from '@vtc/core';
import { DomainError, type SkillLevel } from '@vtc/domain';
import { GraphQLError } from 'graphql';
import { z } from 'zod';
import { builder, pageArgs } from '../builder.ts';
import { TrainingClass } from '../training-class/training-class.ts';
import { Person } from '../person/person.ts';
import { Occupation, SkillLevelEnum } from '../shared/reference.ts';
import { scopedPerson } from '../shared/scoped.ts';

/** Skill assessment sessions, certificates, revocation and public verification. */
export const AssessmentKindEnum = builder.enumType('AssessmentKind', {
  values: {
    QUALIFICATION: { description: '职业资格评价' },
    SKILL_LEVEL: { description: '职业技能等级认定' },
    SPECIAL_ABILITY: { description: '专项职业能力考核' },
  } as const,
});
const AssessmentOutcomeEnum = builder.enumType('AssessmentOutcome', { values: ['PENDING', 'PASSED', 'FAILED', 'ABSENT'] as const });
const AssessmentSessionStatusEnum = builder.enumType('AssessmentSessionStatus', { values: ['PLANNED', 'OPEN', 'CLOSED'] as const });
export const CertificateKindEnum = builder.enumType('CertificateKind', {
  values: {
    SKILL_LEVEL: { description: '职业技能等级证书' },
    SPECIAL_ABILITY: { description: '专项职业能力证书' },
    TRAINING_COMPLETION: { description: '培训结业证书' },
    COMPETITION_AWARD: { description: '竞赛获奖证书' },
  } as const,
});
const CertificateStatusEnum = builder.enumType('CertificateStatus', { values: ['ISSUED', 'REVOKED'] as const });

export const Certificate = builder.prismaNode('Certificate', {
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: [certificateScope(ctx.actor)] }),
  fields: (t) => ({
    number: t.exposeString('number'),
    kind: t.expose('kind', { type: CertificateKindEnum }),
    status: t.expose('status', { type: CertificateStatusEnum }),
    holder: t.prismaField({
      type: Person,
      nullable: true,
      description: 'The holder, when the viewer may see them (personScope); null otherwise',
      resolve: (query, r, _a, ctx) => scopedPerson(ctx, r.personId, query),
    }),
    occupation: t.relation('occupation', { nullable: true }),
    level: t.expose('level', { type: SkillLevelEnum, nullable: true }),
    issuer: t.relation('issuer'),
    issuedOn: t.expose('issuedOn', { type: 'Date' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    revokeReason: t.exposeString('revokeReason', { nullable: true }),
    signatureKeyId: t.exposeString('signatureKeyId', { nullable: true }),
    pdfUrl: t.string({ description: 'Download (with the same bearer token)', resolve: (c) => `/certificates/${c.id}.pdf` }),
  }),
});

builder.prismaObject('AssessmentResult', {
  fields: (t) => ({
    id: t.exposeID('id'),
    candidate: t.prismaField({
      type: Person,
      nullable: true,
      description: 'The candidate, when the viewer may see them (personScope); null otherwise',
      resolve: (query, r, _a, ctx) => scopedPerson(ctx, r.personId, query),
    }),
    outcome: t.expose('outcome', { type: AssessmentOutcomeEnum }),
    theoryScore: t.float({ nullable: true, resolve: (r) => (r.theoryScore == null ? null : Number(r.theoryScore)) }),
    practicalScore: t.float({ nullable: true, resolve: (r) => (r.practicalScore == null ? null : Number(r.practicalScore)) }),
    certificate: t.relation('certificate', { nullable: true }),
  }),
});

const RenderFailure = builder.objectRef<RenderFailureShape>('RenderFailure').implement({
  description: 'A certificate whose last PDF render attempt failed',
  fields: (t) => ({
    certificateNumber: t.exposeString('certificateNumber'),
    attempts: t.exposeInt('attempts', { description: 'Failed render attempts so far' }),
    reason: t.exposeString('reason', { description: 'The error of the last attempt' }),
    failedAt: t.expose('failedAt', { type: 'DateTime' }),
  }),
});

const RenderProgress = builder.objectRef<RenderProgressShape>('RenderProgress').implement({
  fields: (t) => ({
    total: t.exposeInt('total'),
    rendered: t.exposeInt('rendered'),
    failed: t.exposeInt('failed', { description: 'Certificates not rendered whose last attempt failed' }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'The most recent failure’s error' }),
    failures: t.field({
      type: [RenderFailure],
      description: 'The failed certificates, most recent first (at most 100)',
      resolve: (p) => p.failures,
    }),
  }),
});

export const AssessmentSession = builder.prismaNode('AssessmentSession', {
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: [assessmentSessionScope(ctx.actor)] }),
  fields: (t) => ({
    kind: t.expose('kind', { type: AssessmentKindEnum }),
    status: t.expose('status', { type: AssessmentSessionStatusEnum }),
    occupation: t.relation('occupation'),
    level: t.expose('level', { type: SkillLevelEnum, nullable: true }),
    evaluationBody: t.relation('evaluationBody'),
    siteCode: t.exposeString('siteCode'),
    scheduledOn: t.expose('scheduledOn', { type: 'Date' }),
    passTheoryScore: t.exposeInt('passTheoryScore'),
    passPracticalScore: t.exposeInt('passPracticalScore'),
    class: t.relation('class', { nullable: true }),
    results: t.relation('results', {
      description: 'Results of the candidates the viewer may see',
      query: (_a, ctx) => ({ where: { person: personScope(ctx.actor) }, orderBy: { recordedAt: 'asc' } }),
    }),
    renderProgress: t.field({
      type: RenderProgress,
      description: 'Batch PDF rendering of the certificates (a worker flow after the session closes)',
      resolve: (s, _a, ctx) => sessionRenderProgress(ctx.prisma, s.id),
    }),
  }),
});

builder.queryFields((t) => ({
  certificates: t.prismaConnection(
    {
      type: Certificate,
      cursor: 'id',
      validate: pageArgs,
      args: {
        kind: t.arg({ type: CertificateKindEnum, required: false }),
        status: t.arg({ type: CertificateStatusEnum, required: false }),
      },
      resolve: (query, _r, args, ctx) =>
        ctx.prisma.certificate.findMany({
          ...query,
          where: { AND: [certificateScope(ctx.actor), args.kind ? { kind: args.kind } : {}, args.status ? { status: args.status } : {}] },
          orderBy: { id: 'asc' },
        }),
    },
    { name: 'CertificateConnection' },
    { name: 'CertificateEdge' },
  ),
  assessmentSessions: t.prismaConnection(
    {
      type: AssessmentSession,
      cursor: 'id',
      validate: pageArgs,
      resolve: (query, _r, _a, ctx) =>
        ctx.prisma.assessmentSession.findMany({ ...query, where: assessmentSessionScope(ctx.actor), orderBy: { id: 'asc' } }),
    },
    { name: 'AssessmentSessionConnection' },
    { name: 'AssessmentSessionEdge' },
  ),
}));

// ── public verification ─────────────────────────────────────────────────────────────────────

const VerificationStatusEnum = builder.enumType('VerificationStatus', { values: ['VALID', 'REVOKED', 'NOT_FOUND'] as const });

interface VerifiedShape {
  number: string;
  kind: string;
  holderName: string;
  holderIdMasked: string;
  occupationCode: string | null;
  occupationName: string | null;
  level: string | null;
  levelName: string | null;
  issuerName: string;
  issuerCode: string;
  issuedOn: string;
  revokedAt: string | null;
  revokeReason: string | null;
  signatureKeyId: string | null;
  signature: string | null;
}

const VerifiedCertificate = builder.objectRef<VerifiedShape>('VerifiedCertificate').implement({
  description: 'Every printed field, so an edited PDF can be told apart; the holder only masked.',
  fields: (t) => ({
    number: t.exposeString('number'),
    kind: t.field({ type: CertificateKindEnum, resolve: (c) => c.kind as never }),
    holderName: t.exposeString('holderName', { description: 'Masked: 张*' }),
    holderIdNumber: t.exposeString('holderIdMasked', { description: 'Masked: first 6 and last 4 visible' }),
    occupationCode: t.exposeString('occupationCode', { nullable: true }),
    occupationName: t.exposeString('occupationName', { nullable: true }),
    level: t.field({ type: SkillLevelEnum, nullable: true, resolve: (c) => c.level as SkillLevel | null }),
    levelName: t.exposeString('levelName', { nullable: true }),
    issuerName: t.exposeString('issuerName'),
    issuerCode: t.exposeString('issuerCode'),
    issuedOn: t.exposeString('issuedOn'),
    revokedAt: t.exposeString('revokedAt', { nullable: true }),
    revokeReason: t.exposeString('revokeReason', { nullable: true }),
    signatureKeyId: t.exposeString('signatureKeyId', { nullable: true }),
    signature: t.exposeString('signature', { nullable: true }),
  }),
});

const Verification = builder
  .objectRef<{ status: 'VALID' | 'REVOKED' | 'NOT_FOUND'; certificate: VerifiedShape | null }>('CertificateVerification')
  .implement({
    fields: (t) => ({
      status: t.field({ type: VerificationStatusEnum, resolve: (v) => v.status }),
      certificate: t.field({ type: VerifiedCertificate, nullable: true, resolve: (v) => v.certificate }),
    }),
  });

builder.queryField('verifyCertificate', (t) =>
  t.field({
    type: Verification,
    skipTypeScopes: true,
    authScopes: { public: true },
    description: 'Public: check a certificate by its number and the holder name. Not found and a wrong name answer alike.',
    args: {
      number: t.arg.string({ required: true, validate: z.string().max(40) }),
      name: t.arg.string({ required: true, validate: z.string().max(40) }),
    },
    resolve: async (_r, args, ctx) => {
      if (!(await ctx.rateLimit('verify', ctx.config.VERIFY_RATE_LIMIT_PER_MINUTE))) {
        throw new GraphQLError('Too many verification requests; try again in a minute / 查询过于频繁,请一分钟后再试', {
          extensions: { code: 'RATE_LIMITED', http: { status: 429 } },
        });
      }
      return verifyCertificate(ctx.prisma, args.number, args.name) as never;
    },
  }),
);

// ── mutations ───────────────────────────────────────────────────────────────────────────────

const SessionInput = builder.inputType('AssessmentSessionInput', {
  fields: (t) => ({
    occupationId: t.globalID({ required: true, for: Occupation }),
    kind: t.field({ type: AssessmentKindEnum, required: true }),
    level: t.field({ type: SkillLevelEnum, required: false }),
    siteCode: t.string({ required: true, validate: z.string().regex(/^\d{6}$/, 'must be 6 digits') }),
    scheduledOn: t.string({ required: true, validate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD') }),
    classId: t.globalID({ required: false, for: TrainingClass }),
    passTheoryScore: t.int({ required: false, validate: z.number().int().min(0).max(100) }),
    passPracticalScore: t.int({ required: false, validate: z.number().int().min(0).max(100) }),
  }),
});

const ScoreInput = builder.inputType('AssessmentScoreInput', {
  fields: (t) => ({
    personId: t.globalID({ required: true, for: Person }),
    absent: t.boolean({ required: false }),
    theoryScore: t.float({ required: false }),
    practicalScore: t.float({ required: false }),
  }),
});

const CountPayload = builder.objectRef<{ count: number; total?: number }>('CountPayload').implement({
  fields: (t) => ({ count: t.exposeInt('count'), total: t.int({ nullable: true, resolve: (x) => x.total ?? null }) }),
});
const IssuedPayload = builder.objectRef<{ issued: string[] }>('CertificatesIssuedPayload').implement({
  fields: (t) => ({ numbers: t.stringList({ resolve: (x) => x.issued }) }),
});



builder.mutationFields((t) => ({
  createAssessmentSession: t.prismaField({
    type: AssessmentSession,
    errors: { types: [DomainError] },
    args: { input: t.arg({ type: SessionInput, required: true }) },
    resolve: async (query, _r, { input }, ctx) => {
      const s = await createAssessmentSession(ctx.prisma, ctx.actor!, {
        occupationId: input.occupationId.id,
        kind: input.kind,
        level: input.level ?? null,
        siteCode: input.siteCode,
        scheduledOn: input.scheduledOn,
        classId: input.classId?.id ?? null,
        passTheoryScore: input.passTheoryScore ?? null,
        passPracticalScore: input.passPracticalScore ?? null,
      });
      return ctx.prisma.assessmentSession.findUniqueOrThrow({ ...query, where: { id: s.id } });
    },
  }),
  registerCandidates: t.field({
    type: CountPayload,
    errors: { types: [DomainError] },
    args: {
      sessionId: t.arg.globalID({ required: true, for: AssessmentSession }),
      fromClassId: t.arg.globalID({ required: false, for: TrainingClass }),
      personIds: t.arg.globalIDList({ required: false, for: Person, validate: z.array(z.any()).max(2000) }),
    },
    resolve: async (_r, args, ctx) => {
      const r = await registerCandidates(ctx.prisma, ctx.actor!, {
        sessionId: args.sessionId.id,
        fromClassId: args.fromClassId?.id ?? null,
        personIds: args.personIds?.map((p) => p.id) ?? null,
      });
      return { count: r.added, total: r.total };
    },
  }),
  recordAssessmentResults: t.field({
    type: CountPayload,
    errors: { types: [DomainError] },
    args: {
      sessionId: t.arg.globalID({ required: true, for: AssessmentSession }),
      results: t.arg({ type: [ScoreInput], required: true, validate: z.array(z.any()).min(1).max(2000) }),
    },
    resolve: async (_r, args, ctx) => {
      const r = await recordAssessmentResults(ctx.prisma, ctx.actor!, {
        sessionId: args.sessionId.id,
        results: args.results.map((x) => ({
          personId: x.personId.id,
          absent: x.absent ?? null,
          theoryScore: x.theoryScore ?? null,
          practicalScore: x.practicalScore ?? null,
        })),
      });
      return { count: r.recorded, total: r.passed };
    },
  }),
  closeAssessmentSession: t.field({
    type: IssuedPayload,
    description: 'Close the session and issue a signed certificate to every candidate who passed.',
    errors: { types: [DomainError] },
    args: {
      sessionId: t.arg.globalID({ required: true, for: AssessmentSession }),
      issuedOn: t.arg.string({
        required: false,
        description: 'The closing day, today in Asia/Shanghai (the default); any other date is refused',
        validate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'),
      }),
    },
    resolve: (_r, args, ctx) =>
      closeAssessmentSession(ctx.prisma, ctx.signing, ctx.actor!, { sessionId: args.sessionId.id, issuedOn: args.issuedOn ?? null }),
  }),
  retryCertificateRendering: t.field({
    type: CountPayload,
    description:
      'Render again the certificates of a closed session that have no PDF (failed or lost); for the evaluation body or a bureau covering the session. count: certificates queued; total: certificates of the session.',
    errors: { types: [DomainError] },
    args: { sessionId: t.arg.globalID({ required: true, for: AssessmentSession }) },
    resolve: (_r, args, ctx) => retryCertificateRendering(ctx.prisma, ctx.actor!, { sessionId: args.sessionId.id }),
  }),
  revokeCertificate: t.prismaField({
    type: Certificate,
    errors: { types: [DomainError] },
    args: {
      id: t.arg.globalID({ required: true, for: Certificate }),
      reason: t.arg.string({ required: true, validate: z.string().trim().min(2).max(500) }),
    },
    resolve: async (query, _r, args, ctx) => {
      const c = await revokeCertificate(ctx.prisma, ctx.actor!, { certificateId: args.id.id, reason: args.reason });
      return ctx.prisma.certificate.findUniqueOrThrow({ ...query, where: { id: c.id } });
    },
  }),
}));

// ── vocational college "dual certificate" view ───────────────────────────────────────────────

const StudentWithout = builder
  .objectRef<{ personId: string; name: string; idNumberMasked: string }>('StudentWithoutCertificate')
  .implement({
    fields: (t) => ({
      personId: t.exposeID('personId'),
      name: t.exposeString('name'),
      idNumber: t.exposeString('idNumberMasked', { description: 'Masked' }),
    }),
  });

const DualCertificateReport = builder
  .objectRef<Awaited<ReturnType<typeof dualCertificateReport>>>('DualCertificateReport')
  .implement({
    description: '双证书: graduating students of a vocational college with and without a skill certificate.',
    fields: (t) => ({
      graduationYear: t.exposeInt('graduationYear'),
      students: t.exposeInt('students'),
      withCertificate: t.exposeInt('withCertificate'),
      withoutCertificate: t.exposeInt('withoutCertificate'),
      coverage: t.float({ description: '0–1', resolve: (r) => r.coverageBp / 10_000 }),
      studentsWithout: t.field({ type: [StudentWithout], resolve: (r) => r.studentsWithout }),
    }),
  });

builder.queryField('dualCertificateReport', (t) =>
  t.field({
    type: DualCertificateReport,
    errors: { types: [DomainError] },
    args: {
      collegeId: t.arg.globalID({ required: true }),
      graduationYear: t.arg.int({ required: true }),
    },
    resolve: (_r, args, ctx) =>
      dualCertificateReport(ctx.prisma, ctx.actor!, { collegeId: args.collegeId.id, graduationYear: args.graduationYear }),
  }),
);
