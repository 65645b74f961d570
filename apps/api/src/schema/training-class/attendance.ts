import { addAttendanceSession, classScope, completeClass, enrollmentScope, recordAttendance } from '@vtc/core';
import {
  type AttendanceMethod,
  attendanceRateBp,
  type CompletionOutcome,
  DomainError,
  isCalendarDate,
  MAX_ATTENDANCE_RECORDS_PER_CALL,
  MAX_EVIDENCE_REF_LENGTH,
  MAX_SESSION_MINUTES,
} from '@vtc/domain';
import { z } from 'zod';
import { builder, pageArgs } from '../builder.ts';
import { Enrollment, EnrollmentStatusEnum, TrainingClass } from './training-class.ts';

/**
 * Attendance (考勤) and completion (结业). Sessions of a class, who was present at each, and the
 * completion of the class with one result per trainee. Resolvers map arguments only: the rules are in
 * domain/attendance.ts, the writes in core/attendance.ts and core/completion.ts.
 */
const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine(isCalendarDate, 'is not a real date');
const dateTime = z.iso.datetime({ offset: true, message: 'must be ISO 8601 with an offset, e.g. 2026-11-05T09:00:00+08:00' });

export const AttendanceMethodEnum = builder.enumType('AttendanceMethod', {
  values: {
    MANUAL: { description: '人工点名 (manual roll call)' },
    QR: { description: '扫码签到 (QR check-in; needs evidenceRef)' },
    FACE: { description: '人脸识别签到 (face check-in; needs evidenceRef)' },
  } satisfies Record<AttendanceMethod, { description: string }>,
});

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

export const AttendanceRecord = builder.prismaObject('AttendanceRecord', {
  fields: (t) => ({
    enrollment: t.relation('enrollment'),
    present: t.exposeBoolean('present'),
    method: t.expose('method', { type: AttendanceMethodEnum }),
    evidenceRef: t.exposeString('evidenceRef', { nullable: true, description: 'Reference of the QR scan or face check-in record' }),
    recordedAt: t.expose('recordedAt', { type: 'DateTime' }),
  }),
});

/** A session (课次) of a class: visible to whoever sees the class. */
export const AttendanceSession = builder.prismaNode('AttendanceSession', {
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, class: classScope(ctx.actor) }),
  fields: (t) => ({
    date: t.expose('date', { type: 'Date', description: 'Beijing calendar date' }),
    startsAt: t.expose('startsAt', { type: 'DateTime' }),
    endsAt: t.expose('endsAt', { type: 'DateTime' }),
    minutes: t.exposeInt('minutes', { description: 'Class minutes counted for attendance' }),
    topic: t.exposeString('topic', { nullable: true }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true, description: 'Set when the class completes' }),
    class: t.relation('class'),
    presentCount: t.relationCount('records', {
      description: 'Trainees recorded present (of those the viewer may see)',
      where: (_args, ctx) => ({ present: true, enrollment: enrollmentScope(ctx.actor) }),
    }),
    records: t.relatedConnection('records', {
      validate: pageArgs,
      cursor: 'id',
      description: 'Attendance records of the trainees the viewer may see',
      query: (_args, ctx) => ({
        where: { enrollment: enrollmentScope(ctx.actor) },
        orderBy: [{ enrollment: { createdAt: 'asc' } }, { id: 'asc' }],
      }),
    }),
  }),
});

builder.prismaObjectField(TrainingClass, 'sessions', (t) =>
  t.relatedConnection('attendanceSessions', {
    validate: pageArgs,
    cursor: 'id',
    description: 'Sessions (课次), in time order',
    query: { orderBy: [{ startsAt: 'asc' }, { id: 'asc' }] },
  }),
);

interface EnrollmentAttendanceShape {
  classId: string;
  attendance: Array<{ session: { classId: string; minutes: number } }>;
  class: { attendanceSessions: Array<{ minutes: number }> };
}

function attendedMinutes(e: Pick<EnrollmentAttendanceShape, 'classId' | 'attendance'>): number {
  return e.attendance.reduce((sum, r) => (r.session.classId === e.classId ? sum + r.session.minutes : sum), 0);
}

