import { runRosterImport } from '@vtc/core';
import { defineHandler, ROSTER_IMPORT_JOB } from '@vtc/jobs';
import { failFastOnDomainError } from './fail-fast.ts';

/**
 * Runs (or resumes) a queued roster import. A DomainError (class no longer takes enrollments, file
 * gone or unreadable) fails the job at once; anything else is retried, and the retry resumes from
 * the last committed chunk. On the last attempt any error marks the import FAILED.
 */
export const rosterImportHandler = defineHandler(ROSTER_IMPORT_JOB, async (payload, ctx) => {
  const keys = ctx.piiKeys;
  const attempts = ROSTER_IMPORT_JOB.options?.attempts ?? 1;
  try {
    const result = await runRosterImport(ctx.prisma, keys, payload.importId, {
      failOnAnyError: ctx.job.attemptsMade + 1 >= attempts,
      onProgress: async (p) => {
        await ctx.job.updateProgress(p.percent);
        ctx.logger.debug({ importId: payload.importId, ...p }, 'roster import progress');
      },
    });
    return {
      importId: result.importId,
      status: result.status,
      totalRows: result.totalRows,
      acceptedRows: result.acceptedRows,
      rejectedRows: result.rejectedRows,
    };
  } catch (err) {
    failFastOnDomainError(err);
  }
});
