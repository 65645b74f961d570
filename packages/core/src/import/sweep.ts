import { type PrismaClient, transaction } from '@vtc/db';
import { CONTRIBUTION_IMPORT_JOB, OUTBOX_EVENT_TYPES, outboxJobId, type Queues, ROSTER_IMPORT_JOB } from '@vtc/jobs';
import { audit } from '../shared/audit.ts';
import { emit } from '../shared/outbox.ts';
import type { ImportTable } from './import-run.ts';

/**
 * The import sweeper: Postgres is the record of an import, Redis only carries its job. An import
 * PENDING or RUNNING whose job Redis lost (restarted without its data, the job removed) would stay
 * so for ever, and a re-upload of the file would only answer "reused". The sweeper gives such an
 * import its job back, and the job resumes from processedRows (chunks are counted once: see
 * advanceImport).
 *
 * An import is looked at once it has not moved (status or processedRows: `progressedAt`, kept by a
 * trigger) for `graceMs`. Its job is the one the upload asked for: `outbox-<eventId>` of its latest
 * `*.import.requested` event. Then, by the job's state in Redis:
 * - waiting, delayed, active: left alone (BullMQ's stalled-job check recovers an active job whose
 *   worker died);
 * - missing, failed (attempts exhausted, the import not marked FAILED), completed (the import not
 *   SUCCEEDED): the same job id is added again, after removing the finished job. The import is claimed
 *   first by a conditional update of `progressedAt` and `requeues`, so two sweepers never both act,
 *   and BullMQ drops a second add of a job id that exists;
 * - an event not yet published: left to the outbox relay. An import with no event at all gets one.
 * After MAX_IMPORT_REQUEUES re-enqueues an import is given up on: FAILED (a re-upload resumes it).
 */

/** Re-enqueues of one import before the sweeper marks it FAILED. */
export const MAX_IMPORT_REQUEUES = 5;
/** Default time an import must stand still before the sweeper looks at its job. */
export const DEFAULT_IMPORT_GRACE_MS = 60_000;
/** Imports looked at per sweep, at the most (per kind). */
const SWEEP_BATCH = 500;

const KINDS = [
  { table: 'RosterImport', job: ROSTER_IMPORT_JOB, event: OUTBOX_EVENT_TYPES.rosterImportRequested, failedAction: 'roster.import.abandoned' },
  {
    table: 'ContributionImport',
    job: CONTRIBUTION_IMPORT_JOB,
    event: OUTBOX_EVENT_TYPES.contributionImportRequested,
    failedAction: 'contribution.import.abandoned',
  },
] as const satisfies ReadonlyArray<{ table: ImportTable; job: unknown; event: string; failedAction: string }>;

export interface ImportSweepResult {
  /** Imports standing still past the grace period that were looked at. */
  examined: number;
  /** Of them, imports whose job was missing, failed or completed: enqueued again. */
  requeued: number;
  /** Imports without any request event: one was written (the relay publishes it). */
  reemitted: number;
  /** Imports re-enqueued MAX_IMPORT_REQUEUES times already: marked FAILED. */
  abandoned: number;
}

interface StuckImport {
  id: string;
  requeues: number;
  eventId: bigint | null;
  publishedAt: Date | null;
}

export async function sweepImports(
  prisma: PrismaClient,
  queues: Queues,
  { graceMs = DEFAULT_IMPORT_GRACE_MS }: { graceMs?: number } = {},
): Promise<ImportSweepResult> {
  const result: ImportSweepResult = { examined: 0, requeued: 0, reemitted: 0, abandoned: 0 };
  for (const kind of KINDS) {
    const stuck = await prisma.$queryRawUnsafe<StuckImport[]>(
      `SELECT i.id::text AS id, i.requeues, e.id AS "eventId", e."publishedAt"
         FROM "${kind.table}" i
         LEFT JOIN LATERAL (
           SELECT o.id, o."publishedAt" FROM "OutboxEvent" o
            WHERE o.type IN ('roster.import.requested', 'contribution.import.requested')
              AND o.type = $1 AND o."aggregateId" = i.id::text
            ORDER BY o.id DESC LIMIT 1) e ON true
        WHERE i.status IN ('PENDING', 'RUNNING')
          AND i."progressedAt" < now() - make_interval(secs => $2::double precision)
        ORDER BY i."progressedAt", i.id LIMIT ${SWEEP_BATCH}`,
      kind.event,
      graceMs / 1000,
    );
    const queue = queues[kind.job.queue];
    for (const imp of stuck) {
      if (imp.eventId !== null && imp.publishedAt === null) continue; // the relay has not published it yet
      result.examined += 1;
      const jobId = imp.eventId === null ? null : outboxJobId(imp.eventId);
      const job = jobId ? await queue.getJob(jobId) : undefined;
      const state = job ? await job.getState() : 'missing';
      if (state !== 'missing' && state !== 'unknown' && state !== 'failed' && state !== 'completed') continue;

      // Claim the import: a concurrent sweeper (it bumped requeues) or an import that just moved makes this a no-op.
      const claimable = `id = $1::uuid AND requeues = $2 AND status IN ('PENDING', 'RUNNING')
        AND "progressedAt" < now() - make_interval(secs => ${Number(graceMs) / 1000}::double precision)`;
      const claimed = await transaction(prisma, async (tx) => {
        if (imp.requeues >= MAX_IMPORT_REQUEUES) {
          const reason = `The import's job was lost or failed ${imp.requeues} times; upload the file again to resume it`;
          const failed = await tx.$executeRawUnsafe(
            `UPDATE "${kind.table}" SET status = 'FAILED', "finishedAt" = now()${kind.table === 'ContributionImport' ? ', content = NULL, "failureReason" = $3' : ''}
              WHERE ${claimable}`,
            imp.id,
            imp.requeues,
            ...(kind.table === 'ContributionImport' ? [`ABANDONED: ${reason}`] : []),
          );
          if (failed !== 1) return null;
          await audit(tx, null, { action: kind.failedAction, entityType: kind.table, entityId: imp.id, after: { status: 'FAILED', requeues: imp.requeues } });
          return 'abandoned' as const;
        }
        const moved = await tx.$executeRawUnsafe(
          `UPDATE "${kind.table}" SET "progressedAt" = now(), requeues = requeues + 1
            WHERE ${claimable}`,
          imp.id,
          imp.requeues,
        );
        if (moved !== 1) return null;
        if (imp.eventId === null) {
          await emit(tx, { type: kind.event, aggregateType: kind.table, aggregateId: imp.id, payload: { requeued: true } });
          return 'reemitted' as const;
        }
        return 'requeue' as const;
      });
      if (claimed === 'abandoned') result.abandoned += 1;
      else if (claimed === 'reemitted') result.reemitted += 1;
      else if (claimed === 'requeue' && jobId) {
        // A finished job keeps its id in Redis (retention): remove it so the same id can run again.
        if (job) await job.remove();
        await queue.add(kind.job.name, { importId: imp.id }, { ...kind.job.options, jobId });
        result.requeued += 1;
      }
    }
  }
  return result;
}
