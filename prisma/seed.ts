/**
 * Demo seed CLI: `npm run db:seed` (or `npx tsx prisma/seed.ts`). Seeds once; a second run sees
 * user `admin` and does nothing. Demo accounts share DEMO_PASSWORD, so a production database is
 * refused unless `--allow-production` is given and DEMO_PASSWORD is not the development default.
 */
import { loadConfig } from '@vtc/config';
import { piiKeysFrom } from '@vtc/core';
import { createPrisma } from '@vtc/db';
import { seedDemo, summarizeCounts } from './seed/index.ts';

const DEFAULT_DEMO_PASSWORD = 'Vtc@2026demo';

const config = loadConfig();
if (config.isProduction) {
  const allowed = process.argv.includes('--allow-production');
  if (!allowed || config.DEMO_PASSWORD === DEFAULT_DEMO_PASSWORD) {
    console.error(
      'seed: refusing to create demo accounts in production (pass --allow-production and set a non-default DEMO_PASSWORD)',
    );
    process.exit(1);
  }
}

const prisma = createPrisma(config.DATABASE_URL, { max: 2 });
const started = performance.now();
try {
  const { created, counts } = await seedDemo(prisma, {
    demoPassword: config.DEMO_PASSWORD,
    piiKeys: piiKeysFrom(config),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const db = new URL(config.DATABASE_URL).pathname.slice(1);
  console.log(
    created
      ? `seed: created demo data in ${db} in ${seconds}s (${summarizeCounts(counts)})`
      : `seed: demo data already present in ${db} (user admin exists); nothing changed`,
  );
} catch (error) {
  console.error('seed: failed, nothing was written (the seed runs in one transaction)');
  console.error(error);
  process.exitCode = 1;
} finally {
  await prisma.$disconnect();
}
