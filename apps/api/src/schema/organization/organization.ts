import { classScope, organizationReadScope } from '@vtc/core';
import { builder, pageArgs } from '../builder.ts';

export const OrganizationKindEnum = builder.enumType('OrganizationKind', {
  values: ['TRAINING_INSTITUTION', 'VOCATIONAL_COLLEGE', 'EVALUATION_BODY', 'ENTERPRISE', 'HR_BUREAU'] as const,
});
export const OrganizationStatusEnum = builder.enumType('OrganizationStatus', {
  values: ['PENDING_REVIEW', 'ACTIVE', 'SUSPENDED', 'REVOKED'] as const,
});

export const Organization = builder.prismaNode('Organization', {
  id: { field: 'id' },
  nullable: true,
  // node(id) applies the same visibility as the organizations list and every relation to an organization.
  findUnique: (id, ctx) => ({ id, AND: [organizationReadScope(ctx.actor)] }),
  fields: (t) => ({
    name: t.exposeString('name'),
    kind: t.expose('kind', { type: OrganizationKindEnum }),
    creditCode: t.exposeString('creditCode', { description: 'Unified social credit code (GB 32100)' }),
    creditCodeNeedsReview: t.boolean({ resolve: (o) => o.creditCodeCheck === 'NEEDS_REVIEW' }),
    status: t.expose('status', { type: OrganizationStatusEnum }),
    region: t.relation('region'),
    address: t.exposeString('address', { nullable: true }),
    classes: t.relatedConnection('classes', {
      validate: pageArgs,
      cursor: 'id',
      query: (_args, ctx) => ({ where: classScope(ctx.actor), orderBy: { createdAt: 'desc' } }),
    }),
  }),
});

builder.queryFields((t) => ({
  organizations: t.prismaConnection({
    validate: pageArgs,
    type: Organization,
    cursor: 'id',
    description: 'Organizations the viewer may see: its own, those in its region and below, and those it works with (the institution, evaluation body, enterprise, issuer or claimant of a record it sees).',
    args: { kind: t.arg({ type: OrganizationKindEnum, required: false }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.organization.findMany({
        ...query,
        where: { AND: [organizationReadScope(ctx.actor), args.kind ? { kind: args.kind } : {}] },
        orderBy: { id: 'asc' },
      }),
  }, { name: 'OrganizationConnection' }, { name: 'OrganizationEdge' }),
}));
