import { PgConnection, type PrismaClient, pgConfigOf, prismaSqlSession, type SqlSession, type Tx, transaction } from '@vtc/db';

/**
 * Where a roster chunk is written. A chunk is loaded into a session-local staging table (TEMP, emptied
 * at every commit) and moved into Person and Enrollment by set-based SQL:
 * - the job opens its own node-postgres connections (@vtc/db PgConnection, same database and settings
 *   as the Prisma client) and fills the staging table with COPY FROM STDIN, the cheapest way into
 *   Postgres;
 * - the upload request imports small files inside its Prisma transaction: the same rows go in as one
 *   text parameter, split in SQL.
 * Either way the chunk's SQL is the same (see roster-chunk.ts).
 */

/** A chunk's connection: plain SQL with $n parameters, and the bulk load of the staging table. */
export interface ChunkSql extends SqlSession {
  /** Replace the staging table's rows with these COPY text lines (see STAGE_COLUMNS). */
  stage(lines: string): Promise<void>;
}

/**
 * The staging table, in COPY text format order: the row number, the new person's id, the enrollment's
 * id, the person's fields, and the priority groups; `known_person_id` (a person already registered) is
 * filled in SQL when the class is nearly full.
 */
const STAGE_COLUMNS =
  'row_no, person_id, enrollment_id, name, id_cipher, id_hash, id_masked, birth_date, sex, origin_region, phone, household_type, priority_groups';
const stageTable = (onCommit: 'DELETE ROWS' | 'DROP') => `CREATE TEMP TABLE roster_stage (
  row_no int NOT NULL, person_id uuid NOT NULL, enrollment_id uuid NOT NULL, name text NOT NULL, id_cipher text NOT NULL,
  id_hash char(64) NOT NULL, id_masked char(18) NOT NULL, birth_date date NOT NULL, sex "Sex" NOT NULL, origin_region char(6) NOT NULL,
  phone text, household_type "HouseholdType", priority_groups "PriorityGroup"[] NOT NULL, known_person_id uuid
) ON COMMIT ${onCommit}`;

/** Text COPY's NULL. */
export const COPY_NULL = '\\N';

/**
 * The chunk's SQL inside a Prisma interactive transaction (the upload request). A lost commit after
 * a crash is redone from processedRows, which commits (or not) with the rows: no need to wait for
 * the WAL flush.
 */
export async function prismaChunkSql(tx: Tx): Promise<ChunkSql> {
  await tx.$executeRawUnsafe('SET LOCAL synchronous_commit TO off');
  return {
    ...prismaSqlSession(tx),
    async stage(lines) {
      // Dropped at commit: nothing stays behind on the pooled connection.
      await tx.$executeRawUnsafe(stageTable('DROP'));
      // Values never hold a tab, line break or backslash (validated; see the line builder), so the
      // COPY text needs no unescaping here.
      await tx.$executeRawUnsafe(
        `INSERT INTO roster_stage (${STAGE_COLUMNS})
         SELECT f[1]::int, f[2]::uuid, f[3]::uuid, f[4], f[5], f[6], f[7], f[8]::date, f[9]::"Sex", f[10],
                nullif(f[11], '\\N'), nullif(f[12], '\\N')::"HouseholdType", f[13]::"PriorityGroup"[]
           FROM (SELECT string_to_array(l, E'\\t') AS f FROM unnest(string_to_array(rtrim($1, E'\\n'), E'\\n')) AS l) x`,
        lines,
      );
    },
  };
}

const CHUNK_TIMEOUT_MS = 120_000;

/** Runs one chunk transaction. */
export type InTransaction = <T>(fn: (sql: ChunkSql) => Promise<T>) => Promise<T>;

/** The job's chunk transactions, and the connection its stored file is read through. */
export interface ChunkConnections {
  inTransaction: InTransaction;
  /** A connection to read the stored file through (the Prisma client when there is no node-postgres). */
  reader(): Promise<Tx | PgConnection>;
  close(): Promise<void>;
}

/**
 * The job's chunk transactions: on its own node-postgres connections (one per chunk in flight,
 * opened on first use) when the Prisma client was made by createPrisma, else Prisma transactions.
 * A connection whose transaction failed is closed, not reused.
 */
export function chunkConnections(prisma: PrismaClient): ChunkConnections {
  const config = pgConfigOf(prisma);
  if (!config) {
    return {
      reader: async () => prisma,
      inTransaction: (fn) => transaction(prisma, async (tx) => fn(await prismaChunkSql(tx)), { timeoutMs: CHUNK_TIMEOUT_MS }),
      close: async () => undefined,
    };
  }
  const idle: PgConnection[] = [];
  const all = new Set<PgConnection>();
  const acquire = async () => {
    let conn = idle.pop();
    if (!conn) {
      // Emptied at every commit (and a rolled-back chunk's rows are gone with it).
      conn = await PgConnection.open(config, stageTable('DELETE ROWS'));
      all.add(conn);
    }
    return conn;
  };
  const chunkSql = (conn: PgConnection): ChunkSql => ({
    query: (sql, params) => conn.query(sql, params),
    stage: (lines) => conn.copyIn(`COPY roster_stage (${STAGE_COLUMNS}) FROM STDIN`, lines),
  });
  return {
    async reader() {
      const conn = await acquire();
      idle.push(conn);
      return conn;
    },
    async inTransaction(fn) {
      const conn = await acquire();
      try {
        // A lost commit after a crash is redone from processedRows, which commits (or not) with the rows.
        const result = await conn.transaction(() => fn(chunkSql(conn)), { timeoutMs: CHUNK_TIMEOUT_MS, asyncCommit: true });
        idle.push(conn);
        return result;
      } catch (err) {
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
