import { addAttendanceSession, classScope, correctAttendance, correctAttendanceSession, enrollmentScope, recordAttendance } from '@vtc/core';
import {
  type AttendanceMethod,
  attendanceRateBp,
  CORRECTION_REASON_MAX,
  CORRECTION_REASON_MIN,
  DomainError,
  isCalendarDate,
  MAX_ATTENDANCE_RECORDS_PER_CALL,
  MAX_EVIDENCE_REF_LENGTH,
  MAX_SESSION_MINUTES,
} from '@vtc/domain';
import { z } from 'zod';
import { builder, pageArgs } from '../builder.ts';
import { scopedEnrollment } from '../shared/scoped.ts';
import { Enrollment, TrainingClass } from './training-class.ts';

/**
 * Attendance (考勤): sessions of a class and who was present at each. Resolvers map arguments only:
 * the rules are in domain training-class/attendance.ts, the writes in core training-class/attendance.ts.
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

export const AttendanceRecord = builder.prismaObject('AttendanceRecord', {
  fields: (t) => ({
    enrollment: t.prismaField({
      type: Enrollment,
      nullable: true,
      description: 'The enrollment, when the viewer may see it (enrollmentScope); null otherwise',
      resolve: (query, r, _a, ctx) => scopedEnrollment(ctx, r.enrollmentId, query),
    }),
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

builder.mutationFields((t) => ({
  addAttendanceSession: t.prismaField({
    type: AttendanceSession,
    description:
      "Add a session to an approved or running class (the class's institution only), dated today or later; within the class's dates for a late filing the bureau acknowledged. A past session is a bureau correction (correctAttendanceSession).",
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
    description:
      "Record who was present at a session that has begun, on the session's day (or within an acknowledged late filing); recording a trainee again updates the record. Past attendance is a bureau correction (correctAttendance).",
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
}));

// ───────────────────────────── corrections of past facts ─────────────────────────────

const correctionReason = {
  required: true as const,
  description: `Why the past is corrected, ${CORRECTION_REASON_MIN}–${CORRECTION_REASON_MAX} characters (kept in the audit log)`,
  validate: z.string().max(2 * CORRECTION_REASON_MAX),
};

const CorrectAttendanceSessionInput = builder.inputType('CorrectAttendanceSessionInput', {
  fields: (t) => ({
    classId: t.globalID({ required: true, for: TrainingClass }),
    sessionId: t.globalID({ required: false, for: AttendanceSession, description: 'The session to change; omit to add a past session' }),
    date: t.string({ required: true, description: 'Beijing calendar date, YYYY-MM-DD', validate: date }),
    startsAt: t.string({ required: true, description: 'ISO 8601 with offset', validate: dateTime }),
    endsAt: t.string({ required: true, description: 'ISO 8601 with offset', validate: dateTime }),
    minutes: t.int({
      required: false,
      description: `Class minutes counted (default: the whole minutes from start to end; at most ${MAX_SESSION_MINUTES})`,
      validate: z.number().int().min(1).max(MAX_SESSION_MINUTES),
    }),
    topic: t.string({ required: false, validate: z.string().max(200) }),
    reason: t.string(correctionReason),
  }),
});

const CorrectAttendanceInput = builder.inputType('CorrectAttendanceInput', {
  fields: (t) => ({
    sessionId: t.globalID({ required: true, for: AttendanceSession }),
    records: t.field({
      type: [AttendanceRecordInput],
      required: true,
      description: `One per trainee, at most ${MAX_ATTENDANCE_RECORDS_PER_CALL}`,
      validate: z.array(z.any()).min(1).max(MAX_ATTENDANCE_RECORDS_PER_CALL),
    }),
    reason: t.string(correctionReason),
  }),
});

builder.mutationFields((t) => ({
  correctAttendanceSession: t.prismaField({
    type: AttendanceSession,
    description:
      "Bureau correction (更正): add a past session to a class, or change a session's date, times, minutes or topic. " +
      "Only a bureau officer covering the class's region, with a reason; audited. Refused (CONFLICT) on a completed class " +
      'with a live subsidy claim, on a settled class, and when it would change what completion fixed.',
    errors: { types: [DomainError] },
    args: { input: t.arg({ type: CorrectAttendanceSessionInput, required: true }) },
    resolve: async (query, _r, { input }, ctx) => {
      const written = await correctAttendanceSession(ctx.prisma, ctx.actor!, {
        classId: input.classId.id,
        sessionId: input.sessionId?.id ?? null,
        date: input.date,
        startsAt: new Date(input.startsAt),
        endsAt: new Date(input.endsAt),
        minutes: input.minutes ?? null,
        topic: input.topic ?? null,
        reason: input.reason,
      });
      return ctx.prisma.attendanceSession.findUniqueOrThrow({ ...query, where: { id: written.id } });
    },
  }),
  correctAttendance: t.field({
    type: RecordAttendancePayload,
    description:
      "Bureau correction (更正): enter or change trainees' attendance at a session that has begun, also a past or closed one. " +
      "Only a bureau officer covering the class's region, with a reason; audited with before and after. Refused like correctAttendanceSession.",
    errors: { types: [DomainError] },
    args: { input: t.arg({ type: CorrectAttendanceInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      correctAttendance(ctx.prisma, ctx.actor!, {
        sessionId: input.sessionId.id,
        reason: input.reason,
        records: input.records.map((r) => ({
          enrollmentId: r.enrollmentId.id,
          present: r.present,
          method: r.method ?? 'MANUAL',
          evidenceRef: r.evidenceRef ?? null,
        })),
      }),
  }),
}));
