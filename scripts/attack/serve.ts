/**
 * A system to attack that is nobody else's: a fresh database (cloned from the migrations' template),
 * the demo seed, and the API on a free loopback port. Prints `URL <url>` and `PID <pid>` and runs
 * until SIGINT/SIGTERM, then stops the API and drops the database.
 *
 *   npx tsx scripts/attack/serve.ts [--port=0]
 *   npm run attack -- --url=<url> --pid=<pid>
 *
 * Never uses the `vtc` database that `npm start` runs on.
 */
import { piiKeysFrom } from '@vtc/core';
import { startTestApi, type TestApi } from '../../apps/api/src/testing.ts';
import { seedDemo } from '../../prisma/seed/index.ts';

/** Start the API on a seeded database of its own. */
export async function startSeededApi(label: string, overrides: Record<string, string> = {}): Promise<TestApi> {
  const api = await startTestApi(label, overrides);
  try {
    await seedDemo(api.prisma, { demoPassword: api.config.DEMO_PASSWORD, piiKeys: piiKeysFrom(api.config) });
  } catch (error) {
    await api.stop();
    throw error;
  }
  return api;
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('scripts/attack/serve.ts');
if (isMain) {
  const started = performance.now();
  const api = await startSeededApi('attack');
  console.log(`seeded ${api.db.name} in ${((performance.now() - started) / 1000).toFixed(1)}s`);
  console.log(`URL ${api.url}`);
  console.log(`PID ${process.pid}`);
  const stop = async () => {
    await api.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
