import { classScope, enrollmentScope } from '@vtc/core';
import { allowedClassActions, CLASS_STATUSES, dateFromIso, deliveredHours } from '@vtc/domain';
import { builder, pageArgs } from '../builder.ts';
import { SkillLevelEnum } from '../shared/reference.ts';
import { scopedPerson } from '../shared/scoped.ts';

export const ClassStatusEnum = builder.enumType('ClassStatus', { values: CLASS_STATUSES });
export const ClassActionEnum = builder.enumType('ClassAction', {
  values: ['SUBMIT', 'APPROVE', 'REJECT', 'START', 'COMPLETE', 'SETTLE', 'CANCEL'] as const,
});

export const Teacher = builder
  .objectRef<{ name: string; certificateNo?: string | null; subject?: string | null }>('Teacher')
  .implement({
    fields: (t) => ({
      name: t.exposeString('name'),
      certificateNo: t.string({ nullable: true, resolve: (x) => x.certificateNo ?? null }),
      subject: t.string({ nullable: true, resolve: (x) => x.subject ?? null }),
    }),
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
    // `number`, not `code`: a union selection `... on TrainingClass { code } ... on DomainError { code }`
    // would clash (String vs ErrorCode).
    number: t.exposeString('code', { description: "The class's filing number (备案编号), e.g. PX-141002-2026-0001" }),
    name: t.exposeString('name'),
    status: t.expose('status', { type: ClassStatusEnum }),
    trainingType: t.expose('trainingType', { type: TrainingTypeEnum }),
    mode: t.expose('mode', { type: TrainingModeEnum }),
    level: t.expose('level', { type: SkillLevelEnum, nullable: true }),
    plannedHours: t.exposeInt('plannedHours'),
    deliveredHours: t.int({
      nullable: true,
      description: 'Whole class hours its sessions taught, fixed at completion (null before); certificates and claims count at most this',
      select: { plannedHours: true, deliveredMinutes: true },
      resolve: (c) => (c.deliveredMinutes == null ? null : deliveredHours(c.plannedHours, c.deliveredMinutes).deliveredHours),
    }),
    shortfallHours: t.int({
      nullable: true,
      description: 'Planned hours not taught (0 when the plan was met), fixed at completion (null before)',
      select: { plannedHours: true, deliveredMinutes: true },
      resolve: (c) => (c.deliveredMinutes == null ? null : deliveredHours(c.plannedHours, c.deliveredMinutes).shortfallHours),
    }),
    lateFilingReason: t.exposeString('lateFilingReason', { nullable: true, description: 'Set when the class was filed after its period ended (备案补录)' }),
    lateFilingAcknowledgedAt: t.expose('lateFilingAcknowledgedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When a bureau approved the late filing, having acknowledged its reason',
    }),
    startDate: t.expose('startDate', { type: 'Date' }),
    endDate: t.expose('endDate', { type: 'Date' }),
    venue: t.exposeString('venue'),
    capacity: t.exposeInt('capacity'),
    institution: t.relation('institution'),
    occupation: t.relation('occupation'),
    region: t.relation('region'),
    teachers: t.field({
      type: [Teacher],
      resolve: (c) => (Array.isArray(c.teachers) ? (c.teachers as Array<{ name: string; certificateNo?: string | null; subject?: string | null }>) : []),
    }),
    teachingPlan: t.exposeString('teachingPlan', { nullable: true }),
    assessmentPlan: t.exposeString('assessmentPlan', { nullable: true }),
    rejectionReason: t.exposeString('rejectionReason', { nullable: true }),
    submittedAt: t.expose('submittedAt', { type: 'DateTime', nullable: true }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true }),
    labourBrand: t.relation('labourBrand', { nullable: true }),
    allowedActions: t.field({
      type: [ClassActionEnum],
      description: 'Life-cycle actions the state machine allows from the current state (roles still apply).',
      resolve: (c) => allowedClassActions(c.status),
    }),
    enrolledCount: t.relationCount('enrollments', { where: { status: { not: 'WITHDRAWN' } } }),
    rosterImports: t.relatedConnection('rosterImports', {
      cursor: 'id',
      validate: pageArgs,
      description: 'Roster uploads of this class, newest first (progress and row errors on each)',
      query: { orderBy: { createdAt: 'desc' } },
    }),
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
    person: t.prismaField({
      type: 'Person',
      nullable: true,
      description: 'The trainee, when the viewer may see them (personScope); null otherwise',
      resolve: (query, e, _a, ctx) => scopedPerson(ctx, e.personId, query),
    }),
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
  classes: t.prismaConnection(
    {
      type: TrainingClass,
      cursor: 'id',
      validate: pageArgs,
      description: 'Training classes the viewer may see, filtered by state, occupation, institution and start date.',
      args: {
        status: t.arg({ type: ClassStatusEnum, required: false }),
        occupationId: t.arg.globalID({ required: false }),
        institutionId: t.arg.globalID({ required: false }),
        startFrom: t.arg({ type: 'Date', required: false }),
        startTo: t.arg({ type: 'Date', required: false }),
      },
      resolve: (query, _root, args, ctx) =>
        ctx.prisma.trainingClass.findMany({
          ...query,
          where: { AND: [classScope(ctx.actor), classFilter(args)] },
          orderBy: { id: 'asc' },
        }),
    },
    { name: 'TrainingClassConnection' },
    { name: 'TrainingClassEdge' },
  ),
  classCountsByInstitution: t.field({
    type: [InstitutionClassCount],
    description: 'For a bureau: how many classes each visible institution has, by state, with the same filters.',
    args: {
      occupationId: t.arg.globalID({ required: false }),
      startFrom: t.arg({ type: 'Date', required: false }),
      startTo: t.arg({ type: 'Date', required: false }),
    },
    resolve: async (_root, args, ctx) => {
      const groups = await ctx.prisma.trainingClass.groupBy({
        by: ['institutionId', 'status'],
        where: { AND: [classScope(ctx.actor), classFilter(args)] },
        _count: { _all: true },
      });
      const byInstitution = new Map<string, Map<string, number>>();
      for (const g of groups) {
        const m = byInstitution.get(g.institutionId) ?? new Map<string, number>();
        m.set(g.status, g._count._all);
        byInstitution.set(g.institutionId, m);
      }
      const trainees = await ctx.prisma.enrollment.groupBy({
        by: ['classId'],
        where: { status: { not: 'WITHDRAWN' }, class: { AND: [classScope(ctx.actor), classFilter(args)] } },
        _count: { _all: true },
      });
      const classInst = new Map(
        (await ctx.prisma.trainingClass.findMany({ where: { id: { in: trainees.map((x) => x.classId) } }, select: { id: true, institutionId: true } })).map((c) => [c.id, c.institutionId]),
      );
      const traineeCount = new Map<string, number>();
      for (const x of trainees) {
        const inst = classInst.get(x.classId)!;
        traineeCount.set(inst, (traineeCount.get(inst) ?? 0) + x._count._all);
      }
      return [...byInstitution.entries()].map(([institutionId, m]) => ({
        institutionId,
        total: [...m.values()].reduce((a, b) => a + b, 0),
        trainees: traineeCount.get(institutionId) ?? 0,
        byStatus: [...m.entries()].map(([status, count]) => ({ status, count })).sort((a, b) => a.status.localeCompare(b.status)),
      }));
    },
  }),
}));

