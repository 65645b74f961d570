import type { PrismaClient, Tx } from '@vtc/db';
import { type EmploymentRules, employmentRulesInForce, type PolicyKind, type SubsidyPolicy, validatePolicy } from '@vtc/domain';
import type { SqlSession } from '@vtc/db';

/**
 * The subsidy policies the employment checks read: which checkpoints to ensure (ensure.ts), the uplift
 * rules a chunk decides by (chunk.ts), the policy of a claim an uplift is filed on (finish.ts).
 */

/** A SubsidyPolicy row; dates are `Date`s through Prisma, 'YYYY-MM-DD' text through a SQL session. */
export type PolicyRow = {
  id: string;
  code: string;
  version: number;
  regionCode: string;
  kind: string;
  effectiveFrom: Date | string;
  effectiveTo: Date | string | null;
  rules: unknown;
};

const POLICY_COLUMNS = { id: true, code: true, version: true, regionCode: true, kind: true, effectiveFrom: true, effectiveTo: true, rules: true } as const;

/** The PUBLISHED or ACTIVE policies of `kinds`. */
export async function publishedPolicies(db: Tx | PrismaClient, kinds: PolicyKind[]): Promise<PolicyRow[]> {
  return db.subsidyPolicy.findMany({ where: { kind: { in: kinds }, status: { in: ['PUBLISHED', 'ACTIVE'] } }, select: POLICY_COLUMNS });
}

/** The same through a chunk's SQL session (dates as text). */
export async function publishedPoliciesSql(sql: SqlSession, kinds: PolicyKind[]): Promise<PolicyRow[]> {
  return sql.query<PolicyRow>(
    `SELECT id::text AS id, code, version, "regionCode", kind::text AS kind, "effectiveFrom"::text AS "effectiveFrom",
       "effectiveTo"::text AS "effectiveTo", rules
     FROM "SubsidyPolicy" WHERE kind::text = ANY($1::text[]) AND status::text IN ('PUBLISHED', 'ACTIVE')`,
    [kinds],
  );
}

/** The policies of these ids, whatever their status. */
export async function policiesById(tx: Tx, ids: readonly string[]): Promise<PolicyRow[]> {
  return tx.subsidyPolicy.findMany({ where: { id: { in: [...new Set(ids)] } }, select: POLICY_COLUMNS });
}

/** The row as a typed policy, counted as PUBLISHED (an ACTIVE one pays too); null when its rules are not valid. */
export function validated(row: PolicyRow): SubsidyPolicy | null {
  try {
    return validatePolicy({
      code: row.code,
      version: row.version,
      regionCode: row.regionCode,
      kind: row.kind,
      status: 'PUBLISHED',
      effectiveFrom: row.effectiveFrom,
      effectiveTo: row.effectiveTo,
      rules: row.rules,
    });
  } catch {
    return null;
  }
}

/** The rules per (region, class start date) (domain employmentRulesInForce), each pair worked out once. */
export function rulesResolver(rows: PolicyRow[]): (regionCode: string, basisDate: string) => EmploymentRules {
  const policies = rows.map(validated).filter((p): p is SubsidyPolicy => p !== null);
  const cache = new Map<string, EmploymentRules>();
  return (regionCode, basisDate) => {
    const key = `${regionCode}|${basisDate}`;
    let rules = cache.get(key);
    if (!rules) {
      rules = employmentRulesInForce(policies, regionCode, basisDate);
      cache.set(key, rules);
    }
    return rules;
  };
}
