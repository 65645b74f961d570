import { claimScope, FILE_CLAIM_KINDS, fileClaim, personScope } from '@vtc/core';
import { DomainError, EXCLUSION_RULES, formatYuan, type LineExplanation } from '@vtc/domain';
import { builder, pageArgs } from '../builder.ts';
import { Apprenticeship } from '../apprenticeship/apprenticeship.ts';
import { AssessmentSession, Certificate } from '../certificate/certificate.ts';
import { TrainingClass } from '../training-class/training-class.ts';
import { Person } from '../person/person.ts';
import { SkillLevelEnum } from '../shared/reference.ts';
import { scopedPerson } from '../shared/scoped.ts';
import { StaffTrainingBatch } from '../staff-training/staff-training.ts';
// The public notice query lives beside the claim (no import in schema/index.ts needed).
import './notice.ts';

/** Subsidy claims (补贴申领): filing, the claim with its explained lines, and the persons excluded. */

const SubsidyKindEnum = builder.enumType('SubsidyKind', {
  values: ['TRAINING', 'CLASS_HOUR', 'CERTIFICATE', 'ENTERPRISE_TRAINING', 'ENTERPRISE_SELF_EVALUATION', 'SKILL_UPGRADE', 'APPRENTICESHIP', 'OUTCOME', 'EMPLOYMENT_BONUS'] as const,
});
const SubsidyClaimKindEnum = builder.enumType('SubsidyClaimKind', {
  values: [
    'TRAINING',
    'CLASS_HOUR',
    'EMPLOYMENT_UPLIFT',
    'CERTIFICATE',
    'ENTERPRISE_TRAINING',
    'ENTERPRISE_SELF_EVALUATION',
    'SKILL_UPGRADE',
    'APPRENTICESHIP_PREPAYMENT',
    'APPRENTICESHIP_SETTLEMENT',
    'OUTCOME',
  ] as const,
});
const FileClaimKindEnum = builder.enumType('FileClaimKind', {
  description: 'The claim kinds filed directly (the employment uplift is a supplementary claim built from employment checks).',
  values: FILE_CLAIM_KINDS,
});
const ClaimStatusEnum = builder.enumType('ClaimStatus', {
  values: ['DRAFT', 'SUBMITTED', 'UNDER_REVIEW', 'PUBLIC_NOTICE', 'APPROVED', 'REJECTED', 'PAID', 'WITHDRAWN'] as const,
});
const ClaimLineStatusEnum = builder.enumType('ClaimLineStatus', { values: ['PENDING', 'ACCEPTED', 'REJECTED'] as const });
const ClaimLinePartEnum = builder.enumType('ClaimLinePart', { values: ['MAIN', 'EMPLOYMENT_UPLIFT', 'PREPAYMENT', 'BALANCE', 'CLAWBACK'] as const });
const ExclusionRuleEnum = builder.enumType('ExclusionRule', { values: EXCLUSION_RULES });

interface StepShape {
  zh: string;
  en: string;
  amountFen?: number;
}

const ExplanationStep = builder.objectRef<StepShape>('ExplanationStep').implement({
  fields: (t) => ({
    zh: t.exposeString('zh'),
    en: t.exposeString('en'),
    amountFen: t.int({ nullable: true, resolve: (s) => s.amountFen ?? null }),
    amountYuan: t.string({ nullable: true, resolve: (s) => (s.amountFen === undefined ? null : formatYuan(s.amountFen)) }),
  }),
});

const Explanation = builder.objectRef<LineExplanation>('ClaimLineExplanation').implement({
  fields: (t) => ({
    policyCode: t.string({ resolve: (e) => e.policy.code }),
    policyVersion: t.int({ resolve: (e) => e.policy.version }),
    rule: t.exposeString('rule'),
    inputs: t.string({ description: 'The facts used, by name, as JSON', resolve: (e) => JSON.stringify(e.inputs) }),
    steps: t.field({ type: [ExplanationStep], resolve: (e) => [...e.steps] }),
  }),
});

builder.prismaObject('SubsidyClaimLine', {
  fields: (t) => ({
    id: t.exposeID('id'),
    person: t.prismaField({
      type: Person,
      nullable: true,
      description: 'The person of the line, when the viewer may see them (personScope); null otherwise',
      resolve: (query, r, _a, ctx) => scopedPerson(ctx, r.personId, query),
    }),
    scheme: t.expose('kind', { type: SubsidyKindEnum }),
    part: t.expose('part', { type: ClaimLinePartEnum }),
    occupationCode: t.exposeString('occupationCode', { nullable: true }),
    level: t.expose('level', { type: SkillLevelEnum, nullable: true }),
    basisRef: t.exposeString('basisRef'),
    amountFen: t.exposeInt('amountFen', { description: 'Whole fen (分)' }),
    amountYuan: t.string({ description: 'Yuan with two decimals, e.g. "600.00"', resolve: (l) => formatYuan(l.amountFen) }),
    subsidyYear: t.exposeInt('subsidyYear'),
    countsTowardLimit: t.exposeBoolean('countsTowardLimit'),
    limitSlot: t.exposeInt('limitSlot', { nullable: true }),
    status: t.expose('status', { type: ClaimLineStatusEnum }),
    explanation: t.field({ type: Explanation, resolve: (l) => l.explanation as unknown as LineExplanation }),
  }),
});

interface ExcludedShape {
  personId: string;
  rule: (typeof EXCLUSION_RULES)[number];
  zh: string;
  en: string;
}

