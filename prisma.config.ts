import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

// Prisma's CLI runs with its WASM schema engine through the pg driver adapter, so generate and
// `migrate diff` need no native binary download (see docs/operations.md). Migrations are
// applied by packages/db's own runner (npm run db:migrate), which needs no engine at all.
// The schema's datasource reads DATABASE_URL; default it to the local service like packages/config does.
process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/vtc';
// Prisma 6 probes for a native query engine even when the client uses the driver adapter
// (engineType = "client"); pointing it at any file stops the download attempt.
process.env.PRISMA_QUERY_ENGINE_LIBRARY ??= new URL('./package.json', import.meta.url).pathname;

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () =>
    new PrismaPg({ connectionString: process.env.DATABASE_URL }),
});
