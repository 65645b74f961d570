import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { type PrismaClient, type Tx, transaction } from '@vtc/db';
import {
  canEnroll,
  type ClassStatus,
  DomainError,
  earlierRowsOfIds,
  maskResidentId,
  type RawRosterRow,
  ROSTER_INLINE_MAX_ROWS,
  ROSTER_RESPONSE_ERRORS,
  ROSTER_STORED_ERRORS,
  type RosterRowError,
  rosterChunkRows,
  rosterImportPercent,
  rosterRowError,
  type TraineeValidationContext,
  validateRosterRow,
} from '@vtc/domain';
import { OUTBOX_EVENT_TYPES } from '@vtc/jobs';
import { isStaffOf, notFound } from '../shared/access.ts';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import { emit } from '../shared/outbox.ts';
import { idNumberHasher, type PiiKeys } from '../shared/pii.ts';
import { COPY_NULL, type ChunkSql, PgChunkConnection, pgConfigOf, prismaChunkSql } from './roster-sql.ts';
import { type ParsedRoster, parseRosterFile, type RosterFormat } from './roster-file.ts';
import { classScope } from '../shared/scope.ts';
import { trainingRulesFor } from '../training-class/policy.ts';

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
 * Speed (100,000 rows: the bench `roster-import`): each chunk goes into a session-local staging table
 * (COPY FROM STDIN on the job's own node-postgres connections; one text parameter inside the upload
 * request's Prisma transaction, see roster-sql.ts), then one statement inserts the persons and
 * the enrollments (data-modifying CTEs). ID numbers are validated, hashed and encrypted in Node; new
 * persons and enrollments get time-ordered ids (UUIDv7), so the primary-key and person indexes grow at
 * their right edge. The next chunk is prepared while chunk transactions run in Postgres, two at a
 * time (each commits only after the one before it, so committed chunks stay an unbroken prefix).
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

interface ImportRow {
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

export function rosterImportSummary(imp: ImportRow, reused: boolean, errors?: RosterRowError[]): RosterImportSummary {
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

// ───────────────────────────── the stored file ─────────────────────────────

const FILE_MAGIC = Buffer.from('VTCR1');

/** Raw-deflated, then AES-256-GCM with the ID encryption key, bound to the import id (AAD). */
export function sealImportFile(keys: PiiKeys, importId: string, content: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.encryptionKey, iv);
  cipher.setAAD(Buffer.from(importId));
  const ct = Buffer.concat([cipher.update(deflateRawSync(content, { level: 1 })), cipher.final()]);
  return Buffer.concat([FILE_MAGIC, iv, cipher.getAuthTag(), ct]);
}

export function openImportFile(keys: PiiKeys, importId: string, sealed: Uint8Array): Buffer {
  const buf = Buffer.from(sealed);
  if (!buf.subarray(0, FILE_MAGIC.length).equals(FILE_MAGIC)) throw new Error('Unsupported roster file ciphertext');
  const at = FILE_MAGIC.length;
  const decipher = createDecipheriv('aes-256-gcm', keys.encryptionKey, buf.subarray(at, at + 12));
  decipher.setAAD(Buffer.from(importId));
  decipher.setAuthTag(buf.subarray(at + 12, at + 28));
  return inflateRawSync(Buffer.concat([decipher.update(buf.subarray(at + 28)), decipher.final()]));
}

/** Keep the uploaded file (sealed) until its import ends. Base64 in SQL: Prisma's Bytes path is slow for megabytes. */
export async function storeImportFile(tx: Tx, keys: PiiKeys, importId: string, content: Buffer): Promise<void> {
  const sealed = sealImportFile(keys, importId, content).toString('base64');
  await tx.$executeRaw`
    INSERT INTO "RosterImportFile" ("importId", content, "createdAt")
    VALUES (${importId}::uuid, decode(${sealed}, 'base64'), now())
    ON CONFLICT ("importId") DO UPDATE SET content = EXCLUDED.content, "createdAt" = EXCLUDED."createdAt"`;
}

export async function loadImportFile(tx: Tx, keys: PiiKeys, importId: string): Promise<Buffer | null> {
  const rows = await tx.$queryRaw<Array<{ content: string }>>`
    SELECT encode(content, 'base64') AS content FROM "RosterImportFile" WHERE "importId" = ${importId}::uuid`;
  return rows[0] ? openImportFile(keys, importId, Buffer.from(rows[0].content, 'base64')) : null;
}

export async function deleteImportFile(tx: Tx, importId: string): Promise<void> {
  await tx.$executeRaw`DELETE FROM "RosterImportFile" WHERE "importId" = ${importId}::uuid`;
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

const iso = (d: Date) => d.toISOString().slice(0, 10);

function cleanFileName(name: string | null | undefined, format: RosterFormat): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strip control characters from a header value
  const cleaned = (name ?? '').replace(/[\u0000-\u001f\u007f/\\]/g, '').trim().slice(0, 200);
  return cleaned || `roster.${format}`;
}

/** The class the actor may upload a roster to, or NOT_FOUND / FORBIDDEN / INVALID_TRANSITION. */
async function uploadableClass(tx: Tx, actor: Actor, classId: string) {
  const klass = await tx.trainingClass.findFirst({
    where: { AND: [{ id: classId }, classScope(actor)] },
    select: { id: true, institutionId: true, status: true, regionCode: true, startDate: true, capacity: true },
  });
  if (!klass) throw notFound('Class', '培训班');
  if (!isStaffOf(actor, klass.institutionId)) {
    throw new DomainError('FORBIDDEN', {
      zh: '只有本班所属培训机构的工作人员可以上传花名册',
      en: "Only staff of the class's institution may upload its roster",
    });
  }
  assertEnrollable(klass.status);
  return klass;
}

async function lockUploadableClass(tx: Tx, actor: Actor, classId: string) {
  await tx.$queryRaw`SELECT id FROM "TrainingClass" WHERE id = ${classId}::uuid FOR UPDATE`;
  return uploadableClass(tx, actor, classId);
}

function assertEnrollable(status: ClassStatus): void {
  if (!canEnroll(status)) {
    throw new DomainError(
      'INVALID_TRANSITION',
      {
        zh: '培训班已提交或已开班,不能再导入学员(仅“草稿”或“已驳回”状态可以)',
        en: `Trainees cannot be imported into a class in state ${status} (only DRAFT or REJECTED)`,
      },
      { from: status },
    );
  }
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';
}

async function reusedImport(prisma: PrismaClient, classId: string, sha: string): Promise<RosterImportSummary> {
  const winner = await prisma.rosterImport.findUniqueOrThrow({
    where: { classId_fileSha256: { classId, fileSha256: sha } },
  });
  return rosterImportSummary(winner, true);
}

/**
 * Upload a roster for a class. Small files are imported before this returns (status SUCCEEDED);
 * larger ones are stored encrypted and handed to the `roster-import` job (status PENDING) through
 * the outbox, in the same transaction that creates the import.
 */
export async function uploadRoster(
  prisma: PrismaClient,
  keys: PiiKeys,
  actor: Actor,
  input: UploadRosterInput,
  options: RosterImportOptions = {},
): Promise<RosterImportSummary> {
  await uploadableClass(prisma, actor, input.classId);
  const sha = createHash('sha256').update(input.content).digest('hex');
  const existing = await prisma.rosterImport.findUnique({
    where: { classId_fileSha256: { classId: input.classId, fileSha256: sha } },
  });
  if (existing && existing.status !== 'FAILED') return rosterImportSummary(existing, true);

  const parsed = await parseRosterFile(input.content, {
    contentType: input.contentType ?? undefined,
    fileName: input.fileName ?? undefined,
  });
  const inline = parsed.rows.length <= (options.inlineMaxRows ?? ROSTER_INLINE_MAX_ROWS);
  const startImport = async (tx: Tx, classId: string, status: 'RUNNING' | 'PENDING') =>
    existing
      ? tx.rosterImport.update({
          where: { id: existing.id },
          data: { status, totalRows: parsed.rows.length, finishedAt: null },
        })
      : tx.rosterImport.create({
          data: {
            classId,
            fileName: cleanFileName(input.fileName, parsed.format),
            fileSha256: sha,
            format: parsed.format,
            status,
            totalRows: parsed.rows.length,
            createdById: actor.userId,
          },
        });

  try {
    if (inline) {
      return await transaction(
        prisma,
        async (tx) => {
          const klass = await lockUploadableClass(tx, actor, input.classId);
          const imp = await startImport(tx, klass.id, 'RUNNING');
          const ctx = await validationContext(tx, klass, options.today);
          const earlier = earlierRowsOfIds(parsed.rows);
          const errors: RosterRowError[] = [];
          if (imp.processedRows < parsed.rows.length) {
            const chunk = await prepareChunk(keys, parsed.rows, earlier, ctx, imp.processedRows, parsed.rows.length);
            const done = await importChunk(await prismaChunkSql(tx), imp.id, klass.id, chunk);
            errors.push(...done.errors);
          }
          const finished = await finishImport(tx, imp.id, actor);
          return rosterImportSummary(finished, false, existing ? undefined : errors);
        },
        { timeoutMs: 60_000 },
      );
    }
    const queued = await transaction(prisma, async (tx) => {
      const klass = await lockUploadableClass(tx, actor, input.classId);
      const imp = await startImport(tx, klass.id, 'PENDING');
      await storeImportFile(tx, keys, imp.id, input.content);
      await emit(tx, {
        type: ROSTER_EVENTS.requested,
        aggregateType: 'RosterImport',
        aggregateId: imp.id,
        payload: { classId: klass.id },
      });
      return imp;
    });
    return rosterImportSummary(queued, false);
  } catch (err) {
    // The same file uploaded twice at once: the second waits on the first's unique key, then reuses it.
    if (isUniqueViolation(err)) return reusedImport(prisma, input.classId, sha);
    throw err;
  }
}

async function validationContext(
  tx: Tx,
  klass: { regionCode: string; startDate: Date },
  today: Date = new Date(),
): Promise<TraineeValidationContext> {
  const on = iso(klass.startDate);
  return { today, rules: await trainingRulesFor(tx, klass.regionCode, on), on };
}

// ───────────────────────────── preparing a chunk (CPU) ─────────────────────────────

interface PreparedChunk {
  /** Data-row indexes [from, to). */
  from: number;
  to: number;
  /** Rows refused by validation. */
  invalid: RosterRowError[];
  /** How many rows passed validation. */
  valid: number;
  /** The valid rows as COPY text lines (roster-sql.ts, STAGE_COLUMNS). */
  lines: string;
}

const SLICE_ROWS = 250;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A validated value in COPY text: never a tab, line break or backslash (names, codes, digits only). */
function copyValue(v: string): string {
  if (/[\t\n\r\\]/.test(v)) throw new Error('roster import: unexpected control character in a validated value');
  return v;
}

/**
 * Time-ordered UUIDs (version 7, RFC 9562: 48-bit Unix milliseconds, then a 26-bit counter in
 * rand_a and the top of rand_b, then 48 random bits) for the persons and enrollments an import
 * creates. New rows then land at the right edge of the primary-key indexes (and of Enrollment's
 * person indexes) instead of on random pages: measured a third less index work in Postgres.
 */
class UuidV7 {
  private ms = 0;
  private counter = 0;
  private head = '';
  private random = '';
  private used = 0;

  /** Reserve `n` ids (taken with next()), all under one timestamp. */
  reserve(n: number): void {
    let ms = Date.now();
    if (ms <= this.ms) ms = this.ms;
    else this.counter = randomBytes(3).readUIntBE(0, 3); // a random start below 2^24 of 2^26
    if (this.counter + n >= 1 << 26) {
      ms = this.ms + 1;
      this.counter = 0;
    }
    this.ms = ms;
    const t = ms.toString(16).padStart(12, '0');
    this.head = `${t.slice(0, 8)}-${t.slice(8)}-7`;
    this.random = randomBytes(6 * n).toString('hex');
    this.used = 0;
  }

  next(): string {
    const c = this.counter++;
    const k = this.used++;
    const a = (0x1000 | ((c >>> 14) & 0xfff)).toString(16).slice(1);
    const b = (0x8000 | (c & 0x3fff)).toString(16);
    return `${this.head}${a}-${b}-${this.random.slice(k * 12, k * 12 + 12)}`;
  }
}

const ids = new UuidV7();

/**
 * Validate, hash and encrypt rows[from, to), yielding to the event loop every SLICE_ROWS rows.
 * Ciphertexts are in the format of pii.ts encryptIdNumber (`v1.<iv>.<tag>.<ct>`, so decryptIdNumber
 * reads them), with the IVs drawn from one randomBytes call per slice: per-row randomBytes costs
 * as much as the encryption itself.
 */
async function prepareChunk(
  keys: PiiKeys,
  rows: readonly RawRosterRow[],
  earlier: ReadonlyArray<number | undefined>,
  ctx: TraineeValidationContext,
  from: number,
  to: number,
): Promise<PreparedChunk> {
  const hashId = idNumberHasher(keys);
  const invalid: RosterRowError[] = [];
  let valid = 0;
  const lines: string[] = [];
  for (let start = from; start < to; start += SLICE_ROWS) {
    const end = Math.min(to, start + SLICE_ROWS);
    const ivs = randomBytes(12 * (end - start));
    ids.reserve(2 * (end - start));
    for (let i = start; i < end; i++) {
      const o = validateRosterRow(rows[i]!, ctx, earlier[i]);
      if (!o.ok) {
        for (const e of o.errors) invalid.push(e);
        continue;
      }
      const v = o.value;
      const iv = ivs.subarray((i - start) * 12, (i - start) * 12 + 12);
      const cipher = createCipheriv('aes-256-gcm', keys.encryptionKey, iv);
      const ct = cipher.update(v.idNumber, 'utf8');
      cipher.final();
      const sealed = `v1.${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${ct.toString('base64url')}`;
      const hash = hashId(v.idNumber);
      valid++;
      lines.push(
        `${o.row}\t${ids.next()}\t${ids.next()}\t${copyValue(v.name)}\t${sealed}\t${hash}\t${maskResidentId(v.idNumber)}\t${v.birthDate}\t${v.sex}\t${v.originRegionCode}\t${v.phone === null ? COPY_NULL : copyValue(v.phone)}\t${v.householdType ?? COPY_NULL}\t{${v.priorityGroups.join(',')}}\n`,
      );
    }
    if (end < to) await yieldToLoop();
  }
  return { from, to, invalid, valid, lines: lines.join('') };
}

// ───────────────────────────── importing a chunk (one transaction) ─────────────────────────────

/** A chunk that must not be written: its transaction rolls back and the runner decides what next. */
class ChunkAbort extends Error {
  constructor(
    /** finished: the import is done; moved: another runner is elsewhere; serial: the class is nearly full. */
    readonly kind: 'finished' | 'moved' | 'serial',
  ) {
    super(`roster chunk aborted: ${kind}`);
  }
}

/** How a chunk runs beside the one before it (see runRosterImport). */
interface ChunkFlow {
  /** Rows the earlier chunk still in flight may enroll (an upper bound): seats kept for it. */
  reserved: number;
  /** Settles when the earlier chunk has committed (and its progress was reported); rejects if it failed. */
  before: Promise<unknown>;
}

const SERIAL: ChunkFlow = { reserved: 0, before: Promise.resolve() };

/** Row numbers as one int[] literal parameter. */
const intArray = (rows: readonly number[]) => `{${rows.join(',')}}`;

/**
 * Import one prepared chunk in the caller's transaction, set-based. The class is locked FOR SHARE:
 * chunks of this import may run side by side, while a single enrollment or a state change of the
 * class (FOR UPDATE) waits for them. The import's counters move at the end, only once the earlier
 * chunk has committed, with a check that the import is still where this chunk starts; so the
 * committed chunks always form an unbroken prefix of the file.
 */
async function importChunk(sql: ChunkSql, importId: string, classId: string, chunk: PreparedChunk, flow: ChunkFlow = SERIAL) {
  const [state] = await sql.query<{ status: string; processedRows: number; classStatus: ClassStatus; capacity: number; taken: number }>(
    `SELECT r.status::text AS status, r."processedRows", c.status::text AS "classStatus", c.capacity,
            (SELECT count(*)::int FROM "Enrollment" e WHERE e."classId" = c.id AND e.status <> 'WITHDRAWN') AS taken
       FROM "RosterImport" r JOIN "TrainingClass" c ON c.id = r."classId"
      WHERE r.id = $1::uuid AND c.id = $2::uuid
        FOR SHARE OF c`,
    [importId, classId],
  );
  if (!state) throw notFound('RosterImport', '导入记录');
  if (state.status === 'SUCCEEDED') throw new ChunkAbort('finished');
  // With an earlier chunk in flight the stored position may still be behind this chunk, never ahead.
  if (state.processedRows > chunk.from || (flow.reserved === 0 && state.processedRows !== chunk.from)) throw new ChunkAbort('moved');
  assertEnrollable(state.classStatus);

  const errors: RosterRowError[] = [...chunk.invalid];
  const reject = (e: RosterRowError) => errors.push(e);

  let accepted = 0;
  if (chunk.valid > 0) {
    await sql.stage(chunk.lines);

    // Seats left. When every valid row fits (the usual case), existing persons need no lookup up
    // front: the insert below skips them (ON CONFLICT) and they are resolved afterwards, set-based.
    // When the class would fill up, existing persons are resolved first so that seats go to rows in
    // file order, and the rows that get no seat leave the staging table (they create no person).
    const seats = Math.max(0, state.capacity - state.taken - flow.reserved);
    if (chunk.valid > seats) {
      // Near capacity the order of seats matters: run without an earlier chunk in flight.
      if (flow.reserved > 0) throw new ChunkAbort('serial');
      const staged = await sql.query<{ i: number; known: boolean; same: boolean; enrolled: boolean }>(
        `SELECT st.i, p.id IS NOT NULL AS known, p.name IS NOT DISTINCT FROM st.n AS same,
                EXISTS (SELECT 1 FROM "Enrollment" e WHERE e."classId" = $1::uuid AND e."personId" = p.id) AS enrolled
           FROM roster_stage st LEFT JOIN "Person" p ON p."idNumberHash" = st.h
          ORDER BY st.i`,
        [classId],
      );
      const dropped: number[] = [];
      const reused: number[] = [];
      let seated = 0;
      for (const k of staged) {
        if (k.known && !k.same) reject(rosterRowError(k.i, 'NAME_MISMATCH'));
        else if (k.enrolled) reject(rosterRowError(k.i, 'ALREADY_ENROLLED'));
        else if (seated >= seats) reject(rosterRowError(k.i, 'CAPACITY_EXCEEDED', { capacity: state.capacity }));
        else {
          seated++;
          if (k.known) reused.push(k.i);
          continue;
        }
        dropped.push(k.i);
      }
      if (dropped.length > 0) await sql.query('DELETE FROM roster_stage WHERE i = ANY($1::int[])', [intArray(dropped)]);
      if (reused.length > 0) {
        await sql.query(
          `UPDATE roster_stage st SET pid = p.id FROM "Person" p WHERE p."idNumberHash" = st.h AND st.i = ANY($1::int[])`,
          [intArray(reused)],
        );
      }
    }

    // One statement: insert the new persons, enroll new and known persons; it returns the row
    // numbers it could not enroll (a person registered before or meanwhile, or already enrolled).
    const [outcome] = await sql.query<{ enrolled: number; missed: number[] }>(
      `WITH person AS (
         INSERT INTO "Person" (id, name, "idNumberCipher", "idNumberHash", "idNumberMasked", "birthDate", sex,
                               "originRegionCode", phone, "householdType", "priorityGroups", "createdAt", "updatedAt")
         SELECT id, n, c, h, m, b, s, r, p, ht, g, now(), now()
           FROM roster_stage WHERE pid IS NULL
         ON CONFLICT ("idNumberHash") DO NOTHING
         RETURNING id, "idNumberHash"
       ), target AS (
         SELECT st.i, st.eid, st.g, st.ht, coalesce(st.pid, person.id) AS pid
           FROM roster_stage st LEFT JOIN person ON person."idNumberHash" = st.h
       ), enrolled AS (
         INSERT INTO "Enrollment" (id, "classId", "personId", status, "priorityGroups", "householdType", "rosterImportId", "createdAt")
         SELECT eid, $1::uuid, pid, 'ENROLLED', g, ht, $2::uuid, now()
           FROM target WHERE pid IS NOT NULL
         ON CONFLICT ("classId", "personId") DO NOTHING
         RETURNING "personId"
       )
       SELECT (SELECT count(*)::int FROM enrolled) AS enrolled,
              coalesce((SELECT array_agg(i) FROM target
                         WHERE pid IS NULL OR pid NOT IN (SELECT "personId" FROM enrolled)), '{}') AS missed`,
      [classId, importId],
    );
    accepted = outcome?.enrolled ?? 0;
    const missed = (outcome?.missed ?? []).map(Number);
    if (missed.length > 0) accepted += await enrollMissed(sql, importId, classId, missed, reject);
  }

  errors.sort((a, b) => a.row - b.row);
  const rejected = new Set(errors.map((e) => e.row)).size;
  await flow.before;
  const moved = await sql.query<{ id: string }>(
    `UPDATE "RosterImport"
        SET "processedRows" = $2, "acceptedRows" = "acceptedRows" + $3,
            "rejectedRows" = "rejectedRows" + $4, status = 'RUNNING',
            "rowErrors" = "rowErrors" || coalesce(
              (SELECT jsonb_agg(x.e ORDER BY x.i) FROM jsonb_array_elements($5::jsonb) WITH ORDINALITY AS x(e, i)
                WHERE x.i <= $6 - jsonb_array_length("RosterImport"."rowErrors")), '[]'::jsonb)
      WHERE id = $1::uuid AND "processedRows" = $7 AND status <> 'SUCCEEDED'
      RETURNING id`,
    [importId, chunk.to, accepted, rejected, JSON.stringify(errors.slice(0, ROSTER_STORED_ERRORS)), ROSTER_STORED_ERRORS, chunk.from],
  );
  if (moved.length !== 1) throw new ChunkAbort('moved');
  return { processedRows: chunk.to, errors };
}

/**
 * Rows the set-based statement did not enroll: persons registered before (or meanwhile by another
 * transaction) and persons already enrolled. Looked up, name-checked and enrolled set-based.
 */
async function enrollMissed(
  sql: ChunkSql,
  importId: string,
  classId: string,
  missed: readonly number[],
  reject: (e: RosterRowError) => void,
): Promise<number> {
  const found = await sql.query<{ i: number; same: boolean; enrolled: boolean }>(
    `WITH m AS (
       SELECT st.i, st.eid, p.id AS pid, p.name = st.n AS same, st.g, st.ht
         FROM roster_stage st JOIN "Person" p ON p."idNumberHash" = st.h
        WHERE st.i = ANY($3::int[])
     ), ins AS (
       INSERT INTO "Enrollment" (id, "classId", "personId", status, "priorityGroups", "householdType", "rosterImportId", "createdAt")
       SELECT eid, $1::uuid, pid, 'ENROLLED', g, ht, $2::uuid, now() FROM m WHERE same
       ON CONFLICT ("classId", "personId") DO NOTHING
       RETURNING "personId"
     )
     SELECT m.i, m.same, m.pid IN (SELECT "personId" FROM ins) AS enrolled FROM m`,
    [classId, importId, intArray(missed)],
  );
  const outcome = new Map(found.map((f) => [Number(f.i), f]));
  let accepted = 0;
  for (const i of missed) {
    const f = outcome.get(i);
    if (!f || !f.same) reject(rosterRowError(i, 'NAME_MISMATCH'));
    else if (!f.enrolled) reject(rosterRowError(i, 'ALREADY_ENROLLED'));
    else accepted++;
  }
  return accepted;
}

/** Mark the import SUCCEEDED, drop its stored file, write the audit row and the outbox event. */
async function finishImport(tx: Tx, importId: string, actor: Actor | null): Promise<ImportRow> {
  const imp = await tx.rosterImport.update({
    where: { id: importId },
    data: { status: 'SUCCEEDED', finishedAt: new Date() },
  });
  await deleteImportFile(tx, importId);
  const counts = {
    classId: imp.classId,
    format: imp.format,
    totalRows: imp.totalRows,
    acceptedRows: imp.acceptedRows,
    rejectedRows: imp.rejectedRows,
  };
  await audit(tx, actor, { action: 'roster.imported', entityType: 'RosterImport', entityId: imp.id, after: counts });
  await emit(tx, {
    type: ROSTER_EVENTS.imported,
    aggregateType: 'RosterImport',
    aggregateId: imp.id,
    payload: { classId: imp.classId, acceptedRows: imp.acceptedRows, rejectedRows: imp.rejectedRows },
  });
  return imp;
}

// ───────────────────────────── the job ─────────────────────────────

export interface RunRosterImportOptions {
  today?: Date;
  /** Rows per transaction (default: domain rosterChunkRows of the file). */
  chunkRows?: number;
  /** Called after each committed chunk (the job reports it with job.updateProgress). */
  onProgress?: (p: { percent: number; processedRows: number; totalRows: number }) => Promise<void> | void;
  /** Test hook: runs after each committed chunk; throwing simulates a crash between chunks. */
  afterChunk?: (p: { processedRows: number }) => Promise<void> | void;
  /** Mark the import FAILED on any error (the job's last attempt); otherwise only on errors no retry can fix. */
  failOnAnyError?: boolean;
}

/** Transactions in flight at once: while one waits on Postgres, the next can use the other core (3 measured no better). */
const CHUNKS_IN_FLIGHT = 2;

interface Gate {
  promise: Promise<void>;
  open(): void;
  fail(err: unknown): void;
}

function gate(): Gate {
  let open!: () => void;
  let fail!: (err: unknown) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  promise.catch(() => undefined);
  return { promise, open, fail };
}

const CHUNK_TIMEOUT_MS = 120_000;

/** Runs one chunk transaction. */
type InTransaction = <T>(fn: (sql: ChunkSql) => Promise<T>) => Promise<T>;

/**
 * The job's chunk transactions: on its own node-postgres connections (one per chunk in flight,
 * opened on first use) when the Prisma client runs on @prisma/adapter-pg, else Prisma transactions.
 */
function chunkTransactions(
  prisma: PrismaClient,
  keys: PiiKeys,
): { inTransaction: InTransaction; loadFile(importId: string): Promise<Buffer | null>; close(): Promise<void> } {
  const config = pgConfigOf(prisma);
  if (!config) {
    return {
      loadFile: (importId) => loadImportFile(prisma, keys, importId),
      inTransaction: (fn) => transaction(prisma, async (tx) => fn(await prismaChunkSql(tx)), { timeoutMs: CHUNK_TIMEOUT_MS }),
      close: async () => undefined,
    };
  }
  const idle: PgChunkConnection[] = [];
  const all = new Set<PgChunkConnection>();
  const acquire = async () => {
    let conn = idle.pop();
    if (!conn) {
      conn = await PgChunkConnection.open(config);
      all.add(conn);
    }
    return conn;
  };
  return {
    // The sealed file as bytea, not base64 through Prisma (megabytes).
    async loadFile(importId) {
      const conn = await acquire();
      const rows = await conn.query<{ content: Buffer }>('SELECT content FROM "RosterImportFile" WHERE "importId" = $1::uuid', [importId]);
      idle.push(conn);
      return rows[0] ? openImportFile(keys, importId, rows[0].content) : null;
    },
    async inTransaction(fn) {
      const conn = await acquire();
      try {
        const result = await conn.transaction(fn, CHUNK_TIMEOUT_MS);
        idle.push(conn);
        return result;
      } catch (err) {
        // Rolled back; the connection is not reused after a failure.
        all.delete(conn);
        await conn.close();
        throw err;
      }
    },
    async close() {
      await Promise.all([...all].map((c) => c.close()));
      all.clear();
      idle.length = 0;
    },
  };
}

/**
 * Import chunk after chunk from `from`: the next chunk is prepared in Node, and up to
 * CHUNKS_IN_FLIGHT chunk transactions run at once; each commits only after the one before it has
 * committed and been reported. A failed chunk fails the ones after it (they roll back); an abort
 * (import moved on, or class nearly full) restarts from the stored position, serially when full.
 */
async function runChunks(
  prisma: PrismaClient,
  inTransaction: InTransaction,
  importId: string,
  classId: string,
  total: number,
  from: number,
  prepare: (from: number) => Promise<PreparedChunk>,
  report: (processedRows: number) => Promise<void>,
): Promise<void> {
  let cursor = from;
  let inFlightLimit = CHUNKS_IN_FLIGHT;
  while (cursor < total) {
    let prepared: Promise<PreparedChunk> | null = prepare(cursor);
    const inflight: Array<{ chunk: PreparedChunk; done: Promise<unknown>; reported: Gate }> = [];
    let previous: Promise<unknown> = Promise.resolve();
    let failure: unknown = null;
    for (;;) {
      while (failure === null && prepared && inflight.length < inFlightLimit) {
        const chunk: PreparedChunk = await prepared;
        prepared = chunk.to < total ? prepare(chunk.to) : null;
        const flow: ChunkFlow = { reserved: inflight.reduce((n, f) => n + f.chunk.valid, 0), before: previous };
        const done = inTransaction((sql) => importChunk(sql, importId, classId, chunk, flow));
        done.catch(() => undefined);
        const reported = gate();
        previous = reported.promise;
        inflight.push({ chunk, done, reported });
      }
      const head = inflight.shift();
      if (!head) break;
      try {
        if (failure !== null) throw failure;
        await head.done;
        await report(head.chunk.to);
        head.reported.open();
      } catch (err) {
        failure ??= err;
        head.reported.fail(err);
        await head.done.catch(() => undefined);
      }
    }
    if (failure === null) return;
    if (!(failure instanceof ChunkAbort)) throw failure;
    if (failure.kind === 'finished') return;
    if (failure.kind === 'serial') inFlightLimit = 1;
    const stored = await prisma.rosterImport.findUniqueOrThrow({ where: { id: importId }, select: { processedRows: true, status: true } });
    if (stored.status === 'SUCCEEDED') return;
    cursor = stored.processedRows;
  }
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
  const chunks = chunkTransactions(prisma, keys);
  try {
    assertEnrollable(imp.class.status);
    const content = await chunks.loadFile(importId);
    if (!content) {
      throw new DomainError('NOT_FOUND', {
        zh: '导入文件已不存在,请重新上传花名册',
        en: 'The uploaded file is no longer stored; upload the roster again',
      });
    }
    const parsed: ParsedRoster = await parseRosterFile(content, { fileName: imp.fileName });
    const rows = parsed.rows;
    if (imp.status !== 'RUNNING' || imp.totalRows !== rows.length) {
      await prisma.rosterImport.update({ where: { id: importId }, data: { status: 'RUNNING', totalRows: rows.length } });
    }
    const ctx = await validationContext(prisma, imp.class, options.today);
    const earlier = earlierRowsOfIds(rows);
    const size = options.chunkRows ?? rosterChunkRows(rows.length);
    const prepare = (from: number) => {
      const p = prepareChunk(keys, rows, earlier, ctx, from, Math.min(rows.length, from + size));
      p.catch(() => undefined); // awaited below; never an unhandled rejection if a transaction fails first
      return p;
    };

    const report = async (processedRows: number) => {
      const progress = { processedRows, totalRows: rows.length };
      await options.onProgress?.({ ...progress, percent: rosterImportPercent({ status: 'RUNNING', ...progress }) });
      await options.afterChunk?.({ processedRows });
    };
    await runChunks(prisma, chunks.inTransaction, importId, imp.classId, rows.length, imp.processedRows, prepare, report);
    await chunks.close();

    const actor: Actor | null = imp.createdById
      ? {
          userId: imp.createdById,
          username: '',
          sessionId: null,
          roles: [
            { role: 'INSTITUTION_STAFF', organizationId: imp.class.institutionId, regionCode: null, personId: null, canViewIdNumbers: false },
          ],
        }
      : null;
    const finished = await transaction(prisma, async (tx) => {
      const [row] = await tx.$queryRaw<Array<{ status: string }>>`
        SELECT status::text AS status FROM "RosterImport" WHERE id = ${importId}::uuid FOR UPDATE`;
      if (row?.status === 'SUCCEEDED') return tx.rosterImport.findUniqueOrThrow({ where: { id: importId } });
      return finishImport(tx, importId, actor);
    });
    return rosterImportSummary(finished, false);
  } catch (err) {
    if (err instanceof DomainError || options.failOnAnyError) {
      await prisma.rosterImport.updateMany({
        where: { id: importId, status: { not: 'SUCCEEDED' } },
        data: { status: 'FAILED', finishedAt: new Date() },
      });
    }
    throw err;
  } finally {
    await chunks.close();
  }
}
