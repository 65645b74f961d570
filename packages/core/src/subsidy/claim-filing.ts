import { createHash } from 'node:crypto';
import type { PrismaClient, Tx } from '@vtc/db';
import { Prisma, transaction } from '@vtc/db';
import {
  addDays,
  ageOn,
  type ApprenticeshipFacts,
  type ClaimBasis,
  type ClaimComputation,
  type ClaimKind,
  type ClaimPerson,
  computeClaim,
  DomainError,
  type EmploymentEvidence,
  type ExplanationValue,
  type HeldCertificate,
  type HistoryLine,
  type HistoryLineStatus,
  type LineExplanation,
  monthKeyOf,
  type PolicyKind,
  POLICY_KIND_OF_CLAIM,
  policyInForce,
  shanghaiDate,
  type SubsidyPolicy,
  validatePolicy,
} from '@vtc/domain';
import { isStaffOf, notFound } from '../shared/access.ts';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import { isUuid } from '../training-class/attendance.ts';
import { emit } from '../shared/outbox.ts';
import { nextSerial } from '../shared/serial.ts';

/**
 * Filing a subsidy claim (补贴申领). The claimant's facts are gathered here, the amounts come from
 * the pure engine (domain `computeClaim`) under the policy version in force on the basis date, and
 * the claim with its explained lines is written in ONE transaction. Kinds and who files them:
 *
 * - TRAINING (institution, its COMPLETED class): enrollments with a final attendance rate; the
 *   certificate paid for is the person's skill-level certificate of the class's occupation issued on
 *   or after the class start (the one from an assessment session of the class first).
 * - CLASS_HOUR (institution, its COMPLETED class): minutes attended = the minutes of the class's
 *   attendance sessions the person was present at. Each line links its enrollment and the claim's
 *   computation keeps the class basis, so the employment uplift (a supplementary claim built from
 *   employment checks elsewhere) can be computed on top of it.
 * - OUTCOME (institution, its COMPLETED class): the class employment rate from the decided
 *   EmploymentCheck rows of the class's enrollments (QUALIFIED / EMPLOYED = employed at the
 *   checkpoint), at the latest decided checkpoint within the policy's employment window.
 * - CERTIFICATE (vocational college): the skill-level certificates of an assessment session of one of
 *   its own classes (a person enrolled in the college's class is taken as a graduating-year student).
 * - ENTERPRISE_SELF_EVALUATION (enterprise): the certificates of an assessment session the
 *   enterprise ran itself as the evaluation body.
 * - ENTERPRISE_TRAINING (enterprise): the participants of its COMPLETED staff-training batch.
 * - SKILL_UPGRADE (the insured person, a TRAINEE user): their own skill-level certificate and the
 *   months of unemployment-insurance contributions up to the certificate's month; the claimant is
 *   the person (claimantPersonId), no organization.
 * - APPRENTICESHIP_PREPAYMENT / _SETTLEMENT (enterprise): one year of its apprenticeships; a
 *   settlement of a pre-payment claim names it (supplementsClaimId) and pays the balance, or claws
 *   the pre-payment back (a negative CLAWBACK line) when the apprenticeship ended early.
 *
 * A claim for the same basis (claim kind + basisRef) that is still live is a CONFLICT; the basis row
 * (class, session, batch, certificate, apprenticeships) is locked first, so two filings of the same
 * basis serialise. Two claims racing for the same person meet the partial unique indexes on
 * SubsidyClaimLine (dedupKey and the yearly limit slot): the loser's transaction is rolled back whole
 * and the caller gets a CONFLICT naming the person.
 *
 * SQL statements per claim do not grow with the number of persons: every fact is read with one
 * set-based query (`in` lists), and all lines are written with one INSERT taking them as a single
 * JSON parameter (so the 65,535 bind-parameter limit never forces chunking).
 */
export type FileClaimKind = Exclude<ClaimKind, 'EMPLOYMENT_UPLIFT'>;

export const FILE_CLAIM_KINDS: readonly FileClaimKind[] = [
  'TRAINING',
  'CLASS_HOUR',
  'CERTIFICATE',
  'ENTERPRISE_TRAINING',
  'ENTERPRISE_SELF_EVALUATION',
  'SKILL_UPGRADE',
  'APPRENTICESHIP_PREPAYMENT',
  'APPRENTICESHIP_SETTLEMENT',
  'OUTCOME',
];

export interface FileClaimInput {
  kind: FileClaimKind;
  /** TRAINING, CLASS_HOUR, OUTCOME: the completed class. */
  classId?: string | null;
  /** CERTIFICATE, ENTERPRISE_SELF_EVALUATION: the assessment session whose certificates are claimed. */
  sessionId?: string | null;
  /** ENTERPRISE_TRAINING: the completed staff-training batch. */
  batchId?: string | null;
  /** SKILL_UPGRADE: the claimant's own skill-level certificate. */
  certificateId?: string | null;
  /** APPRENTICESHIP_*: the apprenticeships and the year (1 = first) claimed. */
  apprenticeshipIds?: readonly string[] | null;
  yearIndex?: number | null;
  /** APPRENTICESHIP_SETTLEMENT: the pre-payment claim settled (its apprenticeships and year are used). */
  prepaymentClaimId?: string | null;
}

export interface FileClaimResult {
  claimId: string;
  number: string;
  totalFen: number;
  lines: number;
  excluded: number;
  computation: ClaimComputation;
}

export const CLAIM_FILED_EVENT = 'claim.filed';

/** Claim statuses whose lines no longer count. */
const DEAD_CLAIM_STATUSES = ['REJECTED', 'WITHDRAWN'] as const;

