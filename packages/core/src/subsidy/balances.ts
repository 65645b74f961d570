import type { Prisma, PrismaClient, Tx } from '@vtc/db';
import { isUuid } from '@vtc/db';
import { parseAccount } from '@vtc/domain';
import { notFound } from '../shared/access.ts';
import type { Actor } from '../shared/actor.ts';
import { claimScope, organizationScope, personScope } from '../shared/scope.ts';

/** Balances derived from the ledger entries: per account, and per party (approved, paid, outstanding). */
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
  const org = isUuid(organizationId)
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
    (isUuid(personId) &&
      !!(await prisma.person.findFirst({
        where: { AND: [{ id: personId }, { OR: [personScope(actor), { claimLines: { some: { claim: claimScope(actor) } } }] }] },
        select: { id: true },
      })));
  if (!visible) throw notFound('Person', '人员');
  return partyBalance(prisma, self ? { personId } : { personId, claim: claimScope(actor) });
}
