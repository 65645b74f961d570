import type { PrismaClient, Tx } from '@vtc/db';
import { isUuid, transaction } from '@vtc/db';
import {
  type AttendanceRecordDraft,
  assertCompletionUnchanged,
  assertCorrectable,
  assertPastFact,
  correctionReason,
  dateFromIso,
  DomainError,
  isoDate,
  type LiveClaim,
  validateAttendanceRecords,
  validateSession,
} from '@vtc/domain';
import { isBureauCovering, notFound } from '../shared/access.ts';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import { classScope } from '../shared/scope.ts';
import { DEAD_CLAIM_STATUSES } from '../subsidy/gather/gathered.ts';
import { assertScheduleFree, classAttendanceMinutes, sessionFacts, sessionTopic, writeAttendance } from './attendance.ts';
import { lockClass } from './filing.ts';

/**
 * Corrections of past facts (更正): the only way a session or attendance dated before today is entered
 * or changed, unless the class is an acknowledged late filing (see domain training-class/corrections.ts).
 * Only a bureau officer whose region covers the class corrects; every correction needs a reason
 * (10–500 characters) and writes an audit row with before and after (the reason in `after`, as a
 * rejection keeps its reason), in the transaction of the change. A completed class with a live subsidy claim, and a settled class, are not corrected
 * (CONFLICT); a completed class without one only when the figures completion fixed stay the same.
 */

function notBureau(): DomainError {
  return new DomainError('FORBIDDEN', {
    zh: '过去的课次和考勤只能由辖区人社部门更正',
    en: "Past sessions and attendance are corrected only by a bureau officer covering the class's region",
  });
}

/** Live claims (neither rejected nor withdrawn) on the class or on a live line of one of its trainees. */
async function liveClaimsOn(tx: Tx, classId: string): Promise<LiveClaim[]> {
  const claims = await tx.subsidyClaim.findMany({
    where: {
      status: { notIn: [...DEAD_CLAIM_STATUSES] },
      OR: [{ basisRef: `class:${classId}` }, { lines: { some: { status: { not: 'REJECTED' }, enrollment: { classId } } } }],
    },
    orderBy: { number: 'asc' },
    select: { number: true, status: true },
  });
  return claims;
}

/** For a completed class: refuse (and so roll back) a correction that changed what completion fixed. */
async function keepCompletionFigures(tx: Tx, klass: { id: string; status: string; deliveredMinutes: number | null }): Promise<void> {
  if (klass.status !== 'COMPLETED') return;
  const results = await tx.enrollment.findMany({
    where: { classId: klass.id, attendanceRateBp: { not: null } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true, attendanceRateBp: true, person: { select: { name: true } } },
  });
  assertCompletionUnchanged(
    {
      deliveredMinutes: klass.deliveredMinutes,
      results: results.map((r) => ({ enrollmentId: r.id, label: r.person.name, attendanceRateBp: r.attendanceRateBp })),
    },
    await classAttendanceMinutes(tx, klass.id),
  );
}

export interface CorrectAttendanceSessionInput {
  classId: string;
  /** The session to change; absent to add a past session. */
  sessionId?: string | null;
  /** Beijing calendar date, YYYY-MM-DD. */
  date: string;
  startsAt: Date;
  endsAt: Date;
  minutes?: number | null;
  topic?: string | null;
  reason: string;
}

/**
 * Add a past session to a class, or change a session's date, times, minutes or topic. The session (as
 * corrected) must lie within the class's dates, have begun by `now`, and be free of clashes like any
 * other session.
 */
