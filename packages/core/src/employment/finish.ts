import { lockRow, type PrismaClient, type Tx, transaction } from '@vtc/db';
import { assertCalendarDate, type ClaimBasis, type ContributionMonth, claimNumber, computeClaim, contractEvidence, DomainError, type EvidenceRecord } from '@vtc/domain';
import { auditMany } from '../shared/audit.ts';
import type { SqlSession } from '@vtc/db';
import { nextSerial } from '../shared/serial.ts';
import { claimLineRow, historyOf, insertClaimLines } from '../subsidy/index.ts';
import { evidenceOf } from './person-evidence.ts';
import { policiesById, validated } from './policies.ts';

/**
 * The run's last step: the employment uplifts of QUALIFIED checks. A QUALIFIED check whose enrollment
 * has a live base line on a live CLASS_HOUR claim gets its EMPLOYMENT_UPLIFT line computed by the
 * subsidy engine (computeClaim, kind EMPLOYMENT_UPLIFT: the base line must be accepted, the contract
 * must qualify under the same policy version, the claim deadline counts from the contract's signing).
 * The line goes on a supplementary claim (claimKind EMPLOYMENT_UPLIFT, supplementsClaimId = the
 * CLASS_HOUR claim, SUBMITTED): the one still SUBMITTED collects the uplift lines of later days; once
 * the bureau has taken it up (any other status) a new supplementary claim is opened. The run row and
 * the CLASS_HOUR claim rows are locked while doing so, so two callers never open two claims at once.
 * When the engine refuses (base not accepted yet, deadline passed …) the reason is kept in the check's
 * evidence (`uplift`) and the check is looked at again on the next run. A QUALIFIED check whose uplift
 * is still to be filed (a live CLASS_HOUR base line exists for the enrollment, no uplift line at all
 * yet — a rejected uplift line is not filed again) is looked at every day.
 */

/** What finishCheckRun wrote into a check's evidence (`uplift`): the line filed, or why not. */
type UpliftNote = { claimNumber: string; amountFen: number; dedupKey: string } | { refused: string; zh: string; en: string; on: string };

export interface FinishRunResult {
  /** True when the run was not ready (chunks still open) or already finished by someone else. */
  skipped: boolean;
  /** Uplift lines written. */
  uplifts: number;
  /** Enrollments the subsidy engine refused an uplift for (the reason is in the check's evidence). */
  refused: number;
  /** CLASS_HOUR claims looked at. */
  claims: number;
}

/**
 * The run's last step, once every chunk is DONE: file the employment uplift for every QUALIFIED check
 * whose enrollment has a live CLASS_HOUR base line and no uplift line yet (this run's and any earlier
 * one's whose uplift was refused then), grouped by claim so each claim is visited once, then mark the
 * run SUCCEEDED. One transaction with the run row locked: a second caller (the sweeper, a duplicated
 * job) waits and then finds it SUCCEEDED; a crash rolls it back and the sweeper finishes the run.
 * Uplift lines are unique by dedupKey, so nothing is ever filed twice.
 */
