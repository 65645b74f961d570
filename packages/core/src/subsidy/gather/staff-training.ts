import type { Tx } from '@vtc/db';
import { lockRow } from '@vtc/db';
import { ageOn, type ClaimPerson, DomainError, isoDate, shanghaiDate } from '@vtc/domain';
import { notFound, refusal } from '../../shared/access.ts';
import { staffTrainingBatchScope } from '../../shared/scope.ts';
import type { Actor } from '../../shared/actor.ts';
import { isEnterpriseStaffOf } from '../../staff-training/staff-training.ts';
import { type Gathered, type Links, noLinks } from './gathered.ts';

/**
 * ENTERPRISE_TRAINING (enterprise): the participants of its COMPLETED staff-training batch, each
 * with an attendance rate of attended hours over the batch's hours.
 */
export async function gatherStaffTraining(tx: Tx, actor: Actor, batchId: string): Promise<Gathered> {
  if (!(await lockRow(tx, 'StaffTrainingBatch', batchId))) throw notFound('StaffTrainingBatch', '职工培训批次');
  const batch = await tx.staffTrainingBatch.findUniqueOrThrow({ where: { id: batchId }, include: { occupation: { select: { code: true } } } });
  if (!isEnterpriseStaffOf(actor, batch.enterpriseId)) {
    const visible = (await tx.staffTrainingBatch.count({ where: { id: batchId, AND: [staffTrainingBatchScope(actor)] } })) > 0;
    throw refusal(visible, 'StaffTrainingBatch', '职工培训批次', new DomainError('FORBIDDEN', { zh: '只有开展本批培训的企业可以申领企业职工培训补贴', en: 'Only the enterprise that ran this staff training may claim its subsidy' }));
  }
  if (batch.status !== 'COMPLETED' || !batch.completedAt) {
    throw new DomainError('INVALID_TRANSITION', { zh: '职工培训批次结束后才能申领补贴', en: 'The staff-training subsidy is claimed once the batch is completed' }, { field: 'batchId', status: batch.status });
  }
  const startDate = isoDate(batch.startDate);
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
      ageAtStart: ageOn(isoDate(p.person.birthDate), startDate),
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
