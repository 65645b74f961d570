import { enrollTrainee, fileClass, transitionClass, updateClass, withdrawEnrollment, type ClassInput as CoreClassInput } from '@vtc/core';
import { DomainError, HOUSEHOLD_TYPES, type SkillLevel } from '@vtc/domain';
import { z } from 'zod';
import { builder } from '../builder.ts';
import { Enrollment, TrainingClass, TrainingModeEnum, TrainingTypeEnum } from './training-class.ts';
import { Occupation, SkillLevelEnum } from '../shared/reference.ts';

/**
 * Class filing (开班备案) and the class life cycle, plus real-name enrollment. Resolvers only map
 * arguments: the rules are in domain (state machine, plan checks, trainee validation) and the writes
 * in core use cases.
 */
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');

const TeacherInput = builder.inputType('TeacherInput', {
  fields: (t) => ({
    name: t.string({ required: true, validate: z.string().trim().min(1).max(30) }),
    certificateNo: t.string({ required: false, validate: z.string().max(50) }),
    subject: t.string({ required: false, validate: z.string().max(50) }),
  }),
});

const ClassInput = builder.inputType('ClassInput', {
  fields: (t) => ({
    name: t.string({ required: true, validate: z.string().trim().min(2).max(100) }),
    occupationId: t.globalID({ required: true, for: Occupation }),
    level: t.field({ type: SkillLevelEnum, required: false }),
    trainingType: t.field({ type: TrainingTypeEnum, required: true }),
    mode: t.field({ type: TrainingModeEnum, required: true }),
    plannedHours: t.int({ required: true, validate: z.number().int().min(1).max(2000) }),
    startDate: t.string({ required: true, validate: date }),
    endDate: t.string({ required: true, validate: date }),
    venue: t.string({ required: true, validate: z.string().trim().min(2).max(200) }),
    teachers: t.field({ type: [TeacherInput], required: true, validate: z.array(z.any()).min(1).max(50) }),
    capacity: t.int({ required: true, validate: z.number().int().min(1).max(100_000) }),
    teachingPlan: t.string({ required: false, validate: z.string().max(20_000) }),
    assessmentPlan: t.string({ required: false, validate: z.string().max(20_000) }),
    labourBrandId: t.globalID({ required: false }),
    trainingOrderId: t.globalID({ required: false }),
    lateFilingReason: t.string({
      required: false,
      description: 'Required when the class period ended before today (备案补录): why it is filed late, 10–500 characters; the bureau must acknowledge it',
      validate: z.string().max(2000),
    }),
  }),
});

type ClassInputShape = {
  name: string;
  occupationId: { id: string };
  level?: SkillLevel | null;
  trainingType: CoreClassInput['trainingType'];
  mode: CoreClassInput['mode'];
  plannedHours: number;
  startDate: string;
  endDate: string;
  venue: string;
  teachers: Array<{ name: string; certificateNo?: string | null; subject?: string | null }>;
  capacity: number;
  teachingPlan?: string | null;
  assessmentPlan?: string | null;
  labourBrandId?: { id: string } | null;
  trainingOrderId?: { id: string } | null;
  lateFilingReason?: string | null;
};

function toCore(i: ClassInputShape): CoreClassInput {
  return {
    name: i.name,
    occupationId: i.occupationId.id,
    level: i.level ?? null,
    trainingType: i.trainingType,
    mode: i.mode,
    plannedHours: i.plannedHours,
    startDate: i.startDate,
    endDate: i.endDate,
    venue: i.venue,
    teachers: i.teachers,
    capacity: i.capacity,
    teachingPlan: i.teachingPlan ?? null,
    assessmentPlan: i.assessmentPlan ?? null,
    labourBrandId: i.labourBrandId?.id ?? null,
    trainingOrderId: i.trainingOrderId?.id ?? null,
    lateFilingReason: i.lateFilingReason ?? null,
  };
}

const reason = z.string().trim().min(2).max(500);

const TraineeInput = builder.inputType('TraineeInput', {
  description: 'A real-name trainee. The same ID number anywhere in the system is the same person.',
  fields: (t) => ({
    name: t.string({ required: true, validate: z.string().max(60) }),
    idNumber: t.string({ required: true, description: 'Resident ID number (GB 11643), 18 characters', validate: z.string().max(30) }),
    phone: t.string({ required: false, validate: z.string().max(30) }),
    householdType: t.string({ required: false, description: `${HOUSEHOLD_TYPES.join(' | ')} (or 城镇/农村)`, validate: z.string().max(10) }),
    priorityGroups: t.stringList({ required: false, validate: z.array(z.string().max(30)).max(9) }),
  }),
});