const presentMinutes = {
  classId: true,
  attendance: { where: { present: true }, select: { session: { select: { classId: true, minutes: true } } } },
} as const;

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
  attendedMinutes: t.int({
    description: 'Minutes of the sessions this trainee was recorded present at, now',
    select: presentMinutes,
    resolve: (e) => attendedMinutes(e),
  }),
  attendanceRateLive: t.float({
    description: 'Attendance rate 0–1 computed now (attended minutes / minutes of all sessions, rounded down to 0.01%)',
    select: { ...presentMinutes, class: { select: { attendanceSessions: { select: { minutes: true } } } } },
    resolve: (e) => {
      const total = e.class.attendanceSessions.reduce((sum, s) => sum + s.minutes, 0);
      return attendanceRateBp(Math.min(attendedMinutes(e), total), total) / 10_000;
    },
  }),
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

// ───────────────────────────── mutations ─────────────────────────────

const AddAttendanceSessionInput = builder.inputType('AddAttendanceSessionInput', {
  fields: (t) => ({
    classId: t.globalID({ required: true, for: TrainingClass }),
    date: t.string({ required: true, description: 'Beijing calendar date, YYYY-MM-DD', validate: date }),
    startsAt: t.string({ required: true, description: 'ISO 8601 with offset, e.g. 2026-11-05T09:00:00+08:00', validate: dateTime }),
    endsAt: t.string({ required: true, description: 'ISO 8601 with offset, e.g. 2026-11-05T11:00:00+08:00', validate: dateTime }),
    minutes: t.int({
      required: false,
      description: `Class minutes counted (default: the whole minutes from start to end; at most ${MAX_SESSION_MINUTES})`,
      validate: z.number().int().min(1).max(MAX_SESSION_MINUTES),
    }),
    topic: t.string({ required: false, validate: z.string().max(200) }),
  }),
});

const AttendanceRecordInput = builder.inputType('AttendanceRecordInput', {
  fields: (t) => ({
    enrollmentId: t.globalID({ required: true, for: Enrollment }),
    present: t.boolean({ required: true }),
    method: t.field({ type: AttendanceMethodEnum, required: false, description: 'Default MANUAL' }),
    evidenceRef: t.string({
      required: false,
      description: 'Reference of the QR scan or face check-in record (required for QR and FACE)',
      validate: z.string().max(MAX_EVIDENCE_REF_LENGTH),
    }),
  }),
});

const RecordAttendanceInput = builder.inputType('RecordAttendanceInput', {
  fields: (t) => ({
    sessionId: t.globalID({ required: true, for: AttendanceSession }),
    records: t.field({
      type: [AttendanceRecordInput],
      required: true,
      description: `One per trainee, at most ${MAX_ATTENDANCE_RECORDS_PER_CALL}; recording again updates`,
      validate: z.array(z.any()).min(1).max(MAX_ATTENDANCE_RECORDS_PER_CALL),
    }),
  }),
});

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

const RecordAttendancePayload = builder
  .objectRef<{ sessionId: string; created: number; updated: number; unchanged: number }>('RecordAttendancePayload')
  .implement({
    fields: (t) => ({
      session: t.prismaField({
        type: AttendanceSession,
        resolve: (query, p, _a, ctx) => ctx.prisma.attendanceSession.findUniqueOrThrow({ ...query, where: { id: p.sessionId } }),
      }),
      created: t.exposeInt('created'),
      updated: t.exposeInt('updated'),
      unchanged: t.exposeInt('unchanged', { description: 'Given again with the same values: nothing written' }),
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
  addAttendanceSession: t.prismaField({
    type: AttendanceSession,
    description: "Add a session to an approved or running class (the class's institution only).",
    errors: { types: [DomainError] },
    args: { input: t.arg({ type: AddAttendanceSessionInput, required: true }) },
    resolve: async (query, _r, { input }, ctx) => {
      const created = await addAttendanceSession(ctx.prisma, ctx.actor!, {
        classId: input.classId.id,
        date: input.date,
        startsAt: new Date(input.startsAt),
        endsAt: new Date(input.endsAt),
        minutes: input.minutes ?? null,
        topic: input.topic ?? null,
      });
      return ctx.prisma.attendanceSession.findUniqueOrThrow({ ...query, where: { id: created.id } });
    },
  }),
  recordAttendance: t.field({
    type: RecordAttendancePayload,
    description: 'Record who was present at a session; recording a trainee again updates the record.',
    errors: { types: [DomainError] },
    args: { input: t.arg({ type: RecordAttendanceInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      recordAttendance(ctx.prisma, ctx.actor!, {
        sessionId: input.sessionId.id,
        records: input.records.map((r) => ({
          enrollmentId: r.enrollmentId.id,
          present: r.present,
          method: r.method ?? 'MANUAL',
          evidenceRef: r.evidenceRef ?? null,
        })),
      }),
  }),
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
