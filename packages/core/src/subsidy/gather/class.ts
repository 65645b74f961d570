import type { Tx } from '@vtc/db';
import { lockRow } from '@vtc/db';
import { ageOn, type ClaimBasis, type ClaimPerson, DomainError, type EmploymentEvidence, isoDate, monthKeyOf, shanghaiDate } from '@vtc/domain';
import { isStaffOf, notFound, refusal } from '../../shared/access.ts';
import { classScope } from '../../shared/scope.ts';
import type { Actor } from '../../shared/actor.ts';
import { type Gathered, type Links, noLinks } from './gathered.ts';
import { certificateFacts, held, skillCertificates } from './skill-certificates.ts';

/**
 * The claims of an institution's COMPLETED class:
 * - TRAINING: enrollments with a final attendance rate; the certificate paid for is the person's
 *   skill-level certificate of the class's occupation issued on or after the class start (the one
 *   from an assessment session of the class first).
 * - CLASS_HOUR: minutes attended = the minutes of the class's attendance sessions the person was
 *   present at, at most the class's planned and its delivered minutes. Each line links its enrollment and the claim's computation keeps the class basis, so
 *   the employment uplift (a supplementary claim built from employment checks elsewhere) can be
 *   computed on top of it.
 * - OUTCOME: the class employment rate from the decided EmploymentCheck rows of the class's
 *   enrollments (QUALIFIED / EMPLOYED = employed at the checkpoint), at the latest decided
 *   checkpoint within the policy's employment window.
 */
export type ClassClaimKind = 'TRAINING' | 'CLASS_HOUR' | 'OUTCOME';

async function completedClassOf(tx: Tx, actor: Actor, classId: string, kind: ClassClaimKind) {
  if (!(await lockRow(tx, 'TrainingClass', classId))) throw notFound('Class', '培训班');
  const klass = await tx.trainingClass.findUniqueOrThrow({ where: { id: classId }, include: { occupation: true } });
  if (!isStaffOf(actor, klass.institutionId)) {
    const visible = (await tx.trainingClass.count({ where: { id: classId, AND: [classScope(actor)] } })) > 0;
    throw refusal(visible, 'Class', '培训班', new DomainError('FORBIDDEN', { zh: '只有本班所属培训机构可以申领本班的补贴', en: `Only the class's own institution may claim its ${kind} subsidy` }));
  }
  if (klass.status !== 'COMPLETED' || !klass.completedAt) {
    throw new DomainError('INVALID_TRANSITION', { zh: '培训班结业后才能申领补贴', en: 'A class subsidy is claimed once the class is completed' }, { field: 'classId', status: klass.status });
  }
  return klass;
}

