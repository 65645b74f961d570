import { z } from 'zod';
import { defineJob } from '../definition.ts';
import { QUEUES } from '../queues.ts';

/**
 * Import an uploaded social-insurance contribution file too large for the upload request (more than
 * 5,000 rows), in chunks of one transaction each; a retry resumes from the import's processedRows.
 * The payload is the import id only: the file (it holds ID numbers) stays encrypted in Postgres
 * (ContributionImport.content). Published by the outbox relay from `contribution.import.requested`.
 */
export const CONTRIBUTION_IMPORT_JOB = defineJob({
  queue: QUEUES.imports,
  name: 'contribution-import',
  version: 1,
  description: 'Import a large social-insurance contribution file in resumable chunks',
  schema: z.object({
    importId: z.uuid(),
  }),
  options: { attempts: 3, backoff: { type: 'exponential', delay: 5_000 } },
});
