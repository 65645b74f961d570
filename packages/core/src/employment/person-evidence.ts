import type { ContributionMonth, EvidenceRecord } from '@vtc/domain';
import type { SqlSession } from '@vtc/db';
import { idList } from './sql.ts';

/** The evidence of employment of these persons, as the domain decides on it: their records and contribution months. */
export async function evidenceOf(
  sql: SqlSession,
  personIds: string[],
): Promise<{ records: Map<string, EvidenceRecord[]>; contributions: Map<string, ContributionMonth[]> }> {
  const records = new Map<string, EvidenceRecord[]>();
  const contributions = new Map<string, ContributionMonth[]>();
  if (personIds.length === 0) return { records, contributions };
  const recordRows = await sql.query<EvidenceRecord & { personId: string }>(
    `SELECT id::text AS id, "personId"::text AS "personId", source::text AS source, confirmation::text AS confirmation,
      "employerCreditCode", "employerName", "contractStart"::text AS "contractStart", "contractEnd"::text AS "contractEnd",
      "contractMonths", "monthlyWageFen"
    FROM "EmploymentRecord" WHERE "personId" = ANY(string_to_array($1, ',')::uuid[])`,
    [idList(personIds)],
  );
  for (const { personId, ...r } of recordRows) {
    const list = records.get(personId) ?? [];
    list.push({ ...r, employerCreditCode: r.employerCreditCode?.trim() ?? null });
    records.set(personId, list);
  }
  // One row per person: its distinct (employer, month) pairs with the highest wage base, as
  // 'code:YYYYMM:wage' items joined by ',' (credit codes and months never hold either character). Both
  // groupings follow the order of x_contribution_person_month, so its index-only scan feeds them with no
  // sort or hash; one string per person instead of a row per month keeps the transfer and parsing small.
  const contributionRows = await sql.query<{ personId: string; items: string }>(
    `SELECT p AS "personId", string_agg(code || ':' || month || ':' || COALESCE(wage::text, ''), ',') AS items
    FROM (SELECT "personId" AS p, "employerCreditCode" AS code, month, max("wageBaseFen") AS wage
          FROM "SocialInsuranceContribution" WHERE "personId" = ANY(string_to_array($1, ',')::uuid[])
          GROUP BY 1, 2, 3) x
    GROUP BY p`,
    [idList(personIds)],
  );
  for (const { personId, items } of contributionRows) {
    const list: ContributionMonth[] = [];
    for (const item of items.split(',')) {
      const [employerCreditCode = '', month = '', wage = ''] = item.split(':');
      list.push({ employerCreditCode, month, wageBaseFen: wage === '' ? null : Number(wage) });
    }
    contributions.set(personId, list);
  }
  return { records, contributions };
}

