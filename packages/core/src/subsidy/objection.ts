import type { PrismaClient } from '@vtc/db';
import { isUuid, transaction } from '@vtc/db';
import {
  assertMayActOnClaim,
  assertObjectionResolvable,
  assertObjectionWindow,
  DomainError,
  isoDate,
  payableFen,
  shanghaiDate,
  statusAfterUpheldObjection,
} from '@vtc/domain';
import { isBureauCovering, notFound } from '../shared/access.ts';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import { bureauRegions, type ClaimWorkflowOptions, checkReason, claimLevels, lockClaim } from './workflow.ts';
import { claimScope } from '../shared/scope.ts';

/**
 * Objections (异议) raised by the public during a claim's public notice (公示). A bureau covering
 * the claim records them (the name and contact of whoever objected, the reason, optionally the line
 * objected to) while the claim is on notice and the notice has not ended; closing the notice is
 * refused while any is OPEN. A bureau that may close the notice (city or province by default)
 * resolves each one:
 * - UPHELD: the line (or, with no line, every line and the claim) is rejected with the objection's
 *   reason; the claim total is recomputed; with no accepted line left the claim is REJECTED and any
 *   other open objection of it is closed as moot (DISMISSED, saying why);
 * - DISMISSED: with a resolution text.
 * Every step is audited.
 */

export interface RecordObjectionInput {
  claimId: string;
  lineId?: string | null;
  raisedByName: string;
  raisedByContact?: string | null;
  reason: string;
}

export async function recordObjection(prisma: PrismaClient, actor: Actor, input: RecordObjectionInput, options: ClaimWorkflowOptions = {}) {
  const raisedByName = input.raisedByName.trim();
  if (raisedByName.length < 1 || raisedByName.length > 50) {
    throw new DomainError('VALIDATION', { zh: '请填写异议人姓名或单位(1–50字)', en: 'Give the name of who objects (1–50 characters)' }, { field: 'raisedByName' });
  }
  const raisedByContact = input.raisedByContact?.trim() || null;
  if (raisedByContact && raisedByContact.length > 100) {
    throw new DomainError('VALIDATION', { zh: '联系方式过长(最多100字)', en: 'The contact is longer than 100 characters' }, { field: 'raisedByContact' });
  }
  const reason = checkReason(input.reason, 'reason');
  return transaction(prisma, async (tx) => {
    const claim = await lockClaim(tx, actor, input.claimId);
    if (!isBureauCovering(actor, claim.regionCode)) {
      throw new DomainError('FORBIDDEN', { zh: '只有辖区人社部门可以登记公示异议', en: "Only a bureau covering the claim's region records objections" });
    }
    assertObjectionWindow(claim.status, claim.noticeEndsOn ? isoDate(claim.noticeEndsOn) : null, shanghaiDate(options.now ?? new Date()));
    let lineId: string | null = null;
    if (input.lineId) {
      const line = isUuid(input.lineId)
        ? await tx.subsidyClaimLine.findFirst({ where: { id: input.lineId, claimId: claim.id }, select: { id: true, status: true } })
        : null;
      if (!line) {
        throw new DomainError('VALIDATION', { zh: '异议所指明细不属于此申领', en: 'The line objected to is not a line of this claim' }, { field: 'lineId' });
      }
      if (line.status === 'REJECTED') {
        throw new DomainError('VALIDATION', { zh: '该明细已被驳回,无需登记异议', en: 'The line is already rejected' }, { field: 'lineId' });
      }
      lineId = line.id;
    }
    const objection = await tx.claimObjection.create({
      data: { claimId: claim.id, lineId, raisedByName, raisedByContact, reason, recordedById: actor.userId, raisedAt: options.now ?? new Date() },
    });
    await audit(tx, actor, {
      action: 'claim.objection.record',
      entityType: 'ClaimObjection',
      entityId: objection.id,
      after: { claimId: claim.id, lineId, raisedByName, reason },
    });
    return objection;
  });
}

export type ObjectionOutcome = 'UPHELD' | 'DISMISSED';