export async function gatherClass(tx: Tx, actor: Actor, classId: string, kind: ClassClaimKind): Promise<Gathered> {
  const klass = await completedClassOf(tx, actor, classId, kind);
  const startDate = isoDate(klass.startDate);
  const completedOn = shanghaiDate(klass.completedAt!);
  const enrollments = await tx.enrollment.findMany({
    where: { classId, attendanceRateBp: { not: null } },
    orderBy: { personId: 'asc' },
    select: {
      id: true,
      personId: true,
      status: true,
      attendanceRateBp: true,
      priorityGroups: true,
      person: { select: { sex: true, birthDate: true } },
    },
  });
  const personIds = enrollments.map((e) => e.personId);
  const links = new Map<string, Links>();
  const base = (e: (typeof enrollments)[number]): ClaimPerson => ({
    personId: e.personId,
    sex: e.person.sex,
    ageAtStart: ageOn(isoDate(e.person.birthDate), startDate),
    priorityGroupsAtEnrollment: e.priorityGroups,
    attendanceRateBp: e.attendanceRateBp ?? undefined,
    passedAssessment: e.status === 'COMPLETED',
  });
  const basis: ClaimBasis = {
    type: 'CLASS',
    classId,
    occupationCode: klass.occupation.code,
    occupationTier: klass.occupation.subsidyTier,
    targetLevel: klass.level,
    startDate,
    completedOn,
  };
  const g: Gathered = {
    claimantId: klass.institutionId,
    claimantPersonId: null,
    supplementsClaimId: null,
    regionCode: klass.regionCode,
    basisRef: `class:${classId}`,
    field: 'classId',
    basisDate: startDate,
    basis,
    persons: [],
    links,
  };
  if (kind === 'TRAINING') {
    const certs = await skillCertificates(tx, personIds);
    g.persons = enrollments.map((e): ClaimPerson => {
      const own = certs.get(e.personId) ?? [];
      const candidates = own.filter((c) => c.occupation?.code === klass.occupation.code && c.level !== null && isoDate(c.issuedOn) >= startDate);
      const paid = candidates.find((c) => c.assessmentResult?.session.classId === classId) ?? candidates[0] ?? null;
      links.set(e.personId, { ...noLinks(), enrollmentId: e.id, certificateId: paid?.id ?? null });
      return { ...base(e), certificate: paid ? certificateFacts(paid) : null, heldCertificates: held(own) };
    });
    return g;
  }
  if (kind === 'CLASS_HOUR') {
    // Minutes attended: one aggregate over the class's sessions, whatever the class size.
    const minutes = await tx.$queryRaw<Array<{ enrollmentId: string; minutes: bigint }>>`
      SELECT r."enrollmentId"::text AS "enrollmentId", SUM(s.minutes)::bigint AS minutes
      FROM "AttendanceRecord" r JOIN "AttendanceSession" s ON s.id = r."sessionId"
      WHERE s."classId" = ${classId}::uuid AND r.present
      GROUP BY r."enrollmentId"`;
    const byEnrollment = new Map(minutes.map((m) => [m.enrollmentId, Number(m.minutes)]));
    // Paid on the hours delivered, never beyond the plan: min(planned, delivered) class hours.
    const cap = Math.min(klass.plannedHours * 60, klass.deliveredMinutes ?? Number.POSITIVE_INFINITY);
    const certs = await skillCertificates(tx, personIds);
    g.persons = enrollments.map((e): ClaimPerson => {
      links.set(e.personId, { ...noLinks(), enrollmentId: e.id });
      return { ...base(e), attendedMinutes: Math.min(byEnrollment.get(e.id) ?? 0, cap), heldCertificates: held(certs.get(e.personId) ?? []) };
    });
    return g;
  }
  // OUTCOME: the whole roster (the rate is computed over it) and the decided employment checks.
  const checks = await tx.employmentCheck.findMany({
    where: { enrollment: { classId }, status: { not: 'PENDING' } },
    select: { enrollmentId: true, checkpointMonths: true, status: true, completedOn: true, dueOn: true, employerCreditCode: true, contractMonths: true },
  });
  if (checks.length === 0) {
    throw new DomainError(
      'INELIGIBLE',
      { zh: '本班学员的就业核查尚未有结论,暂不能申领就业成效补贴', en: "No employment check of this class's trainees is decided yet; the outcome subsidy cannot be claimed" },
      { field: 'classId' },
    );
  }
  const certs = await skillCertificates(tx, personIds);
  g.persons = enrollments.map((e) => {
    links.set(e.personId, { ...noLinks(), enrollmentId: e.id });
    return { ...base(e), heldCertificates: held(certs.get(e.personId) ?? []) };
  });
  g.complete = (policy): ReturnType<NonNullable<Gathered['complete']>> => {
    if (policy.kind !== 'OUTCOME') return { facts: {} };
    const window = policy.rules.employment.withinMonths;
    const usable = checks.filter((c) => c.checkpointMonths <= window);
    if (usable.length === 0) {
      throw new DomainError(
        'INELIGIBLE',
        {
          zh: `本班没有结业后${window}个月内检查点的就业核查结论`,
          en: `No employment check of this class is decided at a checkpoint within ${window} months of completion`,
        },
        { field: 'classId' },
      );
    }
    const checkpoint = Math.max(...usable.map((c) => c.checkpointMonths));
    const at = usable.filter((c) => c.checkpointMonths === checkpoint);
    const byEnrollment = new Map(at.map((c) => [c.enrollmentId, c]));
    const dueOn = at.reduce((d, c) => (isoDate(c.dueOn) > d ? isoDate(c.dueOn) : d), '');
    let employed = 0;
    for (const p of g.persons) {
      const check = byEnrollment.get(links.get(p.personId)!.enrollmentId!);
      if (check && (check.status === 'QUALIFIED' || check.status === 'EMPLOYED')) {
        employed += 1;
        // The decided check is the evidence: employed at the checkpoint, within the window.
        const evidence: EmploymentEvidence = {
          employerName: check.employerCreditCode,
          signedOn: completedOn,
          startsOn: completedOn,
          endsOn: null,
          socialInsuranceMonths: [monthKeyOf(isoDate(check.dueOn))],
        };
        p.employment = [evidence];
      } else {
        p.employment = [];
      }
    }
    const checkStep = {
      zh: `就业率依据结业后${checkpoint}个月检查点(至${dueOn})的就业核查:核查结论为已就业/符合条件${employed}人,其余未就业或未核查`,
      en: `The employment rate uses the ${checkpoint}-month checkpoint of the employment checks (until ${dueOn}): ${employed} checked as employed or qualified, the others not employed or not checked`,
    };
    return {
      facts: { employmentCheckpointMonths: checkpoint, employmentCheckpointDueOn: dueOn, checkedEmployedCount: employed },
      explain: (e) => ({
        ...e,
        inputs: { ...e.inputs, employmentCheckpointMonths: checkpoint, employmentCheckpointDueOn: dueOn },
        steps: [...e.steps.slice(0, -1), checkStep, ...e.steps.slice(-1)],
      }),
    };
  };
  return g;
}
