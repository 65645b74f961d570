import type { PrismaClient, Tx } from '@vtc/db';
import { lockRow, transaction } from '@vtc/db';
import {
  apprenticeshipTermEnd,
  DomainError,
  dateFromIso,
  isCalendarDate,
  isoDate,
  isSkillLevel,
  MAX_APPRENTICESHIP_YEARS,
  type SkillLevel,
  traineeErrorCode,
  validateTraineeInput,
} from '@vtc/domain';
import { notFound } from '../shared/access.ts';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import type { PiiKeys } from '../shared/pii.ts';
import { apprenticeshipScope } from '../shared/scope.ts';
import { enterpriseOf, isEnterpriseStaffOf } from '../staff-training/staff-training.ts';
import { guardNameMismatch, type TraineeInput, upsertPerson } from '../training-class/enrollment.ts';
import { trainingRulesFor } from '../training-class/policy.ts';

/**
 * 企业新型学徒制, the minimum the apprenticeship claims need: an enterprise registers an apprentice
 * (by resident ID, the same person everywhere) with the training institution, occupation, target
 * level, mentor and term (at most MAX_APPRENTICESHIP_YEARS years), ACTIVE from registration; it then
 * completes it (ACTIVE → COMPLETED) or terminates it early (ACTIVE → TERMINATED on a date, which
 * becomes the apprenticeship's end date: the schema has no separate termination date).
 */
export interface ApprenticeshipInput {
  apprentice: TraineeInput;
  institutionId: string;
  occupationCode: string;
  targetLevel: string;
  mentorName: string;
  startDate: string;
  endDate: string;
  contractRef?: string | null;
}

function invalid(field: string, zh: string, en: string): DomainError {
  return new DomainError('VALIDATION', { zh, en }, { field });
}

export async function createApprenticeship(prisma: PrismaClient, keys: PiiKeys, actor: Actor, input: ApprenticeshipInput, today: Date = new Date()) {
  const enterpriseId = enterpriseOf(actor);
  if (!isSkillLevel(input.targetLevel)) throw invalid('targetLevel', `目标等级无效:${input.targetLevel}`, `Unknown target level ${input.targetLevel}`);
  const mentorName = (input.mentorName ?? '').trim();
  if (mentorName.length < 2 || mentorName.length > 30) throw invalid('mentorName', '导师姓名须为2至30个字', 'The mentor name must be 2 to 30 characters');
  if (!isCalendarDate(input.startDate)) throw invalid('startDate', `开始日期无效:${input.startDate}`, `startDate is not a valid date: ${input.startDate}`);
  if (!isCalendarDate(input.endDate)) throw invalid('endDate', `结束日期无效:${input.endDate}`, `endDate is not a valid date: ${input.endDate}`);
  if (input.endDate <= input.startDate) throw invalid('endDate', '结束日期须晚于开始日期', 'endDate must be after startDate');
  const latest = apprenticeshipTermEnd(input.startDate, MAX_APPRENTICESHIP_YEARS);
  if (input.endDate > latest) {
    throw invalid('endDate', `学徒培训最长${MAX_APPRENTICESHIP_YEARS}年(至${latest})`, `An apprenticeship lasts at most ${MAX_APPRENTICESHIP_YEARS} years (until ${latest})`);
  }
  return guardNameMismatch(prisma, actor, { enterpriseId }, () => transaction(prisma, async (tx) => {
    const [enterprise, institution, occupation] = await Promise.all([
      tx.organization.findUniqueOrThrow({ where: { id: enterpriseId }, select: { kind: true, regionCode: true } }),
      tx.organization.findUnique({ where: { id: input.institutionId }, select: { kind: true } }),
      tx.occupation.findUnique({ where: { code: input.occupationCode }, select: { id: true } }),
    ]);
    if (enterprise.kind !== 'ENTERPRISE') throw new DomainError('FORBIDDEN', { zh: '只有企业可以登记学徒', en: 'Only an enterprise registers apprentices' });
    if (!institution || (institution.kind !== 'TRAINING_INSTITUTION' && institution.kind !== 'VOCATIONAL_COLLEGE')) {
      throw invalid('institutionId', '培训机构不存在或不是培训机构/职业院校', 'The institution does not exist or is not a training institution or college');
    }
    if (!occupation) throw invalid('occupationCode', `职业编码${input.occupationCode}不存在`, `Unknown occupation code ${input.occupationCode}`);
    const rules = await trainingRulesFor(tx, enterprise.regionCode, input.startDate);
    const checked = validateTraineeInput(input.apprentice, { today, rules, on: input.startDate });
    if (!checked.ok) {
      const first = checked.errors[0]!;
      throw new DomainError(
        traineeErrorCode(first),
        { zh: checked.errors.map((e) => e.zh).join(';'), en: checked.errors.map((e) => e.en).join('; ') },
        { field: `apprentice.${first.field}`, errors: checked.errors.map((e) => ({ field: e.field, rule: e.rule })) },
      );
    }
    const person = await upsertPerson(tx, keys, checked.value);
    const overlapping = await tx.apprenticeship.findFirst({
      where: {
        personId: person.id,
        status: { in: ['DRAFT', 'ACTIVE'] },
        startDate: { lte: dateFromIso(input.endDate) },
        endDate: { gte: dateFromIso(input.startDate) },
      },
      select: { id: true },
    });
    if (overlapping) {
      throw new DomainError('CONFLICT', { zh: '该人员已有期间重叠的学徒培训', en: 'This person already has an apprenticeship in the same period' }, { field: 'apprentice.idNumber' });
    }
    const a = await tx.apprenticeship.create({
      data: {
        enterpriseId,
        institutionId: input.institutionId,
        personId: person.id,
        occupationId: occupation.id,
        targetLevel: input.targetLevel as SkillLevel,
        regionCode: enterprise.regionCode,
        mentorName,
        startDate: dateFromIso(input.startDate),
        endDate: dateFromIso(input.endDate),
        status: 'ACTIVE',
        contractRef: input.contractRef ?? null,
      },
    });
    await audit(tx, actor, { action: 'apprenticeship.create', entityType: 'Apprenticeship', entityId: a.id, after: { status: a.status, startDate: input.startDate, endDate: input.endDate, targetLevel: input.targetLevel } });
    return a;
  }));
}

