import type { PrismaClient, Tx } from '@vtc/db';
import { transaction } from '@vtc/db';
import { canEnroll, DomainError, isoDate, traineeErrorCode, validateTraineeInput } from '@vtc/domain';
import { isStaffOf, notFound } from '../shared/access.ts';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import { type PiiKeys, sealResidentId } from '../shared/pii.ts';
import { enrollmentScope } from '../shared/scope.ts';
import { lockClass } from './filing.ts';
import { trainingRulesFor } from './policy.ts';

/**
 * Real-name trainees. The same ID number anywhere in the system is the same person: registration
 * looks the person up by the keyed hash and reuses them; a person is enrolled at most once per class.
 * Priority groups and household type are snapshotted on the enrollment: eligibility is fixed at
 * training time.
 */
export interface TraineeInput {
  name: string;
  idNumber: string;
  phone?: string | null;
  householdType?: string | null;
  priorityGroups?: string[] | null;
}

/**
 * The answer to a name that does not match the person registered under an ID number. It tells that
 * the number is registered, so each one is audited (`person.nameMismatch`, outside the refused
 * transaction) and an actor who gets more than NAME_MISMATCH_LIMIT of them in the window is refused
 * registrations by ID number until the window passes (counted from those audit rows, in the
 * database, before any lookup, so the refusal itself reveals nothing).
 */
export class NameMismatchError extends DomainError {
  constructor(readonly personId: string) {
    super(
      'CONFLICT',
      {
        zh: '该身份证号已登记在另一姓名下,请核对姓名与证件',
        en: 'This ID number is already registered under another name; check the name and the ID',
      },
      { field: 'name' },
    );
  }
}

export const NAME_MISMATCH_LIMIT = { count: 10, windowMinutes: 60 } as const;
const NAME_MISMATCH_ACTION = 'person.nameMismatch';

/**
 * Run a registration by ID number (`fn`) under the name-mismatch rule: refused while the actor is
 * over the limit; a mismatch it answers is audited with `context` (e.g. the class), then rethrown.
 */
export async function guardNameMismatch<T>(prisma: PrismaClient, actor: Actor, context: Record<string, string>, fn: () => Promise<T>, now: Date = new Date()): Promise<T> {
  const since = new Date(now.getTime() - NAME_MISMATCH_LIMIT.windowMinutes * 60_000);
  const recent = await prisma.auditLog.count({ where: { actorUserId: actor.userId, action: NAME_MISMATCH_ACTION, at: { gte: since } } });
  if (recent >= NAME_MISMATCH_LIMIT.count) {
    throw new DomainError(
      'RATE_LIMITED',
      {
        zh: `${NAME_MISMATCH_LIMIT.windowMinutes}分钟内姓名与身份证号不符的登记过多,请稍后再试`,
        en: `Too many registrations whose name did not match the ID number in ${NAME_MISMATCH_LIMIT.windowMinutes} minutes; try again later`,
      },
      { rule: 'NAME_MISMATCH_LIMIT', limit: NAME_MISMATCH_LIMIT.count, windowMinutes: NAME_MISMATCH_LIMIT.windowMinutes },
    );
  }
  try {
    return await fn();
  } catch (error) {
    if (error instanceof NameMismatchError) {
      await transaction(prisma, (tx) => audit(tx, actor, { action: NAME_MISMATCH_ACTION, entityType: 'Person', entityId: error.personId, after: context }));
    }
    throw error;
  }
}

