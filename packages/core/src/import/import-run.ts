import { createHash } from 'node:crypto';
import { type PrismaClient, type SqlSession, type Tx, lockRow, transaction } from '@vtc/db';
import { checkDisplayName, DomainError, importPercent, isDomainError } from '@vtc/domain';
import { notFound } from '../shared/access.ts';
import type { Actor, ActorRole } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import { emit, type OutboxPayload } from '../shared/outbox.ts';
import { deleteImportFile, type ImportFileKind } from './import-file.ts';

/**
 * The steps every tabular import (rosters, contribution files) takes the same way: the upload's file
 * hash and name, a chunk's counters and capped row errors, and the job that resumes from
 * processedRows, imports chunk after chunk, finishes once and marks itself FAILED when it cannot go on.
 */

export type ImportStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';

/** The table of an import's row (its counters, status and row errors). */
export type ImportTable = 'RosterImport' | 'ContributionImport';

export const fileSha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');

/**
 * The uploaded file's name as stored: a display name (domain checkDisplayName: direction controls,
 * control and invisible characters refused, NFC), without the folders a browser may send, at most 200
 * characters; `fallback` when there is none.
 */
export function cleanFileName(name: string | null | undefined, fallback: string): string {
  if (!name) return fallback;
  const checked = checkDisplayName(name, 'fileName', { zh: '文件名', en: 'The file name' });
  const base = [...(checked.split(/[/\\]/).pop() ?? '').trim()].slice(0, 200).join('');
  return base === '' || base === '.' || base === '..' ? fallback : base;
}

/** What a chunk did: rows written, rows valid but not matched (contributions), and the rejected rows' errors. */
export interface ChunkOutcome {
  accepted: number;
  unmatched?: number;
  errors: Array<{ row: number }>;
}

/**
 * Move the import past a chunk [from, to): add its counts (rejectedRows counts rows, not errors),
 * append its row errors up to `storedErrors` in all, in row order. Conditional on processedRows =
 * from, so a chunk is never counted twice; false when the import is elsewhere (or SUCCEEDED).
 */
export async function advanceImport(
  sql: SqlSession,
  table: ImportTable,
  importId: string,
  chunk: { from: number; to: number },
  outcome: ChunkOutcome,
  storedErrors: number,
): Promise<boolean> {
  const errors = [...outcome.errors].sort((a, b) => a.row - b.row);
  const rejected = new Set(errors.map((e) => e.row)).size;
  const unmatched = table === 'ContributionImport' ? `, "unmatchedRows" = "unmatchedRows" + ${Math.trunc(outcome.unmatched ?? 0)}` : '';
  const moved = await sql.query<{ id: string }>(
    `UPDATE "${table}"
        SET "processedRows" = $2, "acceptedRows" = "acceptedRows" + $3, "rejectedRows" = "rejectedRows" + $4${unmatched},
            status = 'RUNNING',
            "rowErrors" = "rowErrors" || coalesce(
              (SELECT jsonb_agg(x.e ORDER BY x.i) FROM jsonb_array_elements($5::jsonb) WITH ORDINALITY AS x(e, i)
                WHERE x.i <= $6 - jsonb_array_length("${table}"."rowErrors")), '[]'::jsonb)
      WHERE id = $1::uuid AND "processedRows" = $7 AND status <> 'SUCCEEDED'
      RETURNING id::text AS id`,
    [importId, chunk.to, outcome.accepted, rejected, JSON.stringify(errors.slice(0, storedErrors)), storedErrors, chunk.from],
  );
  return moved.length === 1;
}

/** The uploader, as the job's audit row names them (the one role they uploaded in); null when unknown. */
export function uploaderActor(userId: string | null, role: Pick<ActorRole, 'role' | 'organizationId' | 'regionCode'>): Actor | null {
  return userId ? { userId, username: '', sessionId: null, roles: [{ ...role, personId: null, canViewIdNumbers: false }] } : null;
}