interface ClassFilterArgs {
  status?: (typeof CLASS_STATUSES)[number] | null;
  occupationId?: { id: string } | null;
  institutionId?: { id: string } | null;
  startFrom?: string | null;
  startTo?: string | null;
}

function classFilter(args: ClassFilterArgs) {
  return {
    ...(args.status ? { status: args.status } : {}),
    ...(args.occupationId ? { occupationId: args.occupationId.id } : {}),
    ...(args.institutionId ? { institutionId: args.institutionId.id } : {}),
    ...(args.startFrom || args.startTo
      ? {
          startDate: {
            ...(args.startFrom ? { gte: dateFromIso(args.startFrom) } : {}),
            ...(args.startTo ? { lte: dateFromIso(args.startTo) } : {}),
          },
        }
      : {}),
  };
}

const StatusCount = builder
  .objectRef<{ status: string; count: number }>('ClassStatusCount')
  .implement({
    fields: (t) => ({
      status: t.field({ type: ClassStatusEnum, resolve: (x) => x.status as never }),
      count: t.exposeInt('count'),
    }),
  });

const InstitutionClassCount = builder
  .objectRef<{ institutionId: string; total: number; trainees: number; byStatus: Array<{ status: string; count: number }> }>(
    'InstitutionClassCount',
  )
  .implement({
    fields: (t) => ({
      institution: t.prismaField({
        type: 'Organization',
        resolve: (query, x, _a, ctx) => ctx.prisma.organization.findUniqueOrThrow({ ...query, where: { id: x.institutionId } }),
      }),
      total: t.exposeInt('total'),
      trainees: t.exposeInt('trainees', { description: 'Enrolled (not withdrawn) trainees in these classes' }),
      byStatus: t.field({ type: [StatusCount], resolve: (x) => x.byStatus }),
    }),
  });
