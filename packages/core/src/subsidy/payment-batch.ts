import type { PrismaClient, Tx } from '@vtc/db';
import { isUuid, lockRow, lockRows, transaction } from '@vtc/db';
import {
  assertFourEyes,
  assertMayActOnClaim,
  claimTransition,
  DEFAULT_CLAIM_ACTION_LEVELS,
  DomainError,
  mayActOnClaim,
  paymentBatchNumber,
  paymentBatchTransition,
  regionCovers,
  shanghaiDate,
} from '@vtc/domain';
import { notFound } from '../shared/access.ts';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import { auditingFourEyes, batchPreparers, priorUserIds } from './four-eyes.ts';
import { postPayments } from './journal.ts';
import { checkBankReference, claimPaymentKey } from './payment.ts';
import { bureauRegions, type ClaimWorkflowOptions, checkReason, claimLevelsByPolicy, lockClaim } from './workflow.ts';
import { paymentBatchScope } from '../shared/scope.ts';
import { nextSerial } from '../shared/serial.ts';

/**
 * Payment batches (拨付批次): a city bureau collects APPROVED claims of its region (the notice closed,
 * approvedFen > 0) in an OPEN batch, submits it to the bank (frozen), and confirms it paid with the
 * bank's reference: then, in one transaction, every claim's Payment is CONFIRMED, its payment
 * journal posted (domain paymentPostings) and the claim PAID.
 *
 * One payment per claim: adding a claim creates its Payment (PENDING, idempotency key
 * `claim:<id>`, the unique key of Payment), so a claim can be in one batch at a time and is never
 * paid twice; removing it from an OPEN batch or cancelling the batch deletes that unpaid Payment
 * (no ledger entry refers to it yet), releasing the claim. The batch's totalFen and claimCount are
 * recomputed from its payments under the batch's row lock after every change.
 * Who acts: a bureau allowed to PAY (city or province by default, or `options.levels`) whose region
 * covers the batch's; each claim added or confirmed paid is also checked against the PAY levels of
 * its own policy (`rules.review.pay`), read for all the claims in one query.
 */

/** Claims per addClaimsToBatch call. */
export const MAX_CLAIMS_PER_ADD = 500;

function assertMayPay(actor: Actor, regionCode: string, options: ClaimWorkflowOptions) {
  assertMayActOnClaim(bureauRegions(actor), regionCode, 'PAY', options.levels ?? DEFAULT_CLAIM_ACTION_LEVELS);
}

/** A batch the actor can see, locked for update, or NOT_FOUND. */
async function lockBatch(tx: Tx, actor: Actor, batchId: string) {
  const visible = isUuid(batchId) ? await tx.paymentBatch.findFirst({ where: { AND: [{ id: batchId }, paymentBatchScope(actor)] }, select: { id: true } }) : null;
  if (!visible) throw notFound('PaymentBatch', '拨付批次');
  await lockRow(tx, 'PaymentBatch', batchId);
  return tx.paymentBatch.findUniqueOrThrow({ where: { id: batchId } });
}

async function recomputeTotals(tx: Tx, batchId: string) {
  const sum = await tx.payment.aggregate({ where: { batchId }, _sum: { amountFen: true }, _count: { _all: true } });
  return tx.paymentBatch.update({ where: { id: batchId }, data: { totalFen: sum._sum.amountFen ?? 0n, claimCount: sum._count._all } });
}

/**
 * Open a batch for the bureau's region (`regionCode` when the user has several bureau bindings).
 * The region must be one where the bureau may pay (a city by default).
 */
export async function createPaymentBatch(prisma: PrismaClient, actor: Actor, input: { regionCode?: string | null } = {}, options: ClaimWorkflowOptions = {}) {
  const levels = options.levels ?? DEFAULT_CLAIM_ACTION_LEVELS;
  const candidates = bureauRegions(actor).filter((r) => mayActOnClaim(r, r, 'PAY', levels));
  let regionCode: string;
  if (input.regionCode) {
    if (!candidates.includes(input.regionCode)) {
      throw new DomainError(
        'FORBIDDEN',
        { zh: '只能为本级人社部门所在地区编制拨付批次', en: `A batch is opened by a bureau allowed to pay, for its own region (not ${input.regionCode})` },
        { field: 'regionCode' },
      );
    }
    regionCode = input.regionCode;
  } else if (candidates.length === 1) {
    regionCode = candidates[0]!;
  } else if (candidates.length === 0) {
    throw new DomainError('FORBIDDEN', { zh: '只有市级(或省级)人社部门可以编制拨付批次', en: `Only a ${levels.PAY.join('/').toLowerCase()} bureau opens payment batches` });
  } else {
    throw new DomainError('VALIDATION', { zh: '请选择编制批次的地区', en: 'You act for several regions; give regionCode' }, { field: 'regionCode' });
  }
  const now = options.now ?? new Date();
  const year = Number(shanghaiDate(now).slice(0, 4));
  return transaction(prisma, async (tx) => {
    const serial = await nextSerial(tx, `payment-batch:${regionCode}:${year}`);
    const batch = await tx.paymentBatch.create({ data: { number: paymentBatchNumber(regionCode, year, serial), regionCode, createdById: actor.userId, createdAt: now } });
    await audit(tx, actor, { action: 'payment-batch.create', entityType: 'PaymentBatch', entityId: batch.id, after: { number: batch.number, regionCode } });
    return batch;
  });
}