export interface ImportJobOptions {
  /** Called after each committed chunk (the job reports it with job.updateProgress). */
  onProgress?: (p: { percent: number; processedRows: number; totalRows: number }) => Promise<void> | void;
  /** Test hook: runs after each committed chunk; throwing simulates a crash between chunks. */
  afterChunk?: (p: { processedRows: number }) => Promise<void> | void;
  /** Mark the import FAILED on any error (the job's last attempt); otherwise only on errors no retry can fix. */
  failOnAnyError?: boolean;
}

/** One import kind's part of runImportJob. */
export interface ImportJob<Row, Result> {
  table: ImportTable;
  importId: string;
  /** The import as stored when the job starts (not SUCCEEDED). */
  imp: { status: ImportStatus; processedRows: number; totalRows: number };
  /** The stored file's rows; null when the file is gone. Throws DomainError when the import cannot run. */
  readRows(): Promise<readonly Row[] | null>;
  /** What to tell the user when the file is gone. */
  fileGone: { zh: string; en: string };
  /** Import rows[from…] chunk after chunk, calling `committed` after each committed chunk. */
  importRows(rows: readonly Row[], from: number, committed: (processedRows: number) => Promise<void>): Promise<void>;
  /** Mark the import SUCCEEDED, in the transaction that holds its row lock. */
  finish(tx: Tx): Promise<Result>;
  /** The import as it is (when another run finished it first). */
  reread(tx: Tx): Promise<Result>;
  /** Mark the import FAILED. */
  fail(err: unknown): Promise<void>;
}

/**
 * Run (or resume) a queued import from its processedRows, then finish it once. Errors no retry can fix
 * (DomainError: the file is gone or unreadable, ...) mark it FAILED, as any error does with
 * failOnAnyError (the job's last attempt); the error is rethrown.
 */
export async function runImportJob<Row, Result>(prisma: PrismaClient, job: ImportJob<Row, Result>, options: ImportJobOptions): Promise<Result> {
  try {
    const rows = await job.readRows();
    if (!rows) throw new DomainError('NOT_FOUND', job.fileGone);
    const totalRows = rows.length;
    if (job.imp.status !== 'RUNNING' || job.imp.totalRows !== totalRows) {
      await prisma.$executeRawUnsafe(`UPDATE "${job.table}" SET status = 'RUNNING', "totalRows" = $2 WHERE id = $1::uuid`, job.importId, totalRows);
    }
    await job.importRows(rows, job.imp.processedRows, async (processedRows) => {
      await options.onProgress?.({ processedRows, totalRows, percent: importPercent({ status: 'RUNNING', processedRows, totalRows }) });
      await options.afterChunk?.({ processedRows });
    });
    return await transaction(prisma, async (tx) => {
      if (!(await lockRow(tx, job.table, job.importId))) throw notFound(job.table, '导入记录');
      const [row] = await tx.$queryRawUnsafe<Array<{ status: string }>>(`SELECT status::text AS status FROM "${job.table}" WHERE id = $1::uuid`, job.importId);
      return row?.status === 'SUCCEEDED' ? job.reread(tx) : job.finish(tx);
    });
  } catch (err) {
    if (isDomainError(err) || options.failOnAnyError) await job.fail(err);
    throw err;
  }
}

/**
 * The end of an import that SUCCEEDED, the same for every kind: its stored file is dropped, the audit row
 * records its counts and the outbox carries the `imported` event, all in the caller's transaction.
 */
export async function recordImportSucceeded(
  tx: Tx,
  actor: Actor | null,
  imp: { kind: ImportFileKind; entityType: 'RosterImport' | 'ContributionImport'; id: string; counts: Record<string, unknown> },
  event: { type: string; payload: OutboxPayload },
): Promise<void> {
  await deleteImportFile(tx, imp.kind, imp.id);
  await audit(tx, actor, { action: `${imp.kind}.imported`, entityType: imp.entityType, entityId: imp.id, after: imp.counts });
  await emit(tx, { type: event.type, aggregateType: imp.entityType, aggregateId: imp.id, payload: event.payload });
}
