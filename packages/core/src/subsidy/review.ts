import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient, Tx } from '@vtc/db';
import { transaction } from '@vtc/db';
import {
  approvalPostings,
  assertBalanced,
  assertMayActOnClaim,
  assertNoOpenObjections,
  assertNoticeEnded,
  type ClaimAction,
  type ClaimActionLevels,
  claimActionLevelsOf,
  claimantAccount,
  claimStepOf,
  claimTransition,
  DEFAULT_CLAIM_ACTION_LEVELS,
  DomainError,
  type LedgerLine,
  type Posting,
  parseAccount,
  payableOf,
  paymentPostings,
  publicNoticeWindow,
  shanghaiDate,
  type WorkingCalendar,
} from '@vtc/domain';
import { notFound } from '../shared/access.ts';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import { workingCalendar } from './calendar.ts';
import { claimScope, organizationScope, personScope } from '../shared/scope.ts';

/**
 * Reviewing, approving, publishing and paying a subsidy claim (issue 5). The state machine and who
 * may act are in domain/subsidy/claim-workflow.ts; each use case here is one audited transaction
 * on a claim locked FOR UPDATE.
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

export interface LineDecision {
  lineId: string;
  accept: boolean;
  reason?: string | null;
}

const UUID = /^[0-9a-f-]{36}$/i;
const day = (d: Date) => d.toISOString().slice(0, 10);
const date = (d: string) => new Date(`${d}T00:00:00Z`);

export function bureauRegions(actor: Actor): string[] {
  return actor.roles.filter((r) => r.role === 'BUREAU_OFFICER' && r.regionCode).map((r) => r.regionCode!);
}

export function checkReason(reason: string | null | undefined, field: string): string {
  const r = reason?.trim() ?? '';
  if (r.length < 2 || r.length > 500) {
    throw new DomainError('VALIDATION', { zh: '请填写原因(2–500字)', en: 'Give a reason (2–500 characters)' }, { field });
  }
  return r;
}

/** A claim the actor can see, locked for update, or NOT_FOUND (never revealing that it exists). */
export async function lockClaim(tx: Tx, actor: Actor, claimId: string) {
  const visible = /^[0-9a-f-]{36}$/i.test(claimId)
    ? await tx.subsidyClaim.findFirst({ where: { AND: [{ id: claimId }, claimScope(actor)] }, select: { id: true } })
    : null;
  if (!visible) throw notFound('SubsidyClaim', '补贴申领');
  await tx.$queryRaw`SELECT id FROM "SubsidyClaim" WHERE id = ${claimId}::uuid FOR UPDATE`;
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
    'policyIds' in of ? { id: { in: [...new Set(of.policyIds)] } } : { claims: { some: { id: { in: of.claimIds.filter((id) => UUID.test(id)) } } } };
  const rows = await tx.subsidyPolicy.findMany({ where, select: { id: true, rules: true } });
  const by = new Map(rows.map((r) => [r.id, claimActionLevelsOf(r.rules)]));
  return (policyId) => by.get(policyId) ?? DEFAULT_CLAIM_ACTION_LEVELS;
}