/** Apprenticeships per claim (a year of one enterprise's apprentices). */
export const MAX_APPRENTICESHIPS_PER_CLAIM = 2_000;

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The claim total stored: the sum of the lines, but never below zero (CHECK x_claim_total_nonneg).
 * A settlement whose claw-backs exceed its balances nets to 0 payable; the amount to recover is
 * kept in the computation facts (netFen, recoverFen) and in its negative CLAWBACK lines.
 */
export function payableFen(netFen: number): number {
  return Math.max(0, netFen);
}

export function claimNumber(regionCode: string, year: number, serial: number): string {
  return `BT-${regionCode}-${year}-${String(serial).padStart(6, '0')}`;
}

type Links = { enrollmentId: string | null; certificateId: string | null; apprenticeshipId: string | null };

interface Gathered {
  claimantId: string | null;
  claimantPersonId: string | null;
  supplementsClaimId: string | null;
  regionCode: string;
  basisRef: string;
  /** The field of the input that names the basis (for CONFLICT / errors). */
  field: string;
  basisDate: string;
  basis: ClaimBasis;
  persons: ClaimPerson[];
  /** Links written on each line, by person. */
  links: Map<string, Links>;
  /** Kind-specific facts that need the policy (OUTCOME: the checkpoint); may add claim facts. */
  complete?: (policy: SubsidyPolicy) => { facts: Record<string, ExplanationValue>; explain?: (e: LineExplanation) => LineExplanation };
}

const noLinks = (): Links => ({ enrollmentId: null, certificateId: null, apprenticeshipId: null });

type CertRow = {
  id: string;
  number: string;
  level: string | null;
  issuedOn: Date;
  occupation: { code: string } | null;
  assessmentResult: { session: { classId: string | null } } | null;
};

function held(certs: readonly CertRow[]): HeldCertificate[] {
  return certs
    .filter((c) => c.level !== null && c.occupation !== null)
    .map((c) => ({ occupationCode: c.occupation!.code, level: c.level as HeldCertificate['level'], issuedOn: day(c.issuedOn), number: c.number }));
}

function evaluatorOf(number: string): 'Y' | 'S' | null {
  const first = number.charAt(0);
  return first === 'Y' || first === 'S' ? first : null;
}

function certificateFacts(c: CertRow) {
  return { number: c.number, occupationCode: c.occupation!.code, level: c.level as HeldCertificate['level'], issuedOn: day(c.issuedOn), evaluatorType: evaluatorOf(c.number) };
}

/** Is the actor staff of this enterprise? */
export function isEnterpriseStaffOf(actor: Actor, organizationId: string): boolean {
  return actor.roles.some((r) => r.role === 'ENTERPRISE_STAFF' && r.organizationId === organizationId);
}

async function skillCertificates(tx: Tx, personIds: string[]): Promise<Map<string, CertRow[]>> {
  const by = new Map<string, CertRow[]>();
  if (personIds.length === 0) return by;
  const rows = await tx.certificate.findMany({
    where: { personId: { in: personIds }, kind: 'SKILL_LEVEL', status: 'ISSUED' },
    orderBy: [{ issuedOn: 'asc' }, { number: 'asc' }],
    select: {
      id: true,
      number: true,
      level: true,
      issuedOn: true,
      personId: true,
      occupation: { select: { code: true } },
      assessmentResult: { select: { session: { select: { classId: true } } } },
    },
  });
  for (const r of rows) {
    const list = by.get(r.personId);
    if (list) list.push(r);
    else by.set(r.personId, [r]);
  }
  return by;
}

async function lockRow(tx: Tx, table: 'TrainingClass' | 'AssessmentSession' | 'StaffTrainingBatch' | 'Certificate', id: string): Promise<boolean> {
  const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(`SELECT id::text AS id FROM "${table}" WHERE id = $1::uuid FOR UPDATE`, id);
  return rows.length > 0;
}

// ───────────────────────────── classes: TRAINING, CLASS_HOUR, OUTCOME ─────────────────────────────

async function completedClassOf(tx: Tx, actor: Actor, classId: string, kind: 'TRAINING' | 'CLASS_HOUR' | 'OUTCOME') {
  if (!(await lockRow(tx, 'TrainingClass', classId))) throw notFound('Class', '培训班');
  const klass = await tx.trainingClass.findUniqueOrThrow({ where: { id: classId }, include: { occupation: true } });
  if (!isStaffOf(actor, klass.institutionId)) {
    throw new DomainError('FORBIDDEN', { zh: '只有本班所属培训机构可以申领本班的补贴', en: `Only the class's own institution may claim its ${kind} subsidy` });
  }
  if (klass.status !== 'COMPLETED' || !klass.completedAt) {
    throw new DomainError('INVALID_TRANSITION', { zh: '培训班结业后才能申领补贴', en: 'A class subsidy is claimed once the class is completed' }, { field: 'classId', status: klass.status });
  }
  return klass;
}

