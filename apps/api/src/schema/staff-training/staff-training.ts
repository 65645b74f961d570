import { addStaffTrainingParticipants, completeStaffTrainingBatch, createStaffTrainingBatch, personScope, staffTrainingBatchScope } from '@vtc/core';
import { DomainError, ENTERPRISE_TRAINING_KINDS, HOUSEHOLD_TYPES } from '@vtc/domain';
import { z } from 'zod';
import { builder, pageArgs } from '../builder.ts';
import { Person } from '../person/person.ts';
import { scopedPerson } from '../shared/scoped.ts';

/**
 * Enterprise staff training (企业职工岗前、安全技能、转岗转业培训): batches, their participants by
 * resident ID, completion with attended hours. The ENTERPRISE_TRAINING claim is filed with
 * `fileClaim(kind: ENTERPRISE_TRAINING, batchId)`.
 */
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');

export const StaffTrainingKindEnum = builder.enumType('StaffTrainingKind', { values: ENTERPRISE_TRAINING_KINDS });
const StaffTrainingStatusEnum = builder.enumType('StaffTrainingStatus', { values: ['DRAFT', 'COMPLETED', 'CANCELLED'] as const });

/** A real-name person given by resident ID (staff, apprentices): the same ID anywhere is the same person. */
export const RealNamePersonInput = builder.inputType('RealNamePersonInput', {
  fields: (t) => ({
    name: t.string({ required: true, validate: z.string().max(60) }),
    idNumber: t.string({ required: true, description: 'Resident ID number (GB 11643), 18 characters', validate: z.string().max(30) }),
    phone: t.string({ required: false, validate: z.string().max(30) }),
    householdType: t.string({ required: false, description: `${HOUSEHOLD_TYPES.join(' | ')} (or 城镇/农村)`, validate: z.string().max(10) }),
    priorityGroups: t.stringList({ required: false, validate: z.array(z.string().max(30)).max(9) }),
  }),
});

export type RealNamePersonShape = { name: string; idNumber: string; phone?: string | null; householdType?: string | null; priorityGroups?: string[] | null };

export function toTraineeInput(p: RealNamePersonShape) {
  return { name: p.name, idNumber: p.idNumber, phone: p.phone ?? null, householdType: p.householdType ?? null, priorityGroups: p.priorityGroups ?? [] };
}

builder.prismaObject('StaffTrainingParticipant', {
  fields: (t) => ({
    id: t.exposeID('id'),
    person: t.prismaField({
      type: Person,
      nullable: true,
      description: 'The participant, when the viewer may see them (personScope); null otherwise',
      resolve: (query, r, _a, ctx) => scopedPerson(ctx, r.personId, query),
    }),
    attendedHours: t.exposeInt('attendedHours', { nullable: true }),
    completed: t.exposeBoolean('completed'),
  }),
});

export const StaffTrainingBatch = builder.prismaNode('StaffTrainingBatch', {
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: [staffTrainingBatchScope(ctx.actor)] }),
  fields: (t) => ({
    number: t.exposeString('number'),
    enterprise: t.relation('enterprise'),
    region: t.relation('region'),
    trainingKind: t.expose('trainingKind', { type: StaffTrainingKindEnum }),
    occupation: t.relation('occupation', { nullable: true }),
    title: t.exposeString('title'),
    startDate: t.expose('startDate', { type: 'Date' }),
    endDate: t.expose('endDate', { type: 'Date' }),
    hours: t.exposeInt('hours'),
    status: t.expose('status', { type: StaffTrainingStatusEnum }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    participants: t.relation('participants', {
      description: 'Participants the viewer may see (a participant sees themself only)',
      query: (_a, ctx) => ({ where: { person: personScope(ctx.actor) }, orderBy: [{ personId: 'asc' }] }),
    }),
  }),
});

