import type { PrismaClient, Tx } from '@vtc/db';
import { lockRow, transaction } from '@vtc/db';
import {
  DomainError,
  dateFromIso,
  ENTERPRISE_TRAINING_KINDS,
  type EnterpriseTrainingKind,
  isCalendarDate,
  isoDate,
  shanghaiDate,
  traineeErrorCode,
  validateTraineeInput,
} from '@vtc/domain';
import { notFound } from '../shared/access.ts';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import type { PiiKeys } from '../shared/pii.ts';
import { staffTrainingBatchScope } from '../shared/scope.ts';
import { nextSerial } from '../shared/serial.ts';
import { guardNameMismatch, type TraineeInput, upsertPerson } from '../training-class/enrollment.ts';
import { trainingRulesFor } from '../training-class/policy.ts';

/**
 * Enterprise staff training (企业职工岗前、安全技能、转岗转业培训, Linfen 003 item 6): an enterprise
 * records a batch (kind, title, dates, hours, optional occupation), adds its staff by resident ID
 * (the same ID anywhere is the same person, as for class trainees), completes the batch with each
 * participant's attended hours, and then files the ENTERPRISE_TRAINING claim (subsidy/gather/staff-training.ts).
 * DRAFT → COMPLETED (or CANCELLED); participants change only while DRAFT.
 */
export interface StaffTrainingBatchInput {
  trainingKind: string;
  title: string;
  startDate: string;
  endDate: string;
  hours: number;
  occupationCode?: string | null;
}

export const MAX_STAFF_TRAINING_HOURS = 2_000;
export const MAX_PARTICIPANTS_PER_CALL = 1_000;

function invalid(field: string, zh: string, en: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError('VALIDATION', { zh, en }, { field, ...details });
}

/** Is the actor staff of this enterprise? */
export function isEnterpriseStaffOf(actor: Actor, organizationId: string): boolean {
  return actor.roles.some((r) => r.role === 'ENTERPRISE_STAFF' && r.organizationId === organizationId);
}

/** The single enterprise the actor acts for, or FORBIDDEN. */
export function enterpriseOf(actor: Actor): string {
  const ids = [...new Set(actor.roles.filter((r) => r.role === 'ENTERPRISE_STAFF' && r.organizationId).map((r) => r.organizationId!))];
  if (ids.length !== 1) {
    throw new DomainError('FORBIDDEN', { zh: '只有企业工作人员可以办理此业务', en: 'Only enterprise staff may do this' });
  }
  return ids[0]!;
}

function checkBatchInput(input: StaffTrainingBatchInput): { trainingKind: EnterpriseTrainingKind; title: string } {
  if (!(ENTERPRISE_TRAINING_KINDS as readonly string[]).includes(input.trainingKind)) {
    throw invalid('trainingKind', `培训类别须为${ENTERPRISE_TRAINING_KINDS.join('、')}之一`, `trainingKind must be one of ${ENTERPRISE_TRAINING_KINDS.join(', ')}`);
  }
  const title = (input.title ?? '').trim();
  if (title.length < 2 || title.length > 100) throw invalid('title', '培训名称须为2至100个字', 'The title must be 2 to 100 characters');
  if (!isCalendarDate(input.startDate)) throw invalid('startDate', `开始日期无效:${input.startDate}`, `startDate is not a valid date: ${input.startDate}`);
  if (!isCalendarDate(input.endDate)) throw invalid('endDate', `结束日期无效:${input.endDate}`, `endDate is not a valid date: ${input.endDate}`);
  if (input.endDate < input.startDate) {
    throw invalid('endDate', `结束日期${input.endDate}早于开始日期${input.startDate}`, `endDate ${input.endDate} is before startDate ${input.startDate}`);
  }
  if (!Number.isInteger(input.hours) || input.hours < 1 || input.hours > MAX_STAFF_TRAINING_HOURS) {
    throw invalid('hours', `学时须为1至${MAX_STAFF_TRAINING_HOURS}的整数`, `hours must be a whole number from 1 to ${MAX_STAFF_TRAINING_HOURS}`);
  }
  return { trainingKind: input.trainingKind as EnterpriseTrainingKind, title };
}

