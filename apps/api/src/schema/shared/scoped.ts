import { enrollmentScope, personScope } from '@vtc/core';
import type { Enrollment, Person, Prisma } from '@vtc/db';
import type { Context } from '../../context.ts';

/**
 * To-one relations that cross into scoped records (a Person, an Enrollment) resolve here, through
 * the caller's scope: a record the caller may not see answers null, exactly as `node(id)` does.
 * Prisma cannot filter a required to-one relation where it is included, so these fields load
 * the target by id under the scope filter, batched: the rows asked for in one tick of a request
 * (say the persons of a page of enrollments) with the same selection are read in one query.
 */
type Query = { select?: Record<string, unknown>; include?: Record<string, unknown> };
type Row = { id: string };
type Load = (ctx: Context, query: Query, ids: string[]) => Promise<Row[]>;

interface Batch {
  ids: Set<string>;
  rows: Promise<Map<string, Row>>;
}

const batches = new WeakMap<Context, Map<string, Batch>>();

function withId(query: Query): Query {
  return query.select ? { select: { ...query.select, id: true } } : query;
}

function scopedLoader<T>(model: string, load: Load) {
  return (ctx: Context, id: string | null | undefined, query: Query): Promise<T | null> => {
    if (!id) return Promise.resolve(null);
    let open = batches.get(ctx);
    if (!open) {
      open = new Map();
      batches.set(ctx, open);
    }
    const key = `${model}:${JSON.stringify(query)}`;
    let batch = open.get(key);
    if (!batch) {
      const ids = new Set<string>();
      const rows = new Promise<Map<string, Row>>((resolve, reject) => {
        // Run after the resolvers of this tick have named their ids (as DataLoader does).
        void Promise.resolve().then(() =>
          process.nextTick(() => {
            open.delete(key);
            load(ctx, withId(query), [...ids]).then((found) => resolve(new Map(found.map((r) => [r.id, r]))), reject);
          }),
        );
      });
      batch = { ids, rows };
      open.set(key, batch);
    }
    batch.ids.add(id);
    return batch.rows.then((found) => (found.get(id) as T | undefined) ?? null);
  };
}

/** A person by id, or null when the caller's personScope hides it. */
export const scopedPerson = scopedLoader<Person>('Person', (ctx, query, ids) =>
  ctx.prisma.person.findMany({
    ...(query as Prisma.PersonFindManyArgs),
    where: { id: { in: ids }, AND: [personScope(ctx.actor)] },
  }),
);

/** An enrollment by id, or null when the caller's enrollmentScope hides it. */
export const scopedEnrollment = scopedLoader<Enrollment>('Enrollment', (ctx, query, ids) =>
  ctx.prisma.enrollment.findMany({
    ...(query as Prisma.EnrollmentFindManyArgs),
    where: { id: { in: ids }, AND: [enrollmentScope(ctx.actor)] },
  }),
);
