import { isUuid, type PrismaClient } from '@vtc/db';
import { DomainError } from '@vtc/domain';
import type { Actor } from '../shared/actor.ts';
import { enrollmentScope } from '../shared/scope.ts';

/**
 * The employment checks of one enrollment or of one class, as far as the actor may see the
 * enrollments (scope.ts enrollmentScope). Exactly one of the two ids.
 */
export async function listEmploymentChecks(prisma: PrismaClient, actor: Actor, input: { enrollmentId?: string | null; classId?: string | null }) {
  const { enrollmentId, classId } = input;
  if ((enrollmentId ? 1 : 0) + (classId ? 1 : 0) !== 1) {
    throw new DomainError('VALIDATION', { zh: '须且只能指定报名记录或培训班之一', en: 'Give exactly one of enrollmentId and classId' }, { field: enrollmentId ? 'classId' : 'enrollmentId' });
  }
  const id = (enrollmentId ?? classId)!;
  if (!isUuid(id)) throw new DomainError('VALIDATION', { zh: '编号格式无效', en: 'Not a valid id' }, { field: enrollmentId ? 'enrollmentId' : 'classId' });
  return prisma.employmentCheck.findMany({
    where: { enrollment: { AND: [enrollmentScope(actor), enrollmentId ? { id: enrollmentId } : { classId: classId! }] } },
    orderBy: [{ enrollmentId: 'asc' }, { checkpointMonths: 'asc' }],
    take: 10_000,
  });
}