export async function createStaffTrainingBatch(prisma: PrismaClient, actor: Actor, input: StaffTrainingBatchInput) {
  const enterpriseId = enterpriseOf(actor);
  const { trainingKind, title } = checkBatchInput(input);
  return transaction(prisma, async (tx) => {
    const enterprise = await tx.organization.findUniqueOrThrow({ where: { id: enterpriseId }, select: { kind: true, regionCode: true } });
    if (enterprise.kind !== 'ENTERPRISE') {
      throw new DomainError('FORBIDDEN', { zh: '只有企业可以登记职工培训', en: 'Only an enterprise records staff training' });
    }
    let occupationId: string | null = null;
    if (input.occupationCode) {
      const occ = await tx.occupation.findUnique({ where: { code: input.occupationCode }, select: { id: true } });
      if (!occ) throw invalid('occupationCode', `职业编码${input.occupationCode}不存在`, `Unknown occupation code ${input.occupationCode}`);
      occupationId = occ.id;
    }
    const year = Number(input.startDate.slice(0, 4));
    const serial = await nextSerial(tx, `staff-training:${enterprise.regionCode}:${year}`);
    const batch = await tx.staffTrainingBatch.create({
      data: {
        number: `ZG-${enterprise.regionCode}-${year}-${String(serial).padStart(5, '0')}`,
        enterpriseId,
        regionCode: enterprise.regionCode,
        trainingKind,
        occupationId,
        title,
        startDate: dateFromIso(input.startDate),
        endDate: dateFromIso(input.endDate),
        hours: input.hours,
        createdById: actor.userId,
      },
    });
    await audit(tx, actor, { action: 'staffTraining.create', entityType: 'StaffTrainingBatch', entityId: batch.id, after: { number: batch.number, trainingKind, title, hours: input.hours } });
    return batch;
  });
}

async function lockOwnBatch(tx: Tx, actor: Actor, batchId: string) {
  const visible = await tx.staffTrainingBatch.findFirst({ where: { AND: [{ id: batchId }, staffTrainingBatchScope(actor)] }, select: { id: true } });
  if (!visible) throw notFound('StaffTrainingBatch', '职工培训批次');
  await lockRow(tx, 'StaffTrainingBatch', batchId);
  const batch = await tx.staffTrainingBatch.findUniqueOrThrow({ where: { id: batchId } });
  if (!isEnterpriseStaffOf(actor, batch.enterpriseId)) {
    throw new DomainError('FORBIDDEN', { zh: '只有开展本批培训的企业可以修改', en: 'Only the enterprise that runs this batch may change it' });
  }
  if (batch.status !== 'DRAFT') {
    throw new DomainError('INVALID_TRANSITION', { zh: '职工培训批次已结束或已取消,不能修改', en: `A batch in state ${batch.status} cannot be changed` }, { field: 'batchId', from: batch.status });
  }
  return batch;
}

/**
 * Add staff to a DRAFT batch by resident ID. Every row is validated first (name, ID check digit,
 * working age on the batch start under the region's training rules); any bad row refuses the whole
 * call with VALIDATION naming the row and field. A person already in the batch is a CONFLICT.
 */
export async function addStaffTrainingParticipants(prisma: PrismaClient, keys: PiiKeys, actor: Actor, input: { batchId: string; participants: readonly TraineeInput[] }, today: Date = new Date()) {
  if (input.participants.length === 0) throw invalid('participants', '至少须添加一名职工', 'Add at least one participant');
  if (input.participants.length > MAX_PARTICIPANTS_PER_CALL) {
    throw invalid('participants', `一次最多添加${MAX_PARTICIPANTS_PER_CALL}人`, `At most ${MAX_PARTICIPANTS_PER_CALL} participants per call`);
  }
  // Registering by ID number under another name is audited and limited, as for enrollment.
  return guardNameMismatch(prisma, actor, { batchId: input.batchId }, () =>
    transaction(
    prisma,
    async (tx) => {
      const batch = await lockOwnBatch(tx, actor, input.batchId);
      const on = isoDate(batch.startDate);
      const rules = await trainingRulesFor(tx, batch.regionCode, on);
      const values = input.participants.map((p, i) => {
        const checked = validateTraineeInput(p, { today, rules, on });
        if (!checked.ok) {
          const first = checked.errors[0]!;
          throw new DomainError(
            traineeErrorCode(first),
            { zh: `第${i + 1}行:${checked.errors.map((e) => e.zh).join(';')}`, en: `Row ${i + 1}: ${checked.errors.map((e) => e.en).join('; ')}` },
            { field: first.field, row: i + 1, errors: checked.errors.map((e) => ({ field: e.field, rule: e.rule })) },
          );
        }
        return checked.value;
      });
      const seen = new Map<string, number>();
      values.forEach((v, i) => {
        const earlier = seen.get(v.idNumber);
        if (earlier !== undefined) {
          throw new DomainError('VALIDATION', { zh: `第${i + 1}行与第${earlier}行身份证号相同`, en: `Row ${i + 1} repeats the ID number of row ${earlier}` }, { field: 'idNumber', row: i + 1 });
        }
        seen.set(v.idNumber, i + 1);
      });
      const personIds: string[] = [];
      for (const [i, v] of values.entries()) {
        try {
          personIds.push((await upsertPerson(tx, keys, v)).id);
        } catch (e) {
          if (e instanceof DomainError) throw new DomainError(e.code, { zh: `第${i + 1}行:${e.localized.zh}`, en: `Row ${i + 1}: ${e.localized.en}` }, { ...e.details, row: i + 1 });
          throw e;
        }
      }
      const already = await tx.staffTrainingParticipant.findMany({ where: { batchId: batch.id, personId: { in: personIds } }, select: { personId: true } });
      if (already.length > 0) {
        const row = personIds.indexOf(already[0]!.personId) + 1;
        throw new DomainError('CONFLICT', { zh: `第${row}行的职工已在本批培训中`, en: `Row ${row}: this person is already in the batch` }, { field: 'idNumber', row });
      }
      await tx.staffTrainingParticipant.createMany({ data: personIds.map((personId) => ({ batchId: batch.id, personId })) });
      await audit(tx, actor, { action: 'staffTraining.addParticipants', entityType: 'StaffTrainingBatch', entityId: batch.id, after: { added: personIds.length } });
      return { batchId: batch.id, added: personIds.length, personIds };
    },
    { timeoutMs: 60_000 },
  ),
  );
}

