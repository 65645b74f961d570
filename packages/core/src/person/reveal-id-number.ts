import { DomainError } from '@vtc/domain';
import type { PrismaClient } from '@vtc/db';
import { transaction } from '@vtc/db';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import { decryptIdNumber, type PiiKeys } from '../shared/pii.ts';
import { canViewIdNumbers, personScope } from '../shared/scope.ts';

/**
 * Read a person's full resident ID number. Allowed only to callers who can see the person and hold
 * a binding that permits it; every successful read writes an audit row in the same transaction.
 */
export async function revealIdNumber(
  prisma: PrismaClient,
  keys: PiiKeys,
  actor: Actor,
  personId: string,
  reason: string,
): Promise<string> {
  if (!canViewIdNumbers(actor)) {
    throw new DomainError('FORBIDDEN', {
      zh: '无权查看完整身份证号码',
      en: 'Not allowed to view full ID numbers',
    });
  }
  const trimmed = reason.trim();
  if (trimmed.length < 2 || trimmed.length > 200) {
    throw new DomainError(
      'VALIDATION',
      { zh: '请填写查看事由(2–200字)', en: 'Give a reason for viewing (2–200 characters)' },
      { field: 'reason' },
    );
  }
  return transaction(prisma, async (tx) => {
    const person = await tx.person.findFirst({
      where: { AND: [{ id: personId }, personScope(actor)] },
      select: { id: true, idNumberCipher: true },
    });
    if (!person) throw new DomainError('NOT_FOUND', { zh: '人员不存在', en: 'Person not found' });
    await audit(tx, actor, {
      action: 'person.idNumber.read',
      entityType: 'Person',
      entityId: person.id,
      after: { reason: trimmed },
    });
    return decryptIdNumber(keys, person.idNumberCipher);
  });
}
