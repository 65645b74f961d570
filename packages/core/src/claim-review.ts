import { randomUUID } from 'node:crypto';
import type { PrismaClient, Tx } from '@vtc/db';
import { transaction } from '@vtc/db';
import {
  addWorkingDays,
  assertMayActOnClaim,
  assertNoticeEnded,
  type ClaimAction,
  type ClaimActionLevels,
  claimStepOf,
  claimTransition,
  DEFAULT_CLAIM_ACTION_LEVELS,
  DomainError,
  PUBLIC_NOTICE_WORKING_DAYS,
  shanghaiDate,
} from '@vtc/domain';
import { notFound } from './access.ts';
import type { Actor } from './actor.ts';
import { audit } from './audit.ts';
import { claimScope } from './scope.ts';

/**
 * Reviewing, approving, publishing and paying a subsidy claim (issue 5). The state machine and who
 * may act are in domain/subsidy/claim-workflow.ts; each use case here is one audited transaction
 * on a claim locked FOR UPDATE.
 *
 * Money: paying posts two balanced journals in the same transaction as the Payment:
 *   accrual  DEBIT subsidy-expense:<region> / CREDIT payable:<claimant>  (approved amount)
 *   payment  DEBIT payable:<claimant>       / CREDIT bank:<region>        (payment amount)
 * so the claimant's payable account returns to zero once paid.
 */
export interface ClaimWorkflowOptions {
  /** Bureau levels per step; defaults to county review, city approval. */
  levels?: ClaimActionLevels;
  /** Statutory holidays ('YYYY-MM-DD') the public notice skips; weekends are always skipped. */
  holidays?: readonly string[];
  /** The clock; defaults to now. Business dates are taken in Asia/Shanghai. */
  now?: Date;
}

