import type { Tx } from '@vtc/db';
import { DomainError, isoDate, type PolicyKind, storedPolicyInForce, validatePolicy } from '@vtc/domain';

/** The published policy row of `kind` in force for the region on the basis date (ACTIVE is read as PUBLISHED). */
export async function claimPolicyFor(tx: Tx, regionCode: string, kind: PolicyKind, basisDate: string) {
  const rows = await tx.subsidyPolicy.findMany({ where: { kind, status: { in: ['PUBLISHED', 'ACTIVE'] } } });
  const chosen = storedPolicyInForce(rows, { regionCode, kind, basisDate });
  if (!chosen) {
    throw new DomainError(
      'INELIGIBLE',
      { zh: `${regionCode}在${basisDate}没有生效的${kind}补贴政策`, en: `No ${kind} subsidy policy is in force for ${regionCode} on ${basisDate}` },
      { field: 'policy', regionCode, basisDate },
    );
  }
  return { row: chosen, policy: validatePolicy({ ...chosen, status: 'PUBLISHED', effectiveFrom: isoDate(chosen.effectiveFrom), effectiveTo: chosen.effectiveTo ? isoDate(chosen.effectiveTo) : null }) };
}
