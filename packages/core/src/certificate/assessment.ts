import type { PrismaClient, Tx } from '@vtc/db';
import { lockRow, transaction } from '@vtc/db';
import {
  type AssessmentKind,
  assessmentIssueDate,
  assessmentOutcome,
  assertResultsRecordable,
  checkPassRule,
  DomainError,
  type SkillLevel,
  dateFromIso,
  isoDate,
  isQualifiedFor,
} from '@vtc/domain';
import { notFound } from '../shared/access.ts';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import { today as shanghaiToday } from '../shared/clock.ts';
import { type CertificateSigning, issueCertificate } from './issue.ts';
import { emit } from '../shared/outbox.ts';

/**
 * Assessment sessions (评价考核): an evaluation body (social organisation "S" or employer "Y") holding
 * the occupation in its scope plans a session, registers candidates (from a completed class, or for an
 * employer its own staff), records scores, and closes the session, which issues a signed certificate
 * for every PASSED candidate. Numbers follow the national 22-character format.
 */
function evaluatorOrg(actor: Actor): string {
  const ids = [...new Set(actor.roles.filter((r) => r.role === 'EVALUATOR' && r.organizationId).map((r) => r.organizationId!))];
  if (ids.length !== 1) {
    throw new DomainError('FORBIDDEN', { zh: '只有评价机构人员可以办理评价业务', en: 'Only evaluation body staff may do this' });
  }
  return ids[0]!;
}

export interface SessionInput {
  occupationId: string;
  kind: AssessmentKind;
  level: SkillLevel | null;
  siteCode: string;
  scheduledOn: string;
  classId?: string | null;
  passTheoryScore?: number | null;
  passPracticalScore?: number | null;
}

export async function createAssessmentSession(prisma: PrismaClient, actor: Actor, input: SessionInput) {
  const orgId = evaluatorOrg(actor);
  const rule = { passTheoryScore: input.passTheoryScore ?? 60, passPracticalScore: input.passPracticalScore ?? 60 };
  checkPassRule(rule);
  if (!/^\d{6}$/.test(input.siteCode)) {
    throw new DomainError('VALIDATION', { zh: '评价站点代码须为6位数字', en: 'The evaluation site code must be 6 digits' }, { field: 'siteCode' });
  }
  return transaction(prisma, async (tx) => {
    const org = await tx.organization.findUniqueOrThrow({ where: { id: orgId } });
    if (!org.evaluationCode || org.status !== 'ACTIVE') {
      throw new DomainError('INELIGIBLE', { zh: '本机构未备案评价机构代码或状态异常', en: 'The organisation has no evaluation code or is not active' });
    }
    const occupation = await tx.occupation.findUnique({ where: { id: input.occupationId } });
    if (!occupation) throw new DomainError('NOT_FOUND', { zh: '职业(工种)不存在', en: 'Occupation not found' }, { field: 'occupationId' });
    if ((input.kind === 'SPECIAL_ABILITY') !== occupation.specialAbility) {
      throw new DomainError('VALIDATION', {
        zh: '专项职业能力考核只适用于专项能力项目',
        en: 'SPECIAL_ABILITY assessments are for special-ability items, and only they',
      }, { field: 'kind' });
    }
    if (input.kind === 'SPECIAL_ABILITY' ? input.level !== null : !input.level || !occupation.levels.includes(input.level)) {
      throw new DomainError('VALIDATION', { zh: '评价等级与职业不符', en: 'The level does not fit the occupation and kind' }, { field: 'level' });
    }
    const scope = await tx.organizationOccupation.findUnique({
      where: { organizationId_occupationId: { organizationId: orgId, occupationId: input.occupationId } },
    });
    const qualification = scope && { maxLevel: scope.maxLevel, validUntil: scope.validUntil && isoDate(scope.validUntil) };
    if (!isQualifiedFor(qualification, input.level, input.scheduledOn)) {
      throw new DomainError('INELIGIBLE', {
        zh: '该职业(等级)不在本机构的评价范围内',
        en: 'The occupation and level are outside the evaluation scope of this organisation',
      }, { field: 'occupationId' });
    }
    if (input.classId) {
      const klass = await tx.trainingClass.findUnique({ where: { id: input.classId } });
      if (!klass || klass.status !== 'COMPLETED' || klass.occupationId !== input.occupationId) {
        throw new DomainError('VALIDATION', { zh: '关联的培训班须已结业且职业一致', en: 'The class must be completed and of the same occupation' }, { field: 'classId' });
      }
    }
    const session = await tx.assessmentSession.create({
      data: {
        evaluationBodyId: orgId,
        occupationId: input.occupationId,
        kind: input.kind,
        level: input.level,
        regionCode: org.regionCode,
        siteCode: input.siteCode,
        classId: input.classId ?? null,
        scheduledOn: dateFromIso(input.scheduledOn),
        status: 'PLANNED',
        ...rule,
      },
    });
    await audit(tx, actor, { action: 'assessment.planned', entityType: 'AssessmentSession', entityId: session.id, after: { status: 'PLANNED' } });
    return session;
  });
}

