import { DomainError, regionCovers } from '@vtc/domain';
import type { Actor } from './actor.ts';

/**
 * Who acts for an organization or a region in a write. Reads are filtered by scope.ts; writes ask
 * these questions, so the answer to "may this user change that record" lives in one place too.
 */
export function isStaffOf(actor: Actor, organizationId: string): boolean {
  return actor.roles.some((r) => r.role === 'INSTITUTION_STAFF' && r.organizationId === organizationId);
}

export function isBureauCovering(actor: Actor, regionCode: string): boolean {
  return actor.roles.some((r) => r.role === 'BUREAU_OFFICER' && !!r.regionCode && regionCovers(r.regionCode, regionCode));
}

/** The single organization an institution user acts for, or a FORBIDDEN error. */
export function institutionOf(actor: Actor): string {
  const ids = [...new Set(actor.roles.filter((r) => r.role === 'INSTITUTION_STAFF' && r.organizationId).map((r) => r.organizationId!))];
  if (ids.length !== 1) {
    throw new DomainError('FORBIDDEN', {
      zh: '只有培训机构工作人员可以办理此业务',
      en: 'Only training institution staff may do this',
    });
  }
  return ids[0]!;
}

export function notFound(entity: string, zh: string): DomainError {
  return new DomainError('NOT_FOUND', { zh: `${zh}不存在或无权访问`, en: `${entity} not found` });
}

/**
 * The refusal for a record the actor may not act on. FORBIDDEN tells that the record exists, so it
 * is the answer only for a record the actor can see (scope.ts); a record outside the actor's scope
 * answers NOT_FOUND, worded exactly as for a record that does not exist.
 */
export function refusal(visible: boolean, entity: string, zh: string, forbidden: DomainError): DomainError {
  return visible ? forbidden : notFound(entity, zh);
}
