import { listEmploymentChecks, requestEmploymentCheckRun } from '@vtc/core';
import { DomainError, describeEmploymentEvidence, type EmploymentEvidenceText } from '@vtc/domain';
import { builder } from '../builder.ts';
import { scopedEnrollment } from '../shared/scoped.ts';
import { Enrollment, TrainingClass } from '../training-class/training-class.ts';

/**
 * Employment checks (就业跟踪核查): the 3- and 6-month checkpoints of each completed enrollment,
 * decided daily by the `employment-check-run` job (packages/core/src/employment). Read
 * through the enrollment scope; a bureau officer or administrator can ask for a run now.
 */

const EmploymentCheckStatusEnum = builder.enumType('EmploymentCheckStatus', {
  values: {
    PENDING: { description: 'Window open, no evidence of employment yet' },
    EMPLOYED: { description: 'Employed at the checkpoint, not (yet) qualifying for the uplift' },
    QUALIFIED: { description: 'Qualifying employment (contract of 12 months or more signed within the window, insurance paid)' },
    NOT_EMPLOYED: { description: 'The window closed without evidence of employment' },
  } as const,
});

type Evidence = { uplift?: { claimNumber?: string; refused?: string; zh?: string; en?: string } } | null;
const evidenceOf = (v: unknown): Evidence => (v && typeof v === 'object' ? (v as Evidence) : null);

// The evidence is stored as codes and parameters; its words are rendered on read, once per row
// however many of rule / evidenceZh / evidenceEn the query asks for.
const worded = new WeakMap<object, EmploymentEvidenceText | null>();
function wordsOf(evidence: unknown): EmploymentEvidenceText | null {
  if (!evidence || typeof evidence !== 'object') return null;
  let text = worded.get(evidence);
  if (text === undefined) {
    text = describeEmploymentEvidence(evidence);
    worded.set(evidence, text);
  }
  return text;
}

export const EmploymentCheck = builder.prismaObject('EmploymentCheck', {
  fields: (t) => ({
    id: t.exposeID('id'),
    enrollment: t.prismaField({
      type: Enrollment,
      nullable: true,
      description: 'The enrollment, when the viewer may see it (enrollmentScope); null otherwise',
      resolve: (query, r, _a, ctx) => scopedEnrollment(ctx, r.enrollmentId, query),
    }),
    checkpointMonths: t.exposeInt('checkpointMonths', { description: 'Months after completion' }),
    completedOn: t.expose('completedOn', { type: 'Date' }),
    dueOn: t.expose('dueOn', { type: 'Date', description: 'The checkpoint: last day of the window (inclusive)' }),
    status: t.expose('status', { type: EmploymentCheckStatusEnum }),
    decided: t.boolean({ description: 'Final: never changes again', resolve: (c) => c.decidedAt !== null }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true }),
    rule: t.string({ nullable: true, description: 'The rule that decided, e.g. QUALIFYING_CONTRACT, WINDOW_CLOSED', resolve: (c) => wordsOf(c.evidence)?.rule || null }),
    evidenceZh: t.string({ nullable: true, resolve: (c) => wordsOf(c.evidence)?.zh || null }),
    evidenceEn: t.string({ nullable: true, resolve: (c) => wordsOf(c.evidence)?.en || null }),
    upliftClaimNumber: t.string({ nullable: true, description: 'The supplementary claim carrying the +50% uplift line', resolve: (c) => evidenceOf(c.evidence)?.uplift?.claimNumber ?? null }),
    upliftRefusedEn: t.string({ nullable: true, description: 'Why no uplift line was filed (yet)', resolve: (c) => evidenceOf(c.evidence)?.uplift?.en ?? null }),
    employerCreditCode: t.exposeString('employerCreditCode', { nullable: true }),
    contractMonths: t.exposeInt('contractMonths', { nullable: true, description: 'null: open-ended or unknown' }),
    monthlyWageFen: t.exposeInt('monthlyWageFen', { nullable: true }),
    lastCheckedOn: t.expose('lastCheckedOn', {
      type: 'Date',
      nullable: true,
      description: 'Run date on which this outcome was last written: the daily run looks at every open check, and leaves it as it is while the outcome stays the same',
    }),
    reminderSentAt: t.expose('reminderSentAt', { type: 'DateTime', nullable: true }),
  }),
});

const RunRequest = builder.objectRef<{ runDate: string; alreadyPlanned: boolean }>('EmploymentCheckRunRequest').implement({
  fields: (t) => ({
    runDate: t.exposeString('runDate'),
    alreadyPlanned: t.exposeBoolean('alreadyPlanned', { description: 'The day was planned before: the run resumes (unfinished chunks are enqueued again)' }),
  }),
});

builder.queryFields((t) => ({
  employmentChecks: t.prismaField({
    type: [EmploymentCheck],
    description: 'The employment checks of one enrollment or one class (exactly one of the two), as far as the caller sees the enrollments',
    errors: { types: [DomainError] },
    args: {
      enrollmentId: t.arg.globalID({ required: false, for: Enrollment }),
      classId: t.arg.globalID({ required: false, for: TrainingClass }),
    },
    resolve: async (query, _r, args, ctx) => {
      const rows = await listEmploymentChecks(ctx.prisma, ctx.actor!, { enrollmentId: args.enrollmentId?.id ?? null, classId: args.classId?.id ?? null });
      return ctx.prisma.employmentCheck.findMany({ ...query, where: { id: { in: rows.map((r) => r.id) } }, orderBy: [{ enrollmentId: 'asc' }, { checkpointMonths: 'asc' }] });
    },
  }),
}));

builder.mutationFields((t) => ({
  runEmploymentChecks: t.field({
    type: RunRequest,
    description: 'Bureau officer or administrator: run (or resume) the employment checks of a day now, as a job (for demos and after outages)',
    errors: { types: [DomainError] },
    args: { date: t.arg.string({ required: true, description: 'YYYY-MM-DD (Asia/Shanghai business date)' }) },
    resolve: (_r, args, ctx) => requestEmploymentCheckRun(ctx.prisma, ctx.actor!, { runDate: args.date }),
  }),
}));
