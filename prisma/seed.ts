/**
 * Seed CLI: `npm run db:seed` (or `npx tsx prisma/seed.ts`). Seeds the demo once; a second run sees
 * user `admin` and does nothing. With NODE_ENV=production it creates no demo accounts and no demo
 * records: it loads the reference data only (regions, occupations, the holiday calendar), and fails
 * on a database that already holds the demo data.
 */
import { loadConfig } from '@vtc/config';
import { piiKeysFrom } from '@vtc/core';
import { createPrisma } from '@vtc/db';
import { DemoDataInProductionError, seedDemo, summarizeCounts } from './seed/index.ts';

const config = loadConfig();
const prisma = createPrisma(config.DATABASE_URL, { max: 2 });
const started = performance.now();
try {
  const { created, referenceOnly, counts } = await seedDemo(prisma, {
    demoPassword: config.DEMO_PASSWORD,
    piiKeys: piiKeysFrom(config),
    production: config.isProduction,
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const db = new URL(config.DATABASE_URL).pathname.slice(1);
  console.log(
    referenceOnly
      ? `seed: production: reference data loaded in ${db} in ${seconds}s (regions ${counts.regions}, occupations ${counts.occupations}, calendar days ${counts.calendarDays}); no demo accounts or demo records`
      : created
        ? `seed: created demo data in ${db} in ${seconds}s (${summarizeCounts(counts)})`
        : `seed: demo data already present in ${db} (user admin exists); nothing changed`,
  );
} catch (error) {
  if (error instanceof DemoDataInProductionError) {
    console.error(`seed: ${error.message}`);
  } else {
    console.error('seed: failed, nothing was written (the seed runs in one transaction)');
    console.error(error);
  }
  process.exitCode = 1;
} finally {
  await prisma.$disconnect();
}
