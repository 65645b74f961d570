import { completeClass } from '@vtc/core';
import { type CompletionOutcome, DomainError } from '@vtc/domain';
import { z } from 'zod';
import { builder } from '../builder.ts';
import { Enrollment, EnrollmentStatusEnum, TrainingClass } from './training-class.ts';

/**
 * Completion (结业): completing a class with one result per trainee, each trainee's final status and
 * completion certificate. Resolvers map arguments only: the rules are in domain
 * training-class/completion.ts, the writes in core training-class/completion.ts.
 */

export const CompletionOutcomeEnum = builder.enumType('CompletionOutcome', {
  values: {
    PASSED: { description: '考核合格 (passed the final assessment)' },
    FAILED: { description: '考核不合格 (failed the final assessment)' },
    WITHDRAWN: { description: '退学 (withdrawn)' },
  } satisfies Record<CompletionOutcome, { description: string }>,
});

export const CompletionFailureReasonEnum = builder.enumType('CompletionFailureReason', {
  values: {
    ASSESSMENT_FAILED: { description: '结业考核不合格' },
    ATTENDANCE_BELOW_MINIMUM: { description: '出勤率低于政策要求' },
  } as const,
});

const CompletionCertificate = builder
  .objectRef<{ number: string; issuedOn: Date }>('CompletionCertificate')
  .implement({
    description: '培训结业证书: the training completion certificate of an enrollment',
    fields: (t) => ({
      number: t.exposeString('number', { description: 'JY-<region>-<year>-<serial>, e.g. JY-141002-2026-000001' }),
      issuedOn: t.expose('issuedOn', { type: 'Date' }),
    }),
  });

const CompletionResult = builder
  .objectRef<{ status: 'ENROLLED' | 'COMPLETED' | 'FAILED' | 'WITHDRAWN'; attendanceRateBp: number | null; score: { toNumber(): number } | null; completedAt: Date }>(
    'CompletionResult',
  )
  .implement({
    description: 'What completion fixed for this trainee',
    fields: (t) => ({
      status: t.field({ type: EnrollmentStatusEnum, resolve: (r) => r.status }),
      attendanceRate: t.float({ nullable: true, description: '0–1', resolve: (r) => (r.attendanceRateBp == null ? null : r.attendanceRateBp / 10_000) }),
      score: t.float({ nullable: true, description: '0–100', resolve: (r) => r.score?.toNumber() ?? null }),
      completedAt: t.expose('completedAt', { type: 'DateTime' }),
    }),
  });

builder.prismaObjectFields(Enrollment, (t) => ({
  result: t.field({
    type: CompletionResult,
    nullable: true,
    description: 'Final status, attendance rate and score, once the class is completed',
    select: { status: true, attendanceRateBp: true, score: true, completedAt: true },
    resolve: (e) => (e.completedAt ? { ...e, completedAt: e.completedAt } : null),
  }),
  completionCertificate: t.field({
    type: CompletionCertificate,
    nullable: true,
    select: {
      certificates: { where: { kind: 'TRAINING_COMPLETION' }, take: 1, select: { number: true, issuedOn: true } },
    },
    resolve: (e) => e.certificates[0] ?? null,
  }),
}));

// ───────────────────────────── mutation ─────────────────────────────

const ClassResultInput = builder.inputType('ClassResultInput', {
  fields: (t) => ({
    enrollmentId: t.globalID({ required: true, for: Enrollment }),
    outcome: t.field({ type: CompletionOutcomeEnum, required: true }),
    score: t.float({ required: false, description: '0–100, at most 2 decimals', validate: z.number().min(0).max(100) }),
  }),
});

const CompleteClassInput = builder.inputType('CompleteClassInput', {
  fields: (t) => ({
    classId: t.globalID({ required: true, for: TrainingClass }),
    results: t.field({
      type: [ClassResultInput],
      required: true,
      description: 'Exactly one result for every enrollment of the class',
      validate: z.array(z.any()).max(100_000),
    }),
  }),
});

type CompleteClassShape = Awaited<ReturnType<typeof completeClass>>;
type TraineeCompletionShape = CompleteClassShape['trainees'][number];

const TraineeCompletion = builder.objectRef<TraineeCompletionShape>('TraineeCompletion').implement({
  fields: (t) => ({
    enrollmentId: t.globalID({ resolve: (x) => ({ type: 'Enrollment', id: x.enrollmentId }) }),
    outcome: t.field({ type: CompletionOutcomeEnum, resolve: (x) => x.outcome }),
    status: t.field({ type: EnrollmentStatusEnum, resolve: (x) => x.status }),
    attendedMinutes: t.exposeInt('attendedMinutes'),
    attendanceRate: t.float({ description: '0–1', resolve: (x) => x.attendanceRateBp / 10_000 }),
    score: t.float({ nullable: true, resolve: (x) => (x.scoreHundredths === null ? null : x.scoreHundredths / 100) }),
    reasons: t.field({ type: [CompletionFailureReasonEnum], resolve: (x) => x.reasons }),
    reason: t.string({ nullable: true, description: 'Why not completed (English)', resolve: (x) => x.reason?.en ?? null }),
    reasonZh: t.string({ nullable: true, description: '未结业原因', resolve: (x) => x.reason?.zh ?? null }),
    certificateNumber: t.string({ nullable: true, resolve: (x) => x.certificateNumber }),
  }),
});

const CompleteClassPayload = builder.objectRef<CompleteClassShape>('CompleteClassPayload').implement({
  fields: (t) => ({
    class: t.prismaField({
      type: TrainingClass,
      resolve: (query, p, _a, ctx) => ctx.prisma.trainingClass.findUniqueOrThrow({ ...query, where: { id: p.classId } }),
    }),
    completedAt: t.expose('completedAt', { type: 'DateTime' }),
    issuedOn: t.expose('issuedOn', { type: 'Date', description: 'Issue date of the certificates (Beijing)' }),
    minAttendanceRate: t.float({ description: 'The minimum of the policy applied, 0–1', resolve: (p) => p.minAttendanceRateBp / 10_000 }),
    totalMinutes: t.exposeInt('totalMinutes', { description: 'Minutes of all sessions of the class' }),
    completed: t.exposeInt('completed'),
    failed: t.exposeInt('failed'),
    withdrawn: t.exposeInt('withdrawn'),
    certificatesIssued: t.exposeInt('certificatesIssued'),
    trainees: t.field({ type: [TraineeCompletion], resolve: (p) => p.trainees }),
  }),
});

builder.mutationFields((t) => ({
  completeClass: t.field({
    type: CompleteClassPayload,
    description:
      'Complete a running class: one result per enrollment; attendance is closed, each trainee gets a final status from result and attendance rate, and those completed a numbered completion certificate.',
    errors: { types: [DomainError] },
    args: { input: t.arg({ type: CompleteClassInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      completeClass(ctx.prisma, ctx.signing, ctx.actor!, {
        classId: input.classId.id,
        results: input.results.map((r) => ({ enrollmentId: r.enrollmentId.id, outcome: r.outcome, score: r.score ?? null })),
      }),
  }),
}));
