import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { migrate } from './migrate.ts';
import { createEmptyDatabase, type TestDatabase } from './testing.ts';

/**
 * schema.prisma and prisma/migrations must describe the same database. Build one database from
 * the migrations and one from Prisma's own SQL for schema.prisma, dump both with pg_dump and compare.
 * Hand-written objects named x_* (partial indexes, CHECKs, triggers) exist only in migrations.
 */
const root = path.resolve(import.meta.dirname, '../../..');
const dbs: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(dbs.map((d) => d.drop()));
});

function dump(url: string): string[] {
  const out = execFileSync('pg_dump', ['--schema-only', '--no-owner', '--no-privileges', url], {
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter((l) => !l.startsWith('--') && !l.startsWith('\\') && !l.startsWith('SET ') && !l.startsWith('SELECT pg_catalog'))
    .filter((l) => !/^\s+CONSTRAINT "?x_/.test(l)) // inline hand-written CHECKs
    .join('\n')
    .replace(/,\n\)/g, '\n)')
    .replace(/CREATE FUNCTION[\s\S]*?\$\$;\n/g, '') // hand-written trigger functions
    .split(/;\n/)
    .map((s) => s.trim())
    .filter((s) => s && !s.includes('_prisma_migrations') && !/"?x_[a-z_]+"?/.test(s))
    .map(normaliseBody)
    .sort();
}

/**
 * Later migrations append columns (ALTER TABLE ADD COLUMN) and enum values, so their order differs
 * from a database made in one go; order carries no meaning for Prisma, so compare the sets.
 */
function normaliseBody(statement: string): string {
  if (!/^CREATE (TABLE|TYPE)/.test(statement)) return statement;
  const open = statement.indexOf('(');
  const close = statement.lastIndexOf(')');
  if (open < 0 || close < open) return statement;
  const items = statement
    .slice(open + 1, close)
    .split('\n')
    .map((l) => l.trim().replace(/,$/, ''))
    .filter(Boolean)
    .sort();
  return `${statement.slice(0, open)}(\n${items.join(',\n')}\n${statement.slice(close)}`;
}

describe('schema.prisma and prisma/migrations agree', () => {
  it('produce identical schemas', async () => {
    const fromMigrations = await createEmptyDatabase('drift_m');
    const fromSchema = await createEmptyDatabase('drift_s');
    dbs.push(fromMigrations, fromSchema);
    await migrate(fromMigrations.url);

    const sql = execFileSync(
      'npx',
      ['prisma', 'migrate', 'diff', '--from-empty', '--to-schema-datamodel', 'prisma/schema.prisma', '--script'],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, DATABASE_URL: fromSchema.url } },
    );
    const c = new pg.Client({ connectionString: fromSchema.url });
    await c.connect();
    await c.query(sql);
    await c.end();

    const a = dump(fromMigrations.url);
    const b = dump(fromSchema.url);
    expect(a.length).toBeGreaterThan(50);
    expect(a).toEqual(b);
  });

  it('applies each migration once and refuses an edited one', async () => {
    const db = await createEmptyDatabase('drift_once');
    dbs.push(db);
    const first = await migrate(db.url);
    expect(first.applied.length).toBeGreaterThan(0);
    const second = await migrate(db.url);
    expect(second.applied).toEqual([]);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query(`UPDATE "_prisma_migrations" SET checksum = repeat('0', 64)`);
    await c.end();
    await expect(migrate(db.url)).rejects.toThrow(/checksum mismatch/);
  });
});
