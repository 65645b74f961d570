import type { Prisma, PrismaClient, Tx } from '@vtc/db';
import { transaction } from '@vtc/db';
import {
  ageOn,
  type ClaimBasis,
  type ClaimComputation,
  type ClaimPerson,
  computeClaim,
  DomainError,
  type HeldCertificate,
  type HistoryLine,
  type HistoryLineStatus,
  type PolicyKind,
  policyInForce,
  shanghaiDate,
  validatePolicy,
} from '@vtc/domain';
import { isStaffOf, notFound } from './access.ts';
import type { Actor } from './actor.ts';
import { audit } from './audit.ts';
import { isUuid } from './attendance.ts';
import { emit } from './outbox.ts';
import { nextSerial } from './serial.ts';

/**
 * Filing a subsidy claim (补贴申领, issue 5). The claimant's facts are gathered here, the amounts
 * come from the pure engine (domain `computeClaim`) under the policy version in force on the basis
 * date, and the claim with its explained lines is written in ONE transaction:
 *
 * - TRAINING: a training institution (or college) files for its own COMPLETED class. Persons are the
 *   enrollments with a final attendance rate; eligibility (priority groups, household type) is the
 *   snapshot taken at enrollment; age is taken at class start; the certificate paid for is the
 *   person's skill-level certificate of the class's occupation issued on or after the class start
 *   (the one from an assessment session of the class first).
 * - CERTIFICATE: a vocational college files for the skill-level certificates its students obtained
 *   in an assessment session of one of its own classes. Assumption (no graduating-year register
 *   yet): a person enrolled in the college's class is one of its graduating-year students.
 *
 * A claim for the same basis (kind + class/session) that is still live is a CONFLICT. Two claims
 * racing for the same person meet the partial unique indexes on SubsidyClaimLine (dedupKey and
 * the yearly limit slot): the loser's transaction is rolled back whole and the caller gets a
 * CONFLICT naming the person.
 */
export type FileClaimKind = 'TRAINING' | 'CERTIFICATE';

export interface FileClaimInput {
  kind: FileClaimKind;
  /** TRAINING: the completed class. */
  classId?: string | null;
  /** CERTIFICATE: the assessment session whose certificates are claimed. */
  sessionId?: string | null;
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

const day = (d: Date) => d.toISOString().slice(0, 10);

export function claimNumber(regionCode: string, year: number, serial: number): string {
  return `BT-${regionCode}-${year}-${String(serial).padStart(6, '0')}`;
}

interface Gathered {
  claimantId: string;
  regionCode: string;
  basisRef: string;
  basisDate: string;
  basis: ClaimBasis;
  persons: ClaimPerson[];
  /** Links written on each line, by person. */
  links: Map<string, { enrollmentId: string | null; certificateId: string | null }>;
}

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

async function skillCertificates(tx: Tx, personIds: string[]): Promise<Map<string, CertRow[]>> {
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
  const by = new Map<string, CertRow[]>();
  for (const r of rows) {
    const list = by.get(r.personId);
    if (list) list.push(r);
    else by.set(r.personId, [r]);
  }
  return by;
}

async function gatherTraining(tx: Tx, actor: Actor, classId: string): Promise<Gathered> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT id::text AS id FROM "TrainingClass" WHERE id = ${classId}::uuid FOR UPDATE`;
  if (rows.length === 0) throw notFound('Class', '培训班');
  const klass = await tx.trainingClass.findUniqueOrThrow({ where: { id: classId }, include: { occupation: true } });
  if (!isStaffOf(actor, klass.institutionId)) {
    throw new DomainError('FORBIDDEN', { zh: '只有本班所属培训机构可以申领培训补贴', en: "Only the class's own institution may claim its training subsidy" });
  }
  if (klass.status !== 'COMPLETED' || !klass.completedAt) {
    throw new DomainError('INVALID_TRANSITION', { zh: '培训班结业后才能申领补贴', en: 'A training subsidy is claimed once the class is completed' }, { field: 'classId', status: klass.status });
  }
  const startDate = day(klass.startDate);
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
  const certs = await skillCertificates(tx, enrollments.map((e) => e.personId));
  const links = new Map<string, { enrollmentId: string | null; certificateId: string | null }>();
  const persons = enrollments.map((e): ClaimPerson => {
    const own = certs.get(e.personId) ?? [];
    const candidates = own.filter((c) => c.occupation?.code === klass.occupation.code && c.level !== null && day(c.issuedOn) >= startDate);
    const paid = candidates.find((c) => c.assessmentResult?.session.classId === classId) ?? candidates[0] ?? null;
    links.set(e.personId, { enrollmentId: e.id, certificateId: paid?.id ?? null });
    return {
      personId: e.personId,
      sex: e.person.sex,
      ageAtStart: ageOn(day(e.person.birthDate), startDate),
      priorityGroupsAtEnrollment: e.priorityGroups,
      attendanceRateBp: e.attendanceRateBp ?? undefined,
      passedAssessment: e.status === 'COMPLETED',
      certificate: paid
        ? { number: paid.number, occupationCode: paid.occupation!.code, level: paid.level as HeldCertificate['level'], issuedOn: day(paid.issuedOn), evaluatorType: evaluatorOf(paid.number) }
        : null,
      heldCertificates: held(own),
    };
  });
  return {
    claimantId: klass.institutionId,
    regionCode: klass.regionCode,
    basisRef: `class:${classId}`,
    basisDate: startDate,
    basis: {
      type: 'CLASS',
      classId,
      occupationCode: klass.occupation.code,
      occupationTier: klass.occupation.subsidyTier,
      targetLevel: klass.level,
      startDate,
      completedOn: shanghaiDate(klass.completedAt),
    },
    persons,
    links,
  };
}

async function gatherCertificates(tx: Tx, actor: Actor, sessionId: string): Promise<Gathered> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT id::text AS id FROM "AssessmentSession" WHERE id = ${sessionId}::uuid FOR UPDATE`;
  if (rows.length === 0) throw notFound('AssessmentSession', '考核场次');
  const session = await tx.assessmentSession.findUniqueOrThrow({
    where: { id: sessionId },
    include: { class: { include: { institution: { select: { id: true, kind: true } } } } },
  });
  const college = session.class?.institution;
  if (!session.class || !college || !isStaffOf(actor, college.id) || college.kind !== 'VOCATIONAL_COLLEGE') {
    throw new DomainError('FORBIDDEN', {
      zh: '只有组织本场考核的职业院校可以申领取证补贴',
      en: 'Only the vocational college whose class took this assessment may claim its certificate subsidy',
    });
  }
  const klass = session.class;
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
    tx.enrollment.findMany({ where: { personId: { in: personIds }, class: { institutionId: college.id } }, select: { personId: true } }),
  ]);
  const isStudent = new Set(students.map((s) => s.personId));
  const links = new Map<string, { enrollmentId: string | null; certificateId: string | null }>();
  const persons: ClaimPerson[] = [];
  let basisDate = null as string | null;
  for (const c of issued) {
    if (links.has(c.personId)) continue;
    const own = certs.get(c.personId) ?? [];
    const cert = own.find((x) => x.id === c.id);
    if (!cert || cert.level === null || cert.occupation === null) continue;
    const issuedOn = day(cert.issuedOn);
    basisDate = basisDate === null || issuedOn < basisDate ? issuedOn : basisDate;
    links.set(c.personId, { enrollmentId: null, certificateId: cert.id });
    persons.push({
      personId: c.personId,
      certificate: { number: cert.number, occupationCode: cert.occupation.code, level: cert.level as HeldCertificate['level'], issuedOn, evaluatorType: evaluatorOf(cert.number) },
      heldCertificates: held(own),
      graduatingStudent: isStudent.has(c.personId),
    });
  }
  return {
    claimantId: college.id,
    regionCode: klass.regionCode,
    basisRef: `session:${sessionId}`,
    basisDate: basisDate ?? day(session.scheduledOn),
    basis: { type: 'CERTIFICATES', ref: `session:${sessionId}` },
    persons,
    links,
  };
}