/**
 * Add APPROVED claims to an OPEN batch: each claim is in the batch's region, may be paid by the
 * actor (the PAY levels of the claim's policy), has a positive approved amount and is in no other
 * batch (nor paid). All or nothing; an error names the claim (details.row = its index in claimIds).
 */
export async function addClaimsToBatch(prisma: PrismaClient, actor: Actor, input: { batchId: string; claimIds: readonly string[] }, options: ClaimWorkflowOptions = {}) {
  if (input.claimIds.length === 0 || input.claimIds.length > MAX_CLAIMS_PER_ADD) {
    throw new DomainError('VALIDATION', { zh: `每次加入1–${MAX_CLAIMS_PER_ADD}个申领`, en: `Add 1–${MAX_CLAIMS_PER_ADD} claims at a time` }, { field: 'claimIds' });
  }
  if (new Set(input.claimIds).size !== input.claimIds.length) {
    throw new DomainError('VALIDATION', { zh: '申领重复', en: 'A claim is given more than once' }, { field: 'claimIds' });
  }
  return transaction(prisma, async (tx) => {
    const batch = await lockBatch(tx, actor, input.batchId);
    assertMayPay(actor, batch.regionCode, options);
    paymentBatchTransition(batch.status, 'ADD_CLAIM');
    const levelsOf = await claimLevelsByPolicy(tx, { claimIds: input.claimIds }, options);
    // Lock in id order, so two batches adding overlapping claims cannot deadlock.
    const order = [...input.claimIds.entries()].sort((a, b) => (a[1] < b[1] ? -1 : 1));
    const added: Array<{ claimId: string; amountFen: bigint }> = [];
    for (const [row, claimId] of order) {
      const at = (e: unknown) => {
        if (e instanceof DomainError) throw new DomainError(e.code, { zh: `第${row + 1}个申领:${e.localized.zh}`, en: `Claim ${row + 1}: ${e.localized.en}` }, { ...e.details, field: 'claimIds', row, claimId });
        throw e;
      };
      const claim = await lockClaim(tx, actor, claimId).catch(at);
      try {
        if (!regionCovers(batch.regionCode, claim.regionCode)) {
          throw new DomainError('VALIDATION', { zh: `申领${claim.number}不属于批次所在地区`, en: `Claim ${claim.number} is not in the batch's region ${batch.regionCode}` });
        }
        assertMayActOnClaim(bureauRegions(actor), claim.regionCode, 'PAY', levelsOf(claim.policyId));
        const existing = await tx.payment.findUnique({ where: { idempotencyKey: claimPaymentKey(claim.id) }, include: { batch: { select: { number: true } } } });
        if (existing) {
          throw new DomainError(
            'CONFLICT',
            existing.status === 'CONFIRMED'
              ? { zh: `申领${claim.number}已拨付`, en: `Claim ${claim.number} is already paid` }
              : { zh: `申领${claim.number}已在拨付批次${existing.batch?.number ?? ''}中`, en: `Claim ${claim.number} is already in payment batch ${existing.batch?.number ?? ''}` },
            { batchNumber: existing.batch?.number ?? null },
          );
        }
        claimTransition(claim.status, 'PAY'); // APPROVED only (its public notice closed)
        const amountFen = claim.approvedFen ?? 0n;
        if (amountFen <= 0n) {
          throw new DomainError('VALIDATION', { zh: `申领${claim.number}核准金额为零,无需拨付`, en: `Claim ${claim.number} has nothing to pay (approved amount 0)` });
        }
        await tx.payment.create({ data: { claimId: claim.id, batchId: batch.id, amountFen, status: 'PENDING', idempotencyKey: claimPaymentKey(claim.id) } });
        added.push({ claimId: claim.id, amountFen });
      } catch (e) {
        at(e);
      }
    }
    const updated = await recomputeTotals(tx, batch.id);
    await audit(tx, actor, {
      action: 'payment-batch.add-claims',
      entityType: 'PaymentBatch',
      entityId: batch.id,
      before: { totalFen: batch.totalFen, claimCount: batch.claimCount },
      after: { totalFen: updated.totalFen, claimCount: updated.claimCount, added },
    });
    return updated;
  });
}

