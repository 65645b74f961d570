import { resolveArrayConnection } from '@pothos/plugin-relay';
import {
  CONTRIBUTION_ROW_ERROR_CODES,
  type ContributionRowError,
  contributionImportPercent,
  contributionImportScope,
  decideEmploymentReport,
  type EmploymentReportView,
  employmentRecordScope,
  listEmploymentReports,
  reportEmployment,
  SCORECARD_GROUPS,
  type CheckpointRate,
  type Scorecard,
  scorecards,
} from '@vtc/core';
import { DomainError } from '@vtc/domain';
import { z } from 'zod';
import { builder, pageArgs } from '../builder.ts';
import { Enrollment } from '../training-class/training-class.ts';
import { RosterImportStatusEnum } from '../import/roster.ts';

/**
 * Employment tracking, intake side (就业跟踪): a trainee's self-report, the employer's answer, the
 * progress of a bureau's social-insurance contribution import (the upload is
 * `POST /contributions`, apps/api/src/routes/contributions.ts) and outcome scorecards (the XLSX
 * export is `GET /scorecards/export.xlsx`).
 */

const EmploymentSourceEnum = builder.enumType('EmploymentSource', {
  values: ['LABOUR_CONTRACT', 'SOCIAL_INSURANCE', 'EMPLOYER_CONFIRMATION', 'SELF_REPORTED'] as const,
});
const EmploymentConfirmationEnum = builder.enumType('EmploymentConfirmation', {
  values: {
    UNCONFIRMED: { description: 'Reported, not yet answered by the employer' },
    CONFIRMED: { description: 'The employer confirmed it (possibly correcting the term)' },
    DENIED: { description: 'The employer denied it, with a reason' },
  } as const,
});

export const EmploymentRecord = builder.prismaNode('EmploymentRecord', {
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: [employmentRecordScope(ctx.actor)] }),
  fields: (t) => ({
    source: t.expose('source', { type: EmploymentSourceEnum }),
    employerName: t.exposeString('employerName', { nullable: true }),
    employerCreditCode: t.exposeString('employerCreditCode', { nullable: true }),
    contractStart: t.expose('contractStart', { type: 'Date', nullable: true }),
    contractEnd: t.expose('contractEnd', { type: 'Date', nullable: true, description: 'Inclusive; null for an open-ended contract' }),
    contractMonths: t.exposeInt('contractMonths', { nullable: true, description: 'null: open-ended (无固定期限)' }),
    monthlyWageFen: t.exposeInt('monthlyWageFen', { nullable: true }),
    evidenceRef: t.exposeString('evidenceRef', { nullable: true }),
    confirmation: t.expose('confirmation', { type: EmploymentConfirmationEnum }),
    denialReason: t.exposeString('denialReason', { nullable: true }),
    confirmedAt: t.expose('confirmedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const EmploymentReport = builder.objectRef<EmploymentReportView>('EmploymentReport').implement({
  description: "A trainee's self-report naming the viewer's enterprise, as the employer sees it (name and ID masked)",
  fields: (t) => ({
    record: t.globalID({ resolve: (r) => ({ type: 'EmploymentRecord', id: r.id }) }),
    personName: t.exposeString('personName', { description: 'Masked: first character only' }),
    idNumberMasked: t.exposeString('idNumberMasked'),
    employerName: t.exposeString('employerName', { nullable: true }),
    employerCreditCode: t.exposeString('employerCreditCode', { nullable: true }),
    contractStart: t.string({ nullable: true, resolve: (r) => r.contractStart }),
    contractEnd: t.string({ nullable: true, resolve: (r) => r.contractEnd }),
    contractMonths: t.exposeInt('contractMonths', { nullable: true }),
    monthlyWageFen: t.exposeInt('monthlyWageFen', { nullable: true }),
    evidenceRef: t.exposeString('evidenceRef', { nullable: true }),
    confirmation: t.field({ type: EmploymentConfirmationEnum, resolve: (r) => r.confirmation }),
    denialReason: t.exposeString('denialReason', { nullable: true }),
    className: t.exposeString('className', { nullable: true }),
    completedOn: t.string({ nullable: true, resolve: (r) => r.completedOn }),
    reportedAt: t.expose('reportedAt', { type: 'DateTime' }),
  }),
});

const ReportEmploymentInput = builder.inputType('ReportEmploymentInput', {
  fields: (t) => ({
    enrollmentId: t.globalID({ required: true, for: Enrollment, description: 'One of your own COMPLETED enrollments' }),
    employerName: t.string({ required: true, validate: z.string().max(200) }),
    employerCreditCode: t.string({ required: true, description: 'Unified social credit code (GB 32100), 18 characters', validate: z.string().max(30) }),
    contractStart: t.field({ type: 'Date', required: true }),
    contractMonths: t.int({ required: false, description: 'Whole months 1–120; omit for an open-ended contract' }),
    openEnded: t.boolean({ required: false, description: 'true for an open-ended contract (无固定期限)' }),
    monthlyWageFen: t.int({ required: false }),
    evidenceRef: t.string({ required: false, validate: z.string().max(500) }),
  }),
});

const DecideEmploymentReportInput = builder.inputType('DecideEmploymentReportInput', {
  fields: (t) => ({
    recordId: t.globalID({ required: true, for: EmploymentRecord }),
    confirm: t.boolean({ required: true, description: 'true to confirm, false to deny' }),
    contractMonths: t.int({ required: false, description: 'On confirmation: the corrected term in months' }),
    openEnded: t.boolean({ required: false, description: 'On confirmation: the contract is open-ended' }),
    reason: t.string({ required: false, description: 'Required when denying (2–500 characters)', validate: z.string().max(1000) }),
  }),
});

// ───────────────────────────── contribution imports ─────────────────────────────

const ContributionRowErrorCodeEnum = builder.enumType('ContributionRowErrorCode', { values: CONTRIBUTION_ROW_ERROR_CODES });

const ContributionRowErrorRef = builder.objectRef<ContributionRowError>('ContributionRowError').implement({
  description: 'Why one row of a contribution file was not imported',
  fields: (t) => ({
    row: t.exposeInt('row', { description: 'Row number as shown in the sheet (header = 1, first data row = 2)' }),
    field: t.string({ nullable: true, description: 'idNumber, employerCreditCode, month, insuranceType, amount or wageBase', resolve: (e) => e.field }),
    code: t.field({ type: ContributionRowErrorCodeEnum, resolve: (e) => e.code }),
    message: t.exposeString('message'),
    messageZh: t.exposeString('messageZh'),
  }),
});

export const ContributionImport = builder.prismaNode('ContributionImport', {
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: [contributionImportScope(ctx.actor)] }),
  fields: (t) => ({
    regionCode: t.exposeString('regionCode'),
    status: t.expose('status', { type: RosterImportStatusEnum }),
    percent: t.int({
      select: { status: true, totalRows: true, processedRows: true },
      resolve: (i) => contributionImportPercent(i),
    }),
    fileName: t.exposeString('fileName'),
    format: t.exposeString('format', { description: 'csv or xlsx' }),
    totalRows: t.exposeInt('totalRows'),
    processedRows: t.exposeInt('processedRows'),
    acceptedRows: t.exposeInt('acceptedRows', { description: 'Rows stored (inserted or updated) for trainees of the platform' }),
    unmatchedRows: t.exposeInt('unmatchedRows', {
      description: 'Valid rows of persons who never trained on the platform: counted, not stored (the platform keeps data of its own trainees only)',
    }),
    rejectedRows: t.exposeInt('rejectedRows', { description: 'Rows refused; see errors' }),
    failureReason: t.exposeString('failureReason', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    errors: t.connection(
      {
        type: ContributionRowErrorRef,
        validate: pageArgs,
        select: { rowErrors: true },
        resolve: (i, args) =>
          resolveArrayConnection({ args, defaultSize: 20, maxSize: 100 }, Array.isArray(i.rowErrors) ? (i.rowErrors as unknown as ContributionRowError[]) : []),
      },
      { name: 'ContributionRowErrorConnection' },
      { name: 'ContributionRowErrorEdge' },
    ),
  }),
});

