import type { PrismaClient, Tx } from '@vtc/db';
import {
  earlierRowsOfIds,
  type RawRosterRow,
  ROSTER_INLINE_MAX_ROWS,
  ROSTER_RESPONSE_ERRORS,
  type RosterRowError,
  rosterChunkRows,
  rosterImportPercent,
} from '@vtc/domain';
import { OUTBOX_EVENT_TYPES } from '@vtc/jobs';
import { notFound } from '../shared/access.ts';
import type { Actor } from '../shared/actor.ts';
import type { PiiKeys } from '../shared/pii.ts';
import { loadImportFile } from './import-file.ts';
import { type ImportJobOptions, recordImportSucceeded, runImportJob, uploaderActor } from './import-run.ts';
import { importChunk, prepareChunk, runChunks } from './roster-chunk.ts';
import { assertEnrollable, lockUploadableClass, uploadableClass, validationContext } from './roster-class.ts';
import { parseRosterFile } from './roster-file.ts';
import { chunkConnections, prismaChunkSql } from './roster-sql.ts';
import { uploadImportFile } from './upload.ts';

/**
 * Roster (花名册) import: upload a CSV/XLSX for a class, import its trainees.
 *
 * Semantics: VALID ROWS IN.
 * - Every row is validated (domain validateTraineeInput, working age under the class region's policy
 *   on the class start date); valid rows are imported, rejected rows are listed with their sheet row
 *   number (header = row 1, first data row = 2), field, code and reason in Chinese and English.
 * - An ID number may appear once per file: later occurrences are rejected naming the first row.
 * - A person already in the system (same keyed hash of the ID number) is reused, never duplicated,
 *   and is not changed; the name in the file must match the registered name, else the row is
 *   rejected (NAME_MISMATCH). Household type and priority groups are snapshotted on the enrollment.
 * - A person already enrolled in the class: the row is rejected (ALREADY_ENROLLED).
 * - Capacity: rows are seated in file order; rows beyond the class capacity are rejected
 *   (CAPACITY_EXCEEDED) and create no person.
 * - Re-uploading the same file (same SHA-256) for the same class returns the existing import and
 *   writes nothing (a FAILED import is resumed instead).
 * - Atomicity: rows are imported in chunks (domain rosterChunkRows: 1,000–5,000 rows), each ONE
 *   transaction that inserts the new persons (ON CONFLICT on the ID hash does nothing), the
 *   enrollments (ON CONFLICT on class and person does nothing) and moves the import's counters; so an
 *   interrupted import leaves whole chunks only and a rerun continues from `processedRows`. Small
 *   files (≤ ROSTER_INLINE_MAX_ROWS rows) are imported in the upload request in a single transaction;
 *   larger ones by the `roster-import` job, with the file kept compressed and encrypted in
 *   RosterImportFile until the import ends (it holds ID numbers, so it never goes to Redis).
 * - At the end: one audit row `roster.imported` (counts only) and an outbox event `roster.imported`.
 *
 * Speed (the bench `roster-import`): each chunk goes into a session-local staging table (COPY FROM
 * STDIN on the job's own node-postgres connections; one text parameter inside the upload request's
 * Prisma transaction, see roster-sql.ts), then one statement inserts the persons and the enrollments
 * (data-modifying CTEs). ID numbers are validated and sealed in Node; new persons and enrollments get
 * time-ordered ids (UUIDv7), so the primary-key and person indexes grow at their right edge. The next
 * chunk is prepared while chunk transactions run in Postgres (roster-chunk.ts).
 */

export const ROSTER_EVENTS = {
  /** Published by the relay as the `roster-import` job (payload: the import id). */
  requested: OUTBOX_EVENT_TYPES.rosterImportRequested,
  imported: 'roster.imported',
} as const;

