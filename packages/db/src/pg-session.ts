import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type PrismaClient, pgConfigOf, type Tx, transaction } from './client.ts';

/**
 * Plain SQL with $n parameters on node-postgres, beside Prisma, for the few set-based batch paths
 * whose statements carry large parameters or bulk loads (an employment-check chunk's decisions as
 * one JSON document, a roster chunk's COPY): Prisma's driver adapter passes a large parameter several
 * times slower than node-postgres does. The connections use the Prisma client's own settings (see
 * createPrisma); a client built some other way has none, and callers then fall back to a Prisma
 * interactive transaction running the same SQL, so behaviour never depends on it.
 *
 * Every transaction here turns JIT off: the statements are short and compiling them costs more than
 * it saves. `asyncCommit` does not wait for the WAL flush: only for work that is redone when its
 * commit is lost (a chunk whose progress mark commits with it).
 */
export interface SqlSession {
  query<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface SqlTransactionOptions {
  timeoutMs: number;
  asyncCommit?: boolean;
}

/** A SqlSession on a Prisma interactive transaction. */
export function prismaSqlSession(tx: Tx): SqlSession {
  return { query: <R>(sql: string, params: readonly unknown[] = []) => tx.$queryRawUnsafe<R[]>(sql, ...params) };
}

function beginStatement({ timeoutMs, asyncCommit = false }: SqlTransactionOptions): string {
  return `BEGIN; SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}; SET LOCAL jit = off${asyncCommit ? '; SET LOCAL synchronous_commit = off' : ''}`;
}

/** BEGIN, `fn`, COMMIT; ROLLBACK when `fn` throws. Resolves `broken` true when even the rollback failed. */
async function inTransaction<T>(client: pg.ClientBase, options: SqlTransactionOptions, fn: () => Promise<T>): Promise<{ result: T } | { error: unknown; broken: boolean }> {
  await client.query(beginStatement(options));
  try {
    const result = await fn();
    await client.query('COMMIT');
    return { result };
  } catch (error) {
    let broken = false;
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    return { error, broken };
  }
}

const sessionOf = (client: pg.ClientBase): SqlSession => ({
  query: async <R>(sql: string, params: readonly unknown[] = []) => (await client.query(sql, params as unknown[])).rows as R[],
});

// ───────────────────────────── pooled sessions ─────────────────────────────

const pools = new WeakMap<PrismaClient, pg.Pool | null>();

function poolOf(prisma: PrismaClient): pg.Pool | null {
  if (pools.has(prisma)) return pools.get(prisma) ?? null;
  const config = pgConfigOf(prisma);
  const pool = config ? new pg.Pool({ ...config, max: 4, idleTimeoutMillis: 5_000, allowExitOnIdle: true }) : null;
  pool?.on('error', () => undefined); // an idle connection that dies is dropped by the pool
  pools.set(prisma, pool);
  return pool;
}

/** Close the node-postgres pool kept for `prisma` (workers call it on shutdown). */
export async function closeSqlSessions(prisma: PrismaClient): Promise<void> {
  const pool = pools.get(prisma);
  pools.delete(prisma);
  await pool?.end().catch(() => undefined);
}

/**
 * Run `fn` in one transaction on a pooled node-postgres connection: committed if it resolves, rolled
 * back if it throws. `tx` is the Prisma transaction when the fallback runs, null on node-postgres.
 */
export async function sqlTransaction<T>(
  prisma: PrismaClient,
  fn: (sql: SqlSession, tx: Tx | null) => Promise<T>,
  options: SqlTransactionOptions,
): Promise<T> {
  const pool = poolOf(prisma);
  if (!pool) {
    return transaction(
      prisma,
      async (tx) => {
        await tx.$executeRawUnsafe('SET LOCAL jit = off');
        if (options.asyncCommit) await tx.$executeRawUnsafe('SET LOCAL synchronous_commit = off');
        return fn(prismaSqlSession(tx), tx);
      },
      { timeoutMs: options.timeoutMs },
    );
  }
  const client = await pool.connect();
  let broken = false;
  try {
    const outcome = await inTransaction(client, options, () => fn(sessionOf(client), null));
    if ('result' in outcome) return outcome.result;
    broken = outcome.broken;
    throw outcome.error;
  } finally {
    client.release(broken);
  }
}

// ───────────────────────────── a dedicated connection ─────────────────────────────

/**
 * One node-postgres connection of its own (not pooled), for a job that keeps session state (a TEMP
 * table) across its transactions and loads rows with COPY FROM STDIN.
 */
export class PgConnection implements SqlSession {
  private constructor(private readonly client: pg.Client) {}

  /** Connect, then run `setup` once (e.g. CREATE TEMP TABLE); the connection is closed if it fails. */
  static async open(config: pg.ClientConfig, setup?: string): Promise<PgConnection> {
    const client = new pg.Client(config);
    client.on('error', () => undefined); // a dead connection fails its running query; nothing else to do
    await client.connect();
    try {
      if (setup) await client.query(setup);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    return new PgConnection(client);
  }

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.client.query(sql, params as unknown[])).rows as T[];
  }

  /** `COPY … FROM STDIN` (the statement) with `text` as its data. */
  async copyIn(statement: string, text: string): Promise<void> {
    await pipeline(
      (function* () {
        yield Buffer.from(text, 'utf8');
      })(),
      this.client.query(copyFrom(statement)),
    );
  }

  /** Run `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  async transaction<T>(fn: (conn: PgConnection) => Promise<T>, options: SqlTransactionOptions): Promise<T> {
    const outcome = await inTransaction(this.client, options, () => fn(this));
    if ('result' in outcome) return outcome.result;
    throw outcome.error;
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
