import { Prisma } from '@vtc/db';

/** SQL pieces the run's steps share. */

/**
 * Ids (uuids read from Postgres) as one comma-separated text parameter, for `= ANY(string_to_array($1,
 * ',')::uuid[])`: much cheaper for node-postgres to send and Postgres to parse than a uuid[] parameter.
 */
export function idList(ids: Iterable<string>): string {
  return [...ids].join(',');
}

/** SQL: is check `k` open (to be looked at by a run's chunks)? Not yet decided (x_employment_check_open). */
export const OPEN_CHECK_SQL = `(k."decidedAt" IS NULL)`;
export const OPEN_CHECK = Prisma.raw(OPEN_CHECK_SQL);