// ───────────────────────────── scorecards ─────────────────────────────

const ScorecardGroupEnum = builder.enumType('ScorecardGroup', { values: SCORECARD_GROUPS });

const CheckpointRateRef = builder.objectRef<CheckpointRate>('CheckpointRate').implement({
  description: 'Employment at one checkpoint (months after completion); rates are over decided checks (PENDING left out)',
  fields: (t) => ({
    checkpointMonths: t.exposeInt('checkpointMonths'),
    decided: t.exposeInt('decided', { description: 'Denominator: checks EMPLOYED, QUALIFIED or NOT_EMPLOYED' }),
    employed: t.exposeInt('employed', { description: 'EMPLOYED + QUALIFIED' }),
    qualified: t.exposeInt('qualified'),
    pending: t.exposeInt('pending'),
    employmentRate: t.float({ nullable: true, resolve: (c) => c.employmentRate }),
    qualifiedRate: t.float({ nullable: true, resolve: (c) => c.qualifiedRate }),
  }),
});

const ScorecardRef = builder.objectRef<Scorecard>('Scorecard').implement({
  description: 'Training outcomes of one group (rates 0–1 rounded to 4 decimals, null when the denominator is 0)',
  fields: (t) => ({
    key: t.exposeString('key', { description: 'Id of the class, institution, occupation or labour brand (NONE: classes without a brand), or the region code' }),
    label: t.exposeString('label'),
    enrolled: t.exposeInt('enrolled'),
    completed: t.exposeInt('completed'),
    completionRate: t.float({ nullable: true, description: 'completed / enrolled', resolve: (s) => s.completionRate }),
    certified: t.exposeInt('certified', { description: 'Completed with an issued skill-level certificate' }),
    certificationRate: t.float({ nullable: true, description: 'certified / completed', resolve: (s) => s.certificationRate }),
    checkpoints: t.field({ type: [CheckpointRateRef], resolve: (s) => s.checkpoints }),
    employmentDecided: t.exposeInt('employmentDecided', { description: 'Enrollments with at least one decided check' }),
    qualifiedEnrollments: t.exposeInt('qualifiedEnrollments'),
    qualifyingRate: t.float({ nullable: true, description: 'qualifiedEnrollments / employmentDecided', resolve: (s) => s.qualifyingRate }),
    medianContractMonths: t.float({ nullable: true, resolve: (s) => s.medianContractMonths }),
    contractSamples: t.exposeInt('contractSamples'),
    medianMonthlyWageFen: t.int({ nullable: true, resolve: (s) => s.medianMonthlyWageFen }),
    wageSamples: t.exposeInt('wageSamples'),
  }),
});

