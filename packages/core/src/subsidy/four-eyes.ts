import type { PrismaClient, Tx } from '@vtc/db';
import { DomainError, type FourEyesPrior, type FourEyesStep } from '@vtc/domain';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';

/**
 * Four eyes on money (domain assertFourEyes): who reviewed a claim is read from its audit rows
 * (`claim.review`, append-only, refused updates and deletes by a trigger), who prepared a payment
 * batch from its `createdById` and its `payment-batch.create` / `payment-batch.submit` audit rows.
 * A refused attempt is audited on its own (`<action>.refused`), after the refused transaction has
 * rolled back, so the attempt stays on record.
 */

/** The officers who reviewed the claim (decided its lines), as four-eyes priors. */
export async function claimReviewers(tx: Tx, claimId: string): Promise<FourEyesPrior[]> {
  const rows = await tx.auditLog.findMany({
    where: { entityType: 'SubsidyClaim', entityId: claimId, action: 'claim.review' },
    select: { actorUserId: true },
  });
  return rows.map((r) => ({ step: 'REVIEW_CLAIM', userId: r.actorUserId }));
}

/** The officers who created and submitted the batch, as four-eyes priors. */
export async function batchPreparers(tx: Tx, batch: { id: string; createdById: string | null }): Promise<FourEyesPrior[]> {
  const rows = await tx.auditLog.findMany({
    where: { entityType: 'PaymentBatch', entityId: batch.id, action: { in: ['payment-batch.create', 'payment-batch.submit'] } },
    select: { actorUserId: true, action: true },
  });
  return [
    { step: 'CREATE_BATCH', userId: batch.createdById },
    ...rows.map((r): FourEyesPrior => ({ step: r.action === 'payment-batch.create' ? 'CREATE_BATCH' : 'SUBMIT_BATCH', userId: r.actorUserId })),
  ];
}

/** The user ids of priors, for the audit row of the step that passed the check. */
export function priorUserIds(prior: readonly FourEyesPrior[]): string[] {
  return [...new Set(prior.map((p) => p.userId).filter((u): u is string => u !== null))];
}

/**
 * Runs a money step; when it is refused as FOUR_EYES, writes `<action>.refused` for the entity in
 * its own transaction (the step's own transaction has rolled back) and rethrows.
 */
export async function auditingFourEyes<T>(
  prisma: PrismaClient,
  actor: Actor,
  at: { action: string; entityType: string; entityId: string; step: FourEyesStep },
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof DomainError && e.code === 'FOUR_EYES') {
      await audit(prisma, actor, {
        action: `${at.action}.refused`,
        entityType: at.entityType,
        entityId: at.entityId,
        after: { code: e.code, step: at.step, conflicts: e.details?.conflicts ?? [], message: e.localized.en },
      });
    }
    throw e;
  }
}
