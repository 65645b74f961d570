import { v7 as uuidv7 } from 'uuid';
import type { PrismaClient } from '@vtc/db';
import {
  type ClassStatus,
  type RawRosterRow,
  ROSTER_STORED_ERRORS,
  type RosterRowError,
  rosterRowError,
  type TraineeValidationContext,
  validateRosterRow,
} from '@vtc/domain';
import { notFound } from '../shared/access.ts';
import { type PiiKeys, residentIdSealer } from '../shared/pii.ts';
import { advanceImport } from './import-run.ts';
import { assertEnrollable } from './roster-class.ts';
import { COPY_NULL, type ChunkSql, type InTransaction } from './roster-sql.ts';

/**
 * A roster chunk: prepared in Node (rows validated, ID numbers sealed, ids drawn), then imported in
 * one transaction through a staging table (roster-sql.ts) with set-based SQL. The job runs chunks as
 * a pipeline: the next chunk is prepared while chunk transactions run in Postgres, CHUNKS_IN_FLIGHT at
 * a time, each committing only after the one before it, so committed chunks stay an unbroken prefix.
 */

// ───────────────────────────── preparing a chunk (CPU) ─────────────────────────────

export interface PreparedChunk {
  /** Data-row indexes [from, to). */
  from: number;
  to: number;
  /** Rows refused by validation. */
  invalid: RosterRowError[];
  /** How many rows passed validation. */
  valid: number;
  /** The valid rows as COPY text lines (roster-sql.ts STAGE_COLUMNS). */
  lines: string;
}

const SLICE_ROWS = 250;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A validated value in COPY text: never a tab, line break or backslash (names, codes, digits only). */
function copyValue(v: string): string {
  if (/[\t\n\r\\]/.test(v)) throw new Error('roster import: unexpected control character in a validated value');
  return v;
}

// Persons and enrollments an import creates get time-ordered ids (UUID version 7, RFC 9562): new rows
// land at the right edge of the primary-key indexes instead of on random pages.

/** Validate and seal (residentIdSealer) rows[from, to), yielding to the event loop every SLICE_ROWS rows. */
export async function prepareChunk(
  keys: PiiKeys,
  rows: readonly RawRosterRow[],
  earlier: ReadonlyArray<number | undefined>,
  ctx: TraineeValidationContext,
  from: number,
  to: number,
): Promise<PreparedChunk> {
  const seal = residentIdSealer(keys);
  const invalid: RosterRowError[] = [];
  let valid = 0;
  const lines: string[] = [];
  for (let start = from; start < to; start += SLICE_ROWS) {
    const end = Math.min(to, start + SLICE_ROWS);
    for (let i = start; i < end; i++) {
      const o = validateRosterRow(rows[i]!, ctx, earlier[i]);
      if (!o.ok) {
        for (const e of o.errors) invalid.push(e);
        continue;
      }
      const v = o.value;
      const id = seal(v.idNumber);
      valid++;
      lines.push(
        `${o.row}\t${uuidv7()}\t${uuidv7()}\t${copyValue(v.name)}\t${id.idNumberCipher}\t${id.idNumberHash}\t${id.idNumberMasked}\t${v.birthDate}\t${v.sex}\t${v.originRegionCode}\t${v.phone === null ? COPY_NULL : copyValue(v.phone)}\t${v.householdType ?? COPY_NULL}\t{${v.priorityGroups.join(',')}}\n`,
      );
    }
    if (end < to) await yieldToLoop();
  }
  return { from, to, invalid, valid, lines: lines.join('') };
}

// ───────────────────────────── importing a chunk (one transaction) ─────────────────────────────

/** A chunk that must not be written: its transaction rolls back and the runner decides what next. */
export class ChunkAbort extends Error {
  constructor(
    /** finished: the import is done; moved: another runner is elsewhere; serial: the class is nearly full. */
    readonly kind: 'finished' | 'moved' | 'serial',
  ) {
    super(`roster chunk aborted: ${kind}`);
  }
}