/** Find or create the person for a validated trainee; a different name under the same ID is refused. */
export async function upsertPerson(
  tx: Tx,
  keys: PiiKeys,
  v: { name: string; idNumber: string; birthDate: string; sex: 'MALE' | 'FEMALE'; originRegionCode: string; phone: string | null; householdType: 'URBAN' | 'RURAL' | null; priorityGroups: string[] },
): Promise<{ id: string; created: boolean }> {
  const sealed = sealResidentId(keys, v.idNumber);
  const existing = await tx.person.findUnique({ where: { idNumberHash: sealed.idNumberHash }, select: { id: true, name: true } });
  if (existing) {
    if (existing.name !== v.name) throw new NameMismatchError(existing.id);
    return { id: existing.id, created: false };
  }
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    INSERT INTO "Person" (id, name, "idNumberCipher", "idNumberHash", "idNumberMasked", "birthDate", sex,
      "originRegionCode", phone, "householdType", "priorityGroups", "createdAt", "updatedAt")
    VALUES (gen_random_uuid(), ${v.name}, ${sealed.idNumberCipher}, ${sealed.idNumberHash}, ${sealed.idNumberMasked},
      ${v.birthDate}::date, ${v.sex}::"Sex", ${v.originRegionCode}, ${v.phone},
      ${v.householdType}::"HouseholdType", ${v.priorityGroups}::"PriorityGroup"[], now(), now())
    ON CONFLICT ("idNumberHash") DO NOTHING
    RETURNING id`;
  const id = rows[0]?.id;
  if (id) return { id, created: true };
  // Registered concurrently by someone else: reuse (and re-check the name).
  return upsertPerson(tx, keys, v);
}

/**
 * Register (or find) a trainee and enroll them in a class of the actor's institution. Checks: the
 * class takes enrollments (DRAFT/REJECTED), capacity, working age under the class region's policy on
 * the class start date, not already enrolled, and no session overlapping a class they are in.
 */
export async function enrollTrainee(prisma: PrismaClient, keys: PiiKeys, actor: Actor, input: { classId: string; trainee: TraineeInput }, today: Date = new Date()) {
  return guardNameMismatch(prisma, actor, { classId: input.classId }, () => enrollInTransaction(prisma, keys, actor, input, today));
}

async function enrollInTransaction(prisma: PrismaClient, keys: PiiKeys, actor: Actor, input: { classId: string; trainee: TraineeInput }, today: Date) {
  return transaction(prisma, async (tx) => {
    const klass = await lockClass(tx, actor, input.classId);
    if (!isStaffOf(actor, klass.institutionId)) {
      throw new DomainError('FORBIDDEN', { zh: '只有本班所属机构可以登记学员', en: "Only the class's institution may enroll trainees" });
    }
    if (!canEnroll(klass.status)) {
      throw new DomainError('INVALID_TRANSITION', {
        zh: '培训班已提交或已开班,不能再增加学员',
        en: `Trainees cannot be added to a class in state ${klass.status}`,
      }, { from: klass.status });
    }
    const rules = await trainingRulesFor(tx, klass.regionCode, isoDate(klass.startDate));
    const checked = validateTraineeInput(input.trainee, { today, rules, on: isoDate(klass.startDate) });
    if (!checked.ok) {
      const first = checked.errors[0]!;
      throw new DomainError(
        traineeErrorCode(first),
        { zh: checked.errors.map((e) => e.zh).join(';'), en: checked.errors.map((e) => e.en).join('; ') },
        { field: first.field, errors: checked.errors.map((e) => ({ field: e.field, rule: e.rule })) },
      );
    }
    const v = checked.value;
    const person = await upsertPerson(tx, keys, v);
    const already = await tx.enrollment.findUnique({ where: { classId_personId: { classId: klass.id, personId: person.id } } });
    if (already) {
      throw new DomainError('CONFLICT', { zh: '该学员已在本班名单中', en: 'This trainee is already enrolled in the class' }, { field: 'idNumber' });
    }
    const enrolled = await tx.enrollment.count({ where: { classId: klass.id, status: { not: 'WITHDRAWN' } } });
    if (enrolled >= klass.capacity) {
      throw new DomainError('CAPACITY_EXCEEDED', {
        zh: `班级人数已满(${klass.capacity}人)`,
        en: `The class is full (${klass.capacity})`,
      }, { field: 'classId' });
    }
    await assertNoScheduleConflict(tx, klass.id, person.id);
    const enrollment = await tx.enrollment.create({
      data: {
        classId: klass.id,
        personId: person.id,
        priorityGroups: v.priorityGroups as never,
        householdType: v.householdType,
      },
    });
    await audit(tx, actor, {
      action: 'enrollment.created',
      entityType: 'Enrollment',
      entityId: enrollment.id,
      after: { classId: klass.id, personId: person.id, personCreated: person.created },
    });
    return { enrollment, personId: person.id, personCreated: person.created };
  });
}

/** No session of this class may overlap a session of another class the person is enrolled in. */
async function assertNoScheduleConflict(tx: Tx, classId: string, personId: string): Promise<void> {
  const rows = await tx.$queryRaw<Array<{ code: string }>>`
    SELECT DISTINCT c.code FROM "AttendanceSession" mine
      JOIN "AttendanceSession" other ON other."classId" <> mine."classId"
        AND mine."startsAt" < other."endsAt" AND other."startsAt" < mine."endsAt"
      JOIN "Enrollment" e ON e."classId" = other."classId" AND e."personId" = ${personId}::uuid AND e.status = 'ENROLLED'
      JOIN "TrainingClass" c ON c.id = other."classId"
     WHERE mine."classId" = ${classId}::uuid
     LIMIT 3`;
  if (rows.length) {
    throw new DomainError(
      'SCHEDULE_CONFLICT',
      {
        zh: `该学员参加的培训班${rows.map((r) => r.code).join('、')}与本班课程时间冲突`,
        en: `The trainee's class ${rows.map((r) => r.code).join(', ')} has sessions overlapping this class`,
      },
      { field: 'idNumber' },
    );
  }
}

