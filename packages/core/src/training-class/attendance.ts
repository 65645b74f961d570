import type { PrismaClient, Tx } from '@vtc/db';
import { isUuid, transaction } from '@vtc/db';
import {
  type AttendanceMethod,
  type AttendanceRecordDraft,
  assertInstitutionEntryDate,
  assertSessionBegun,
  dateFromIso,
  DomainError,
  formatSessionTime,
  isoDate,
  validateAttendanceRecords,
  type ValidAttendanceRecord,
  type ValidSession,
  validateSession,
} from '@vtc/domain';
import { isStaffOf, notFound } from '../shared/access.ts';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import { today as shanghaiToday } from '../shared/clock.ts';
import { classScope } from '../shared/scope.ts';
import { lockClass } from './filing.ts';

/**
 * Attendance (考勤): sessions of a class and who was present at each. The rules (session checks,
 * record checks, rates) are in domain training-class/attendance.ts; here we load, check who acts, write and audit,
 * each use case in one transaction. Only staff of the class's own institution write; anyone who
 * cannot see the class gets NOT_FOUND, anyone who sees it but is not its institution FORBIDDEN.
 */

function notStaff(): DomainError {
  return new DomainError('FORBIDDEN', {
    zh: '只有本班所属培训机构可以办理考勤和结业',
    en: "Only the class's own institution may record attendance and complete the class",
  });
}

/** Serialises the cross-class schedule check (one short critical section per new session). */
const SCHEDULE_LOCK_KEY = 74_042_101;

export interface AddAttendanceSessionInput {
  classId: string;
  /** Beijing calendar date, YYYY-MM-DD. */
  date: string;
  startsAt: Date;
  endsAt: Date;
  /** Class minutes counted; defaults to the whole minutes between start and end. */
  minutes?: number | null;
  topic?: string | null;
}

/**
 * Add a session to an approved or running class, dated today or later (or, for a late filing the
 * bureau acknowledged, within the class's dates): a past session is a bureau correction
 * (corrections.ts). Rejected when it overlaps another session of the class, or when any trainee
 * enrolled in the class has an overlapping session in another class they are enrolled in.
 */
export async function addAttendanceSession(prisma: PrismaClient, actor: Actor, input: AddAttendanceSessionInput, now: Date = new Date()) {
  if (!isUuid(input.classId)) throw notFound('Class', '培训班');
  const topic = sessionTopic(input.topic);
  return transaction(prisma, async (tx) => {
    const klass = await lockClass(tx, actor, input.classId);
    if (!isStaffOf(actor, klass.institutionId)) throw notStaff();
    if (klass.status !== 'APPROVED' && klass.status !== 'IN_PROGRESS') {
      throw new DomainError(
        'INVALID_TRANSITION',
        {
          zh: '只有已批准或培训中的培训班可以安排课次',
          en: `Sessions can be added only to an approved or running class (this one is ${klass.status})`,
        },
        { from: klass.status },
      );
    }
    const period = { startDate: isoDate(klass.startDate), endDate: isoDate(klass.endDate) };
    const session = validateSession({ date: input.date, startsAt: input.startsAt, endsAt: input.endsAt, minutes: input.minutes }, period);
    assertInstitutionEntryDate('session', session.date, { ...period, lateFilingAcknowledged: klass.lateFilingAcknowledgedAt !== null }, shanghaiToday(now));
    await assertScheduleFree(tx, klass.id, session);

    const created = await tx.attendanceSession.create({
      data: {
        classId: klass.id,
        date: dateFromIso(session.date),
        startsAt: session.startsAt,
        endsAt: session.endsAt,
        minutes: session.minutes,
        topic,
      },
    });
    await audit(tx, actor, {
      action: 'attendance.session.add',
      entityType: 'AttendanceSession',
      entityId: created.id,
      after: sessionFacts(klass.id, session, topic),
    });
    return created;
  });
}

/** The trimmed topic of a session (at most 200 characters), or null. */
export function sessionTopic(topic: string | null | undefined): string | null {
  const text = topic?.trim() || null;
  if (text && text.length > 200) {
    throw new DomainError('VALIDATION', { zh: '课程内容最长200字', en: 'Topic is longer than 200 characters' }, { field: 'topic' });
  }
  return text;
}

/** A session as the audit log keeps it. */
export function sessionFacts(classId: string, s: ValidSession, topic: string | null) {
  return { classId, date: s.date, startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString(), minutes: s.minutes, topic };
}

/**
 * The session's time is free: no other session of the class overlaps it, and no trainee enrolled in
 * the class has an overlapping session in another class (one set-based query; the count of such
 * trainees is in the error). `exceptSessionId` is the session being moved.
 */
