import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '@vtc/db';
import { isUuid, transaction } from '@vtc/db';
import {
  assertClassCompletable,
  type CompletionResultInput,
  type CompletionStatus,
  classEndDate,
  classTransition,
  completionCertificateNumber,
  completionSerialKey,
  deliveredHours,
  DomainError,
  formatScore,
  isoDate,
  planClassCompletion,
  shanghaiDate,
  type TraineeCompletion,
} from '@vtc/domain';
import { isStaffOf, notFound } from '../shared/access.ts';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import { type CertificateSigning, certificatePayload } from '../certificate/issue.ts';
import { formatSignature, signPayload } from '@vtc/certificates';
import { classAttendanceMinutes } from './attendance.ts';
import { emit } from '../shared/outbox.ts';
import { nextSerial } from '../shared/serial.ts';
import { lockClass } from './filing.ts';
import { trainingRulesFor } from './policy.ts';
import { ensureEmploymentChecks } from '../employment/ensure.ts';


/**
 * Completion (结业) of a class, in one transaction: the class goes IN_PROGRESS → COMPLETED (domain
 * state machine), every session is closed, every enrollment gets its final status, attendance rate
 * (with the minimum of the policy in force on the class's end date), score and completion time, and
 * each trainee who completed gets a training completion certificate numbered
 * JY-<region>-<year>-<serial>. A bad result row throws before anything is written; everything or nothing.
 */
export interface CompleteClassInput {
  classId: string;
  results: CompletionResultInput[];
}

export interface TraineeCompletionResult extends TraineeCompletion {
  personId: string;
  /** The completion certificate of a COMPLETED trainee. */
  certificateNumber: string | null;
}

export interface CompleteClassResult {
  classId: string;
  completedAt: Date;
  /** Completion date in Beijing, YYYY-MM-DD: the certificates' issue date. */
  issuedOn: string;
  minAttendanceRateBp: number;
  totalMinutes: number;
  completed: number;
  failed: number;
  withdrawn: number;
  certificatesIssued: number;
  trainees: TraineeCompletionResult[];
}

export const CLASS_COMPLETED_EVENT = 'class.completed';

/** A random 32-character base64url token printed in the certificate's QR code. */
export function newVerifyToken(): string {
  return randomBytes(24).toString('base64url');
}

