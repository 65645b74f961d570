import { classScope, enrollmentScope } from '@vtc/core';
import { builder, pageArgs } from './builder.ts';
import { SkillLevelEnum } from './reference.ts';

export const ClassStatusEnum = builder.enumType('ClassStatus', {
  values: ['DRAFT', 'SUBMITTED', 'APPROVED', 'REJECTED', 'IN_PROGRESS', 'COMPLETED', 'SETTLED', 'CANCELLED'] as const,
});
export const TrainingTypeEnum = builder.enumType('TrainingType', {
  values: {
    EMPLOYMENT_SKILLS: { description: '就业技能培训' },
    JOB_SKILL_UPGRADE: { description: '岗位技能提升培训' },
    ENTREPRENEURSHIP: { description: '创业培训' },
  } as const,
});
export const TrainingModeEnum = builder.enumType('TrainingMode', {
  values: {
    STANDARD: { description: '普惠制' },
    ORDER_BASED: { description: '订单式' },
    PROJECT_BASED: { description: '项目制' },
  } as const,
});
export const EnrollmentStatusEnum = builder.enumType('EnrollmentStatus', {
  values: ['ENROLLED', 'COMPLETED', 'FAILED', 'WITHDRAWN'] as const,
});

export const TrainingClass = builder.prismaNode('TrainingClass', {
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: [classScope(ctx.actor)] }),
  fields: (t) => ({
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    status: t.expose('status', { type: ClassStatusEnum }),
    trainingType: t.expose('trainingType', { type: TrainingTypeEnum }),
    mode: t.expose('mode', { type: TrainingModeEnum }),
    level: t.expose('level', { type: SkillLevelEnum, nullable: true }),
    plannedHours: t.exposeInt('plannedHours'),
    startDate: t.expose('startDate', { type: 'Date' }),
    endDate: t.expose('endDate', { type: 'Date' }),
    venue: t.exposeString('venue'),
    capacity: t.exposeInt('capacity'),
    institution: t.relation('institution'),
    occupation: t.relation('occupation'),
    region: t.relation('region'),
    enrollments: t.relatedConnection('enrollments', {
      validate: pageArgs,
      cursor: 'id',
      query: (_args, ctx) => ({ where: enrollmentScope(ctx.actor), orderBy: { createdAt: 'asc' } }),
    }),
  }),
});

export const Enrollment = builder.prismaNode('Enrollment', {
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: [enrollmentScope(ctx.actor)] }),
  fields: (t) => ({
    status: t.expose('status', { type: EnrollmentStatusEnum }),
    person: t.relation('person'),
    class: t.relation('class'),
    attendanceRate: t.float({
      nullable: true,
      description: 'Attendance rate 0–1, fixed at completion',
      select: { attendanceRateBp: true },
      resolve: (e) => (e.attendanceRateBp == null ? null : e.attendanceRateBp / 10_000),
    }),
  }),
});

builder.queryFields((t) => ({
  classes: t.prismaConnection({
    validate: pageArgs,
    type: TrainingClass,
    cursor: 'id',
    description: 'Training classes the viewer may see.',
    args: { status: t.arg({ type: ClassStatusEnum, required: false }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.trainingClass.findMany({
        ...query,
        where: { AND: [classScope(ctx.actor), args.status ? { status: args.status } : {}] },
        orderBy: { id: 'asc' },
      }),
  }, { name: 'TrainingClassConnection' }, { name: 'TrainingClassEdge' }),
}));
