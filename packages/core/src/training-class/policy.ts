import type { Tx } from '@vtc/db';
import { regionAncestors, TRAINING_RULE_KINDS, type TrainingRules, trainingPolicyInForce, trainingRulesFrom } from '@vtc/domain';

/**
 * The training rules (working age, attendance minimum) in force for a region on a date: those of the
 * policy domain `trainingPolicyInForce` chooses among the TRAINING and CLASS_HOUR policies of the
 * region and its ancestors — the same choice of version claims and employment checks make. No policy:
 * the national defaults (domain DEFAULT_TRAINING_RULES). Conflicting policies: DomainError CONFLICT,
 * so enrollment and completion are refused rather than judged by a guessed policy.
 */
export async function trainingRulesFor(tx: Tx, regionCode: string, on: string): Promise<TrainingRules> {
  const rows = await tx.subsidyPolicy.findMany({
    where: { kind: { in: [...TRAINING_RULE_KINDS] }, status: { in: ['PUBLISHED', 'ACTIVE'] }, regionCode: { in: regionAncestors(regionCode) } },
    select: { code: true, version: true, regionCode: true, kind: true, status: true, effectiveFrom: true, effectiveTo: true, rules: true },
  });
  return trainingRulesFrom(trainingPolicyInForce(rows, regionCode, on)?.rules ?? null);
}