async function lockSession(tx: Tx, actor: Actor, sessionId: string) {
  const orgId = evaluatorOrg(actor);
  const s = await tx.assessmentSession.findFirst({ where: { id: sessionId, evaluationBodyId: orgId } });
  if (!s) throw notFound('Assessment session', '评价考核场次');
  await lockRow(tx, 'AssessmentSession', sessionId);
  const fresh = await tx.assessmentSession.findUniqueOrThrow({ where: { id: sessionId }, include: { evaluationBody: true, occupation: true } });
  if (fresh.status === 'CLOSED') {
    throw new DomainError('INVALID_TRANSITION', { zh: '评价考核场次已结束', en: 'The assessment session is closed' });
  }
  return fresh;
}

/**
 * Register candidates: the COMPLETED trainees of a completed class of the same occupation, or (for an
 * employer evaluating its own staff) people with an employment record at that employer.
 */
export async function registerCandidates(
  prisma: PrismaClient,
  actor: Actor,
  input: { sessionId: string; fromClassId?: string | null; personIds?: string[] | null },
) {
  return transaction(prisma, async (tx) => {
    const s = await lockSession(tx, actor, input.sessionId);
    const ids = new Set<string>();
    if (input.fromClassId) {
      const klass = await tx.trainingClass.findUnique({ where: { id: input.fromClassId } });
      if (!klass || klass.status !== 'COMPLETED' || klass.occupationId !== s.occupationId) {
        throw new DomainError('VALIDATION', { zh: '培训班须已结业且职业一致', en: 'The class must be completed and of the same occupation' }, { field: 'fromClassId' });
      }
      const done = await tx.enrollment.findMany({ where: { classId: klass.id, status: 'COMPLETED' }, select: { personId: true } });
      for (const e of done) ids.add(e.personId);
    }
    if (input.personIds?.length) {
      if (s.evaluationBody.kind !== 'ENTERPRISE') {
        throw new DomainError('VALIDATION', {
          zh: '社会评价机构须从已结业的培训班登记考生',
          en: 'A social evaluation organisation registers candidates from completed classes',
        }, { field: 'personIds' });
      }
      const staff = await tx.employmentRecord.findMany({
        where: { employerId: s.evaluationBodyId, personId: { in: input.personIds } },
        select: { personId: true },
      });
      const staffIds = new Set(staff.map((x) => x.personId));
      const outsider = input.personIds.find((p) => !staffIds.has(p));
      if (outsider) {
        throw new DomainError('INELIGIBLE', { zh: '企业自主评价只能评价本企业职工', en: 'An employer evaluates only its own staff' }, { field: 'personIds' });
      }
      for (const p of input.personIds) ids.add(p);
    }
    if (ids.size === 0) {
      throw new DomainError('VALIDATION', { zh: '没有可登记的考生', en: 'No candidates to register' }, { field: 'fromClassId' });
    }
    const created = await tx.assessmentResult.createMany({
      data: [...ids].map((personId) => ({ sessionId: s.id, personId, outcome: 'PENDING' as const })),
      skipDuplicates: true,
    });
    if (s.status === 'PLANNED') await tx.assessmentSession.update({ where: { id: s.id }, data: { status: 'OPEN' } });
    await audit(tx, actor, { action: 'assessment.candidates', entityType: 'AssessmentSession', entityId: s.id, after: { added: created.count } });
    return { added: created.count, total: await tx.assessmentResult.count({ where: { sessionId: s.id } }) };
  });
}

export interface ScoreRow {
  personId: string;
  absent?: boolean | null;
  theoryScore?: number | null;
  practicalScore?: number | null;
}

/**
 * Record (or correct) scores, on or after the session's scheduled date; the outcome follows the
 * session's pass rule. All rows or none.
 */
