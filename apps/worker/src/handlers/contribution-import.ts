import { runContributionImport } from '@vtc/core';
import { CONTRIBUTION_IMPORT_JOB, defineHandler } from '@vtc/jobs';
import { failFastOnDomainError } from './fail-fast.ts';

/**
 * Runs (or resumes) a queued contribution import. A DomainError (file gone or unreadable) fails the
 * job at once; anything else is retried from the last committed chunk. On the last attempt any error
 * marks the import FAILED.
 */
export const contributionImportHandler = defineHandler(CONTRIBUTION_IMPORT_JOB, async (payload, ctx) => {
  const attempts = CONTRIBUTION_IMPORT_JOB.options?.attempts ?? 1;
  try {
    const result = await runContributionImport(ctx.prisma, ctx.piiKeys, payload.importId, {
      failOnAnyError: ctx.job.attemptsMade + 1 >= attempts,
      onProgress: async (p) => {
        await ctx.job.updateProgress(p.percent);
        ctx.logger.debug({ importId: payload.importId, ...p }, 'contribution import progress');
      },
    });
    return {
      importId: result.importId,
      status: result.status,
      totalRows: result.totalRows,
      acceptedRows: result.acceptedRows,
      unmatchedRows: result.unmatchedRows,
      rejectedRows: result.rejectedRows,
    };
  } catch (err) {
    failFastOnDomainError(err);
  }
});