/** Take a claim out of an OPEN batch (its unpaid Payment is deleted; the claim may join another batch). */
export async function removeClaimFromBatch(prisma: PrismaClient, actor: Actor, input: { batchId: string; claimId: string }, options: ClaimWorkflowOptions = {}) {
  return transaction(prisma, async (tx) => {
    const batch = await lockBatch(tx, actor, input.batchId);
    assertMayPay(actor, batch.regionCode, options);
    paymentBatchTransition(batch.status, 'REMOVE_CLAIM');
    const payment = isUuid(input.claimId) ? await tx.payment.findFirst({ where: { batchId: batch.id, claimId: input.claimId } }) : null;
    if (!payment) {
      throw new DomainError('VALIDATION', { zh: '该申领不在此批次中', en: 'The claim is not in this batch' }, { field: 'claimId' });
    }
    await tx.payment.delete({ where: { id: payment.id } });
    const updated = await recomputeTotals(tx, batch.id);
    await audit(tx, actor, {
      action: 'payment-batch.remove-claim',
      entityType: 'PaymentBatch',
      entityId: batch.id,
      before: { totalFen: batch.totalFen, claimCount: batch.claimCount },
      after: { totalFen: updated.totalFen, claimCount: updated.claimCount, removed: { claimId: input.claimId, paymentId: payment.id, amountFen: payment.amountFen } },
    });
    return updated;
  });
}

/** Submit the batch to the bank: frozen from now on (its payments SENT). An empty batch is refused. */
export async function submitPaymentBatch(prisma: PrismaClient, actor: Actor, input: { batchId: string }, options: ClaimWorkflowOptions = {}) {
  return transaction(prisma, async (tx) => {
    const batch = await lockBatch(tx, actor, input.batchId);
    assertMayPay(actor, batch.regionCode, options);
    const to = paymentBatchTransition(batch.status, 'SUBMIT');
    if (batch.claimCount === 0) {
      throw new DomainError('VALIDATION', { zh: '批次中没有申领,不能提交', en: 'The batch has no claims; add claims before submitting' }, { field: 'batchId' });
    }
    await tx.payment.updateMany({ where: { batchId: batch.id }, data: { status: 'SENT' } });
    const updated = await tx.paymentBatch.update({ where: { id: batch.id }, data: { status: to, submittedAt: options.now ?? new Date() } });
    await audit(tx, actor, {
      action: 'payment-batch.submit',
      entityType: 'PaymentBatch',
      entityId: batch.id,
      before: { status: batch.status },
      after: { status: to, totalFen: batch.totalFen, claimCount: batch.claimCount },
    });
    return updated;
  });
}

/**
 * The bank confirms the batch paid: in one transaction every payment is CONFIRMED with the bank
 * reference, its claim's payment journal posted and the claim PAID. Confirming a PAID batch again
 * with the same reference returns it unchanged; with another reference it is a CONFLICT.
 * Four eyes: the officer who created or submitted the batch may not confirm it paid (FOUR_EYES; the
 * refused attempt is audited as `payment-batch.confirm-paid.refused`); the confirmation's audit row
 * names who created and submitted it.
 */
export async function confirmPaymentBatchPaid(prisma: PrismaClient, actor: Actor, input: { batchId: string; bankReference: string }, options: ClaimWorkflowOptions = {}) {
  const bankReference = checkBankReference(input.bankReference);
  const at = { action: 'payment-batch.confirm-paid', entityType: 'PaymentBatch', entityId: input.batchId, step: 'CONFIRM_BATCH_PAID' } as const;
  return auditingFourEyes(prisma, actor, at, () => confirmInTransaction(prisma, actor, { batchId: input.batchId, bankReference }, options));
}

