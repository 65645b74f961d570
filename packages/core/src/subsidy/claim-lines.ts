import type { Tx } from '@vtc/db';
import { Prisma } from '@vtc/db';
import type { ClaimComputation } from '@vtc/domain';

export type ClaimLineRow = {
  claimId: string;
  personId: string;
  enrollmentId: string | null;
  certificateId: string | null;
  apprenticeshipId: string | null;
  kind: string;
  part: string;
  occupationCode: string | null;
  level: string | null;
  basisRef: string;
  amountFen: number;
  subsidyYear: number;
  countsTowardLimit: boolean;
  limitSlot: number | null;
  dedupKey: string;
  explanation: object;
};

/** The row of an engine line on claim `claimId`, with the record it rests on. */
export function claimLineRow(
  claimId: string,
  l: ClaimComputation['lines'][number],
  link: { enrollmentId?: string | null; certificateId?: string | null; apprenticeshipId?: string | null } = {},
): ClaimLineRow {
  return {
    claimId,
    personId: l.personId,
    enrollmentId: link.enrollmentId ?? null,
    certificateId: link.certificateId ?? null,
    apprenticeshipId: link.apprenticeshipId ?? null,
    kind: l.scheme,
    part: l.part,
    occupationCode: l.occupationCode,
    level: l.level,
    basisRef: l.basisRef,
    amountFen: l.amountFen,
    subsidyYear: l.subsidyYear,
    countsTowardLimit: l.countsTowardLimit,
    limitSlot: l.limitSlot,
    dedupKey: l.dedupKey,
    explanation: l.explanation as object,
  };
}

export type InsertedClaimLine = { claimId: string; personId: string; enrollmentId: string | null; amountFen: number; dedupKey: string };

/**
 * Lines (of one claim or many) in ONE statement with ONE bind parameter (the lines as a JSON array), so
 * neither the statement count nor PostgreSQL's 65,535-parameter limit depends on the number of
 * persons, and Prisma does not serialise 16 parameters per line. A live line with the same dedupKey
 * (x_claim_line_dedup_active) fails the statement, or with `skipLive` is skipped; returns the lines written.
 */
export async function insertClaimLines(tx: Tx, rows: readonly ClaimLineRow[], { skipLive = false }: { skipLive?: boolean } = {}): Promise<InsertedClaimLine[]> {
  const onConflict = skipLive ? Prisma.sql`ON CONFLICT ("dedupKey") WHERE status <> 'REJECTED' DO NOTHING` : Prisma.empty;
  return tx.$queryRaw<InsertedClaimLine[]>`
    INSERT INTO "SubsidyClaimLine" (id, "claimId", "personId", "enrollmentId", "certificateId", "apprenticeshipId", kind, part,
      "occupationCode", level, "basisRef", "amountFen", "subsidyYear", "countsTowardLimit", "limitSlot", "dedupKey", explanation)
    SELECT gen_random_uuid(), x."claimId", x."personId", x."enrollmentId", x."certificateId", x."apprenticeshipId",
      x.kind::"SubsidyKind", x.part::"ClaimLinePart", x."occupationCode", x.level::"SkillLevel", x."basisRef", x."amountFen",
      x."subsidyYear", x."countsTowardLimit", x."limitSlot", x."dedupKey", x.explanation
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x("claimId" uuid, "personId" uuid, "enrollmentId" uuid, "certificateId" uuid,
      "apprenticeshipId" uuid, kind text, part text, "occupationCode" text, level text, "basisRef" text, "amountFen" int, "subsidyYear" int,
      "countsTowardLimit" boolean, "limitSlot" int, "dedupKey" text, explanation jsonb)
    ${onConflict}
    RETURNING "claimId"::text AS "claimId", "personId"::text AS "personId", "enrollmentId"::text AS "enrollmentId", "amountFen", "dedupKey"`;
}