export async function assertScheduleFree(tx: Tx, classId: string, session: ValidSession, exceptSessionId?: string): Promise<void> {
  const clash = await tx.attendanceSession.findFirst({
    where: {
      classId,
      startsAt: { lt: session.endsAt },
      endsAt: { gt: session.startsAt },
      ...(exceptSessionId ? { id: { not: exceptSessionId } } : {}),
    },
    orderBy: { startsAt: 'asc' },
    select: { id: true, startsAt: true, endsAt: true },
  });
  if (clash) {
    const when = formatSessionTime(clash.startsAt, clash.endsAt);
    throw new DomainError(
      'SCHEDULE_CONFLICT',
      { zh: `与本班已有课次(${when})时间重叠`, en: `Overlaps another session of this class (${when})` },
      { field: 'startsAt', sessionId: clash.id },
    );
  }

  // Two classes sharing a trainee may add sessions at the same moment: serialise the check.
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(${SCHEDULE_LOCK_KEY}::bigint)::text`;
  const [conflict] = await tx.$queryRaw<Array<{ trainees: number; sessions: number }>>`
    SELECT count(DISTINCT e."personId")::int AS trainees, count(DISTINCT s.id)::int AS sessions
    FROM "Enrollment" e
    JOIN "Enrollment" o ON o."personId" = e."personId" AND o."classId" <> e."classId" AND o.status <> 'WITHDRAWN'
    JOIN "TrainingClass" oc ON oc.id = o."classId" AND oc.status <> 'CANCELLED'
    JOIN "AttendanceSession" s ON s."classId" = o."classId"
      AND s."startsAt" < ${session.endsAt} AND s."endsAt" > ${session.startsAt}
    WHERE e."classId" = ${classId}::uuid AND e.status = 'ENROLLED'`;
  if (conflict && conflict.trainees > 0) {
    throw new DomainError(
      'SCHEDULE_CONFLICT',
      {
        zh: `本班有${conflict.trainees}名学员在此时间已有其他培训班的课次`,
        en: `${conflict.trainees} trainee(s) of this class have a session of another class at this time`,
      },
      { field: 'startsAt', trainees: conflict.trainees, sessions: conflict.sessions },
    );
  }
}

export interface RecordAttendanceInput {
  sessionId: string;
  records: AttendanceRecordDraft[];
}

export interface RecordAttendanceResult {
  sessionId: string;
  classId: string;
  created: number;
  updated: number;
  /** Records given again with the same values: nothing written for them. */
  unchanged: number;
}

export interface RecordRow {
  enrollmentId: string;
  present: boolean;
  method: AttendanceMethod;
  evidenceRef: string | null;
}

/**
 * Record who was present at a session: one row per (session, enrollment), re-recording updates it and
 * recording the same again changes nothing (no write, no audit). Only enrollments of the session's
 * class; not once the session is closed or the class is no longer in progress; only for a session
 * that has begun and is dated today (or, for an acknowledged late filing, within the class's dates):
 * attendance of a past day is a bureau correction (corrections.ts). At most 1000 a call.
 */
export async function recordAttendance(
  prisma: PrismaClient,
  actor: Actor,
  input: RecordAttendanceInput,
  now: Date = new Date(),
): Promise<RecordAttendanceResult> {
  if (!isUuid(input.sessionId)) throw notFound('Session', '课次');
  const records = validateAttendanceRecords(input.records);
  return transaction(prisma, async (tx) => {
    const visible = await tx.attendanceSession.findFirst({
      where: { id: input.sessionId, class: classScope(actor) },
      select: { id: true, classId: true },
    });
    if (!visible) throw notFound('Session', '课次');
    // Share-lock the class: completion (which closes sessions) waits for us, or we see it completed.
    const [klass] = await tx.$queryRaw<Array<{ status: string; institutionId: string; startDate: string; endDate: string; lateFilingAcknowledged: boolean }>>`
      SELECT status::text AS status, "institutionId"::text AS "institutionId", "startDate"::text AS "startDate",
             "endDate"::text AS "endDate", ("lateFilingAcknowledgedAt" IS NOT NULL) AS "lateFilingAcknowledged"
      FROM "TrainingClass" WHERE id = ${visible.classId}::uuid FOR SHARE`;
    if (!klass) throw notFound('Session', '课次');
    if (!isStaffOf(actor, klass.institutionId)) throw notStaff();
    if (klass.status !== 'IN_PROGRESS') {
      const done = klass.status === 'COMPLETED' || klass.status === 'SETTLED';
      throw new DomainError(
        'INVALID_TRANSITION',
        done
          ? { zh: '培训班已结业,考勤已关闭', en: 'The class is completed: attendance is closed' }
          : { zh: '只有培训中的培训班可以记录考勤', en: `Attendance is recorded only while the class is in progress (this one is ${klass.status})` },
        { from: klass.status },
      );
    }
    const session = await tx.attendanceSession.findUniqueOrThrow({
      where: { id: visible.id },
      select: { closedAt: true, date: true, startsAt: true, endsAt: true },
    });
    if (session.closedAt) {
      throw new DomainError('INVALID_TRANSITION', { zh: '该课次考勤已关闭', en: 'Attendance of this session is closed' });
    }
    assertSessionBegun(session, now);
    assertInstitutionEntryDate('attendance', isoDate(session.date), klass, shanghaiToday(now));

    const w = await writeAttendance(tx, actor, visible, records);
    if (w.changed.length > 0) {
      await audit(tx, actor, {
        action: 'attendance.record',
        entityType: 'AttendanceSession',
        entityId: visible.id,
        before: w.before.length > 0 ? { records: w.before } : undefined,
        after: { classId: visible.classId, records: w.changed },
      });
    }
    return { sessionId: visible.id, classId: visible.classId, created: w.created, updated: w.updated, unchanged: w.unchanged };
  });
}

export interface AttendanceWrite {
  created: number;
  updated: number;
  unchanged: number;
  /** The records written, as written. */
  changed: RecordRow[];
  /** The earlier values of the records updated. */
  before: RecordRow[];
}

/**
 * Write a session's records (the caller has checked who acts and when): every enrollment must be of
 * the session's class (VALIDATION naming the row); records equal to the stored ones are not written.
 */
export async function writeAttendance(
  tx: Tx,
  actor: Actor,
  session: { id: string; classId: string },
  records: readonly ValidAttendanceRecord[],
): Promise<AttendanceWrite> {
  const ids = records.map((r) => r.enrollmentId);
  const members = new Set(
    (
      await tx.enrollment.findMany({
        where: { id: { in: ids.filter(isUuid) }, classId: session.classId },
        select: { id: true },
      })
    ).map((e) => e.id),
  );
  const foreign = records.findIndex((r) => !members.has(r.enrollmentId));
  if (foreign >= 0) {
    const row = foreign + 1;
    const id = records[foreign]!.enrollmentId;
    throw new DomainError(
      'VALIDATION',
      { zh: `第${row}条:该报名记录不属于本课次的培训班`, en: `Row ${row}: the enrollment is not in this session's class` },
      { field: 'enrollmentId', row, enrollmentId: id },
    );
  }

  const existing = new Map(
    (
      await tx.attendanceRecord.findMany({
        where: { sessionId: session.id, enrollmentId: { in: ids } },
        select: { enrollmentId: true, present: true, method: true, evidenceRef: true },
      })
    ).map((r) => [r.enrollmentId, r]),
  );
  const changed: RecordRow[] = [];
  const before: RecordRow[] = [];
  for (const r of records) {
    const old = existing.get(r.enrollmentId);
    if (old && old.present === r.present && old.method === r.method && old.evidenceRef === r.evidenceRef) continue;
    changed.push(r);
    if (old) before.push(old);
  }
  if (changed.length === 0) return { created: 0, updated: 0, unchanged: records.length, changed, before };
  const written = await tx.$queryRaw<Array<{ inserted: boolean }>>`
    INSERT INTO "AttendanceRecord" (id, "sessionId", "enrollmentId", present, method, "evidenceRef", "recordedAt", "recordedById")
    SELECT gen_random_uuid(), ${session.id}::uuid, v.enrollment_id, v.present, v.method::"AttendanceMethod", v.evidence_ref, now(), ${actor.userId}::uuid
    FROM unnest(
      ${changed.map((r) => r.enrollmentId)}::uuid[],
      ${changed.map((r) => r.present)}::boolean[],
      ${changed.map((r) => r.method)}::text[],
      ${changed.map((r) => r.evidenceRef)}::text[]
    ) AS v(enrollment_id, present, method, evidence_ref)
    ON CONFLICT ("sessionId", "enrollmentId") DO UPDATE SET
      present = EXCLUDED.present,
      method = EXCLUDED.method,
      "evidenceRef" = EXCLUDED."evidenceRef",
      "recordedAt" = EXCLUDED."recordedAt",
      "recordedById" = EXCLUDED."recordedById"
    RETURNING (xmax = 0) AS inserted`;
  const created = written.filter((w) => w.inserted).length;
  return { created, updated: written.length - created, unchanged: records.length - changed.length, changed, before };
}

/** Attended (present) minutes per enrollment of a class and the minutes of all its sessions. */
export async function classAttendanceMinutes(
  tx: Tx,
  classId: string,
): Promise<{ totalMinutes: number; attended: Map<string, number> }> {
  const [total] = await tx.$queryRaw<Array<{ minutes: number }>>`
    SELECT COALESCE(SUM(minutes), 0)::int AS minutes FROM "AttendanceSession" WHERE "classId" = ${classId}::uuid`;
  const rows = await tx.$queryRaw<Array<{ enrollmentId: string; minutes: number }>>`
    SELECT r."enrollmentId"::text AS "enrollmentId", SUM(s.minutes)::int AS minutes
    FROM "AttendanceRecord" r JOIN "AttendanceSession" s ON s.id = r."sessionId"
    WHERE s."classId" = ${classId}::uuid AND r.present
    GROUP BY r."enrollmentId"`;
  return { totalMinutes: total?.minutes ?? 0, attended: new Map(rows.map((r) => [r.enrollmentId, r.minutes])) };
}