export async function resolveObjection(
  prisma: PrismaClient,
  actor: Actor,
  input: { objectionId: string; outcome: ObjectionOutcome; resolution?: string | null },
  options: ClaimWorkflowOptions = {},
) {
  const resolution =
    input.outcome === 'DISMISSED' ? checkReason(input.resolution, 'resolution') : input.resolution?.trim() ? checkReason(input.resolution, 'resolution') : null;
  return transaction(prisma, async (tx) => {
    const found = isUuid(input.objectionId)
      ? await tx.claimObjection.findFirst({ where: { id: input.objectionId, claim: claimScope(actor) }, select: { claimId: true } })
      : null;
    if (!found) throw notFound('ClaimObjection', '公示异议');
    const claim = await lockClaim(tx, actor, found.claimId);
    const objection = await tx.claimObjection.findUniqueOrThrow({ where: { id: input.objectionId } });
    assertMayActOnClaim(bureauRegions(actor), claim.regionCode, 'CLOSE_NOTICE', await claimLevels(tx, claim, options));
    if (objection.status !== 'OPEN') {
      throw new DomainError(
        'INVALID_TRANSITION',
        { zh: '此异议已处理', en: `The objection is already ${objection.status}` },
        { field: 'objectionId', status: objection.status },
      );
    }
    assertObjectionResolvable(claim.status);
    const now = options.now ?? new Date();
    if (input.outcome === 'DISMISSED') {
      const updated = await tx.claimObjection.update({
        where: { id: objection.id },
        data: { status: 'DISMISSED', resolution, resolvedById: actor.userId, resolvedAt: now },
      });
      await audit(tx, actor, {
        action: 'claim.objection.dismiss',
        entityType: 'ClaimObjection',
        entityId: objection.id,
        before: { status: 'OPEN' },
        after: { status: 'DISMISSED', resolution, claimId: claim.id },
      });
      return updated;
    }
    // UPHELD: reject the line (or every live line) with the objection as the reason.
    const target = objection.lineId ? { id: objection.lineId } : {};
    await tx.subsidyClaimLine.updateMany({
      where: { claimId: claim.id, status: { not: 'REJECTED' }, ...target },
      data: { status: 'REJECTED', rejectionReason: objection.reason },
    });
    const live = await tx.subsidyClaimLine.findMany({ where: { claimId: claim.id, status: { not: 'REJECTED' } }, select: { amountFen: true, status: true } });
    const accepted = objection.lineId ? live.filter((l) => l.status === 'ACCEPTED').length : 0;
    const to = statusAfterUpheldObjection(claim.status, accepted);
    const net = live.reduce((s, l) => s + l.amountFen, 0);
    const totalFen = BigInt(payableFen(net));
    const claimData =
      to === 'REJECTED'
        ? { status: to, totalFen, rejectionReason: objection.reason, decidedAt: now, decidedById: actor.userId }
        : { totalFen };
    await tx.subsidyClaim.update({ where: { id: claim.id }, data: claimData });
    const updated = await tx.claimObjection.update({
      where: { id: objection.id },
      data: { status: 'UPHELD', resolution, resolvedById: actor.userId, resolvedAt: now },
    });
    let moot: string[] = [];
    if (to === 'REJECTED') {
      moot = (await tx.claimObjection.findMany({ where: { claimId: claim.id, status: 'OPEN' }, select: { id: true } })).map((o) => o.id);
      await tx.claimObjection.updateMany({
        where: { id: { in: moot } },
        data: { status: 'DISMISSED', resolution: `申领已因异议驳回 / moot: the claim was rejected on objection ${objection.id}`, resolvedById: actor.userId, resolvedAt: now },
      });
    }
    await audit(tx, actor, {
      action: 'claim.objection.uphold',
      entityType: 'ClaimObjection',
      entityId: objection.id,
      before: { status: 'OPEN' },
      after: { status: 'UPHELD', resolution, claimId: claim.id, lineId: objection.lineId, mootObjectionIds: moot },
    });
    await audit(tx, actor, {
      action: 'claim.objection-upheld',
      entityType: 'SubsidyClaim',
      entityId: claim.id,
      before: { status: claim.status, totalFen: claim.totalFen },
      after: { status: to, totalFen, objectionId: objection.id, lineId: objection.lineId, reason: objection.reason },
    });
    return updated;
  });
}