async function gatherClass(tx: Tx, actor: Actor, classId: string, kind: 'TRAINING' | 'CLASS_HOUR' | 'OUTCOME'): Promise<Gathered> {
  const klass = await completedClassOf(tx, actor, classId, kind);
  const startDate = day(klass.startDate);
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
    ageAtStart: ageOn(day(e.person.birthDate), startDate),
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
      const candidates = own.filter((c) => c.occupation?.code === klass.occupation.code && c.level !== null && day(c.issuedOn) >= startDate);
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
    const certs = await skillCertificates(tx, personIds);
    g.persons = enrollments.map((e): ClaimPerson => {
      links.set(e.personId, { ...noLinks(), enrollmentId: e.id });
      return { ...base(e), attendedMinutes: byEnrollment.get(e.id) ?? 0, heldCertificates: held(certs.get(e.personId) ?? []) };
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
    const dueOn = at.reduce((d, c) => (day(c.dueOn) > d ? day(c.dueOn) : d), '');
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
          socialInsuranceMonths: [monthKeyOf(day(check.dueOn))],
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

// ───────────────────────────── certificates: CERTIFICATE, ENTERPRISE_SELF_EVALUATION ─────────────────────────────

async function gatherSessionCertificates(tx: Tx, actor: Actor, sessionId: string, kind: 'CERTIFICATE' | 'ENTERPRISE_SELF_EVALUATION'): Promise<Gathered> {
  if (!(await lockRow(tx, 'AssessmentSession', sessionId))) throw notFound('AssessmentSession', '考核场次');
  const session = await tx.assessmentSession.findUniqueOrThrow({
    where: { id: sessionId },
    include: { class: { include: { institution: { select: { id: true, kind: true } } } }, evaluationBody: { select: { id: true, kind: true } } },
  });
  let claimantId: string;
  if (kind === 'CERTIFICATE') {
    const college = session.class?.institution;
    if (!session.class || !college || !isStaffOf(actor, college.id) || college.kind !== 'VOCATIONAL_COLLEGE') {
      throw new DomainError('FORBIDDEN', {
        zh: '只有组织本场考核的职业院校可以申领取证补贴',
        en: 'Only the vocational college whose class took this assessment may claim its certificate subsidy',
      });
    }
    claimantId = college.id;
  } else {
    const body = session.evaluationBody;
    if (body.kind !== 'ENTERPRISE' || !isEnterpriseStaffOf(actor, body.id)) {
      throw new DomainError('FORBIDDEN', {
        zh: '只有作为本场考核评价机构的企业可以申领企业自主评价补贴',
        en: 'Only the enterprise that ran this assessment as its own evaluation body may claim the self-evaluation subsidy',
      });
    }
    claimantId = body.id;
  }
  const issued = await tx.certificate.findMany({
    where: { kind: 'SKILL_LEVEL', status: 'ISSUED', assessmentResult: { sessionId } },
    orderBy: { personId: 'asc' },
    select: { id: true, personId: true },
  });
  if (issued.length === 0) {
    throw new DomainError('INELIGIBLE', { zh: '本场考核没有已发放的职业技能等级证书', en: 'This assessment session has issued no skill-level certificates' }, { field: 'sessionId' });
  }
  const personIds = [...new Set(issued.map((c) => c.personId))];
  const [certs, students] = await Promise.all([
    skillCertificates(tx, personIds),
    kind === 'CERTIFICATE'
      ? tx.enrollment.findMany({ where: { personId: { in: personIds }, class: { institutionId: claimantId } }, select: { personId: true } })
      : Promise.resolve([] as Array<{ personId: string }>),
  ]);
  const isStudent = new Set(students.map((s) => s.personId));
  const links = new Map<string, Links>();
  const persons: ClaimPerson[] = [];
  let basisDate = null as string | null;
  for (const c of issued) {
    if (links.has(c.personId)) continue;
    const own = certs.get(c.personId) ?? [];
    const cert = own.find((x) => x.id === c.id);
    if (!cert || cert.level === null || cert.occupation === null) continue;
    const facts = certificateFacts(cert);
    basisDate = basisDate === null || facts.issuedOn < basisDate ? facts.issuedOn : basisDate;
    links.set(c.personId, { ...noLinks(), certificateId: cert.id });
    persons.push({
      personId: c.personId,
      certificate: facts,
      heldCertificates: held(own),
      ...(kind === 'CERTIFICATE' ? { graduatingStudent: isStudent.has(c.personId) } : {}),
    });
  }
  return {
    claimantId,
    claimantPersonId: null,
    supplementsClaimId: null,
    regionCode: kind === 'CERTIFICATE' ? session.class!.regionCode : session.regionCode,
    basisRef: `session:${sessionId}`,
    field: 'sessionId',
    basisDate: basisDate ?? day(session.scheduledOn),
    basis: { type: 'CERTIFICATES', ref: `session:${sessionId}` },
    persons,
    links,
  };
}

// ───────────────────────────── ENTERPRISE_TRAINING ─────────────────────────────

async function gatherStaffTraining(tx: Tx, actor: Actor, batchId: string): Promise<Gathered> {
  if (!(await lockRow(tx, 'StaffTrainingBatch', batchId))) throw notFound('StaffTrainingBatch', '职工培训批次');
  const batch = await tx.staffTrainingBatch.findUniqueOrThrow({ where: { id: batchId }, include: { occupation: { select: { code: true } } } });
  if (!isEnterpriseStaffOf(actor, batch.enterpriseId)) {
    throw new DomainError('FORBIDDEN', { zh: '只有开展本批培训的企业可以申领企业职工培训补贴', en: 'Only the enterprise that ran this staff training may claim its subsidy' });
  }
  if (batch.status !== 'COMPLETED' || !batch.completedAt) {
    throw new DomainError('INVALID_TRANSITION', { zh: '职工培训批次结束后才能申领补贴', en: 'The staff-training subsidy is claimed once the batch is completed' }, { field: 'batchId', status: batch.status });
  }
  const startDate = day(batch.startDate);
  const participants = await tx.staffTrainingParticipant.findMany({
    where: { batchId, attendedHours: { not: null } },
    orderBy: { personId: 'asc' },
    select: { personId: true, attendedHours: true, completed: true, person: { select: { sex: true, birthDate: true, priorityGroups: true } } },
  });
  const links = new Map<string, Links>();
  const persons = participants.map((p): ClaimPerson => {
    links.set(p.personId, noLinks());
    return {
      personId: p.personId,
      sex: p.person.sex,
      ageAtStart: ageOn(day(p.person.birthDate), startDate),
      priorityGroupsAtEnrollment: p.person.priorityGroups,
      attendanceRateBp: batch.hours > 0 ? Math.min(10_000, Math.floor(((p.attendedHours ?? 0) * 10_000) / batch.hours)) : 0,
      passedAssessment: p.completed,
    };
  });
  return {
    claimantId: batch.enterpriseId,
    claimantPersonId: null,
    supplementsClaimId: null,
    regionCode: batch.regionCode,
    basisRef: `batch:${batchId}`,
    field: 'batchId',
    basisDate: startDate,
    basis: {
      type: 'STAFF_TRAINING_BATCH',
      batchId,
      trainingKind: batch.trainingKind,
      occupationCode: batch.occupation?.code ?? null,
      startDate,
      completedOn: shanghaiDate(batch.completedAt),
    },
    persons,
    links,
  };
}

// ───────────────────────────── SKILL_UPGRADE ─────────────────────────────

/** The 6-digit region of a unified social credit code (characters 3–8). */
const creditCodeRegion = (code: string) => code.slice(2, 8);

async function gatherSkillUpgrade(tx: Tx, actor: Actor, certificateId: string): Promise<Gathered> {
  const personIds = [...new Set(actor.roles.filter((r) => r.role === 'TRAINEE' && r.personId).map((r) => r.personId!))];
  if (personIds.length !== 1) {
    throw new DomainError('FORBIDDEN', { zh: '失业保险技能提升补贴由参保职工本人申领', en: 'The skill-upgrade subsidy is claimed by the insured person themself' });
  }
  const personId = personIds[0]!;
  if (!(await lockRow(tx, 'Certificate', certificateId))) throw notFound('Certificate', '证书');
  const cert = await tx.certificate.findUniqueOrThrow({ where: { id: certificateId }, select: { personId: true, kind: true, status: true, issuedOn: true } });
  if (cert.personId !== personId) throw notFound('Certificate', '证书');
  if (cert.kind !== 'SKILL_LEVEL' || cert.status !== 'ISSUED') {
    throw new DomainError('INELIGIBLE', { zh: '只能凭有效的职业技能等级证书申领', en: 'Only a valid (issued) skill-level certificate can be claimed for' }, { field: 'certificateId' });
  }
  const upTo = monthKeyOf(day(cert.issuedOn));
  const [certs, contributions, person] = await Promise.all([
    skillCertificates(tx, [personId]),
    tx.socialInsuranceContribution.findMany({
      where: { personId, insuranceType: 'UNEMPLOYMENT', month: { lte: upTo } },
      orderBy: [{ month: 'desc' }, { employerCreditCode: 'asc' }],
      select: { month: true, employerCreditCode: true },
    }),
    tx.person.findUniqueOrThrow({ where: { id: personId }, select: { originRegionCode: true } }),
  ]);
  const own = certs.get(personId) ?? [];
  const paid = own.find((c) => c.id === certificateId)!;
  const insuredMonths = new Set(contributions.map((c) => c.month)).size;
  // The claim belongs where the person is insured (the latest employer's region), else their origin.
  const candidates = [contributions[0] ? creditCodeRegion(contributions[0].employerCreditCode) : null, person.originRegionCode].filter((c): c is string => c !== null);
  const known = await tx.region.findMany({ where: { code: { in: candidates } }, select: { code: true } });
  const regionCode = candidates.find((c) => known.some((k) => k.code === c));
  if (!regionCode) {
    throw new DomainError('VALIDATION', { zh: '无法确定参保地,不能申领', en: 'The region where the person is insured is unknown; the claim cannot be filed' }, { field: 'certificateId' });
  }
  const facts = certificateFacts(paid);
  return {
    claimantId: null,
    claimantPersonId: personId,
    supplementsClaimId: null,
    regionCode,
    basisRef: `certificate:${certificateId}`,
    field: 'certificateId',
    basisDate: facts.issuedOn,
    basis: { type: 'CERTIFICATES', ref: `certificate:${facts.number}` },
    persons: [{ personId, certificate: facts, heldCertificates: held(own), insuredMonths }],
    links: new Map([[personId, { ...noLinks(), certificateId }]]),
  };
}

// ───────────────────────────── APPRENTICESHIP_PREPAYMENT / _SETTLEMENT ─────────────────────────────

type ApprenticeshipRow = {
  id: string;
  enterpriseId: string;
  personId: string;
  regionCode: string;
  targetLevel: string;
  startDate: Date;
  endDate: Date;
  status: string;
  occupation: { code: string };
};

/**
 * The facts of year `yearIndex` of an apprenticeship as of `filedOn`: the year runs from the start
 * plus (n−1) years to the day before the next anniversary, cut at the apprenticeship's end. A
 * TERMINATED apprenticeship ended on its endDate (set when it is terminated): the year is
 * TERMINATED when that falls inside it, COMPLETED when after it. An ACTIVE apprenticeship's year is
 * COMPLETED once its last day has passed.
 */
export function apprenticeshipYearFacts(a: ApprenticeshipRow, yearIndex: number, filedOn: string): ApprenticeshipFacts | null {
  const start = day(a.startDate);
  const end = day(a.endDate);
  const yearStartsOn = addMonthsClampedYears(start, yearIndex - 1);
  if (yearStartsOn > end) return null;
  const nextAnniversary = addMonthsClampedYears(start, yearIndex);
  const fullEnd = addDays(nextAnniversary, -1);
  const yearEndsOn = fullEnd < end ? fullEnd : end;
  let status: ApprenticeshipFacts['status'];
  let endedOn: string | null = null;
  if (a.status === 'TERMINATED') {
    if (end > yearEndsOn || (end === yearEndsOn && end === fullEnd)) status = 'COMPLETED';
    else {
      status = 'TERMINATED';
      endedOn = end;
    }
  } else if (a.status === 'COMPLETED') status = 'COMPLETED';
  else status = filedOn > yearEndsOn ? 'COMPLETED' : 'IN_PROGRESS';
  return {
    apprenticeshipId: a.id,
    occupationCode: a.occupation.code,
    targetLevel: a.targetLevel as ApprenticeshipFacts['targetLevel'],
    yearIndex,
    yearStartsOn,
    yearEndsOn,
    status,
    endedOn,
  };
}

function addMonthsClampedYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const year = y + years;
  const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

function apprenticeshipSetRef(ids: readonly string[], yearIndex: number): string {
  const h = createHash('sha256').update([...ids].sort().join(',')).digest('hex').slice(0, 24);
  return `apprenticeships:year:${yearIndex}:${h}`;
}

async function gatherApprenticeships(
  tx: Tx,
  actor: Actor,
  kind: 'APPRENTICESHIP_PREPAYMENT' | 'APPRENTICESHIP_SETTLEMENT',
  input: FileClaimInput,
  filedOn: string,
): Promise<Gathered> {
  let ids: string[];
  let yearIndex: number;
  let supplementsClaimId: string | null = null;
  let basisRef: string;
  let field = 'apprenticeshipIds';
  if (kind === 'APPRENTICESHIP_SETTLEMENT' && input.prepaymentClaimId) {
    field = 'prepaymentClaimId';
    const pre = await tx.subsidyClaim.findUnique({
      where: { id: input.prepaymentClaimId },
      select: { id: true, claimKind: true, claimantId: true, status: true, lines: { select: { apprenticeshipId: true, basisRef: true } } },
    });
    if (!pre || !pre.claimantId || !isEnterpriseStaffOf(actor, pre.claimantId)) throw notFound('SubsidyClaim', '预付申领');
    if (pre.claimKind !== 'APPRENTICESHIP_PREPAYMENT') {
      throw new DomainError('VALIDATION', { zh: '所选申领不是学徒培训预付申领', en: 'The claim named is not an apprenticeship pre-payment claim' }, { field });
    }
    if ((DEAD_CLAIM_STATUSES as readonly string[]).includes(pre.status)) {
      throw new DomainError('INVALID_TRANSITION', { zh: '预付申领已被驳回或撤回,无需结算', en: 'The pre-payment claim was rejected or withdrawn; there is nothing to settle' }, { field, status: pre.status });
    }
    ids = [...new Set(pre.lines.map((l) => l.apprenticeshipId).filter((x): x is string => x !== null))];
    const years = new Set(pre.lines.map((l) => Number(/:year:(\d+)$/.exec(l.basisRef)?.[1] ?? 0)));
    yearIndex = [...years][0] ?? 0;
    if (ids.length === 0 || years.size !== 1 || yearIndex < 1) {
      throw new DomainError('VALIDATION', { zh: '该预付申领没有可结算的学徒年度', en: 'The pre-payment claim has no apprenticeship year to settle' }, { field });
    }
    supplementsClaimId = pre.id;
    basisRef = `settles:${pre.id}`;
  } else {
    ids = [...new Set(input.apprenticeshipIds ?? [])];
    yearIndex = input.yearIndex ?? 0;
    basisRef = apprenticeshipSetRef(ids, yearIndex);
  }
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id::text AS id FROM "Apprenticeship" WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
  const found = new Set(rows.map((r) => r.id));
  const missing = ids.find((id) => !found.has(id));
  if (missing) throw new DomainError('NOT_FOUND', { zh: `学徒培训${missing}不存在或无权访问`, en: `Apprenticeship ${missing} not found` }, { field: 'apprenticeshipIds', apprenticeshipId: missing });
  const list: ApprenticeshipRow[] = await tx.apprenticeship.findMany({
    where: { id: { in: ids } },
    orderBy: { id: 'asc' },
    select: { id: true, enterpriseId: true, personId: true, regionCode: true, targetLevel: true, startDate: true, endDate: true, status: true, occupation: { select: { code: true } } },
  });
  const enterpriseIds = new Set(list.map((a) => a.enterpriseId));
  const enterpriseId = list[0]!.enterpriseId;
  if (enterpriseIds.size !== 1 || !isEnterpriseStaffOf(actor, enterpriseId)) {
    throw new DomainError('FORBIDDEN', { zh: '只有学徒所在企业可以申领学徒培训补贴', en: "Only the apprentices' enterprise may claim the apprenticeship subsidy" });
  }
  const regions = new Set(list.map((a) => a.regionCode));
  if (regions.size !== 1) {
    throw new DomainError('VALIDATION', { zh: '一次申领的学徒须属于同一地区', en: 'The apprenticeships of one claim must be in one region' }, { field: 'apprenticeshipIds' });
  }
  const links = new Map<string, Links>();
  const persons: ClaimPerson[] = [];
  const personIds = list.map((a) => a.personId);
  const [people, certs] = await Promise.all([
    tx.person.findMany({ where: { id: { in: personIds } }, select: { id: true, sex: true, birthDate: true, priorityGroups: true } }),
    skillCertificates(tx, personIds),
  ]);
  const byPerson = new Map(people.map((p) => [p.id, p]));
  const starts: string[] = [];
  for (const a of list) {
    if (a.status === 'DRAFT') {
      throw new DomainError('INVALID_TRANSITION', { zh: `学徒培训${a.id}尚未开始`, en: `Apprenticeship ${a.id} has not started` }, { field: 'apprenticeshipIds', apprenticeshipId: a.id });
    }
    if (links.has(a.personId)) {
      throw new DomainError('VALIDATION', { zh: '同一学徒在一次申领中只能出现一次', en: 'An apprentice appears twice in one claim' }, { field: 'apprenticeshipIds', apprenticeshipId: a.id });
    }
    const facts = apprenticeshipYearFacts(a, yearIndex, filedOn);
    if (!facts) {
      throw new DomainError(
        'VALIDATION',
        { zh: `学徒培训${a.id}没有第${yearIndex}年`, en: `Apprenticeship ${a.id} has no year ${yearIndex}` },
        { field: 'yearIndex', apprenticeshipId: a.id },
      );
    }
    starts.push(facts.yearStartsOn);
    const p = byPerson.get(a.personId)!;
    links.set(a.personId, { ...noLinks(), apprenticeshipId: a.id });
    persons.push({
      personId: a.personId,
      sex: p.sex,
      ageAtStart: ageOn(day(p.birthDate), day(a.startDate)),
      priorityGroupsAtEnrollment: p.priorityGroups,
      heldCertificates: held(certs.get(a.personId) ?? []),
      apprenticeship: facts,
    });
  }
  return {
    claimantId: enterpriseId,
    claimantPersonId: null,
    supplementsClaimId,
    regionCode: list[0]!.regionCode,
    basisRef,
    field,
    basisDate: starts.sort()[0]!,
    basis: { type: 'APPRENTICESHIPS', ref: basisRef },
    persons,
    links,
  };
}

// ───────────────────────────── history, policy, conflicts ─────────────────────────────

/** Every claim line of these persons, as the engine's limits read them (status PAID once the claim is paid). */
export async function historyOf(tx: Tx, personIds: string[]): Promise<HistoryLine[]> {
  if (personIds.length === 0) return [];
  const lines = await tx.subsidyClaimLine.findMany({
    where: { personId: { in: personIds } },
    select: {
      personId: true,
      kind: true,
      part: true,
      occupationCode: true,
      level: true,
      subsidyYear: true,
      status: true,
      dedupKey: true,
      amountFen: true,
      countsTowardLimit: true,
      limitSlot: true,
      claimId: true,
      claim: { select: { status: true, policy: { select: { code: true, version: true } } } },
    },
  });
  return lines.map((l) => {
    const status: HistoryLineStatus =
      l.status === 'REJECTED' ? 'REJECTED' : l.claim.status === 'PAID' ? 'PAID' : l.status === 'ACCEPTED' ? 'ACCEPTED' : 'PENDING';
    return {
      personId: l.personId,
      scheme: l.kind as PolicyKind,
      part: l.part,
      occupationCode: l.occupationCode,
      level: l.level,
      subsidyYear: l.subsidyYear,
      status,
      dedupKey: l.dedupKey,
      amountFen: l.amountFen,
      countsTowardLimit: l.countsTowardLimit,
      limitSlot: l.limitSlot,
      claimId: l.claimId,
      policy: l.claim.policy,
    };
  });
}

/** The published policy row of `kind` in force for the region on the basis date (ACTIVE is read as PUBLISHED). */
async function policyFor(tx: Tx, regionCode: string, kind: PolicyKind, basisDate: string) {
  const rows = await tx.subsidyPolicy.findMany({ where: { kind, status: { in: ['PUBLISHED', 'ACTIVE'] } } });
  const headers = rows.map((r) => ({
    row: r,
    code: r.code,
    version: r.version,
    regionCode: r.regionCode,
    kind: r.kind as PolicyKind,
    status: 'PUBLISHED' as const,
    effectiveFrom: day(r.effectiveFrom),
    effectiveTo: r.effectiveTo ? day(r.effectiveTo) : null,
  }));
  const chosen = policyInForce(headers, { regionCode, kind, basisDate });
  if (!chosen) {
    throw new DomainError(
      'INELIGIBLE',
      { zh: `${regionCode}在${basisDate}没有生效的${kind}补贴政策`, en: `No ${kind} subsidy policy is in force for ${regionCode} on ${basisDate}` },
      { field: 'policy', regionCode, basisDate },
    );
  }
  return { row: chosen.row, policy: validatePolicy({ ...chosen, rules: chosen.row.rules }) };
}

function isUniqueViolation(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const x = e as { code?: unknown; message?: unknown; cause?: unknown };
  if (x.code === 'P2002' || x.code === '23505') return true;
  if (typeof x.message === 'string' && /23505|unique constraint/i.test(x.message)) return true;
  return x.cause !== undefined && x.cause !== e && isUniqueViolation(x.cause);
}

/** After a lost race: which person's line is already held by another live claim. */
async function conflictFor(prisma: PrismaClient, computation: ClaimComputation): Promise<DomainError> {
  const keys = computation.lines.map((l) => l.dedupKey);
  const slots = computation.lines.filter((l) => l.limitSlot !== null);
  const or: Prisma.SubsidyClaimLineWhereInput[] = [{ dedupKey: { in: keys } }];
  for (const l of slots) or.push({ personId: l.personId, subsidyYear: l.subsidyYear, limitSlot: l.limitSlot });
  const taken = await prisma.subsidyClaimLine.findFirst({
    where: { status: { not: 'REJECTED' }, OR: or },
    orderBy: { personId: 'asc' },
    select: { personId: true, dedupKey: true, claim: { select: { number: true } }, person: { select: { name: true, idNumberMasked: true } } },
  });
  const who = taken ? `${taken.person.name}(${taken.person.idNumberMasked})` : '';
  return new DomainError(
    'CONFLICT',
    {
      zh: taken ? `${who}的补贴已在申领${taken.claim.number}中申报,本次申领未保存` : '同一人员的补贴正被另一申领同时申报,本次申领未保存',
      en: taken
        ? `Person ${taken.person.idNumberMasked} is already claimed in claim ${taken.claim.number}; nothing was filed`
        : 'Another claim for the same person was filed at the same time; nothing was filed',
    },
    { field: 'persons', personId: taken?.personId ?? null, claimNumber: taken?.claim.number ?? null },
  );
}

export type ClaimLineRow = {
  claimId: string;
  personId: string;
  enrollmentId: string | null;
  certificateId: string | null;
  apprenticeshipId: string | null;
  kind: string;
  part: string;
  occupationCode: string | null;
  level: string | null;
  basisRef: string;
  amountFen: number;
  subsidyYear: number;
  countsTowardLimit: boolean;
  limitSlot: number | null;
  dedupKey: string;
  explanation: object;
};

/** The row of an engine line on claim `claimId`, with the record it rests on. */
export function claimLineRow(
  claimId: string,
  l: ClaimComputation['lines'][number],
  link: { enrollmentId?: string | null; certificateId?: string | null; apprenticeshipId?: string | null } = {},
): ClaimLineRow {
  return {
    claimId,
    personId: l.personId,
    enrollmentId: link.enrollmentId ?? null,
    certificateId: link.certificateId ?? null,
    apprenticeshipId: link.apprenticeshipId ?? null,
    kind: l.scheme,
    part: l.part,
    occupationCode: l.occupationCode,
    level: l.level,
    basisRef: l.basisRef,
    amountFen: l.amountFen,
    subsidyYear: l.subsidyYear,
    countsTowardLimit: l.countsTowardLimit,
    limitSlot: l.limitSlot,
    dedupKey: l.dedupKey,
    explanation: l.explanation as object,
  };
}

export type InsertedClaimLine = { claimId: string; personId: string; enrollmentId: string | null; amountFen: number; dedupKey: string };

/**
 * Lines (of one claim or many) in ONE statement with ONE bind parameter (the lines as a JSON array), so
 * neither the statement count nor PostgreSQL's 65,535-parameter limit depends on the number of
 * persons, and Prisma does not serialise 16 parameters per line. A live line with the same dedupKey
 * (x_claim_line_dedup_active) fails the statement, or with `skipLive` is skipped; returns the lines written.
 */
export async function insertClaimLines(tx: Tx, rows: readonly ClaimLineRow[], { skipLive = false }: { skipLive?: boolean } = {}): Promise<InsertedClaimLine[]> {
  const onConflict = skipLive ? Prisma.sql`ON CONFLICT ("dedupKey") WHERE status <> 'REJECTED' DO NOTHING` : Prisma.empty;
  return tx.$queryRaw<InsertedClaimLine[]>`
    INSERT INTO "SubsidyClaimLine" (id, "claimId", "personId", "enrollmentId", "certificateId", "apprenticeshipId", kind, part,
      "occupationCode", level, "basisRef", "amountFen", "subsidyYear", "countsTowardLimit", "limitSlot", "dedupKey", explanation)
    SELECT gen_random_uuid(), x."claimId", x."personId", x."enrollmentId", x."certificateId", x."apprenticeshipId",
      x.kind::"SubsidyKind", x.part::"ClaimLinePart", x."occupationCode", x.level::"SkillLevel", x."basisRef", x."amountFen",
      x."subsidyYear", x."countsTowardLimit", x."limitSlot", x."dedupKey", x.explanation
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x("claimId" uuid, "personId" uuid, "enrollmentId" uuid, "certificateId" uuid,
      "apprenticeshipId" uuid, kind text, part text, "occupationCode" text, level text, "basisRef" text, "amountFen" int, "subsidyYear" int,
      "countsTowardLimit" boolean, "limitSlot" int, "dedupKey" text, explanation jsonb)
    ${onConflict}
    RETURNING "claimId"::text AS "claimId", "personId"::text AS "personId", "enrollmentId"::text AS "enrollmentId", "amountFen", "dedupKey"`;
}

const ID_FIELD: Record<FileClaimKind, keyof FileClaimInput> = {
  TRAINING: 'classId',
  CLASS_HOUR: 'classId',
  OUTCOME: 'classId',
  CERTIFICATE: 'sessionId',
  ENTERPRISE_SELF_EVALUATION: 'sessionId',
  ENTERPRISE_TRAINING: 'batchId',
  SKILL_UPGRADE: 'certificateId',
  APPRENTICESHIP_PREPAYMENT: 'apprenticeshipIds',
  APPRENTICESHIP_SETTLEMENT: 'apprenticeshipIds',
};

function required(field: string, kind: string): DomainError {
  return new DomainError('VALIDATION', { zh: `${kind}申领须提供${field}`, en: `${field} is required for a ${kind} claim` }, { field });
}

/** The input checks that need no database: the kind, and the basis ids it needs (well-formed). */
function validateInput(input: FileClaimInput): void {
  const kind = input.kind;
  if (!(FILE_CLAIM_KINDS as readonly string[]).includes(kind)) {
    throw new DomainError('VALIDATION', { zh: `不能直接申报的申领类别:${String(kind)}`, en: `Claim kind ${String(kind)} cannot be filed here` }, { field: 'kind' });
  }
  if (kind === 'APPRENTICESHIP_SETTLEMENT' && input.prepaymentClaimId) {
    if (!isUuid(input.prepaymentClaimId)) throw required('prepaymentClaimId', kind);
    return;
  }
  if (kind === 'APPRENTICESHIP_PREPAYMENT' || kind === 'APPRENTICESHIP_SETTLEMENT') {
    const ids = input.apprenticeshipIds ?? [];
    if (ids.length === 0) throw required(kind === 'APPRENTICESHIP_SETTLEMENT' ? 'apprenticeshipIds (or prepaymentClaimId)' : 'apprenticeshipIds', kind);
    if (ids.length > MAX_APPRENTICESHIPS_PER_CLAIM) {
      throw new DomainError(
        'VALIDATION',
        { zh: `一次申领最多${MAX_APPRENTICESHIPS_PER_CLAIM}名学徒`, en: `At most ${MAX_APPRENTICESHIPS_PER_CLAIM} apprenticeships per claim` },
        { field: 'apprenticeshipIds' },
      );
    }
    const bad = ids.findIndex((id) => !isUuid(id));
    if (bad >= 0) throw new DomainError('VALIDATION', { zh: `第${bad + 1}个学徒培训编号无效`, en: `Apprenticeship id ${bad + 1} is not valid` }, { field: 'apprenticeshipIds', row: bad + 1 });
    const y = input.yearIndex;
    if (typeof y !== 'number' || !Number.isInteger(y) || y < 1 || y > 10) {
      throw new DomainError('VALIDATION', { zh: '学徒年度须为1起的整数', en: 'yearIndex must be a whole number from 1' }, { field: 'yearIndex' });
    }
    return;
  }
  const field = ID_FIELD[kind];
  const id = input[field];
  if (typeof id !== 'string' || !isUuid(id)) throw required(field, kind);
}

async function gather(tx: Tx, actor: Actor, input: FileClaimInput, filedOn: string): Promise<Gathered> {
  const kind = input.kind;
  switch (kind) {
    case 'TRAINING':
    case 'CLASS_HOUR':
    case 'OUTCOME':
      return gatherClass(tx, actor, input.classId!, kind);
    case 'CERTIFICATE':
    case 'ENTERPRISE_SELF_EVALUATION':
      return gatherSessionCertificates(tx, actor, input.sessionId!, kind);
    case 'ENTERPRISE_TRAINING':
      return gatherStaffTraining(tx, actor, input.batchId!);
    case 'SKILL_UPGRADE':
      return gatherSkillUpgrade(tx, actor, input.certificateId!);
    case 'APPRENTICESHIP_PREPAYMENT':
    case 'APPRENTICESHIP_SETTLEMENT':
      return gatherApprenticeships(tx, actor, kind, input, filedOn);
    default:
      throw new DomainError('VALIDATION', { zh: `未知的申领类别:${String(kind)}`, en: `Unknown claim kind ${String(kind)}` }, { field: 'kind' });
  }
}

export async function fileClaim(prisma: PrismaClient, actor: Actor, input: FileClaimInput, now: Date = new Date()): Promise<FileClaimResult> {
  validateInput(input);
  const kind = input.kind;
  const filedOn = shanghaiDate(now);
  let computed = null as ClaimComputation | null;
  try {
    return await transaction(
      prisma,
      async (tx) => {
        const g = await gather(tx, actor, input, filedOn);
        const existing = await tx.subsidyClaim.findFirst({
          where: { claimKind: kind, basisRef: g.basisRef, status: { notIn: [...DEAD_CLAIM_STATUSES] } },
          select: { number: true },
        });
        if (existing) {
          throw new DomainError(
            'CONFLICT',
            { zh: `已有针对同一对象的申领${existing.number}`, en: `Claim ${existing.number} already covers this ${kind} basis (${g.field})` },
            { field: g.field, claimNumber: existing.number },
          );
        }
        const { row, policy } = await policyFor(tx, g.regionCode, POLICY_KIND_OF_CLAIM[kind], g.basisDate);
        const extra = g.complete?.(policy) ?? { facts: {} };
        const history = await historyOf(tx, g.persons.map((p) => p.personId));
        const computation = computeClaim({ policy, kind, basis: g.basis, persons: g.persons, history, filedOn });
        if (extra.explain) for (const l of computation.lines) l.explanation = extra.explain(l.explanation);
        computation.facts = { ...computation.facts, ...extra.facts };
        if (computation.totalFen < 0) computation.facts = { ...computation.facts, netFen: computation.totalFen, recoverFen: -computation.totalFen };
        computed = computation;
        if (computation.lines.length === 0) {
          throw new DomainError(
            'INELIGIBLE',
            { zh: '没有符合补贴条件的人员,申领未保存', en: 'No person qualifies for a subsidy; nothing was filed' },
            { field: 'persons', excluded: computation.excluded.map((x) => ({ personId: x.personId, rule: x.rule })) },
          );
        }
        const year = Number(filedOn.slice(0, 4));
        const serial = await nextSerial(tx, `claim:${g.regionCode}:${year}`);
        const number = claimNumber(g.regionCode, year, serial);
        const claim = await tx.subsidyClaim.create({
          data: {
            number,
            claimantId: g.claimantId,
            claimantPersonId: g.claimantPersonId,
            supplementsClaimId: g.supplementsClaimId,
            regionCode: g.regionCode,
            policyId: row.id,
            kind: policy.kind,
            claimKind: kind,
            basisRef: g.basisRef,
            // The basis is kept so supplementary claims (the employment uplift) can be computed on it.
            computation: { basis: g.basis, facts: computation.facts, excluded: computation.excluded, filedOn } as object,
            status: 'SUBMITTED',
            totalFen: BigInt(payableFen(computation.totalFen)),
            submittedAt: now,
          },
          select: { id: true },
        });
        const data = computation.lines.map((l) => claimLineRow(claim.id, l, g.links.get(l.personId)));
        await insertClaimLines(tx, data);
        const summary = { number, kind, basisRef: g.basisRef, policy: computation.policy, totalFen: computation.totalFen, lines: computation.lines.length, excluded: computation.excluded.length };
        await audit(tx, actor, { action: 'claim.file', entityType: 'SubsidyClaim', entityId: claim.id, after: summary });
        await emit(tx, {
          type: CLAIM_FILED_EVENT,
          aggregateType: 'SubsidyClaim',
          aggregateId: claim.id,
          payload: { claimId: claim.id, number, kind, totalFen: computation.totalFen, lines: computation.lines.length },
        });
        return { claimId: claim.id, number, totalFen: computation.totalFen, lines: computation.lines.length, excluded: computation.excluded.length, computation };
      },
      { timeoutMs: 60_000 },
    );
  } catch (e) {
    if (computed !== null && isUniqueViolation(e)) throw await conflictFor(prisma, computed);
    throw e;
  }
}
