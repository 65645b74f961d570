/**
 * npm run db:new-migration -- <name>
 * Writes prisma/migrations/<timestamp>_<name>/migration.sql from the difference between the schema
 * as of the last migration (prisma/migrations/schema.last.prisma) and prisma/schema.prisma, using
 * Prisma's WASM schema engine (no database, no download), then updates the snapshot.
 * Hand-written SQL (partial unique indexes, CHECK constraints) goes at the end of migration.sql with
 * object names starting with `x_`, which the drift test knows schema.prisma cannot express.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const name = (process.argv[2] ?? '').replace(/[^a-z0-9_]/gi, '_');
if (!name) {
  console.error('usage: npm run db:new-migration -- <name>');
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, '../../../..');
const snapshot = path.join(root, 'prisma/migrations/schema.last.prisma');
const from = existsSync(snapshot) ? ['--from-schema-datamodel', snapshot] : ['--from-empty'];
const sql = execFileSync(
  'npx',
  ['prisma', 'migrate', 'diff', ...from, '--to-schema-datamodel', 'prisma/schema.prisma', '--script'],
  {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
if (/^-- This is an empty migration/m.test(sql)) {
  console.log('schema.prisma has no changes since the last migration');
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
const dir = path.join(root, 'prisma/migrations', `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, 'migration.sql'), sql);
copyFileSync(path.join(root, 'prisma/schema.prisma'), snapshot);
console.log(`wrote ${path.relative(root, dir)}/migration.sql`);
