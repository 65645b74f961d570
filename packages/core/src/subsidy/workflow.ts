import type { Prisma, Tx } from '@vtc/db';
import { isUuid, lockRow } from '@vtc/db';
import { type ClaimActionLevels, claimActionLevelsOf, DEFAULT_CLAIM_ACTION_LEVELS, DomainError, type WorkingCalendar } from '@vtc/domain';
import { notFound } from '../shared/access.ts';
import type { Actor } from '../shared/actor.ts';
import { claimScope } from '../shared/scope.ts';

/**
 * What every step of a claim's workflow (review, approval, notice, objections, payment) shares:
 * the options, the acting bureau's regions, the reason check, the claim locked FOR UPDATE, and the
 * review levels of the claim's policy. The state machine and who may act are in
 * domain/subsidy/claim-workflow.ts.
 */
export interface ClaimWorkflowOptions {
  /**
   * Bureau levels per step, overriding the claim's policy. Without it the levels are those of the
   * policy version the claim was computed under (SubsidyClaim.policyId → `rules.review`, see
   * claimLevels), which default to county review, city approval (DEFAULT_CLAIM_ACTION_LEVELS).
   * Batch-wide checks of payment batches (no claim at hand) use this or the default.
   */
  levels?: ClaimActionLevels;
  /** The working-day calendar for the notice; defaults to the CalendarDay rows. */
  calendar?: WorkingCalendar;
  /** The clock; defaults to now. Business dates are taken in Asia/Shanghai. */
  now?: Date;
}

/** The regions the actor acts for as a bureau officer. */
export function bureauRegions(actor: Actor): string[] {
  return actor.roles.filter((r) => r.role === 'BUREAU_OFFICER' && r.regionCode).map((r) => r.regionCode!);
}

/** A reason given for a decision, trimmed: 2–500 characters, or VALIDATION on `field`. */
export function checkReason(reason: string | null | undefined, field: string): string {
  const r = reason?.trim() ?? '';
  if (r.length < 2 || r.length > 500) {
    throw new DomainError('VALIDATION', { zh: '请填写原因(2–500字)', en: 'Give a reason (2–500 characters)' }, { field });
  }
  return r;
}

/** A claim the actor can see, locked for update, or NOT_FOUND (never revealing that it exists). */
export async function lockClaim(tx: Tx, actor: Actor, claimId: string) {
  const visible = isUuid(claimId)
    ? await tx.subsidyClaim.findFirst({ where: { AND: [{ id: claimId }, claimScope(actor)] }, select: { id: true } })
    : null;
  if (!visible) throw notFound('SubsidyClaim', '补贴申领');
  await lockRow(tx, 'SubsidyClaim', claimId);
  return tx.subsidyClaim.findUniqueOrThrow({ where: { id: claimId } });
}

/**
 * The review levels of claims' policies, by policy id, in one query: `rules.review` of each policy
 * version (domain claimActionLevelsOf; DEFAULT_CLAIM_ACTION_LEVELS when absent), or `options.levels`
 * for every policy when given (then nothing is read).
 */
export async function claimLevelsByPolicy(
  tx: Tx,
  of: { policyIds: readonly string[] } | { claimIds: readonly string[] },
  options: ClaimWorkflowOptions,
): Promise<(policyId: string) => ClaimActionLevels> {
  if (options.levels) {
    const levels = options.levels;
    return () => levels;
  }
  const where: Prisma.SubsidyPolicyWhereInput =
    'policyIds' in of ? { id: { in: [...new Set(of.policyIds)] } } : { claims: { some: { id: { in: of.claimIds.filter(isUuid) } } } };
  const rows = await tx.subsidyPolicy.findMany({ where, select: { id: true, rules: true } });
  const by = new Map(rows.map((r) => [r.id, claimActionLevelsOf(r.rules)]));
  return (policyId) => by.get(policyId) ?? DEFAULT_CLAIM_ACTION_LEVELS;
}

/** The review levels of one claim: its policy's, unless `options.levels` overrides them. */
export async function claimLevels(tx: Tx, claim: { policyId: string }, options: ClaimWorkflowOptions): Promise<ClaimActionLevels> {
  return (await claimLevelsByPolicy(tx, { policyIds: [claim.policyId] }, options))(claim.policyId);
}