async function historyOf(tx: Tx, personIds: string[]): Promise<HistoryLine[]> {
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

export async function fileClaim(prisma: PrismaClient, actor: Actor, input: FileClaimInput, now: Date = new Date()): Promise<FileClaimResult> {
  const kind = input.kind;
  const id = kind === 'TRAINING' ? input.classId : kind === 'CERTIFICATE' ? input.sessionId : null;
  if (kind !== 'TRAINING' && kind !== 'CERTIFICATE') {
    throw new DomainError('VALIDATION', { zh: `暂不支持的申领类别:${String(kind)}`, en: `Claim kind ${String(kind)} is not supported yet` }, { field: 'kind' });
  }
  if (!id || !isUuid(id)) {
    const field = kind === 'TRAINING' ? 'classId' : 'sessionId';
    throw new DomainError('VALIDATION', { zh: `缺少${field}`, en: `${field} is required for a ${kind} claim` }, { field });
  }
  const filedOn = shanghaiDate(now);
  let computed = null as ClaimComputation | null;
  try {
    return await transaction(
      prisma,
      async (tx) => {
        const g = kind === 'TRAINING' ? await gatherTraining(tx, actor, id) : await gatherCertificates(tx, actor, id);
        const existing = await tx.subsidyClaim.findFirst({
          where: { claimKind: kind, basisRef: g.basisRef, status: { notIn: [...DEAD_CLAIM_STATUSES] } },
          select: { number: true },
        });
        if (existing) {
          throw new DomainError(
            'CONFLICT',
            { zh: `已有针对同一对象的申领${existing.number}`, en: `Claim ${existing.number} already covers this ${kind === 'TRAINING' ? 'class' : 'session'}` },
            { field: kind === 'TRAINING' ? 'classId' : 'sessionId', claimNumber: existing.number },
          );
        }
        const { row, policy } = await policyFor(tx, g.regionCode, kind, g.basisDate);
        const history = await historyOf(tx, g.persons.map((p) => p.personId));
        const computation = computeClaim({ policy, kind, basis: g.basis, persons: g.persons, history, filedOn });
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
            regionCode: g.regionCode,
            policyId: row.id,
            kind: policy.kind,
            claimKind: kind,
            basisRef: g.basisRef,
            computation: { facts: computation.facts, excluded: computation.excluded, filedOn } as object,
            status: 'SUBMITTED',
            totalFen: BigInt(computation.totalFen),
            submittedAt: now,
          },
          select: { id: true },
        });
        await tx.subsidyClaimLine.createMany({
          data: computation.lines.map((l) => ({
            claimId: claim.id,
            personId: l.personId,
            enrollmentId: g.links.get(l.personId)?.enrollmentId ?? null,
            certificateId: g.links.get(l.personId)?.certificateId ?? null,
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
          })),
        });
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
