import { randomUUID } from 'node:crypto';
import type { Prisma, Tx } from '@vtc/db';
import { approvalPostings, assertBalanced, claimantAccount, type LedgerLine, type Posting, paymentPostings } from '@vtc/domain';
import type { Actor } from '../shared/actor.ts';

/**
 * The ledger of subsidy claims: balanced journals, one per approval and one per payment (issue 5).
 *
 * Money (journals built and balanced by domain approvalPostings / paymentPostings; every posting
 * for a line carries its personId and claimLineId):
 *   approval (when the notice closes), per accepted line:
 *     amount > 0  DEBIT subsidy-expense:<region> / CREDIT payable:<claimant>
 *     amount < 0  DEBIT payable:<claimant> / CREDIT subsidy-expense:<region>   (claw-back: receivable)
 *   payment (payClaim, or a payment batch confirmed paid), net of the lines when it is > 0:
 *     DEBIT payable:<claimant> per line owed, CREDIT per claw-back netted / CREDIT bank:<region>
 * so the claimant's and every person's payable balance returns to zero once paid; a claim whose
 * claw-backs exceed the rest pays nothing and leaves a debit (receivable) on the claimant.
 * Claimant accounts: payable:org:<id> or payable:person:<id> (older entries: payable:<orgId>).
 */

/** The claimant's payable account of a claim (an organization or a person claiming for themself). */
export function payableAccountOf(claim: { claimantId: string | null; claimantPersonId: string | null }): string {
  return claimantAccount({ organizationId: claim.claimantId, personId: claim.claimantPersonId });
}

/** The accepted lines of claims, by claim id (one query). */
export async function acceptedLines(tx: Tx, claimIds: readonly string[]): Promise<Map<string, LedgerLine[]>> {
  const rows = await tx.subsidyClaimLine.findMany({
    where: { claimId: { in: [...claimIds] }, status: 'ACCEPTED' },
    select: { id: true, claimId: true, personId: true, amountFen: true },
    orderBy: { id: 'asc' },
  });
  const by = new Map<string, LedgerLine[]>();
  for (const r of rows) by.set(r.claimId, [...(by.get(r.claimId) ?? []), { id: r.id, personId: r.personId, amountFen: r.amountFen }]);
  return by;
}

type JournalMeta = { memo: string; paymentId: string | null; now: Date };

/** The rows of one balanced journal (a new journal id) of a claim; none when there are no postings. */
function journalRows(actor: Actor | null, claim: { id: string }, postings: readonly Posting[], meta: JournalMeta): Prisma.LedgerEntryCreateManyInput[] {
  if (postings.length === 0) return [];
  assertBalanced(postings);
  const journalId = randomUUID();
  return postings.map((p) => ({
    journalId,
    account: p.account,
    direction: p.direction,
    amountFen: p.amountFen,
    claimId: claim.id,
    paymentId: meta.paymentId,
    personId: p.personId ?? null,
    claimLineId: p.claimLineId ?? null,
    memo: meta.memo,
    postedAt: meta.now,
    postedById: actor?.userId ?? null,
  }));
}

/** Ledger rows per INSERT: 11 columns each, well under the 65,535 bind parameters of a statement. */
const LEDGER_ROWS_PER_INSERT = 4_000;

async function insertLedger(tx: Tx, rows: readonly Prisma.LedgerEntryCreateManyInput[]): Promise<void> {
  for (let i = 0; i < rows.length; i += LEDGER_ROWS_PER_INSERT) await tx.ledgerEntry.createMany({ data: rows.slice(i, i + LEDGER_ROWS_PER_INSERT) });
}

/** Write one balanced journal of a claim; nothing when there are no postings. */
export async function postJournal(tx: Tx, actor: Actor | null, claim: { id: string }, postings: readonly Posting[], meta: JournalMeta): Promise<void> {
  await insertLedger(tx, journalRows(actor, claim, postings, meta));
}

/**
 * Post the payment journal of claims whose payments are being confirmed, and the approval journal
 * first for a claim approved before approvals were posted at close (no entry without a payment).
 * Statements do not grow with the number of claims: the lines, the accrued claims, then one INSERT
 * per 4,000 ledger rows.
 */
export async function postPayments(
  tx: Tx,
  actor: Actor | null,
  items: ReadonlyArray<{
    claim: { id: string; number: string; regionCode: string; claimantId: string | null; claimantPersonId: string | null };
    payment: { id: string; amountFen: bigint };
  }>,
  meta: { bankReference: string; now: Date },
): Promise<void> {
  const ids = items.map((i) => i.claim.id);
  const lines = await acceptedLines(tx, ids);
  const accrued = new Set(
    (await tx.ledgerEntry.groupBy({ by: ['claimId'], where: { claimId: { in: ids }, paymentId: null } })).map((r) => r.claimId).filter((c): c is string => !!c),
  );
  const rows: Prisma.LedgerEntryCreateManyInput[] = [];
  for (const { claim, payment } of items) {
    const own = lines.get(claim.id) ?? [];
    const payable = payableAccountOf(claim);
    if (!accrued.has(claim.id)) {
      rows.push(...journalRows(actor, claim, approvalPostings(claim.regionCode, payable, own), { memo: `补贴核准 ${claim.number}`, paymentId: null, now: meta.now }));
    }
    rows.push(
      ...journalRows(actor, claim, paymentPostings(claim.regionCode, payable, own, payment.amountFen), {
        memo: `补贴拨付 ${claim.number} ${meta.bankReference}`,
        paymentId: payment.id,
        now: meta.now,
      }),
    );
  }
  await insertLedger(tx, rows);
}
