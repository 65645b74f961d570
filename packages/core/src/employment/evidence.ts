import { isUniqueViolation, type PrismaClient, transaction } from '@vtc/db';
import {
  addDays,
  addMonthsClamped,
  contractEndOf,
  DomainError,
  dateFromIso,
  isCalendarDate,
  isoDate,
  maskPersonName,
  parseCreditCode,
  shanghaiDate,
} from '@vtc/domain';
import { notFound } from '../shared/access.ts';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import { employmentRecordScope } from '../shared/scope.ts';

/**
 * Employment evidence a trainee reports and the employer confirms (就业跟踪, 本人申报 + 企业确认).
 *
 * Self-report (`reportEmployment`): a TRAINEE user reports a job for one of their own COMPLETED
 * enrollments → EmploymentRecord SELF_REPORTED / UNCONFIRMED. Rules:
 * - employer credit code: GB 32100 (domain parseCreditCode); a code whose only fault is the check
 *   character (early pilot codes) is accepted only when an organization with that code is registered;
 * - contract start: a real date, not before the person's 16th birthday (legal working age), not more
 *   than 92 days after today (a contract signed for next month may be reported, a guess a year ahead
 *   not). A start BEFORE the training was completed is accepted: someone employed during or before
 *   training (job-skill upgrade) is employed; whether such a contract counts as "signed within 6
 *   months after completion" for the Bayannur uplift is the domain's employment decision, not intake's;
 * - term: whole months 1–120, or open-ended (无固定期限), exactly one of the two; the contract end is
 *   derived (start + months − 1 day, the inclusive rule of domain/subsidy/dates);
 * - optional monthly wage in fen (1 … 10,000,000), optional evidence reference (≤ 200 characters);
 * - the same person, employer and start date reported twice → CONFLICT (the record's unique key).
 * Employer answer (`decideEmploymentReport`): ENTERPRISE_STAFF of the organization the record names
 * (by credit code) confirms (optionally correcting the term) or denies with a reason, once; a second
 * decision is INVALID_TRANSITION. Both write an audit row.
 */

export const EMPLOYMENT_MAX_CONTRACT_MONTHS = 120;
export const EMPLOYMENT_MAX_WAGE_FEN = 10_000_000;
export const EMPLOYMENT_MAX_FUTURE_DAYS = 92;
const MIN_WORKING_AGE = 16;

export interface ReportEmploymentInput {
  enrollmentId: string;
  employerName: string;
  employerCreditCode: string;
  /** 'YYYY-MM-DD' (Asia/Shanghai calendar date). */
  contractStart: string;
  /** Whole months; omit (null) with openEnded = true for an open-ended contract. */
  contractMonths?: number | null;
  openEnded?: boolean | null;
  monthlyWageFen?: number | null;
  evidenceRef?: string | null;
}

const invalid = (field: string, zh: string, en: string) => new DomainError('VALIDATION', { zh, en }, { field });

function traineePersonIds(actor: Actor): string[] {
  return actor.roles.filter((r) => r.role === 'TRAINEE' && r.personId).map((r) => r.personId!);
}

/** The term: exactly one of whole months (1–120) or open-ended; returns months (null = open-ended). */
function contractTerm(months: number | null | undefined, openEnded: boolean | null | undefined, field = 'contractMonths'): number | null {
  const hasMonths = months !== null && months !== undefined;
  if (openEnded && hasMonths) {
    throw invalid(field, '无固定期限合同不能同时填写合同期限月数', 'An open-ended contract has no term in months: give one or the other');
  }
  if (openEnded) return null;
  if (!hasMonths) throw invalid(field, '请填写合同期限(月)或选择无固定期限', 'Give the contract term in months, or mark it open-ended');
  if (!Number.isInteger(months) || months < 1 || months > EMPLOYMENT_MAX_CONTRACT_MONTHS) {
    throw invalid(
      field,
      `合同期限应为1至${EMPLOYMENT_MAX_CONTRACT_MONTHS}之间的整月数`,
      `The contract term must be a whole number of months from 1 to ${EMPLOYMENT_MAX_CONTRACT_MONTHS}`,
    );
  }
  return months;
}

