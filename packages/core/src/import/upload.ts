import { isUniqueViolation, type PrismaClient, type Tx, transaction } from '@vtc/db';
import { importBusy } from '@vtc/domain';
import { emit, type OutboxPayload } from '../shared/outbox.ts';
import type { PiiKeys } from '../shared/pii.ts';
import { type ImportFileKind, storeImportFile } from './import-file.ts';
import { cleanFileName, fileSha256, type ImportStatus } from './import-run.ts';
import type { TabularHints } from './tabular-file.ts';

/**
 * The one upload flow of every tabular import (rosters, contribution files):
 *   the file name is checked (cleanFileName), the same file (SHA-256) already imported in the same
 *   scope is returned as it is (a FAILED one is restarted); the file is read within the process's
 *   parse slots; up to `inlineMaxRows` rows are imported in the request, in one transaction; larger
 *   files are sealed into the import's row and handed to the job through the outbox, in the
 *   transaction that creates the import. The same file uploaded twice at once: the second waits on
 *   the first's unique key, then returns it.
 */
export interface UploadFlow<Imp extends { id: string; status: ImportStatus }, Parsed extends { format: string; rows: readonly unknown[] }, Locked, Result> {
  kind: ImportFileKind;
  content: Buffer;
  fileName: string | null | undefined;
  contentType: string | null | undefined;
  /** The stored name when the upload has none, e.g. `roster` (→ roster.csv). */
  defaultName: string;
  inlineMaxRows: number;
  /** The import of the same file in the same scope (class, region), if any. */
  find(sha: string): Promise<Imp | null>;
  parse(content: Buffer, hints: TabularHints): Promise<Parsed>;
  /** Locks (and rechecks) what the import belongs to, first in each of its transactions. */
  lock(tx: Tx): Promise<Locked>;
  create(tx: Tx, locked: Locked, row: { fileName: string; fileSha256: string; format: string; status: 'RUNNING' | 'PENDING'; totalRows: number }): Promise<Imp>;
  /** Restart the FAILED import of the same file. */
  restart(tx: Tx, imp: Imp, row: { status: 'RUNNING' | 'PENDING'; totalRows: number }): Promise<Imp>;
  /** Import every row in the request's transaction and finish; `restarted` when an earlier FAILED import continues. */
  importInline(tx: Tx, imp: Imp, locked: Locked, parsed: Parsed, restarted: boolean): Promise<Result>;
  /** The outbox event that queues the job. */
  requested: { type: string; aggregateType: string; payload: (locked: Locked) => OutboxPayload };
  summary(imp: Imp, reused: boolean): Result;
}

export async function uploadImportFile<Imp extends { id: string; status: ImportStatus }, Parsed extends { format: string; rows: readonly unknown[] }, Locked, Result>(
  prisma: PrismaClient,
  keys: PiiKeys,
  flow: UploadFlow<Imp, Parsed, Locked, Result>,
): Promise<Result> {
  const named = flow.fileName ? cleanFileName(flow.fileName, '') : '';
  const sha = fileSha256(flow.content);
  const existing = await flow.find(sha);
  if (existing && existing.status !== 'FAILED') return flow.summary(existing, true);

  const parsed = await UPLOAD_PARSE_SLOTS.run(() =>
    flow.parse(flow.content, { contentType: flow.contentType ?? undefined, fileName: flow.fileName ?? undefined }),
  );
  const totalRows = parsed.rows.length;
  const start = (tx: Tx, locked: Locked, status: 'RUNNING' | 'PENDING') =>
    existing
      ? flow.restart(tx, existing, { status, totalRows })
      : flow.create(tx, locked, { fileName: named || `${flow.defaultName}.${parsed.format}`, fileSha256: sha, format: parsed.format, status, totalRows });
  try {
    if (totalRows <= flow.inlineMaxRows) {
      return await transaction(
        prisma,
        async (tx) => {
          const locked = await flow.lock(tx);
          return flow.importInline(tx, await start(tx, locked, 'RUNNING'), locked, parsed, existing !== null);
        },
        { timeoutMs: 60_000 },
      );
    }
    const queued = await transaction(prisma, async (tx) => {
      const locked = await flow.lock(tx);
      const imp = await start(tx, locked, 'PENDING');
      await storeImportFile(tx, keys, flow.kind, imp.id, flow.content);
      await emit(tx, { type: flow.requested.type, aggregateType: flow.requested.aggregateType, aggregateId: imp.id, payload: flow.requested.payload(locked) });
      return imp;
    });
    return flow.summary(queued, false);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const winner = await flow.find(sha);
    if (!winner) throw err;
    return flow.summary(winner, true);
  }
}

/**
 * How many uploads this process reads at once, and how many more may wait for a turn; beyond that an
 * upload is refused at once (CONFLICT, reason BUSY: nothing saved, send it again) rather than queued
 * without bound. Each read is bounded by the file limits (XLSX_LIMITS), so the process's memory for
 * reading uploads is bounded by `running` of them. Jobs read their stored files outside these slots
 * (the worker's queue concurrency bounds them).
 */
export class ParseSlots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly size: number,
    readonly maxWaiting: number,
  ) {}

  async run<T>(read: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) {
      if (this.waiting.length >= this.maxWaiting) throw importBusy();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await read();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

/** Two reads at a time (the API's two cores), four more waiting. */
export const UPLOAD_PARSE_SLOTS = new ParseSlots(2, 4);