/** The review levels of one claim: its policy's, unless `options.levels` overrides them. */
export async function claimLevels(tx: Tx, claim: { policyId: string }, options: ClaimWorkflowOptions): Promise<ClaimActionLevels> {
  return (await claimLevelsByPolicy(tx, { policyIds: [claim.policyId] }, options))(claim.policyId);
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
    for (const d of input.decisions) {
      if (!lines.some((l) => l.id === d.lineId)) {
        throw new DomainError('VALIDATION', { zh: '审核的明细不属于此申领', en: `Line ${d.lineId} is not a line of this claim` }, { field: 'decisions' });
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
 * (公示) from today for 5 working days.
 */
export async function approveClaim(prisma: PrismaClient, actor: Actor, input: { claimId: string }, options: ClaimWorkflowOptions = {}) {
  return transaction(prisma, async (tx) => {
    const claim = await lockClaim(tx, actor, input.claimId);
    const to = await step(tx, actor, claim, 'APPROVE', options);
    const now = options.now ?? new Date();
    const startsOn = shanghaiDate(now);
    const { endsOn } = publicNoticeWindow(startsOn, options.calendar ?? (await workingCalendar(tx, startsOn)));
    const updated = await tx.subsidyClaim.update({
      where: { id: claim.id },
      data: { status: to, noticeStartsOn: date(startsOn), noticeEndsOn: date(endsOn), decidedAt: now, decidedById: actor.userId },
    });
    await audit(tx, actor, {
      action: 'claim.approve',
      entityType: 'SubsidyClaim',
      entityId: claim.id,
      before: { status: claim.status },
      after: { status: to, noticeStartsOn: startsOn, noticeEndsOn: endsOn },
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
    assertNoticeEnded(day(claim.noticeEndsOn!), today);
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

export const claimPaymentKey = (claimId: string) => `claim:${claimId}`;

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

export function checkBankReference(value: string): string {
  const bankReference = value.trim();
  if (bankReference.length < 1 || bankReference.length > 100) {
    throw new DomainError('VALIDATION', { zh: '请填写银行流水号(1–100字)', en: 'Give the bank reference (1–100 characters)' }, { field: 'bankReference' });
  }
  return bankReference;
}

/**
 * Pay one APPROVED claim directly: one Payment (idempotency key `claim:<id>`) and its balanced
 * payment journal, in one transaction; the claim becomes PAID. Paying again returns the same payment
 * and posts nothing. A claim that sits in a payment batch is paid with its batch (CONFLICT here).
 */
export async function payClaim(prisma: PrismaClient, actor: Actor, input: { claimId: string; bankReference: string }, options: ClaimWorkflowOptions = {}) {
  const bankReference = checkBankReference(input.bankReference);
  return transaction(prisma, async (tx) => {
    const claim = await lockClaim(tx, actor, input.claimId);
    const levels = await claimLevels(tx, claim, options);
    assertMayActOnClaim(bureauRegions(actor), claim.regionCode, 'PAY', levels);
    const key = claimPaymentKey(claim.id);
    const existing = await tx.payment.findUnique({ where: { idempotencyKey: key }, include: { batch: { select: { number: true } } } });
    if (existing?.status === 'CONFIRMED') {
      const { batch: _b, ...payment } = existing;
      return payment;
    }
    if (existing) {
      throw new DomainError(
        'CONFLICT',
        { zh: `此申领已在拨付批次${existing.batch?.number ?? ''}中,请随批次拨付`, en: `The claim is in payment batch ${existing.batch?.number ?? ''}; it is paid with its batch` },
        { field: 'claimId', batchNumber: existing.batch?.number ?? null },
      );
    }
    const to = claimTransition(claim.status, 'PAY'); // levels checked above, before the idempotent return
    const amountFen = claim.approvedFen ?? 0n;
    if (amountFen <= 0n) {
      throw new DomainError('VALIDATION', { zh: '核准金额为零,无需拨付', en: 'The approved amount is zero; nothing to pay' }, { field: 'claimId' });
    }
    const now = options.now ?? new Date();
    const payment = await tx.payment.create({
      data: { claimId: claim.id, amountFen, status: 'CONFIRMED', bankReference, idempotencyKey: key, paidAt: now },
    });
    await postPayments(tx, actor, [{ claim, payment }], { bankReference, now });
    await tx.subsidyClaim.update({ where: { id: claim.id }, data: { status: to } });
    await audit(tx, actor, {
      action: 'claim.pay',
      entityType: 'SubsidyClaim',
      entityId: claim.id,
      before: { status: claim.status },
      after: { status: to, paymentId: payment.id, amountFen, bankReference },
    });
    return payment;
  });
}

export interface AccountBalance {
  account: string;
  debitFen: bigint;
  creditFen: bigint;
  /** Debits minus credits. */
  balanceFen: bigint;
}

type LedgerWhere = Prisma.LedgerEntryWhereInput;

async function sumByAccount(db: PrismaClient | Tx, where: LedgerWhere): Promise<AccountBalance[]> {
  const rows = await db.ledgerEntry.groupBy({ by: ['account', 'direction'], where, _sum: { amountFen: true }, orderBy: [{ account: 'asc' }] });
  const by = new Map<string, AccountBalance>();
  for (const r of rows) {
    const b = by.get(r.account) ?? { account: r.account, debitFen: 0n, creditFen: 0n, balanceFen: 0n };
    const amount = r._sum.amountFen ?? 0n;
    if (r.direction === 'DEBIT') b.debitFen += amount;
    else b.creditFen += amount;
    b.balanceFen = b.debitFen - b.creditFen;
    by.set(r.account, b);
  }
  return [...by.values()].sort((a, b) => a.account.localeCompare(b.account));
}

/**
 * Balances per account of ledger entries, derived from the entries: of one claim, of an organization's
 * claims (claimantId), of the claims a person files for themself (claimantPersonId), or of every
 * entry for a person (personId: the lines about them, whoever claimed).
 */
export async function ledgerBalances(
  prisma: PrismaClient | Tx,
  filter: { claimantId?: string; claimantPersonId?: string; claimId?: string; personId?: string },
): Promise<AccountBalance[]> {
  const claim = {
    ...(filter.claimantId ? { claimantId: filter.claimantId } : {}),
    ...(filter.claimantPersonId ? { claimantPersonId: filter.claimantPersonId } : {}),
    ...(filter.claimId ? { id: filter.claimId } : {}),
  };
  return sumByAccount(prisma, { claim, ...(filter.personId ? { personId: filter.personId } : {}) });
}

export interface PartyBalance {
  accounts: AccountBalance[];
  /** Approved for the party (net of claw-backs): credits minus debits of payable accounts in approval journals. */
  approvedFen: bigint;
  /** Paid to the party: debits minus credits of payable accounts in payment journals. */
  paidFen: bigint;
  /** approved − paid: above zero still owed to the party, below zero a receivable from it. */
  outstandingFen: bigint;
}

async function partyBalance(db: PrismaClient | Tx, where: LedgerWhere): Promise<PartyBalance> {
  const [accounts, approval, payment] = await Promise.all([
    sumByAccount(db, where),
    sumByAccount(db, { AND: [where, { paymentId: null }] }),
    sumByAccount(db, { AND: [where, { paymentId: { not: null } }] }),
  ]);
  const payable = (bs: AccountBalance[]) => bs.filter((b) => parseAccount(b.account).kind === 'PAYABLE').reduce((s, b) => s + b.balanceFen, 0n);
  const approvedFen = -payable(approval);
  const paidFen = payable(payment);
  return { accounts, approvedFen, paidFen, outstandingFen: approvedFen - paidFen };
}

/**
 * An organization's balance as claimant: the entries of its claims the actor may see (the
 * institution or enterprise its own, a bureau the claims of its region). NOT_FOUND when the actor
 * cannot see the organization.
 */
export async function organizationBalance(prisma: PrismaClient | Tx, actor: Actor, organizationId: string): Promise<PartyBalance> {
  const org = /^[0-9a-f-]{36}$/i.test(organizationId)
    ? await prisma.organization.findFirst({ where: { AND: [{ id: organizationId }, organizationScope(actor)] }, select: { id: true } })
    : null;
  if (!org) throw notFound('Organization', '机构');
  return partyBalance(prisma, { claim: { AND: [{ claimantId: organizationId }, claimScope(actor)] } });
}

/**
 * A person's balance: every entry about them (the lines of claims for them, and what they claim for
 * themself), as far as the actor may see: the trainee themself all of it, anyone else the entries
 * of claims they can see. NOT_FOUND unless the actor sees the person (personScope) or a claim
 * with a line about them.
 */
export async function personBalance(prisma: PrismaClient | Tx, actor: Actor, personId: string): Promise<PartyBalance> {
  const self = actor.roles.some((r) => r.role === 'TRAINEE' && r.personId === personId);
  const visible =
    self ||
    (/^[0-9a-f-]{36}$/i.test(personId) &&
      !!(await prisma.person.findFirst({
        where: { AND: [{ id: personId }, { OR: [personScope(actor), { claimLines: { some: { claim: claimScope(actor) } } }] }] },
        select: { id: true },
      })));
  if (!visible) throw notFound('Person', '人员');
  return partyBalance(prisma, self ? { personId } : { personId, claim: claimScope(actor) });
}
