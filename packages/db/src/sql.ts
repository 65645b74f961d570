import type { Tx } from './client.ts';

/**
 * Small pieces of SQL plumbing every use case needs the same way: the unique-violation test, the
 * UUID check that keeps a malformed id from reaching a `::uuid` cast, and row locks.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID written in its canonical 8-4-4-4-12 hex form (any version, either case). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * True when `err` is a unique-constraint violation: Prisma's P2002, PostgreSQL's SQLSTATE 23505
 * (node-postgres, or the driver adapter's wrapped error), also when it is the `cause` of another error.
 */
export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; typeof e === 'object' && e !== null && depth < 8; depth++) {
    const x = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (x.code === 'P2002' || x.code === '23505') return true;
    if (typeof x.message === 'string' && /\b23505\b|unique constraint/i.test(x.message)) return true;
    if (x.cause === e) break;
    e = x.cause;
  }
  return false;
}

/** Tables whose rows use cases lock before deciding on them. */
export type LockableTable =
  | 'Apprenticeship'
  | 'AssessmentSession'
  | 'Certificate'
  | 'ContributionImport'
  | 'EmploymentCheckChunk'
  | 'EmploymentCheckRun'
  | 'PaymentBatch'
  | 'RosterImport'
  | 'StaffTrainingBatch'
  | 'SubsidyClaim'
  | 'TrainingClass';

/** `SELECT … FOR UPDATE` of one row; false when it does not exist. */
export async function lockRow(tx: Tx, table: LockableTable, id: string): Promise<boolean> {
  const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(`SELECT id::text AS id FROM "${table}" WHERE id = $1::uuid FOR UPDATE`, id);
  return rows.length > 0;
}

/** `SELECT … FOR UPDATE` of several rows in id order (so two transactions never wait on each other); the ids found. */
export async function lockRows(tx: Tx, table: LockableTable, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(
    `SELECT id::text AS id FROM "${table}" WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    [...ids],
  );
  return rows.map((r) => r.id);
}