export interface LineDecision {
  lineId: string;
  accept: boolean;
  reason?: string | null;
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const date = (d: string) => new Date(`${d}T00:00:00Z`);

function bureauRegions(actor: Actor): string[] {
  return actor.roles.filter((r) => r.role === 'BUREAU_OFFICER' && r.regionCode).map((r) => r.regionCode!);
}

function checkReason(reason: string | null | undefined, field: string): string {
  const r = reason?.trim() ?? '';
  if (r.length < 2 || r.length > 500) {
    throw new DomainError('VALIDATION', { zh: '请填写原因(2–500字)', en: 'Give a reason (2–500 characters)' }, { field });
  }
  return r;
}

/** A claim the actor can see, locked for update, or NOT_FOUND (never revealing that it exists). */
async function lockClaim(tx: Tx, actor: Actor, claimId: string) {
  const visible = /^[0-9a-f-]{36}$/i.test(claimId)
    ? await tx.subsidyClaim.findFirst({ where: { AND: [{ id: claimId }, claimScope(actor)] }, select: { id: true } })
    : null;
  if (!visible) throw notFound('SubsidyClaim', '补贴申领');
  await tx.$queryRaw`SELECT id FROM "SubsidyClaim" WHERE id = ${claimId}::uuid FOR UPDATE`;
  return tx.subsidyClaim.findUniqueOrThrow({ where: { id: claimId } });
}

/** The next status for `action`, after checking the state and the acting bureau's level and region. */
function step(actor: Actor, claim: { status: Parameters<typeof claimTransition>[0]; regionCode: string }, action: ClaimAction, options: ClaimWorkflowOptions) {
  const to = claimTransition(claim.status, action);
  assertMayActOnClaim(bureauRegions(actor), claim.regionCode, claimStepOf(action, claim.status), options.levels ?? DEFAULT_CLAIM_ACTION_LEVELS);
  return to;
}

/**
 * County review: decide every pending line (accept, or reject with a reason). The claim goes to
 * UNDER_REVIEW for city approval; when every line is rejected the claim itself is REJECTED.
 * Rejected lines leave the partial unique indexes, so the person may be claimed again.
 */
export async function reviewClaim(
  prisma: PrismaClient,
  actor: Actor,
  input: { claimId: string; decisions: LineDecision[] },
  options: ClaimWorkflowOptions = {},
) {
  return transaction(prisma, async (tx) => {
    const claim = await lockClaim(tx, actor, input.claimId);
    let to = step(actor, claim, 'REVIEW', options);
    const lines = await tx.subsidyClaimLine.findMany({ where: { claimId: claim.id }, select: { id: true, status: true, amountFen: true } });
    const byId = new Map(input.decisions.map((d) => [d.lineId, d]));
    if (byId.size !== input.decisions.length) {
      throw new DomainError('VALIDATION', { zh: '同一明细不能重复审核', en: 'A line is decided more than once' }, { field: 'decisions' });
    }
    for (const d of input.decisions) {
      if (!lines.some((l) => l.id === d.lineId)) {
        throw new DomainError('VALIDATION', { zh: '审核的明细不属于此申领', en: `Line ${d.lineId} is not a line of this claim` }, { field: 'decisions' });
      }
    }
    const pending = lines.filter((l) => l.status === 'PENDING');
    const undecided = pending.filter((l) => !byId.has(l.id));
    if (undecided.length > 0) {
      throw new DomainError(
        'VALIDATION',
        { zh: `还有${undecided.length}条明细未审核`, en: `${undecided.length} line(s) are not decided; decide every line` },
        { field: 'decisions', lineIds: undecided.map((l) => l.id) },
      );
    }
    const decided: Array<{ lineId: string; accept: boolean; reason?: string }> = [];
    for (const l of pending) {
      const d = byId.get(l.id)!;
      if (d.accept) {
        await tx.subsidyClaimLine.update({ where: { id: l.id }, data: { status: 'ACCEPTED', rejectionReason: null } });
        decided.push({ lineId: l.id, accept: true });
      } else {
        const reason = checkReason(d.reason, 'decisions.reason');
        await tx.subsidyClaimLine.update({ where: { id: l.id }, data: { status: 'REJECTED', rejectionReason: reason } });
        decided.push({ lineId: l.id, accept: false, reason });
      }
    }
    const accepted = decided.filter((d) => d.accept).length;
    const data: Record<string, unknown> = { status: to };
    if (accepted === 0) {
      to = 'REJECTED';
      Object.assign(data, { status: to, rejectionReason: '全部明细审核未通过 / every line was rejected', decidedAt: options.now ?? new Date(), decidedById: actor.userId });
    }
    const updated = await tx.subsidyClaim.update({ where: { id: claim.id }, data });
    await audit(tx, actor, {
      action: 'claim.review',
      entityType: 'SubsidyClaim',
      entityId: claim.id,
      before: { status: claim.status },
      after: { status: to, accepted, rejected: decided.length - accepted, decisions: decided },
    });
    return updated;
  });
}

/** City approval: the claim goes on public notice (公示) from today for 5 working days. */
export async function approveClaim(prisma: PrismaClient, actor: Actor, input: { claimId: string }, options: ClaimWorkflowOptions = {}) {
  return transaction(prisma, async (tx) => {
    const claim = await lockClaim(tx, actor, input.claimId);
    const to = step(actor, claim, 'APPROVE', options);
    const now = options.now ?? new Date();
    const startsOn = shanghaiDate(now);
    const endsOn = addWorkingDays(startsOn, PUBLIC_NOTICE_WORKING_DAYS, options.holidays ?? []);
    const updated = await tx.subsidyClaim.update({
      where: { id: claim.id },
      data: { status: to, noticeStartsOn: date(startsOn), noticeEndsOn: date(endsOn), decidedAt: now, decidedById: actor.userId },
    });
    await audit(tx, actor, {
      action: 'claim.approve',
      entityType: 'SubsidyClaim',
      entityId: claim.id,
      before: { status: claim.status },
      after: { status: to, noticeStartsOn: startsOn, noticeEndsOn: endsOn },
    });
    return updated;
  });
}

/** Reject the claim with a reason, at review (SUBMITTED) or at approval (UNDER_REVIEW). Every live line is rejected too. */
export async function rejectClaim(prisma: PrismaClient, actor: Actor, input: { claimId: string; reason: string }, options: ClaimWorkflowOptions = {}) {
  const reason = checkReason(input.reason, 'reason');
  return transaction(prisma, async (tx) => {
    const claim = await lockClaim(tx, actor, input.claimId);
    const to = step(actor, claim, 'REJECT', options);
    await tx.subsidyClaimLine.updateMany({ where: { claimId: claim.id, status: { not: 'REJECTED' } }, data: { status: 'REJECTED', rejectionReason: reason } });
    const updated = await tx.subsidyClaim.update({
      where: { id: claim.id },
      data: { status: to, rejectionReason: reason, decidedAt: options.now ?? new Date(), decidedById: actor.userId },
    });
    await audit(tx, actor, { action: 'claim.reject', entityType: 'SubsidyClaim', entityId: claim.id, before: { status: claim.status }, after: { status: to, reason } });
    return updated;
  });
}

/**
 * Close the public notice once its last day has passed (no upheld objection: objections are not
 * recorded yet, so closing means none was upheld): APPROVED with approvedFen = sum of accepted lines.
 */
export async function closeNotice(prisma: PrismaClient, actor: Actor, input: { claimId: string; today?: string }, options: ClaimWorkflowOptions = {}) {
  return transaction(prisma, async (tx) => {
    const claim = await lockClaim(tx, actor, input.claimId);
    const to = step(actor, claim, 'CLOSE_NOTICE', options);
    const today = input.today ?? shanghaiDate(options.now ?? new Date());
    assertNoticeEnded(day(claim.noticeEndsOn!), today);
    const sum = await tx.subsidyClaimLine.aggregate({ where: { claimId: claim.id, status: 'ACCEPTED' }, _sum: { amountFen: true } });
    const approvedFen = BigInt(sum._sum.amountFen ?? 0);
    const updated = await tx.subsidyClaim.update({ where: { id: claim.id }, data: { status: to, approvedFen } });
    await audit(tx, actor, {
      action: 'claim.close-notice',
      entityType: 'SubsidyClaim',
      entityId: claim.id,
      before: { status: claim.status },
      after: { status: to, approvedFen, today },
    });
    return updated;
  });
}

export const claimPaymentKey = (claimId: string) => `claim:${claimId}`;

interface Posting {
  account: string;
  direction: 'DEBIT' | 'CREDIT';
  amountFen: bigint;
}

/** Throws unless the postings of a journal balance (sum of debits = sum of credits, each positive). */
export function assertBalanced(postings: readonly Posting[]): void {
  let debit = 0n;
  let credit = 0n;
  for (const p of postings) {
    if (p.amountFen <= 0n) throw new RangeError(`ledger amounts must be positive (${p.account}: ${p.amountFen})`);
    if (p.direction === 'DEBIT') debit += p.amountFen;
    else credit += p.amountFen;
  }
  if (debit !== credit) throw new RangeError(`journal does not balance: debits ${debit} ≠ credits ${credit}`);
}

/**
 * Pay an APPROVED claim: one Payment (idempotency key `claim:<id>`) and its balanced journals, in
 * one transaction; the claim becomes PAID. Paying again returns the same payment and posts nothing.
 */
export async function payClaim(prisma: PrismaClient, actor: Actor, input: { claimId: string; bankReference: string }, options: ClaimWorkflowOptions = {}) {
  const bankReference = input.bankReference.trim();
  if (bankReference.length < 1 || bankReference.length > 100) {
    throw new DomainError('VALIDATION', { zh: '请填写银行流水号', en: 'Give the bank reference (1–100 characters)' }, { field: 'bankReference' });
  }
  return transaction(prisma, async (tx) => {
    const claim = await lockClaim(tx, actor, input.claimId);
    assertMayActOnClaim(bureauRegions(actor), claim.regionCode, 'PAY', options.levels ?? DEFAULT_CLAIM_ACTION_LEVELS);
    const key = claimPaymentKey(claim.id);
    const existing = await tx.payment.findUnique({ where: { idempotencyKey: key } });
    if (existing) return existing;
    const to = step(actor, claim, 'PAY', options);
    const amountFen = claim.approvedFen ?? 0n;
    if (amountFen <= 0n) {
      throw new DomainError('VALIDATION', { zh: '核准金额为零,无需拨付', en: 'The approved amount is zero; nothing to pay' }, { field: 'claimId' });
    }
    const now = options.now ?? new Date();
    const payment = await tx.payment.create({
      data: { claimId: claim.id, amountFen, status: 'CONFIRMED', bankReference, idempotencyKey: key, paidAt: now },
    });
    const payable = `payable:${claim.claimantId}`;
    const journals: Posting[][] = [
      [
        { account: `subsidy-expense:${claim.regionCode}`, direction: 'DEBIT', amountFen },
        { account: payable, direction: 'CREDIT', amountFen },
      ],
      [
        { account: payable, direction: 'DEBIT', amountFen: payment.amountFen },
        { account: `bank:${claim.regionCode}`, direction: 'CREDIT', amountFen: payment.amountFen },
      ],
    ];
    const memos = [`补贴核准 ${claim.number}`, `补贴拨付 ${claim.number} ${bankReference}`];
    for (const [i, postings] of journals.entries()) {
      assertBalanced(postings);
      const journalId = randomUUID();
      await tx.ledgerEntry.createMany({
        data: postings.map((p) => ({
          journalId,
          account: p.account,
          direction: p.direction,
          amountFen: p.amountFen,
          claimId: claim.id,
          paymentId: i === 1 ? payment.id : null,
          memo: memos[i] ?? null,
          postedAt: now,
          postedById: actor.userId,
        })),
      });
    }
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

export interface AccountBalance {
  account: string;
  debitFen: bigint;
  creditFen: bigint;
  /** Debits minus credits. */
  balanceFen: bigint;
}

/** Balances per account of the ledger entries of a claimant's claims (or one claim), derived from the entries. */
export async function ledgerBalances(prisma: PrismaClient | Tx, filter: { claimantId?: string; claimId?: string }): Promise<AccountBalance[]> {
  const rows = await prisma.ledgerEntry.groupBy({
    by: ['account', 'direction'],
    where: { claim: { ...(filter.claimantId ? { claimantId: filter.claimantId } : {}), ...(filter.claimId ? { id: filter.claimId } : {}) } },
    _sum: { amountFen: true },
    orderBy: [{ account: 'asc' }],
  });
  const by = new Map<string, AccountBalance>();
  for (const r of rows) {
    const b = by.get(r.account) ?? { account: r.account, debitFen: 0n, creditFen: 0n, balanceFen: 0n };
    const amount = r._sum.amountFen ?? 0n;
    if (r.direction === 'DEBIT') b.debitFen += amount;
    else b.creditFen += amount;
    b.balanceFen = b.debitFen - b.creditFen;
    by.set(r.account, b);
  }
  return [...by.values()].sort((a, b) => a.account.localeCompare(b.account));
}