const ExcludedPerson = builder.objectRef<ExcludedShape>('ClaimExcludedPerson').implement({
  fields: (t) => ({
    person: t.prismaField({
      type: Person,
      nullable: true,
      resolve: (query, x, _a, ctx) => scopedPerson(ctx, x.personId, query),
    }),
    rule: t.field({ type: ExclusionRuleEnum, resolve: (x) => x.rule }),
    reason: t.exposeString('en'),
    reasonZh: t.exposeString('zh'),
  }),
});

export const SubsidyClaim = builder.prismaNode('SubsidyClaim', {
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: [claimScope(ctx.actor)] }),
  fields: (t) => ({
    number: t.exposeString('number'),
    claimant: t.relation('claimant', { nullable: true }),
    claimantPerson: t.relation('claimantPerson', {
      nullable: true,
      description: 'The person claiming for themself (SKILL_UPGRADE); null when an organization claims',
      query: (_a, ctx) => ({ where: personScope(ctx.actor) }),
    }),
    supplementsClaimId: t.string({
      nullable: true,
      description: 'Global ID of the claim this one supplements (an apprenticeship settlement names its pre-payment claim)',
      select: { supplementsClaimId: true },
      resolve: (c) => (c.supplementsClaimId ? Buffer.from(`SubsidyClaim:${c.supplementsClaimId}`).toString('base64') : null),
    }),
    region: t.relation('region'),
    scheme: t.expose('kind', { type: SubsidyKindEnum }),
    kind: t.expose('claimKind', { type: SubsidyClaimKindEnum }),
    basisRef: t.exposeString('basisRef'),
    status: t.expose('status', { type: ClaimStatusEnum }),
    policyCode: t.string({ select: { policy: { select: { code: true } } }, resolve: (c) => c.policy.code }),
    policyVersion: t.int({ select: { policy: { select: { version: true } } }, resolve: (c) => c.policy.version }),
    totalFen: t.int({ description: 'Whole fen (分)', select: { totalFen: true }, resolve: (c) => Number(c.totalFen) }),
    totalYuan: t.string({ select: { totalFen: true }, resolve: (c) => formatYuan(Number(c.totalFen)) }),
    netFen: t.int({
      description: 'Sum of the lines, fen: below zero when claw-backs exceed the amounts paid (the total payable is then 0 and the rest is recovered)',
      select: { totalFen: true, computation: true },
      resolve: (c) => {
        const net = (c.computation as { facts?: { netFen?: unknown } } | null)?.facts?.netFen;
        return typeof net === 'number' ? net : Number(c.totalFen);
      },
    }),
    submittedAt: t.expose('submittedAt', { type: 'DateTime', nullable: true }),
    lines: t.relation('lines', { query: { orderBy: [{ personId: 'asc' }, { id: 'asc' }] } }),
    excluded: t.field({
      type: [ExcludedPerson],
      select: { computation: true },
      resolve: (c) => ((c.computation as { excluded?: ExcludedShape[] } | null)?.excluded ?? []),
    }),
  }),
});

builder.queryFields((t) => ({
  claims: t.prismaConnection(
    {
      type: SubsidyClaim,
      cursor: 'id',
      validate: pageArgs,
      args: { status: t.arg({ type: ClaimStatusEnum, required: false }) },
      resolve: (query, _r, args, ctx) =>
        ctx.prisma.subsidyClaim.findMany({
          ...query,
          where: { AND: [claimScope(ctx.actor), args.status ? { status: args.status } : {}] },
          orderBy: { id: 'asc' },
        }),
    },
    { name: 'SubsidyClaimConnection' },
    { name: 'SubsidyClaimEdge' },
  ),
}));

const FileClaimInput = builder.inputType('FileClaimInput', {
  fields: (t) => ({
    kind: t.field({ type: FileClaimKindEnum, required: true }),
    classId: t.globalID({ required: false, for: TrainingClass, description: 'TRAINING, CLASS_HOUR, OUTCOME: the completed class' }),
    sessionId: t.globalID({ required: false, for: AssessmentSession, description: 'CERTIFICATE, ENTERPRISE_SELF_EVALUATION: the assessment session' }),
    batchId: t.globalID({ required: false, for: StaffTrainingBatch, description: 'ENTERPRISE_TRAINING: the completed staff-training batch' }),
    certificateId: t.globalID({ required: false, for: Certificate, description: "SKILL_UPGRADE: the claimant's own skill-level certificate" }),
    apprenticeshipIds: t.globalIDList({ required: false, for: Apprenticeship, description: 'APPRENTICESHIP_*: the apprenticeships claimed' }),
    yearIndex: t.int({ required: false, description: 'APPRENTICESHIP_*: the apprenticeship year (1 = first)' }),
    prepaymentClaimId: t.globalID({ required: false, for: SubsidyClaim, description: 'APPRENTICESHIP_SETTLEMENT: the pre-payment claim settled' }),
  }),
});

builder.mutationFields((t) => ({
  fileClaim: t.prismaField({
    type: SubsidyClaim,
    description: 'File a subsidy claim: amounts computed by the policy version in force, one explained line per person.',
    errors: { types: [DomainError] },
    args: { input: t.arg({ type: FileClaimInput, required: true }) },
    resolve: async (query, _r, { input }, ctx) => {
      const r = await fileClaim(ctx.prisma, ctx.actor!, {
        kind: input.kind,
        classId: input.classId?.id ?? null,
        sessionId: input.sessionId?.id ?? null,
        batchId: input.batchId?.id ?? null,
        certificateId: input.certificateId?.id ?? null,
        apprenticeshipIds: input.apprenticeshipIds?.map((a) => a.id) ?? null,
        yearIndex: input.yearIndex ?? null,
        prepaymentClaimId: input.prepaymentClaimId?.id ?? null,
      });
      return ctx.prisma.subsidyClaim.findUniqueOrThrow({ ...query, where: { id: r.claimId } });
    },
  }),
}));
