import {
  approveClaim,
  calendarDays,
  claimScope,
  closeNotice,
  hasRole,
  ledgerBalances,
  organizationBalance,
  type PartyBalance,
  payClaim,
  personBalance,
  recordObjection,
  rejectClaim,
  resolveObjection,
  reviewClaim,
  upsertCalendarDays,
} from '@vtc/core';
import { allowedClaimActions, DomainError, formatYuan } from '@vtc/domain';
import { builder } from '../builder.ts';
import { Organization } from '../organization/organization.ts';
import { Person } from '../person/person.ts';
import { SubsidyClaim } from './claim.ts';

/**
 * The review of a subsidy claim: county review of every line, city approval and public notice (公示)
 * counted in working days of the holiday calendar, objections during the notice, closing the notice,
 * and payment with its ledger; balances per organization and per person. Each mutation is one
 * audited use case in core. (Payment batches: payment-batch.ts.)
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

const PartyBalanceType = builder.objectRef<PartyBalance>('PartyBalance').implement({
  description: 'Ledger balance of an organization (as claimant) or a person, summed from the entries the caller may see',
  fields: (t) => ({
    accounts: t.field({ type: [LedgerBalance], resolve: (b) => b.accounts }),
    approvedFen: t.int({ description: 'Approved, net of claw-backs (fen)', resolve: (b) => Number(b.approvedFen) }),
    paidFen: t.int({ description: 'Paid (fen)', resolve: (b) => Number(b.paidFen) }),
    outstandingFen: t.int({ description: 'Approved minus paid: above zero still owed, below zero a receivable (claw-back) (fen)', resolve: (b) => Number(b.outstandingFen) }),
  }),
});

const ObjectionStatusEnum = builder.enumType('ObjectionStatus', { values: ['OPEN', 'UPHELD', 'DISMISSED'] as const });
const ObjectionOutcomeEnum = builder.enumType('ObjectionOutcome', { values: ['UPHELD', 'DISMISSED'] as const });

const ClaimObjection = builder.prismaNode('ClaimObjection', {
  id: { field: 'id' },
  nullable: true,
  description: '公示异议: an objection raised during the public notice, against the claim or one line',
  findUnique: (id, ctx) => ({ id, claim: claimScope(ctx.actor) }),
  fields: (t) => ({
    claim: t.relation('claim'),
    line: t.relation('line', { nullable: true }),
    raisedByName: t.string({
      nullable: true,
      description: 'Who objected: shown to bureaus only (null for the claimant), so nobody is pressed over an objection',
      select: { raisedByName: true },
      resolve: (o, _a, ctx) => (hasRole(ctx.actor, 'BUREAU_OFFICER', 'SYSTEM_ADMIN') ? o.raisedByName : null),
    }),
    raisedByContact: t.string({
      nullable: true,
      description: 'Bureaus only',
      select: { raisedByContact: true },
      resolve: (o, _a, ctx) => (hasRole(ctx.actor, 'BUREAU_OFFICER', 'SYSTEM_ADMIN') ? o.raisedByContact : null),
    }),
    reason: t.exposeString('reason'),
    status: t.expose('status', { type: ObjectionStatusEnum }),
    resolution: t.exposeString('resolution', { nullable: true }),
    raisedAt: t.expose('raisedAt', { type: 'DateTime' }),
    resolvedAt: t.expose('resolvedAt', { type: 'DateTime', nullable: true }),
  }),
});

const CalendarDay = builder.prismaObject('CalendarDay', {
  description: 'A day of the working-day calendar: a holiday (workday false) or a weekend made a working day (调休, workday true)',
  fields: (t) => ({
    date: t.expose('date', { type: 'Date' }),
    workday: t.exposeBoolean('workday'),
    name: t.exposeString('name'),
    source: t.exposeString('source', { nullable: true }),
  }),
});

const CalendarUpdate = builder.objectRef<{ set: number; removed: number }>('CalendarUpdate').implement({
  fields: (t) => ({ set: t.exposeInt('set'), removed: t.exposeInt('removed') }),
});

const CalendarDayInput = builder.inputType('CalendarDayInput', {
  fields: (t) => ({
    date: t.string({ required: true, description: 'YYYY-MM-DD' }),
    workday: t.boolean({ required: true, description: 'false: a day off; true: a Saturday or Sunday made a working day (调休)' }),
    name: t.string({ required: true, description: 'e.g. 春节, 国庆节调休上班 (1–50 characters)' }),
    source: t.string({ required: false, description: 'The notice it comes from (up to 200 characters)' }),
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
  objections: t.relation('objections', { query: { orderBy: [{ raisedAt: 'asc' }, { id: 'asc' }] } }),
}));

builder.queryFields((t) => ({
  calendarDays: t.prismaField({
    type: [CalendarDay],
    description: 'Holidays and make-up working days between two dates (inclusive; at most two years)',
    args: { from: t.arg.string({ required: true }), to: t.arg.string({ required: true }) },
    resolve: (_q, _r, args, ctx) => calendarDays(ctx.prisma, args),
  }),
  organizationBalance: t.field({
    type: PartyBalanceType,
    description: "An organization's ledger balance as claimant: the institution or enterprise its own, a bureau the claims of its region",
    errors: { types: [DomainError] },
    args: { organizationId: t.arg.globalID({ required: true, for: Organization }) },
    resolve: (_r, args, ctx) => organizationBalance(ctx.prisma, ctx.actor!, args.organizationId.id),
  }),
  personBalance: t.field({
    type: PartyBalanceType,
    description: "A person's ledger balance, from the entries of claim lines about them (and claims they file themself) the caller may see",
    errors: { types: [DomainError] },
    args: { personId: t.arg.globalID({ required: true, for: Person }) },
    resolve: (_r, args, ctx) => personBalance(ctx.prisma, ctx.actor!, args.personId.id),
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

builder.mutationFields((t) => ({
  recordClaimObjection: t.prismaField({
    type: ClaimObjection,
    description: 'A bureau covering the claim records an objection raised during its public notice (against the claim, or one line).',
    errors: { types: [DomainError] },
    args: {
      claimId: t.arg.globalID({ required: true, for: SubsidyClaim }),
      lineId: t.arg.id({ required: false, description: 'The line objected to; none = the whole claim' }),
      raisedByName: t.arg.string({ required: true, description: 'Who objects (1–50 characters)' }),
      raisedByContact: t.arg.string({ required: false }),
      reason: t.arg.string({ required: true, description: '2–500 characters' }),
    },
    resolve: async (query, _r, args, ctx) => {
      const o = await recordObjection(ctx.prisma, ctx.actor!, {
        claimId: args.claimId.id,
        lineId: args.lineId === null || args.lineId === undefined ? null : String(args.lineId),
        raisedByName: args.raisedByName,
        raisedByContact: args.raisedByContact ?? null,
        reason: args.reason,
      });
      return ctx.prisma.claimObjection.findUniqueOrThrow({ ...query, where: { id: o.id } });
    },
  }),
  resolveClaimObjection: t.prismaField({
    type: ClaimObjection,
    description: 'UPHELD rejects the line (or the whole claim) with the objection as reason; DISMISSED needs a resolution text.',
    errors: { types: [DomainError] },
    args: {
      id: t.arg.globalID({ required: true, for: ClaimObjection }),
      outcome: t.arg({ type: ObjectionOutcomeEnum, required: true }),
      resolution: t.arg.string({ required: false, description: 'Required to dismiss (2–500 characters)' }),
    },
    resolve: async (query, _r, args, ctx) => {
      const o = await resolveObjection(ctx.prisma, ctx.actor!, { objectionId: args.id.id, outcome: args.outcome, resolution: args.resolution ?? null });
      return ctx.prisma.claimObjection.findUniqueOrThrow({ ...query, where: { id: o.id } });
    },
  }),
  setCalendarDays: t.field({
    type: CalendarUpdate,
    description: 'An administrator or a province bureau sets holidays and make-up working days (and removes wrong ones); audited.',
    errors: { types: [DomainError] },
    args: {
      days: t.arg({ type: [CalendarDayInput], required: true }),
      removeDates: t.arg.stringList({ required: false }),
    },
    resolve: (_r, args, ctx) =>
      upsertCalendarDays(ctx.prisma, ctx.actor!, {
        days: args.days.map((d) => ({ date: d.date, workday: d.workday, name: d.name, source: d.source ?? null })),
        removeDates: args.removeDates ?? [],
      }),
  }),
}));

export { Payment };
