import { approveClaim, closeNotice, ledgerBalances, payClaim, rejectClaim, reviewClaim } from '@vtc/core';
import { allowedClaimActions, DomainError, formatYuan } from '@vtc/domain';
import { builder } from './builder.ts';
import { SubsidyClaim } from './subsidy.ts';

/**
 * The review of a subsidy claim: county review of every line, city approval and public notice (公示),
 * closing the notice, and payment with its ledger. Each mutation is one audited use case in core.
 */

const PaymentStatusEnum = builder.enumType('PaymentStatus', { values: ['PENDING', 'SENT', 'CONFIRMED', 'FAILED'] as const });
const ClaimActionEnum = builder.enumType('ClaimAction', { values: ['REVIEW', 'APPROVE', 'REJECT', 'CLOSE_NOTICE', 'PAY'] as const });

const Payment = builder.prismaObject('Payment', {
  fields: (t) => ({
    id: t.exposeID('id'),
    amountFen: t.int({ description: 'Whole fen (分)', resolve: (p) => Number(p.amountFen) }),
    amountYuan: t.string({ resolve: (p) => formatYuan(Number(p.amountFen)) }),
    status: t.expose('status', { type: PaymentStatusEnum }),
    bankReference: t.exposeString('bankReference', { nullable: true }),
    idempotencyKey: t.exposeString('idempotencyKey'),
    paidAt: t.expose('paidAt', { type: 'DateTime', nullable: true }),
  }),
});

interface BalanceShape {
  account: string;
  debitFen: bigint;
  creditFen: bigint;
  balanceFen: bigint;
}

const LedgerBalance = builder.objectRef<BalanceShape>('LedgerBalance').implement({
  description: 'An account of the double-entry ledger, summed from its entries',
  fields: (t) => ({
    account: t.exposeString('account'),
    debitFen: t.int({ resolve: (b) => Number(b.debitFen) }),
    creditFen: t.int({ resolve: (b) => Number(b.creditFen) }),
    balanceFen: t.int({ description: 'Debits minus credits', resolve: (b) => Number(b.balanceFen) }),
  }),
});

builder.prismaObjectField('SubsidyClaimLine', 'rejectionReason', (t) => t.exposeString('rejectionReason', { nullable: true }));

builder.prismaObjectFields(SubsidyClaim, (t) => ({
  approvedFen: t.int({ nullable: true, select: { approvedFen: true }, resolve: (c) => (c.approvedFen === null ? null : Number(c.approvedFen)) }),
  noticeStartsOn: t.expose('noticeStartsOn', { type: 'Date', nullable: true }),
  noticeEndsOn: t.expose('noticeEndsOn', { type: 'Date', nullable: true }),
  decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true }),
  rejectionReason: t.exposeString('rejectionReason', { nullable: true }),
  allowedActions: t.field({ type: [ClaimActionEnum], select: { status: true }, resolve: (c) => allowedClaimActions(c.status) }),
  payments: t.relation('payments', { query: { orderBy: { createdAt: 'asc' } } }),
  ledger: t.field({
    type: [LedgerBalance],
    description: "Balances of the accounts this claim's ledger entries touch",
    select: { id: true },
    resolve: (c, _a, ctx) => ledgerBalances(ctx.prisma, { claimId: c.id }),
  }),
}));

const LineDecisionInput = builder.inputType('ClaimLineDecisionInput', {
  fields: (t) => ({
    lineId: t.id({ required: true }),
    accept: t.boolean({ required: true }),
    reason: t.string({ required: false, description: 'Required when the line is rejected (2–500 characters)' }),
  }),
});

builder.mutationFields((t) => ({
  reviewClaim: t.prismaField({
    type: SubsidyClaim,
    description: 'County review: accept or reject (with a reason) every line of a SUBMITTED claim.',
    errors: { types: [DomainError] },
    args: {
      id: t.arg.globalID({ required: true, for: SubsidyClaim }),
      decisions: t.arg({ type: [LineDecisionInput], required: true }),
    },
    resolve: async (query, _r, args, ctx) => {
      const c = await reviewClaim(ctx.prisma, ctx.actor!, {
        claimId: args.id.id,
        decisions: args.decisions.map((d) => ({ lineId: String(d.lineId), accept: d.accept, reason: d.reason ?? null })),
      });
      return ctx.prisma.subsidyClaim.findUniqueOrThrow({ ...query, where: { id: c.id } });
    },
  }),
  approveClaim: t.prismaField({
    type: SubsidyClaim,
    description: 'City approval: the claim goes on public notice for 5 working days from today.',
    errors: { types: [DomainError] },
    args: { id: t.arg.globalID({ required: true, for: SubsidyClaim }) },
    resolve: async (query, _r, args, ctx) => {
      const c = await approveClaim(ctx.prisma, ctx.actor!, { claimId: args.id.id });
      return ctx.prisma.subsidyClaim.findUniqueOrThrow({ ...query, where: { id: c.id } });
    },
  }),
  rejectClaim: t.prismaField({
    type: SubsidyClaim,
    description: 'Reject the claim with a reason, at review or at approval.',
    errors: { types: [DomainError] },
    args: { id: t.arg.globalID({ required: true, for: SubsidyClaim }), reason: t.arg.string({ required: true }) },
    resolve: async (query, _r, args, ctx) => {
      const c = await rejectClaim(ctx.prisma, ctx.actor!, { claimId: args.id.id, reason: args.reason });
      return ctx.prisma.subsidyClaim.findUniqueOrThrow({ ...query, where: { id: c.id } });
    },
  }),
  closeClaimNotice: t.prismaField({
    type: SubsidyClaim,
    description: 'After the last day of the public notice: the claim is APPROVED for the sum of its accepted lines.',
    errors: { types: [DomainError] },
    args: { id: t.arg.globalID({ required: true, for: SubsidyClaim }) },
    resolve: async (query, _r, args, ctx) => {
      const c = await closeNotice(ctx.prisma, ctx.actor!, { claimId: args.id.id });
      return ctx.prisma.subsidyClaim.findUniqueOrThrow({ ...query, where: { id: c.id } });
    },
  }),
  payClaim: t.prismaField({
    type: SubsidyClaim,
    description: 'Pay an APPROVED claim (one payment, balanced ledger journals). Paying again changes nothing.',
    errors: { types: [DomainError] },
    args: { id: t.arg.globalID({ required: true, for: SubsidyClaim }), bankReference: t.arg.string({ required: true }) },
    resolve: async (query, _r, args, ctx) => {
      const p = await payClaim(ctx.prisma, ctx.actor!, { claimId: args.id.id, bankReference: args.bankReference });
      return ctx.prisma.subsidyClaim.findUniqueOrThrow({ ...query, where: { id: p.claimId } });
    },
  }),
}));

export { Payment };
