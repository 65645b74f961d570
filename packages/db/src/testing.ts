import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, readMigrations } from './migrate.ts';

/**
 * Per-test databases. A template database is built once from prisma/migrations (named after the
 * migrations' checksums, so a new migration gets a new template); each test file then clones it with
 * CREATE DATABASE ... TEMPLATE, which takes a fraction of a second, and drops it at the end.
 */
const BASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/vtc';

function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: withDb(BASE_URL, 'postgres') });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function templateName(): Promise<string> {
  const all = await readMigrations();
  const h = createHash('sha256');
  for (const m of all) h.update(m.name).update(m.checksum);
  return `vtc_tpl_${h.digest('hex').slice(0, 16)}`;
}

export async function ensureTemplate(): Promise<string> {
  const name = await templateName();
  await admin(async (c) => {
    await c.query('SELECT pg_advisory_lock(74042023)');
    try {
      const { rowCount } = await c.query(
        "SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate",
        [name],
      );
      if (rowCount) return;
      await c.query(`DROP DATABASE IF EXISTS "${name}"`);
      await c.query(`CREATE DATABASE "${name}"`);
      await migrate(withDb(BASE_URL, name));
      await c.query(`ALTER DATABASE "${name}" WITH is_template = true ALLOW_CONNECTIONS = false`);
    } finally {
      await c.query('SELECT pg_advisory_unlock(74042023)');
    }
  });
  return name;
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated, empty database owned by the calling test. */
export async function createTestDatabase(label = 't'): Promise<TestDatabase> {
  const template = await ensureTemplate();
  const safe = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 20);
  const name = `vtc_test_${safe}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  const url = withDb(BASE_URL, name);
  return {
    name,
    url,
    drop: () =>
      admin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }),
  };
}

/** An empty database with nothing applied (for migration tests). */
export async function createEmptyDatabase(label = 'empty'): Promise<TestDatabase> {
  const name = `vtc_test_${label}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  return {
    name,
    url: withDb(BASE_URL, name),
    drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
  };
}
