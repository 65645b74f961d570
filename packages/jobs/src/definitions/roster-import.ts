import { z } from 'zod';
import { defineJob } from '../definition.ts';
import { QUEUES } from '../queues.ts';

/**
 * Import an uploaded roster (花名册) too large for the upload request (more than 2,000 rows), in
 * chunks of one transaction each; a retry resumes from the import's processedRows. The payload is the
 * import id only: the file itself (it holds ID numbers) stays encrypted in Postgres (RosterImportFile).
 * Published by the outbox relay from the `roster.import.requested` event of the upload.
 */
export const ROSTER_IMPORT_JOB = defineJob({
  queue: QUEUES.imports,
  name: 'roster-import',
  version: 1,
  description: 'Import a large uploaded roster in resumable chunks',
  schema: z.object({
    importId: z.uuid(),
  }),
  options: { attempts: 3, backoff: { type: 'exponential', delay: 5_000 } },
});
