import {
  addClaimsToBatch,
  cancelPaymentBatch,
  confirmPaymentBatchPaid,
  createPaymentBatch,
  paymentBatchScope,
  removeClaimFromBatch,
  submitPaymentBatch,
} from '@vtc/core';
import { allowedPaymentBatchActions, DomainError, formatYuan } from '@vtc/domain';
import { builder, pageArgs } from '../builder.ts';
import { SubsidyClaim } from './claim.ts';

/**
 * Payment batches (拨付批次): a city bureau collects APPROVED claims of its region, submits the batch
 * to the bank (frozen) and confirms it paid with the bank reference; then every claim is PAID with
 * one payment and its ledger journal, in one transaction. Use cases in core/payment-batch.ts.
 */

const PaymentBatchStatusEnum = builder.enumType('PaymentBatchStatus', { values: ['OPEN', 'SUBMITTED', 'PAID', 'CANCELLED'] as const });
const PaymentBatchActionEnum = builder.enumType('PaymentBatchAction', { values: ['ADD_CLAIM', 'REMOVE_CLAIM', 'SUBMIT', 'CONFIRM_PAID', 'CANCEL'] as const });

export const PaymentBatch = builder.prismaNode('PaymentBatch', {
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: [paymentBatchScope(ctx.actor)] }),
  fields: (t) => ({
    number: t.exposeString('number'),
    region: t.relation('region'),
    status: t.expose('status', { type: PaymentBatchStatusEnum }),
    totalFen: t.int({ description: 'Whole fen (分)', select: { totalFen: true }, resolve: (b) => Number(b.totalFen) }),
    totalYuan: t.string({ select: { totalFen: true }, resolve: (b) => formatYuan(Number(b.totalFen)) }),
    claimCount: t.exposeInt('claimCount'),
    bankReference: t.exposeString('bankReference', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    submittedAt: t.expose('submittedAt', { type: 'DateTime', nullable: true }),
    paidAt: t.expose('paidAt', { type: 'DateTime', nullable: true }),
    allowedActions: t.field({ type: [PaymentBatchActionEnum], select: { status: true }, resolve: (b) => allowedPaymentBatchActions(b.status) }),
    payments: t.relation('payments', { query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } }),
  }),
});

builder.prismaObjectField('Payment', 'claim', (t) => t.relation('claim'));
builder.prismaObjectField('Payment', 'batch', (t) => t.relation('batch', { nullable: true }));

builder.queryFields((t) => ({
  paymentBatches: t.prismaConnection(
    {
      type: PaymentBatch,
      cursor: 'id',
      validate: pageArgs,
      args: { status: t.arg({ type: PaymentBatchStatusEnum, required: false }) },
      resolve: (query, _r, args, ctx) =>
        ctx.prisma.paymentBatch.findMany({
          ...query,
          where: { AND: [paymentBatchScope(ctx.actor), args.status ? { status: args.status } : {}] },
          orderBy: { id: 'asc' },
        }),
    },
    { name: 'PaymentBatchConnection' },
    { name: 'PaymentBatchEdge' },
  ),
}));

builder.mutationFields((t) => ({
  createPaymentBatch: t.prismaField({
    type: PaymentBatch,
    description: "A city bureau opens a payment batch for its region (regionCode only when acting for several).",
    errors: { types: [DomainError] },
    args: { regionCode: t.arg.string({ required: false }) },
    resolve: async (query, _r, args, ctx) => {
      const b = await createPaymentBatch(ctx.prisma, ctx.actor!, { regionCode: args.regionCode ?? null });
      return ctx.prisma.paymentBatch.findUniqueOrThrow({ ...query, where: { id: b.id } });
    },
  }),
  addClaimsToPaymentBatch: t.prismaField({
    type: PaymentBatch,
    description: 'Add APPROVED claims (notice closed, something to pay, in no other batch) to an OPEN batch; all or nothing.',
    errors: { types: [DomainError] },
    args: { id: t.arg.globalID({ required: true, for: PaymentBatch }), claimIds: t.arg.globalIDList({ required: true, for: SubsidyClaim }) },
    resolve: async (query, _r, args, ctx) => {
      const b = await addClaimsToBatch(ctx.prisma, ctx.actor!, { batchId: args.id.id, claimIds: args.claimIds.map((c) => c.id) });
      return ctx.prisma.paymentBatch.findUniqueOrThrow({ ...query, where: { id: b.id } });
    },
  }),
  removeClaimFromPaymentBatch: t.prismaField({
    type: PaymentBatch,
    description: 'Take a claim out of an OPEN batch; it may join another batch.',
    errors: { types: [DomainError] },
    args: { id: t.arg.globalID({ required: true, for: PaymentBatch }), claimId: t.arg.globalID({ required: true, for: SubsidyClaim }) },
    resolve: async (query, _r, args, ctx) => {
      const b = await removeClaimFromBatch(ctx.prisma, ctx.actor!, { batchId: args.id.id, claimId: args.claimId.id });
      return ctx.prisma.paymentBatch.findUniqueOrThrow({ ...query, where: { id: b.id } });
    },
  }),
  submitPaymentBatch: t.prismaField({
    type: PaymentBatch,
    description: 'Submit the batch to the bank; it is frozen from then on.',
    errors: { types: [DomainError] },
    args: { id: t.arg.globalID({ required: true, for: PaymentBatch }) },
    resolve: async (query, _r, args, ctx) => {
      const b = await submitPaymentBatch(ctx.prisma, ctx.actor!, { batchId: args.id.id });
      return ctx.prisma.paymentBatch.findUniqueOrThrow({ ...query, where: { id: b.id } });
    },
  }),
  confirmPaymentBatchPaid: t.prismaField({
    type: PaymentBatch,
    description: 'The bank paid the batch: every claim PAID with its payment and ledger journal. Again with the same reference changes nothing.',
    errors: { types: [DomainError] },
    args: { id: t.arg.globalID({ required: true, for: PaymentBatch }), bankReference: t.arg.string({ required: true }) },
    resolve: async (query, _r, args, ctx) => {
      const b = await confirmPaymentBatchPaid(ctx.prisma, ctx.actor!, { batchId: args.id.id, bankReference: args.bankReference });
      return ctx.prisma.paymentBatch.findUniqueOrThrow({ ...query, where: { id: b.id } });
    },
  }),
  cancelPaymentBatch: t.prismaField({
    type: PaymentBatch,
    description: 'Cancel an OPEN or SUBMITTED batch with a reason; its claims are released.',
    errors: { types: [DomainError] },
    args: { id: t.arg.globalID({ required: true, for: PaymentBatch }), reason: t.arg.string({ required: true }) },
    resolve: async (query, _r, args, ctx) => {
      const b = await cancelPaymentBatch(ctx.prisma, ctx.actor!, { batchId: args.id.id, reason: args.reason });
      return ctx.prisma.paymentBatch.findUniqueOrThrow({ ...query, where: { id: b.id } });
    },
  }),
}));