export async function completeClass(
  prisma: PrismaClient,
  signing: CertificateSigning,
  actor: Actor,
  input: CompleteClassInput,
  now: Date = new Date(),
): Promise<CompleteClassResult> {
  if (!isUuid(input.classId)) throw notFound('Class', '培训班');
  return transaction(
    prisma,
    async (tx) => {
      const klass = await lockClass(tx, actor, input.classId);
      if (!isStaffOf(actor, klass.institutionId)) {
        throw new DomainError('FORBIDDEN', {
          zh: '只有本班所属培训机构可以办理结业',
          en: "Only the class's own institution may complete it",
        });
      }
      const to = classTransition(klass.status, 'COMPLETE', 'INSTITUTION');
      const sessions = await tx.attendanceSession.findMany({ where: { classId: klass.id }, select: { startsAt: true, endsAt: true } });
      assertClassCompletable({ startDate: isoDate(klass.startDate) }, sessions, now);

      const enrollments = await tx.enrollment.findMany({
        where: { classId: klass.id },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        select: {
          id: true,
          personId: true,
          status: true,
          attendanceRateBp: true,
          score: true,
          person: { select: { name: true, idNumberMasked: true } },
        },
      });
      const { totalMinutes, attended } = await classAttendanceMinutes(tx, klass.id);
      const rules = await trainingRulesFor(tx, klass.regionCode, isoDate(klass.endDate));
      const plan = planClassCompletion({
        enrollments: enrollments.map((e) => ({
          id: e.id,
          status: e.status,
          attendedMinutes: attended.get(e.id) ?? 0,
          label: e.person.name,
        })),
        totalMinutes,
        results: input.results,
        rules,
      });

      // Certificates and claims count the hours really taught, never more than planned.
      const hours = deliveredHours(klass.plannedHours, totalMinutes);
      if (hours.countedHours < 1 && plan.some((p) => p.status === 'COMPLETED')) {
        throw new DomainError(
          'VALIDATION',
          {
            zh: `本班课次合计${totalMinutes}分钟,不足1学时,不能颁发结业证书`,
            en: `The class's sessions cover ${totalMinutes} minutes, less than one class hour: no completion certificate can be issued`,
          },
          { field: 'sessions', totalMinutes },
        );
      }

      // Nothing is written above this line.
      const issuedOn = shanghaiDate(now);
      const year = Number(issuedOn.slice(0, 4));
      await tx.attendanceSession.updateMany({ where: { classId: klass.id, closedAt: null }, data: { closedAt: now } });
      const score = (p: TraineeCompletion) => (p.scoreHundredths === null ? null : formatScore(p.scoreHundredths));
      await tx.$executeRaw`
        UPDATE "Enrollment" e SET
          status = v.status::"EnrollmentStatus",
          "attendanceRateBp" = v.rate,
          score = v.score::numeric(5, 2),
          "completedAt" = ${now}
        FROM unnest(
          ${plan.map((p) => p.enrollmentId)}::uuid[],
          ${plan.map((p) => p.status)}::text[],
          ${plan.map((p) => p.attendanceRateBp)}::int[],
          ${plan.map(score)}::text[]
        ) AS v(id, status, rate, score)
        WHERE e.id = v.id`;

      // Certificates, idempotent by (enrollmentId, kind): serials are taken only for those not yet issued.
      const personOf = new Map(enrollments.map((e) => [e.id, e.personId]));
      const completedIds = plan.filter((p) => p.status === 'COMPLETED').map((p) => p.enrollmentId);
      const numberOf = new Map(
        (
          await tx.certificate.findMany({
            where: { enrollmentId: { in: completedIds }, kind: 'TRAINING_COMPLETION' },
            select: { enrollmentId: true, number: true },
          })
        ).map((c) => [c.enrollmentId!, c.number]),
      );
      const toIssue = completedIds.filter((id) => !numberOf.has(id));
      let issued: Array<{ id: string; enrollmentId: string; number: string }> = [];
      if (toIssue.length > 0) {
        const first = await nextSerial(tx, completionSerialKey(klass.regionCode, year), toIssue.length);
        const numbers = toIssue.map((_, i) => completionCertificateNumber(klass.regionCode, year, first + i));
        const [institution, occupation] = await Promise.all([
          tx.organization.findUniqueOrThrow({ where: { id: klass.institutionId } }),
          tx.occupation.findUniqueOrThrow({ where: { id: klass.occupationId } }),
        ]);
        const personRow = new Map(enrollments.map((e) => [e.id, e]));
        // Every certificate is signed over its printed fields, like assessment certificates (certificate.ts).
        const signed = toIssue.map((enrollmentId, i) => {
          const e = personRow.get(enrollmentId)!;
          return signPayload(
            certificatePayload(numbers[i]!, {
              kind: 'TRAINING_COMPLETION',
              person: { id: e.personId, name: e.person.name, idNumberMasked: e.person.idNumberMasked },
              issuer: institution,
              occupation,
              level: klass.level,
              issuedOn,
              regionCode: klass.regionCode,
              extra: {
                classCode: klass.code,
                className: klass.name,
                trainingHours: hours.countedHours,
                trainingStartOn: isoDate(klass.startDate),
                trainingEndOn: classEndDate(isoDate(klass.endDate), issuedOn),
              },
            }),
            signing,
          );
        });
        issued = await tx.$queryRaw<Array<{ id: string; enrollmentId: string; number: string }>>`
          INSERT INTO "Certificate" (id, number, kind, "personId", "issuerId", "occupationId", level, "issuedOn", "verifyToken",
                                     "enrollmentId", signature, "signatureKeyId", "signedPayload")
          SELECT gen_random_uuid(), v.number, 'TRAINING_COMPLETION', v.person_id, ${klass.institutionId}::uuid,
                 ${klass.occupationId}::uuid, ${klass.level}::"SkillLevel", ${issuedOn}::date, v.token, v.enrollment_id,
                 v.signature, ${signing.keyId}, v.payload::jsonb
          FROM unnest(
            ${numbers}::text[],
            ${toIssue.map((id) => personOf.get(id)!)}::uuid[],
            ${toIssue.map(() => newVerifyToken())}::text[],
            ${toIssue}::uuid[],
            ${signed.map((x) => formatSignature(x.signature))}::text[],
            ${signed.map((x) => JSON.stringify(x.payload))}::text[]
          ) AS v(number, person_id, token, enrollment_id, signature, payload)
          ON CONFLICT ("enrollmentId", kind) DO NOTHING
          RETURNING id::text AS id, "enrollmentId"::text AS "enrollmentId", number`;
        for (const c of issued) numberOf.set(c.enrollmentId, c.number);
      }

      await tx.trainingClass.update({ where: { id: klass.id }, data: { status: to, completedAt: now, deliveredMinutes: totalMinutes } });
      // The completed trainees' employment checks (3 and 6 months, and any policy window) start now.
      await ensureEmploymentChecks(tx, { today: issuedOn, classIds: [klass.id] });
      const count = (s: CompletionStatus) => plan.filter((p) => p.status === s).length;
      const summary = {
        completed: count('COMPLETED'),
        failed: count('FAILED'),
        withdrawn: count('WITHDRAWN'),
        certificatesIssued: issued.length,
      };
      await audit(tx, actor, {
        action: 'class.complete',
        entityType: 'TrainingClass',
        entityId: klass.id,
        before: { status: klass.status },
        after: {
          status: to,
          completedAt: now.toISOString(),
          minAttendanceRateBp: rules.minAttendanceRateBp,
          totalMinutes,
          plannedHours: hours.plannedHours,
          deliveredHours: hours.deliveredHours,
          shortfallHours: hours.shortfallHours,
          ...summary,
        },
      });
      const previous = new Map(enrollments.map((e) => [e.id, e]));
      const actorRole = actor.roles.map((r) => r.role).join(',');
      const row = (action: string, entityType: string, entityId: string, before: object | undefined, after: object) => ({
        actorUserId: actor.userId,
        actorRole,
        action,
        entityType,
        entityId,
        before,
        after,
        requestId: actor.requestId ?? null,
        ip: actor.ip ?? null,
      });
      await tx.auditLog.createMany({
        data: [
          ...plan.map((p) => {
            const old = previous.get(p.enrollmentId)!;
            return row(
              'enrollment.result',
              'Enrollment',
              p.enrollmentId,
              { status: old.status, attendanceRateBp: old.attendanceRateBp, score: old.score?.toFixed(2) ?? null },
              {
                status: p.status,
                outcome: p.outcome,
                attendanceRateBp: p.attendanceRateBp,
                score: score(p),
                reasons: p.reasons,
                classId: klass.id,
              },
            );
          }),
          ...issued.map((c) =>
            row('certificate.issue', 'Certificate', c.id, undefined, {
              number: c.number,
              kind: 'TRAINING_COMPLETION',
              enrollmentId: c.enrollmentId,
              issuedOn,
            }),
          ),
        ],
      });
      await emit(tx, {
        type: CLASS_COMPLETED_EVENT,
        aggregateType: 'TrainingClass',
        aggregateId: klass.id,
        payload: { classId: klass.id, ...summary },
      });

      return {
        classId: klass.id,
        completedAt: now,
        issuedOn,
        minAttendanceRateBp: rules.minAttendanceRateBp,
        totalMinutes,
        ...summary,
        trainees: plan.map((p) => ({
          ...p,
          personId: personOf.get(p.enrollmentId)!,
          certificateNumber: numberOf.get(p.enrollmentId) ?? null,
        })),
      };
    },
    { timeoutMs: 120_000 },
  );
}