export async function recordAssessmentResults(
  prisma: PrismaClient,
  actor: Actor,
  input: { sessionId: string; results: ScoreRow[] },
  today: string = shanghaiToday(),
) {
  if (input.results.length === 0 || input.results.length > 2000) {
    throw new DomainError('VALIDATION', { zh: '每次录入1–2000条成绩', en: 'Send 1–2000 results at a time' }, { field: 'results' });
  }
  return transaction(prisma, async (tx) => {
    const s = await lockSession(tx, actor, input.sessionId);
    assertResultsRecordable(isoDate(s.scheduledOn), today);
    const candidates = new Map(
      (await tx.assessmentResult.findMany({ where: { sessionId: s.id }, select: { id: true, personId: true } })).map((r) => [r.personId, r.id]),
    );
    const seen = new Set<string>();
    const outcomes = input.results.map((row, i) => {
      const at = (e: unknown) => {
        if (e instanceof DomainError) throw new DomainError(e.code, e.localized, { ...e.details, row: i + 1 });
        throw e;
      };
      if (!candidates.has(row.personId)) at(new DomainError('NOT_FOUND', { zh: '不是本场次的考生', en: 'Not a candidate of this session' }, { field: 'personId' }));
      if (seen.has(row.personId)) at(new DomainError('VALIDATION', { zh: '同一考生重复录入', en: 'The same candidate twice' }, { field: 'personId' }));
      seen.add(row.personId);
      try {
        return { row, ...assessmentOutcome(row, s, s.kind) };
      } catch (e) {
        return at(e);
      }
    });
    for (const o of outcomes) {
      await tx.assessmentResult.update({
        where: { id: candidates.get(o.row.personId)! },
        data: {
          outcome: o.outcome,
          theoryScore: o.row.absent ? null : (o.row.theoryScore ?? null),
          practicalScore: o.row.absent ? null : (o.row.practicalScore ?? null),
          recordedAt: new Date(),
        },
      });
    }
    await audit(tx, actor, {
      action: 'assessment.results',
      entityType: 'AssessmentSession',
      entityId: s.id,
      after: { recorded: outcomes.length, passed: outcomes.filter((o) => o.outcome === 'PASSED').length },
    });
    return { recorded: outcomes.length, passed: outcomes.filter((o) => o.outcome === 'PASSED').length };
  });
}

/**
 * Close a session: every candidate must have a result; each PASSED candidate receives one signed
 * certificate (idempotent by the result's unique key). Emits `assessment.closed` so the worker renders PDFs.
 */
export async function closeAssessmentSession(
  prisma: PrismaClient,
  signing: CertificateSigning,
  actor: Actor,
  input: { sessionId: string; issuedOn?: string | null },
  today: string = shanghaiToday(),
) {
  return transaction(
    prisma,
    async (tx) => {
      const s = await lockSession(tx, actor, input.sessionId);
      const pending = await tx.assessmentResult.count({ where: { sessionId: s.id, outcome: 'PENDING' } });
      const total = await tx.assessmentResult.count({ where: { sessionId: s.id } });
      if (total === 0 || pending > 0) {
        throw new DomainError('VALIDATION', {
          zh: total === 0 ? '本场次没有考生' : `还有${pending}名考生没有成绩`,
          en: total === 0 ? 'The session has no candidates' : `${pending} candidate(s) have no result yet`,
        }, { field: 'results' });
      }
      const issuedOn = assessmentIssueDate(input.issuedOn, isoDate(s.scheduledOn), today);
      const passed = await tx.assessmentResult.findMany({
        where: { sessionId: s.id, outcome: 'PASSED', certificate: null },
        include: { person: true },
        orderBy: { recordedAt: 'asc' },
      });
      const enrollments = s.classId
        ? new Map((await tx.enrollment.findMany({ where: { classId: s.classId }, select: { id: true, personId: true } })).map((e) => [e.personId, e.id]))
        : new Map<string, string>();
      const issued: string[] = [];
      for (const r of passed) {
        const cert = await issueCertificate(tx, signing, {
          kind: s.kind === 'SPECIAL_ABILITY' ? 'SPECIAL_ABILITY' : 'SKILL_LEVEL',
          person: r.person,
          issuer: s.evaluationBody,
          occupation: s.occupation,
          level: s.level,
          issuedOn,
          siteCode: s.siteCode,
          regionCode: s.regionCode,
          assessmentResultId: r.id,
          enrollmentId: enrollments.get(r.personId) ?? null,
        }, today);
        issued.push(cert.number);
      }
      await tx.assessmentSession.update({ where: { id: s.id }, data: { status: 'CLOSED', closedAt: new Date() } });
      await audit(tx, actor, {
        action: 'assessment.closed',
        entityType: 'AssessmentSession',
        entityId: s.id,
        before: { status: s.status },
        after: { status: 'CLOSED', certificates: issued.length },
      });
      await emit(tx, { type: 'assessment.closed', aggregateType: 'AssessmentSession', aggregateId: s.id, payload: { sessionId: s.id } });
      return { issued };
    },
    { timeoutMs: 120_000 },
  );
}