/** The stored end (inclusive) of a contract of `months` (null: open-ended) from `start` (domain contractEndOf). */
function storedContractEnd(start: string, months: number | null): Date | null {
  const end = contractEndOf({ contractStart: start, contractEnd: null, contractMonths: months });
  return end === null ? null : dateFromIso(end);
}

export async function reportEmployment(
  prisma: PrismaClient,
  actor: Actor,
  input: ReportEmploymentInput,
  options: { today?: Date } = {},
) {
  const persons = traineePersonIds(actor);
  if (persons.length === 0) {
    throw new DomainError('FORBIDDEN', { zh: '只有学员本人可以申报就业情况', en: 'Only the trainee themself may report employment' });
  }
  const enrollment = await prisma.enrollment.findUnique({
    where: { id: input.enrollmentId },
    select: { id: true, personId: true, status: true, completedAt: true, person: { select: { birthDate: true } } },
  });
  // Another person's enrollment answers as a missing one: the answer never tells that it exists.
  if (!enrollment || !persons.includes(enrollment.personId)) {
    throw new DomainError('NOT_FOUND', notFound('Enrollment', '报名记录').localized, { field: 'enrollmentId' });
  }
  if (enrollment.status !== 'COMPLETED') {
    throw new DomainError(
      'INVALID_TRANSITION',
      { zh: '该培训尚未结业,结业后才能申报就业', en: `Employment can be reported only after the training is completed (the enrollment is ${enrollment.status})` },
      { field: 'enrollmentId', from: enrollment.status },
    );
  }

  const employerName = input.employerName.trim();
  if ([...employerName].length < 2 || [...employerName].length > 100) {
    throw invalid('employerName', '单位名称应为2至100个字', 'The employer name must have 2 to 100 characters');
  }
  const code = input.employerCreditCode.trim().toUpperCase();
  const parsed = parseCreditCode(code);
  const employer = await prisma.organization.findUnique({ where: { creditCode: code }, select: { id: true } });
  if (!parsed.ok && !(parsed.rule === 'CHECKSUM' && employer)) {
    throw new DomainError('INVALID_CREDIT_CODE', parsed.message, { field: 'employerCreditCode', rule: parsed.rule });
  }

  const start = input.contractStart.trim();
  if (!isCalendarDate(start)) {
    throw invalid('contractStart', `合同开始日期“${start}”不是有效日期(YYYY-MM-DD)`, `Contract start "${start}" is not a real date (YYYY-MM-DD)`);
  }
  const today = shanghaiDate(options.today ?? new Date());
  const latest = addDays(today, EMPLOYMENT_MAX_FUTURE_DAYS);
  if (start > latest) {
    throw invalid(
      'contractStart',
      `合同开始日期${start}晚于今天${EMPLOYMENT_MAX_FUTURE_DAYS}天以上,请在合同开始后再申报`,
      `Contract start ${start} is more than ${EMPLOYMENT_MAX_FUTURE_DAYS} days after today; report it once the contract has started`,
    );
  }
  const earliest = addMonthsClamped(isoDate(enrollment.person.birthDate), MIN_WORKING_AGE * 12);
  if (start < earliest) {
    throw invalid(
      'contractStart',
      `合同开始日期${start}早于本人年满${MIN_WORKING_AGE}周岁之日(${earliest}),不可能`,
      `Contract start ${start} is before your ${MIN_WORKING_AGE}th birthday (${earliest}): impossible`,
    );
  }
  const months = contractTerm(input.contractMonths, input.openEnded);
  const wage = input.monthlyWageFen;
  if (wage !== null && wage !== undefined && (!Number.isInteger(wage) || wage < 1 || wage > EMPLOYMENT_MAX_WAGE_FEN)) {
    throw invalid('monthlyWageFen', '月工资应为1分至10万元之间的整数分', 'The monthly wage must be whole fen from 1 to 10,000,000 (100,000 yuan)');
  }
  const evidenceRef = input.evidenceRef?.trim() || null;
  if (evidenceRef && evidenceRef.length > 200) {
    throw invalid('evidenceRef', '证明材料编号不能超过200个字符', 'The evidence reference may have at most 200 characters');
  }

  try {
    return await transaction(prisma, async (tx) => {
      const record = await tx.employmentRecord.create({
        data: {
          personId: enrollment.personId,
          enrollmentId: enrollment.id,
          employerId: employer?.id ?? null,
          employerCreditCode: code,
          employerName,
          source: 'SELF_REPORTED',
          contractStart: dateFromIso(start),
          contractEnd: storedContractEnd(start, months),
          contractMonths: months,
          monthlyWageFen: wage ?? null,
          evidenceRef,
          reportedById: actor.userId,
          confirmation: 'UNCONFIRMED',
        },
      });
      await audit(tx, actor, {
        action: 'employment.reported',
        entityType: 'EmploymentRecord',
        entityId: record.id,
        after: { enrollmentId: enrollment.id, employerCreditCode: code, contractStart: start, contractMonths: months, monthlyWageFen: wage ?? null },
      });
      return record;
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new DomainError(
        'CONFLICT',
        { zh: '您已申报过在该单位、同一开始日期的就业', en: 'You have already reported this job (same employer and contract start)' },
        { field: 'contractStart' },
      );
    }
    throw err;
  }
}

// ───────────────────────────── employer side ─────────────────────────────

/** The enterprises the actor acts for: ids and credit codes. */
async function employerOrgs(prisma: PrismaClient, actor: Actor) {
  const ids = [...new Set(actor.roles.filter((r) => r.role === 'ENTERPRISE_STAFF' && r.organizationId).map((r) => r.organizationId!))];
  if (ids.length === 0) {
    throw new DomainError('FORBIDDEN', { zh: '只有用人单位的工作人员可以确认就业', en: 'Only staff of the employer may confirm employment' });
  }
  return prisma.organization.findMany({ where: { id: { in: ids } }, select: { id: true, creditCode: true } });
}

export interface EmploymentReportView {
  id: string;
  /** Masked (张*): the employer learns who claims to work there, not more than it needs. */
  personName: string;
  idNumberMasked: string;
  employerName: string | null;
  employerCreditCode: string | null;
  contractStart: string | null;
  contractEnd: string | null;
  contractMonths: number | null;
  monthlyWageFen: number | null;
  evidenceRef: string | null;
  confirmation: 'UNCONFIRMED' | 'CONFIRMED' | 'DENIED';
  denialReason: string | null;
  className: string | null;
  completedOn: string | null;
  reportedAt: Date;
}

/** Self-reports naming the actor's enterprise (by organization or credit code), newest first. */
export async function listEmploymentReports(
  prisma: PrismaClient,
  actor: Actor,
  filter: { confirmation?: 'UNCONFIRMED' | 'CONFIRMED' | 'DENIED' | null; take?: number } = {},
): Promise<EmploymentReportView[]> {
  const orgs = await employerOrgs(prisma, actor);
  const rows = await prisma.employmentRecord.findMany({
    where: {
      source: 'SELF_REPORTED',
      ...(filter.confirmation ? { confirmation: filter.confirmation } : {}),
      OR: [{ employerId: { in: orgs.map((o) => o.id) } }, { employerCreditCode: { in: orgs.map((o) => o.creditCode) } }],
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    take: Math.min(filter.take ?? 100, 500),
    include: {
      person: { select: { name: true, idNumberMasked: true } },
      enrollment: { select: { completedAt: true, class: { select: { name: true } } } },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    personName: maskPersonName(r.person.name),
    idNumberMasked: r.person.idNumberMasked,
    employerName: r.employerName,
    employerCreditCode: r.employerCreditCode,
    contractStart: r.contractStart ? isoDate(r.contractStart) : null,
    contractEnd: r.contractEnd ? isoDate(r.contractEnd) : null,
    contractMonths: r.contractMonths,
    monthlyWageFen: r.monthlyWageFen,
    evidenceRef: r.evidenceRef,
    confirmation: r.confirmation,
    denialReason: r.denialReason,
    className: r.enrollment?.class.name ?? null,
    completedOn: r.enrollment?.completedAt ? shanghaiDate(r.enrollment.completedAt) : null,
    reportedAt: r.createdAt,
  }));
}

export interface DecideEmploymentReportInput {
  recordId: string;
  confirm: boolean;
  /** On confirmation: the corrected term (whole months), or openEnded; omit both to keep the reported term. */
  contractMonths?: number | null;
  openEnded?: boolean | null;
  /** Required on denial (2–500 characters). */
  reason?: string | null;
}

export async function decideEmploymentReport(prisma: PrismaClient, actor: Actor, input: DecideEmploymentReportInput) {
  const orgs = await employerOrgs(prisma, actor);
  const record = await prisma.employmentRecord.findFirst({
    where: { AND: [{ id: input.recordId, source: 'SELF_REPORTED' }, { OR: [employmentRecordScope(actor), { employerCreditCode: { in: orgs.map((o) => o.creditCode) } }] }] },
  });
  if (!record) throw notFound('EmploymentRecord', '就业申报');
  const org = orgs.find((o) => o.id === record.employerId || o.creditCode === record.employerCreditCode);
  if (!org) {
    throw new DomainError('FORBIDDEN', { zh: '只有申报中所填单位的工作人员可以确认', en: 'Only staff of the employer named in the report may decide it' });
  }
  if (record.confirmation !== 'UNCONFIRMED') {
    throw new DomainError(
      'INVALID_TRANSITION',
      { zh: '该申报已经确认或否认过,不能再次处理', en: `This report was already decided (${record.confirmation})` },
      { from: record.confirmation },
    );
  }
  const data: {
    confirmation: 'CONFIRMED' | 'DENIED';
    confirmedById: string;
    confirmedAt: Date;
    employerId: string;
    denialReason?: string;
    contractMonths?: number | null;
    contractEnd?: Date | null;
  } = { confirmation: input.confirm ? 'CONFIRMED' : 'DENIED', confirmedById: actor.userId, confirmedAt: new Date(), employerId: org.id };
  if (input.confirm) {
    if (input.reason?.trim()) throw invalid('reason', '确认时不需要填写理由', 'A reason is given only when denying');
    const corrects = input.openEnded || (input.contractMonths !== null && input.contractMonths !== undefined);
    if (corrects) {
      const months = contractTerm(input.contractMonths, input.openEnded);
      data.contractMonths = months;
      data.contractEnd = record.contractStart ? storedContractEnd(isoDate(record.contractStart), months) : null;
    }
  } else {
    const reason = input.reason?.trim() ?? '';
    if ([...reason].length < 2 || [...reason].length > 500) {
      throw invalid('reason', '否认时请填写理由(2至500字)', 'Give the reason for the denial (2 to 500 characters)');
    }
    if (input.openEnded || (input.contractMonths !== null && input.contractMonths !== undefined)) {
      throw invalid('contractMonths', '否认时不能修改合同期限', 'The term can be corrected only when confirming');
    }
    data.denialReason = reason;
  }
  return transaction(prisma, async (tx) => {
    const moved = await tx.employmentRecord.updateMany({ where: { id: record.id, confirmation: 'UNCONFIRMED' }, data });
    if (moved.count !== 1) {
      throw new DomainError('INVALID_TRANSITION', { zh: '该申报已经确认或否认过,不能再次处理', en: 'This report was already decided' });
    }
    const after = await tx.employmentRecord.findUniqueOrThrow({ where: { id: record.id } });
    await audit(tx, actor, {
      action: input.confirm ? 'employment.confirmed' : 'employment.denied',
      entityType: 'EmploymentRecord',
      entityId: record.id,
      before: { confirmation: record.confirmation, contractMonths: record.contractMonths },
      after: { confirmation: after.confirmation, contractMonths: after.contractMonths, denialReason: after.denialReason },
    });
    return after;
  });
}
