import pg from 'pg';

/**
 * Counts SQL statements at the driver: every `query` node-postgres sends (BEGIN/COMMIT included)
 * until `stop()` is called. Prisma's pg adapter, the app's own pg sessions and the benches' clients
 * all go through pg.Client.prototype.query.
 */
export function countStatements(): { n: number; stop: () => void } {
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const original = proto.query;
  const counter = {
    n: 0,
    stop: () => {
      proto.query = original;
    },
  };
  proto.query = function (this: unknown, ...a: unknown[]) {
    counter.n += 1;
    return original.apply(this, a);
  };
  return counter;
}