export interface RosterImportSummary {
  importId: string;
  classId: string;
  status: 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  fileName: string;
  format: string;
  totalRows: number;
  processedRows: number;
  acceptedRows: number;
  rejectedRows: number;
  percent: number;
  /** The first ROSTER_RESPONSE_ERRORS row errors, by row. */
  errors: RosterRowError[];
  /** True when this upload was the same file as an earlier import of the class (nothing written). */
  reused: boolean;
  createdAt: Date;
  finishedAt: Date | null;
}

interface RosterImportRow {
  id: string;
  classId: string;
  fileName: string;
  format: string;
  status: RosterImportSummary['status'];
  totalRows: number;
  processedRows: number;
  acceptedRows: number;
  rejectedRows: number;
  rowErrors: unknown;
  createdAt: Date;
  finishedAt: Date | null;
}

export function rosterImportSummary(imp: RosterImportRow, reused: boolean, errors?: RosterRowError[]): RosterImportSummary {
  const stored = Array.isArray(imp.rowErrors) ? (imp.rowErrors as RosterRowError[]) : [];
  return {
    importId: imp.id,
    classId: imp.classId,
    status: imp.status,
    fileName: imp.fileName,
    format: imp.format,
    totalRows: imp.totalRows,
    processedRows: imp.processedRows,
    acceptedRows: imp.acceptedRows,
    rejectedRows: imp.rejectedRows,
    percent: rosterImportPercent(imp),
    errors: (errors ?? stored).slice(0, ROSTER_RESPONSE_ERRORS),
    reused,
    createdAt: imp.createdAt,
    finishedAt: imp.finishedAt,
  };
}

// ───────────────────────────── upload ─────────────────────────────

export interface UploadRosterInput {
  classId: string;
  content: Buffer;
  fileName?: string | null;
  contentType?: string | null;
}

export interface RosterImportOptions {
  today?: Date;
  /** Files with more data rows run as a job (default ROSTER_INLINE_MAX_ROWS). */
  inlineMaxRows?: number;
}

/**
 * Upload a roster for a class. Small files are imported before this returns (status SUCCEEDED);
 * larger ones are stored encrypted and handed to the `roster-import` job (status PENDING) through
 * the outbox, in the same transaction that creates the import (upload.ts: the flow every import shares).
 */
export async function uploadRoster(
  prisma: PrismaClient,
  keys: PiiKeys,
  actor: Actor,
  input: UploadRosterInput,
  options: RosterImportOptions = {},
): Promise<RosterImportSummary> {
  await uploadableClass(prisma, actor, input.classId);
  return uploadImportFile(prisma, keys, {
    kind: 'roster',
    content: input.content,
    fileName: input.fileName,
    contentType: input.contentType,
    defaultName: 'roster',
    inlineMaxRows: options.inlineMaxRows ?? ROSTER_INLINE_MAX_ROWS,
    find: (sha) => prisma.rosterImport.findUnique({ where: { classId_fileSha256: { classId: input.classId, fileSha256: sha } } }),
    parse: parseRosterFile,
    lock: (tx) => lockUploadableClass(tx, actor, input.classId),
    create: (tx, klass, row) => tx.rosterImport.create({ data: { ...row, classId: klass.id, createdById: actor.userId } }),
    restart: (tx, imp, row) => tx.rosterImport.update({ where: { id: imp.id }, data: { ...row, finishedAt: null } }),
    async importInline(tx, imp, klass, parsed, restarted) {
      const ctx = await validationContext(tx, klass, options.today);
      const errors: RosterRowError[] = [];
      if (imp.processedRows < parsed.rows.length) {
        const chunk = await prepareChunk(keys, parsed.rows, earlierRowsOfIds(parsed.rows), ctx, imp.processedRows, parsed.rows.length);
        errors.push(...(await importChunk(await prismaChunkSql(tx), imp.id, klass.id, chunk)).errors);
      }
      return rosterImportSummary(await finishImport(tx, imp.id, actor), false, restarted ? undefined : errors);
    },
    requested: { type: ROSTER_EVENTS.requested, aggregateType: 'RosterImport', payload: (klass) => ({ classId: klass.id }) },
    summary: (imp, reused) => rosterImportSummary(imp, reused),
  });
}