/** How a chunk runs beside the one before it (see runChunks). */
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
export async function importChunk(sql: ChunkSql, importId: string, classId: string, chunk: PreparedChunk, flow: ChunkFlow = SERIAL) {
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
      const staged = await sql.query<{ row: number; known: boolean; same: boolean; enrolled: boolean }>(
        `SELECT st.row_no AS row, p.id IS NOT NULL AS known, p.name IS NOT DISTINCT FROM st.name AS same,
                EXISTS (SELECT 1 FROM "Enrollment" e WHERE e."classId" = $1::uuid AND e."personId" = p.id) AS enrolled
           FROM roster_stage st LEFT JOIN "Person" p ON p."idNumberHash" = st.id_hash
          ORDER BY st.row_no`,
        [classId],
      );
      const dropped: number[] = [];
      const reused: number[] = [];
      let seated = 0;
      for (const k of staged) {
        if (k.known && !k.same) reject(rosterRowError(k.row, 'NAME_MISMATCH'));
        else if (k.enrolled) reject(rosterRowError(k.row, 'ALREADY_ENROLLED'));
        else if (seated >= seats) reject(rosterRowError(k.row, 'CAPACITY_EXCEEDED', { capacity: state.capacity }));
        else {
          seated++;
          if (k.known) reused.push(k.row);
          continue;
        }
        dropped.push(k.row);
      }
      if (dropped.length > 0) await sql.query('DELETE FROM roster_stage WHERE row_no = ANY($1::int[])', [intArray(dropped)]);
      if (reused.length > 0) {
        await sql.query(
          `UPDATE roster_stage st SET known_person_id = p.id FROM "Person" p WHERE p."idNumberHash" = st.id_hash AND st.row_no = ANY($1::int[])`,
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
         SELECT person_id, name, id_cipher, id_hash, id_masked, birth_date, sex, origin_region, phone, household_type, priority_groups, now(), now()
           FROM roster_stage WHERE known_person_id IS NULL
         ON CONFLICT ("idNumberHash") DO NOTHING
         RETURNING id, "idNumberHash"
       ), target AS (
         SELECT st.row_no, st.enrollment_id, st.priority_groups, st.household_type, coalesce(st.known_person_id, person.id) AS person_id
           FROM roster_stage st LEFT JOIN person ON person."idNumberHash" = st.id_hash
       ), enrolled AS (
         INSERT INTO "Enrollment" (id, "classId", "personId", status, "priorityGroups", "householdType", "rosterImportId", "createdAt")
         SELECT enrollment_id, $1::uuid, person_id, 'ENROLLED', priority_groups, household_type, $2::uuid, now()
           FROM target WHERE person_id IS NOT NULL
         ON CONFLICT ("classId", "personId") DO NOTHING
         RETURNING "personId"
       )
       SELECT (SELECT count(*)::int FROM enrolled) AS enrolled,
              coalesce((SELECT array_agg(row_no) FROM target
                         WHERE person_id IS NULL OR person_id NOT IN (SELECT "personId" FROM enrolled)), '{}') AS missed`,
      [classId, importId],
    );
    accepted = outcome?.enrolled ?? 0;
    const missed = (outcome?.missed ?? []).map(Number);
    if (missed.length > 0) accepted += await enrollMissed(sql, importId, classId, missed, reject);
  }

  errors.sort((a, b) => a.row - b.row);
  await flow.before;
  if (!(await advanceImport(sql, 'RosterImport', importId, chunk, { accepted, errors }, ROSTER_STORED_ERRORS))) throw new ChunkAbort('moved');
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
  const found = await sql.query<{ row: number; same: boolean; enrolled: boolean }>(
    `WITH m AS (
       SELECT st.row_no, st.enrollment_id, p.id AS person_id, p.name = st.name AS same, st.priority_groups, st.household_type
         FROM roster_stage st JOIN "Person" p ON p."idNumberHash" = st.id_hash
        WHERE st.row_no = ANY($3::int[])
     ), ins AS (
       INSERT INTO "Enrollment" (id, "classId", "personId", status, "priorityGroups", "householdType", "rosterImportId", "createdAt")
       SELECT enrollment_id, $1::uuid, person_id, 'ENROLLED', priority_groups, household_type, $2::uuid, now() FROM m WHERE same
       ON CONFLICT ("classId", "personId") DO NOTHING
       RETURNING "personId"
     )
     SELECT m.row_no AS row, m.same, m.person_id IN (SELECT "personId" FROM ins) AS enrolled FROM m`,
    [classId, importId, intArray(missed)],
  );
  const outcome = new Map(found.map((f) => [Number(f.row), f]));
  let accepted = 0;
  for (const row of missed) {
    const f = outcome.get(row);
    if (!f || !f.same) reject(rosterRowError(row, 'NAME_MISMATCH'));
    else if (!f.enrolled) reject(rosterRowError(row, 'ALREADY_ENROLLED'));
    else accepted++;
  }
  return accepted;
}

// ───────────────────────────── the job's chunk pipeline ─────────────────────────────

/** Transactions in flight at once: while one waits on Postgres, the next is prepared in Node. */
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


/**
 * Import chunk after chunk from `from`: the next chunk is prepared in Node, and up to
 * CHUNKS_IN_FLIGHT chunk transactions run at once; each commits only after the one before it has
 * committed and been reported. A failed chunk fails the ones after it (they roll back); an abort
 * (import moved on, or class nearly full) restarts from the stored position, serially when full.
 */
export async function runChunks(
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