const EnrollPayload = builder.objectRef<{ enrollmentId: string; personCreated: boolean }>('EnrollPayload').implement({
  fields: (t) => ({
    enrollment: t.prismaField({
      type: Enrollment,
      resolve: (query, p, _a, ctx) => ctx.prisma.enrollment.findUniqueOrThrow({ ...query, where: { id: p.enrollmentId } }),
    }),
    personCreated: t.exposeBoolean('personCreated', { description: 'false when the ID number was already registered (the person is reused)' }),
  }),
});

const WithdrawPayload = builder.objectRef<{ enrollmentId: string; removed: boolean }>('WithdrawPayload').implement({
  fields: (t) => ({
    enrollmentId: t.exposeID('enrollmentId'),
    removed: t.exposeBoolean('removed', { description: 'true: removed from a roster not yet approved; false: marked WITHDRAWN' }),
  }),
});

const classResult = (action: 'SUBMIT' | 'APPROVE' | 'REJECT' | 'START' | 'CANCEL', withReason: boolean, acknowledgeLateFiling = false) =>
  builder.mutationField(`${action.toLowerCase()}Class`, (t) =>
    t.prismaField({
      type: TrainingClass,
      errors: { types: [DomainError] },
      args: {
        id: t.arg.globalID({ required: true, for: TrainingClass }),
        ...(withReason ? { reason: t.arg.string({ required: true, validate: reason }) } : {}),
        ...(acknowledgeLateFiling
          ? { acknowledgeLateFiling: t.arg.boolean({ required: false, description: 'Approving a late filing: true after reading its lateFilingReason (required then)' }) }
          : {}),
      },
      resolve: async (query, _r, args, ctx) => {
        const updated = await transitionClass(ctx.prisma, ctx.actor!, {
          classId: args.id.id,
          action,
          reason: (args as { reason?: string }).reason ?? null,
          acknowledgeLateFiling: (args as { acknowledgeLateFiling?: boolean | null }).acknowledgeLateFiling ?? false,
        });
        return ctx.prisma.trainingClass.findUniqueOrThrow({ ...query, where: { id: updated.id } });
      },
    }),
  );

classResult('SUBMIT', false);
classResult('APPROVE', false, true);
classResult('REJECT', true);
classResult('START', false);
classResult('CANCEL', true);

builder.mutationFields((t) => ({
  fileClass: t.prismaField({
    type: TrainingClass,
    description: 'An institution files a new class (DRAFT). Submit it with submitClass once the roster is in.',
    errors: { types: [DomainError] },
    args: { input: t.arg({ type: ClassInput, required: true }) },
    resolve: async (query, _r, { input }, ctx) => {
      const created = await fileClass(ctx.prisma, ctx.actor!, toCore(input as ClassInputShape));
      return ctx.prisma.trainingClass.findUniqueOrThrow({ ...query, where: { id: created.id } });
    },
  }),
  updateClass: t.prismaField({
    type: TrainingClass,
    errors: { types: [DomainError] },
    args: { id: t.arg.globalID({ required: true, for: TrainingClass }), input: t.arg({ type: ClassInput, required: true }) },
    resolve: async (query, _r, { id, input }, ctx) => {
      const updated = await updateClass(ctx.prisma, ctx.actor!, id.id, toCore(input as ClassInputShape));
      return ctx.prisma.trainingClass.findUniqueOrThrow({ ...query, where: { id: updated.id } });
    },
  }),
  enrollTrainee: t.field({
    type: EnrollPayload,
    description: 'Register (or find, by ID number) a trainee and put them on the roster of a DRAFT or REJECTED class.',
    errors: { types: [DomainError] },
    args: { classId: t.arg.globalID({ required: true, for: TrainingClass }), trainee: t.arg({ type: TraineeInput, required: true }) },
    resolve: async (_r, args, ctx) => {
      const r = await enrollTrainee(ctx.prisma, ctx.piiKeys, ctx.actor!, {
        classId: args.classId.id,
        trainee: {
          name: args.trainee.name,
          idNumber: args.trainee.idNumber,
          phone: args.trainee.phone ?? null,
          householdType: args.trainee.householdType ?? null,
          priorityGroups: args.trainee.priorityGroups ?? [],
        },
      });
      return { enrollmentId: r.enrollment.id, personCreated: r.personCreated };
    },
  }),
  withdrawEnrollment: t.field({
    type: WithdrawPayload,
    errors: { types: [DomainError] },
    args: { enrollmentId: t.arg.globalID({ required: true, for: Enrollment }), reason: t.arg.string({ required: true, validate: reason }) },
    resolve: (_r, args, ctx) => withdrawEnrollment(ctx.prisma, ctx.actor!, { enrollmentId: args.enrollmentId.id, reason: args.reason }),
  }),
}));