export async function correctAttendanceSession(prisma: PrismaClient, actor: Actor, input: CorrectAttendanceSessionInput, now: Date = new Date()) {
  if (!isUuid(input.classId)) throw notFound('Class', '培训班');
  if (input.sessionId != null && !isUuid(input.sessionId)) throw notFound('Session', '课次');
  const reason = correctionReason(input.reason);
  const topic = sessionTopic(input.topic);
  return transaction(prisma, async (tx) => {
    const klass = await lockClass(tx, actor, input.classId);
    if (!isBureauCovering(actor, klass.regionCode)) throw notBureau();
    assertCorrectable('session', klass.status, await liveClaimsOn(tx, klass.id));
    const old = input.sessionId
      ? await tx.attendanceSession.findFirst({ where: { id: input.sessionId, classId: klass.id } })
      : null;
    if (input.sessionId && !old) throw notFound('Session', '课次');
    const session = validateSession(
      { date: input.date, startsAt: input.startsAt, endsAt: input.endsAt, minutes: input.minutes },
      { startDate: isoDate(klass.startDate), endDate: isoDate(klass.endDate) },
    );
    assertPastFact(session, now);
    await assertScheduleFree(tx, klass.id, session, old?.id);

    const data = { date: dateFromIso(session.date), startsAt: session.startsAt, endsAt: session.endsAt, minutes: session.minutes, topic };
    const written = old
      ? await tx.attendanceSession.update({ where: { id: old.id }, data })
      : await tx.attendanceSession.create({
          // A session added to a completed class is closed like the others (completion closed them all).
          data: { ...data, classId: klass.id, closedAt: klass.status === 'COMPLETED' ? klass.completedAt : null },
        });
    await keepCompletionFigures(tx, klass);
    await audit(tx, actor, {
      action: old ? 'attendance.session.correct' : 'attendance.session.add.correction',
      entityType: 'AttendanceSession',
      entityId: written.id,
      before: old
        ? sessionFacts(klass.id, { date: isoDate(old.date), startsAt: old.startsAt, endsAt: old.endsAt, minutes: old.minutes }, old.topic)
        : undefined,
      after: { ...sessionFacts(klass.id, session, topic), classStatus: klass.status, reason },
    });
    return written;
  });
}

export interface CorrectAttendanceInput {
  sessionId: string;
  records: AttendanceRecordDraft[];
  reason: string;
}

export interface CorrectAttendanceResult {
  sessionId: string;
  classId: string;
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Enter or change trainees' attendance at a session that has begun, whether or not it is closed;
 * each record is written with the officer as its recorder. The same records again change nothing
 * (no write, no audit).
 */
export async function correctAttendance(
  prisma: PrismaClient,
  actor: Actor,
  input: CorrectAttendanceInput,
  now: Date = new Date(),
): Promise<CorrectAttendanceResult> {
  if (!isUuid(input.sessionId)) throw notFound('Session', '课次');
  const reason = correctionReason(input.reason);
  const records = validateAttendanceRecords(input.records);
  return transaction(prisma, async (tx) => {
    const visible = await tx.attendanceSession.findFirst({
      where: { id: input.sessionId, class: classScope(actor) },
      select: { id: true, classId: true },
    });
    if (!visible) throw notFound('Session', '课次');
    const klass = await lockClass(tx, actor, visible.classId);
    if (!isBureauCovering(actor, klass.regionCode)) throw notBureau();
    assertCorrectable('attendance', klass.status, await liveClaimsOn(tx, klass.id));
    const session = await tx.attendanceSession.findUniqueOrThrow({ where: { id: visible.id }, select: { startsAt: true, endsAt: true } });
    assertPastFact(session, now);

    const w = await writeAttendance(tx, actor, visible, records);
    const result = { sessionId: visible.id, classId: visible.classId, created: w.created, updated: w.updated, unchanged: w.unchanged };
    if (w.changed.length === 0) return result;
    await keepCompletionFigures(tx, klass);
    await audit(tx, actor, {
      action: 'attendance.correct',
      entityType: 'AttendanceSession',
      entityId: visible.id,
      before: { records: w.before },
      after: { classId: visible.classId, classStatus: klass.status, records: w.changed, reason },
    });
    return result;
  });
}