/** Mark the import SUCCEEDED, drop its stored file, write the audit row and the outbox event. */
async function finishImport(tx: Tx, importId: string, actor: Actor | null): Promise<RosterImportRow> {
  const imp = await tx.rosterImport.update({
    where: { id: importId },
    data: { status: 'SUCCEEDED', finishedAt: new Date() },
  });
  const counts = { classId: imp.classId, format: imp.format, totalRows: imp.totalRows, acceptedRows: imp.acceptedRows, rejectedRows: imp.rejectedRows };
  await recordImportSucceeded(
    tx,
    actor,
    { kind: 'roster', entityType: 'RosterImport', id: imp.id, counts },
    { type: ROSTER_EVENTS.imported, payload: { classId: imp.classId, acceptedRows: imp.acceptedRows, rejectedRows: imp.rejectedRows } },
  );
  return imp;
}

// ───────────────────────────── the job ─────────────────────────────

export interface RunRosterImportOptions extends ImportJobOptions {
  today?: Date;
  /** Rows per transaction (default: domain rosterChunkRows of the file). */
  chunkRows?: number;
}

/**
 * Run (or resume) a queued import: chunk after chunk from `processedRows`, then finish. Running it
 * again after it SUCCEEDED does nothing. Errors no retry can fix (the file is gone or unreadable, the
 * class no longer takes enrollments) mark the import FAILED and are rethrown as DomainError.
 */
export async function runRosterImport(
  prisma: PrismaClient,
  keys: PiiKeys,
  importId: string,
  options: RunRosterImportOptions = {},
): Promise<RosterImportSummary> {
  const imp = await prisma.rosterImport.findUnique({ where: { id: importId }, include: { class: true } });
  if (!imp) throw notFound('RosterImport', '导入记录');
  if (imp.status === 'SUCCEEDED') return rosterImportSummary(imp, true);
  const chunks = chunkConnections(prisma);
  const actor = uploaderActor(imp.createdById, { role: 'INSTITUTION_STAFF', organizationId: imp.class.institutionId, regionCode: null });
  try {
    const finished = await runImportJob(
      prisma,
      {
        table: 'RosterImport',
        importId,
        imp,
        fileGone: { zh: '导入文件已不存在,请重新上传花名册', en: 'The uploaded file is no longer stored; upload the roster again' },
        async readRows() {
          assertEnrollable(imp.class.status);
          const content = await loadImportFile(await chunks.reader(), keys, 'roster', importId);
          return content && (await parseRosterFile(content, { fileName: imp.fileName })).rows;
        },
        async importRows(rows: readonly RawRosterRow[], from, committed) {
          const ctx = await validationContext(prisma, imp.class, options.today);
          const earlier = earlierRowsOfIds(rows);
          const size = options.chunkRows ?? rosterChunkRows(rows.length);
          const prepare = (at: number) => {
            const p = prepareChunk(keys, rows, earlier, ctx, at, Math.min(rows.length, at + size));
            p.catch(() => undefined); // awaited by runChunks; never an unhandled rejection if a transaction fails first
            return p;
          };
          await runChunks(prisma, chunks.inTransaction, importId, imp.classId, rows.length, from, prepare, committed);
          await chunks.close();
        },
        finish: (tx) => finishImport(tx, importId, actor),
        reread: (tx) => tx.rosterImport.findUniqueOrThrow({ where: { id: importId } }),
        fail: async () => {
          await prisma.rosterImport.updateMany({
            where: { id: importId, status: { not: 'SUCCEEDED' } },
            data: { status: 'FAILED', finishedAt: new Date() },
          });
        },
      },
      options,
    );
    return rosterImportSummary(finished, false);
  } finally {
    await chunks.close();
  }
}
