import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { PrismaClient } from './generated/prisma/client.ts';

export { Prisma, PrismaClient } from './generated/prisma/client.ts';
export type * from './generated/prisma/client.ts';

const pgConfigs = new WeakMap<PrismaClient, pg.ClientConfig>();

/** A Prisma client running through node-postgres (no native query engine). */
export function createPrisma(databaseUrl: string, options: { max?: number } = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.max ?? 10 });
  const prisma = new PrismaClient({ adapter });
  pgConfigs.set(prisma, { connectionString: databaseUrl });
  return prisma;
}

/**
 * The node-postgres settings a client made by createPrisma connects with (for the raw sessions of
 * pg-session.ts), or null for a client built some other way.
 */
export function pgConfigOf(prisma: PrismaClient): pg.ClientConfig | null {
  return pgConfigs.get(prisma) ?? null;
}

/** The interactive-transaction client handed to use cases. */
export type Tx = Omit<
  PrismaClient,
  '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'
>;

/** Run `fn` in one serializable-safe transaction (read committed by default). */
export function transaction<T>(
  prisma: PrismaClient,
  fn: (tx: Tx) => Promise<T>,
  options: { timeoutMs?: number; isolationLevel?: 'ReadCommitted' | 'RepeatableRead' | 'Serializable' } = {},
): Promise<T> {
  return prisma.$transaction((tx) => fn(tx as Tx), {
    timeout: options.timeoutMs ?? 15_000,
    maxWait: 10_000,
    isolationLevel: options.isolationLevel,
  });
}
