import type { PrismaClient } from '@vtc/db';
import { transaction } from '@vtc/db';
import { assertMayActOnClaim, claimTransition, DomainError } from '@vtc/domain';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import { postPayments } from './journal.ts';
import { bureauRegions, type ClaimWorkflowOptions, claimLevels, lockClaim } from './workflow.ts';

/** The idempotency key of a claim's one Payment (direct or in a batch). */
export const claimPaymentKey = (claimId: string) => `claim:${claimId}`;

/** The bank's reference of a payment, trimmed: 1–100 characters, or VALIDATION. */
export function checkBankReference(value: string): string {
  const bankReference = value.trim();
  if (bankReference.length < 1 || bankReference.length > 100) {
    throw new DomainError('VALIDATION', { zh: '请填写银行流水号(1–100字)', en: 'Give the bank reference (1–100 characters)' }, { field: 'bankReference' });
  }
  return bankReference;
}

/**
 * Pay one APPROVED claim directly: one Payment (idempotency key `claim:<id>`) and its balanced
 * payment journal, in one transaction; the claim becomes PAID. Paying again returns the same payment
 * and posts nothing. A claim that sits in a payment batch is paid with its batch (CONFLICT here).
 */
export async function payClaim(prisma: PrismaClient, actor: Actor, input: { claimId: string; bankReference: string }, options: ClaimWorkflowOptions = {}) {
  const bankReference = checkBankReference(input.bankReference);
  return transaction(prisma, async (tx) => {
    const claim = await lockClaim(tx, actor, input.claimId);
    const levels = await claimLevels(tx, claim, options);
    assertMayActOnClaim(bureauRegions(actor), claim.regionCode, 'PAY', levels);
    const key = claimPaymentKey(claim.id);
    const existing = await tx.payment.findUnique({ where: { idempotencyKey: key }, include: { batch: { select: { number: true } } } });
    if (existing?.status === 'CONFIRMED') {
      const { batch: _b, ...payment } = existing;
      return payment;
    }
    if (existing) {
      throw new DomainError(
        'CONFLICT',
        { zh: `此申领已在拨付批次${existing.batch?.number ?? ''}中,请随批次拨付`, en: `The claim is in payment batch ${existing.batch?.number ?? ''}; it is paid with its batch` },
        { field: 'claimId', batchNumber: existing.batch?.number ?? null },
      );
    }
    const to = claimTransition(claim.status, 'PAY'); // levels checked above, before the idempotent return
    const amountFen = claim.approvedFen ?? 0n;
    if (amountFen <= 0n) {
      throw new DomainError('VALIDATION', { zh: '核准金额为零,无需拨付', en: 'The approved amount is zero; nothing to pay' }, { field: 'claimId' });
    }
    const now = options.now ?? new Date();
    const payment = await tx.payment.create({
      data: { claimId: claim.id, amountFen, status: 'CONFIRMED', bankReference, idempotencyKey: key, paidAt: now },
    });
    await postPayments(tx, actor, [{ claim, payment }], { bankReference, now });
    await tx.subsidyClaim.update({ where: { id: claim.id }, data: { status: to } });
    await audit(tx, actor, {
      action: 'claim.pay',
      entityType: 'SubsidyClaim',
      entityId: claim.id,
      before: { status: claim.status },
      after: { status: to, paymentId: payment.id, amountFen, bankReference },
    });
    return payment;
  });
}