export interface ParticipantResult {
  personId: string;
  attendedHours: number;
  completed: boolean;
}

/**
 * Complete a DRAFT batch: every participant's attended hours (0…batch hours) and whether they
 * completed; not before the batch's end date (Asia/Shanghai). DRAFT → COMPLETED, audited.
 */
export async function completeStaffTrainingBatch(prisma: PrismaClient, actor: Actor, input: { batchId: string; results: readonly ParticipantResult[] }, now: Date = new Date()) {
  return transaction(prisma, async (tx) => {
    const batch = await lockOwnBatch(tx, actor, input.batchId);
    const today = shanghaiDate(now);
    if (today < isoDate(batch.endDate)) {
      throw new DomainError('INVALID_TRANSITION', { zh: `培训${isoDate(batch.endDate)}结束后才能结业`, en: `The batch can be completed from its end date ${isoDate(batch.endDate)}` }, { field: 'batchId' });
    }
    const participants = await tx.staffTrainingParticipant.findMany({ where: { batchId: batch.id }, select: { id: true, personId: true } });
    if (participants.length === 0) throw invalid('results', '本批培训没有职工', 'The batch has no participants');
    const byPerson = new Map(participants.map((p) => [p.personId, p.id]));
    const given = new Set<string>();
    input.results.forEach((r, i) => {
      if (!byPerson.has(r.personId)) throw invalid('results', `第${i + 1}项不是本批培训的职工`, `Result ${i + 1} is not a participant of this batch`, { row: i + 1 });
      if (given.has(r.personId)) throw invalid('results', `第${i + 1}项重复`, `Result ${i + 1} repeats a participant`, { row: i + 1 });
      given.add(r.personId);
      if (!Number.isInteger(r.attendedHours) || r.attendedHours < 0 || r.attendedHours > batch.hours) {
        throw invalid('attendedHours', `第${i + 1}项出勤学时须为0至${batch.hours}的整数`, `Result ${i + 1}: attendedHours must be a whole number from 0 to ${batch.hours}`, { row: i + 1 });
      }
    });
    const missing = participants.length - given.size;
    if (missing > 0) throw invalid('results', `还有${missing}名职工没有结业结果`, `${missing} participant(s) have no result`);
    // Set-based: one UPDATE for all participants.
    const ids = input.results.map((r) => byPerson.get(r.personId)!);
    const hours = input.results.map((r) => r.attendedHours);
    const completed = input.results.map((r) => r.completed);
    await tx.$executeRaw`
      UPDATE "StaffTrainingParticipant" p SET "attendedHours" = v.hours, completed = v.completed
      FROM unnest(${ids}::uuid[], ${hours}::int[], ${completed}::boolean[]) AS v(id, hours, completed)
      WHERE p.id = v.id`;
    const done = await tx.staffTrainingBatch.update({ where: { id: batch.id }, data: { status: 'COMPLETED', completedAt: now } });
    await audit(tx, actor, {
      action: 'staffTraining.complete',
      entityType: 'StaffTrainingBatch',
      entityId: batch.id,
      before: { status: 'DRAFT' },
      after: { status: 'COMPLETED', participants: participants.length, completed: completed.filter(Boolean).length },
    });
    return done;
  });
}