const ScorecardFilterInput = builder.inputType('ScorecardFilter', {
  fields: (t) => ({
    from: t.field({ type: 'Date', required: true, description: 'Classes ending on or after this date' }),
    to: t.field({ type: 'Date', required: true, description: 'Classes ending on or before this date' }),
    regionCode: t.string({ required: false, validate: z.string().regex(/^\d{6}$/) }),
    institutionId: t.globalID({ required: false }),
  }),
});

// ───────────────────────────── fields ─────────────────────────────

builder.queryFields((t) => ({
  employmentReports: t.field({
    type: [EmploymentReport],
    description: "Employer side: trainees' self-reports naming the viewer's enterprise, newest first (at most 500)",
    args: { confirmation: t.arg({ type: EmploymentConfirmationEnum, required: false }) },
    resolve: (_r, args, ctx) => listEmploymentReports(ctx.prisma, ctx.actor!, { confirmation: args.confirmation ?? null }),
  }),
  myEmploymentRecords: t.prismaField({
    type: [EmploymentRecord],
    description: "The viewer's own employment records (trainee)",
    resolve: (query, _r, _a, ctx) => {
      const persons = ctx.actor!.roles.filter((r) => r.role === 'TRAINEE' && r.personId).map((r) => r.personId!);
      return ctx.prisma.employmentRecord.findMany({ ...query, where: { personId: { in: persons } }, orderBy: { createdAt: 'desc' } });
    },
  }),
  contributionImport: t.prismaField({
    type: ContributionImport,
    nullable: true,
    description: "A social-insurance contribution import of the viewer's region: progress and rejected rows",
    args: { id: t.arg.globalID({ required: true, for: ContributionImport }) },
    resolve: (query, _r, args, ctx) =>
      ctx.prisma.contributionImport.findFirst({ ...query, where: { AND: [{ id: args.id.id }, contributionImportScope(ctx.actor)] } }),
  }),
  scorecards: t.field({
    type: [ScorecardRef],
    description: 'Training outcome scorecards, grouped; a bureau sees its region and below, an institution its own classes',
    errors: { types: [DomainError] },
    args: {
      groupBy: t.arg({ type: ScorecardGroupEnum, required: true }),
      filter: t.arg({ type: ScorecardFilterInput, required: true }),
    },
    resolve: (_r, args, ctx) =>
      scorecards(ctx.prisma, ctx.actor, {
        groupBy: args.groupBy,
        from: args.filter.from,
        to: args.filter.to,
        regionCode: args.filter.regionCode ?? null,
        institutionId: args.filter.institutionId?.id ?? null,
      }),
  }),
}));

builder.mutationFields((t) => ({
  reportEmployment: t.prismaField({
    type: EmploymentRecord,
    description: 'Trainee: report employment after a completed training (needs the employer to confirm it)',
    errors: { types: [DomainError] },
    args: { input: t.arg({ type: ReportEmploymentInput, required: true }) },
    resolve: async (query, _r, { input }, ctx) => {
      const record = await reportEmployment(ctx.prisma, ctx.actor!, {
        enrollmentId: input.enrollmentId.id,
        employerName: input.employerName,
        employerCreditCode: input.employerCreditCode,
        contractStart: input.contractStart,
        contractMonths: input.contractMonths ?? null,
        openEnded: input.openEnded ?? null,
        monthlyWageFen: input.monthlyWageFen ?? null,
        evidenceRef: input.evidenceRef ?? null,
      });
      return ctx.prisma.employmentRecord.findUniqueOrThrow({ ...query, where: { id: record.id } });
    },
  }),
  decideEmploymentReport: t.prismaField({
    type: EmploymentRecord,
    description: 'Employer: confirm (optionally correcting the term) or deny a self-report naming it; once only',
    errors: { types: [DomainError] },
    args: { input: t.arg({ type: DecideEmploymentReportInput, required: true }) },
    resolve: async (query, _r, { input }, ctx) => {
      const record = await decideEmploymentReport(ctx.prisma, ctx.actor!, {
        recordId: input.recordId.id,
        confirm: input.confirm,
        contractMonths: input.contractMonths ?? null,
        openEnded: input.openEnded ?? null,
        reason: input.reason ?? null,
      });
      return ctx.prisma.employmentRecord.findUniqueOrThrow({ ...query, where: { id: record.id } });
    },
  }),
}));