/** Withdraw a trainee. Before approval the roster line is removed; once running it is marked WITHDRAWN. */
export async function withdrawEnrollment(prisma: PrismaClient, actor: Actor, input: { enrollmentId: string; reason: string }) {
  const reason = input.reason.trim();
  if (reason.length < 2 || reason.length > 200) {
    throw new DomainError('VALIDATION', { zh: '请填写退学原因(2–200字)', en: 'Give a reason (2–200 characters)' }, { field: 'reason' });
  }
  return transaction(prisma, async (tx) => {
    const e = await tx.enrollment.findFirst({ where: { AND: [{ id: input.enrollmentId }, enrollmentScope(actor)] } });
    if (!e) throw notFound('Enrollment', '报名记录');
    const klass = await lockClass(tx, actor, e.classId);
    if (!isStaffOf(actor, klass.institutionId)) {
      throw new DomainError('FORBIDDEN', { zh: '只有本班所属机构可以办理退学', en: "Only the class's institution may withdraw trainees" });
    }
    if (e.status !== 'ENROLLED' || !['DRAFT', 'REJECTED', 'SUBMITTED', 'APPROVED', 'IN_PROGRESS'].includes(klass.status)) {
      throw new DomainError('INVALID_TRANSITION', {
        zh: '该学员当前不能退学',
        en: `An enrollment in state ${e.status} of a class in state ${klass.status} cannot be withdrawn`,
      });
    }
    const removed = canEnroll(klass.status);
    if (removed) {
      await tx.attendanceRecord.deleteMany({ where: { enrollmentId: e.id } });
      await tx.enrollment.delete({ where: { id: e.id } });
    } else {
      await tx.enrollment.update({ where: { id: e.id }, data: { status: 'WITHDRAWN' } });
    }
    await audit(tx, actor, {
      action: removed ? 'enrollment.removed' : 'enrollment.withdrawn',
      entityType: 'Enrollment',
      entityId: e.id,
      before: { status: e.status },
      after: { status: removed ? null : 'WITHDRAWN', reason },
    });
    return { enrollmentId: e.id, removed };
  });
}
