import { ageOn, HOUSEHOLD_TYPES, isoDate, maskPhone, PRIORITY_GROUP_NAMES, PRIORITY_GROUPS } from '@vtc/domain';
import { enrollmentScope, personScope, revealIdNumber } from '@vtc/core';
import { DomainError } from '@vtc/domain';
import { z } from 'zod';
import { builder, pageArgs } from '../builder.ts';

export const SexEnum = builder.enumType('Sex', { values: ['MALE', 'FEMALE'] as const });
export const HouseholdTypeEnum = builder.enumType('HouseholdType', { values: HOUSEHOLD_TYPES });
export const PriorityGroupEnum = builder.enumType('PriorityGroup', {
  values: Object.fromEntries(PRIORITY_GROUPS.map((g) => [g, { description: PRIORITY_GROUP_NAMES[g] }])) as Record<
    (typeof PRIORITY_GROUPS)[number],
    { description: string }
  >,
});

/** A real-name trainee. The ID number is always masked here; see `revealIdNumber`. */
export const Person = builder.prismaNode('Person', {
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: [personScope(ctx.actor)] }),
  fields: (t) => ({
    name: t.exposeString('name'),
    idNumber: t.exposeString('idNumberMasked', {
      description: 'Resident ID number, masked: first 6 and last 4 characters visible',
    }),
    sex: t.expose('sex', { type: SexEnum }),
    age: t.int({
      select: { birthDate: true },
      resolve: (p) => ageOn(isoDate(p.birthDate), new Date()),
    }),
    phone: t.string({ nullable: true, select: { phone: true }, resolve: (p) => maskPhone(p.phone) }),
    householdType: t.expose('householdType', { type: HouseholdTypeEnum, nullable: true }),
    priorityGroups: t.expose('priorityGroups', { type: [PriorityGroupEnum] }),
    enrollments: t.relation('enrollments', {
      query: (_args, ctx) => ({ where: enrollmentScope(ctx.actor), orderBy: { createdAt: 'desc' } }),
    }),
  }),
});

builder.queryFields((t) => ({
  trainees: t.prismaConnection({
    validate: pageArgs,
    type: Person,
    cursor: 'id',
    description: 'Trainees the viewer may see (enrolled in its classes, or in classes in its region and below).',
    args: { name: t.arg.string({ required: false, validate: z.string().max(50) }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.person.findMany({
        ...query,
        where: { AND: [personScope(ctx.actor), args.name ? { name: { contains: args.name } } : {}] },
        orderBy: { id: 'asc' },
      }),
  }, { name: 'TraineeConnection' }, { name: 'TraineeEdge' }),
}));

const RevealIdNumberPayload = builder.objectRef<{ personId: string; idNumber: string }>('RevealIdNumberPayload').implement({
  fields: (t) => ({ personId: t.exposeID('personId'), idNumber: t.exposeString('idNumber') }),
});

builder.mutationFields((t) => ({
  revealIdNumber: t.field({
    type: RevealIdNumberPayload,
    description: 'Read a full resident ID number. Needs a role allowed to; every read is audited with its reason.',
    errors: { types: [DomainError] },
    args: {
      personId: t.arg.globalID({ required: true, for: Person }),
      reason: t.arg.string({ required: true, validate: z.string().trim().min(2).max(200) }),
    },
    resolve: async (_root, args, ctx) => ({
      personId: args.personId.id,
      idNumber: await revealIdNumber(ctx.prisma, ctx.piiKeys, ctx.actor!, args.personId.id, args.reason),
    }),
  }),
}));