export async function finishCheckRun(prisma: PrismaClient, runId: string, { today }: { today: string }): Promise<FinishRunResult> {
  assertCalendarDate(today, 'today');
  return transaction(
    prisma,
    async (tx) => {
      if (!(await lockRow(tx, 'EmploymentCheckRun', runId))) {
        throw new DomainError('NOT_FOUND', { zh: '核查批次不存在', en: 'Employment-check run not found' }, { field: 'runId' });
      }
      const run = await tx.employmentCheckRun.findUniqueOrThrow({ where: { id: runId }, select: { status: true, chunksDone: true, chunkCount: true } });
      if (run.status !== 'RUNNING' || run.chunksDone < run.chunkCount) return { skipped: true, uplifts: 0, refused: 0, claims: 0 };
      const sql: SqlSession = { query: <R>(text: string, params: readonly unknown[] = []) => tx.$queryRawUnsafe<R[]>(text, ...params) };
      const bases = await sql.query<BaseRow>(
        `SELECT b."enrollmentId"::text AS "enrollmentId", b."personId"::text AS "personId", bc.id::text AS "claimId", bc.number AS "claimNumber",
          bc."policyId"::text AS "policyId", bc.computation->'basis' AS basis
        FROM "SubsidyClaimLine" b JOIN "SubsidyClaim" bc ON bc.id = b."claimId"
        WHERE b.kind = 'CLASS_HOUR' AND b.part = 'MAIN' AND b.status <> 'REJECTED'
          AND bc."claimKind" = 'CLASS_HOUR' AND bc.status NOT IN ('REJECTED', 'WITHDRAWN')
          AND EXISTS (SELECT 1 FROM "EmploymentCheck" k WHERE k."enrollmentId" = b."enrollmentId" AND k.status = 'QUALIFIED')
          AND NOT EXISTS (SELECT 1 FROM "SubsidyClaimLine" u WHERE u."enrollmentId" = b."enrollmentId" AND u.part = 'EMPLOYMENT_UPLIFT')
        ORDER BY bc.id, b."enrollmentId"`,
      );
      let notes = new Map<string, UpliftNote>();
      if (bases.length > 0) {
        const { records, contributions } = await evidenceOf(sql, [...new Set(bases.map((b) => b.personId))]);
        notes = await fileUplifts(tx, today, bases, records, contributions);
      }
      if (notes.size > 0) {
        // The note (the line filed, or why not) goes into the evidence of the enrollment's QUALIFIED checks.
        await tx.$executeRaw`
          UPDATE "EmploymentCheck" k SET evidence = COALESCE(k.evidence, '{}'::jsonb) || jsonb_build_object('uplift', x.note), "updatedAt" = now()
          FROM jsonb_to_recordset(${JSON.stringify([...notes].map(([enrollmentId, note]) => ({ enrollmentId, note })))}::jsonb) AS x("enrollmentId" uuid, note jsonb)
          WHERE k."enrollmentId" = x."enrollmentId" AND k.status = 'QUALIFIED'`;
      }
      await tx.$executeRaw`UPDATE "EmploymentCheckRun" SET status = 'SUCCEEDED', "finishedAt" = now() WHERE id = ${runId}::uuid`;
      const uplifts = [...notes.values()].filter((n) => 'claimNumber' in n).length;
      return { skipped: false, uplifts, refused: notes.size - uplifts, claims: new Set(bases.map((b) => b.claimId)).size };
    },
    { timeoutMs: 600_000 },
  );
}


type BaseRow = {
  enrollmentId: string;
  personId: string;
  claimId: string;
  claimNumber: string;
  policyId: string;
  basis: unknown;
};

/**
 * File the uplift line of each QUALIFIED enrollment with a live base line (see finishCheckRun). Returns a
 * note per enrollment looked at (the line written, or why not).
 */
