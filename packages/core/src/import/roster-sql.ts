import { pipeline } from 'node:stream/promises';
import type { PrismaClient, Tx } from '@vtc/db';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * The connections a roster import writes through. A chunk is loaded into a session-local staging
 * table (TEMP, emptied at every commit) and moved into Person and Enrollment by set-based SQL:
 * - the job opens its own node-postgres connections (same database and settings as the Prisma
 *   client) and fills the staging table with COPY FROM STDIN: Prisma passes one 1 MB parameter
 *   ~6× slower than node-postgres, and COPY is the cheapest way into Postgres;
 * - the upload request imports small files inside its Prisma transaction: the same rows go in as
 *   one text parameter, split in SQL.
 * Either way the chunk's SQL is the same (see importChunk in roster-import.ts).
 */

/** A chunk's connection: plain SQL with $n parameters, and the bulk load of the staging table. */
export interface ChunkSql {
  query<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Replace the staging table's rows with these COPY text lines (see STAGE_COLUMNS). */
  stage(lines: string): Promise<void>;
}

/**
 * The staging table, in COPY text format order: row number, the new person's id, the enrollment's
 * id, name, ID cipher, ID hash, masked ID, birth date, sex, origin region, phone, household type,
 * priority groups; `pid` (a known person) is
 * filled in SQL when the class is nearly full.
 */
const STAGE_COLUMNS = 'i, id, eid, n, c, h, m, b, s, r, p, ht, g';
const stageTable = (onCommit: 'DELETE ROWS' | 'DROP') => `CREATE TEMP TABLE roster_stage (
  i int NOT NULL, id uuid NOT NULL, eid uuid NOT NULL, n text NOT NULL, c text NOT NULL, h char(64) NOT NULL, m char(18) NOT NULL, b date NOT NULL,
  s "Sex" NOT NULL, r char(6) NOT NULL, p text, ht "HouseholdType", g "PriorityGroup"[] NOT NULL, pid uuid
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
    query: <T>(sql: string, params: readonly unknown[] = []) => tx.$queryRawUnsafe<T[]>(sql, ...params),
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

/**
 * node-postgres settings of the Prisma client's adapter (@prisma/adapter-pg keeps the pool config it
 * was built with), or null when the client runs some other way; the job then imports through Prisma.
 */
export function pgConfigOf(prisma: PrismaClient): pg.ClientConfig | null {
  const adapter = (prisma as unknown as { _engineConfig?: { adapter?: { config?: unknown } } })._engineConfig?.adapter;
  const config = adapter?.config;
  if (!config || typeof config !== 'object') return null;
  const c = config as pg.PoolConfig;
  if (!c.connectionString && !c.host && !c.database) return null;
  const { max: _max, idleTimeoutMillis: _idle, ...client } = c;
  return client;
}

/** One node-postgres connection of the job, with its staging table. */
export class PgChunkConnection implements ChunkSql {
  private constructor(private readonly client: pg.Client) {}

  static async open(config: pg.ClientConfig): Promise<PgChunkConnection> {
    const client = new pg.Client(config);
    client.on('error', () => undefined); // a dead connection fails its running query; nothing else to do
    await client.connect();
    try {
      // Emptied at every commit (and a rolled-back chunk's rows are gone with it).
      await client.query(stageTable('DELETE ROWS'));
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    return new PgChunkConnection(client);
  }

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.client.query(sql, params as unknown[])).rows as T[];
  }

  async stage(lines: string): Promise<void> {
    const copy = this.client.query(copyFrom(`COPY roster_stage (${STAGE_COLUMNS}) FROM STDIN`));
    await pipeline(
      (function* () {
        yield Buffer.from(lines, 'utf8');
      })(),
      copy,
    );
  }

  /** Run `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  async transaction<T>(fn: (sql: ChunkSql) => Promise<T>, timeoutMs: number): Promise<T> {
    // One round trip. A lost commit after a crash is redone from processedRows, which commits (or
    // not) with the rows: no need to wait for the WAL flush. The chunk statements run for tens of
    // milliseconds: compiling them with JIT would cost more than it saves.
    await this.client.query(
      `BEGIN; SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}; SET LOCAL synchronous_commit TO off; SET LOCAL jit = off`,
    );
    try {
      const result = await fn(this);
      await this.client.query('COMMIT');
      return result;
    } catch (err) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
