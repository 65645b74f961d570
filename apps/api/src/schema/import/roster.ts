import { resolveArrayConnection } from '@pothos/plugin-relay';
import { classScope } from '@vtc/core';
import { ROSTER_ROW_ERROR_CODES, type RosterRowError, rosterImportPercent } from '@vtc/domain';
import { builder, pageArgs } from '../builder.ts';

/**
 * Roster (花名册) imports: the upload itself is `POST /rosters?classId=…` (apps/api/src/routes/roster.ts);
 * here a client follows an import's progress and pages through its rejected rows. An import is
 * visible to whoever can see its class.
 */
export const RosterImportStatusEnum = builder.enumType('RosterImportStatus', {
  values: {
    PENDING: { description: 'Queued as a job (large file)' },
    RUNNING: { description: 'Being imported; processedRows grows chunk by chunk' },
    SUCCEEDED: { description: 'Every row processed: valid rows imported, the others listed in errors' },
    FAILED: { description: 'Stopped as a whole (e.g. the class no longer takes trainees); upload the same file again to resume' },
  } as const,
});

export const RosterRowErrorCodeEnum = builder.enumType('RosterRowErrorCode', { values: ROSTER_ROW_ERROR_CODES });

export const RosterRowErrorRef = builder.objectRef<RosterRowError>('RosterRowError').implement({
  description: 'Why one row of a roster was not imported',
  fields: (t) => ({
    row: t.exposeInt('row', { description: 'Row number as shown in the sheet (header = 1, first data row = 2)' }),
    field: t.string({ nullable: true, description: 'name, idNumber, phone, householdType or priorityGroups', resolve: (e) => e.field }),
    code: t.field({ type: RosterRowErrorCodeEnum, resolve: (e) => e.code }),
    message: t.exposeString('message'),
    messageZh: t.exposeString('messageZh'),
  }),
});

export const RosterImport = builder.prismaNode('RosterImport', {
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: [{ class: classScope(ctx.actor) }] }),
  fields: (t) => ({
    status: t.expose('status', { type: RosterImportStatusEnum }),
    percent: t.int({
      description: 'Rows processed, in whole percent (100 once SUCCEEDED)',
      select: { status: true, totalRows: true, processedRows: true },
      resolve: (i) => rosterImportPercent(i),
    }),
    fileName: t.exposeString('fileName'),
    format: t.exposeString('format', { description: 'csv or xlsx' }),
    totalRows: t.exposeInt('totalRows', { description: 'Data rows in the file (blank rows not counted)' }),
    processedRows: t.exposeInt('processedRows'),
    acceptedRows: t.exposeInt('acceptedRows'),
    rejectedRows: t.exposeInt('rejectedRows', { description: 'Every rejected row (errors keeps the first 10,000)' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    class: t.relation('class'),
    errors: t.connection(
      {
        type: RosterRowErrorRef,
        validate: pageArgs,
        description: 'Rejected rows so far, by row number; a row with several problems appears once per problem',
        select: { rowErrors: true },
        resolve: (i, args) =>
          resolveArrayConnection({ args, defaultSize: 20, maxSize: 100 }, Array.isArray(i.rowErrors) ? (i.rowErrors as unknown as RosterRowError[]) : []),
      },
      { name: 'RosterRowErrorConnection' },
      { name: 'RosterRowErrorEdge' },
    ),
  }),
});

builder.queryFields((t) => ({
  rosterImport: t.prismaField({
    type: RosterImport,
    nullable: true,
    description: 'A roster import of a class the viewer can see: progress and rejected rows',
    args: { id: t.arg.globalID({ required: true, for: RosterImport }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.rosterImport.findFirst({ ...query, where: { id: args.id.id, class: classScope(ctx.actor) } }),
  }),
}));
