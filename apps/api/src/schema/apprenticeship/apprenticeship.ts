import { apprenticeshipScope, completeApprenticeship, createApprenticeship, terminateApprenticeship } from '@vtc/core';
import { DomainError } from '@vtc/domain';
import { z } from 'zod';
import { builder, pageArgs } from '../builder.ts';
import { Organization } from '../organization/organization.ts';
import { Person } from '../person/person.ts';
import { SkillLevelEnum } from '../shared/reference.ts';
import { scopedPerson } from '../shared/scoped.ts';
import { RealNamePersonInput, type RealNamePersonShape, toTraineeInput } from '../staff-training/staff-training.ts';

/**
 * 企业新型学徒制, the minimum the apprenticeship claims need: an enterprise registers an apprentice,
 * then completes or terminates the apprenticeship. Claims: `fileClaim(kind:
 * APPRENTICESHIP_PREPAYMENT | APPRENTICESHIP_SETTLEMENT, apprenticeshipIds, yearIndex)`.
 */
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');

const ApprenticeshipStatusEnum = builder.enumType('ApprenticeshipStatus', { values: ['DRAFT', 'ACTIVE', 'COMPLETED', 'TERMINATED'] as const });

export const Apprenticeship = builder.prismaNode('Apprenticeship', {
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: [apprenticeshipScope(ctx.actor)] }),
  fields: (t) => ({
    enterprise: t.relation('enterprise'),
    institution: t.relation('institution'),
    person: t.prismaField({
      type: Person,
      nullable: true,
      description: 'The apprentice, when the viewer may see them (personScope); null otherwise',
      resolve: (query, r, _a, ctx) => scopedPerson(ctx, r.personId, query),
    }),
    occupation: t.relation('occupation'),
    targetLevel: t.expose('targetLevel', { type: SkillLevelEnum }),
    region: t.relation('region'),
    mentorName: t.exposeString('mentorName'),
    startDate: t.expose('startDate', { type: 'Date' }),
    endDate: t.expose('endDate', { type: 'Date', description: 'Planned end; the termination date once TERMINATED' }),
    status: t.expose('status', { type: ApprenticeshipStatusEnum }),
    contractRef: t.exposeString('contractRef', { nullable: true }),
  }),
});

builder.queryFields((t) => ({
  apprenticeships: t.prismaConnection(
    {
      type: Apprenticeship,
      cursor: 'id',
      validate: pageArgs,
      args: { status: t.arg({ type: ApprenticeshipStatusEnum, required: false }) },
      resolve: (query, _r, args, ctx) =>
        ctx.prisma.apprenticeship.findMany({
          ...query,
          where: { AND: [apprenticeshipScope(ctx.actor), args.status ? { status: args.status } : {}] },
          orderBy: { id: 'asc' },
        }),
    },
    { name: 'ApprenticeshipConnection' },
    { name: 'ApprenticeshipEdge' },
  ),
}));

const ApprenticeshipInput = builder.inputType('ApprenticeshipInput', {
  fields: (t) => ({
    apprentice: t.field({ type: RealNamePersonInput, required: true }),
    institutionId: t.globalID({ required: true, for: Organization }),
    occupationCode: t.string({ required: true, validate: z.string().max(20) }),
    targetLevel: t.field({ type: SkillLevelEnum, required: true }),
    mentorName: t.string({ required: true, validate: z.string().max(60) }),
    startDate: t.string({ required: true, validate: date }),
    endDate: t.string({ required: true, validate: date }),
    contractRef: t.string({ required: false, validate: z.string().max(100) }),
  }),
});

builder.mutationFields((t) => ({
  createApprenticeship: t.prismaField({
    type: Apprenticeship,
    description: 'An enterprise registers an apprentice (by resident ID) with a training institution; ACTIVE from registration.',
    errors: { types: [DomainError] },
    args: { input: t.arg({ type: ApprenticeshipInput, required: true }) },
    resolve: async (query, _r, { input }, ctx) => {
      const a = await createApprenticeship(ctx.prisma, ctx.piiKeys, ctx.actor!, {
        apprentice: toTraineeInput(input.apprentice as RealNamePersonShape),
        institutionId: input.institutionId.id,
        occupationCode: input.occupationCode,
        targetLevel: input.targetLevel,
        mentorName: input.mentorName,
        startDate: input.startDate,
        endDate: input.endDate,
        contractRef: input.contractRef ?? null,
      });
      return ctx.prisma.apprenticeship.findUniqueOrThrow({ ...query, where: { id: a.id } });
    },
  }),
  completeApprenticeship: t.prismaField({
    type: Apprenticeship,
    errors: { types: [DomainError] },
    args: { id: t.arg.globalID({ required: true, for: Apprenticeship }) },
    resolve: async (query, _r, args, ctx) => {
      const a = await completeApprenticeship(ctx.prisma, ctx.actor!, { id: args.id.id });
      return ctx.prisma.apprenticeship.findUniqueOrThrow({ ...query, where: { id: a.id } });
    },
  }),
  terminateApprenticeship: t.prismaField({
    type: Apprenticeship,
    description: 'End an ACTIVE apprenticeship early; the date becomes its end date (a pre-payment for an unfinished year is clawed back at settlement).',
    errors: { types: [DomainError] },
    args: {
      id: t.arg.globalID({ required: true, for: Apprenticeship }),
      endedOn: t.arg.string({ required: true, validate: date }),
      reason: t.arg.string({ required: true, validate: z.string().max(500) }),
    },
    resolve: async (query, _r, args, ctx) => {
      const a = await terminateApprenticeship(ctx.prisma, ctx.actor!, { id: args.id.id, endedOn: args.endedOn, reason: args.reason });
      return ctx.prisma.apprenticeship.findUniqueOrThrow({ ...query, where: { id: a.id } });
    },
  }),
}));