async function confirmInTransaction(prisma: PrismaClient, actor: Actor, input: { batchId: string; bankReference: string }, options: ClaimWorkflowOptions) {
  const bankReference = input.bankReference;
  return transaction(prisma, async (tx) => {
    const batch = await lockBatch(tx, actor, input.batchId);
    assertMayPay(actor, batch.regionCode, options);
    if (batch.status === 'PAID') {
      if (batch.bankReference === bankReference) return batch;
      throw new DomainError(
        'CONFLICT',
        { zh: `批次已按流水号${batch.bankReference}确认拨付`, en: `The batch was already confirmed paid with bank reference ${batch.bankReference}` },
        { field: 'bankReference' },
      );
    }
    const to = paymentBatchTransition(batch.status, 'CONFIRM_PAID');
    const preparers = await batchPreparers(tx, batch);
    assertFourEyes('CONFIRM_BATCH_PAID', actor.userId, preparers);
    const now = options.now ?? new Date();
    const payments = await tx.payment.findMany({ where: { batchId: batch.id }, orderBy: { claimId: 'asc' } });
    const claimIds = payments.map((p) => p.claimId);
    await lockRows(tx, 'SubsidyClaim', claimIds);
    const claims = new Map((await tx.subsidyClaim.findMany({ where: { id: { in: claimIds } } })).map((c) => [c.id, c]));
    const levelsOf = await claimLevelsByPolicy(tx, { policyIds: [...claims.values()].map((c) => c.policyId) }, options);
    const items = payments.map((payment) => {
      const claim = claims.get(payment.claimId)!;
      claimTransition(claim.status, 'PAY'); // still APPROVED: nothing else moves a claim in a batch
      try {
        // The confirming bureau pays: it must be allowed to by each claim's policy, like the one that added it.
        assertMayActOnClaim(bureauRegions(actor), claim.regionCode, 'PAY', levelsOf(claim.policyId));
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        throw new DomainError(e.code, { zh: `申领${claim.number}:${e.localized.zh}`, en: `Claim ${claim.number}: ${e.localized.en}` }, { ...e.details, field: 'batchId', claimId: claim.id });
      }
      return { claim, payment };
    });
    await postPayments(tx, actor, items, { bankReference, now });
    await tx.payment.updateMany({ where: { batchId: batch.id }, data: { status: 'CONFIRMED', bankReference, paidAt: now } });
    await tx.subsidyClaim.updateMany({ where: { id: { in: claimIds } }, data: { status: 'PAID' } });
    const updated = await tx.paymentBatch.update({ where: { id: batch.id }, data: { status: to, bankReference, paidAt: now } });
    await tx.auditLog.createMany({
      data: items.map(({ claim, payment }) => ({
        actorUserId: actor.userId,
        actorRole: actor.roles.map((r) => r.role).join(','),
        action: 'claim.pay',
        entityType: 'SubsidyClaim',
        entityId: claim.id,
        before: { status: claim.status },
        after: { status: 'PAID', paymentId: payment.id, amountFen: payment.amountFen.toString(), bankReference, batchId: batch.id, batchNumber: batch.number },
        requestId: actor.requestId ?? null,
        ip: actor.ip ?? null,
      })),
    });
    await audit(tx, actor, {
      action: 'payment-batch.confirm-paid',
      entityType: 'PaymentBatch',
      entityId: batch.id,
      before: { status: batch.status },
      after: {
        status: to,
        bankReference,
        totalFen: batch.totalFen,
        claimCount: batch.claimCount,
        fourEyes: {
          createdBy: priorUserIds(preparers.filter((p) => p.step === 'CREATE_BATCH')),
          submittedBy: priorUserIds(preparers.filter((p) => p.step === 'SUBMIT_BATCH')),
        },
      },
    });
    return updated;
  });
}

/** Cancel an OPEN or SUBMITTED batch (e.g. the bank returned the file), with a reason; its claims are released. */
export async function cancelPaymentBatch(prisma: PrismaClient, actor: Actor, input: { batchId: string; reason: string }, options: ClaimWorkflowOptions = {}) {
  const reason = checkReason(input.reason, 'reason');
  return transaction(prisma, async (tx) => {
    const batch = await lockBatch(tx, actor, input.batchId);
    assertMayPay(actor, batch.regionCode, options);
    const to = paymentBatchTransition(batch.status, 'CANCEL');
    const payments = await tx.payment.findMany({ where: { batchId: batch.id }, select: { id: true, claimId: true, amountFen: true } });
    await tx.payment.deleteMany({ where: { batchId: batch.id } });
    const updated = await tx.paymentBatch.update({ where: { id: batch.id }, data: { status: to, totalFen: 0n, claimCount: 0 } });
    await audit(tx, actor, {
      action: 'payment-batch.cancel',
      entityType: 'PaymentBatch',
      entityId: batch.id,
      before: { status: batch.status, totalFen: batch.totalFen, claimCount: batch.claimCount, payments },
      after: { status: to, reason },
    });
    return updated;
  });
}