builder.queryFields((t) => ({
  staffTrainingBatches: t.prismaConnection(
    {
      type: StaffTrainingBatch,
      cursor: 'id',
      validate: pageArgs,
      description: "Staff-training batches the viewer may see: an enterprise's own, a bureau's region and below.",
      args: { status: t.arg({ type: StaffTrainingStatusEnum, required: false }) },
      resolve: (query, _r, args, ctx) =>
        ctx.prisma.staffTrainingBatch.findMany({
          ...query,
          where: { AND: [staffTrainingBatchScope(ctx.actor), args.status ? { status: args.status } : {}] },
          orderBy: { id: 'asc' },
        }),
    },
    { name: 'StaffTrainingBatchConnection' },
    { name: 'StaffTrainingBatchEdge' },
  ),
}));

const StaffTrainingBatchInput = builder.inputType('StaffTrainingBatchInput', {
  fields: (t) => ({
    trainingKind: t.field({ type: StaffTrainingKindEnum, required: true }),
    title: t.string({ required: true, validate: z.string().max(200) }),
    startDate: t.string({ required: true, validate: date }),
    endDate: t.string({ required: true, validate: date }),
    hours: t.int({ required: true }),
    occupationCode: t.string({ required: false, validate: z.string().max(20) }),
  }),
});

const ParticipantResultInput = builder.inputType('StaffTrainingResultInput', {
  fields: (t) => ({
    personId: t.globalID({ required: true, for: Person }),
    attendedHours: t.int({ required: true }),
    completed: t.boolean({ required: true }),
  }),
});

builder.mutationFields((t) => ({
  createStaffTrainingBatch: t.prismaField({
    type: StaffTrainingBatch,
    description: 'An enterprise records a staff-training batch (pre-job, safety skills, job transfer); it starts as DRAFT.',
    errors: { types: [DomainError] },
    args: { input: t.arg({ type: StaffTrainingBatchInput, required: true }) },
    resolve: async (query, _r, { input }, ctx) => {
      const b = await createStaffTrainingBatch(ctx.prisma, ctx.actor!, {
        trainingKind: input.trainingKind,
        title: input.title,
        startDate: input.startDate,
        endDate: input.endDate,
        hours: input.hours,
        occupationCode: input.occupationCode ?? null,
      });
      return ctx.prisma.staffTrainingBatch.findUniqueOrThrow({ ...query, where: { id: b.id } });
    },
  }),
  addStaffTrainingParticipants: t.prismaField({
    type: StaffTrainingBatch,
    description: 'Add staff to a DRAFT batch by resident ID; any bad row refuses the whole call, naming the row.',
    errors: { types: [DomainError] },
    args: {
      batchId: t.arg.globalID({ required: true, for: StaffTrainingBatch }),
      participants: t.arg({ type: [RealNamePersonInput], required: true, validate: z.array(z.any()).min(1).max(1_000) }),
    },
    resolve: async (query, _r, args, ctx) => {
      const r = await addStaffTrainingParticipants(ctx.prisma, ctx.piiKeys, ctx.actor!, {
        batchId: args.batchId.id,
        participants: (args.participants as RealNamePersonShape[]).map(toTraineeInput),
      });
      return ctx.prisma.staffTrainingBatch.findUniqueOrThrow({ ...query, where: { id: r.batchId } });
    },
  }),
  completeStaffTrainingBatch: t.prismaField({
    type: StaffTrainingBatch,
    description: "Complete a DRAFT batch with every participant's attended hours and completion.",
    errors: { types: [DomainError] },
    args: {
      batchId: t.arg.globalID({ required: true, for: StaffTrainingBatch }),
      results: t.arg({ type: [ParticipantResultInput], required: true, validate: z.array(z.any()).min(1).max(10_000) }),
    },
    resolve: async (query, _r, args, ctx) => {
      const b = await completeStaffTrainingBatch(ctx.prisma, ctx.actor!, {
        batchId: args.batchId.id,
        results: args.results.map((r) => ({ personId: r.personId.id, attendedHours: r.attendedHours, completed: r.completed })),
      });
      return ctx.prisma.staffTrainingBatch.findUniqueOrThrow({ ...query, where: { id: b.id } });
    },
  }),
}));
