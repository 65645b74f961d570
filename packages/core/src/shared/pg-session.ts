import { type PrismaClient, type Tx, transaction } from '@vtc/db';
import pg from 'pg';
import { pgConfigOf } from '../import/roster-sql.ts';

/**
 * Plain SQL with $n parameters inside one transaction, for the few set-based batch paths whose
 * statements carry large parameters (a chunk's decisions as one JSON document of ~1 MB): Prisma's
 * client engine passes such a parameter ~5× slower than node-postgres (measured: a 530 kB JSON
 * parameter, 45 ms through $queryRaw vs 9 ms through pg). With the Prisma client's own adapter
 * settings a small node-postgres pool per client is used; a client that runs some other way falls
 * back to a Prisma interactive transaction with the same SQL, so behaviour never depends on it.
 * Either way JIT is off for the transaction: the statements are short and compiling them would cost
 * more than it saves (measured: 24 ms of JIT on a 28 ms chunk read). `asyncCommit` does not wait for
 * the WAL flush: only for work that is redone when its commit is lost (a chunk whose DONE mark is in
 * the same transaction).
 */
export interface SqlSession {
  query<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

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
 * Run `fn` in one transaction: committed if it resolves, rolled back if it throws. `tx` is the Prisma
 * transaction when the fallback runs, null on the node-postgres path.
 */
export async function sqlTransaction<T>(
  prisma: PrismaClient,
  fn: (sql: SqlSession, tx: Tx | null) => Promise<T>,
  { timeoutMs, asyncCommit = false }: { timeoutMs: number; asyncCommit?: boolean },
): Promise<T> {
  const pool = poolOf(prisma);
  if (!pool) {
    return transaction(
      prisma,
      async (tx) => {
        await tx.$executeRawUnsafe('SET LOCAL jit = off');
        if (asyncCommit) await tx.$executeRawUnsafe('SET LOCAL synchronous_commit = off');
        return fn({ query: <R>(sql: string, params: readonly unknown[] = []) => tx.$queryRawUnsafe<R[]>(sql, ...params) }, tx);
      },
      { timeoutMs },
    );
  }
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query(
      `BEGIN; SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}; SET LOCAL jit = off${asyncCommit ? '; SET LOCAL synchronous_commit = off' : ''}`,
    );
    try {
      const result = await fn({ query: async <R>(sql: string, params: readonly unknown[] = []) => (await client.query(sql, params as unknown[])).rows as R[] }, null);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    }
  } finally {
    client.release(broken);
  }
}
