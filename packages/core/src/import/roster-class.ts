import { lockRow, type Tx } from '@vtc/db';
import { canEnroll, type ClassStatus, DomainError, isoDate, type TraineeValidationContext } from '@vtc/domain';
import { isStaffOf, notFound } from '../shared/access.ts';
import type { Actor } from '../shared/actor.ts';
import { classScope } from '../shared/scope.ts';
import { trainingRulesFor } from '../training-class/policy.ts';

/** The class side of a roster import: who may upload to it, whether it takes trainees, its rules. */

/** The class the actor may upload a roster to, or NOT_FOUND / FORBIDDEN / INVALID_TRANSITION. */
export async function uploadableClass(tx: Tx, actor: Actor, classId: string) {
  const klass = await tx.trainingClass.findFirst({
    where: { AND: [{ id: classId }, classScope(actor)] },
    select: { id: true, institutionId: true, status: true, regionCode: true, startDate: true, capacity: true },
  });
  if (!klass) throw notFound('Class', '培训班');
  if (!isStaffOf(actor, klass.institutionId)) {
    throw new DomainError('FORBIDDEN', {
      zh: '只有本班所属培训机构的工作人员可以上传花名册',
      en: "Only staff of the class's institution may upload its roster",
    });
  }
  assertEnrollable(klass.status);
  return klass;
}

/** uploadableClass with the class row locked (FOR UPDATE) until the transaction ends. */
export async function lockUploadableClass(tx: Tx, actor: Actor, classId: string) {
  await lockRow(tx, 'TrainingClass', classId);
  return uploadableClass(tx, actor, classId);
}

export function assertEnrollable(status: ClassStatus): void {
  if (!canEnroll(status)) {
    throw new DomainError(
      'INVALID_TRANSITION',
      {
        zh: '培训班已提交或已开班,不能再导入学员(仅“草稿”或“已驳回”状态可以)',
        en: `Trainees cannot be imported into a class in state ${status} (only DRAFT or REJECTED)`,
      },
      { from: status },
    );
  }
}

/** Rows are validated under the class region's training rules on the class start date. */
export async function validationContext(
  tx: Tx,
  klass: { regionCode: string; startDate: Date },
  today: Date = new Date(),
): Promise<TraineeValidationContext> {
  const on = isoDate(klass.startDate);
  return { today, rules: await trainingRulesFor(tx, klass.regionCode, on), on };
}