async function lockOwn(tx: Tx, actor: Actor, id: string) {
  const visible = await tx.apprenticeship.findFirst({ where: { AND: [{ id }, apprenticeshipScope(actor)] }, select: { id: true } });
  if (!visible) throw notFound('Apprenticeship', '学徒培训');
  await lockRow(tx, 'Apprenticeship', id);
  const a = await tx.apprenticeship.findUniqueOrThrow({ where: { id } });
  if (!isEnterpriseStaffOf(actor, a.enterpriseId)) {
    throw new DomainError('FORBIDDEN', { zh: '只有学徒所在企业可以办理', en: "Only the apprentice's enterprise may do this" });
  }
  if (a.status !== 'ACTIVE') {
    throw new DomainError('INVALID_TRANSITION', { zh: `学徒培训状态为${a.status},不能办理`, en: `An apprenticeship in state ${a.status} cannot be changed` }, { field: 'id', from: a.status });
  }
  return a;
}

/** ACTIVE → COMPLETED. */
export async function completeApprenticeship(prisma: PrismaClient, actor: Actor, input: { id: string }) {
  return transaction(prisma, async (tx) => {
    const a = await lockOwn(tx, actor, input.id);
    const done = await tx.apprenticeship.update({ where: { id: a.id }, data: { status: 'COMPLETED' } });
    await audit(tx, actor, { action: 'apprenticeship.complete', entityType: 'Apprenticeship', entityId: a.id, before: { status: 'ACTIVE' }, after: { status: 'COMPLETED' } });
    return done;
  });
}

/** ACTIVE → TERMINATED on `endedOn` (within the term), which becomes the end date; the planned end is kept in the audit row. */
export async function terminateApprenticeship(prisma: PrismaClient, actor: Actor, input: { id: string; endedOn: string; reason: string }) {
  if (!isCalendarDate(input.endedOn)) throw invalid('endedOn', `终止日期无效:${input.endedOn}`, `endedOn is not a valid date: ${input.endedOn}`);
  const reason = (input.reason ?? '').trim();
  if (reason.length < 2 || reason.length > 500) throw invalid('reason', '终止原因须为2至500个字', 'The reason must be 2 to 500 characters');
  return transaction(prisma, async (tx) => {
    const a = await lockOwn(tx, actor, input.id);
    if (input.endedOn < isoDate(a.startDate) || input.endedOn > isoDate(a.endDate)) {
      throw invalid('endedOn', `终止日期须在${isoDate(a.startDate)}至${isoDate(a.endDate)}之间`, `endedOn must be between ${isoDate(a.startDate)} and ${isoDate(a.endDate)}`);
    }
    const done = await tx.apprenticeship.update({ where: { id: a.id }, data: { status: 'TERMINATED', endDate: dateFromIso(input.endedOn) } });
    await audit(tx, actor, {
      action: 'apprenticeship.terminate',
      entityType: 'Apprenticeship',
      entityId: a.id,
      before: { status: 'ACTIVE', endDate: isoDate(a.endDate) },
      after: { status: 'TERMINATED', endDate: input.endedOn, reason },
    });
    return done;
  });
}