async function fileUplifts(
  tx: Tx,
  today: string,
  bases: BaseRow[],
  records: Map<string, EvidenceRecord[]>,
  contributions: Map<string, ContributionMonth[]>,
): Promise<Map<string, UpliftNote>> {
  const notes = new Map<string, UpliftNote>();
  if (bases.length === 0) return notes;

  const byClaim = new Map<string, BaseRow[]>();
  for (const b of bases) {
    const list = byClaim.get(b.claimId) ?? [];
    list.push(b);
    byClaim.set(b.claimId, list);
  }
  const claimIds = [...byClaim.keys()].sort();
  // Lock the CLASS_HOUR claims in a fixed order: two chunks of one class never open two supplementary claims.
  const originals = await tx.$queryRaw<
    Array<{ id: string; number: string; status: string; claimantId: string | null; claimantPersonId: string | null; regionCode: string; basisRef: string; policyId: string }>
  >`
    SELECT id::text AS id, number, status::text AS status, "claimantId"::text AS "claimantId", "claimantPersonId"::text AS "claimantPersonId",
      "regionCode", "basisRef", "policyId"::text AS "policyId"
    FROM "SubsidyClaim" WHERE id = ANY(${claimIds}::uuid[]) ORDER BY id FOR UPDATE`;
  const policies = new Map((await policiesById(tx, originals.map((o) => o.policyId))).map((p) => [p.id, validated(p)]));
  const history = await historyOf(tx, [...new Set(bases.map((b) => b.personId))]);

  type Original = (typeof originals)[number];
  const pending: Array<{ original: Original; line: ReturnType<typeof computeClaim>['lines'][number]; enrollmentId: string | null }> = [];
  for (const original of originals) {
    if (original.status === 'REJECTED' || original.status === 'WITHDRAWN') continue;
    const rows = byClaim.get(original.id) ?? [];
    const policy = policies.get(original.policyId) ?? null;
    const refuseAll = (rule: string, zh: string, en: string) => {
      for (const r of rows) notes.set(r.enrollmentId, { refused: rule, zh, en, on: today });
    };
    if (!policy || policy.kind !== 'CLASS_HOUR') {
      refuseAll('POLICY_NOT_IN_FORCE', `申领${original.number}的政策无效`, `The policy of claim ${original.number} is not valid`);
      continue;
    }
    const stored = rows[0]!.basis as ClaimBasis | null;
    const basis: ClaimBasis | null = stored && stored.type === 'CLASS' ? stored : null;
    if (!basis) {
      refuseAll('MISSING_FACT', `申领${original.number}未记录计算依据`, `Claim ${original.number} has no stored basis`);
      continue;
    }
    const persons = [...new Map(rows.map((r) => [r.personId, r])).values()].map((r) => ({
      personId: r.personId,
      employment: contractEvidence(records.get(r.personId) ?? [], contributions.get(r.personId) ?? []).evidence,
    }));
    let computation: ReturnType<typeof computeClaim>;
    try {
      computation = computeClaim({ policy, kind: 'EMPLOYMENT_UPLIFT', basis, persons, history, filedOn: today });
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      refuseAll(e.code, e.localized.zh, e.localized.en);
      continue;
    }
    const enrollmentOf = new Map(rows.map((r) => [r.personId, r.enrollmentId]));
    for (const x of computation.excluded) {
      const enrollmentId = enrollmentOf.get(x.personId);
      if (enrollmentId) notes.set(enrollmentId, { refused: x.rule, zh: x.zh, en: x.en, on: today });
    }
    if (computation.lines.length === 0) continue;

    for (const l of computation.lines) pending.push({ original, line: l, enrollmentId: enrollmentOf.get(l.personId) ?? null });
  }
  if (pending.length === 0) return notes;

  // The rest is a fixed number of statements for every claim of the run together.
  // Skip lines whose key is already live (a lost race elsewhere); ON CONFLICT covers the rest.
  const live = await tx.$queryRaw<Array<{ dedupKey: string }>>`
    SELECT "dedupKey" FROM "SubsidyClaimLine" WHERE "dedupKey" = ANY(${pending.map((p) => p.line.dedupKey)}::text[]) AND status <> 'REJECTED'`;
  const taken = new Set(live.map((l) => l.dedupKey));
  const toFile = pending.filter((p) => !taken.has(p.line.dedupKey));
  if (toFile.length === 0) return notes;
  const originalsWithLines = [...new Map(toFile.map((p) => [p.original.id, p.original])).values()];

  // The supplementary claim still SUBMITTED of each original collects its lines; the others get a new one.
  const open = await tx.$queryRaw<Array<{ id: string; number: string; supplements: string }>>`
    SELECT id::text AS id, number, "supplementsClaimId"::text AS supplements FROM "SubsidyClaim"
    WHERE "supplementsClaimId" = ANY(${originalsWithLines.map((o) => o.id)}::uuid[]) AND "claimKind" = 'EMPLOYMENT_UPLIFT' AND status = 'SUBMITTED'
    ORDER BY "supplementsClaimId", "createdAt", id FOR UPDATE`;
  // The first (oldest) open one of each original.
  const supplementaryOf = new Map<string, { id: string; number: string; created: boolean }>();
  for (const c of open) if (!supplementaryOf.has(c.supplements)) supplementaryOf.set(c.supplements, { id: c.id, number: c.number, created: false });
  const missing = originalsWithLines.filter((o) => !supplementaryOf.has(o.id));
  if (missing.length > 0) {
    const year = Number(today.slice(0, 4));
    const byRegion = new Map<string, typeof missing>();
    for (const o of missing) byRegion.set(o.regionCode, [...(byRegion.get(o.regionCode) ?? []), o]);
    const rows: object[] = [];
    for (const [regionCode, list] of byRegion) {
      const first = await nextSerial(tx, `claim:${regionCode}:${year}`, list.length);
      list.forEach((o, i) => {
        const basis = (byClaim.get(o.id) ?? [])[0]?.basis ?? null;
        rows.push({
          number: claimNumber(regionCode, year, first + i),
          claimantId: o.claimantId,
          claimantPersonId: o.claimantPersonId,
          regionCode,
          policyId: o.policyId,
          basisRef: o.basisRef,
          computation: { basis, facts: { supplements: o.number }, excluded: [], filedOn: today },
          supplements: o.id,
        });
      });
    }
    const created = await tx.$queryRaw<Array<{ id: string; number: string; supplements: string }>>`
      INSERT INTO "SubsidyClaim" (id, number, "claimantId", "claimantPersonId", "regionCode", "policyId", kind, "claimKind", "basisRef",
        computation, status, "totalFen", "submittedAt", "supplementsClaimId", "updatedAt")
      SELECT gen_random_uuid(), x.number, x."claimantId", x."claimantPersonId", x."regionCode", x."policyId", 'CLASS_HOUR', 'EMPLOYMENT_UPLIFT',
        x."basisRef", x.computation, 'SUBMITTED', 0, now(), x.supplements, now()
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(number text, "claimantId" uuid, "claimantPersonId" uuid, "regionCode" text,
        "policyId" uuid, "basisRef" text, computation jsonb, supplements uuid)
      RETURNING id::text AS id, number, "supplementsClaimId"::text AS supplements`;
    for (const c of created) supplementaryOf.set(c.supplements, { id: c.id, number: c.number, created: true });
  }

  // The partial unique index x_claim_line_dedup_active is the guarantee: a line already live is skipped, never doubled.
  const inserted = await insertClaimLines(
    tx,
    toFile.map(({ original, line, enrollmentId }) => claimLineRow(supplementaryOf.get(original.id)!.id, line, { enrollmentId })),
    { skipLive: true },
  );

  const addedBy = new Map<string, { lines: number; fen: number }>();
  for (const l of inserted) {
    const a = addedBy.get(l.claimId) ?? { lines: 0, fen: 0 };
    addedBy.set(l.claimId, { lines: a.lines + 1, fen: a.fen + l.amountFen });
  }
  const claims = [...supplementaryOf.entries()].map(([supplements, c]) => ({ ...c, supplements }));
  // A claim opened here that got no line (every key taken meanwhile) goes again.
  const empty = claims.filter((c) => c.created && !addedBy.has(c.id)).map((c) => c.id);
  if (empty.length > 0) await tx.$executeRaw`DELETE FROM "SubsidyClaim" WHERE id = ANY(${empty}::uuid[])`;
  if (addedBy.size > 0) {
    const totals = [...addedBy].map(([id, a]) => ({ id, fen: a.fen }));
    await tx.$executeRaw`
      UPDATE "SubsidyClaim" c SET "totalFen" = c."totalFen" + x.fen, "updatedAt" = now()
      FROM jsonb_to_recordset(${JSON.stringify(totals)}::jsonb) AS x(id uuid, fen bigint) WHERE c.id = x.id`;
    const numberOf = new Map(originalsWithLines.map((o) => [o.id, o.number]));
    await auditMany(
      tx,
      null,
      claims
        .filter((c) => addedBy.has(c.id))
        .map((c) => ({
          action: c.created ? 'claim.file' : 'claim.lines.add',
          entityType: 'SubsidyClaim',
          entityId: c.id,
          after: { number: c.number, kind: 'EMPLOYMENT_UPLIFT', supplements: numberOf.get(c.supplements), lines: addedBy.get(c.id)!.lines, addedFen: addedBy.get(c.id)!.fen },
        })),
    );
  }
  const numberOfClaim = new Map(claims.map((c) => [c.id, c.number]));
  for (const l of inserted) {
    if (l.enrollmentId) notes.set(l.enrollmentId, { claimNumber: numberOfClaim.get(l.claimId)!, amountFen: l.amountFen, dedupKey: l.dedupKey });
  }
  return notes;
}

