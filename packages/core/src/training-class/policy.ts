import type { Tx } from '@vtc/db';
import { regionAncestors, type TrainingRules, trainingRulesFrom } from '@vtc/domain';

/**
 * The training rules in force for a region on a date: the published (PUBLISHED, or its older name
 * ACTIVE) TRAINING or CLASS_HOUR policy of the most specific region (county, then city, then province) effective on that date, newest version first.
 * No policy: the national defaults (domain DEFAULT_TRAINING_RULES).
 */
export async function trainingRulesFor(tx: Tx, regionCode: string, on: string): Promise<TrainingRules> {
  const chain = regionAncestors(regionCode);
  const day = new Date(`${on}T00:00:00Z`);
  const policies = await tx.subsidyPolicy.findMany({
    where: {
      kind: { in: ['TRAINING', 'CLASS_HOUR'] },
      status: { in: ['PUBLISHED', 'ACTIVE'] },
      regionCode: { in: chain },
      effectiveFrom: { lte: day },
      OR: [{ effectiveTo: null }, { effectiveTo: { gte: day } }],
    },
    orderBy: { version: 'desc' },
    select: { regionCode: true, rules: true },
  });
  for (const code of chain) {
    const p = policies.find((x) => x.regionCode === code);
    if (p) return trainingRulesFrom(p.rules);
  }
  return trainingRulesFrom(null);
}
