import type { Tx } from '@vtc/db';
import type { HistoryLine, HistoryLineStatus, PolicyKind } from '@vtc/domain';

/** Every claim line of these persons, as the engine's limits read them (status PAID once the claim is paid). */
export async function historyOf(tx: Tx, personIds: string[]): Promise<HistoryLine[]> {
  if (personIds.length === 0) return [];
  const lines = await tx.subsidyClaimLine.findMany({
    where: { personId: { in: personIds } },
    select: {
      personId: true,
      kind: true,
      part: true,
      occupationCode: true,
      level: true,
      subsidyYear: true,
      status: true,
      dedupKey: true,
      amountFen: true,
      countsTowardLimit: true,
      limitSlot: true,
      claimId: true,
      claim: { select: { status: true, policy: { select: { code: true, version: true } } } },
    },
  });
  return lines.map((l) => {
    const status: HistoryLineStatus =
      l.status === 'REJECTED' ? 'REJECTED' : l.claim.status === 'PAID' ? 'PAID' : l.status === 'ACCEPTED' ? 'ACCEPTED' : 'PENDING';
    return {
      personId: l.personId,
      scheme: l.kind as PolicyKind,
      part: l.part,
      occupationCode: l.occupationCode,
      level: l.level,
      subsidyYear: l.subsidyYear,
      status,
      dedupKey: l.dedupKey,
      amountFen: l.amountFen,
      countsTowardLimit: l.countsTowardLimit,
      limitSlot: l.limitSlot,
      claimId: l.claimId,
      policy: l.claim.policy,
    };
  });
}
