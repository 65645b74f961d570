import type { PrismaClient, Tx } from '@vtc/db';
import { transaction } from '@vtc/db';
import {
  approvalPostings,
  assertFourEyes,
  assertMayActOnClaim,
  assertNoOpenObjections,
  assertNoticeEnded,
  type ClaimAction,
  claimStepOf,
  claimTransition,
  DomainError,
  dateFromIso,
  isoDate,
  payableOf,
  publicNoticeWindow,
  shanghaiDate,
} from '@vtc/domain';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import { workingCalendar } from './calendar.ts';
import { auditingFourEyes, claimReviewers, priorUserIds } from './four-eyes.ts';
import { acceptedLines, payableAccountOf, postJournal } from './journal.ts';
import { bureauRegions, type ClaimWorkflowOptions, checkReason, claimLevels, lockClaim } from './workflow.ts';

/**
 * Reviewing, approving, rejecting a subsidy claim and closing its public notice (issue 5). Each use
 * case is one audited transaction on the claim locked FOR UPDATE; the approval journal is posted
 * when the notice closes (journal.ts).
 */

export interface LineDecision {
  lineId: string;
  accept: boolean;
  reason?: string | null;
}

type StepClaim = { status: Parameters<typeof claimTransition>[0]; regionCode: string; policyId: string };

/** The next status for `action`, after checking the state and the acting bureau's level (by the claim's policy) and region. */
async function step(tx: Tx, actor: Actor, claim: StepClaim, action: ClaimAction, options: ClaimWorkflowOptions) {
  const to = claimTransition(claim.status, action);
  assertMayActOnClaim(bureauRegions(actor), claim.regionCode, claimStepOf(action, claim.status), await claimLevels(tx, claim, options));
  return to;
}

/**
 * Review (a county by default; the levels of the claim's policy): decide every pending line
 * (accept, or reject with a reason). The claim goes to UNDER_REVIEW for approval; when every line
 * is rejected the claim itself is REJECTED. Rejected lines leave the partial unique indexes, so the
 * person may be claimed again.
 */
export async function reviewClaim(
  prisma: PrismaClient,
  actor: Actor,
  input: { claimId: string; decisions: LineDecision[] },
  options: ClaimWorkflowOptions = {},
) {
  return transaction(prisma, async (tx) => {
    const claim = await lockClaim(tx, actor, input.claimId);
    let to = await step(tx, actor, claim, 'REVIEW', options);
    const lines = await tx.subsidyClaimLine.findMany({ where: { claimId: claim.id }, select: { id: true, status: true, amountFen: true } });
    const byId = new Map(input.decisions.map((d) => [d.lineId, d]));
    if (byId.size !== input.decisions.length) {
      throw new DomainError('VALIDATION', { zh: '同一明细不能重复审核', en: 'A line is decided more than once' }, { field: 'decisions' });
    }
    for (const [i, d] of input.decisions.entries()) {
      if (!lines.some((l) => l.id === d.lineId)) {
        throw new DomainError('VALIDATION', { zh: `第${i + 1}项审核的明细不属于此申领`, en: `Decision ${i + 1}: the line is not a line of this claim` }, { field: 'decisions', row: i + 1 });
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

/**
 * Approval (a city by default; the levels of the claim's policy): the claim goes on public notice
 * (公示) from today for 5 working days. Four eyes: an officer who reviewed the claim may not approve
 * it, whatever the levels (FOUR_EYES; the refused attempt is audited as `claim.approve.refused`),
 * and the approval's audit row names the reviewers.
 */
export async function approveClaim(prisma: PrismaClient, actor: Actor, input: { claimId: string }, options: ClaimWorkflowOptions = {}) {
  const at = { action: 'claim.approve', entityType: 'SubsidyClaim', entityId: input.claimId, step: 'APPROVE_CLAIM' } as const;
  return auditingFourEyes(prisma, actor, at, () => approveInTransaction(prisma, actor, input, options));
}

async function approveInTransaction(prisma: PrismaClient, actor: Actor, input: { claimId: string }, options: ClaimWorkflowOptions) {
  return transaction(prisma, async (tx) => {
    const claim = await lockClaim(tx, actor, input.claimId);
    const to = await step(tx, actor, claim, 'APPROVE', options);
    const reviewers = await claimReviewers(tx, claim.id);
    assertFourEyes('APPROVE_CLAIM', actor.userId, reviewers);
    const now = options.now ?? new Date();
    const startsOn = shanghaiDate(now);
    const { endsOn } = publicNoticeWindow(startsOn, options.calendar ?? (await workingCalendar(tx, startsOn)));
    const updated = await tx.subsidyClaim.update({
      where: { id: claim.id },
      data: { status: to, noticeStartsOn: dateFromIso(startsOn), noticeEndsOn: dateFromIso(endsOn), decidedAt: now, decidedById: actor.userId },
    });
    await audit(tx, actor, {
      action: 'claim.approve',
      entityType: 'SubsidyClaim',
      entityId: claim.id,
      before: { status: claim.status },
      after: { status: to, noticeStartsOn: startsOn, noticeEndsOn: endsOn, fourEyes: { reviewedBy: priorUserIds(reviewers) } },
    });
    return updated;
  });
}

/** Reject the claim with a reason, at review (SUBMITTED) or at approval (UNDER_REVIEW). Every live line is rejected too. */
export async function rejectClaim(prisma: PrismaClient, actor: Actor, input: { claimId: string; reason: string }, options: ClaimWorkflowOptions = {}) {
  const reason = checkReason(input.reason, 'reason');
  return transaction(prisma, async (tx) => {
    const claim = await lockClaim(tx, actor, input.claimId);
    const to = await step(tx, actor, claim, 'REJECT', options);
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
 * Close the public notice once its last day has passed and no objection is open (an upheld one has
 * already rejected its line or the claim): APPROVED with approvedFen = the net of the accepted lines
 * (never below zero), and the approval journal posted per line.
 */
export async function closeNotice(prisma: PrismaClient, actor: Actor, input: { claimId: string; today?: string }, options: ClaimWorkflowOptions = {}) {
  return transaction(prisma, async (tx) => {
    const claim = await lockClaim(tx, actor, input.claimId);
    const to = await step(tx, actor, claim, 'CLOSE_NOTICE', options);
    const today = input.today ?? shanghaiDate(options.now ?? new Date());
    assertNoticeEnded(isoDate(claim.noticeEndsOn!), today);
    const open = await tx.claimObjection.findMany({ where: { claimId: claim.id, status: 'OPEN' }, select: { id: true } });
    assertNoOpenObjections(open.map((o) => o.id));
    const lines = await acceptedLines(tx, [claim.id]);
    const approvedFen = payableOf(lines.get(claim.id) ?? []);
    const updated = await tx.subsidyClaim.update({ where: { id: claim.id }, data: { status: to, approvedFen } });
    await postJournal(tx, actor, claim, approvalPostings(claim.regionCode, payableAccountOf(claim), lines.get(claim.id) ?? []), {
      memo: `补贴核准 ${claim.number}`,
      paymentId: null,
      now: options.now ?? new Date(),
    });
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
